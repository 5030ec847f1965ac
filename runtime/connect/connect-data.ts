// Kafka Connect's data as the host carries it: the small typed value of the
// connector worlds (`ConnectValue`), and Connect's full data model
// (`org.apache.kafka.connect.data`: schemas with name, version, doc,
// parameters, default and optionality; values that keep their Java class)
// that converters read and write and transforms see.
//
// Owns: the data model's types, Java's equality of schemas and values,
// the logical types' names and schemas, Java's printing of numbers
// (Double.toString, Float.toString) and of values (toString).
// Must never: convert to or from bytes (converters do).

import type { ConnectValue } from '../plugin/host/wit/interfaces/eddy-plugin-connect-types.js';

export type { ConnectValue };

/** Connect's `Schema.Type`. */
export type SchemaType = 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'boolean' | 'string' | 'bytes' | 'array' | 'map' | 'struct';

export interface ConnectField {
  readonly name: string;
  readonly schema: ConnectSchema;
}

/** Kafka's `ConnectSchema`. */
export interface ConnectSchema {
  readonly type: SchemaType;
  readonly optional: boolean;
  /** Absent: no default (Java's null). */
  readonly defaultValue?: ConnectData;
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  /** Absent: Java's null parameters (distinct from an empty map). */
  readonly parameters?: ReadonlyArray<readonly [string, string]>;
  /** Struct fields, in order. */
  readonly fields?: readonly ConnectField[];
  readonly keySchema?: ConnectSchema;
  readonly valueSchema?: ConnectSchema;
}

/** A Connect value with its Java class; JavaScript's `null` is Java's null. */
export type ConnectData =
  | { readonly type: 'int8' | 'int16' | 'int32'; readonly value: number }
  | { readonly type: 'int64'; readonly value: bigint }
  | { readonly type: 'float32' | 'float64'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'array'; readonly value: ReadonlyArray<ConnectData | null> }
  /** Entries in iteration order. */
  | { readonly type: 'map'; readonly value: ReadonlyArray<readonly [ConnectData | null, ConnectData | null]> }
  | { readonly type: 'struct'; readonly schema: ConnectSchema; readonly value: ReadonlyArray<ConnectData | null> }
  /** A `java.util.Date` (Date, Time and Timestamp logical types): ms since the epoch. */
  | { readonly type: 'date'; readonly value: bigint }
  /** A `java.math.BigDecimal` (Decimal logical type). */
  | { readonly type: 'decimal'; readonly unscaled: bigint; readonly scale: number };

/** Kafka's `SchemaAndValue`: `schema` absent for schemaless data. */
export interface SchemaAndValue {
  readonly schema: ConnectSchema | undefined;
  readonly value: ConnectData | null;
}

export const nullSchemaAndValue: SchemaAndValue = { schema: undefined, value: null };

export interface ConnectHeader {
  readonly key: string;
  readonly schema: ConnectSchema | undefined;
  readonly value: ConnectData | null;
}

/** A record as transforms see it (Kafka's `ConnectRecord`). */
export interface ConnectRecordData {
  readonly topic: string;
  readonly partition: number | undefined;
  readonly key: SchemaAndValue;
  readonly value: SchemaAndValue;
  /** Milliseconds since the epoch. */
  readonly timestamp: number | undefined;
  readonly headers: readonly ConnectHeader[];
  /** Sink records: their offset in Kafka. */
  readonly kafkaOffset: number | undefined;
}

export const decimalName = 'org.apache.kafka.connect.data.Decimal';
export const dateName = 'org.apache.kafka.connect.data.Date';
export const timeName = 'org.apache.kafka.connect.data.Time';
export const timestampName = 'org.apache.kafka.connect.data.Timestamp';

/** `SchemaBuilder.<type>()` built: required, unnamed. */
export function primitiveSchema(type: SchemaType, optional = false): ConnectSchema {
  return { type, optional };
}

/** Java's `Schema.Type` constant name (`INT8`, `STRUCT`, …). */
export function typeName(type: SchemaType): string {
  return type.toUpperCase();
}

/** Java's `ConnectSchema.toString()`. */
export function describeSchema(schema: ConnectSchema): string {
  return schema.name === undefined ? `Schema{${typeName(schema.type)}}` : `Schema{${schema.name}:${typeName(schema.type)}}`;
}

/** `value.getClass().getName()`. */
export function javaClassName(value: ConnectData): string {
  switch (value.type) {
    case 'int8': return 'java.lang.Byte';
    case 'int16': return 'java.lang.Short';
    case 'int32': return 'java.lang.Integer';
    case 'int64': return 'java.lang.Long';
    case 'float32': return 'java.lang.Float';
    case 'float64': return 'java.lang.Double';
    case 'boolean': return 'java.lang.Boolean';
    case 'string': return 'java.lang.String';
    case 'bytes': return '[B';
    case 'array': return 'java.util.ArrayList';
    case 'map': return 'java.util.HashMap';
    case 'struct': return 'org.apache.kafka.connect.data.Struct';
    case 'date': return 'java.util.Date';
    case 'decimal': return 'java.math.BigDecimal';
  }
}

function parametersEqual(a: ConnectSchema['parameters'], b: ConnectSchema['parameters']): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every(([key, value]) => b.some(([k, v]) => k === key && v === value));
}

