// A stream thread: one member of the application's consumer group and the
// tasks it runs.
//
// Owns: joining the group with the Eddy assignor, reacting to each
// assignment (closing revoked tasks, opening new ones after restoring their
// state — standby copies first — and keeping standby copies of others),
// feeding fetched batches to tasks, the commit timer, hot-swap across its
// tasks, and a graceful stop (commit, close, leave the group).
// Must never: process a partition whose task is not ready (its partitions stay
// paused until restored), or block kafkajs' loop on a restore (heartbeats
// would stop).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EddyError, messageOf } from '../errors.ts';
import { ChangelogReader, type ChangelogStore } from '../kafka/changelog-reader.ts';
import { createKafka, type Admin, type Consumer, type KafkaClient, type Producer } from '../kafka/kafka-client.ts';
import { clearRejoinHook, setRejoinHook } from '../kafka/kafkajs-patches.ts';
import { streamsAssignor, takeAssignment } from '../kafka/streams-assignor.ts';
import { PluginComponent, defaultLimits } from '../plugin/component.ts';
import { TaskDatabase } from '../state/task-database.ts';
import type { LogEntry } from '../task/stream-task.ts';
import type { Topology } from '../topology/topology.ts';
import { ActiveTask, taskDirectory } from './active-task.ts';
import { changelogTopic, type AppConfig } from './app-config.ts';

export type LogLevel = 'info' | 'warn' | 'error';
export type ThreadLogger = (level: LogLevel, message: string) => void;

export interface SwapOutcome {
  thread: number;
  taskId: string;
  swapped: boolean;
  error?: string;
}

export interface ThreadStatus {
  thread: number;
  memberId: string | undefined;
  activeTasks: Array<ReturnType<ActiveTask['status']>>;
  standbyTasks: string[];
  restoring: string[];
}

interface StandbyTask {
  partition: number;
  database: TaskDatabase;
}

