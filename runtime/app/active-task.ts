// An active task of a running application: one StreamTask, fed from Kafka,
// writing to Kafka, committing with the chosen guarantee.
//
// Owns: the task's edge I/O — turning fetched batches into input records,
// sending sink and changelog records, and the commit protocol:
//   at_least_once:   send outputs + changelog (acked) → SQLite commit with the
//                    changelog offsets → commit input offsets to the group;
//   exactly_once_v2: outputs + changelog + input offsets in one Kafka
//                    transaction (a transactional producer per task, id
//                    `<application.id>-<task>`) → commit it → SQLite commit.
// A failed task rolls back to its last commit, aborts its transaction and
// pauses its partitions; nothing else is affected.
// Must never: commit input offsets before the outputs they produced are
// acknowledged, or overlap two operations on the task (every operation takes
// the task's lock).

import { join } from 'node:path';
import { EddyError, messageOf } from '../errors.ts';
import { ChangelogReader, checkpointName, type ChangelogStore } from '../kafka/changelog-reader.ts';
import { toMessage, toStreamRecord, type KafkaClient, type KafkaMessage, type Message, type Producer, type Transaction } from '../kafka/kafka-client.ts';
import type { CompiledPlugin } from '../plugin/component.ts';
import type { StoreChange } from '../state/sqlite-key-value-store.ts';
import { TaskDatabase } from '../state/task-database.ts';
import { StreamTask, type InputRecord, type LogEntry } from '../task/stream-task.ts';
import type { Topology } from '../topology/topology.ts';
import type { AppConfig } from './app-config.ts';


export interface ActiveTaskDependencies {
  config: AppConfig;
  topology: Topology;
  partition: number;
  kafka: KafkaClient;
  /** The thread's producer (at-least-once); exactly-once tasks make their own. */
  sharedProducer: Producer | undefined;
  reader: ChangelogReader;
  stores: ChangelogStore[];
  /** Commits input offsets to the group (at-least-once). */
  commitOffsets: (offsets: Array<{ topic: string; partition: number; offset: string }>) => Promise<void>;
  onLog: (entry: LogEntry) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface PendingRecord {
  topic: string;
  message: Message;
  /** Set for changelog records: the store they belong to. */
  store?: string;
}

const maxChunkBytes = 512 * 1024;

function estimatedSize(message: Message): number {
  let size = 24 + (message.key ? message.key.length : 0) + (message.value ? message.value.length : 0);
  if (message.headers) for (const [name, value] of Object.entries(message.headers)) size += name.length + 8 + (Array.isArray(value) ? value.reduce((total, item) => total + item.length, 0) : (value?.length ?? 0));
  return size;
}

export function taskDirectory(config: AppConfig, partition: number): string {
  return join(config.stateDir, config.applicationId, `0_${partition}`);
}

export class ActiveTask {
  readonly taskId: string;
  readonly partition: number;
  private pending: PendingRecord[] = [];
  private readonly nextOffsets = new Map<string, number>();
  /** Input offsets as of the last commit (where a restart would resume). */
  readonly committedOffsets = new Map<string, number>();
  private readonly changelogOffsets = new Map<string, number>();
  private transaction: Transaction | undefined;
  private lastCommitAt = Date.now();
  private dirty = false;
  private lock: Promise<unknown> = Promise.resolve();
  private failureValue: EddyError | undefined;
  /** Records processed since start (for status). */
  processedRecords = 0;
  /** Successful commits since the task opened (a revived task counts as healthy again after one). */
  commits = 0;

  private constructor(
    private readonly dependencies: ActiveTaskDependencies,
    private readonly database: TaskDatabase,
    private readonly producer: Producer,
    private readonly ownsProducer: boolean,
    private task: StreamTask,
    readonly restoredRecords: number,
  ) {
    this.partition = dependencies.partition;
    this.taskId = `0_${dependencies.partition}`;
  }

