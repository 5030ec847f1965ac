// A Connect record ⇄ the WIT `connect-record` a transform plugin takes (and,
// from contract 0.3.0, a source task returns and a sink task receives): its
// schemas and values flattened into two arenas, every nested schema or value
// an index into them.
//
// Owns: that encoding (each distinct schema object once) and its decoding,
// refusing an index out of range or a schema that contains itself.
// Must never: change what a record means on the way through.

import { ConnectorError } from '../errors.ts';
import type * as Wit from '../plugin/host/wit/interfaces/eddy-plugin-connect-data.js';
import { unscaledBytes, unscaledValue } from './json-converter.ts';
import type { ConnectData, ConnectField, ConnectHeader, ConnectRecordData, ConnectSchema, SchemaAndValue } from './connect-data.ts';

/** Whether a schema refers to no other schema or value (a primitive without a default); no schema counts as one. */
const isLeaf = (schema: ConnectSchema | undefined) =>
  schema === undefined || (schema.fields === undefined && schema.keySchema === undefined && schema.valueSchema === undefined && schema.defaultValue === undefined);

/** The WIT form of leaf schemas: the same for every record, made once. */
const leafSchemas = new WeakMap<ConnectSchema, Wit.Schema>();

function witSchema(schema: ConnectSchema, fields: Wit.FieldSchema[], defaultValue: number | undefined, keySchema: number | undefined, valueSchema: number | undefined): Wit.Schema {
  const encoded: Wit.Schema = { type: schema.type, optional: schema.optional, fields };
  if (defaultValue !== undefined) encoded.defaultValue = defaultValue;
  if (schema.name !== undefined) encoded.name = schema.name;
  if (schema.version !== undefined) encoded.version = schema.version;
  if (schema.doc !== undefined) encoded.doc = schema.doc;
  if (schema.parameters !== undefined) encoded.parameters = schema.parameters.map(([k, v]) => [k, v] as [string, string]);
  if (keySchema !== undefined) encoded.keySchema = keySchema;
  if (valueSchema !== undefined) encoded.valueSchema = valueSchema;
  return encoded;
}

/** Connect's null (shared: the glue only reads what it lowers). */
const nullValue: Wit.Value = { tag: 'null' };

/** A primitive value (or null) as WIT's `value` (what Encoder.value gives it, without an arena). */
function scalarValue(value: ConnectData | null): Wit.Value {
  if (value === null) return nullValue;
  return { tag: value.type, val: (value as { value: unknown }).value } as Wit.Value;
}

class Encoder {
  readonly schemas: Wit.Schema[] = [];
  readonly values: Wit.Value[] = [];
  /** The schemas encoded so far and their indexes (a record has few: a list beats a map). */
  private readonly seen: ConnectSchema[] = [];

  schema(schema: ConnectSchema): number {
    const known = this.seen.indexOf(schema);
    if (known >= 0) return known;
    let encoded: Wit.Schema;
    if (isLeaf(schema)) {
      encoded = leafSchemas.get(schema) ?? witSchema(schema, [], undefined, undefined, undefined);
      leafSchemas.set(schema, encoded);
    } else {
      const fields = (schema.fields ?? []).map((field) => ({ name: field.name, schema: this.schema(field.schema) }));
      const keySchema = schema.keySchema && this.schema(schema.keySchema);
      const valueSchema = schema.valueSchema && this.schema(schema.valueSchema);
      const defaultValue = schema.defaultValue === undefined ? undefined : this.value(schema.defaultValue);
      encoded = witSchema(schema, fields, defaultValue, keySchema, valueSchema);
    }
    // Indexes follow `seen`: every schema is pushed to both at once, nested ones first.
    this.schemas.push(encoded);
    this.seen.push(schema);
    return this.schemas.length - 1;
  }

