// The global stores of one application instance (Kafka Streams'
// GlobalStreamThread and GlobalStateManager): every instance keeps a whole
// copy of each GlobalKTable, fed from every partition of its topic — the
// topic is the store's changelog, so there is no other.
//
// Owns: the global state database (`<state.dir>/<application.id>/global/
// state.db`), one task per global sub-topology (the source and the processor
// that updates the store) sharing it, a consumer of the global topics (a
// group of this instance alone: every partition is assigned to it), the
// position of each partition (a checkpoint committed in the same SQLite
// transaction as the store changes, so a restart resumes where the state
// is), and the bootstrap: start() returns once every partition has been read
// up to the end it had when the instance started — stream threads start
// after it, as in Kafka Streams — then the stores keep following their topics.
// Must never: let a task write a global store (tasks read them through
// GlobalStoreReader), or skip a record of a global topic.

import { join } from 'node:path';
import { EddyError, messageOf } from '../errors.ts';
import type { FetchedBatch, GroupConsumer, KafkaAdmin, KafkaConnection } from '../kafka/ports.ts';
import { wholeTopicsAssignor } from '../kafka/whole-topics-assignor.ts';
import { TaskDatabase } from '../state/task-database.ts';
import { StreamTask, type LogEntry } from '../task/stream-task.ts';
import type { Topology } from '../topology/topology.ts';
import type { AppConfig } from './app-config.ts';

export function globalStateFile(config: AppConfig): string {
  return join(config.stateDir, config.applicationId, 'global', 'state.db');
}

const checkpointOf = (topic: string, partition: number) => `global:${topic}:${partition}`;

/** Every partition of every global topic to this instance's group (whole-topics-assignor.ts). */
const globalStoresAssignor = wholeTopicsAssignor('EddyGlobalStoresAssignor');

export class GlobalStores {
  private consumer: GroupConsumer | undefined;
  private connection: KafkaConnection | undefined;
  private groupId: string | undefined;
  private stopped = false;
  private failedBatches = 0;
  private applied = 0;