  /**
   * Opens the task: its producer (exactly-once: a transactional producer,
   * which fences any zombie owner and aborts its open transaction), its
   * SQLite file, a restore from the changelogs, then its plugins.
   */
  static async open(dependencies: ActiveTaskDependencies): Promise<ActiveTask> {
    const { config, partition } = dependencies;
    const exactlyOnce = config.processingGuarantee === 'exactly_once_v2';
    let producer = dependencies.sharedProducer;
    let firstTransaction: Transaction | undefined;
    if (exactlyOnce) {
      producer = dependencies.kafka.producer({
        transactionalId: `${config.applicationId}-0_${partition}`,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 60_000,
      });
      await producer.connect();
      // kafkajs registers the transactional id (InitProducerId) only when the
      // first transaction starts. Start it now, before restoring: that fences
      // the previous owner and settles its open transaction, so the changelog
      // and the committed offsets read next are final.
      firstTransaction = await producer.transaction();
    }
    let holder: { task?: ActiveTask } = {};
    const database = TaskDatabase.open(join(taskDirectory(config, partition), 'state.db'), {
      onChange: (change) => holder.task?.queueChangelog(change),
    });
    try {
      const restored = await dependencies.reader.restore(`0_${partition}`, partition, dependencies.stores, database);
      if (restored.records > 0) {
        dependencies.log('info', `task 0_${partition}: restored ${restored.records} changelog records in ${restored.milliseconds} ms`);
      }
      const outputs: PendingRecord[] = [];
      const task = await StreamTask.create(dependencies.topology, {
        applicationId: config.applicationId,
        partition,
        database,
        onOutput: (output) => (holder.task ? holder.task.pending : outputs).push({ topic: output.topic, message: toMessage(output.record) }),
        onLog: dependencies.onLog,
        limits: config.limits,
        deadLetterQueueTopic: config.deadLetterQueueTopic,
      });
      const active = new ActiveTask(dependencies, database, producer!, exactlyOnce, task, restored.records);
      active.transaction = firstTransaction;
      holder.task = active;
      active.pending.push(...outputs);
      return active;
    } catch (error) {
      database.close();
      if (exactlyOnce) await producer!.disconnect().catch(() => undefined);
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
   * The next offset to process per input topic: after the last processed
   * record, or where the task started. A consumer that rejoins or restarts
   * must resume here, not at the group's committed offsets — the task's
   * uncommitted work is still in its open transaction / write cache.
   */
  positions(): Map<string, number> {
    return new Map([...this.committedOffsets, ...this.nextOffsets]);
  }

  /** Processes one fetched batch of one input partition, then sends its outputs. */
  processBatch(topic: string, messages: KafkaMessage[]): Promise<void> {
    return this.locked(async () => {
      if (this.failureValue || messages.length === 0) return;
      const inputs: InputRecord[] = messages.map((message) => ({
        topic,
        partition: this.partition,
        offset: Number(message.offset),
        record: toStreamRecord(message),
      }));
      try {
        this.task.process(inputs);
        this.processedRecords += inputs.length;
        this.nextOffsets.set(topic, inputs[inputs.length - 1]!.offset + 1);
        this.dirty = true;
        await this.sendPending();
        if (this.commitDue()) await this.commitNow();
      } catch (error) {
        await this.fail(error);
      }
    });
  }

  /** Commits if the commit interval has passed or a plugin asked for it. */
  commitIfDue(): Promise<void> {
    return this.locked(async () => {
      if (this.failureValue || !this.commitDue()) return;
      try {
        await this.commitNow();
      } catch (error) {
        await this.fail(error);
      }
    });
  }

  /** Commits now (used before a swap and at shutdown). */
  commit(): Promise<void> {
    return this.locked(async () => {
      if (this.failureValue) return;
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
  swap(node: string, compiled: CompiledPlugin, config: Array<[string, string]>): Promise<void> {
    return this.locked(async () => {
      if (this.failureValue) throw this.failureValue;
      await this.commitNow();
      this.task.replaceProcessor(node, compiled, config);
    });
  }

  /** Closes the task: clean = commit first; otherwise roll back to the last commit. */
  close(clean: boolean): Promise<void> {
    return this.locked(async () => {
      try {
        if (clean && !this.failureValue) await this.commitNow();
      } catch (error) {
        this.dependencies.log('warn', `task ${this.taskId}: commit at close failed: ${messageOf(error)}`);
      }
      await this.abortTransaction();
      try {
        if (this.task.state !== 'closed') this.task.close();
      } catch (error) {
        this.dependencies.log('warn', `task ${this.taskId}: close failed: ${messageOf(error)}`);
      }
      this.database.close();
      if (this.ownsProducer) await this.producer.disconnect().catch(() => undefined);
    });
  }

  status(): { taskId: string; state: string; processed: number; failure?: string } {
    return {
      taskId: this.taskId,
      state: this.failureValue ? 'failed' : this.task.state,
      processed: this.processedRecords,
      ...(this.failureValue ? { failure: this.failureValue.message } : {}),
    };
  }

  private commitDue(): boolean {
    if (!this.dirty && this.pending.length === 0) return false;
    return this.task.commitRequested || Date.now() - this.lastCommitAt >= this.dependencies.config.commitIntervalMs;
  }

  private async commitNow(): Promise<void> {
    if (!this.dirty && this.pending.length === 0) return;
    this.task.flushStores();
    await this.sendPending();
    const checkpoints: Record<string, string> = {};
    for (const [store, offset] of this.changelogOffsets) checkpoints[checkpointName(store)] = String(offset);
    const offsets = [...this.nextOffsets].map(([topic, offset]) => ({ topic, partition: this.partition, offset: String(offset) }));
    if (this.ownsProducer) {
      const transaction = await this.ensureTransaction();
      if (offsets.length > 0) {
        await transaction.sendOffsets({
          consumerGroupId: this.dependencies.config.applicationId,
          topics: offsets.map((entry) => ({ topic: entry.topic, partitions: [{ partition: entry.partition, offset: entry.offset }] })),
        });
      }
      await transaction.commit();
      this.transaction = undefined;
      this.task.commit(checkpoints);
    } else {
      this.task.commit(checkpoints);
      if (offsets.length > 0) await this.dependencies.commitOffsets(offsets);
    }
    for (const [topic, offset] of this.nextOffsets) this.committedOffsets.set(topic, offset);
    this.commits++;
    this.dirty = false;
    this.lastCommitAt = Date.now();
  }

  private queueChangelog(change: StoreChange): void {
    const topic = this.dependencies.stores.find((store) => store.store === change.store)?.topic;
    if (!topic) return;
    this.pending.push({
      topic,
      store: change.store,
      message: toMessage({ key: change.key, value: change.value, timestamp: Date.now(), headers: [] }, this.partition),
    });
  }

  private async sendPending(): Promise<void> {
    if (this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    // A produce request carries one record batch per partition, and a batch
    // over the broker's message.max.bytes (1 MiB by default) is refused:
    // send in chunks of at most ~512 KiB.
    let start = 0;
    let bytes = 0;
    for (let index = 0; index < records.length; index++) {
      bytes += estimatedSize(records[index]!.message);
      if (bytes >= maxChunkBytes) {
        await this.sendChunk(records.slice(start, index + 1));
        start = index + 1;
        bytes = 0;
      }
    }
    if (start < records.length) await this.sendChunk(start === 0 ? records : records.slice(start));
  }

  private async sendChunk(records: PendingRecord[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const changelogCounts = new Map<string, { topic: string; count: number }>();
    for (const record of records) {
      let messages = byTopic.get(record.topic);
      if (!messages) byTopic.set(record.topic, (messages = []));
      messages.push(record.message);
      if (record.store) {
        const entry = changelogCounts.get(record.store) ?? { topic: record.topic, count: 0 };
        entry.count++;
        changelogCounts.set(record.store, entry);
      }
    }
    const sender = this.ownsProducer ? await this.ensureTransaction() : this.producer;
    const metadata = await sender.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    for (const [store, { topic, count }] of changelogCounts) {
      const entry = metadata.find((item) => item.topicName === topic && item.partition === this.partition);
      if (entry?.baseOffset === undefined) throw new EddyError(`no offset returned for changelog ${topic}-${this.partition}`);
      this.changelogOffsets.set(store, Number(entry.baseOffset) + count);
    }
  }

  private async ensureTransaction(): Promise<Transaction> {
    this.transaction ??= await this.producer.transaction();
    return this.transaction;
  }

  private async abortTransaction(): Promise<void> {
    const transaction = this.transaction;
    this.transaction = undefined;
    if (transaction && transaction.isActive()) await transaction.abort().catch(() => undefined);
  }

  private async fail(error: unknown): Promise<void> {
    const failure = error instanceof EddyError ? error : new EddyError(`task ${this.taskId} failed: ${messageOf(error)}`, { taskId: this.taskId }, { cause: error });
    this.failureValue = failure;
    this.pending = [];
    await this.abortTransaction();
    // Back to the last commit; the task's instances are not used again.
    this.database.rollback();
    this.dependencies.log('error', `task ${this.taskId} failed and stopped processing (other tasks go on): ${failure.message}`);
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lock.then(work);
    this.lock = result.catch(() => undefined);
    return result;
  }
}
