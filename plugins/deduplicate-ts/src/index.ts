// Deduplication by key, built against contract eddy:plugin@0.2.0 (package.json
// `"contract": "0.2.0"`): forwards a record only the first time its key is
// seen; later records with that key are dropped. Records without a key are
// forwarded (there is nothing to deduplicate them by).
//
// The store `seen` maps each key to the timestamp it was first seen at (8
// bytes, big-endian). One host call per record: 0.2.0's `put-if-absent`
// stores the timestamp and says whether the key was already there.

import { forward } from 'eddy:plugin/context@0.2.0';
import { Store } from 'eddy:plugin/kv-store@0.2.0';
import type { Config, Record } from 'eddy:plugin/types@0.2.0';

let seen: Store;

export function init(_config: Config): void {
  seen = Store.open('seen');
}

export function process(input: Record): void {
  if (input.key === undefined) {
    forward(input);
    return;
  }
  const firstSeen = new Uint8Array(8);
  new DataView(firstSeen.buffer).setBigInt64(0, input.timestamp);
  if (seen.putIfAbsent(input.key, firstSeen) === undefined) forward(input);
}

export function punctuate(_id: number, _timestamp: bigint): void {}

export function close(): void {}
