// The Kafka edge as ports: the narrow interfaces everything above
// runtime/kafka/ uses to reach Kafka — a group consumer, producers
// (idempotent, and transactional with offsets in the transaction), an admin,
// and one connection that makes them. The client library is an adapter
// behind these (runtime/kafka/kafkajs-connection.ts today).
// Owns: the shapes of records, offsets and group assignments crossing the
// edge, in Eddy's own types.
// Must never: import a Kafka client, or expose one of its types.

import type { StreamRecord } from '../record.ts';
import type { TaskDatabase } from '../state/task-database.ts';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

/** A record read from a partition. */
export interface ConsumedRecord {
  offset: number;
  record: StreamRecord;
}

/** Records fetched from one partition, in offset order (control records and aborted transactions removed). */
export interface FetchedBatch extends TopicPartition {
  records: ConsumedRecord[];
  /** The offset of the last entry of the fetch (control records included): resume after it. */
  lastOffset: number;
  /**
   * True when nothing more is readable in the partition after this batch (it
   * ends at the last stable offset), false when more is (the partition lags),
   * undefined when unknown.
   */
  caughtUp?: boolean;
}

/** A record to produce; without a partition, the client's default partitioner picks one by key. */
export interface OutgoingRecord {
  topic: string;
  partition?: number;
  record: StreamRecord;
  /** Called once Kafka has acknowledged the record (Java's send callback), before `send` resolves, with where it landed. */
  acknowledged?: (metadata: RecordMetadata) => void;
}

/** Where Kafka put one record (Java's RecordMetadata). */
export interface RecordMetadata extends TopicPartition {
  offset: number;
  /** The record's timestamp as written: its own, or the broker's when the topic uses LogAppendTime. */
  timestamp: number;
}

/** Where one produce request put the records of one partition. */
export interface ProducedBatch extends TopicPartition {
  baseOffset: number;
}

// ---- consumer groups --------------------------------------------------------

/** A group member as the leader sees it: its id and the user data it joined with. */
export interface GroupMember {
  memberId: string;
  userData: Uint8Array;
}

/** What the leader gives one member: partitions per topic and user data. */
export interface MemberPartitions {
  partitions: Record<string, number[]>;
  userData: Uint8Array;
}

/**
 * A partition assignor (Kafka's ConsumerPartitionAssignor): user data at
 * every join, and the leader's decision from every member's user data.
 */
export interface GroupAssignor {
  readonly name: string;
  subscriptionUserData(): Uint8Array;
  assign(members: GroupMember[], partitionCounts: Map<string, number>): Map<string, MemberPartitions> | Promise<Map<string, MemberPartitions>>;
}

/** What this member received at a join. */
export interface GroupAssignment {
  memberId: string;
  generationId: number;
  partitions: Record<string, number[]>;
  /** The assignor's user data for this member (undefined when the leader sent none). */
  userData: Uint8Array | undefined;
}

/**
 * Keeps the member in its group while a listener holds a batch for long
 * (sends a heartbeat when one is due); rejects when the group is
 * rebalancing.
 */
export type Heartbeat = () => Promise<void>;

export interface GroupConsumerListener {
  /** A join completed (before fetching for the new assignment starts). */
  onAssigned(assignment: GroupAssignment): void;
  /**
   * Awaited before the member rejoins for a rebalance. Eager: fetching has
   * stopped, the last moment to commit with the old generation. Cooperative:
   * batches of the owned partitions go on arriving during the join, and
   * nothing should be committed until `onAssigned` (the generation changes
   * under the member).
   */
  beforeRejoin(): Promise<void>;
  /**
   * One partition's fetched records; resolve true when they are consumed (the
   * position moves past `lastOffset`). A fetch of only control records
   * (transaction markers) or aborted records arrives as an empty batch: the
   * position has moved past `lastOffset` already.
   */
  onBatch(batch: FetchedBatch, heartbeat?: Heartbeat): Promise<boolean>;
  /** The consumer failed; `restarting`: the client restarts it itself, otherwise it is dead. */
  onCrash(error: Error, restarting: boolean): void;
}

export interface GroupConsumerOptions {
  groupId: string;
  topics: string[];
  assignor?: GroupAssignor;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  /** Partitions fetched and handled at once. */
  concurrency?: number;
  /**
   * How the member rebalances. `eager` (the default): it stops fetching,
   * rejoins, and fetches again once the new assignment is in. `cooperative`
   * (Kafka's incremental cooperative protocol, KIP-429): the owned
   * partitions go on being fetched and handled through the join; the
   * assignor must then never give a partition to a member while another
   * still owns it (that one gives it up first, and asks for a follow-up
   * rebalance).
   */
  protocol?: 'eager' | 'cooperative';
}

/**
 * The consumer group that offsets sent in a transaction belong to (KIP-447's
 * group metadata: the group id; the generation and member id where the client
 * can send them — a group consumer knows its generation when it joined with
 * an assignor). With a generation, the coordinator refuses offsets from a
 * member that is not in the group's current generation.
 */
export interface GroupMetadata {
  groupId: string;
  generationId?: number;
  memberId?: string;
}

