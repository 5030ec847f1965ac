// Kafka Connect's JsonConverter: the same bytes as Kafka's, with and without
// the schema envelope (`schemas.enable`), for Connect's whole data model.
//
// Owns: writing Connect data as Jackson does inside Kafka's JsonConverter —
// `{"schema":{"type":"struct","fields":[…],"optional":false,"name":…},"payload":{…}}`
// with schemas (schema keys in Kafka's order: type, items/keys/values/fields,
// optional, name, version, doc, parameters, default, field), the bare
// payload without; no spaces; strings as Jackson escapes them; floats and
// doubles as Java prints them (non-finite ones quoted); bytes and decimals
// (decimal.format=BASE64) as base64; dates, times and timestamps as
// integers — and reading such bytes back into schemas and values with
// Kafka's rules and messages (schemaless objects become maps in Java
// HashMap order, integers longs, other numbers doubles).
// Must never: accept data that does not fit its schema without Kafka's error.

import { ConnectorError } from '../errors.ts';
import {
  bigDecimalToString,
  dataEquals,
  dateName,
  decimalName,
  javaClassName,
  javaDoubleToString,
  javaFloatToString,
  schemaEquals,
  timeName,
  timestampName,
  typeName,
  type ConnectData,
  type ConnectField,
  type ConnectSchema,
  type SchemaAndValue,
  type SchemaType,
} from './connect-data.ts';
import type { Converter } from './converter.ts';
import { javaHashMapOrder } from './java-hash-map.ts';
import { decimalOf, doubleValue, intValue, isInt, jacksonString, longValue, nodeType, parseJson, parseJsonWithSpans, type JsonNode, type MemberSpan } from './json-text.ts';

/** A DataException of Kafka Connect, raised by a converter. */
export class DataError extends ConnectorError {}

const jsonTypeNames: Record<SchemaType, string> = {
  boolean: 'boolean', bytes: 'bytes', float64: 'double', float32: 'float', int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64',
  string: 'string', array: 'array', map: 'map', struct: 'struct',
};
const schemaTypes = new Map(Object.entries(jsonTypeNames).map(([type, json]) => [json, type as SchemaType]));

const envelopeRequired =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

const millisPerDay = 86_400_000n;

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** `BigInteger.toByteArray()`: the shortest big-endian two's complement. */
export function unscaledBytes(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  } while (!(rest === 0n && (bytes[0]! & 0x80) === 0) && !(rest === -1n && (bytes[0]! & 0x80) !== 0));
  return new Uint8Array(bytes);
}

/** `new BigInteger(bytes)`. */
export function unscaledValue(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  return BigInt.asIntN(bytes.length * 8, unsigned);
}

function decimalScale(schema: ConnectSchema): number {
  const scale = schema.parameters?.find(([key]) => key === 'scale')?.[1];
  if (scale === undefined) throw new DataError('Invalid Decimal schema: scale parameter not found.');
  return Number.parseInt(scale, 10);
}

/** Kafka's default `schemas.cache.size`. */
const schemaCacheSize = 1000;
/** A cached `"schema": null` (schemaless data in an envelope). */
const noSchema: ConnectSchema = Object.freeze({ type: 'string', optional: true });

export class JsonConverter implements Converter {
  /** Schemas read from envelopes, by their JSON text (oldest first). */
  private readonly schemaCache = new Map<string, ConnectSchema>();
  /** The last envelope's schema: its text, node and Connect schema (the next record's is usually the same text, not parsed again). */
  private lastSchema: { text: string; node: JsonNode; schema: ConnectSchema | undefined } | undefined;
  /** What `schemaJson` wrote for each schema written. */
  private readonly schemaJsonCache = new WeakMap<ConnectSchema, string>();

