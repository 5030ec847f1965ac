// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/types@0.3.0 **/
/**
 * One Kafka record header. Keys may repeat; order is kept.
 */
export interface Header {
  key: string,
  value: Uint8Array,
}
/**
 * A record as it flows through a topology.
 * 
 * `key: none` is a null key. `value: none` is a null value, which a
 * table or store treats as a delete (a tombstone).
 */
export interface Record {
  key?: Uint8Array,
  value?: Uint8Array,
  /**
   * Event time in milliseconds since the epoch.
   */
  timestamp: bigint,
  headers: Array<Header>,
}
/**
 * Where the record being processed came from.
 */
export interface RecordMetadata {
  /**
   * The source topic.
   */
  topic: string,
  /**
   * The source partition.
   */
  partition: number,
  /**
   * The offset of the record in that partition.
   */
  offset: bigint,
}
/**
 * One entry of a key-value store.
 */
export interface KeyValue {
  key: Uint8Array,
  value: Uint8Array,
}
/**
 * What drives a punctuator.
 * # Variants
 * 
 * ## `"stream-time"`
 * 
 * Fires when the task's stream time (the largest record timestamp
 * it has processed) has advanced by at least the interval. Driven by
 * data: no records, no firing.
 * ## `"wall-clock-time"`
 * 
 * Fires when the host's wall clock has advanced by at least the
 * interval, whether or not records arrive.
 */
export type PunctuationType = 'stream-time' | 'wall-clock-time';
/**
 * Configuration handed to `init`: the key/value pairs of the node's
 * `config` section, in the order written, all as strings.
 */
export type Config = Array<[string, string]>;
