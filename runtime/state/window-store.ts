// Window and session stores as the host's processors see them, and the
// binary keys Kafka Streams writes to their changelogs.
//
// Owns: the store interfaces (Kafka Streams' WindowStore / SessionStore over
// bytes), their retention rules (a record is visible while its time is at
// least observed stream time − retention + 1; segments of
// max(retention / 2, 60 s) older than observed stream time − retention are
// dropped, and writes into them are skipped — AbstractSegments and
// AbstractRocksDBSegmentedBytesStore), and the changelog key formats:
//   window:  key ‖ window start (8 bytes) ‖ sequence number (4 bytes)   (WindowKeySchema.toStoreKeyBinary)
//   session: key ‖ session end (8 bytes) ‖ session start (8 bytes)      (SessionKeySchema.toBinary)
// all big-endian. Implementations live beside it.
// Must never: depend on where the data is kept.

import { readLong, writeLong } from '../bytes.ts';

export interface WindowStoreOptions {
  retentionMs: number;
  windowSizeMs: number;
  /** Keep every put (stream-stream joins) instead of one value per key and window. */
  retainDuplicates: boolean;
  /** Default: max(retention / 2, 60 s), as Kafka Streams. */
  segmentIntervalMs?: number;
}

export interface SessionStoreOptions {
  retentionMs: number;
  segmentIntervalMs?: number;
}

export interface WindowEntry {
  key: Uint8Array;
  /** Window start in ms. */
  start: number;
  value: Uint8Array;
}

export interface WindowStore {
  readonly name: string;
  readonly options: Required<WindowStoreOptions>;
  /** Puts `value` for `key` in the window starting at `start`; undefined deletes (ignored with duplicates). */
  put(key: Uint8Array, value: Uint8Array | undefined, start: number): void;
  /** The value of `key` in the window starting at `start`. */
  fetch(key: Uint8Array, start: number): Uint8Array | undefined;
  /** `key`'s windows with timeFrom <= start <= timeTo, by start (backward: latest first). */
  fetchRange(key: Uint8Array, timeFrom: number, timeTo: number, backward?: boolean): WindowEntry[];
  /** Windows of keys in [keyFrom, keyTo] (undefined = open) with timeFrom <= start <= timeTo. */
  fetchKeyRange(keyFrom: Uint8Array | undefined, keyTo: Uint8Array | undefined, timeFrom: number, timeTo: number, backward?: boolean): WindowEntry[];
  /** Every live window, in Kafka Streams' order (segment, then key, then start). */
  all(backward?: boolean): WindowEntry[];
  readonly observedStreamTime: number;
}

export interface SessionEntry {
  key: Uint8Array;
  start: number;
  /** Inclusive. */
  end: number;
  value: Uint8Array;
}

export interface SessionStore {
  readonly name: string;
  readonly options: Required<SessionStoreOptions>;
  put(key: Uint8Array, start: number, end: number, value: Uint8Array): void;
  remove(key: Uint8Array, start: number, end: number): void;
  fetchSession(key: Uint8Array, start: number, end: number): Uint8Array | undefined;
  /** `key`'s sessions with end >= earliestSessionEnd and start <= latestSessionStart. */
  findSessions(key: Uint8Array, earliestSessionEnd: number, latestSessionStart: number, backward?: boolean): SessionEntry[];
  /** Every session of `key`. */
  fetch(key: Uint8Array): SessionEntry[];
  readonly observedStreamTime: number;
}

export function defaultSegmentInterval(retentionMs: number): number {
  return Math.max(Math.trunc(retentionMs / 2), 60_000);
}

/** Java's `long / long`: truncated toward zero. */
export function segmentId(timestamp: number, segmentIntervalMs: number): number {
  return Math.trunc(timestamp / segmentIntervalMs);
}

export function windowChangelogKey(key: Uint8Array, start: number, sequence: number): Uint8Array {
  const bytes = new Uint8Array(key.length + 12);
  bytes.set(key);
  writeLong(bytes, key.length, start);
  const at = key.length + 8;
  bytes[at] = sequence >>> 24;
  bytes[at + 1] = sequence >>> 16;
  bytes[at + 2] = sequence >>> 8;
  bytes[at + 3] = sequence;
  return bytes;
}

export function parseWindowChangelogKey(bytes: Uint8Array): { key: Uint8Array; start: number; sequence: number } {
  if (bytes.length < 12) throw new RangeError(`a window store changelog key has at least 12 bytes, got ${bytes.length}`);
  const at = bytes.length - 4;
  const sequence = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
  return { key: bytes.slice(0, bytes.length - 12), start: readLong(bytes, bytes.length - 12), sequence };
}

export function sessionChangelogKey(key: Uint8Array, start: number, end: number): Uint8Array {
  const bytes = new Uint8Array(key.length + 16);
  bytes.set(key);
  writeLong(bytes, key.length, end);
  writeLong(bytes, key.length + 8, start);
  return bytes;
}

export function parseSessionChangelogKey(bytes: Uint8Array): { key: Uint8Array; start: number; end: number } {
  if (bytes.length < 16) throw new RangeError(`a session store changelog key has at least 16 bytes, got ${bytes.length}`);
  return { key: bytes.slice(0, bytes.length - 16), end: readLong(bytes, bytes.length - 16), start: readLong(bytes, bytes.length - 8) };
}