export interface GroupConsumer {
  /** Joins the group and starts fetching; resolves once running. */
  start(listener: GroupConsumerListener): Promise<void>;
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
  /** Moves the fetch position; throws while the consumer is not running (its next join is the place). */
  seek(position: TopicPartitionOffset): void;
  commitOffsets(offsets: TopicPartitionOffset[]): Promise<void>;
  metadata(): GroupMetadata;
  /** Makes this member rejoin the group soon (a probing rebalance): its next fetch turns into a join. */
  requestRejoin(): void;
  /** Stops fetching and leaves the group. */
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

// ---- producers --------------------------------------------------------------

/** An idempotent producer (acks=all, ordered per partition). */
export interface Producer {
  send(records: OutgoingRecord[]): Promise<ProducedBatch[]>;
  disconnect(): Promise<void>;
}

/**
 * A transactional producer. Opening it registers its transactional id, which
 * fences any earlier producer with that id and settles its open transaction.
 */
export interface TransactionalProducer {
  /** Sends within the open transaction (one is begun when none is open). */
  send(records: OutgoingRecord[]): Promise<ProducedBatch[]>;
  /** Adds consumer offsets to the open transaction. */
  sendOffsets(group: GroupMetadata, offsets: TopicPartitionOffset[]): Promise<void>;
  commit(): Promise<void>;
  /** Aborts the open transaction, if any. */
  abort(): Promise<void>;
  readonly inTransaction: boolean;
  disconnect(): Promise<void>;
}

// ---- admin --------------------------------------------------------------------

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Default (-1): the broker's default.replication.factor. */
  replicationFactor?: number;
  config?: Record<string, string>;
}

export interface KafkaAdmin {
  /** Creates the topics that do not exist yet; existing ones are left alone. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** The names of every topic in the cluster (the broker's internal ones included). */
  topicNames(): Promise<string[]>;
  /** Partition count of each topic; undefined for a topic that does not exist. */
  partitionCounts(topics: string[]): Promise<Map<string, number | undefined>>;
  /** The offset after the last readable record of each partition (read-committed). */
  endOffsets(topic: string): Promise<Map<number, number>>;
  /** Per partition: the first offset still stored (`low`) and the end offset (`end`, as endOffsets). */
  partitionOffsets(topic: string): Promise<Map<number, { low: number; end: number }>>;
  /** The group's committed offsets of these topics (partitions without one are left out). */
  committedOffsets(groupId: string, topics: string[]): Promise<TopicPartitionOffset[]>;
  /** Deletes the records of each partition before its offset (Kafka's DeleteRecords). */
  deleteRecordsBefore(offsets: TopicPartitionOffset[]): Promise<void>;
  /** The cluster's id. */
  clusterId(): Promise<string>;
  /** Sets a group's committed offsets (the group must have no active member). */
  setGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
  /** Deletes a group and its committed offsets (it must have no active member); a group that does not exist is no error. */
  deleteGroup(groupId: string): Promise<void>;
  disconnect(): Promise<void>;
}

// ---- changelogs: reading without a group ----------------------------------------

export interface ChangelogStore {
  store: string;
  topic: string;
  /**
   * The store's values are ValueAndTimestamp bytes: its changelog records
   * carry the plain value with the timestamp as the record timestamp (as
   * Kafka Streams logs timestamped stores), and a restore joins them again.
   */
  timestamped?: boolean;
}

export interface RestoreResult {
  records: number;
  milliseconds: number;
}

/**
 * Reads changelog partitions into task databases: restores before a task
 * processes, and keeps standby copies warm. The applied offset is written in
 * the same SQLite transaction as the state.
 */
export interface ChangelogReader {
  start(): Promise<void>;
  /** Brings the stores of a task to the end of their changelog partitions, from each store's checkpoint. */
  restore(taskId: string, partition: number, stores: ChangelogStore[], database: TaskDatabase): Promise<RestoreResult>;
  /** Keeps the stores of a standby task following their changelogs until `unfollow`. */
  followStandby(taskId: string, partition: number, stores: ChangelogStore[], database: TaskDatabase): Promise<void>;
  unfollow(partition: number, stores: ChangelogStore[]): void;
  stop(): Promise<void>;
}

// ---- the connection -----------------------------------------------------------

/** One client identity on one cluster: makes the ports above. */
export interface KafkaConnection {
  admin(): Promise<KafkaAdmin>;
  producer(): Promise<Producer>;
  transactionalProducer(transactionalId: string, options?: { transactionTimeoutMs?: number }): Promise<TransactionalProducer>;
  groupConsumer(options: GroupConsumerOptions): GroupConsumer;
  /** A reader of these changelog topics (`name` identifies it to the cluster). */
  changelogReader(name: string, topics: string[]): Promise<ChangelogReader>;
  /**
   * Whether a failure of this connection's clients is one Kafka recovers from
   * by itself — a broker unreachable or restarting, a leader or coordinator
   * that moved, a request that timed out — so that the same work tried again
   * later can succeed. A fenced producer is not.
   */
  retriable(error: unknown): boolean;
  /** Releases what the connection holds (its admin). */
  close(): Promise<void>;
}
