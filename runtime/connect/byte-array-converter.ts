// Kafka Connect's ByteArrayConverter: bytes through unchanged.
//
// Owns: passing `bytes` values through and refusing any other schema or
// value, with Kafka's messages (a DataException there).
// Must never: copy the bytes.

import { javaClassName, primitiveSchema, typeName, type SchemaAndValue } from './connect-data.ts';
import type { Converter } from './converter.ts';
import { DataError } from './json-converter.ts';

const optionalBytes = primitiveSchema('bytes', true);

export class ByteArrayConverter implements Converter {
  fromConnectData(topic: string, data: SchemaAndValue): Uint8Array | undefined {
    if (data.schema !== undefined && data.schema.type !== 'bytes') throw new DataError(`Invalid schema type for ByteArrayConverter: ${typeName(data.schema.type)}`, { topic });
    const value = data.value;
    if (value === null) return undefined;
    if (value.type !== 'bytes') throw new DataError(`ByteArrayConverter is not compatible with objects of type class ${javaClassName(value)}`, { topic });
    return value.value;
  }

  toConnectData(_topic: string, bytes: Uint8Array | undefined): SchemaAndValue {
    return { schema: optionalBytes, value: bytes === undefined ? null : { type: 'bytes', value: bytes } };
  }
}
