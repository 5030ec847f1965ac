// An active task of a running application: one StreamTask, fed from Kafka,
// writing to Kafka through a record collector, made durable by the commit
// protocol of the chosen guarantee (task/commit-protocol.ts) — or, under
// exactly-once with one producer per thread, as one participant of its
// thread's transaction (task/thread-transaction.ts), which the thread commits
// for all its tasks at once.
//
// Owns: the task's lifecycle on the Kafka edge — opening (the commit
// protocol first: under exactly-once its producer fences the previous owner;
// then the SQLite file, a restore from the changelogs, the plugins), turning
// fetched batches into processing, collecting sink and changelog records,
// committing on the interval or on request, hot-swap at a batch boundary,
// and failing alone: a failed task rolls back to its last commit, aborts its
// transaction (or poisons the thread's) and stops; the stream thread decides
// when to reopen it.
// Must never: overlap two operations on the task (every operation takes the
// task's lock), or touch a Kafka client (only the ports).

import { join } from 'node:path';
import { EddyError, messageOf } from '../errors.ts';
import type { ChangelogReader, ChangelogStore, ConsumedRecord, GroupMetadata, KafkaConnection, OutgoingRecord, Producer, TopicPartitionOffset } from '../kafka/ports.ts';
import type { PreparedProcessor } from '../processor/processor.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import type { StoreChange } from '../state/sqlite-key-value-store.ts';
import { TaskDatabase, checkpointName } from '../state/task-database.ts';
import { toChangelogValue } from '../state/value-and-timestamp.ts';
import { AtLeastOnceCommit, ExactlyOnceCommit, type CommitProtocol } from '../task/commit-protocol.ts';
import { RecordCollector } from '../task/record-collector.ts';
import type { ThreadTransaction, TransactionParticipant } from '../task/thread-transaction.ts';
import type { TaskId } from '../task/task-id.ts';
import { StreamTask, type InputRecord, type LogEntry } from '../task/stream-task.ts';
import type { Topology } from '../topology/topology.ts';
import type { AppConfig } from './app-config.ts';

export interface ActiveTaskDependencies {
  config: AppConfig;
  /** What this task runs: its sub-topology alone. */
  topology: Topology;
  taskId: TaskId;
  connection: KafkaConnection;
  /** The thread's producer (at-least-once); exactly-once tasks make their own. */
  sharedProducer: Producer | undefined;
  /** Exactly-once with one producer per thread: the thread's transaction (the thread commits it). */
  threadTransaction?: ThreadTransaction | undefined;
  /**
   * The group's committed offsets of `topics` once stable (no transaction
   * holds pending offsets for them), read after the previous owner is fenced
   * and before state is restored.
   */
  readCommittedOffsets: (topics: string[]) => Promise<TopicPartitionOffset[]>;
  reader: ChangelogReader;
  stores: ChangelogStore[];
  /** The instance's global stores (GlobalKTables), read-only. */
  globalStores?: ((name: string) => KeyValueStore) | undefined;
  /** Commits input offsets to the group (at-least-once). */
  commitOffsets: (offsets: TopicPartitionOffset[]) => Promise<void>;
  /** While true (the member is rejoining its group), no commit falls due; an explicit commit still runs. */
  commitsSuspended?: () => boolean;
  /** The group the input offsets belong to (exactly-once). */
  groupMetadata: () => GroupMetadata;
  onLog: (entry: LogEntry) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The longest a task waits for records a lagging input partition is known to have. */
const maxLagWaitMs = 10_000;

export function taskDirectory(config: AppConfig, taskId: TaskId): string {
  return join(config.stateDir, config.applicationId, taskId.toString());
}

/** A task held by its thread (no other operation runs on it) until `release`. */
export interface HeldTask {
  participant: TransactionParticipant;
  release(): void;
}

export class ActiveTask {
  readonly taskId: TaskId;
  /** The partition of every input topic (and changelog) this task owns. */
  readonly partition: number;
  private readonly collector = new RecordCollector();
  private readonly nextOffsets = new Map<string, number>();
  /** Input offsets as of the last commit (where a restart would resume). */
  readonly committedOffsets = new Map<string, number>();
  private lastCommitAt = Date.now();
  private dirty = false;
  private lock: Promise<unknown> = Promise.resolve();
  private failureValue: EddyError | undefined;
  /** Records processed since start (for status). */
  processedRecords = 0;
  /** The task's input topics, in topology order; buffered per topic when there are several. */
  private readonly inputTopics: string[];
  private readonly queues = new Map<string, ConsumedRecord[]>();
  /** Per input topic: did its last fetch end before the partition's last stable offset? */
  private readonly lagging = new Map<string, boolean>();
  private idleSince: number | undefined;
  /** Records the consumer delivered again, before the task's position (dropped). */
  redeliveredRecords = 0;
  /** Successful commits since the task opened (a revived task counts as healthy again after one). */
  commits = 0;
  /** Set when the task stopped only because its thread's transaction rolled back (not its own failure). */
  collateral = false;
  /** Sent records since the last commit (they are in the open transaction). */
  private sentSinceCommit = false;
  private closed = false;
  /** Released by its thread (revoked or lost): it processes nothing more and is about to close. */
  private released = false;

