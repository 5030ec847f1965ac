// read_committed never delivers a record of an aborted transaction, also when
// several producers abort interleaved transactions on one partition in an
// order other than the one they started in (what killing an instance with
// several open task transactions does). Regression test for kafkajs 2.2.4's
// filterAbortedMessages, replaced in runtime/kafka/kafkajs-patches.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKafka, ensureTopics, readTopic, type Producer } from '../../runtime/kafka/kafka-client.ts';
import { filterAbortedMessages } from '../../runtime/kafka/kafkajs-patches.ts';
import { brokers, uniqueName } from '../support/kafka.ts';

const abortKey = Buffer.from([0, 0, 0, 0]);
const commitKey = Buffer.from([0, 0, 0, 1]);

function record(offset: number, producerId: string, inTransaction = true) {
  return { offset: String(offset), key: Buffer.from(`k${offset}`), batchContext: { producerId, inTransaction } };
}
function marker(offset: number, producerId: string, abort: boolean) {
  return { offset: String(offset), key: abort ? abortKey : commitKey, isControlRecord: true, batchContext: { producerId, inTransaction: true, isControlBatch: true } };
}

test('the aborted-transaction filter drops every aborted record when the broker lists them out of offset order', () => {
  // Producers 1, 2, 3 interleave; 2 commits; 3 aborts first, then 1.
  const messages = [
    record(0, '1'), record(1, '2'), record(2, '3'), record(3, '1'), record(4, '3'), record(5, '2'),
    record(6, '9', false), // not transactional
    marker(7, '3', true), record(8, '1'), marker(9, '2', false), marker(10, '1', true),
    record(11, '1'), marker(12, '1', false),
  ];
  const abortedTransactions = [
    { producerId: '3', firstOffset: '2' },
    { producerId: '1', firstOffset: '0' },
  ];
  const kept = filterAbortedMessages({ messages, abortedTransactions }).filter((message) => !('isControlRecord' in message));
  assert.deepEqual(kept.map((message) => Number(message.offset)), [1, 5, 6, 11]);
});

test('the filter starts mid-transaction: a fetch from inside an aborted transaction drops its rest', () => {
  const messages = [record(5, '4'), record(6, '5'), marker(7, '4', true), record(8, '4')];
  const kept = filterAbortedMessages({ messages, abortedTransactions: [{ producerId: '4', firstOffset: '2' }] });
  assert.deepEqual(kept.filter((message) => !('isControlRecord' in message)).map((message) => Number(message.offset)), [6, 8]);
});

test('read_committed on the broker: interleaved transactions of four producers aborted out of order deliver only committed records', async () => {
  const bootstrap = await brokers();
  const kafka = createKafka(bootstrap, 'aborted-test');
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('aborted-out-of-order');
  await ensureTopics(admin, [{ topic, partitions: 1 }]);
  const producers: Producer[] = [];
  try {
    for (let index = 0; index < 4; index++) {
      const producer = kafka.producer({ transactionalId: uniqueName(`aborted-tx-${index}`), idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      producers.push(producer);
    }
    const expected: string[] = [];
    // Three rounds: in each, all four open a transaction and write to the
    // same partition interleaved; producer 1 commits, 0/2/3 abort in an order
    // that differs from the order their first records were written.
    for (let round = 0; round < 3; round++) {
      const transactions = await Promise.all(producers.map((producer) => producer.transaction()));
      for (let step = 0; step < 3; step++) {
        for (const [index, transaction] of transactions.entries()) {
          const value = `r${round}-p${index}-s${step}`;
          await transaction.send({ topic, messages: [{ key: `p${index}`, value, partition: 0 }] });
          if (index === 1) expected.push(value);
        }
      }
      const abortOrder = [[3, 0, 2], [2, 3, 0], [0, 2, 3]][round]!;
      for (const index of abortOrder) await transactions[index]!.abort();
      await transactions[1]!.commit();
    }
    const read = await readTopic(bootstrap, topic);
    assert.deepEqual(read.map((entry) => entry.value), expected, 'read_committed returns exactly the committed records, in order');
    const raw = await readTopic(bootstrap, topic, { readUncommitted: true });
    assert.equal(raw.length, 36, 'read_uncommitted sees all 36 records (the aborted ones are on the log)');
  } finally {
    for (const producer of producers) await producer.disconnect().catch(() => undefined);
    await admin.disconnect();
  }
});
