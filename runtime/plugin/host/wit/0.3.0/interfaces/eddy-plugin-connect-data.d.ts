// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/connect-data@0.3.0 **/
/**
 * Connect's `Schema.Type`.
 * # Variants
 * 
 * ## `"int8"`
 * 
 * ## `"int16"`
 * 
 * ## `"int32"`
 * 
 * ## `"int64"`
 * 
 * ## `"float32"`
 * 
 * ## `"float64"`
 * 
 * ## `"boolean"`
 * 
 * ## `"string"`
 * 
 * ## `"bytes"`
 * 
 * ## `"array"`
 * 
 * ## `"map"`
 * 
 * ## `"struct"`
 */
export type SchemaType = 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'boolean' | 'string' | 'bytes' | 'array' | 'map' | 'struct';
/**
 * One field of a struct schema: its name and the index of its schema.
 */
export interface FieldSchema {
  name: string,
  schema: number,
}
/**
 * A schema (Kafka's `ConnectSchema`). Logical types (Decimal, Date,
 * Time, Timestamp) are schemas with Kafka's names
 * (`org.apache.kafka.connect.data.Decimal`, …) and parameters.
 */
export interface Schema {
  type: SchemaType,
  optional: boolean,
  /**
   * Index of the default value, if any.
   */
  defaultValue?: number,
  name?: string,
  version?: number,
  doc?: string,
  /**
   * `none` is Java's `null` parameters, distinct from an empty map.
   */
  parameters?: Array<[string, string]>,
  /**
   * Struct fields, in order (empty for other types).
   */
  fields: Array<FieldSchema>,
  /**
   * Map key schema.
   */
  keySchema?: number,
  /**
   * Array element or map value schema.
   */
  valueSchema?: number,
}
/**
 * A struct: the index of its schema, and one value index per field,
 * in the schema's field order.
 */
export interface StructValue {
  schema: number,
  fields: Uint32Array,
}
/**
 * A `java.math.BigDecimal`: unscaled value as big-endian two's
 * complement bytes, and the scale.
 */
export interface DecimalValue {
  unscaled: Uint8Array,
  scale: number,
}
/**
 * A value. Its Java class matters to schemaless data (an `int32` is an
 * `Integer`, an `int64` a `Long`), so integers keep their width.
 */
export type Value = ValueNull | ValueInt8 | ValueInt16 | ValueInt32 | ValueInt64 | ValueFloat32 | ValueFloat64 | ValueBoolean | ValueString | ValueBytes | ValueArray | ValueMap | ValueStruct | ValueDate | ValueDecimal;
export interface ValueNull {
  tag: 'null',
}
export interface ValueInt8 {
  tag: 'int8',
  val: number,
}
export interface ValueInt16 {
  tag: 'int16',
  val: number,
}
export interface ValueInt32 {
  tag: 'int32',
  val: number,
}
export interface ValueInt64 {
  tag: 'int64',
  val: bigint,
}
export interface ValueFloat32 {
  tag: 'float32',
  val: number,
}
export interface ValueFloat64 {
  tag: 'float64',
  val: number,
}
export interface ValueBoolean {
  tag: 'boolean',
  val: boolean,
}
export interface ValueString {
  tag: 'string',
  val: string,
}
export interface ValueBytes {
  tag: 'bytes',
  val: Uint8Array,
}
/**
 * Element value indexes.
 */
export interface ValueArray {
  tag: 'array',
  val: Uint32Array,
}
/**
 * Key and value indexes, in the map's iteration order (the order
 * Kafka's JsonConverter writes).
 */
export interface ValueMap {
  tag: 'map',
  val: Array<[number, number]>,
}
export interface ValueStruct {
  tag: 'struct',
  val: StructValue,
}
/**
 * A `java.util.Date` in milliseconds since the epoch: the value of
 * the Date, Time and Timestamp logical types.
 */
export interface ValueDate {
  tag: 'date',
  val: bigint,
}
/**
 * The value of the Decimal logical type.
 */
export interface ValueDecimal {
  tag: 'decimal',
  val: DecimalValue,
}
/**
 * A key, value or header value: its schema (`none`: schemaless) and
 * its value, as indexes into the record's arenas.
 */
export interface SchemaAndValue {
  schema?: number,
  value: number,
}
/**
 * A Connect header: a key and a schema and value. Keys may repeat;
 * order is kept.
 */
export interface ConnectHeader {
  key: string,
  data: SchemaAndValue,
}
/**
 * A record as a transform sees it (Kafka's `ConnectRecord`): a source
 * record before the converters, a sink record after them.
 */
export interface ConnectRecord {
  topic: string,
  /**
   * `none`: the producer chooses (source records).
   */
  partition?: number,
  key: SchemaAndValue,
  value: SchemaAndValue,
  /**
   * Milliseconds since the epoch; `none` when the record has none.
   */
  timestamp?: bigint,
  headers: Array<ConnectHeader>,
  /**
   * The record's offset in Kafka: set for sink records (Kafka's
   * `SinkRecord`), `none` for source records.
   */
  kafkaOffset?: bigint,
  /**
   * Every schema the record refers to.
   */
  schemas: Array<Schema>,
  /**
   * Every value the record refers to.
   */
  values: Array<Value>,
}