  private constructor(
    private readonly dependencies: ActiveTaskDependencies,
    private readonly database: TaskDatabase,
    /** The task's own commit protocol; undefined when it is part of its thread's transaction. */
    private readonly protocol: CommitProtocol | undefined,
    private task: StreamTask,
    readonly restoredRecords: number,
  ) {
    this.taskId = dependencies.taskId;
    this.partition = dependencies.taskId.partition;
    this.inputTopics = dependencies.topology.sourceTopics;
    if (this.inputTopics.length > 1) for (const topic of this.inputTopics) this.queues.set(topic, []);
  }

  /**
   * Opens the task: its commit protocol (exactly-once: a transactional
   * producer, which fences any zombie owner and aborts its open transaction),
   * its SQLite file, a restore from the changelogs, then its plugins.
   */
  static async open(dependencies: ActiveTaskDependencies): Promise<ActiveTask> {
    const { config, taskId } = dependencies;
    const partition = taskId.partition;
    const protocol: CommitProtocol | undefined = dependencies.threadTransaction
      ? undefined
      : config.processingGuarantee === 'exactly_once_v2'
        ? // A producer per task fences by its transactional id; its offsets go without the member's generation.
          await ExactlyOnceCommit.open(dependencies.connection, `${config.applicationId}-${taskId}`, () => ({ groupId: dependencies.groupMetadata().groupId }), config.transactionTimeoutMs)
        : new AtLeastOnceCommit(dependencies.sharedProducer!, dependencies.commitOffsets);
    let holder: { task?: ActiveTask } = {};
    const early: OutgoingRecord[] = [];
    let database: TaskDatabase | undefined;
    try {
      database = TaskDatabase.open(join(taskDirectory(config, taskId), 'state.db'), {
        onChange: (change) => holder.task?.queueChangelog(change),
      });
      // Window and session stores first, so their changelogs restore into the right kind.
      // (Global stores are read from the instance's global state, not kept here.)
      for (const spec of dependencies.topology.storeSpecs) if (!dependencies.topology.globalStores.includes(spec.name)) database.openStore(spec);
      // Where processing starts: read before the restore, so the state
      // restored includes everything the committed offsets stand for (with
      // a producer per thread, this waits for the previous owner's open
      // transaction to end — KIP-447's stable offsets).
      const committed = (await dependencies.readCommittedOffsets(dependencies.topology.sourceTopics)).filter((entry) => entry.partition === partition);
      const restored = await dependencies.reader.restore(taskId.toString(), partition, dependencies.stores, database);
      if (restored.records > 0) {
        dependencies.log('info', `task ${taskId}: restored ${restored.records} changelog records in ${restored.milliseconds} ms`);
      }
      const task = await StreamTask.create(dependencies.topology, {
        applicationId: config.applicationId,
        taskId: taskId.toString(),
        partition,
        database,
        onOutput: (output) => {
          const outgoing = { topic: output.topic, record: output.record };
          if (holder.task) holder.task.collector.add(outgoing);
          else early.push(outgoing);
        },
        onLog: dependencies.onLog,
        limits: config.limits,
        deadLetterQueueTopic: config.deadLetterQueueTopic,
        timestampExtractor: config.defaultTimestampExtractor,
        // Kafka Streams shares statestore.cache.max.bytes among the stream threads.
        cacheMaxBytes: Math.floor(config.cacheMaxBytes / config.numStreamThreads),
        ...(dependencies.globalStores ? { globalStores: dependencies.globalStores } : {}),
      });
      const active = new ActiveTask(dependencies, database, protocol, task, restored.records);
      for (const { topic, offset } of committed) active.committedOffsets.set(topic, offset);
      holder.task = active;
      // Outputs of init (a plugin may forward there) go first.
      for (const outgoing of early) active.collector.add(outgoing);
      return active;
    } catch (error) {
      database?.close();
      await protocol?.close().catch(() => undefined);
      holder = {};
      throw error;
    }
  }

  get failure(): EddyError | undefined {
    return this.failureValue;
  }

