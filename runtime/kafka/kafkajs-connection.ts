// The kafkajs adapter behind the Kafka ports (ports.ts): a KafkaConnection
// whose admin, producers, group consumer and changelog reader are kafkajs
// 2.2.4 with Eddy's patches (kafkajs-patches.ts).
// Owns: translating between the ports' types and kafkajs' (records, offsets,
// produce results, assignments), turning a GroupAssignor into a kafkajs
// assigner (member and assignment user data both ways, per consumer — the
// patches hand the received user data and the pre-rejoin hook to the
// assigner object of the consumer that owns them), and starting each
// transactional producer's first transaction at open, which is when kafkajs
// registers the transactional id and so fences the previous owner.
// Must never: leak a kafkajs type through the ports.

import './kafkajs-patches.ts';
import kafkajs from 'kafkajs';
import type { Admin, Consumer, KafkaClient, Producer as KafkajsProducer, Transaction } from './kafka-client.ts';
import { createKafka, endOffsets, ensureTopics, isRetriableKafkaError, partitionCounts, toMessage, toStreamRecord } from './kafka-client.ts';
import { KafkajsChangelogReader } from './changelog-reader.ts';
import type { EddyAssignerHooks } from './kafkajs-patches.ts';
import { withGroupMetadata, withStableOffsets } from './kafkajs-kip447.ts';
import type {
  ChangelogReader,
  GroupAssignor,
  GroupConsumer,
  GroupConsumerListener,
  GroupConsumerOptions,
  GroupMetadata,
  KafkaAdmin,
  KafkaConnection,
  OutgoingRecord,
  ProducedBatch,
  Producer,
  RecordMetadata,
  TopicPartition,
  TopicPartitionOffset,
  TopicSpec,
  TransactionalProducer,
} from './ports.ts';

const { AssignerProtocol, Partitioners } = kafkajs;

// The partition kafkajs' default partitioner (Java's, murmur2 by key) chose
// for a message, kept on the message: with the partition's base offset in
// the produce response, it gives each record's offset.
const chosenPartition = Symbol('eddy.chosenPartition');
type PartitionerArgs = Parameters<ReturnType<typeof Partitioners.DefaultPartitioner>>[0];
function recordingPartitioner() {
  const choose = Partitioners.DefaultPartitioner();
  return (args: PartitionerArgs): number => {
    const partition = choose(args);
    (args.message as { [chosenPartition]?: number })[chosenPartition] = partition;
    return partition;
  };
}
const protocolVersion = 1;

/** Connects to the cluster at `bootstrap` as `clientId`, through kafkajs. */
export function connectKafka(bootstrap: string, clientId: string): KafkaConnection {
  return new KafkajsConnection(createKafka(bootstrap, clientId));
}

class KafkajsConnection implements KafkaConnection {
  private sharedAdmin: Promise<Admin> | undefined;

  constructor(private readonly kafka: KafkaClient) {}

  async admin(): Promise<KafkaAdmin> {
    const admin = this.kafka.admin();
    await admin.connect();
    return new KafkajsAdmin(admin);
  }

  retriable(error: unknown): boolean {
    return isRetriableKafkaError(error);
  }

  async producer(): Promise<Producer> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: recordingPartitioner });
    await producer.connect();
    return { send: (records) => sendRecords(producer, records), disconnect: () => producer.disconnect() };
  }

  async transactionalProducer(transactionalId: string, options: { transactionTimeoutMs?: number } = {}): Promise<TransactionalProducer> {
    const producer = this.kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: options.transactionTimeoutMs ?? 60_000, createPartitioner: recordingPartitioner });
    await producer.connect();
    const transactional = new KafkajsTransactionalProducer(producer);
    try {
      await transactional.begin();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    return transactional;
  }

  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    return new KafkajsGroupConsumer(this.kafka, options);
  }

  async changelogReader(name: string, topics: string[]): Promise<ChangelogReader> {
    this.sharedAdmin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return new KafkajsChangelogReader(this.kafka, await this.sharedAdmin, name, topics);
  }

  async close(): Promise<void> {
    const admin = this.sharedAdmin;
    this.sharedAdmin = undefined;
    if (admin) await (await admin).disconnect().catch(() => undefined);
  }
}

class KafkajsAdmin implements KafkaAdmin {
  constructor(private readonly admin: Admin) {}

  ensureTopics(topics: TopicSpec[]): Promise<void> {
    return ensureTopics(this.admin, topics);
  }

  topicNames(): Promise<string[]> {
    return this.admin.listTopics();
  }

