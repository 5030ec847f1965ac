// Kafka Connect's number and boolean converters (connect-runtime's
// org.apache.kafka.connect.converters: LongConverter, IntegerConverter,
// ShortConverter, FloatConverter, DoubleConverter — NumberConverter — and
// BooleanConverter): a value as Kafka's serializer of its type writes it
// (big-endian, IEEE 754 bits for floats, one byte 0/1 for a boolean), read
// back with the type's optional schema.
//
// Owns: those bytes and Kafka's messages for a value of another class, a
// schema of another type (BooleanConverter only) and bytes of the wrong size.
// Must never: convert a value to the type (Kafka casts: an Integer given to
// a LongConverter is refused, not widened). One difference: a float's
// signaling NaN (e.g. 0x7f800001) read and written back comes out quiet
// (0x7fc00001) — a JavaScript number cannot hold it; Kafka keeps its bits.

import { valueOfType } from './byte-array-converter.ts';
import { javaClassName, primitiveSchema, type ConnectData, type ConnectSchema, type SchemaAndValue, type SchemaType } from './connect-data.ts';
import type { Converter } from './converter.ts';
import { DataError } from './json-converter.ts';

interface NumberType {
  /** NumberConverter's `typeName`, in its messages. */
  name: string;
  type: Extract<SchemaType, 'int16' | 'int32' | 'int64' | 'float32' | 'float64'>;
  /** The serializer's size in bytes; its deserializer refuses any other. */
  size: number;
  /** The deserializer's name in its size message (Kafka's FloatDeserializer and DoubleDeserializer say `Deserializer`). */
  deserializer: string;
}

const numberTypes = {
  'org.apache.kafka.connect.converters.LongConverter': { name: 'long', type: 'int64', size: 8, deserializer: 'LongDeserializer' },
  'org.apache.kafka.connect.converters.IntegerConverter': { name: 'integer', type: 'int32', size: 4, deserializer: 'IntegerDeserializer' },
  'org.apache.kafka.connect.converters.ShortConverter': { name: 'short', type: 'int16', size: 2, deserializer: 'ShortDeserializer' },
  'org.apache.kafka.connect.converters.FloatConverter': { name: 'float', type: 'float32', size: 4, deserializer: 'Deserializer' },
  'org.apache.kafka.connect.converters.DoubleConverter': { name: 'double', type: 'float64', size: 8, deserializer: 'Deserializer' },
} as const satisfies Record<string, NumberType>;

/** Kafka's class names of the number converters. */
export const numberConverterClasses = Object.keys(numberTypes);

/** Kafka's NumberConverter of one type. */
export class NumberConverter implements Converter {
  private readonly number: NumberType;
  private readonly schema: ConnectSchema;

  constructor(className: string) {
    const number = (numberTypes as Record<string, NumberType>)[className];
    if (number === undefined) throw new Error(`${className} is not a number converter`);
    this.number = number;
    this.schema = primitiveSchema(number.type, true);
  }

  /** Kafka casts the value to the type (its schema is not looked at): a value of another class is refused. */
  fromConnectData(topic: string, data: SchemaAndValue): Uint8Array | undefined {
    const value = data.value;
    if (value === null) return undefined;
    if (value.type !== this.number.type) throw new DataError(`Failed to serialize to ${this.number.name} (was class ${javaClassName(value)}): `, { topic });
    const bytes = new Uint8Array(this.number.size);
    const view = new DataView(bytes.buffer);
    switch (value.type) {
      case 'int64': view.setBigInt64(0, value.value); break;
      case 'int32': view.setInt32(0, value.value); break;
      case 'int16': view.setInt16(0, value.value); break;
      case 'float32': view.setFloat32(0, value.value); break;
      // DoubleSerializer writes Double.doubleToLongBits: every NaN as the canonical one.
      case 'float64':
        if (Number.isNaN(value.value)) view.setBigUint64(0, 0x7ff8000000000000n);
        else view.setFloat64(0, value.value);
        break;
    }
    return bytes;
  }

  toConnectData(topic: string, bytes: Uint8Array | undefined): SchemaAndValue {
    if (bytes === undefined) return { schema: this.schema, value: null };
    if (bytes.length !== this.number.size) {
      throw new DataError(`Failed to deserialize ${this.number.name}: Size of data received by ${this.number.deserializer} is not ${this.number.size}`, { topic });
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let value: ConnectData;
    switch (this.number.type) {
      case 'int64': value = { type: 'int64', value: view.getBigInt64(0) }; break;
      case 'int32': value = { type: 'int32', value: view.getInt32(0) }; break;
      case 'int16': value = { type: 'int16', value: view.getInt16(0) }; break;
      case 'float32': value = { type: 'float32', value: view.getFloat32(0) }; break;
      case 'float64': value = { type: 'float64', value: view.getFloat64(0) }; break;
    }
    return { schema: this.schema, value };
  }
}

const optionalBoolean = primitiveSchema('boolean', true);

/** Kafka's BooleanConverter: one byte, 1 for true and 0 for false. */
export class BooleanConverter implements Converter {
  fromConnectData(topic: string, data: SchemaAndValue): Uint8Array | undefined {
    const value = valueOfType('BooleanConverter', 'boolean', topic, data);
    return value === null ? undefined : Uint8Array.of(value.value ? 1 : 0);
  }

  toConnectData(topic: string, bytes: Uint8Array | undefined): SchemaAndValue {
    if (bytes === undefined) return { schema: optionalBoolean, value: null };
    if (bytes.length !== 1) throw new DataError('Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1', { topic });
    if (bytes[0] !== 0 && bytes[0] !== 1) throw new DataError(`Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: ${(bytes[0]! << 24) >> 24}`, { topic });
    return { schema: optionalBoolean, value: { type: 'boolean', value: bytes[0] === 1 } };
  }
}