  /** Where the task starts reading `topic` (the committed offset it was positioned at). */
  startAt(topic: string, offset: number): void {
    if (!this.nextOffsets.has(topic)) this.committedOffsets.set(topic, offset);
  }

  /**
   * Says whether input `topic` has records the task has not fetched yet
   * (known when it opens, from the partition's offsets), so that a task with
   * several inputs waits for them as for a fetch that reported lag — Kafka
   * Streams waits while an input's lag is unknown or not zero.
   */
  knowLag(topic: string, lagging: boolean): void {
    if (this.queues.has(topic) && !this.lagging.has(topic)) this.lagging.set(topic, lagging);
  }

  /**
   * The next offset to process per input topic: after the last processed
   * record, or where the task started. A consumer that rejoins or restarts
   * must resume here, not at the group's committed offsets — the task's
   * uncommitted work is still in its open transaction / write cache.
   */
  positions(): Map<string, number> {
    return new Map([...this.committedOffsets, ...this.nextOffsets]);
  }

  /**
   * Takes one fetched batch of one input partition and processes it — right
   * away when the task reads one topic; otherwise in timestamp order across
   * its input partitions (see drain) — then sends the outputs. Records before
   * what the task has processed or buffered are dropped: the task, not the
   * consumer, is the authority on what it has seen. A consumer can deliver
   * them again — a seek to the task's position issued while a batch was still
   * in flight (a rejoin or a replaced consumer during a broker outage), or a
   * fetch that predates the seek to the committed offsets — and processing
   * them twice would count them twice inside the same transaction.
   * `caughtUp` (from the fetch) says whether the partition has more to read.
   */
  processBatch(topic: string, records: ConsumedRecord[], caughtUp?: boolean): Promise<void> {
    return this.processing(() => this.locked(async () => {
      if (this.failureValue || this.released) return;
      if (caughtUp !== undefined) this.lagging.set(topic, !caughtUp);
      if (records.length === 0) return;
      const queue = this.queues.get(topic);
      const processed = this.nextOffsets.get(topic) ?? this.committedOffsets.get(topic) ?? -1;
      const position = Math.max(processed, queue && queue.length > 0 ? queue[queue.length - 1]!.offset + 1 : -1);
      const fresh = records.filter(({ offset }) => offset >= position);
      if (fresh.length < records.length) {
        this.redeliveredRecords += records.length - fresh.length;
        this.dependencies.log('info', `task ${this.taskId}: ${records.length - fresh.length} record(s) of ${topic} before its position ${position} delivered again; dropped`);
      }
      if (fresh.length === 0) return;
      if (!queue) {
        await this.processRecords(topic, fresh);
        return;
      }
      queue.push(...fresh);
      await this.drain();
    }));
  }

  /**
   * Processes buffered records of a task with several input partitions, as
   * Kafka Streams' PartitionGroup: always the partition whose next record has
   * the smallest timestamp (ties: the topic listed first), as long as every
   * input partition has records buffered. While one has none: wait if it is
   * known to have more to read (its last fetch ended before its last stable
   * offset), but for at most 10 s (then go on and say so — a partition never
   * stalls the task); otherwise wait `max.task.idle.ms` (0: not at all; -1:
   * never wait, even for known lag). Kafka Streams also waits while a
   * partition's lag is not yet known; here an empty partition that was never
   * fetched counts as caught up, since empty fetches are not reported.
   */
  private async drain(): Promise<void> {
    while (!this.failureValue) {
      const ready = this.inputTopics.filter((topic) => this.queues.get(topic)!.length > 0);
      if (ready.length === 0) {
        this.idleSince = undefined;
        return;
      }
      const empty = this.inputTopics.filter((topic) => this.queues.get(topic)!.length === 0);
      if (empty.length > 0 && !this.mayGoOnWithout(empty)) return;
      this.idleSince = undefined;
      const head = (topic: string) => this.queues.get(topic)![0]!.record.timestamp;
      const chosen = ready.reduce((best, topic) => (head(topic) < head(best) ? topic : best));
      const others = ready.filter((topic) => topic !== chosen);
      const bound = others.length > 0 ? Math.min(...others.map(head)) : Number.POSITIVE_INFINITY;
      const queue = this.queues.get(chosen)!;
      let take = 1;
      while (take < queue.length && queue[take]!.record.timestamp <= bound) take++;
      await this.processRecords(chosen, queue.splice(0, take));
    }
  }

