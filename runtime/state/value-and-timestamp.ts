// A value with the timestamp of its last update, as Kafka Streams' timestamped
// stores keep it (ValueAndTimestampSerializer: 8-byte big-endian timestamp,
// then the raw value), so changelogs carry the same bytes.
//
// Owns: that encoding, and how it maps to a changelog record (plain value,
// timestamp as the record timestamp). Must never: interpret the value.

import { readLong, writeLong } from '../bytes.ts';

export interface ValueAndTimestamp {
  value: Uint8Array;
  timestamp: number;
}

// Timestamps go through writeLong/readLong: no DataView, no BigInt per record.
export function encodeValueAndTimestamp(value: Uint8Array, timestamp: number): Uint8Array {
  const bytes = new Uint8Array(8 + value.length);
  writeLong(bytes, 0, timestamp);
  bytes.set(value, 8);
  return bytes;
}

export function decodeValueAndTimestamp(bytes: Uint8Array | undefined): ValueAndTimestamp | undefined {
  if (bytes === undefined) return undefined;
  return { timestamp: readLong(bytes, 0), value: bytes.subarray(8) };
}

/**
 * What a timestamped store's changelog record holds for `stored` (Kafka
 * Streams' ChangeLoggingTimestamped*BytesStore): the plain value, with the
 * timestamp as the record timestamp.
 */
export function toChangelogValue(stored: Uint8Array): { value: Uint8Array; timestamp: number } {
  if (stored.length < 8) throw new RangeError(`a timestamped value has at least 8 bytes, got ${stored.length}`);
  return { value: stored.subarray(8), timestamp: readLong(stored, 0) };
}

/** The stored bytes for a timestamped store's changelog record (Kafka Streams' RecordConverters.rawValueToTimestampedValue). */
export function fromChangelogValue(value: Uint8Array, recordTimestamp: number): Uint8Array {
  return encodeValueAndTimestamp(value, recordTimestamp);
}
