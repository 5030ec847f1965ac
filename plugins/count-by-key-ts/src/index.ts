// Count by key, in TypeScript: the same behaviour as count-by-key-rust (the
// count per key in store `counts`, as a decimal string; (key, count)
// forwarded), plus a header `counted-by: count-by-key-ts` on every output, so
// a hot-swap from the Rust version is visible in the output.
// Config: `store` (default `counts`).

import { forward } from 'eddy:plugin/context@0.1.0';
import { Store } from 'eddy:plugin/kv-store@0.1.0';
import type { Config, Record } from 'eddy:plugin/types@0.1.0';
import { bytes, configValue, text } from '@eddy/sdk';

let counts: Store;
const tag = { key: 'counted-by', value: bytes('count-by-key-ts') };

export function init(config: Config): void {
  counts = Store.open(configValue(config, 'store') ?? 'counts');
}

export function process(input: Record): void {
  if (input.key === undefined) return;
  const previous = counts.get(input.key);
  let count = 1;
  if (previous !== undefined) {
    count = Number(text(previous)) + 1;
    if (!Number.isSafeInteger(count)) throw new Error('the store holds a value that is not a decimal count');
  }
  const value = bytes(String(count));
  counts.put(input.key, value);
  forward({ key: input.key, value, timestamp: input.timestamp, headers: [tag] });
}

export function punctuate(_id: number, _timestamp: bigint): void {}

export function close(): void {}