  private mayGoOnWithout(empty: string[]): boolean {
    const idleMs = this.dependencies.config.maxTaskIdleMs;
    if (idleMs < 0) return true;
    const now = Date.now();
    this.idleSince ??= now;
    const waited = now - this.idleSince;
    const lagging = empty.filter((topic) => this.lagging.get(topic) === true);
    if (lagging.length > 0) {
      if (waited < Math.max(idleMs, maxLagWaitMs)) return false;
      this.dependencies.log('warn', `task ${this.taskId}: waited ${waited} ms for records of ${lagging.join(', ')} that the broker reported; processing without them`);
      this.lagging.clear();
      return true;
    }
    return waited >= idleMs;
  }

  private async processRecords(topic: string, records: ConsumedRecord[]): Promise<void> {
    const inputs: InputRecord[] = records.map(({ offset, record }) => ({ topic, partition: this.partition, offset, record }));
    try {
      this.task.process(inputs);
      this.processedRecords += inputs.length;
      this.nextOffsets.set(topic, inputs[inputs.length - 1]!.offset + 1);
      this.dirty = true;
      await this.sendPending();
      // In a thread's transaction the thread commits, on its timer.
      if (this.protocol && this.commitDue()) await this.commitNow();
    } catch (error) {
      await this.fail(error);
    }
  }

  /** Processes buffered records whose wait is over, then commits if the commit interval has passed or a plugin asked for it. */
  commitIfDue(): Promise<void> {
    return this.processing(() =>
      this.locked(async () => {
        if (this.released) return;
        if (this.queues.size > 0 && !this.failureValue) await this.drain();
        if (this.failureValue || !this.protocol || !this.commitDue()) return;
        try {
          await this.commitNow();
        } catch (error) {
          await this.fail(error);
        }
      }),
    );
  }

  /** Processing that may send: in a thread's transaction, never while the thread commits. */
  private processing<T>(work: () => Promise<T>): Promise<T> {
    const transaction = this.dependencies.threadTransaction;
    return transaction ? transaction.shared(work) : work();
  }

  /** Commits now (used before a swap and at shutdown); in a thread's transaction, the thread does. */
  commit(): Promise<void> {
    return this.locked(async () => {
      if (this.failureValue || !this.protocol) return;
      try {
        await this.commitNow();
      } catch (error) {
        await this.fail(error);
      }
    });
  }

  /**
   * Hot-swaps processor `node` at a batch boundary: commits everything before
   * it, then replaces the instance. Throws (old version kept) if the new one
   * fails to initialise.
   */
  swap(node: string, prepared: PreparedProcessor): Promise<void> {
    return this.locked(async () => {
      if (this.failureValue) throw this.failureValue;
      // In a thread's transaction the thread committed just before.
      if (this.protocol) await this.commitNow();
      this.task.replaceProcessor(node, prepared);
    });
  }

  /**
   * Closes the task: clean = commit first; otherwise roll back to the last
   * commit. In a thread's transaction the thread commits before closing
   * tasks; work left uncommitted here is in the thread's open transaction,
   * which must then abort (every task of the thread rolls back) — unless
   * the thread says it has seen to that (`transactionHandled`).
   */
  close(clean: boolean, options: { transactionHandled?: boolean } = {}): Promise<void> {
    return this.locked(async () => {
      try {
        if (clean && !this.failureValue && this.protocol) await this.commitNow();
      } catch (error) {
        this.dependencies.log('warn', `task ${this.taskId}: commit at close failed: ${messageOf(error)}`);
      }
      if (!this.protocol && !this.failureValue && !options.transactionHandled && this.hasUncommittedWork()) {
        this.dependencies.threadTransaction?.poison(`task ${this.taskId} closed with uncommitted work`);
      }
      await this.protocol?.abort();
      this.closed = true;
      try {
        if (this.task.state !== 'closed') this.task.close();
      } catch (error) {
        this.dependencies.log('warn', `task ${this.taskId}: close failed: ${messageOf(error)}`);
      }
      this.database.close();
      await this.protocol?.close().catch(() => undefined);
    });
  }

  /**
   * The thread no longer runs this task (revoked, or its membership was
   * lost): it processes nothing from now on; close() follows.
   */
  release(): void {
    this.released = true;
  }

  /** Processed or sent anything since its last commit. */
  hasUncommittedWork(): boolean {
    return this.dirty || this.sentSinceCommit || this.collector.size > 0;
  }

  /**
   * Holds the task for its thread's transaction: resolves once no other
   * operation runs on it, and keeps it so until `release`.
   */
  hold(): Promise<HeldTask> {
    return new Promise<HeldTask>((held) => {
      void this.locked(
        () =>
          new Promise<void>((release) => {
            held({ participant: this.participant(), release: () => release() });
          }),
      );
    });
  }

