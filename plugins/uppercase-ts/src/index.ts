// A stateless processor: a filter and a map.
//
// Records without a value, or whose value starts with the config `drop-prefix`
// (if set), are filtered out; every other value is forwarded uppercased, with
// the same key, timestamp and headers.

import { forward } from 'eddy:plugin/context@0.1.0';
import type { Config, Record } from 'eddy:plugin/types@0.1.0';
import { bytes, configValue, text } from '@eddy/sdk';

let dropPrefix: string | undefined;

export function init(config: Config): void {
  dropPrefix = configValue(config, 'drop-prefix');
  if (dropPrefix === '') throw new Error("config 'drop-prefix' must not be empty when set");
}

export function process(input: Record): void {
  if (input.value === undefined) return;
  const value = text(input.value);
  if (dropPrefix !== undefined && value.startsWith(dropPrefix)) return;
  forward({ ...input, value: bytes(value.toUpperCase()) });
}

export function punctuate(_id: number, _timestamp: bigint): void {}

export function close(): void {}
