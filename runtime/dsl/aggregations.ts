// What an aggregation computes, separate from where it keeps its result:
// Kafka Streams' count (Long, 8 bytes big-endian), reduce and aggregate
// (initializer + aggregator), over bytes.
//
// Owns: the initial value and the update rule of each, and which records an
// aggregation of a stream ignores (null keys always; null values unless the
// aggregation is windowed — as KStreamAggregate and KStreamWindowAggregate).
// Must never: touch a store.

import { readLong, writeLong } from '../bytes.ts';
import type { Bytes, FunctionRef } from '../processor/functions.ts';
import type { Bind } from './operator-supplier.ts';

export type AggregationSpec =
  | { kind: 'count' }
  | { kind: 'reduce'; reducer: FunctionRef<'reducer'> }
  | { kind: 'aggregate'; initializer: FunctionRef<'initializer'>; aggregator: FunctionRef<'aggregator'> };

/** An aggregation bound to its functions in one processor. */
export interface Aggregation {
  /** The start value when the key (or window) has none yet. */
  initial(): Bytes;
  /** The new aggregate; `aggregate` is the stored one or `initial()`. */
  add(key: Uint8Array, value: Bytes, aggregate: Bytes): Bytes;
}

export function aggregationFunctions(spec: AggregationSpec): FunctionRef[] {
  switch (spec.kind) {
    case 'count':
      return [];
    case 'reduce':
      return [spec.reducer];
    case 'aggregate':
      return [spec.initializer, spec.aggregator];
  }
}

export function bindAggregation(spec: AggregationSpec, bind: Bind): Aggregation {
  switch (spec.kind) {
    case 'count':
      return { initial: () => encodeLong(0n), add: (_key, _value, aggregate) => incrementLong(aggregate) };
    case 'reduce': {
      const reduce = bind(spec.reducer);
      // Kafka Streams' reduce: the first value is the aggregate as it is.
      return { initial: () => undefined, add: (_key, value, aggregate) => (aggregate === undefined ? value : reduce(aggregate, value)) };
    }
    case 'aggregate': {
      const initialize = bind(spec.initializer);
      const aggregate = bind(spec.aggregator);
      return { initial: () => initialize(), add: (key, value, current) => aggregate(key, value, current) };
    }
  }
}

export function encodeLong(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, value);
  return bytes;
}

/** A Long (8 bytes, big-endian) as Kafka's LongSerde writes it. */
export function decodeLong(bytes: Bytes): bigint {
  if (bytes === undefined || bytes.length !== 8) throw new Error(`a count is 8 bytes (a Long), found ${bytes === undefined ? 'none' : bytes.length}`);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0);
}

/**
 * The Long `bytes` + 1 (a count's update). Counts stay far below 2^53, so
 * this adds in doubles, byte by byte — no BigInt, no DataView per record —
 * and falls back to BigInt beyond that.
 */
export function incrementLong(bytes: Bytes): Uint8Array {
  if (bytes === undefined || bytes.length !== 8) throw new Error(`a count is 8 bytes (a Long), found ${bytes === undefined ? 'none' : bytes.length}`);
  const next = readLong(bytes, 0) + 1;
  if (!Number.isSafeInteger(next)) return encodeLong(decodeLong(bytes) + 1n);
  const result = new Uint8Array(8);
  writeLong(result, 0, next);
  return result;
}