  value(value: ConnectData | null): number {
    let encoded: Wit.Value;
    if (value === null) {
      encoded = nullValue;
    } else {
      switch (value.type) {
        case 'array': encoded = { tag: 'array', val: Uint32Array.from(value.value.map((item) => this.value(item))) }; break;
        case 'map': encoded = { tag: 'map', val: value.value.map(([k, v]) => [this.value(k), this.value(v)] as [number, number]) }; break;
        case 'struct': {
          const schema = this.schema(value.schema);
          encoded = { tag: 'struct', val: { schema, fields: Uint32Array.from(value.value.map((item) => this.value(item))) } };
          break;
        }
        case 'decimal': encoded = { tag: 'decimal', val: { unscaled: unscaledBytes(value.unscaled), scale: value.scale } }; break;
        default: encoded = { tag: value.type, val: value.value } as Wit.Value;
      }
    }
    this.values.push(encoded);
    return this.values.length - 1;
  }

  data(data: SchemaAndValue): Wit.SchemaAndValue {
    const value = this.value(data.value);
    return data.schema === undefined ? { value } : { schema: this.schema(data.schema), value };
  }
}

const isScalar = (value: ConnectData | null) => value === null || (value.type !== 'array' && value.type !== 'map' && value.type !== 'struct' && value.type !== 'decimal');
const noHeaders: Wit.ConnectHeader[] = [];

/**
 * The parts of an encoded record that depend only on its key and value
 * schemas, for records with primitive (or no) schemas, primitive values and
 * no headers — a sink's or a source's records, one after another with the
 * same two schema objects: made once and shared (the glue only reads them).
 */
let lastShape: { keySchema: ConnectSchema | undefined; valueSchema: ConnectSchema | undefined; schemas: Wit.Schema[]; key: Wit.SchemaAndValue; value: Wit.SchemaAndValue } | undefined;

function simpleShape(keySchema: ConnectSchema | undefined, valueSchema: ConnectSchema | undefined) {
  if (lastShape !== undefined && lastShape.keySchema === keySchema && lastShape.valueSchema === valueSchema) return lastShape;
  const encoder = new Encoder();
  const keyIndex = keySchema === undefined ? undefined : encoder.schema(keySchema);
  const valueIndex = valueSchema === undefined ? undefined : encoder.schema(valueSchema);
  const shape = {
    keySchema,
    valueSchema,
    schemas: encoder.schemas,
    key: keyIndex === undefined ? { value: 0 } : { schema: keyIndex, value: 0 },
    value: valueIndex === undefined ? { value: 1 } : { schema: valueIndex, value: 1 },
  };
  lastShape = shape;
  return shape;
}

/** A record as a transform plugin (or a 0.3.0 sink task) takes it. */
export function encodeRecord(record: ConnectRecordData): Wit.ConnectRecord {
  let encoded: Wit.ConnectRecord;
  if (record.headers.length === 0 && isLeaf(record.key.schema) && isLeaf(record.value.schema) && isScalar(record.key.value) && isScalar(record.value.value)) {
    const shape = simpleShape(record.key.schema, record.value.schema);
    const values = [scalarValue(record.key.value), scalarValue(record.value.value)];
    encoded = { topic: record.topic, key: shape.key, value: shape.value, headers: noHeaders, schemas: shape.schemas, values };
  } else {
    const encoder = new Encoder();
    const key = encoder.data(record.key);
    const value = encoder.data(record.value);
    const headers = record.headers.map((header) => ({ key: header.key, data: encoder.data({ schema: header.schema, value: header.value }) }));
    encoded = { topic: record.topic, key, value, headers, schemas: encoder.schemas, values: encoder.values };
  }
  // Optional fields set only when present (one object shape, no spread per record).
  if (record.partition !== undefined) encoded.partition = record.partition;
  if (record.timestamp !== undefined) encoded.timestamp = BigInt(record.timestamp);
  if (record.kafkaOffset !== undefined) encoded.kafkaOffset = BigInt(record.kafkaOffset);
  return encoded;
}

const maxDepth = 500;

class Decoder {
  private readonly decoded: Array<ConnectSchema | undefined>;
  private readonly inProgress = new Set<number>();

