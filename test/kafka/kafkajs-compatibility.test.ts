// kafkajs 2.2.4 against the project's Kafka 4.x broker: every protocol area
// the runtime uses — admin, produce, consumer groups, transactions.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKafka, endOffsets, ensureTopics, partitionCounts, readTopic } from '../../runtime/kafka/kafka-client.ts';
import { brokers, uniqueName } from '../support/kafka.ts';

test('admin: create topics (with config), describe partitions, list offsets', async () => {
  const kafka = createKafka(await brokers(), 'compat');
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('compat-admin');
  await ensureTopics(admin, [{ topic, partitions: 3, config: { 'cleanup.policy': 'compact' } }]);
  await ensureTopics(admin, [{ topic, partitions: 3 }]); // idempotent
  assert.equal((await partitionCounts(admin, [topic, 'no-such-topic'])).get(topic), 3);
  assert.equal((await partitionCounts(admin, ['no-such-topic'])).get('no-such-topic'), undefined);
  const configs = await admin.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }], includeSynonyms: false });
  assert.equal(configs.resources[0]!.configEntries[0]!.configValue, 'compact');
  assert.deepEqual([...(await endOffsets(admin, topic)).values()], [0, 0, 0]);
  await admin.disconnect();
});

test('admin: instances racing to create one topic all return once it has leaders, and none fails', async () => {
  const kafka = createKafka(await brokers(), 'compat');
  const admins = [kafka.admin(), kafka.admin(), kafka.admin(), kafka.admin()];
  await Promise.all(admins.map((admin) => admin.connect()));
  try {
    for (let round = 0; round < 5; round++) {
      const topic = uniqueName(`compat-race-${round}`);
      await Promise.all(admins.map((admin) => ensureTopics(admin, [{ topic, partitions: 2 }])));
      // Every racer returned: the topic is there with a leader for each partition.
      for (const admin of admins) {
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        assert.equal(metadata.topics[0]!.partitions.length, 2);
        assert.ok(metadata.topics[0]!.partitions.every((partition) => partition.leader >= 0));
      }
    }
  } finally {
    await Promise.all(admins.map((admin) => admin.disconnect()));
  }
});

test('produce and consume in a consumer group, with committed offsets', async () => {
  const kafka = createKafka(await brokers(), 'compat');
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('compat-group');
  await ensureTopics(admin, [{ topic, partitions: 2 }]);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [0, 1, 2, 3].map((n) => ({ key: `k${n}`, value: `v${n}`, partition: n % 2, headers: { h: 'x' } })) });
  const groupId = uniqueName('compat-group-id');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen.push(`${partition}:${message.value}:${message.headers?.h}`);
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
        if (seen.length === 4) resolve();
      },
    });
  });
  assert.deepEqual(seen.sort(), ['0:v0:x', '0:v2:x', '1:v1:x', '1:v3:x']);
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  assert.deepEqual(committed[0]!.partitions.map((entry) => entry.offset).sort(), ['2', '2']);
  await consumer.disconnect();
  await producer.disconnect();
  await admin.disconnect();
});

test('transactions: committed records and offsets are visible read-committed, aborted ones never', async () => {
  const kafka = createKafka(await brokers(), 'compat');
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('compat-txn');
  const input = uniqueName('compat-txn-in');
  await ensureTopics(admin, [{ topic, partitions: 1 }, { topic: input, partitions: 1 }]);
  const producer = kafka.producer({ transactionalId: uniqueName('compat-tx'), idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const groupId = uniqueName('compat-txn-group');
  const committed = await producer.transaction();
  await committed.send({ topic, messages: [{ key: 'a', value: 'committed' }] });
  await committed.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '7' }] }] });
  await committed.commit();
  const aborted = await producer.transaction();
  await aborted.send({ topic, messages: [{ key: 'b', value: 'aborted' }] });
  await aborted.abort();
  const last = await producer.transaction();
  await last.send({ topic, messages: [{ key: 'c', value: 'committed-too' }] });
  await last.commit();
  const readCommitted = await readTopic(await brokers(), topic);
  assert.deepEqual(readCommitted.map((record) => record.value), ['committed', 'committed-too']);
  const readUncommitted = await readTopic(await brokers(), topic, { readUncommitted: true });
  assert.deepEqual(readUncommitted.map((record) => record.value), ['committed', 'aborted', 'committed-too']);
  const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
  assert.equal(offsets[0]!.partitions[0]!.offset, '7', 'offsets sent in the transaction are committed with it');
  await producer.disconnect();
  await admin.disconnect();
});

test('fencing: a newer producer with the same transactional id aborts the older one\'s open transaction', async () => {
  const kafka = createKafka(await brokers(), 'compat');
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('compat-fence');
  await ensureTopics(admin, [{ topic, partitions: 1 }]);
  const transactionalId = uniqueName('compat-fence-id');
  const old = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await old.connect();
  const open = await old.transaction();
  await open.send({ topic, messages: [{ key: 'z', value: 'zombie' }] });
  const successor = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await successor.connect();
  const fresh = await successor.transaction();
  await fresh.send({ topic, messages: [{ key: 'n', value: 'new owner' }] });
  await fresh.commit();
  await assert.rejects(open.commit(), 'the fenced producer cannot commit');
  assert.deepEqual((await readTopic(await brokers(), topic)).map((record) => record.value), ['new owner']);
  await old.disconnect().catch(() => undefined);
  await successor.disconnect();
  await admin.disconnect();
});
