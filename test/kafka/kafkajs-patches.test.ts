// The kafkajs patches change no byte: the record encoder gives exactly what
// kafkajs' own does, and grouping keeps partitions and order — but for
// repeated header keys, which Eddy's client layer keeps in the record's order
// (kafkajs groups them by key).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { decodeRecord, encodeRecord, murmur2, orderedHeaders, RequestQueue, type OrderedHeaders } from '../../runtime/kafka/kafkajs-patches.ts';
import { toMessage, toStreamRecord } from '../../runtime/kafka/kafka-client.ts';
import { nullHeaderValue } from '../../runtime/record.ts';

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

test('the record decoder reads what kafkajs reads: offsets and timestamps as decimals (also past 2^53), headers with repeated keys', () => {
  const kafkajsDecode = original<(decoder: unknown, context: unknown) => unknown>('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
  const kafkajsEncode = original<(input: unknown) => { buffer: Buffer }>('kafkajs/src/protocol/recordBatch/record/v0/index.js');
  const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => { readVarIntBytes(): Buffer };
  const Long = require('kafkajs/src/utils/long.js') as { fromString(text: string): unknown };
  assert.equal(require.cache[require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js')]?.exports, decodeRecord, 'the patched decoder is the one kafkajs loads');
  const records = [
    { offsetDelta: 0, timestampDelta: 0, key: null, value: null },
    { offsetDelta: 1, timestampDelta: -1, key: Buffer.from('k'), value: Buffer.from('v'), headers: { a: Buffer.from('1') } },
    { offsetDelta: 2 ** 31 - 1, timestampDelta: 2 ** 47, key: Buffer.from('ключ'), value: Buffer.alloc(300, 7) },
    { offsetDelta: 77, timestampDelta: -(2 ** 48) + 3, value: Buffer.from('x'), headers: { dup: [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')], other: Buffer.from('o') } },
    { offsetDelta: 5, timestampDelta: Long.fromString('4611686018427387903'), value: Buffer.from('long delta') },
    { offsetDelta: 6, timestampDelta: Long.fromString('-4611686018427387904'), value: Buffer.from('negative long delta') },
    { offsetDelta: 7, timestampDelta: 12, value: Buffer.from('p'), headers: { ['__proto__']: Buffer.from('own property') } },
  ];
  const contexts = [
    { firstOffset: '0', firstTimestamp: '1700000000000', magicByte: 2, timestampType: 0 },
    { firstOffset: '123456789012', firstTimestamp: '-1', magicByte: 2, isControlBatch: true, timestampType: 0 },
    { firstOffset: '9007199254740990', firstTimestamp: '9007199254740000', magicByte: 2, timestampType: 0 },
    { firstOffset: '9223372036854775000', firstTimestamp: '-9223372036854775000', magicByte: 2, timestampType: 0 },
    { firstOffset: '42', firstTimestamp: '1000', maxTimestamp: '2000', magicByte: 2, timestampType: 1 },
  ];
  let compared = 0;
  for (const record of records) {
    const bytes = new Decoder(kafkajsEncode(record).buffer).readVarIntBytes();
    for (const context of contexts) {
      const expected = kafkajsDecode(new Decoder(bytes), context);
      const actual = decodeRecord(new Decoder(bytes) as never, context);
      assert.deepEqual(actual, expected, `record ${JSON.stringify({ offsetDelta: record.offsetDelta, timestampDelta: String(record.timestampDelta) })} in ${JSON.stringify(context)}`);
      assert.deepEqual(Object.getOwnPropertyNames(actual.headers), Object.getOwnPropertyNames((expected as { headers: object }).headers));
      compared++;
    }
  }
  assert.equal(compared, records.length * contexts.length);
});

test('repeated header keys keep the record\'s order through the client layer, the encoder and the decoder (kafkajs alone groups them by key)', () => {
  const kafkajsDecode = original<(decoder: unknown, context: unknown) => { headers: Record<string, unknown> }>('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
  const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => { readVarIntBytes(): Buffer };
  const text = (value: Uint8Array) => Buffer.from(value).toString();
  const headers = [['a', '1'], ['b', '2'], ['a', '3'], ['c', ''], ['b', '4']].map(([key, value]) => ({ key: key!, value: new Uint8Array(Buffer.from(value!)) }));
  const message = toMessage({ key: undefined, value: new Uint8Array(Buffer.from('v')), timestamp: 5, headers });
  // kafkajs sees its own object (grouped by key); the order rides beside it, not enumerable.
  assert.deepEqual(Object.keys(message.headers!), ['a', 'b', 'c']);
  const bytes = new Decoder(encodeRecord({ offsetDelta: 0, timestampDelta: 0, key: null, value: Buffer.from('v'), headers: message.headers as never }).buf).readVarIntBytes();
  const context = { firstOffset: '0', firstTimestamp: '5', magicByte: 2, timestampType: 0 };
  // On the wire in the record's order: kafkajs' own decoder groups what it reads, and the values per key are in order.
  const grouped = kafkajsDecode(new Decoder(bytes), context).headers;
  assert.deepEqual(Object.fromEntries(Object.entries(grouped).map(([key, value]) => [key, (Array.isArray(value) ? value : [value]).map((item) => String(item))])), { a: ['1', '3'], b: ['2', '4'], c: [''] });
  const decoded = decodeRecord(new Decoder(bytes) as never, context) as { headers: { [orderedHeaders]?: OrderedHeaders } };
  assert.deepEqual(decoded.headers[orderedHeaders]!.map(([key, value]) => [key, String(value)]), [['a', '1'], ['b', '2'], ['a', '3'], ['c', ''], ['b', '4']]);
  const record = toStreamRecord(decoded as never);
  assert.deepEqual(record.headers.map((header) => [header.key, text(header.value)]), [['a', '1'], ['b', '2'], ['a', '3'], ['c', ''], ['b', '4']]);
  // Without the client layer's list (kafkajs' own callers), the encoder writes kafkajs' grouping, as before.
  const plain = new Decoder(encodeRecord({ offsetDelta: 0, timestampDelta: 0, key: null, value: Buffer.from('v'), headers: { ...message.headers } as never }).buf).readVarIntBytes();
  const regrouped = decodeRecord(new Decoder(plain) as never, context) as { headers: { [orderedHeaders]?: OrderedHeaders } };
  assert.deepEqual(regrouped.headers[orderedHeaders]!.map(([key]) => key), ['a', 'a', 'b', 'b', 'c']);
});

test('a null header value stays null through the client layer, the encoder and the decoder; an empty one stays empty', () => {
  const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => { readVarIntBytes(): Buffer };
  const headers = [{ key: 'null', value: nullHeaderValue }, { key: 'empty', value: new Uint8Array(0) }, { key: 'text', value: new Uint8Array(Buffer.from('x')) }];
  const message = toMessage({ key: undefined, value: undefined, timestamp: 5, headers });
  const bytes = new Decoder(encodeRecord({ offsetDelta: 0, timestampDelta: 0, key: null, value: null, headers: message.headers as never }).buf).readVarIntBytes();
  const decoded = decodeRecord(new Decoder(bytes) as never, { firstOffset: '0', firstTimestamp: '5', magicByte: 2, timestampType: 0 }) as { headers: { [orderedHeaders]?: OrderedHeaders } };
  // On the wire: length -1 for the null value, 0 for the empty one (as Java's RecordHeader with a null or an empty value).
  assert.deepEqual(decoded.headers[orderedHeaders]!.map(([key, value]) => [key, value === null ? null : String(value)]), [['null', null], ['empty', ''], ['text', 'x']]);
  const record = toStreamRecord(decoded as never);
  assert.equal(record.headers[0]!.value, nullHeaderValue);
  assert.notEqual(record.headers[1]!.value, nullHeaderValue);
  assert.equal(record.headers[1]!.value.length, 0);
});

test("the key hash is Kafka's murmur2, as kafkajs computes it, for every tail length and for text keys", () => {
  const kafkajsMurmur2 = original<(key: unknown) => number>('kafkajs/src/producer/partitioners/default/murmur2.js');
  assert.equal(require.cache[require.resolve('kafkajs/src/producer/partitioners/default/murmur2.js')]?.exports, murmur2, 'the patched hash is the one kafkajs loads');
  // Java's Utils.murmur2 on these bytes (the values Kafka's own tests pin).
  assert.equal(murmur2(Buffer.from('21')), -973932308);
  assert.equal(murmur2(Buffer.from('foobar')), -790332482);
  assert.equal(murmur2(Buffer.from('a-little-bit-long-string')), -985981536);
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  for (let length = 0; length < 300; length++) {
    const key = Buffer.from(Array.from({ length }, () => next() & 0xff));
    assert.equal(murmur2(key), kafkajsMurmur2(key), `bytes of length ${length}`);
  }
  for (const key of ['', 'a', 'straße', '東京', 'ΟΔΥΣΣΕΥΣ 🦊', 42]) assert.equal(murmur2(key), kafkajsMurmur2(key), String(key));
});

test("the request queue's pending-request check never asks for a negative delay (Node 24 warns for one)", () => {
  const delays: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  const queue = Object.assign(Object.create(RequestQueue.prototype) as object, {
    throttledUntil: -1,
    throttleCheckTimeoutId: null,
    pending: [] as unknown[],
    checked: 0,
    checkPendingRequests() {
      this.checked += 1;
    },
  });
  const schedule = RequestQueue.prototype.scheduleCheckPendingRequests;
  globalThis.setTimeout = ((callback: () => void, delay: number) => {
    delays.push(delay);
    callback();
    return 0 as unknown as ReturnType<typeof setTimeout>;
  }) as typeof setTimeout;
  try {
    schedule.call(queue); // never throttled, nothing pending: kafkajs asked for -Date.now()
    queue.pending.push({});
    schedule.call(queue); // something pending: its 10 ms interval
    queue.throttledUntil = Date.now() + 5_000;
    schedule.call(queue); // throttled: until the throttle ends
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(queue.checked, 3);
  assert.deepEqual(delays.slice(0, 2), [1, 10]);
  assert.ok(delays[2]! > 4_000 && delays[2]! <= 5_000, `throttled delay ${delays[2]}`);
});
