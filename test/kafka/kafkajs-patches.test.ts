// The kafkajs patches change no byte: the record encoder gives exactly what
// kafkajs' own does, and grouping keeps partitions and order.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { encodeRecord } from '../../runtime/kafka/kafkajs-patches.ts';

const require = createRequire(import.meta.url);

/** kafkajs' original module, compiled fresh (the cache holds the patched one). */
function original<T>(request: string): T {
  const path = require.resolve(request);
  const ModuleClass = require('node:module') as {
    new (id: string): { filename: string; paths: string[]; exports: T; _compile(code: string, file: string): void };
    _nodeModulePaths(directory: string): string[];
  };
  const fresh = new ModuleClass(path);
  fresh.filename = path;
  fresh.paths = ModuleClass._nodeModulePaths(dirname(path));
  fresh._compile(readFileSync(path, 'utf8'), path);
  return fresh.exports;
}

test('the record encoder writes the same bytes as kafkajs', () => {
  const kafkajsRecord = original<(input: unknown) => { buffer: Buffer }>('kafkajs/src/protocol/recordBatch/record/v0/index.js');
  const inputs = [
    {},
    { key: null, value: null },
    { key: 'k', value: 'v', offsetDelta: 3, timestampDelta: 0 },
    { key: Buffer.from([0, 255, 7]), value: Buffer.alloc(300, 1), offsetDelta: 200, timestampDelta: 17 },
    { key: 'straße', value: 'ΟΔΥΣΣΕΥΣ 🦊', timestampDelta: -5 },
    { value: 'x', timestampDelta: 2 ** 31 + 5 },
    { value: 'x', timestampDelta: 1_700_000_000_000 },
    { value: 'x', timestampDelta: -1_700_000_000_000, offsetDelta: 70_000 },
    { key: 'k', value: 'v', headers: { a: 'one', b: Buffer.from('two'), c: ['x', Buffer.from([1, 2])] } },
    { key: '', value: '', headers: {} },
  ];
  for (const input of inputs) {
    assert.deepEqual(encodeRecord(input).buf.subarray(0, encodeRecord(input).offset), kafkajsRecord(input).buffer, JSON.stringify(input));
  }
});

test('grouping by partition keeps every message, in order', () => {
  const group = original<(input: unknown) => Record<string, unknown[]>>('kafkajs/src/producer/groupMessagesPerPartition.js');
  const patched = require('kafkajs/src/producer/groupMessagesPerPartition.js') as typeof group;
  const messages = Array.from({ length: 50 }, (_, index) => ({ value: String(index) }));
  const input = { topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner: ({ message }: { message: { value: string } }) => Number(message.value) % 3 };
  assert.deepEqual(patched(input), group(input));
  assert.notEqual(patched, group);
});

test('the produce request encodes the same bytes as kafkajs', async () => {
  type Request = (input: unknown) => { apiKey: number; apiVersion: number; encode(): Promise<{ buffer: Buffer }> };
  const kafkajsRequest = original<Request>('kafkajs/src/protocol/requests/produce/v3/request.js');
  const patched = require('kafkajs/src/protocol/requests/produce/v3/request.js') as Request;
  assert.notEqual(patched, kafkajsRequest);
  const Long = require('kafkajs/src/utils/long.js') as { fromInt(value: number): unknown };
  const messages = (base: number) => [
    { key: 'a', value: 'one', timestamp: String(1_700_000_000_000 + base) },
    { key: null, value: Buffer.from([1, 2, 3]), timestamp: String(1_700_000_000_500 + base), headers: { h: 'x' } },
    { key: 'c', value: null, timestamp: String(1_699_999_999_000 + base) },
  ];
  const input = {
    acks: -1,
    timeout: 30_000,
    transactionalId: 'tx-1',
    producerId: Long.fromInt(42),
    producerEpoch: 3,
    topicData: [
      { topic: 'first', partitions: [{ partition: 0, firstSequence: 7, messages: messages(0) }, { partition: 2, firstSequence: 0, messages: messages(9) }] },
      { topic: 'second', partitions: [{ partition: 1, firstSequence: 1, messages: messages(3) }] },
    ],
  };
  const ours = patched(input);
  const theirs = kafkajsRequest(input);
  assert.equal(ours.apiKey, theirs.apiKey);
  assert.equal(ours.apiVersion, theirs.apiVersion);
  assert.deepEqual((await ours.encode()).buffer, (await theirs.encode()).buffer);
});