  partitionCounts(topics: string[]): Promise<Map<string, number | undefined>> {
    return partitionCounts(this.admin, topics);
  }

  endOffsets(topic: string): Promise<Map<number, number>> {
    return endOffsets(this.admin, topic);
  }

  async partitionOffsets(topic: string): Promise<Map<number, { low: number; end: number }>> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((entry) => [entry.partition, { low: Number(entry.low), end: Number(entry.offset) }]));
  }

  async committedOffsets(groupId: string, topics: string[]): Promise<TopicPartitionOffset[]> {
    // kafkajs' fetchOffsets does not retry a coordinator that is moving or
    // loading (a new cluster's first group, a broker restart). Stable
    // offsets (KIP-447): while a transaction holds pending offsets of these
    // partitions the coordinator answers UNSTABLE_OFFSET_COMMIT, retried
    // until that transaction ends (at the latest when it times out).
    const committed = await retryCoordinatorErrors(() => withStableOffsets(() => this.admin.fetchOffsets({ groupId, topics })), 90_000);
    return committed.flatMap(({ topic, partitions }) =>
      partitions.filter((entry) => Number(entry.offset) >= 0).map((entry) => ({ topic, partition: entry.partition, offset: Number(entry.offset) })),
    );
  }

  async deleteRecordsBefore(offsets: TopicPartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const { topic, partition, offset } of offsets) {
      const list = byTopic.get(topic) ?? [];
      list.push({ partition, offset: String(offset) });
      byTopic.set(topic, list);
    }
    for (const [topic, partitions] of byTopic) await this.admin.deleteTopicRecords({ topic, partitions });
  }

  async clusterId(): Promise<string> {
    return (await this.admin.describeCluster()).clusterId;
  }

  async setGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const { topic, partition, offset } of offsets) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: String(offset) }]);
    for (const [topic, partitions] of byTopic) await retryCoordinatorErrors(() => this.admin.setOffsets({ groupId, topic, partitions }), 30_000);
  }

  async deleteGroup(groupId: string): Promise<void> {
    try {
      await retryCoordinatorErrors(() => this.admin.deleteGroups([groupId]), 30_000);
    } catch (error) {
      // GROUP_ID_NOT_FOUND: nothing to delete.
      const groups = (error as { groups?: Array<{ error?: { type?: string } }> }).groups;
      if (groups?.every((group) => group.error?.type === 'GROUP_ID_NOT_FOUND')) return;
      throw error;
    }
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }
}

// kafkajs' names for NOT_COORDINATOR (16), COORDINATOR_NOT_AVAILABLE (15) and
// COORDINATOR_LOAD_IN_PROGRESS (14). (kafkajs' own transactional offset
// commit retries on 'NOT_COORDINATOR' / 'COORDINATOR_NOT_AVAILABLE', names its
// error table never produces, so it never retries them.)
const coordinatorErrors = new Set(['NOT_COORDINATOR_FOR_GROUP', 'GROUP_COORDINATOR_NOT_AVAILABLE', 'GROUP_LOAD_IN_PROGRESS', 'UNSTABLE_OFFSET_COMMIT', 'CONCURRENT_TRANSACTIONS']);

/**
 * Runs `request` again (backoff 100 ms doubling to 2 s, ~30 s in all) while it
 * fails because the group coordinator is moving, loading or unreachable (or,
 * for a stable offset fetch, a transaction still holds pending offsets; for
 * AddOffsetsToTxn, the previous transaction is still completing).
 * Only for requests that are safe to repeat (reads).
 */
export async function retryCoordinatorErrors<T>(request: () => Promise<T>, deadlineMs = 30_000): Promise<T> {
  const giveUpAt = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      const name = (error as { name?: unknown }).name;
      const retriable = (typeof type === 'string' && coordinatorErrors.has(type)) || name === 'KafkaJSConnectionError' || name === 'KafkaJSGroupCoordinatorNotFound';
      if (!retriable || Date.now() >= giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
    }
  }
}

/** Sends records in one produce request per broker (acks=all); where each partition's records landed. */
async function sendRecords(sender: KafkajsProducer | Transaction, records: OutgoingRecord[]): Promise<ProducedBatch[]> {
  const byTopic = new Map<string, ReturnType<typeof toMessage>[]>();
  let acknowledging = false;
  for (const { topic, partition, record, acknowledged } of records) {
    let messages = byTopic.get(topic);
    if (!messages) byTopic.set(topic, (messages = []));
    messages.push(toMessage(record, partition));
    if (acknowledged) acknowledging = true;
  }
  const metadata = await sender.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  const produced = metadata
    .filter((entry) => entry.baseOffset !== undefined)
    .map((entry) => ({ topic: entry.topicName, partition: entry.partition, baseOffset: Number(entry.baseOffset), logAppendTime: Number(entry.logAppendTime ?? -1) }));
  if (acknowledging) acknowledge(records, byTopic, produced);
  return produced.map(({ topic, partition, baseOffset }) => ({ topic, partition, baseOffset }));
}

