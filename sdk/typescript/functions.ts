// DSL functions in TypeScript/JavaScript (import from '@eddy/sdk/functions'):
// the guest side of the `functions` world, bundled into the plugin by
// `eddy build`.
//
// Owns: turning a map of named, typed functions into the world's
// `dsl-functions` export (the list the host reads, and dispatch by index with
// a clear error for a call of the wrong kind). A thrown error becomes the
// call's `err` (the host reports the function, node and record).
// Must never: import anything but the WIT interfaces — it ends up inside
// every plugin.

import type { Config } from 'eddy:plugin/types@0.1.0';

/** A key or value: `undefined` is null. */
export type Bytes = Uint8Array | undefined;

export interface FunctionTypes {
  predicate: (key: Bytes, value: Bytes) => boolean;
  'key-value-mapper': (key: Bytes, value: Bytes) => [Bytes, Bytes];
  'value-mapper': (key: Bytes, value: Bytes) => Bytes;
  'key-selector': (key: Bytes, value: Bytes) => Bytes;
  'flat-mapper': (key: Bytes, value: Bytes) => Array<[Bytes, Bytes]>;
  'flat-value-mapper': (key: Bytes, value: Bytes) => Bytes[];
  initializer: () => Bytes;
  aggregator: (key: Bytes, value: Bytes, aggregate: Bytes) => Bytes;
  reducer: (aggregate: Bytes, value: Bytes) => Bytes;
  'value-joiner': (key: Bytes, left: Bytes, right: Bytes) => Bytes;
  action: (key: Bytes, value: Bytes) => void;
  merger: (key: Bytes, aggregate1: Bytes, aggregate2: Bytes) => Bytes;
  'topic-name-extractor': (key: Bytes, value: Bytes, sourceTopic: string) => string;
  'timestamp-extractor': (key: Bytes, value: Bytes, timestamp: bigint, partitionTime: bigint) => bigint;
}

export type FunctionKind = keyof FunctionTypes;

/** One named function: its kind (which DSL steps may use it) and its code. */
export type DslFunction = { [K in FunctionKind]: { kind: K; fn: FunctionTypes[K] } }[FunctionKind];

/** Helpers that tag a function with its kind. */
export const predicate = (fn: FunctionTypes['predicate']): DslFunction => ({ kind: 'predicate', fn });
export const keyValueMapper = (fn: FunctionTypes['key-value-mapper']): DslFunction => ({ kind: 'key-value-mapper', fn });
export const valueMapper = (fn: FunctionTypes['value-mapper']): DslFunction => ({ kind: 'value-mapper', fn });
export const keySelector = (fn: FunctionTypes['key-selector']): DslFunction => ({ kind: 'key-selector', fn });
export const flatMapper = (fn: FunctionTypes['flat-mapper']): DslFunction => ({ kind: 'flat-mapper', fn });
export const flatValueMapper = (fn: FunctionTypes['flat-value-mapper']): DslFunction => ({ kind: 'flat-value-mapper', fn });
export const initializer = (fn: FunctionTypes['initializer']): DslFunction => ({ kind: 'initializer', fn });
export const aggregator = (fn: FunctionTypes['aggregator']): DslFunction => ({ kind: 'aggregator', fn });
export const reducer = (fn: FunctionTypes['reducer']): DslFunction => ({ kind: 'reducer', fn });
export const valueJoiner = (fn: FunctionTypes['value-joiner']): DslFunction => ({ kind: 'value-joiner', fn });
export const action = (fn: FunctionTypes['action']): DslFunction => ({ kind: 'action', fn });
export const merger = (fn: FunctionTypes['merger']): DslFunction => ({ kind: 'merger', fn });
export const timestampExtractor = (fn: FunctionTypes['timestamp-extractor']): DslFunction => ({ kind: 'timestamp-extractor', fn });
export const topicNameExtractor = (fn: FunctionTypes['topic-name-extractor']): DslFunction => ({ kind: 'topic-name-extractor', fn });

interface KeyValuePair {
  key?: Uint8Array;
  value?: Uint8Array;
}

/**
 * The `dsl-functions` export of a plugin: `register` runs at init with the
 * configuration and returns the plugin's functions by name.
 *
 *   export const dslFunctions = defineFunctions(() => ({
 *     'has-a': predicate((key, value) => value !== undefined && text(value).includes('a')),
 *   }));
 */
export function defineFunctions(register: (config: Config) => Record<string, DslFunction>) {
  let list: Array<[string, DslFunction]> = [];
  const get = <K extends FunctionKind>(index: number, kind: K): FunctionTypes[K] => {
    const entry = list[index];
    if (!entry) throw new Error(`no function at index ${index}`);
    const [name, fn] = entry;
    if (fn.kind !== kind) throw new Error(`function '${name}' is a ${fn.kind}, not called this way`);
    return fn.fn as FunctionTypes[K];
  };
  const pair = ([key, value]: [Bytes, Bytes]): KeyValuePair => ({ key, value });
  return {
    init(config: Config): void {
      list = Object.entries(register(config));
    },
    functions: () => list.map(([name, fn]) => ({ name, kind: fn.kind })),
    test: (index: number, key: Bytes, value: Bytes) => get(index, 'predicate')(key, value),
    map: (index: number, key: Bytes, value: Bytes) => pair(get(index, 'key-value-mapper')(key, value)),
    mapValue: (index: number, key: Bytes, value: Bytes) => get(index, 'value-mapper')(key, value),
    selectKey: (index: number, key: Bytes, value: Bytes) => get(index, 'key-selector')(key, value),
    flatMap: (index: number, key: Bytes, value: Bytes) => get(index, 'flat-mapper')(key, value).map(pair),
    flatMapValues: (index: number, key: Bytes, value: Bytes) => get(index, 'flat-value-mapper')(key, value),
    initialize: (index: number) => get(index, 'initializer')(),
    aggregate: (index: number, key: Bytes, value: Bytes, aggregate: Bytes) => get(index, 'aggregator')(key, value, aggregate),
    reduce: (index: number, aggregate: Bytes, value: Bytes) => get(index, 'reducer')(aggregate, value),
    join: (index: number, key: Bytes, left: Bytes, right: Bytes) => get(index, 'value-joiner')(key, left, right),
    act: (index: number, key: Bytes, value: Bytes) => get(index, 'action')(key, value),
    merge: (index: number, key: Bytes, first: Bytes, second: Bytes) => get(index, 'merger')(key, first, second),
    extractTimestamp: (index: number, key: Bytes, value: Bytes, timestamp: bigint, partitionTime: bigint) => get(index, 'timestamp-extractor')(key, value, timestamp, partitionTime),
    extractTopic: (index: number, key: Bytes, value: Bytes, sourceTopic: string) => get(index, 'topic-name-extractor')(key, value, sourceTopic),
  };
}
