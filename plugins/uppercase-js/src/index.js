// @ts-check
// A stateless processor in plain JavaScript: a filter and a map (the same as
// plugins/uppercase-ts).
//
// Records without a value, or whose value starts with the config `drop-prefix`
// (if set), are filtered out; every other value is forwarded uppercased, with
// the same key, timestamp and headers.

import { forward } from 'eddy:plugin/context@0.1.0';
import { bytes, configValue, text } from '@eddy/sdk';

/** @typedef {import('eddy:plugin/types@0.1.0').Config} Config */
/** @typedef {import('eddy:plugin/types@0.1.0').Record} Record */

/** @type {string | undefined} */
let dropPrefix;

/** @param {Config} config */
export function init(config) {
  dropPrefix = configValue(config, 'drop-prefix');
  if (dropPrefix === '') throw new Error("config 'drop-prefix' must not be empty when set");
}

/** @param {Record} input */
export function process(input) {
  if (input.value === undefined) return;
  const value = text(input.value);
  if (dropPrefix !== undefined && value.startsWith(dropPrefix)) return;
  forward({ ...input, value: bytes(value.toUpperCase()) });
}

/**
 * @param {number} _id
 * @param {bigint} _timestamp
 */
export function punctuate(_id, _timestamp) {}

export function close() {}
