// Incremental cooperative rebalancing through Eddy's group consumer port
// (runtime/kafka/kafkajs-patches.ts): while a member rejoins its group, the
// partitions it owns go on being fetched and handed to it — an eager member
// (kafkajs' own way) stops fetching for the join. The rebalance is held open
// by the member itself (its pre-rejoin hook waits: the coordinator cannot
// finish the join without it), so the window is as long as the test needs.
// With an assignor that withholds partitions another member still owns, a
// partition moves in two rebalances and is never owned by two members at once.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectKafka } from '../../runtime/kafka/connection.ts';
import type { GroupAssignment, GroupAssignor, GroupConsumer, KafkaConnection } from '../../runtime/kafka/ports.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../support/kafka.ts';

const partitions = 4;

/**
 * Partition p goes to member p mod n (members by id), except a partition
 * another member says it owns: nobody gets it this time (cooperative).
 */
function withholdingAssignor(owned: () => number[]): GroupAssignor {
  return {
    name: 'cooperative-test',
    subscriptionUserData: () => Buffer.from(JSON.stringify(owned())),
    assign: (members, counts) => {
      const [topic, count] = [...counts][0]!;
      const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
      const claims = new Map(sorted.map((member) => [member.memberId, JSON.parse(Buffer.from(member.userData).toString() || '[]') as number[]]));
      const result = new Map(sorted.map((member) => [member.memberId, { partitions: { [topic]: [] as number[] }, userData: new Uint8Array() }]));
      for (let partition = 0; partition < count; partition++) {
        const target = sorted[partition % sorted.length]!.memberId;
        const ownedElsewhere = sorted.some((member) => member.memberId !== target && claims.get(member.memberId)!.includes(partition));
        if (!ownedElsewhere) result.get(target)!.partitions[topic]!.push(partition);
      }
      return result;
    },
  };
}

interface Member {
  consumer: GroupConsumer;
  owned: number[];
  assignments: GroupAssignment[];
  /** Batches with records handed over, per partition, with when. */
  batches: Array<{ partition: number; at: number }>;
  /** Set while the pre-rejoin hook waits. */
  rejoinStartedAt: number | undefined;
  /** Opens the held rejoin. */
  gate: (() => void) | undefined;
  holdNextRejoin: boolean;
}

async function startMember(connection: KafkaConnection, groupId: string, topic: string, protocol: 'eager' | 'cooperative'): Promise<Member> {
  const member: Member = { consumer: undefined as unknown as GroupConsumer, owned: [], assignments: [], batches: [], rejoinStartedAt: undefined, gate: undefined, holdNextRejoin: false };
  member.consumer = connection.groupConsumer({
    groupId,
    topics: [topic],
    assignor: withholdingAssignor(() => member.owned),
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 300,
    rebalanceTimeoutMs: 60_000,
    concurrency: 4,
    protocol,
  });
  await member.consumer.start({
    onAssigned: (assignment) => {
      const now = assignment.partitions[topic] ?? [];
      const revoked = member.owned.filter((partition) => !now.includes(partition));
      member.owned = [...now];
      member.assignments.push(assignment);
      // Gave something up: ask for the follow-up rebalance that hands it over.
      if (revoked.length > 0 && protocol === 'cooperative') member.consumer.requestRejoin();
    },
    beforeRejoin: async () => {
      // An eager member gives up everything before it rejoins.
      if (protocol === 'eager') member.owned = [];
      if (!member.holdNextRejoin) return;
      member.holdNextRejoin = false;
      member.rejoinStartedAt = Date.now();
      await new Promise<void>((resolve) => (member.gate = resolve));
    },
    onBatch: async (batch) => {
      if (!member.owned.includes(batch.partition)) return false;
      if (batch.records.length > 0) member.batches.push({ partition: batch.partition, at: Date.now() });
      return true;
    },
    onCrash: () => undefined,
  });
  return member;
}

