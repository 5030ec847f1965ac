// Timestamped values and counts are written without BigInt, byte for byte as
// Kafka Streams' ValueAndTimestampSerializer and LongSerde write them —
// negative times, 32-bit boundaries and the ends of the safe range included
// (and the byte helpers under them, past 2^53 too).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLong, encodeLong, incrementLong } from '../../runtime/dsl/aggregations.ts';
import { readLong, writeLong } from '../../runtime/bytes.ts';
import { decodeValueAndTimestamp, encodeValueAndTimestamp } from '../../runtime/state/value-and-timestamp.ts';

const withBigInt = (value: Uint8Array, timestamp: number) => {
  const bytes = new Uint8Array(8 + value.length);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(timestamp));
  bytes.set(value, 8);
  return bytes;
};

test('a timestamped value is an 8-byte big-endian time, then the value, and reads back', () => {
  const value = new Uint8Array([1, 2, 3]);
  for (const timestamp of [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32), 2 ** 32 + 1, -(2 ** 32) - 1, 1_700_000_000_123, -1_700_000_000_123, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
    const bytes = encodeValueAndTimestamp(value, timestamp);
    assert.deepEqual(bytes, withBigInt(value, timestamp), `time ${timestamp}`);
    assert.deepEqual(decodeValueAndTimestamp(bytes), { timestamp, value });
  }
});

test('a count goes up by one across 32-bit boundaries and past 2^53', () => {
  for (const count of [0n, 1n, -1n, -2n, 2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 53n - 2n, 2n ** 53n - 1n, 2n ** 63n - 2n, -(2n ** 53n), -(2n ** 63n)]) {
    assert.equal(decodeLong(incrementLong(encodeLong(count))), count + 1n, `${count} + 1`);
  }
  assert.throws(() => incrementLong(new Uint8Array(7)), /8 bytes/);
});

test('writeLong and readLong agree with a DataView at every width, past 2^53 as the nearest double', () => {
  const bytes = new Uint8Array(12);
  for (const value of [0, 1, -1, 255, 256, -256, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1, 2 ** 40 + 7, -(2 ** 40) - 7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 60, -(2 ** 60), 2 ** 63 - 1024 * 1024, -(2 ** 63)]) {
    writeLong(bytes, 3, value);
    const view = new DataView(bytes.buffer);
    assert.equal(view.getBigInt64(3), BigInt(value), `write ${value}`);
    assert.equal(readLong(bytes, 3), value, `read ${value}`);
  }
});
