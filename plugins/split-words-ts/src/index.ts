// Word count, stage 1, in TypeScript (same behaviour as split-words-rust):
// forwards (word, word) for every word of the input line, so a sink to a
// repartition topic sends every occurrence of a word to one partition.

import { forward } from 'eddy:plugin/context@0.1.0';
import type { Config, Record } from 'eddy:plugin/types@0.1.0';
import { bytes, text } from '@eddy/sdk';
import { words } from '@eddy/sdk/unicode';

export function init(_config: Config): void {}

export function process(input: Record): void {
  if (input.value === undefined) return;
  for (const word of words(text(input.value))) {
    const key = bytes(word);
    forward({ key, value: key, timestamp: input.timestamp, headers: [] });
  }
}

export function punctuate(_id: number, _timestamp: bigint): void {}

export function close(): void {}
