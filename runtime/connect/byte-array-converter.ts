// Kafka Connect's ByteArrayConverter: bytes through unchanged.
//
// Owns: passing `bytes` values through and refusing any other schema or
// value, with Kafka's messages (a DataException there) — the check every
// converter of one Connect type makes (valueOfType).
// Must never: copy the bytes.

import { javaClassName, primitiveSchema, typeName, type ConnectData, type SchemaAndValue, type SchemaType } from './connect-data.ts';
import type { Converter } from './converter.ts';
import { DataError } from './json-converter.ts';

/**
 * The value a converter of one Connect type is given (ByteArrayConverter's
 * and BooleanConverter's check): null, or a value of that type under no
 * schema or that type's; anything else refused with Kafka's messages.
 */
export function valueOfType<T extends SchemaType>(converter: string, type: T, topic: string, data: SchemaAndValue): Extract<ConnectData, { type: T }> | null {
  if (data.schema !== undefined && data.schema.type !== type) throw new DataError(`Invalid schema type for ${converter}: ${typeName(data.schema.type)}`, { topic });
  const value = data.value;
  if (value === null) return null;
  if (value.type !== type) throw new DataError(`${converter} is not compatible with objects of type class ${javaClassName(value)}`, { topic });
  return value as Extract<ConnectData, { type: T }>;
}

const optionalBytes = primitiveSchema('bytes', true);

export class ByteArrayConverter implements Converter {
  fromConnectData(topic: string, data: SchemaAndValue): Uint8Array | undefined {
    return valueOfType('ByteArrayConverter', 'bytes', topic, data)?.value;
  }

  toConnectData(_topic: string, bytes: Uint8Array | undefined): SchemaAndValue {
    return { schema: optionalBytes, value: bytes === undefined ? null : { type: 'bytes', value: bytes } };
  }
}
