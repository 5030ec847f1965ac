// @ts-check
// Test-only: a JavaScript processor that misbehaves on request, to show the
// sandbox holds for a JS guest (test/plugin/javascript-sandbox.test.ts).
//
// The record's value is a command: `spin` loops forever, `bomb` allocates
// until memory runs out, `throw <message>` throws, anything else is forwarded
// unchanged.

import { forward } from 'eddy:plugin/context@0.1.0';
import { text } from '@eddy/sdk';

/** @typedef {import('eddy:plugin/types@0.1.0').Config} Config */
/** @typedef {import('eddy:plugin/types@0.1.0').Record} Record */

/** Kept reachable so the garbage collector cannot free what `bomb` allocates. */
const hoard = /** @type {Uint8Array[]} */ ([]);

/** @param {Config} _config */
export function init(_config) {}

/** @param {Record} input */
export function process(input) {
  const command = input.value === undefined ? '' : text(input.value);
  if (command === 'spin') {
    let turns = 0;
    for (;;) turns++;
  }
  if (command === 'bomb') {
    for (;;) hoard.push(new Uint8Array(1024 * 1024));
  }
  if (command.startsWith('throw ')) throw new Error(command.slice('throw '.length));
  forward(input);
}

/**
 * @param {number} _id
 * @param {bigint} _timestamp
 */
export function punctuate(_id, _timestamp) {}

export function close() {}