  constructor(
    readonly schemasEnable: boolean,
    /** `replace.null.with.default` (default true, as Kafka's). */
    readonly replaceNullWithDefault = true,
    /** `decimal.format`: BASE64 (Kafka's default) writes a Decimal's unscaled bytes in base64, NUMERIC a JSON number. Reading takes either. */
    readonly decimalFormat: 'BASE64' | 'NUMERIC' = 'BASE64',
    /**
     * `schema.content` (Kafka 4.4): a JSON schema every record is read with
     * when schemas are enabled — the whole record is its payload, no
     * envelope. Parsed here, as Kafka's configure does (a bad one is refused
     * whether or not schemas are enabled).
     */
    schemaContent?: string,
  ) {
    if (schemaContent === undefined) return;
    let node: JsonNode;
    try {
      node = parseJson(schemaContent);
    } catch (error) {
      throw new DataError(`Failed to parse schema in converter config due to serialization error: ${(error as Error).message}`, {}, { cause: error });
    }
    const schema = this.asConnectSchema(node);
    if (schemasEnable) this.fixedSchema = schema;
  }

  /** The schema of `schema.content`, with schemas enabled: every record is read with it. */
  private fixedSchema: ConnectSchema | undefined;

  fromConnectData(topic: string, data: SchemaAndValue): Uint8Array | undefined {
    if (data.schema === undefined && data.value === null) return undefined;
    try {
      const payload = this.toJson(data.schema, data.value) ?? 'null';
      const text = this.schemasEnable ? `{"schema":${data.schema === undefined ? 'null' : this.cachedSchemaJson(data.schema)},"payload":${payload}}` : payload;
      return Buffer.from(text, 'utf8');
    } catch (error) {
      if (error instanceof DataError) throw error.withContext({ topic });
      throw error;
    }
  }

  /** The payload of a value as this converter writes it, without an envelope (what a sink connector sees of structured data). */
  payloadJson(data: SchemaAndValue): string {
    return this.toJson(data.schema, data.value) ?? 'null';
  }

  /** `schemaJson`, once per schema object (schemas are immutable; a source connector's records share theirs). */
  private cachedSchemaJson(schema: ConnectSchema): string {
    let text = this.schemaJsonCache.get(schema);
    if (text === undefined) {
      text = this.schemaJson(schema);
      this.schemaJsonCache.set(schema, text);
    }
    return text;
  }

  /** `asJsonSchema(schema)` written out. */
  schemaJson(schema: ConnectSchema): string {
    return this.schemaParts(schema).join(',').replace(/^/, '{') + '}';
  }

  private schemaParts(schema: ConnectSchema): string[] {
    const parts = [`"type":"${jsonTypeNames[schema.type]}"`];
    if (schema.type === 'array') parts.push(`"items":${schema.valueSchema ? this.schemaJson(schema.valueSchema) : 'null'}`);
    if (schema.type === 'map') {
      parts.push(`"keys":${schema.keySchema ? this.schemaJson(schema.keySchema) : 'null'}`);
      parts.push(`"values":${schema.valueSchema ? this.schemaJson(schema.valueSchema) : 'null'}`);
    }
    if (schema.type === 'struct') {
      const fields = (schema.fields ?? []).map((field) => `{${[...this.schemaParts(field.schema), `"field":${jacksonString(field.name)}`].join(',')}}`);
      parts.push(`"fields":[${fields.join(',')}]`);
    }
    parts.push(`"optional":${schema.optional}`);
    if (schema.name !== undefined) parts.push(`"name":${jacksonString(schema.name)}`);
    if (schema.version !== undefined) parts.push(`"version":${schema.version}`);
    if (schema.doc !== undefined) parts.push(`"doc":${jacksonString(schema.doc)}`);
    if (schema.parameters !== undefined) {
      // An ObjectNode: a repeated key keeps its first place, its last value.
      const parameters: Array<[string, string]> = [];
      for (const [key, value] of schema.parameters) {
        const existing = parameters.find(([k]) => k === key);
        if (existing) existing[1] = value;
        else parameters.push([key, value]);
      }
      parts.push(`"parameters":{${parameters.map(([key, value]) => `${jacksonString(key)}:${jacksonString(value)}`).join(',')}}`);
    }
    if (schema.defaultValue !== undefined) parts.push(`"default":${this.toJson(schema, schema.defaultValue) ?? 'null'}`);
    return parts;
  }

