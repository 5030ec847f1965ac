// The record collector's chunks and the producer's record size check:
// chunks stay under the limit (a big record goes alone instead of tipping a
// chunk over the broker's message.max.bytes), in order, nothing dropped; and
// a record's size is what Java's producer checks against max.request.size
// (the 1,200,088 of a 1,200,000-byte value is Kafka Connect 4.4's own figure:
// test/connect/kafka-connect-differential.test.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordSizeUpperBound, RecordTooLargeError } from '../../runtime/kafka/record-size.ts';
import type { OutgoingRecord } from '../../runtime/kafka/ports.ts';
import { RecordCollector } from '../../runtime/task/record-collector.ts';

const record = (kib: number, tag: number): OutgoingRecord => ({ topic: 't', partition: 0, record: { key: new Uint8Array([tag]), value: new Uint8Array(kib * 1024), timestamp: 0, headers: [] } });

test('the collector sends in order, in chunks under 512 KiB but for a record bigger on its own, which goes alone', async () => {
  const collector = new RecordCollector();
  const sizes = [100, 300, 200, 600, 10, 10, 500, 400, 700];
  sizes.forEach((kib, index) => collector.add(record(kib, index)));
  const chunks: number[][] = [];
  await collector.flush(async (records) => {
    chunks.push(records.map((outgoing) => outgoing.record.key![0]!));
    return [];
  });
  assert.deepEqual(chunks.flat(), sizes.map((_, index) => index), 'every record once, in order');
  for (const chunk of chunks) {
    const kib = chunk.reduce((total, index) => total + sizes[index]!, 0);
    assert.ok(chunk.length === 1 || kib <= 512, `chunk ${JSON.stringify(chunk)} holds ${kib} KiB`);
  }
  // 500 KiB then 600 KiB used to share a chunk of 1.1 MiB, which a broker refuses.
  assert.deepEqual(chunks, [[0, 1], [2], [3], [4, 5], [6], [7], [8]]);
});

test('a record\'s size is Java\'s upper bound: batch and record overheads, varint lengths, UTF-8 header keys', () => {
  assert.equal(recordSizeUpperBound({ key: undefined, value: new Uint8Array(1_200_000), headers: [] }), 1_200_088);
  // 61 + 21 + key (1 + 1) + null value (1) + one header (1) + key "é" (1 + 2) + value (1 + 1) = 91
  assert.equal(recordSizeUpperBound({ key: new Uint8Array([107]), value: undefined, headers: [{ key: 'é', value: new Uint8Array([120]) }] }), 91);
  // A length of 64 takes two varint bytes (zigzag: 128).
  assert.equal(recordSizeUpperBound({ key: undefined, value: new Uint8Array(64), headers: [] }) - recordSizeUpperBound({ key: undefined, value: new Uint8Array(63), headers: [] }), 2);
  assert.equal(new RecordTooLargeError(1_200_088, 1_048_576).message, 'The message is 1200088 bytes when serialized which is larger than 1048576, which is the value of the max.request.size configuration.');
});