/** Java's `ConnectSchema.equals`. */
export function schemaEquals(a: ConnectSchema | undefined, b: ConnectSchema | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const fieldsA = a.fields ?? [];
  const fieldsB = b.fields ?? [];
  return a.type === b.type && a.optional === b.optional && a.version === b.version && a.name === b.name && a.doc === b.doc
    && dataEquals(a.defaultValue ?? null, b.defaultValue ?? null)
    && fieldsA.length === fieldsB.length && fieldsA.every((field, index) => field.name === fieldsB[index]!.name && schemaEquals(field.schema, fieldsB[index]!.schema))
    && schemaEquals(a.keySchema, b.keySchema) && schemaEquals(a.valueSchema, b.valueSchema)
    && parametersEqual(a.parameters, b.parameters);
}

/** Java's `equals` of two values (maps unordered, byte arrays by content as Struct's deepEquals). */
export function dataEquals(a: ConnectData | null, b: ConnectData | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.type !== b.type) return false;
  switch (a.type) {
    case 'bytes': return Buffer.from(a.value).equals(Buffer.from((b as typeof a).value));
    case 'array': {
      const other = (b as typeof a).value;
      return a.value.length === other.length && a.value.every((item, index) => dataEquals(item, other[index]!));
    }
    case 'map': {
      const other = (b as typeof a).value;
      return a.value.length === other.length && a.value.every(([k, v]) => other.some(([k2, v2]) => dataEquals(k, k2) && dataEquals(v, v2)));
    }
    case 'struct': {
      const other = b as typeof a;
      return schemaEquals(a.schema, other.schema) && a.value.length === other.value.length && a.value.every((item, index) => dataEquals(item, other.value[index]!));
    }
    case 'decimal': return a.unscaled === (b as typeof a).unscaled && a.scale === (b as typeof a).scale;
    case 'float32':
    case 'float64': return Object.is(a.value, (b as typeof a).value) || (Number.isNaN(a.value) && Number.isNaN((b as typeof a).value));
    default: return a.value === (b as { value: unknown }).value;
  }
}

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.234E-5`, `NaN`, `Infinity`. */
export function javaDoubleToString(value: number): string {
  return javaFloatingToString(value, Math.abs(value).toExponential());
}

/** Java's `Float.toString`: the shortest decimal that reads back as the same float. */
export function javaFloatToString(value: number): string {
  if (!Number.isFinite(value) || value === 0) return javaFloatingToString(value, '');
  const magnitude = Math.abs(value);
  let digits = magnitude.toExponential();
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = magnitude.toExponential(precision - 1);
    if (Math.fround(Number(candidate)) === magnitude) {
      digits = candidate;
      break;
    }
  }
  return javaFloatingToString(value, digits);
}

function javaFloatingToString(value: number, exponential: string): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = exponential.split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const point = exponent + 1;
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exponent}`;
}

/** `BigDecimal.toString()`. */
export function bigDecimalToString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const coefficient = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : '';
  const adjusted = -scale + (coefficient.length - 1);
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) return `${sign}${coefficient}`;
    if (coefficient.length > scale) return `${sign}${coefficient.slice(0, coefficient.length - scale)}.${coefficient.slice(coefficient.length - scale)}`;
    return `${sign}0.${'0'.repeat(scale - coefficient.length)}${coefficient}`;
  }
  return `${sign}${coefficient[0]}${coefficient.length > 1 ? `.${coefficient.slice(1)}` : ''}E${adjusted > 0 ? '+' : ''}${adjusted}`;
}

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `java.util.Date.toString()` in UTC: `Thu Jan 01 00:00:00 UTC 1970`. */
export function javaDateToString(millis: bigint): string {
  const date = new Date(Number(millis));
  return `${dayNames[date.getUTCDay()]} ${monthNames[date.getUTCMonth()]} ${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** A value as Java's `toString()` prints it (what StringConverter writes); byte arrays as their bytes' Latin-1. */
export function javaToString(value: ConnectData | null): string {
  if (value === null) return 'null';
  switch (value.type) {
    case 'int8': case 'int16': case 'int32': return String(value.value);
    case 'int64': return value.value.toString();
    case 'float32': return javaFloatToString(value.value);
    case 'float64': return javaDoubleToString(value.value);
    case 'boolean': return value.value ? 'true' : 'false';
    case 'string': return value.value;
    case 'bytes': return Buffer.from(value.value).toString('latin1');
    case 'array': return `[${value.value.map(javaToString).join(', ')}]`;
    case 'map': return `{${value.value.map(([k, v]) => `${javaToString(k)}=${javaToString(v)}`).join(', ')}}`;
    case 'struct': {
      const fields = value.schema.fields ?? [];
      return `Struct{${value.value.flatMap((item, index) => (item === null ? [] : [`${fields[index]!.name}=${javaToString(item)}`])).join(',')}}`;
    }
    case 'date': return javaDateToString(value.value);
    case 'decimal': return bigDecimalToString(value.unscaled, value.scale);
  }
}

/** A connector-world value as Java's `String.valueOf(value)` prints it (what StringConverter and FileStreamSink write). */
export function connectValueToString(value: ConnectValue): string {
  switch (value.tag) {
    case 'text':
    case 'json':
      return value.val;
    case 'int64':
      return value.val.toString();
    case 'float64':
      return javaDoubleToString(value.val);
    case 'boolean':
      return value.val ? 'true' : 'false';
    case 'bytes':
      return Buffer.from(value.val).toString('latin1');
  }
}
