// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/kv-store@0.3.0 **/
export type KeyValue = import('./eddy-plugin-types.js').KeyValue;

export class KeyValueIterator {
  /**
   * This type does not have a public constructor.
   */
  private constructor();
  /**
  * Up to `max` next entries; an empty list means the range is done.
  * Entries written after the iterator was created may or may not
  * appear.
  */
  next(max: number): Array<KeyValue>;
}

export class Store {
  /**
   * This type does not have a public constructor.
   */
  private constructor();
  /**
  * Opens the store `name`. Fails with a message if this node is not
  * allowed to use a store of that name.
  */
  static open(name: string): Store;
  /**
  * The value stored under `key`, if any.
  */
  get(key: Uint8Array): Uint8Array | undefined;
  /**
  * Stores `value` under `key`, replacing any earlier value.
  */
  put(key: Uint8Array, value: Uint8Array): void;
  /**
  * Stores `value` under `key` only if `key` has no value yet, and
  * returns the value it already had (`none`: this call stored
  * `value`). Kafka Streams' `putIfAbsent`: a deduplication or
  * first-seen check in one host call instead of `get` then `put`.
  * Added in 0.2.0.
  */
  putIfAbsent(key: Uint8Array, value: Uint8Array): Uint8Array | undefined;
  /**
  * Removes `key`; returns the value it had, if any.
  */
  'delete'(key: Uint8Array): Uint8Array | undefined;
  /**
  * Entries with `lower <= key <= upper`, in key order. `none` leaves that
  * end open.
  */
  range(lower: Uint8Array | undefined, upper: Uint8Array | undefined): KeyValueIterator;
  /**
  * Entries whose key starts with `prefix`, in key order.
  */
  prefixScan(prefix: Uint8Array): KeyValueIterator;
  /**
  * The number of entries (exact in this host; named as in Kafka
  * Streams because other stores may estimate it).
  */
  approximateNumEntries(): bigint;
}
