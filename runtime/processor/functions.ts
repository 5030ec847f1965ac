// The user functions of the Streams DSL, as the engine sees them (Kafka
// Streams' Predicate, KeyValueMapper, ValueMapper, Initializer, Aggregator,
// Reducer, ValueJoiner, ForeachAction).
//
// Owns: the signatures of each kind of function over raw bytes (`undefined` is a
// null key or value: functions decode and encode in the stream's serdes, as
// a Kafka Streams lambda sees deserialized objects), and the seam through
// which a DSL step gets the function it names: a FunctionSource (a
// WebAssembly plugin of the `functions` world — an adapter in plugin/ — or
// functions written in TypeScript for embedding and tests), opened once per
// processor.
// Must never: import the engine, a plugin runtime or a Kafka client.

import type { ProcessorContext, ProcessorLimits } from './processor.ts';

export type Bytes = Uint8Array | undefined;

export interface FunctionSignatures {
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
  'timestamp-extractor': (key: Bytes, value: Bytes, timestamp: number, partitionTime: number) => number;
}

export type FunctionKind = keyof FunctionSignatures;

export const functionKinds: readonly FunctionKind[] = [
  'predicate',
  'key-value-mapper',
  'value-mapper',
  'key-selector',
  'flat-mapper',
  'flat-value-mapper',
  'initializer',
  'aggregator',
  'reducer',
  'value-joiner',
  'action',
  'merger',
  'topic-name-extractor',
  'timestamp-extractor',
];

/** Where named functions come from: a plugin, or TypeScript. Prepared once per task. */
export interface FunctionSource {
  /** For `describe()` and errors, e.g. `functions: dsl-functions.wasm`. */
  readonly description: string;
  readonly limits: Partial<ProcessorLimits>;
  prepare(limits: ProcessorLimits): Promise<PreparedFunctionSource>;
}

export interface PreparedFunctionSource {
  readonly name: string;
  /** The functions it provides, by name (for checks before anything runs). */
  readonly functions: ReadonlyMap<string, FunctionKind>;
  /** A live set of functions for one processor (one plugin instance). */
  open(context: ProcessorContext): FunctionSet;
}

export interface FunctionSet {
  /** The function `name`; throws a ConfigError when it is missing or of another kind. */
  get<K extends FunctionKind>(name: string, kind: K): FunctionSignatures[K];
  /** False after a failure that may have left it broken (a trapped plugin). */
  readonly usable: boolean;
}

/** A reference from a DSL step to one function. */
export interface FunctionRef<K extends FunctionKind = FunctionKind> {
  source: FunctionSource;
  name: string;
  kind: K;
}
