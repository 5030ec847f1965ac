// Kafka Connect's StringConverter: a value's `toString()` as UTF-8, and
// bytes back as a string with Kafka's optional string schema.
//
// Owns: those two directions, null kept null.
// Must never: look at schemas when writing (StringConverter has none).

import { javaToString, primitiveSchema, type SchemaAndValue } from './connect-data.ts';
import type { Converter } from './converter.ts';

const optionalString = primitiveSchema('string', true);

export class StringConverter implements Converter {
  fromConnectData(_topic: string, data: SchemaAndValue): Uint8Array | undefined {
    const value = data.value;
    if (value === null) return undefined;
    // Java would print a byte[] as `[B@…`; Eddy writes the bytes.
    if (value.type === 'bytes') return value.value;
    return Buffer.from(javaToString(value), 'utf8');
  }

  toConnectData(_topic: string, bytes: Uint8Array | undefined): SchemaAndValue {
    return { schema: optionalString, value: bytes === undefined ? null : { type: 'string', value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') } };
  }
}