for (const protocol of ['cooperative', 'eager'] as const) {
  const title =
    protocol === 'cooperative'
      ? 'cooperative: while a member rejoins, its partitions go on being handed over; a moved partition is withheld for a rebalance, never owned twice'
      : 'eager: while a member rejoins, its partitions are not fetched';
  test(title, async () => {
    const bootstrap = await brokers();
    const topic = uniqueName(`coop-${protocol}`);
    const groupId = uniqueName(`coop-group-${protocol}`);
    await createTopics([{ topic, partitions }]);
    const connection = connectKafka(bootstrap, `coop-test-${protocol}`);
    const producer = await connection.producer();
    let produced = 0;
    let producing = true;
    const feeding = (async () => {
      while (producing) {
        await producer.send(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, record: { key: Buffer.from(`k${partition}`), value: Buffer.from(String(produced)), timestamp: Date.now(), headers: [] } })));
        produced++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const members: Member[] = [];
    try {
      const a = await startMember(connection, groupId, topic, protocol);
      members.push(a);
      await waitFor('the first member to own every partition and receive records', async () => a.owned.length === partitions && a.batches.length > 0 || undefined);
      a.holdNextRejoin = true;
      // (Its start resolves once its first join completes, which waits for the held member.)
      const joining = startMember(connection, groupId, topic, protocol);
      await waitFor('the first member to start rejoining (held)', async () => a.rejoinStartedAt);
      const heldFrom = a.rejoinStartedAt!;
      // Long enough for several fetches: the producer sends 20 more rounds.
      const target = produced + 20;
      await waitFor('20 more rounds produced while the rejoin is held', async () => produced >= target || undefined);
      const during = a.batches.filter((batch) => batch.at >= heldFrom).length;
      if (protocol === 'cooperative') {
        assert.ok(during > 0, 'records of owned partitions reached the member while it rejoined');
      } else {
        assert.equal(during, 0, 'an eager member fetches nothing while it rejoins');
      }
      a.gate!();
      const b = await joining;
      members.push(b);
      await waitFor('the partitions to be split between the members', async () => (a.owned.length === 2 && b.owned.length === 2) || undefined, 60_000);
      assert.deepEqual([...a.owned, ...b.owned].sort(), [0, 1, 2, 3]);
      if (protocol === 'cooperative') {
        // Generation by generation, no partition was in two members' assignments.
        const byGeneration = new Map<number, number[]>();
        for (const assignment of [...a.assignments, ...b.assignments]) {
          const list = byGeneration.get(assignment.generationId) ?? [];
          list.push(...(assignment.partitions[topic] ?? []));
          byGeneration.set(assignment.generationId, list);
        }
        for (const [generation, assigned] of byGeneration) assert.equal(new Set(assigned).size, assigned.length, `generation ${generation}: ${assigned.join(',')}`);
        // The move took a follow-up rebalance: the first generation with both members gave the joining member nothing.
        assert.deepEqual(b.assignments[0]!.partitions[topic] ?? [], []);
      }
      // Both go on receiving their partitions' records.
      const since = Date.now();
      await waitFor('both members to receive records after the rebalance', async () => (a.batches.some((batch) => batch.at > since) && b.batches.some((batch) => batch.at > since)) || undefined);
    } finally {
      producing = false;
      await feeding;
      for (const member of members) {
        member.gate?.();
        await member.consumer.stop().catch(() => undefined);
        await member.consumer.disconnect().catch(() => undefined);
      }
      await producer.disconnect();
      await connection.close();
    }
  });
}

test('cooperative: a member stopped while its rejoin is under way does not come back under a new id', async () => {
  const bootstrap = await brokers();
  const topic = uniqueName('coop-stop');
  const groupId = uniqueName('coop-stop-group');
  await createTopics([{ topic, partitions }]);
  const connection = connectKafka(bootstrap, 'coop-stop-test');
  const members: Member[] = [];
  try {
    const a = await startMember(connection, groupId, topic, 'cooperative');
    members.push(a);
    await waitFor('the first member to own every partition', async () => a.owned.length === partitions || undefined);
    a.holdNextRejoin = true;
    const joining = startMember(connection, groupId, topic, 'cooperative');
    await waitFor('the first member to start rejoining (held)', async () => a.rejoinStartedAt);
    // Stop it mid-rejoin: it leaves the group; its join, let go afterwards, must not rejoin.
    await a.consumer.stop();
    a.gate!();
    const b = await joining;
    members.push(b);
    await waitFor('the remaining member to own every partition', async () => b.owned.length === partitions || undefined, 60_000);
    const assignmentsOfA = a.assignments.length;
    // Another rebalance (the remaining member asks for one) completes with the remaining member alone.
    const generation = b.assignments.at(-1)!.generationId;
    b.consumer.requestRejoin();
    await waitFor('a later generation', async () => (b.assignments.at(-1)!.generationId > generation ? true : undefined), 60_000);
    assert.equal(b.owned.length, partitions, 'the remaining member owns every partition: nobody else joined');
    assert.equal(a.assignments.length, assignmentsOfA, 'the stopped member received no assignment after it stopped');
  } finally {
    for (const member of members) {
      await member.consumer.stop().catch(() => undefined);
      await member.consumer.disconnect().catch(() => undefined);
    }
    await connection.close();
  }
});
