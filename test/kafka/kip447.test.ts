// KIP-447 through Eddy's Kafka ports (runtime/kafka/kafkajs-kip447.ts adds
// the protocol versions kafkajs 2.2.4 lacks): offsets committed in a
// transaction carry the member's generation, so the group coordinator
// refuses them from a member of an older generation (a zombie), and a stable
// committed-offset read waits for a transaction that holds pending offsets.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectKafka } from '../../runtime/kafka/connection.ts';
import type { GroupAssignment, GroupAssignor } from '../../runtime/kafka/ports.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../support/kafka.ts';

test('transactional offsets carry the generation: a stale generation or unknown member is refused, the current one commits', async () => {
  const bootstrap = await brokers();
  const topic = uniqueName('kip447-in');
  const groupId = uniqueName('kip447-group');
  await createTopics([{ topic, partitions: 1 }]);
  const connection = connectKafka(bootstrap, 'kip447-test');
  const admin = await connection.admin();
  // Everything to the first member (the generation is known to members joined with an assignor, as Eddy's threads are).
  const assignor: GroupAssignor = {
    name: 'kip447-test',
    subscriptionUserData: () => new Uint8Array(),
    assign: (members, counts) =>
      new Map(members.map((member, index) => [member.memberId, { partitions: index === 0 ? Object.fromEntries([...counts].map(([name, count]) => [name, Array.from({ length: count }, (_, partition) => partition)])) : {}, userData: new Uint8Array() }])),
  };
  const consumer = connection.groupConsumer({ groupId, topics: [topic], assignor, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000, rebalanceTimeoutMs: 30_000 });
  let assigned: GroupAssignment | undefined;
  await consumer.start({
    onAssigned: (assignment) => {
      assigned = assignment;
    },
    beforeRejoin: async () => undefined,
    onBatch: async () => true,
    onCrash: () => undefined,
  });
  const producer = await connection.transactionalProducer(uniqueName('kip447-txn'));
  try {
    const member = await waitFor('the consumer to join', async () => assigned);
    assert.ok(member.generationId >= 1, `a generation (got ${member.generationId})`);
    const offsets = (offset: number) => [{ topic, partition: 0, offset }];

    await producer.sendOffsets({ groupId, generationId: member.generationId, memberId: member.memberId }, offsets(5));
    await producer.commit();
    assert.deepEqual(await admin.committedOffsets(groupId, [topic]), offsets(5));

    await assert.rejects(
      producer.sendOffsets({ groupId, generationId: member.generationId + 1, memberId: member.memberId }, offsets(7)),
      /generation/i,
      'an offset commit from another generation is refused',
    );
    await producer.abort();
    await assert.rejects(
      producer.sendOffsets({ groupId, generationId: member.generationId, memberId: 'not-a-member' }, offsets(8)),
      /member/i,
      'an offset commit from an unknown member is refused',
    );
    await producer.abort();
    assert.deepEqual(await admin.committedOffsets(groupId, [topic]), offsets(5), 'refused offsets are not committed');
  } finally {
    await producer.disconnect().catch(() => undefined);
    await consumer.stop().catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect();
    await connection.close();
  }
});

test('a stable committed-offset read waits until the transaction holding pending offsets commits', async () => {
  const bootstrap = await brokers();
  const topic = uniqueName('kip447-stable');
  const groupId = uniqueName('kip447-stable-group');
  await createTopics([{ topic, partitions: 2 }]);
  const connection = connectKafka(bootstrap, 'kip447-stable-test');
  const admin = await connection.admin();
  const producer = await connection.transactionalProducer(uniqueName('kip447-stable-txn'));
  try {
    await producer.sendOffsets({ groupId }, [{ topic, partition: 0, offset: 3 }, { topic, partition: 1, offset: 4 }]);
    await producer.commit();
    // An open transaction with offsets for partition 1.
    await producer.sendOffsets({ groupId }, [{ topic, partition: 1, offset: 9 }]);
    let read: Array<{ partition: number; offset: number }> | undefined;
    const reading = admin.committedOffsets(groupId, [topic]).then((offsets) => {
      read = offsets;
      return offsets;
    });
    // Give the read time to be answered if it were not waiting (a condition
    // that must stay false; the assertion after the commit is the real check).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(read, undefined, 'the read waits while the transaction holds pending offsets');
    await producer.commit();
    const offsets = await reading;
    assert.deepEqual(
      offsets.map(({ partition, offset }) => [partition, offset]).sort(),
      [
        [0, 3],
        [1, 9],
      ],
    );
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect();
    await connection.close();
  }
});
