// The key-value store as the host's processors and plugins see it.
//
// Owns: the store interface (the same operations as WIT's kv-store resource)
// and its byte-order rules. Implementations live beside it.
// Must never: depend on where the data is kept.

export interface KeyValueEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/** A cursor over entries in key order; `next` returns [] when done. */
export interface KeyValueCursor {
  next(max: number): KeyValueEntry[];
}

export interface KeyValueStore {
  readonly name: string;
  get(key: Uint8Array): Uint8Array | undefined;
  put(key: Uint8Array, value: Uint8Array): void;
  /** Removes the key; returns its old value. */
  delete(key: Uint8Array): Uint8Array | undefined;
  /** Entries with lower <= key <= upper (unsigned byte order); undefined = open end. */
  range(lower: Uint8Array | undefined, upper: Uint8Array | undefined): KeyValueCursor;
  prefixScan(prefix: Uint8Array): KeyValueCursor;
  approximateNumEntries(): number;
}

/** The smallest key greater than every key that starts with `prefix`, or undefined if none. */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  // A copy even when `prefix` is a Buffer (whose `slice` is a view: the
  // increment below would change the caller's prefix).
  const bound = new Uint8Array(prefix.subarray(0, end));
  bound[end - 1]! += 1;
  return bound;
}
