// Word count: counts every word of every input line in the store `counts` and
// forwards (word, new count) for each word, in order.
//
// A word is a maximal run of characters that are letters (Unicode
// Alphabetic) or digits (Unicode Numeric) in the lowercased line (full
// Unicode lowercase mapping, including the Final_Sigma rule). Behaviour is
// identical to plugins/wordcount-rust.

import { forward } from 'eddy:plugin/context@0.1.0';
import { Store } from 'eddy:plugin/kv-store@0.1.0';
import type { Config, Record } from 'eddy:plugin/types@0.1.0';
import { bytes, record, text } from '@eddy/sdk';
import { words } from '@eddy/sdk/unicode';

let counts: Store;

export function init(_config: Config): void {
  counts = Store.open('counts');
}

export function process(input: Record): void {
  if (input.value === undefined) return;
  for (const word of words(text(input.value))) {
    const key = bytes(word);
    const previous = counts.get(key);
    const count = previous === undefined ? 1 : parseCount(previous) + 1;
    const value = bytes(String(count));
    counts.put(key, value);
    forward(record(key, value, input.timestamp));
  }
}

function parseCount(value: Uint8Array): number {
  const count = Number(text(value));
  if (!Number.isSafeInteger(count)) throw new Error("store 'counts' holds a value that is not a decimal count");
  return count;
}

export function punctuate(_id: number, _timestamp: bigint): void {}

export function close(): void {}