  /** `convertToJson(schema, value)`; `undefined` is Java's null node-less result. */
  private toJson(schema: ConnectSchema | undefined, value: ConnectData | null): string | undefined {
    if (value === null) {
      if (schema === undefined) return undefined;
      if (schema.defaultValue !== undefined && this.replaceNullWithDefault) return this.toJson(schema, schema.defaultValue);
      if (schema.optional) return 'null';
      throw new DataError('Conversion error: null value for field that is required and has no default value');
    }
    if (schema?.name !== undefined) {
      switch (schema.name) {
        case decimalName: {
          if (value.type !== 'decimal') throw new DataError(`Invalid type for Decimal, expected BigDecimal but was class ${javaClassName(value)}`);
          if (this.decimalFormat === 'NUMERIC') return bigDecimalToString(value.unscaled, value.scale); // Jackson writes BigDecimal.toString()
          if (value.scale !== decimalScale(schema)) throw new DataError('BigDecimal has mismatching scale value for given Decimal schema');
          return `"${base64(unscaledBytes(value.unscaled))}"`;
        }
        case dateName: {
          if (value.type !== 'date') throw new DataError(`Invalid type for Date, expected Date but was class ${javaClassName(value)}`);
          if (value.value % millisPerDay !== 0n) throw new DataError('Kafka Connect Date type should not have any time fields set to non-zero values.');
          return String(value.value / millisPerDay);
        }
        case timeName: {
          if (value.type !== 'date') throw new DataError(`Invalid type for Time, expected Date but was class ${javaClassName(value)}`);
          if (value.value < 0n || value.value > millisPerDay) throw new DataError('Kafka Connect Time type should not have any date fields set to non-zero values.');
          return String(value.value);
        }
        case timestampName: {
          if (value.type !== 'date') throw new DataError(`Invalid type for Timestamp, expected Date but was class ${javaClassName(value)}`);
          return value.value.toString();
        }
      }
    }
    const type = schema?.type ?? (value.type === 'date' || value.type === 'decimal' ? undefined : value.type);
    if (type === undefined) throw new DataError(`Java class class ${javaClassName(value)} does not have corresponding schema type.`);
    switch (type) {
      case 'int8': case 'int16': case 'int32':
        return value.type === type ? String(value.value) : mismatch(schema, value);
      case 'int64':
        return value.type === 'int64' ? value.value.toString() : mismatch(schema, value);
      case 'float32':
        if (value.type !== 'float32') return mismatch(schema, value);
        return Number.isFinite(value.value) ? javaFloatToString(value.value) : `"${javaFloatToString(value.value)}"`;
      case 'float64':
        if (value.type !== 'float64') return mismatch(schema, value);
        return Number.isFinite(value.value) ? javaDoubleToString(value.value) : `"${javaDoubleToString(value.value)}"`;
      case 'boolean':
        return value.type === 'boolean' ? String(value.value) : mismatch(schema, value);
      case 'string':
        return value.type === 'string' ? jacksonString(value.value) : mismatch(schema, value);
      case 'bytes':
        if (value.type !== 'bytes') throw new DataError(`Invalid type for bytes type: class ${javaClassName(value)}`);
        return `"${base64(value.value)}"`;
      case 'array':
        if (value.type !== 'array') return mismatch(schema, value);
        return `[${value.value.map((item) => this.toJson(schema?.valueSchema, item) ?? 'null').join(',')}]`;
      case 'map': {
        if (value.type !== 'map') return mismatch(schema, value);
        const objectMode = schema ? schema.keySchema?.type === 'string' : value.value.every(([key]) => key?.type === 'string');
        if (objectMode) {
          const entries: Array<[string, string]> = [];
          for (const [key, item] of value.value) {
            const name = key === null ? 'null' : key.type === 'string' ? key.value : this.toJson(schema?.keySchema, key)!.replace(/^"|"$/g, '');
            const text = this.toJson(schema?.valueSchema, item) ?? 'null';
            const existing = entries.find(([k]) => k === name);
            if (existing) existing[1] = text;
            else entries.push([name, text]);
          }
          return `{${entries.map(([name, text]) => `${jacksonString(name)}:${text}`).join(',')}}`;
        }
        return `[${value.value.map(([key, item]) => `[${this.toJson(schema?.keySchema, key) ?? 'null'},${this.toJson(schema?.valueSchema, item) ?? 'null'}]`).join(',')}]`;
      }
      case 'struct': {
        if (value.type !== 'struct') return mismatch(schema, value);
        if (!schemaEquals(value.schema, schema)) throw new DataError('Mismatching schema.');
        const fields = schema!.fields ?? [];
        return `{${fields.map((field, index) => `${jacksonString(field.name)}:${this.toJson(field.schema, value.value[index] ?? null) ?? 'null'}`).join(',')}}`;
      }
    }
  }