/**
 * Calls each record's `acknowledged` with its partition and offset: a
 * partition's records of one request are one batch in message order (the
 * grouping of kafkajs-patches.ts keeps it), so the n-th is at the batch's
 * base offset + n.
 */
function acknowledge(records: OutgoingRecord[], messagesByTopic: Map<string, ReturnType<typeof toMessage>[]>, produced: Array<ProducedBatch & { logAppendTime: number }>): void {
  const batches = new Map<string, { baseOffset: number; logAppendTime: number; next: number }>();
  for (const batch of produced) batches.set(`${batch.partition}\u0000${batch.topic}`, { baseOffset: batch.baseOffset, logAppendTime: batch.logAppendTime, next: 0 });
  const positions = new Map<string, number>();
  for (const outgoing of records) {
    const index = positions.get(outgoing.topic) ?? 0;
    positions.set(outgoing.topic, index + 1);
    const message = messagesByTopic.get(outgoing.topic)![index] as { [chosenPartition]?: number; partition?: number };
    const partition = message[chosenPartition] ?? message.partition!;
    const batch = batches.get(`${partition}\u0000${outgoing.topic}`);
    if (!batch) throw new Error(`no produce result for ${outgoing.topic}-${partition}, where a record was sent`);
    const offset = batch.baseOffset + batch.next++;
    const landed: RecordMetadata = { topic: outgoing.topic, partition, offset, timestamp: batch.logAppendTime >= 0 ? batch.logAppendTime : outgoing.record.timestamp };
    outgoing.acknowledged?.(landed);
  }
}

function byTopic(offsets: TopicPartitionOffset[]): Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> {
  const topics = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const { topic, partition, offset } of offsets) {
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = []));
    partitions.push({ partition, offset: String(offset) });
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}

class KafkajsTransactionalProducer implements TransactionalProducer {
  /** The open transaction (a promise: several tasks of a thread send at once, and kafkajs refuses a second begin). */
  private transaction: Promise<Transaction> | undefined;

  constructor(private readonly producer: KafkajsProducer) {}

  get inTransaction(): boolean {
    return this.transaction !== undefined;
  }

  begin(): Promise<Transaction> {
    if (!this.transaction) {
      const beginning = this.producer.transaction();
      this.transaction = beginning;
      beginning.catch(() => {
        if (this.transaction === beginning) this.transaction = undefined;
      });
    }
    return this.transaction;
  }

  async send(records: OutgoingRecord[]): Promise<ProducedBatch[]> {
    return sendRecords(await this.begin(), records);
  }

  async sendOffsets(group: GroupMetadata, offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const transaction = await this.begin();
    // Safe to repeat inside the transaction (AddOffsetsToTxn and
    // TxnOffsetCommit are idempotent); see coordinatorErrors.
    const send = () => transaction.sendOffsets({ consumerGroupId: group.groupId, topics: byTopic(offsets) });
    // With the member's generation (KIP-447) the coordinator refuses offsets
    // of a member that is no longer in the group's current generation.
    const generationId = group.generationId;
    const memberId = group.memberId;
    await retryCoordinatorErrors(() => (generationId !== undefined && generationId >= 0 && memberId ? withGroupMetadata({ generationId, memberId }, send) : send()));
  }

  async commit(): Promise<void> {
    const transaction = this.transaction;
    if (!transaction) return;
    this.transaction = undefined;
    await (await transaction).commit();
  }

