// What kind of store a name stands for, and with which options: the
// declaration a topology carries for each of its stores.
//
// Owns: the store kinds (key-value, window, session), their options, and
// whether their values are timestamped.
// Must never: open anything — TaskDatabase.openStore does.

import type { SessionStoreOptions, WindowStoreOptions } from './window-store.ts';

// `timestamped`: the store's values are ValueAndTimestamp bytes (8-byte
// timestamp ‖ value: Kafka Streams' TimestampedKeyValueStore and
// TimestampedWindowStore, which the DSL's aggregations and tables use). Its
// changelog then carries the plain value, with the timestamp as the record's
// timestamp, and a restore puts it back — what Kafka Streams 4.4 writes and
// reads (ChangeLoggingTimestamped*BytesStore, RecordConverters).
export type StoreSpec =
  | { name: string; kind: 'key-value'; timestamped?: boolean }
  | ({ name: string; kind: 'window'; timestamped?: boolean } & WindowStoreOptions)
  | ({ name: string; kind: 'session' } & SessionStoreOptions);

export function keyValueSpec(name: string): StoreSpec {
  return { name, kind: 'key-value' };
}

/** A key-value store of ValueAndTimestamp values (Kafka Streams' TimestampedKeyValueStore). */
export function timestampedKeyValueSpec(name: string): StoreSpec {
  return { name, kind: 'key-value', timestamped: true };
}

/** Whether a store's values carry their timestamp (and its changelog moves it to the record timestamp). */
export function isTimestamped(spec: StoreSpec | undefined): boolean {
  return spec !== undefined && spec.kind !== 'session' && spec.timestamped === true;
}

/** True when two declarations of one store agree. */
export function sameSpec(a: StoreSpec, b: StoreSpec): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}