  toConnectData(topic: string, bytes: Uint8Array | undefined): SchemaAndValue {
    if (bytes === undefined) return { schema: undefined, value: null };
    // toString() without arguments: Buffer's direct UTF-8 path (records from Kafka are Buffers already).
    const text = (bytes instanceof Buffer ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString();
    let document: JsonNode;
    let spans: MemberSpan[] | undefined;
    const fixed = this.fixedSchema;
    try {
      if (this.schemasEnable && fixed === undefined) ({ node: document, spans } = parseJsonWithSpans(text, this.lastSchema));
      else document = parseJson(text);
    } catch (error) {
      throw new DataError(`Converting byte[] to Kafka Connect data failed due to serialization error: ${(error as Error).message}`, { topic }, { cause: error });
    }
    if (fixed !== undefined) {
      // schema.content: the whole record is the payload of that schema.
      try {
        return { schema: fixed, value: this.toConnect(fixed, document) };
      } catch (error) {
        if (error instanceof DataError) throw error.withContext({ topic });
        throw error;
      }
    }
    let schemaNode: JsonNode = { kind: 'null' };
    let schemaText: string | undefined;
    let payload: JsonNode = document;
    if (this.schemasEnable) {
      const entries = document.kind === 'object' ? document.entries : [];
      const schemaEntry = entries.find(([key]) => key === 'schema');
      const payloadEntry = entries.find(([key]) => key === 'payload');
      if (document.kind !== 'object' || entries.length !== 2 || !schemaEntry || !payloadEntry) throw new DataError(envelopeRequired, { topic });
      schemaNode = schemaEntry[1];
      payload = payloadEntry[1];
      // The schema's own text (its last occurrence: a repeated key keeps its last value).
      for (let i = spans!.length - 1; i >= 0; i--) {
        const span = spans![i]!;
        if (span.key === 'schema') {
          if (span.node !== this.lastSchema?.node) schemaText = text.slice(span.start, span.end);
          break;
        }
      }
    }
    try {
      let schema: ConnectSchema | undefined;
      if (!this.schemasEnable) schema = this.asConnectSchema(schemaNode);
      else if (schemaText === undefined) schema = this.lastSchema!.schema;
      else {
        schema = this.cachedSchema(schemaText, schemaNode);
        this.lastSchema = { text: schemaText, node: schemaNode, schema };
      }
      return { schema, value: this.toConnect(schema, payload) };
    } catch (error) {
      if (error instanceof DataError) throw error.withContext({ topic });
      throw error;
    }
  }

  /**
   * `asConnectSchema` of an envelope's schema, cached by its text as Kafka's
   * JsonConverter caches by schema (`schemas.cache.size`, 1000): every record
   * of a topic usually carries the same schema. A schema that fails is not
   * cached (it fails again, with the same message, each time).
   */
  private cachedSchema(text: string, node: JsonNode): ConnectSchema | undefined {
    const cached = this.schemaCache.get(text);
    if (cached !== undefined) {
      if (cached !== noSchema) return cached;
      return undefined;
    }
    const schema = this.asConnectSchema(node);
    if (this.schemaCache.size >= schemaCacheSize) this.schemaCache.delete(this.schemaCache.keys().next().value!);
    this.schemaCache.set(text, schema ?? noSchema);
    return schema;
  }

  /** `asConnectSchema(jsonSchema)`. */
  asConnectSchema(node: JsonNode): ConnectSchema | undefined {
    if (node.kind === 'null') return undefined;
    const field = (name: string) => (node.kind === 'object' ? node.entries.find(([key]) => key === name)?.[1] : undefined);
    const typeNode = field('type');
    if (typeNode?.kind !== 'string') throw new DataError("Schema must contain 'type' field");
    const type = schemaTypes.get(typeNode.value);
    if (type === undefined) throw new DataError(`Unknown schema type: ${typeNode.value}`);
    let schema: { -readonly [K in keyof ConnectSchema]: ConnectSchema[K] } = { type, optional: false };
    if (type === 'array') {
      const items = field('items');
      if (items === undefined || items.kind === 'null') throw new DataError('Array schema did not specify the element type');
      schema.valueSchema = this.asConnectSchema(items);
    } else if (type === 'map') {
      const keys = field('keys');
      if (keys === undefined) throw new DataError('Map schema did not specify the key type');
      const values = field('values');
      if (values === undefined) throw new DataError('Map schema did not specify the value type');
      schema.keySchema = this.asConnectSchema(keys);
      schema.valueSchema = this.asConnectSchema(values);
    } else if (type === 'struct') {
      const fields = field('fields');
      if (fields?.kind !== 'array') throw new DataError('Struct schema\'s "fields" argument is not an array.');
      const out: ConnectField[] = [];
      for (const item of fields.items) {
        const name = item.kind === 'object' ? item.entries.find(([key]) => key === 'field')?.[1] : undefined;
        if (name?.kind !== 'string') throw new DataError("Struct schema's field name not specified properly");
        if (out.some((existing) => existing.name === name.value)) throw new DataError(`Cannot create field because of field name duplication ${name.value}`);
        out.push({ name: name.value, schema: this.asConnectSchema(item)! });
      }
      schema.fields = out;
    }
    const optional = field('optional');
    schema.optional = optional?.kind === 'boolean' && optional.value;
    const name = field('name');
    if (name?.kind === 'string') schema.name = name.value;
    const version = field('version');
    if (version?.kind === 'number' && version.integral) schema.version = intValue(version);
    const doc = field('doc');
    if (doc?.kind === 'string') schema.doc = doc.value;
    const parameters = field('parameters');
    if (parameters?.kind === 'object') {
      schema.parameters = parameters.entries.map(([key, value]) => {
        if (value.kind !== 'string') throw new DataError('Schema parameters must have string values.');
        return [key, value.value] as const;
      });
    }
    const defaultNode = field('default');
    if (defaultNode !== undefined) {
      const value = this.toConnect(schema, defaultNode);
      if (value !== null) {
        schema = { ...schema, defaultValue: value };
      }
    }
    return schema;
  }

  /** `convertToConnect(schema, jsonValue)`. */
  private toConnect(schema: ConnectSchema | undefined, node: JsonNode | undefined): ConnectData | null {
    let type: SchemaType;
    if (schema !== undefined) {
      type = schema.type;
      if (node === undefined || node.kind === 'null' || node.kind === 'missing') {
        if (schema.defaultValue !== undefined && this.replaceNullWithDefault) return schema.defaultValue;
        if (schema.optional) return null;
        throw new DataError(`Invalid null value for required ${typeName(type)} field`);
      }
    } else {
      if (node === undefined) return null;
      switch (node.kind) {
        case 'null': case 'missing': return null;
        case 'boolean': type = 'boolean'; break;
        case 'number': type = node.integral ? 'int64' : 'float64'; break;
        case 'array': type = 'array'; break;
        case 'object': type = 'map'; break;
        case 'string': type = 'string'; break;
      }
    }
    if (schema?.name !== undefined) {
      switch (schema.name) {
        case decimalName: {
          if (node.kind === 'number') {
            const exact = decimalOf(node.text);
            return { type: 'decimal', unscaled: exact.unscaled, scale: exact.scale };
          }
          if (node.kind === 'string') {
            let bytes: Uint8Array;
            try {
              bytes = base64Decode(node.value);
            } catch (error) {
              throw new DataError('Invalid bytes for Decimal field', {}, { cause: error });
            }
            return { type: 'decimal', unscaled: unscaledValue(bytes), scale: decimalScale(schema) };
          }
          throw new DataError(`Invalid type for Decimal, underlying representation should be numeric or bytes but was ${nodeType(node)}`);
        }
        case dateName:
          if (!isInt(node)) throw new DataError(`Invalid type for Date, underlying representation should be integer but was ${nodeType(node)}`);
          return { type: 'date', value: BigInt(intValue(node)) * millisPerDay };
        case timeName: {
          if (!isInt(node)) throw new DataError(`Invalid type for Time, underlying representation should be integer but was ${nodeType(node)}`);
          const millis = intValue(node);
          if (millis < 0 || millis > Number(millisPerDay)) throw new DataError('Time values must be between 0 and 86400000 milliseconds');
          return { type: 'date', value: BigInt(millis) };
        }
        case timestampName:
          if (node.kind !== 'number' || !node.integral) throw new DataError(`Invalid type for Timestamp, underlying representation should be integral but was ${nodeType(node)}`);
          return { type: 'date', value: longValue(node) };
      }
    }
    switch (type) {
      case 'boolean': return { type, value: node.kind === 'boolean' && node.value };
      case 'int8': return { type, value: (intValue(node) << 24) >> 24 };
      case 'int16': return { type, value: (intValue(node) << 16) >> 16 };
      case 'int32': return { type, value: intValue(node) };
      case 'int64': return { type, value: longValue(node) };
      case 'float32': return { type, value: Math.fround(doubleValue(node)) };
      case 'float64': return { type, value: doubleValue(node) };
      case 'bytes': {
        if (node.kind !== 'string') return null;
        try {
          return { type, value: base64Decode(node.value) };
        } catch (error) {
          throw new DataError('Invalid bytes field', {}, { cause: error });
        }
      }
      case 'string': return node.kind === 'string' ? { type, value: node.value } : null;
      case 'array': return { type, value: node.kind === 'array' ? node.items.map((item) => this.toConnect(schema?.valueSchema, item)) : [] };
      case 'map': {
        const keySchema = schema?.keySchema;
        const valueSchema = schema?.valueSchema;
        const entries: Array<[ConnectData | null, ConnectData | null]> = [];
        if (schema === undefined || keySchema?.type === 'string') {
          if (node.kind !== 'object') throw new DataError(`Maps with string fields should be encoded as JSON objects, but found ${nodeType(node)}`);
          for (const [key, item] of node.entries) entries.push([{ type: 'string', value: key }, this.toConnect(valueSchema, item)]);
        } else {
          if (node.kind !== 'array') throw new DataError(`Maps with non-string fields should be encoded as JSON array of tuples, but found ${nodeType(node)}`);
          for (const entry of node.items) {
            if (entry.kind !== 'array') throw new DataError(`Found invalid map entry instead of array tuple: ${nodeType(entry)}`);
            if (entry.items.length !== 2) throw new DataError(`Found invalid map entry, expected length 2 but found :${entry.items.length}`);
            entries.push([this.toConnect(keySchema, entry.items[0]), this.toConnect(valueSchema, entry.items[1])]);
          }
        }
        return { type, value: javaHashMapOrder(entries, dataEquals) };
      }
      case 'struct': {
        if (node.kind !== 'object') throw new DataError(`Structs should be encoded as JSON objects, but found ${nodeType(node)}`);
        const fields = schema!.fields ?? [];
        const values = fields.map((field) => {
          const value = this.toConnect(field.schema, node.entries.find(([key]) => key === field.name)?.[1]);
          validateValue(field.schema, value, `field: "${field.name}"`);
          return value;
        });
        return { type, schema: schema!, value: values };
      }
    }
  }
}

/** Kafka's error for a value whose class does not fit its schema (a function of its own: no closure per value written). */
function mismatch(schema: ConnectSchema | undefined, value: ConnectData): never {
  throw new DataError(`Invalid type for ${schema ? typeName(schema.type) : 'unknown schema'}: class ${javaClassName(value)}`);
}

function base64Decode(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(text)) throw new Error('Illegal character in base64 encoded data');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** The Java class a value of `schema` must have, for `ConnectSchema.validateValue`. */
function fits(schema: ConnectSchema, value: ConnectData): boolean {
  switch (schema.name) {
    case decimalName: return value.type === 'decimal';
    case dateName: case timeName: case timestampName: return value.type === 'date';
  }
  return value.type === schema.type;
}

/** `ConnectSchema.validateValue(schema, value, location)` (what `Struct.put` runs). */
export function validateValue(schema: ConnectSchema, value: ConnectData | null, location: string): void {
  if (value === null) {
    if (!schema.optional) throw new DataError(`Invalid value: null used for required ${location}, schema type: ${typeName(schema.type)}`);
    return;
  }
  if (!fits(schema, value)) {
    throw new DataError(`Invalid Java object for schema${schema.name === undefined ? '' : ` "${schema.name}"`} with type ${typeName(schema.type)}: class ${javaClassName(value)} for ${location}`);
  }
}