  private participant(): TransactionParticipant {
    let checkpoints: Record<string, string> = {};
    return {
      name: `task ${this.taskId}`,
      hasUncommittedWork: () => !this.closed && !this.failureValue && this.hasUncommittedWork(),
      prepareCommit: async () => {
        this.task.flushCaches();
        this.task.flushStores();
        await this.sendPending();
        checkpoints = {};
        for (const [store, offset] of this.collector.checkpoints()) checkpoints[checkpointName(store)] = String(offset);
        return [...this.nextOffsets].map(([topic, offset]) => ({ topic, partition: this.partition, offset }));
      },
      committed: () => {
        this.task.commit(checkpoints);
        this.afterCommit();
      },
      rollBack: (reason, cause) => {
        // Closed meanwhile (revoked): it rolled back itself.
        if (this.failureValue || this.closed) return;
        this.collateral = cause === 'collateral';
        this.stop(reason);
      },
    };
  }

  status(): { taskId: string; state: string; processed: number; failure?: string } {
    return {
      taskId: this.taskId.toString(),
      state: this.failureValue ? 'failed' : this.task.state,
      processed: this.processedRecords,
      ...(this.failureValue ? { failure: this.failureValue.message } : {}),
    };
  }

  private commitDue(): boolean {
    if (!this.dirty && this.collector.size === 0) return false;
    if (this.dependencies.commitsSuspended?.()) return false;
    return this.task.commitRequested || Date.now() - this.lastCommitAt >= this.dependencies.config.commitIntervalMs;
  }

  private async commitNow(): Promise<void> {
    if (!this.dirty && this.collector.size === 0) return;
    // Updates held in record caches go out in this commit.
    this.task.flushCaches();
    this.task.flushStores();
    await this.sendPending();
    const checkpoints: Record<string, string> = {};
    for (const [store, offset] of this.collector.checkpoints()) checkpoints[checkpointName(store)] = String(offset);
    const offsets = [...this.nextOffsets].map(([topic, offset]) => ({ topic, partition: this.partition, offset }));
    await this.protocol!.commit(offsets, () => this.task.commit(checkpoints));
    this.afterCommit();
  }

  private afterCommit(): void {
    for (const [topic, offset] of this.nextOffsets) this.committedOffsets.set(topic, offset);
    this.commits++;
    this.dirty = false;
    this.sentSinceCommit = false;
    this.lastCommitAt = Date.now();
  }

  /** Whether the commit interval has passed (or a plugin asked) with work to commit. */
  get wantsCommit(): boolean {
    return !this.failureValue && this.commitDue();
  }

  private queueChangelog(change: StoreChange): void {
    const store = this.dependencies.stores.find((entry) => entry.store === change.store);
    if (!store) return;
    // A timestamped store logs the plain value at its timestamp (Kafka Streams' format).
    const logged = store.timestamped && change.value !== undefined ? toChangelogValue(change.value) : { value: change.value, timestamp: Date.now() };
    this.collector.addChangelog(change.store, { topic: store.topic, partition: this.partition, record: { key: change.key, value: logged.value, timestamp: logged.timestamp, headers: [] } });
  }

  private sendPending(): Promise<void> {
    return this.collector.flush((records) => {
      this.sentSinceCommit = true;
      return this.protocol ? this.protocol.send(records) : this.dependencies.threadTransaction!.send(records);
    });
  }

  private async fail(error: unknown): Promise<void> {
    const failure = error instanceof EddyError ? error : new EddyError(`task ${this.taskId} failed: ${messageOf(error)}`, { taskId: this.taskId.toString() }, { cause: error });
    // Its records in the thread's transaction must not commit: the thread
    // aborts it and rolls its other tasks back too (Kafka Streams closes every
    // task of the thread dirty).
    if (!this.protocol && this.hasUncommittedWork()) this.dependencies.threadTransaction?.poison(`task ${this.taskId} failed: ${failure.message}`);
    await this.protocol?.abort();
    this.stop(failure);
    this.dependencies.log('error', `task ${this.taskId} failed and stopped processing (${this.protocol ? 'other tasks go on' : "its thread's transaction aborts"}): ${failure.message}`);
  }

  /** Marks the task failed and rolls it back to its last commit; its instances are not used again. */
  private stop(failure: EddyError): void {
    this.failureValue = failure;
    this.collector.clear();
    for (const queue of this.queues.values()) queue.length = 0;
    this.sentSinceCommit = false;
    this.dirty = false;
    this.database.rollback();
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lock.then(work);
    this.lock = result.catch(() => undefined);
    return result;
  }
}
