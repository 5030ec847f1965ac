// @ts-check
// Word count: counts every word of every input line in the store `counts` and
// forwards (word, new count) for each word, in order.
//
// A word is a maximal run of characters that are letters (Unicode
// Alphabetic) or digits (Unicode Numeric) in the lowercased line (full
// Unicode lowercase mapping, including the Final_Sigma rule). Behaviour is
// identical to plugins/wordcount-rust. Plain JavaScript; the JSDoc types come
// from the same generated WIT types as TypeScript plugins (sdk/js/README.md).

import { forward } from 'eddy:plugin/context@0.1.0';
import { Store } from 'eddy:plugin/kv-store@0.1.0';
import { bytes, record, text } from '@eddy/sdk';
import { words } from '@eddy/sdk/unicode';

/** @typedef {import('eddy:plugin/types@0.1.0').Config} Config */
/** @typedef {import('eddy:plugin/types@0.1.0').Record} Record */

/** @type {Store} */
let counts;

/** @param {Config} _config */
export function init(_config) {
  counts = Store.open('counts');
}

/** @param {Record} input */
export function process(input) {
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

/**
 * @param {Uint8Array} value
 * @returns {number}
 */
function parseCount(value) {
  const count = Number(text(value));
  if (!Number.isSafeInteger(count)) throw new Error("store 'counts' holds a value that is not a decimal count");
  return count;
}

/**
 * @param {number} _id
 * @param {bigint} _timestamp
 */
export function punctuate(_id, _timestamp) {}

export function close() {}
