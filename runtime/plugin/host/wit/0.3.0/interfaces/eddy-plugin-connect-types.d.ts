// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/connect-types@0.3.0 **/
export type ConnectRecord = import('./eddy-plugin-connect-data.js').ConnectRecord;
/**
 * A source partition or a source offset: Kafka Connect's
 * `Map<String, ?>`, here with string values, in the order written.
 */
export type StringMap = Array<[string, string]>;
/**
 * A record a source task hands to the host (Kafka's `SourceRecord`).
 * Changed in 0.3.0: the record is Connect's data model in full.
 */
export interface SourceRecord {
  /**
   * The record: `topic` to write to; `partition` (`none` lets the
   * producer choose by key); key, value and headers with their
   * schemas (a `none` schema is schemaless data; a `null` value is a
   * null key or value); `timestamp` in milliseconds since the epoch
   * (`none`: the time the host polled it). Its `kafka-offset` is
   * ignored. The host hands it to the connector's transforms, then
   * to the converters.
   */
  data: ConnectRecord,
  /**
   * Where the record comes from in the external system (e.g. the file name).
   */
  sourcePartition: StringMap,
  /**
   * How far into that source partition the record is (e.g. the byte
   * position after it). The host stores it once the record is in Kafka.
   */
  sourceOffset: StringMap,
}
/**
 * The offset stored for one source partition of this connector.
 */
export interface CommittedOffset {
  sourcePartition: StringMap,
  sourceOffset: StringMap,
}
/**
 * A record a sink task receives (Kafka's `SinkRecord`), after the
 * converters and the connector's transforms: its `partition` and
 * `kafka-offset` are always set (the partition and offset it was read
 * from), its `timestamp` is Kafka's (`none` for a record without one),
 * its headers are the header converter's. Changed in 0.3.0: the
 * record is Connect's data model in full.
 */
export type SinkRecord = ConnectRecord;
/**
 * How far a sink task has received one partition (the offset of the
 * next record it will be given).
 */
export interface TopicPartitionOffset {
  topic: string,
  partition: number,
  offset: bigint,
}
/**
 * A configuration key the connector refuses, and why.
 */
export interface ConfigIssue {
  key: string,
  message: string,
}
/**
 * The type of a configuration key's value (Kafka's `ConfigDef.Type`).
 * The host parses values by it, as Kafka does: `int`, `short` and
 * `long` are whole numbers of 32, 16 and 64 bits, `%list` is
 * comma-separated, `password` is a string the REST API hides.
 * # Variants
 * 
 * ## `"boolean"`
 * 
 * ## `"string"`
 * 
 * ## `"int"`
 * 
 * ## `"short"`
 * 
 * ## `"long"`
 * 
 * ## `"double"`
 * 
 * ## `"list"`
 * 
 * ## `"class"`
 * 
 * ## `"password"`
 */
export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';
/**
 * How much a key matters to a user (Kafka's `ConfigDef.Importance`).
 * # Variants
 * 
 * ## `"high"`
 * 
 * ## `"medium"`
 * 
 * ## `"low"`
 */
export type ConfigImportance = 'high' | 'medium' | 'low';
/**
 * How wide a user interface shows a key's value (Kafka's `ConfigDef.Width`).
 * # Variants
 * 
 * ## `"none"`
 * 
 * ## `"short"`
 * 
 * ## `"medium"`
 * 
 * ## `"long"`
 */
export type ConfigWidth = 'none' | 'short' | 'medium' | 'long';
/**
 * A key's default.
 */
export type ConfigDefault = ConfigDefaultRequired | ConfigDefaultNull | ConfigDefaultValue;
/**
 * No default: the key must be given.
 */
export interface ConfigDefaultRequired {
  tag: 'required',
}
/**
 * Optional, without a value when not given (Java's `null`).
 */
export interface ConfigDefaultNull {
  tag: 'null',
}
/**
 * The default value, as it would be written in the configuration.
 */
export interface ConfigDefaultValue {
  tag: 'value',
  val: string,
}
/**
 * One configuration key a connector declares (Kafka's
 * `ConfigDef.ConfigKey`, as Kafka Connect's REST API shows it). Added in
 * 0.2.0.
 */
export interface ConfigKey {
  name: string,
  type: ConfigType,
  'default': ConfigDefault,
  importance: ConfigImportance,
  documentation: string,
  /**
   * The group it is shown in; `none`: no group.
   */
  group?: string,
  /**
   * Its position in the group (-1: none).
   */
  orderInGroup: number,
  width: ConfigWidth,
  /**
   * The name a user interface shows (Kafka uses `name` when unset).
   */
  displayName: string,
  /**
   * Keys whose relevance depends on this one's value.
   */
  dependents: Array<string>,
}
