// Helpers for plugins written in TypeScript/JavaScript, bundled into the
// plugin by `eddy build` (import them from '@eddy/sdk').
//
// Owns: small conveniences over the WIT types (UTF-8 text <-> bytes, config
// lookup, building records). Must never: import anything but the WIT
// interfaces — whatever this imports ends up inside every plugin.

import type { Config, Record } from 'eddy:plugin/types@0.1.0';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of `value`. */
export function bytes(value: string): Uint8Array {
  return encoder.encode(value);
}

/** `value` decoded as UTF-8; throws a clear error when it is not valid UTF-8. */
export function text(value: Uint8Array): string {
  try {
    return strictDecoder.decode(value);
  } catch {
    throw new Error('value is not valid UTF-8');
  }
}

/** The config value of `key`, if set. */
export function configValue(config: Config, key: string): string | undefined {
  for (const [name, value] of config) if (name === key) return value;
  return undefined;
}

/** The config value of `key`, or an error naming the missing key. */
export function requireConfig(config: Config, key: string): string {
  const value = configValue(config, key);
  if (value === undefined) throw new Error(`missing config key '${key}'`);
  return value;
}

/** A record with no headers. Timestamps are bigint milliseconds (WIT s64). */
export function record(key: Uint8Array | undefined, value: Uint8Array | undefined, timestamp: bigint): Record {
  return { key, value, timestamp, headers: [] };
}