  private constructor(
    private readonly config: AppConfig,
    private readonly database: TaskDatabase,
    /** The task of each global topic's sub-topology. */
    private readonly tasks: Map<string, StreamTask>,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {}

  /**
   * Opens the global stores and reads every global topic up to its current
   * end (bootstrap) before resolving; undefined when the topology has none.
   */
  static async start(
    config: AppConfig,
    topology: Topology,
    connection: KafkaConnection,
    processId: string,
    log: (level: 'info' | 'warn' | 'error', message: string) => void,
    onPluginLog: (entry: LogEntry) => void,
  ): Promise<GlobalStores | undefined> {
    if (topology.globalSubtopologies.length === 0) return undefined;
    const database = TaskDatabase.open(globalStateFile(config));
    const tasks = new Map<string, StreamTask>();
    try {
      for (const subtopology of topology.globalSubtopologies) {
        const part = topology.forSubtopology(subtopology.id);
        for (const spec of part.storeSpecs) database.openStore(spec);
        const task = await StreamTask.create(part, {
          applicationId: config.applicationId,
          taskId: `global-${subtopology.id}`,
          partition: -1,
          database,
          ownsDatabase: false,
          onOutput: (output) => log('warn', `global sub-topology ${subtopology.id} forwarded a record to topic ${output.topic}; global stores write nothing out (dropped)`),
          onLog: onPluginLog,
          limits: config.limits,
          timestampExtractor: config.defaultTimestampExtractor,
        });
        for (const topic of subtopology.sourceTopics) tasks.set(topic, task);
      }
    } catch (error) {
      for (const task of new Set(tasks.values())) if (task.state !== 'closed') task.close();
      database.close();
      throw error;
    }
    const stores = new GlobalStores(config, database, tasks, log);
    try {
      await stores.bootstrap(connection, processId);
    } catch (error) {
      await stores.stop();
      throw error;
    }
    return stores;
  }

  private async bootstrap(connection: KafkaConnection, processId: string): Promise<void> {
    const started = Date.now();
    const admin = await connection.admin();
    let targets: Array<{ topic: string; partition: number; end: number }>;
    try {
      targets = await this.endOffsets(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    this.connection = connection;
    this.groupId = `${this.config.applicationId}-global-${processId}`;
    // Joining can wait for a killed predecessor's session to time out: a
    // store that is already complete need not wait for it.
    void this.startConsumer(1);
    // Bootstrap: every partition up to the end it had at start.
    for (;;) {
      const behind = targets.filter(({ topic, partition, end }) => this.position(topic, partition) < end);
      if (behind.length === 0) break;
      if (Date.now() - started > 600_000) {
        throw new EddyError(`global stores: still reading ${behind.map(({ topic, partition }) => `${topic}-${partition}`).join(', ')} after 10 minutes`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.log('info', `global stores [${[...new Set([...this.tasks.values()].flatMap((task) => task.topology.globalStores))].join(', ')}] read: ${this.applied} records in ${Date.now() - started} ms; following their topics`);
  }

  /** Starts (or, after it gave up, replaces) the consumer of the global topics; retries with backoff until stopped. */
  private async startConsumer(attempt: number): Promise<void> {
    if (this.stopped) return;
    const consumer = this.connection!.groupConsumer({
      groupId: this.groupId!,
      topics: [...this.tasks.keys()],
      assignor: globalStoresAssignor,
      sessionTimeoutMs: Math.max(6000, Math.min(this.config.sessionTimeoutMs, 30_000)),
      heartbeatIntervalMs: 1000,
      rebalanceTimeoutMs: 30_000,
      concurrency: 1,
    });
    this.consumer = consumer;
    const retry = (reason: string) => {
      if (this.stopped || this.consumer !== consumer) return;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5));
      this.log('warn', `global stores: the consumer of the global topics ${reason}; a new one in ${delay} ms`);
      void consumer.disconnect().catch(() => undefined);
      setTimeout(() => void this.startConsumer(attempt + 1), delay);
    };
    try {
      await consumer.start({
        onAssigned: (assignment) => {
          // Resume every partition where the state is (the group never commits offsets).
          for (const [topic, partitions] of Object.entries(assignment.partitions)) {
            for (const partition of partitions) consumer.seek({ topic, partition, offset: this.position(topic, partition) });
          }
        },
        beforeRejoin: async () => undefined,
        onBatch: (batch) => this.apply(batch),
        onCrash: (error, restarting) => {
          if (restarting) this.log('warn', `global stores: the consumer crashed and restarts: ${error.message}`);
          else retry(`gave up (${error.message})`);
        },
      });
    } catch (error) {
      retry(`could not start (${messageOf(error)})`);
    }
  }

  private async endOffsets(admin: KafkaAdmin): Promise<Array<{ topic: string; partition: number; end: number }>> {
    const targets: Array<{ topic: string; partition: number; end: number }> = [];
    for (const topic of this.tasks.keys()) {
      for (const [partition, { end }] of await admin.partitionOffsets(topic)) targets.push({ topic, partition, end });
    }
    return targets;
  }

  /** The next offset to read of a partition: after the last record applied to the store. */
  private position(topic: string, partition: number): number {
    return Number(this.database.checkpoint(checkpointOf(topic, partition)) ?? 0);
  }

  /** Runs a fetched batch through its global sub-topology and commits the stores with the partition's new position. */
  private async apply(batch: FetchedBatch): Promise<boolean> {
    const task = this.tasks.get(batch.topic);
    if (!task) return true;
    const from = this.position(batch.topic, batch.partition);
    const records = batch.records.filter(({ offset }) => offset >= from);
    try {
      if (records.length > 0) task.process(records.map(({ offset, record }) => ({ topic: batch.topic, partition: batch.partition, offset, record })));
      task.flushCaches();
      task.flushStores();
      this.database.commit({ [checkpointOf(batch.topic, batch.partition)]: String(Math.max(from, batch.lastOffset + 1)) });
      this.applied += records.length;
      this.failedBatches = 0;
      return true;
    } catch (error) {
      this.database.rollback();
      this.failedBatches++;
      // Not skipped: the batch is fetched again (Kafka Streams' global thread would stop the instance).
      this.log('error', `global stores: applying ${batch.topic}-${batch.partition} from offset ${from} failed (attempt ${this.failedBatches}; it is read again): ${messageOf(error)}`);
      this.consumer?.seek({ topic: batch.topic, partition: batch.partition, offset: from });
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 100 * 2 ** Math.min(this.failedBatches, 9))));
      return false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.stop().catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
    for (const task of new Set(this.tasks.values())) if (task.state !== 'closed') task.close();
    this.database.close();
  }
}