  async abort(): Promise<void> {
    const pending = this.transaction;
    this.transaction = undefined;
    const transaction = pending && (await pending.catch(() => undefined));
    if (transaction && transaction.isActive()) await transaction.abort().catch(() => undefined);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** A GroupAssignor in kafkajs' assigner form, carrying the consumer's hooks for the patches. */
function kafkajsAssigner(assignor: GroupAssignor, hooks: EddyAssignerHooks): kafkajs.PartitionAssigner {
  return ({ cluster }) =>
    ({
      name: assignor.name,
      version: protocolVersion,
      eddyHooks: hooks,
      protocol: ({ topics }: { topics: string[] }) => ({
        name: assignor.name,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: protocolVersion, topics, userData: Buffer.from(assignor.subscriptionUserData()) }),
      }),
      assign: async ({ members, topics }: { members: Array<{ memberId: string; memberMetadata: Buffer }>; topics: string[] }) => {
        const counts = new Map(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).length]));
        const decided = await assignor.assign(
          members.map((member) => ({ memberId: member.memberId, userData: AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData ?? Buffer.alloc(0) })),
          counts,
        );
        return members.map((member) => {
          const entry = decided.get(member.memberId) ?? { partitions: {}, userData: new Uint8Array() };
          return {
            memberId: member.memberId,
            memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: protocolVersion, assignment: entry.partitions, userData: Buffer.from(entry.userData) }),
          };
        });
      },
    }) as ReturnType<kafkajs.PartitionAssigner>;
}

class KafkajsGroupConsumer implements GroupConsumer {
  private readonly consumer: Consumer;
  private listener: GroupConsumerListener | undefined;
  private received: { generationId: number; userData: Buffer | undefined } | undefined;
  private generationId = -1;
  private memberId: string | undefined;
  private rejoinRequested = false;

  constructor(kafka: KafkaClient, private readonly options: GroupConsumerOptions) {
    const hooks: EddyAssignerHooks = {
      beforeRejoin: () => this.listener?.beforeRejoin() ?? Promise.resolve(),
      received: (generationId, userData) => {
        this.received = { generationId, userData };
      },
      takeRejoinRequest: () => {
        const requested = this.rejoinRequested;
        this.rejoinRequested = false;
        return requested;
      },
      cooperative: options.protocol === 'cooperative',
    };
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      ...(options.assignor ? { partitionAssigners: [kafkajsAssigner(options.assignor, hooks)] } : {}),
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 2000 },
    });
  }

  async start(listener: GroupConsumerListener): Promise<void> {
    this.listener = listener;
    const consumer = this.consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const payload = event.payload as { memberId: string; memberAssignment: Record<string, number[]> };
      const received = this.received;
      this.received = undefined;
      this.memberId = payload.memberId;
      this.generationId = received?.generationId ?? this.generationId;
      listener.onAssigned({
        memberId: payload.memberId,
        generationId: this.generationId,
        partitions: payload.memberAssignment,
        userData: received?.userData && received.userData.length > 0 ? new Uint8Array(received.userData) : undefined,
      });
    });
    // A fetch that held only control records (transaction markers) or aborted
    // records: kafkajs moves past it without calling eachBatch; tell the
    // listener the position moved (an empty batch), as a consumer that
    // tracks positions by itself needs to.
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      const payload = event.payload as { topic: string; partition: number; batchSize: number; lastOffset: string };
      if (payload.batchSize !== 0) return;
      void listener.onBatch({ topic: payload.topic, partition: payload.partition, records: [], lastOffset: Number(payload.lastOffset) }).catch(() => undefined);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const payload = event.payload as { error: Error; restart: boolean };
      listener.onCrash(payload.error, payload.restart);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isStale }) => {
        if (isStale()) return;
        const consumed = await listener.onBatch({
          topic: batch.topic,
          partition: batch.partition,
          records: batch.messages.map((message) => ({ offset: Number(message.offset), record: toStreamRecord(message) })),
          lastOffset: Number(batch.lastOffset()),
          ...caughtUp(batch),
        }, heartbeat);
        if (consumed) resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
  }

  pause(partitions: TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.consumer.pause([{ topic, partitions: [partition] }]);
  }

  resume(partitions: TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.consumer.resume([{ topic, partitions: [partition] }]);
  }

  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    this.consumer.seek({ topic, partition, offset: String(offset) });
  }

  commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    return this.consumer.commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })));
  }

  requestRejoin(): void {
    this.rejoinRequested = true;
  }

  metadata(): GroupMetadata {
    return { groupId: this.options.groupId, generationId: this.generationId, ...(this.memberId ? { memberId: this.memberId } : {}) };
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }

  async disconnect(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Whether a fetched batch reached the partition's last stable offset (kafkajs-patches keeps it on the batch). */
function caughtUp(batch: { lastOffset(): string; lastStableOffset?: string }): { caughtUp?: boolean } {
  const stable = batch.lastStableOffset === undefined ? Number.NaN : Number(batch.lastStableOffset);
  if (!Number.isFinite(stable) || stable < 0) return {};
  return { caughtUp: Number(batch.lastOffset()) + 1 >= stable };
}