  constructor(private readonly record: Wit.ConnectRecord, private readonly plugin: string, private readonly what: string) {
    this.decoded = new Array<ConnectSchema | undefined>(record.schemas.length);
  }

  private fail(message: string): never {
    throw new ConnectorError(`the ${this.what} returned a malformed record: ${message}`, { plugin: this.plugin });
  }

  schema(index: number): ConnectSchema {
    const known = this.decoded[index];
    if (known) return known;
    const source = this.record.schemas[index];
    if (source === undefined) return this.fail(`schema index ${index} out of range`);
    if (this.inProgress.has(index)) return this.fail(`schema ${index} contains itself`);
    this.inProgress.add(index);
    const fields: ConnectField[] = source.fields.map((field) => ({ name: field.name, schema: this.schema(field.schema) }));
    const schema: ConnectSchema = {
      type: source.type,
      optional: source.optional,
      ...(source.defaultValue === undefined ? {} : { defaultValue: this.nonNull(this.value(source.defaultValue, 0)) }),
      ...(source.name === undefined ? {} : { name: source.name }),
      ...(source.version === undefined ? {} : { version: source.version }),
      ...(source.doc === undefined ? {} : { doc: source.doc }),
      ...(source.parameters === undefined ? {} : { parameters: source.parameters }),
      ...(source.type === 'struct' ? { fields } : {}),
      ...(source.keySchema === undefined ? {} : { keySchema: this.schema(source.keySchema) }),
      ...(source.valueSchema === undefined ? {} : { valueSchema: this.schema(source.valueSchema) }),
    };
    this.inProgress.delete(index);
    this.decoded[index] = schema;
    return schema;
  }

  private nonNull(value: ConnectData | null): ConnectData {
    return value ?? this.fail('a schema default is null');
  }

  value(index: number, depth: number): ConnectData | null {
    if (depth > maxDepth) return this.fail(`values nested more than ${maxDepth} deep`);
    const source = this.record.values[index];
    if (source === undefined) return this.fail(`value index ${index} out of range`);
    switch (source.tag) {
      case 'null': return null;
      case 'array': return { type: 'array', value: [...source.val].map((item) => this.value(item, depth + 1)) };
      case 'map': return { type: 'map', value: source.val.map(([k, v]) => [this.value(k, depth + 1), this.value(v, depth + 1)] as const) };
      case 'struct': {
        const schema = this.schema(source.val.schema);
        const values = [...source.val.fields].map((item) => this.value(item, depth + 1));
        if (values.length !== (schema.fields ?? []).length) return this.fail(`a struct has ${values.length} values for ${(schema.fields ?? []).length} fields`);
        return { type: 'struct', schema, value: values };
      }
      case 'decimal': return { type: 'decimal', unscaled: unscaledValue(source.val.unscaled), scale: source.val.scale };
      case 'int64': return { type: 'int64', value: source.val };
      case 'date': return { type: 'date', value: source.val };
      default: return { type: source.tag, value: source.val } as ConnectData;
    }
  }

  data(data: Wit.SchemaAndValue): SchemaAndValue {
    return { schema: data.schema === undefined ? undefined : this.schema(data.schema), value: this.value(data.value, 0) };
  }
}

/** A record a plugin returned (a transform's, or a 0.3.0 source task's); `plugin` and `what` name it in errors. */
export function decodeRecord(record: Wit.ConnectRecord, plugin: string, what = 'transform plugin'): ConnectRecordData {
  const decoder = new Decoder(record, plugin, what);
  const headers: ConnectHeader[] = record.headers.map((header) => {
    const data = decoder.data(header.data);
    return { key: header.key, schema: data.schema, value: data.value };
  });
  return {
    topic: record.topic,
    partition: record.partition,
    key: decoder.data(record.key),
    value: decoder.data(record.value),
    timestamp: record.timestamp === undefined ? undefined : Number(record.timestamp),
    headers,
    kafkaOffset: record.kafkaOffset === undefined ? undefined : Number(record.kafkaOffset),
  };
}