export class StreamThread {
  private readonly kafka: KafkaClient;
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private reader: ChangelogReader | undefined;
  private readonly tasks = new Map<number, ActiveTask>();
  private readonly opening = new Map<number, Promise<ActiveTask | undefined>>();
  private readonly standbys = new Map<number, StandbyTask>();
  private readonly stores: ChangelogStore[];
  private memberId: string | undefined;
  private assignmentChain: Promise<void> = Promise.resolve();
  private commitTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private topology: Topology,
    readonly threadIndex: number,
    private readonly processId: string,
    private readonly log: ThreadLogger,
    private readonly onPluginLog: (entry: LogEntry) => void,
  ) {
    this.kafka = createKafka(config.bootstrapServers, `${config.applicationId}-${processId}-StreamThread-${threadIndex}`);
    this.stores = topology.stores.map((store) => ({ store, topic: changelogTopic(config.applicationId, store) }));
  }

  private get sourceTopics(): string[] {
    return this.topology.sourceTopics;
  }

  async start(): Promise<void> {
    const config = this.config;
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.reader = new ChangelogReader(
      this.kafka,
      this.admin,
      `${config.applicationId}-changelog-reader-${this.processId}-${this.threadIndex}`,
      this.stores.map((store) => store.topic),
    );
    await this.reader.start();
    if (config.processingGuarantee === 'at_least_once') {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    const consumer = this.kafka.consumer({
      groupId: config.applicationId,
      partitionAssigners: [
        streamsAssignor({
          sourceTopics: this.sourceTopics,
          processId: this.processId,
          standbys: config.numStandbyReplicas,
          report: () => this.report(),
          onError: (message) => this.log('error', message),
        }),
      ],
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.max(100, Math.min(3000, Math.floor(config.sessionTimeoutMs / 5))),
      rebalanceTimeout: Math.max(config.sessionTimeoutMs, 30_000),
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => this.onJoin(event.payload as { memberId: string; memberAssignment: Record<string, number[]> }));
    consumer.on(consumer.events.CRASH, (event) => {
      const payload = event.payload as { error: Error; restart: boolean };
      this.log(payload.restart ? 'warn' : 'error', `consumer crashed (${payload.restart ? 'restarting' : 'not restarting'}): ${payload.error.message}`);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.sourceTopics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Tasks are independent (each has its own lock): overlap their I/O waits.
      partitionsConsumedConcurrently: 8,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isStale, pause }) => {
        const task = this.tasks.get(batch.partition);
        if (!task || isStale() || this.stopping) {
          // Not ready (restoring) or no longer ours: fetch again later.
          if (!task && !this.stopping) pause();
          return;
        }
        if (task.failure) {
          pause();
          return;
        }
        await task.processBatch(batch.topic, batch.messages);
        if (!task.failure) resolveOffset(batch.lastOffset());
        else this.pausePartition(batch.partition);
        await heartbeat();
      },
    });
    const tick = Math.max(10, Math.min(this.config.commitIntervalMs, 1000));
    this.commitTimer = setInterval(() => {
      for (const task of this.tasks.values()) void task.commitIfDue();
    }, tick);
  }

  /** What this member has, for the leader's next assignment. */
  private report(): { activeTasks: number[]; standbyTasks: number[]; stateTasks: number[] } {
    const base = join(this.config.stateDir, this.config.applicationId);
    const stateTasks = existsSync(base)
      ? readdirSync(base)
          .map((name) => /^0_(\d+)$/.exec(name)?.[1])
          .filter((id): id is string => id !== undefined)
          .map(Number)
      : [];
    return { activeTasks: [...this.tasks.keys()], standbyTasks: [...this.standbys.keys()], stateTasks };
  }

  private onJoin(payload: { memberId: string; memberAssignment: Record<string, number[]> }): void {
    if (this.memberId && this.memberId !== payload.memberId) clearRejoinHook(this.memberId);
    this.memberId = payload.memberId;
    // Like Kafka Streams' onPartitionsRevoked (eager protocol): before this
    // member rejoins for the next rebalance, every task commits, so the next
    // owner of a task starts where this one stopped.
    setRejoinHook(payload.memberId, () => this.commitAllTasks());
    const firstTopic = this.sourceTopics[0]!;
    const assignment = takeAssignment(payload.memberId) ?? { activeTasks: payload.memberAssignment[firstTopic] ?? [], standbyTasks: [] };
    // New partitions wait, paused, until their task is restored and open.
    const fresh = assignment.activeTasks.filter((partition) => !this.tasks.has(partition));
    for (const partition of fresh) this.pausePartition(partition);
    this.assignmentChain = this.assignmentChain
      .then(() => this.applyAssignment(assignment.activeTasks, assignment.standbyTasks))
      .catch((error: unknown) => this.log('error', `applying the assignment failed: ${messageOf(error)}`));
  }

  private async applyAssignment(active: number[], standby: number[]): Promise<void> {
    this.log('info', `thread ${this.threadIndex} assigned active [${active.join(', ')}] standby [${standby.join(', ')}]`);
    for (const [partition, task] of [...this.tasks]) {
      if (active.includes(partition)) continue;
      this.tasks.delete(partition);
      // Revoked. Its work was committed before this member rejoined (the
      // rejoin hook); anything after that is rolled back.
      await task.close(false);
    }
    for (const [partition, copy] of [...this.standbys]) {
      if (standby.includes(partition) && !active.includes(partition)) continue;
      this.reader!.unfollow(partition, this.stores);
      copy.database.close();
      this.standbys.delete(partition);
    }
    for (const partition of active) {
      if (this.tasks.has(partition) || this.stopping) continue;
      const task = await this.openTask(partition);
      if (task) {
        this.tasks.set(partition, task);
        await this.seekToCommitted(partition);
        this.resumePartition(partition);
      }
    }
    for (const partition of standby) {
      if (this.standbys.has(partition) || active.includes(partition) || this.stopping || this.stores.length === 0) continue;
      const database = TaskDatabase.open(join(taskDirectory(this.config, partition), 'state.db'));
      for (const { store } of this.stores) database.keyValueStore(store);
      this.standbys.set(partition, { partition, database });
      await this.reader!.followStandby(`0_${partition}`, partition, this.stores, database);
    }
  }

  private async commitAllTasks(): Promise<void> {
    await Promise.all([...this.tasks.values()].map((task) => task.commit()));
  }

  private async openTask(partition: number): Promise<ActiveTask | undefined> {
    const opening = ActiveTask.open({
      config: this.config,
      topology: this.topology,
      partition,
      kafka: this.kafka,
      sharedProducer: this.producer,
      reader: this.reader!,
      stores: this.stores,
      commitOffsets: (offsets) => this.consumer!.commitOffsets(offsets),
      onLog: this.onPluginLog,
      log: this.log,
    }).catch((error: unknown) => {
      this.log('error', `task 0_${partition} could not start: ${messageOf(error)}`);
      return undefined;
    });
    this.opening.set(partition, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(partition);
    }
  }

  /**
   * Positions a newly opened task's partitions at the group's committed
   * offsets, read after the task fenced the previous owner (exactly-once) —
   * offsets kafkajs read at join time may predate that owner's last commit.
   */
  private async seekToCommitted(partition: number): Promise<void> {
    const committed = await this.admin!.fetchOffsets({ groupId: this.config.applicationId, topics: this.sourceTopics });
    for (const { topic, partitions } of committed) {
      const entry = partitions.find((candidate) => candidate.partition === partition);
      if (entry && Number(entry.offset) >= 0) this.consumer!.seek({ topic, partition, offset: entry.offset });
    }
  }

  private pausePartition(partition: number): void {
    this.consumer?.pause(this.sourceTopics.map((topic) => ({ topic, partitions: [partition] })));
  }

  private resumePartition(partition: number): void {
    this.consumer?.resume(this.sourceTopics.map((topic) => ({ topic, partitions: [partition] })));
  }

  /**
   * Replaces processor `node`'s plugin in every task of this thread (and in
   * tasks it opens later). A component that fails to load changes nothing; a
   * task whose new instance fails `init` keeps the old one.
   */
  async swap(node: string, pluginPath: string, config?: Array<[string, string]>): Promise<SwapOutcome[]> {
    const processor = this.topology.node(node);
    if (!processor || processor.kind !== 'processor') throw new EddyError(`no processor named '${node}'`, { node });
    const nodeConfig = config ?? processor.config;
    const component = await PluginComponent.fromFile(pluginPath);
    const compiled = await component.compile({ ...defaultLimits, ...this.config.limits, ...processor.limits });
    const outcomes: SwapOutcome[] = [];
    let anySwapped = false;
    await this.assignmentChain;
    for (const task of this.tasks.values()) {
      try {
        await task.swap(node, compiled, nodeConfig);
        outcomes.push({ thread: this.threadIndex, taskId: task.taskId, swapped: true });
        anySwapped = true;
      } catch (error) {
        outcomes.push({ thread: this.threadIndex, taskId: task.taskId, swapped: false, error: messageOf(error) });
      }
    }
    if (anySwapped || this.tasks.size === 0) this.topology = this.topology.withProcessor(node, pluginPath, nodeConfig);
    return outcomes;
  }

  status(): ThreadStatus {
    return {
      thread: this.threadIndex,
      memberId: this.memberId,
      activeTasks: [...this.tasks.values()].map((task) => task.status()),
      standbyTasks: [...this.standbys.keys()].map((partition) => `0_${partition}`),
      restoring: [...this.opening.keys()].map((partition) => `0_${partition}`),
    };
  }

  /** Commits and closes every task, then leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.commitTimer) clearInterval(this.commitTimer);
    // Fetch no more; batches in flight finish under their task's lock. The
    // consumer stays a group member until the tasks have committed (kafkajs
    // drops the group on stop(), and offsets can no longer be committed).
    this.consumer?.pause(this.sourceTopics.map((topic) => ({ topic })));
    await this.assignmentChain;
    await Promise.all([...this.opening.values()]);
    for (const task of this.tasks.values()) await task.close(true);
    this.tasks.clear();
    await this.consumer?.stop().catch(() => undefined);
    for (const copy of this.standbys.values()) copy.database.close();
    this.standbys.clear();
    if (this.memberId) clearRejoinHook(this.memberId);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.reader?.stop();
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }
}
