// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/// <reference path="./eddy-plugin-types.d.ts" />
declare module 'eddy:plugin/dsl-functions@0.3.0' {
  /**
   * Prepares the instance with the functions' configuration (the
   * `config` of the DSL's `functions` entry). An error rejects it.
   */
  export function init(config: Config): void;
  /**
   * The functions this plugin provides. Indexes into this list are the
   * `function` argument of every other export.
   */
  export function functions(): Array<FunctionInfo>;
  export function test(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined): boolean;
  export function map(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined): KeyValuePair;
  export function mapValue(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined): Uint8Array | undefined;
  export function selectKey(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined): Uint8Array | undefined;
  export function flatMap(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined): Array<KeyValuePair>;
  export function flatMapValues(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined): Array<Uint8Array | undefined>;
  export function initialize(function_: number): Uint8Array | undefined;
  /**
   * `aggregate` is the current aggregate of `key`.
   */
  export function aggregate(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined, aggregate: Uint8Array | undefined): Uint8Array | undefined;
  /**
   * `aggregate` is the current aggregate, `value` the new value.
   */
  export function reduce(function_: number, aggregate: Uint8Array | undefined, value: Uint8Array | undefined): Uint8Array | undefined;
  export function join(function_: number, key: Uint8Array | undefined, left: Uint8Array | undefined, right: Uint8Array | undefined): Uint8Array | undefined;
  export function act(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined): void;
  /**
   * `aggregate1` is the aggregate merged so far, `aggregate2` the next session's.
   */
  export function merge(function_: number, key: Uint8Array | undefined, aggregate1: Uint8Array | undefined, aggregate2: Uint8Array | undefined): Uint8Array | undefined;
  /**
   * `source-topic` is the topic the input record came from ("" when none).
   */
  export function extractTopic(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined, sourceTopic: string): string;
  /**
   * `timestamp` is the record's own (Kafka) timestamp, `partition-time`
   * the largest time extracted from its partition so far (-1 before any).
   * A negative result skips the record (logged and counted).
   */
  export function extractTimestamp(function_: number, key: Uint8Array | undefined, value: Uint8Array | undefined, timestamp: bigint, partitionTime: bigint): bigint;
  export type Config = import('eddy:plugin/types@0.3.0').Config;
  /**
   * What a function does, and so which export the host calls it through.
   * # Variants
   * 
   * ## `"predicate"`
   * 
   * `test`: filter, filterNot, split branches.
   * ## `"key-value-mapper"`
   * 
   * `map`: map, groupBy on a table (a new key and value).
   * ## `"value-mapper"`
   * 
   * `map-value`: mapValues (with the read-only key).
   * ## `"key-selector"`
   * 
   * `select-key`: selectKey, groupBy on a stream, foreign-key extractors.
   * ## `"flat-mapper"`
   * 
   * `flat-map`: flatMap (zero or more new records).
   * ## `"flat-value-mapper"`
   * 
   * `flat-map-values`: flatMapValues.
   * ## `"initializer"`
   * 
   * `initialize`: the start value of an aggregate.
   * ## `"aggregator"`
   * 
   * `aggregate`: adder or subtractor of an aggregation.
   * ## `"reducer"`
   * 
   * `reduce`: combines the aggregate with a new value.
   * ## `"value-joiner"`
   * 
   * `join`: the result of two joined values.
   * ## `"action"`
   * 
   * `act`: peek and foreach.
   * ## `"merger"`
   * 
   * `merge`: combines the aggregates of two sessions that a record joins.
   * ## `"topic-name-extractor"`
   * 
   * `extract-topic`: the topic `to` writes a record to.
   * ## `"timestamp-extractor"`
   * 
   * `extract-timestamp`: a record's time, for a source.
   */
  export type FunctionKind = 'predicate' | 'key-value-mapper' | 'value-mapper' | 'key-selector' | 'flat-mapper' | 'flat-value-mapper' | 'initializer' | 'aggregator' | 'reducer' | 'value-joiner' | 'action' | 'merger' | 'topic-name-extractor' | 'timestamp-extractor';
  /**
   * One function the plugin provides.
   */
  export interface FunctionInfo {
    name: string,
    kind: FunctionKind,
  }
  /**
   * A key and a value, each possibly null.
   */
  export interface KeyValuePair {
    key?: Uint8Array,
    value?: Uint8Array,
  }
}
