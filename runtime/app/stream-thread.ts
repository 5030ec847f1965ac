// A stream thread: one member of the application's consumer group and the
// tasks it runs.
//
// Owns: joining the group with the Eddy assignor, reconciling its tasks with
// the newest assignment (closing revoked tasks, opening new ones after
// restoring their state — standby copies first — and keeping standby copies
// of others; a stale assignment is never acted on), reviving failed tasks
// with backoff while they stay assigned, resuming every kept task at its own
// position after a rejoin or a consumer restart, replacing a consumer that
// gave up, feeding fetched batches to tasks, the commit timer, hot-swap
// across its tasks, and a graceful stop (commit, close, leave the group).
// Under exactly-once with one producer per thread (the default) it owns the
// thread's transaction: it commits every task in it at once, holding them
// all, and rolls them all back when the transaction cannot commit.
// Rebalances are incremental cooperative (Kafka Streams' since 2.4): the
// tasks go on processing while the member rejoins, and nothing commits until
// the new assignment is in (the generation changes under the member, as
// Kafka Streams' rebalanceInProgress); a task the assignment takes away
// processes nothing more, commits (with the thread's transaction, with the
// new generation), closes, and the member asks for the follow-up rebalance
// that gives it to its new owner.
// Must never: process a partition whose task is not ready (its partitions stay
// paused until restored), block the consumer's loop on a restore (heartbeats would
// stop), or leave a failed or unopened assigned task without a next attempt.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EddyError, messageOf } from '../errors.ts';
import { connectKafka } from '../kafka/connection.ts';
import type { ChangelogReader, ChangelogStore, FetchedBatch, GroupAssignment, GroupConsumer, KafkaAdmin, KafkaConnection, Producer } from '../kafka/ports.ts';
import { PluginProcessorSupplier } from '../plugin/plugin-processor.ts';
import { defaultProcessorLimits } from '../processor/processor.ts';
import { GlobalStoreReader } from '../state/global-store-reader.ts';
import { isTimestamped } from '../state/store-spec.ts';
import { TaskDatabase, changelogOffsetSum, checkpointName } from '../state/task-database.ts';
import type { LogEntry } from '../task/stream-task.ts';
import { TaskId } from '../task/task-id.ts';
import { ThreadTransaction } from '../task/thread-transaction.ts';
import type { Topology } from '../topology/topology.ts';
import { ActiveTask, taskDirectory } from './active-task.ts';
import { changelogTopic, type AppConfig } from './app-config.ts';
import { globalStateFile } from './global-stores.ts';
import { tasksToRelease, type Membership } from './group-membership.ts';
import { streamsAssignor, tasksOf, type MemberState } from './streams-assignor.ts';

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
  activeTasks: TaskStatus[];
  standbyTasks: string[];
  restoring: string[];
}

interface StandbyTask {
  taskId: TaskId;
  database: TaskDatabase;
}

/** The assignment this member converges to: the newest one received. */
interface DesiredAssignment {
  generation: number;
  active: TaskId[];
  standby: TaskId[];
}

/** Why and when an assigned task is reopened. */
interface TaskRetry {
  /** Reopen attempts so far (for status). */
  attempts: number;
  /** Failures since the task last committed: drives the backoff. */
  consecutive: number;
  lastError: string;
  nextAttemptAt: number;
}

export interface TaskStatus {
  taskId: string;
  state: string;
  processed: number;
  failure?: string;
  retries?: number;
  lastError?: string;
  nextRetryInMs?: number;
}

const maxRetryDelayMs = 30_000;

/** Thread starts failed on purpose so far (fault injection). */
let injectedStartFailures = 0;

/**
 * Fault injection for tests: EDDY_FAULT_THREAD_START_FAILURES=N makes the
 * first N stream-thread starts (of this module instance: a worker thread counts its own) fail half-way (producer and
 * changelog reader open, consumer not yet), as a broker that goes away
 * during startup does.
 */
function injectedStartFailure(threadIndex: number): void {
  if (injectedStartFailures >= Number(process.env.EDDY_FAULT_THREAD_START_FAILURES ?? 0)) return;
  injectedStartFailures++;
  throw new EddyError(`injected fault: stream thread ${threadIndex} lost the broker while starting (Connection error)`);
}
/** A reconcile running longer than this is reported. */
const slowReconcileMs = 60_000;

export class StreamThread {
  private readonly connection: KafkaConnection;
  private admin: KafkaAdmin | undefined;
  private consumer: GroupConsumer | undefined;
  private producer: Producer | undefined;
  private reader: ChangelogReader | undefined;
  private readonly tasks = new Map<TaskId, ActiveTask>();
  private readonly opening = new Map<TaskId, Promise<ActiveTask | undefined>>();
  /** Released tasks still closing (a task opens again only after its old instance closed). */
  private readonly closing = new Map<TaskId, Promise<void>>();
  private readonly standbys = new Map<TaskId, StandbyTask>();
  /** Every store's changelog (the reader follows them all). */
  private readonly stores: ChangelogStore[];
  private memberId: string | undefined;
  /**
   * The membership the tasks are held under: set by each join, cleared when
   * the consumer crashes (its membership is lost with it). The thread's
   * transaction commits with this generation and no other.
   */
  private membership: Membership | undefined;
  private assignmentChain: Promise<void> = Promise.resolve();
  private reconcileQueued = false;
  /** When the running reconcile started (undefined: none running). */
  private reconcileStartedAt: number | undefined;
  private reportedSlowReconcile = false;
  private desired: DesiredAssignment = { generation: 0, active: [], standby: [] };
  private loggedGeneration = 0;
  private readonly retries = new Map<TaskId, TaskRetry>();
  private readonly notedFailures = new WeakSet<ActiveTask>();
  private commitTimer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private purging = false;
  /** Per repartition topic-partition (`topic:partition`), the offset records were last deleted before. */
  private readonly purgedBefore = new Map<string, number>();
  private consumerReplacement: NodeJS.Timeout | undefined;
  private stopping = false;
  /** The instance's global stores, read-only (GlobalKTables; the instance's GlobalStores writes them). */
  private readonly globalReader: GlobalStoreReader | undefined;
  /** Exactly-once with one producer per thread: the transaction all tasks share. */
  private transaction: ThreadTransaction | undefined;
  /** A timer commit is queued or running (the timer never queues a second). */
  private transactionQueued = false;
  /** Warm-up copies this member keeps (KIP-441), and since when: it asks for a probing rebalance once they caught up. */
  private warmups: { tasks: TaskId[]; since: number; requested: boolean; checking: boolean; checkedAt: number } = { tasks: [], since: 0, requested: false, checking: false, checkedAt: 0 };
  /** Rebalances this member asked for (part of its subscription, so that the coordinator rebalances). */
  private rejoins = 0;
  /** The member is rejoining its group: tasks process, nothing commits until the assignment arrives. */
  private rebalancing = false;
  /** Tasks the newest assignment took away: they process nothing more, commit, then close. */
  private readonly revoking = new Set<TaskId>();
  /** Revocations under way (stop waits for them). */
  private readonly revocations = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private topology: Topology,
    readonly threadIndex: number,
    private readonly processId: string,
    private readonly log: ThreadLogger,
    private readonly onPluginLog: (entry: LogEntry) => void,
  ) {
    this.connection = connectKafka(config.bootstrapServers, `${config.applicationId}-${processId}-StreamThread-${threadIndex}`);
    this.stores = topology.stores.map((store) => ({ store, topic: changelogTopic(config.applicationId, store), timestamped: isTimestamped(topology.storeSpec(store)) }));
    this.globalReader = topology.globalStores.length > 0 ? new GlobalStoreReader(globalStateFile(config)) : undefined;
  }

  private get sourceTopics(): string[] {
    return this.topology.sourceTopics;
  }

  /** The input topics of `task` (its sub-topology's sources), each read at the task's partition. */
  private topicsOf(task: TaskId): readonly string[] {
    return this.topology.subtopology(task.subtopology)?.sourceTopics ?? [];
  }

  /** The stores of `task`'s sub-topology, with their changelogs. */
  private storesOf(task: TaskId): ChangelogStore[] {
    const names = this.topology.subtopology(task.subtopology)?.stores ?? [];
    return this.stores.filter((store) => names.includes(store.store));
  }

  /** The task that reads `partition` of `topic`. */
  private taskFor(topic: string, partition: number): TaskId | undefined {
    const subtopology = this.topology.subtopologyOf(topic);
    return subtopology ? TaskId.of(subtopology.id, partition) : undefined;
  }

  async start(): Promise<void> {
    const config = this.config;
    this.admin = await this.connection.admin();
    this.reader = await this.connection.changelogReader(
      `${config.applicationId}-changelog-reader-${this.processId}-${this.threadIndex}`,
      this.stores.map((store) => store.topic),
    );
    await this.reader.start();
    if (config.processingGuarantee === 'at_least_once') this.producer = await this.connection.producer();
    if (config.processingGuarantee === 'exactly_once_v2' && config.exactlyOnceProducer === 'per-thread') {
      // Offsets commit with the generation the tasks are held under — not the
      // consumer's current one, which a crashed and rejoined consumer has
      // moved on before this thread released its tasks.
      const group = () => ({ groupId: config.applicationId, ...(this.membership ?? {}) });
      this.transaction = new ThreadTransaction(this.connection, `${config.applicationId}-${this.processId}-${this.threadIndex}`, group, this.log, config.transactionTimeoutMs);
      await this.transaction.open();
    }
    injectedStartFailure(this.threadIndex);
    await this.startConsumer();
    // A quarter of the commit interval: a commit is due at most a quarter
    // interval late (exactly-once outputs wait for it, 100 ms by default).
    const tick = Math.max(10, Math.min(Math.floor(this.config.commitIntervalMs / 4), 1000));
    let lastSupervision = 0;
    this.commitTimer = setInterval(() => {
      // While the member rejoins nothing commits (the generation changes under it).
      if (!this.rebalancing) {
        for (const task of this.tasks.values()) void task.commitIfDue();
        if (this.transaction && !this.transactionQueued && (this.transaction.poisoned !== undefined || [...this.tasks.values()].some((task) => task.wantsCommit))) {
          this.transactionQueued = true;
          void this.commitTransaction().finally(() => {
            this.transactionQueued = false;
          });
        }
      }
      if (Date.now() - lastSupervision >= 500) {
        lastSupervision = Date.now();
        this.supervise();
      }
    }, tick);
    if (this.topology.repartitionTopics.length > 0) {
      this.purgeTimer = setInterval(() => void this.purgeRepartitionTopics(), config.repartitionPurgeIntervalMs);
    }
  }

  /**
   * Deletes the records of repartition topics that this thread's tasks have
   * committed past (Kafka Streams' repartition purge): nobody reads them
   * again, so the internal topics do not grow without bound. Failures are
   * logged and retried at the next interval.
   */
  private async purgeRepartitionTopics(): Promise<void> {
    if (this.purging || this.stopping || !this.admin) return;
    this.purging = true;
    try {
      const repartition = new Set(this.topology.repartitionTopics);
      const offsets = [];
      for (const task of this.tasks.values()) {
        if (task.failure) continue;
        for (const [topic, offset] of task.committedOffsets) {
          if (!repartition.has(topic) || (this.purgedBefore.get(`${topic}:${task.partition}`) ?? 0) >= offset) continue;
          offsets.push({ topic, partition: task.partition, offset });
        }
      }
      if (offsets.length === 0) return;
      await this.admin.deleteRecordsBefore(offsets);
      for (const { topic, partition, offset } of offsets) this.purgedBefore.set(`${topic}:${partition}`, offset);
    } catch (error) {
      this.log('warn', `thread ${this.threadIndex}: purging repartition topics failed (next try in ${this.config.repartitionPurgeIntervalMs} ms): ${messageOf(error)}`);
    } finally {
      this.purging = false;
    }
  }

  /** Creates the group consumer and starts fetching (again, when one gave up). */
  private async startConsumer(): Promise<void> {
    const config = this.config;
    const consumer = this.connection.groupConsumer({
      groupId: config.applicationId,
      topics: this.sourceTopics,
      assignor: streamsAssignor({
        processId: this.processId,
        standbys: config.numStandbyReplicas,
        subtopologies: this.topology.subtopologies,
        statefulSubtopologies: new Set(this.topology.subtopologies.filter((subtopology) => subtopology.stores.length > 0).map((subtopology) => subtopology.id)),
        report: () => this.report(),
        changelogEndOffsets: (tasks) => this.changelogEndOffsets(tasks),
        acceptableRecoveryLag: config.acceptableRecoveryLag,
        maxWarmupReplicas: config.maxWarmupReplicas,
        onError: (message) => this.log('error', message),
      }),
      sessionTimeoutMs: config.sessionTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      rebalanceTimeoutMs: Math.max(config.sessionTimeoutMs, 30_000),
      // Tasks are independent (each has its own lock): overlap their I/O waits.
      concurrency: 8,
      protocol: 'cooperative',
    });
    this.consumer = consumer;
    await consumer.start({
      onAssigned: (assignment) => this.onJoin(assignment),
      // Kafka Streams' handleRebalanceStart: tasks go on processing, commits
      // wait for the assignment. Tasks being given up are closed first, so
      // the join does not claim them.
      beforeRejoin: async () => {
        this.rebalancing = true;
        await Promise.all(this.revocations);
      },
      onBatch: (batch) => this.onBatch(batch),
      onCrash: (error, restarting) => {
        this.log('warn', `consumer crashed (${restarting ? 'the client restarts it' : 'replacing it'}): ${error.message}`);
        // Its membership is gone: the group may hand its tasks to others
        // before it is back. Nothing more commits with the old generation,
        // and the tasks are released when the consumer rejoins.
        if (consumer === this.consumer) this.loseMembership(`the consumer crashed: ${error.message}`);
        if (!restarting && consumer === this.consumer) this.replaceConsumer();
      },
    });
  }

  private async onBatch(batch: FetchedBatch): Promise<boolean> {
    const taskId = this.taskFor(batch.topic, batch.partition);
    const task = taskId && this.tasks.get(taskId);
    if (this.stopping) return false;
    if (!task || task.failure || this.revoking.has(taskId)) {
      // Not ready (restoring), failed, or no longer ours: fetch again later.
      this.consumer?.pause([{ topic: batch.topic, partition: batch.partition }]);
      return false;
    }
    await task.processBatch(batch.topic, batch.records, batch.caughtUp);
    if (!task.failure) return true;
    this.pauseTask(task.taskId);
    return false;
  }

  /** Replaces a consumer that gave up (broker gone too long), with backoff, until the thread stops. */
  private replaceConsumer(attempt = 1): void {
    if (this.stopping || this.consumerReplacement) return;
    const delay = Math.min(maxRetryDelayMs, 1000 * 2 ** (attempt - 1));
    this.consumerReplacement = setTimeout(() => {
      this.consumerReplacement = undefined;
      if (this.stopping) return;
      const old = this.consumer;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        try {
          await this.startConsumer();
          this.log('info', `thread ${this.threadIndex}: consumer replaced`);
        } catch (error) {
          this.log('warn', `thread ${this.threadIndex}: replacing the consumer failed (attempt ${attempt}): ${messageOf(error)}`);
          this.replaceConsumer(attempt + 1);
        }
      })();
    }, delay);
  }

  /**
   * What this member has, for the leader's next assignment. The tasks it
   * owns — those of its current assignment and those it still holds (given
   * up but not yet closed) — are what the leader must not give to another
   * member before this one gives them up; a member that lost its membership
   * owns nothing (it closes every task when it rejoins).
   */
  private report(): MemberState {
    const base = join(this.config.stateDir, this.config.applicationId);
    const stateTasks = existsSync(base) ? readdirSync(base).flatMap((name) => TaskId.parse(name) ?? []) : [];
    // How far each local copy of a task that this member does not run has
    // got (KIP-441): the leader compares it with the changelogs' ends.
    const taskOffsetSums = new Map<TaskId, number>();
    for (const task of stateTasks) {
      if (this.tasks.has(task)) continue;
      const sum = changelogOffsetSum(join(taskDirectory(this.config, task), 'state.db'));
      if (sum !== undefined) taskOffsetSums.set(task, sum);
    }
    const owned = this.membership ? [...new Set([...this.desired.active, ...this.tasks.keys()])] : [];
    return { activeTasks: owned, standbyTasks: [...this.standbys.keys()], stateTasks, taskOffsetSums, rejoins: this.rejoins };
  }

  /** Per stateful task, the sum of its stores' changelog end offsets at its partition (the group leader's side of KIP-441). */
  private async changelogEndOffsets(tasks: TaskId[]): Promise<Map<TaskId, number>> {
    const ends = new Map<string, Map<number, number>>();
    const result = new Map<TaskId, number>();
    for (const task of tasks) {
      let sum = 0;
      for (const { topic } of this.storesOf(task)) {
        let topicEnds = ends.get(topic);
        if (!topicEnds) {
          topicEnds = await this.admin!.endOffsets(topic);
          ends.set(topic, topicEnds);
        }
        sum += topicEnds.get(task.partition) ?? 0;
      }
      result.set(task, sum);
    }
    return result;
  }

  /**
   * KIP-441's probing rebalance, asked for by the member that keeps warm-up
   * copies: as soon as every copy is within acceptable.recovery.lag of its
   * changelogs (Kafka Streams waits for probing.rebalance.interval.ms; Eddy
   * asks sooner when it knows), or when that interval has passed.
   */
  private async probeWarmups(): Promise<void> {
    const warmups = this.warmups;
    if (warmups.tasks.length === 0 || warmups.requested || warmups.checking || !this.admin || Date.now() - warmups.checkedAt < 2000) return;
    warmups.checking = true;
    warmups.checkedAt = Date.now();
    try {
      let caughtUp = true;
      const ends = await this.changelogEndOffsets(warmups.tasks);
      for (const task of warmups.tasks) {
        const copy = this.standbys.get(task);
        const applied = copy ? this.storesOf(task).reduce((total, { store }) => total + Number(copy.database.checkpoint(checkpointName(store)) ?? 0), 0) : 0;
        if ((ends.get(task) ?? 0) - applied > this.config.acceptableRecoveryLag) caughtUp = false;
      }
      const overdue = Date.now() - warmups.since >= this.config.probingRebalanceIntervalMs;
      if ((caughtUp || overdue) && warmups === this.warmups && !warmups.requested) {
        warmups.requested = true;
        this.rejoins++;
        this.log('info', `thread ${this.threadIndex}: warm-up copies [${warmups.tasks.join(', ')}] ${caughtUp ? 'caught up' : 'still behind after probing.rebalance.interval.ms'}; asking for a rebalance`);
        this.consumer?.requestRejoin();
      }
    } catch (error) {
      this.log('warn', `thread ${this.threadIndex}: checking the warm-up copies failed (next check soon): ${messageOf(error)}`);
    } finally {
      warmups.checking = false;
    }
  }

  /** The consumer lost its group membership: the transaction must not commit the tasks' open work. */
  private loseMembership(reason: string): void {
    if (!this.membership) return;
    this.membership = undefined;
    this.transaction?.poison(reason);
  }

  private onJoin(received: GroupAssignment): void {
    if (this.stopping) return;
    this.memberId = received.memberId;
    this.rebalancing = false;
    const assignment = tasksOf(received.userData) ?? { activeTasks: this.tasksOfPartitions(received.partitions), standbyTasks: [] };
    // Tasks this member may not keep: revoked ones, or every one when its
    // membership was interrupted (others may have run them meanwhile).
    const joined: Membership = { memberId: received.memberId, generationId: received.generationId };
    const { release, interruption } = tasksToRelease(this.membership, joined, this.tasks.keys(), assignment.activeTasks);
    this.membership = joined;
    if (interruption !== undefined) {
      if (this.tasks.size > 0) this.log('warn', `thread ${this.threadIndex}: ${interruption}; closing its tasks [${[...this.tasks.keys()].join(', ')}] — they reopen from Kafka if assigned`);
      // Their uncommitted work rolls back.
      this.revoking.clear();
      this.releaseTasks(release);
    } else {
      // Given back before it was given up: it stays (nobody else ran it meanwhile).
      for (const taskId of [...this.revoking]) if (assignment.activeTasks.includes(taskId)) this.revoking.delete(taskId);
      const revoked = release.filter((taskId) => !this.revoking.has(taskId));
      if (revoked.length > 0) this.revoke(revoked);
    }
    if ('followup' in assignment && assignment.followup) {
      // Tasks meant for this member are still being given up elsewhere: rejoin now, not at the next heartbeat.
      this.rejoins++;
      this.consumer?.requestRejoin();
    }
    this.desired = { generation: this.desired.generation + 1, active: [...assignment.activeTasks], standby: [...assignment.standbyTasks] };
    const warmupTasks = 'warmupTasks' in assignment ? assignment.warmupTasks : [];
    this.warmups = { tasks: [...warmupTasks], since: Date.now(), requested: false, checking: false, checkedAt: 0 };
    if (warmupTasks.length > 0) this.log('info', `thread ${this.threadIndex}: warming up [${warmupTasks.join(', ')}] before they move here (KIP-441)`);
    for (const taskId of assignment.activeTasks) {
      const task = this.tasks.get(taskId);
      if (task && !task.failure) {
        // Kept: go on at the task's own position. The client starts a rejoined
        // or restarted consumer at the group's committed offsets, which lag
        // the work in the task's open transaction.
        for (const [topic, offset] of task.positions()) this.seek(topic, taskId.partition, offset);
        // (Paused if it was being given up.)
        this.resumeTask(taskId);
      } else {
        // New tasks wait, paused, until restored and open.
        this.pauseTask(taskId);
      }
    }
    this.scheduleReconcile();
  }

  /**
   * Gives up tasks the new assignment took away (incremental cooperative):
   * they process nothing more; everything is committed — with the thread's
   * transaction, with the new generation, which no other member holds them
   * in — then they close, and the member asks for the follow-up rebalance
   * that gives them to their new owner.
   */
  private revoke(tasks: TaskId[]): void {
    for (const taskId of tasks) {
      this.revoking.add(taskId);
      this.pauseTask(taskId);
    }
    this.log('info', `thread ${this.threadIndex}: giving up [${tasks.join(', ')}] (incremental cooperative rebalance): committing, then closing them`);
    const revocation: Promise<void> = this.commitAllTasks()
      .then(() => {
        // Not given back, and not released (a lost membership) meanwhile.
        const given = tasks.filter((taskId) => this.revoking.delete(taskId));
        if (given.length === 0 || this.stopping) return;
        this.releaseTasks(given);
        // A join already under way waited for this (beforeRejoin): it no longer claims them.
        if (this.rebalancing) return;
        this.rejoins++;
        this.consumer?.requestRejoin();
      })
      .catch((error: unknown) => this.log('error', `thread ${this.threadIndex}: giving up [${tasks.join(', ')}] failed: ${messageOf(error)}`))
      .finally(() => this.revocations.delete(revocation));
    this.revocations.add(revocation);
  }

  /** Tasks of an assignment without Eddy's user data (every assigned partition's task). */
  private tasksOfPartitions(partitions: Record<string, number[]>): TaskId[] {
    const tasks = new Set<TaskId>();
    for (const [topic, numbers] of Object.entries(partitions)) for (const partition of numbers) {
      const task = this.taskFor(topic, partition);
      if (task) tasks.add(task);
    }
    return [...tasks];
  }

  /**
   * Takes `tasks` out of the running set now — no batch reaches them, no
   * commit includes them, they process nothing more — and closes them,
   * rolling back what they did not commit; a later open of the same task
   * waits for its close. Records a released task sent into the thread's open
   * transaction must not commit with it: once processing in flight has
   * ended, such a transaction is poisoned (the commit timer aborts it and
   * rolls back the tasks still running with it).
   */
  private releaseTasks(tasks: TaskId[]): void {
    const released = tasks.flatMap((taskId) => {
      const task = this.tasks.get(taskId);
      if (!task) return [];
      this.tasks.delete(taskId);
      this.pauseTask(taskId);
      task.release();
      return [task];
    });
    if (released.length === 0) return;
    const transaction = this.transaction;
    const settled = transaction
      ? transaction.exclusive(async () => {
          // (A failed task's work is in a transaction that its failure poisoned already.)
          const busy = released.filter((task) => !task.failure && task.hasUncommittedWork());
          if (busy.length > 0) transaction.poison(`tasks [${busy.map((task) => task.taskId).join(', ')}] were released with work in the open transaction`);
        })
      : Promise.resolve();
    for (const task of released) {
      const closing: Promise<void> = settled
        .then(() => task.close(false, { transactionHandled: true }))
        .catch((error: unknown) => this.log('warn', `task ${task.taskId}: closing it failed: ${messageOf(error)}`))
        .finally(() => {
          if (this.closing.get(task.taskId) === closing) this.closing.delete(task.taskId);
          // Its standby copy (the state folder is the same) opens once it has closed.
          if (this.desired.standby.includes(task.taskId) && !this.stopping) this.scheduleReconcile();
        });
      this.closing.set(task.taskId, closing);
    }
  }

  private scheduleReconcile(): void {
    if (this.reconcileQueued) return;
    this.reconcileQueued = true;
    this.assignmentChain = this.assignmentChain
      .then(() => {
        this.reconcileQueued = false;
        this.reconcileStartedAt = Date.now();
        return this.reconcile();
      })
      .catch((error: unknown) => this.log('error', `applying the assignment failed: ${messageOf(error)}`))
      .finally(() => {
        this.reconcileStartedAt = undefined;
      });
  }

  /**
   * Brings tasks and standbys in line with the newest assignment. Runs one at
   * a time and stops early when a newer assignment arrives (the next run
   * takes it), so a member never opens a task — and fences its owner — on
   * the word of an assignment that is already stale.
   */
  private async reconcile(): Promise<void> {
    if (this.tasks.size > 0) await this.faultDelay('EDDY_FAULT_RECONCILE_DELAY_MS');
    const { generation, active, standby } = this.desired;
    // (Without a membership — the consumer crashed and has not rejoined — nothing opens.)
    const current = () => !this.stopping && generation === this.desired.generation && this.membership !== undefined;
    if (this.loggedGeneration !== generation) {
      this.loggedGeneration = generation;
      this.log('info', `thread ${this.threadIndex} assigned active [${active.join(', ')}] standby [${standby.join(', ')}]`);
    }
    // (Revoked tasks were released when the assignment arrived.)
    for (const taskId of [...this.retries.keys()]) if (!active.includes(taskId)) this.retries.delete(taskId);
    for (const [taskId, copy] of [...this.standbys]) {
      if (standby.includes(taskId) && !active.includes(taskId)) continue;
      this.reader!.unfollow(taskId.partition, this.storesOf(taskId));
      copy.database.close();
      this.standbys.delete(taskId);
    }
    for (const taskId of active) {
      if (!current()) return;
      const existing = this.tasks.get(taskId);
      if (existing && !existing.failure) continue;
      const retry = this.retries.get(taskId);
      if (retry && Date.now() < retry.nextAttemptAt) continue;
      if (existing) {
        // Revive: roll back to the last commit and open again (exactly-once:
        // the new producer fences whoever wrote meanwhile; state restores
        // from the changelog).
        this.tasks.delete(taskId);
        this.pauseTask(taskId);
        await existing.close(false);
      }
      if (retry) retry.attempts++;
      const task = await this.openTask(taskId);
      if (!task) continue;
      if (this.stopping || !this.desired.active.includes(taskId)) {
        await task.close(false);
        continue;
      }
      try {
        await this.seekToCommitted(task);
      } catch (error) {
        // Without its committed offsets the task cannot start: close it and
        // try again with backoff (never leave it open and paused).
        await task.close(false);
        this.noteFailure(taskId, `could not read its committed offsets: ${messageOf(error)}`);
        continue;
      }
      if (this.stopping || !this.desired.active.includes(taskId)) {
        await task.close(false);
        continue;
      }
      this.tasks.set(taskId, task);
      this.resumeTask(taskId);
    }
    for (const taskId of standby) {
      if (!current()) return;
      const stores = this.storesOf(taskId);
      if (this.standbys.has(taskId) || active.includes(taskId) || stores.length === 0) continue;
      // Still open as an active task (being given up) or closing: its copy opens after (releaseTasks reconciles again).
      if (this.tasks.has(taskId) || this.closing.has(taskId)) continue;
      const database = TaskDatabase.open(join(taskDirectory(this.config, taskId), 'state.db'));
      for (const { store } of stores) database.openStore(this.topology.storeSpec(store)!);
      this.standbys.set(taskId, { taskId, database });
      await this.reader!.followStandby(taskId.toString(), taskId.partition, stores, database);
    }
  }

  /**
   * Every half second: notes new task failures (and when each task is
   * reopened), counts a revived task healthy again once it commits, and
   * reconciles when an assigned task is due to be (re)opened.
   */
  private supervise(): void {
    if (this.stopping) return;
    const now = Date.now();
    void this.probeWarmups();
    // Reconciles run one at a time: one that does not return holds up every
    // later (re)open. Say so, with what it is waiting for.
    if (this.reconcileStartedAt !== undefined && now - this.reconcileStartedAt > slowReconcileMs && !this.reportedSlowReconcile) {
      this.reportedSlowReconcile = true;
      const opening = [...this.opening.keys()].map(String).join(', ') || 'none';
      this.log('warn', `thread ${this.threadIndex}: applying the assignment has taken ${Math.round((now - this.reconcileStartedAt) / 1000)} s (tasks opening: ${opening}); later task (re)opens wait for it`);
    }
    if (this.reconcileStartedAt === undefined) this.reportedSlowReconcile = false;
    let due = false;
    for (const taskId of this.desired.active) {
      const task = this.tasks.get(taskId);
      if (task?.failure && !this.notedFailures.has(task)) {
        this.notedFailures.add(task);
        this.noteFailure(taskId, task.failure.message, task.collateral);
      }
      const retry = this.retries.get(taskId);
      if (task && !task.failure && retry && task.commits > 0) retry.consecutive = 0;
      const waiting = task ? !!task.failure : !this.opening.has(taskId);
      if (waiting && (!retry || now >= retry.nextAttemptAt)) due = true;
    }
    if (due) this.scheduleReconcile();
  }

  /** Records a failure of an assigned task and when it will be reopened. */
  private noteFailure(taskId: TaskId, message: string, collateral = false): void {
    const retry = this.retries.get(taskId) ?? { attempts: 0, consecutive: 0, lastError: '', nextAttemptAt: 0 };
    retry.lastError = message;
    this.retries.set(taskId, retry);
    if (collateral) {
      // Rolled back with its thread's transaction, not for a fault of its own:
      // reopen at once, without counting it against the task.
      retry.nextAttemptAt = Date.now();
      this.log('info', `task ${taskId}: reopening now: ${message}`);
      return;
    }
    retry.consecutive++;
    // A fenced task has most likely moved: let the rebalance reach this
    // member before fencing the new owner back.
    const fenced = /fenc|old epoch|INVALID_PRODUCER_EPOCH|PRODUCER_FENCED/i.test(message);
    const base = fenced ? Math.max(2000, 2 * this.config.heartbeatIntervalMs) : 1000;
    const delay = Math.min(maxRetryDelayMs, base * 2 ** Math.min(10, retry.consecutive - 1));
    retry.nextAttemptAt = Date.now() + delay;
    this.log('warn', `task ${taskId}: reopening in ${delay} ms (failure ${retry.consecutive} in a row): ${message}`);
  }

  private async commitAllTasks(): Promise<void> {
    if (this.transaction) await this.commitTransaction();
    else await Promise.all([...this.tasks.values()].map((task) => task.commit()));
  }

  /**
   * Commits the thread's transaction for all its tasks at once (or rolls
   * them all back when it is poisoned or cannot commit), holding every task
   * so none processes meanwhile.
   */
  private commitTransaction(): Promise<void> {
    const transaction = this.transaction;
    if (!transaction) return Promise.resolve();
    // Exclusive: no task processes (or sends) meanwhile, also one opened after this began.
    return transaction
      .exclusive(async () => {
        const tasks = [...this.tasks.values()];
        const held = await Promise.all(tasks.map((task) => task.hold()));
        try {
          await transaction.commitOrRollBack(held.map((entry) => entry.participant));
        } finally {
          for (const entry of held) entry.release();
        }
        for (const task of tasks) if (task.failure) this.pauseTask(task.taskId);
      })
      .catch((error: unknown) => this.log('error', `thread ${this.threadIndex}: committing the transaction failed: ${messageOf(error)}`));
  }

  private async openTask(taskId: TaskId): Promise<ActiveTask | undefined> {
    const opening = Promise.all([this.closing.get(taskId), this.faultDelay('EDDY_FAULT_TASK_OPEN_DELAY_MS')]).then(() => ActiveTask.open({
      config: this.config,
      topology: this.topology.forSubtopology(taskId.subtopology),
      taskId,
      connection: this.connection,
      sharedProducer: this.producer,
      threadTransaction: this.transaction,
      globalStores: this.globalReader ? (name) => this.globalReader!.store(name) : undefined,
      readCommittedOffsets: (topics) => this.admin!.committedOffsets(this.config.applicationId, topics),
      reader: this.reader!,
      stores: this.storesOf(taskId),
      commitOffsets: (offsets) => this.consumer!.commitOffsets(offsets),
      commitsSuspended: () => this.rebalancing,
      groupMetadata: () => this.consumer!.metadata(),
      onLog: this.onPluginLog,
      log: this.log,
    })).catch((error: unknown) => {
      this.noteFailure(taskId, `could not start: ${messageOf(error)}`);
      return undefined;
    });
    this.opening.set(taskId, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(taskId);
    }
  }

  /**
   * Fault injection for tests and chaos runs: EDDY_FAULT_TASK_OPEN_DELAY_MS
   * makes every task open that much slower, EDDY_FAULT_RECONCILE_DELAY_MS
   * every application of an assignment by a member that already runs tasks;
   * both widen the window in which a newer assignment arrives while an older
   * one is being applied.
   */
  private faultDelay(variable: 'EDDY_FAULT_TASK_OPEN_DELAY_MS' | 'EDDY_FAULT_RECONCILE_DELAY_MS'): Promise<void> {
    const delay = Number(process.env[variable] ?? 0);
    return delay > 0 ? new Promise((resolve) => setTimeout(resolve, delay)) : Promise.resolve();
  }

  /**
   * Positions a newly opened task's partitions at the group's committed
   * offsets the task read when it opened (stable, after the previous owner
   * was fenced) — offsets the client read at join time may predate that
   * owner's last commit. A partition without a committed offset starts at
   * its first record (auto.offset.reset=earliest, as Kafka Streams), also
   * when the task is reopened after a failure: the consumer's own position
   * is past records whose work was rolled back.
   */
  private async seekToCommitted(task: ActiveTask): Promise<void> {
    const partition = task.partition;
    const topics = [...this.topicsOf(task.taskId)];
    for (const topic of topics) {
      let position = task.committedOffsets.get(topic);
      // A task with several inputs picks records by time across them: it is
      // told which inputs have records waiting, so it does not run ahead on
      // the first one fetched (a stream joined with a table it has not read yet).
      if (position !== undefined && topics.length < 2) {
        this.seek(topic, partition, position);
        continue;
      }
      let offsets: { low: number; end: number } | undefined;
      try {
        offsets = (await this.admin!.partitionOffsets(topic)).get(partition);
      } catch (error) {
        if (position === undefined) throw error;
        this.log('warn', `task ${task.taskId}: could not read the offsets of ${topic} (it may run ahead of that input): ${messageOf(error)}`);
      }
      if (position === undefined) {
        position = offsets?.low ?? 0;
        task.startAt(topic, position);
      }
      this.seek(topic, partition, position);
      if (offsets && topics.length >= 2) task.knowLag(topic, offsets.end > position);
    }
  }

  /**
   * Moves the consumer's position. A consumer that is being replaced cannot
   * seek yet; its first join seeks every kept task to its own position.
   */
  private seek(topic: string, partition: number, offset: number): void {
    try {
      this.consumer?.seek({ topic, partition, offset });
    } catch (error) {
      this.log('warn', `thread ${this.threadIndex}: cannot seek ${topic}-${partition} now (${messageOf(error)}); the next join does`);
    }
  }

  private pauseTask(task: TaskId): void {
    this.consumer?.pause(this.topicsOf(task).map((topic) => ({ topic, partition: task.partition })));
  }

  private resumeTask(task: TaskId): void {
    this.consumer?.resume(this.topicsOf(task).map((topic) => ({ topic, partition: task.partition })));
  }

  /**
   * Replaces processor `node`'s plugin in every task of this thread (and in
   * tasks it opens later). A component that fails to load changes nothing; a
   * task whose new instance fails `init` keeps the old one.
   */
  async swap(node: string, pluginPath: string, config?: Array<[string, string]>): Promise<SwapOutcome[]> {
    const processor = this.topology.node(node);
    if (!processor || processor.kind !== 'processor') throw new EddyError(`no processor named '${node}'`, { node });
    const current = processor.supplier;
    if (!(current instanceof PluginProcessorSupplier)) throw new EddyError(`processor '${node}' is not a plugin (${current.description}); only plugins can be swapped`, { node });
    const supplier = new PluginProcessorSupplier(pluginPath, config ?? current.config, current.limits);
    const prepared = await supplier.prepare({ ...defaultProcessorLimits, ...this.config.limits, ...supplier.limits });
    const outcomes: SwapOutcome[] = [];
    let anySwapped = false;
    await this.assignmentChain;
    // In a thread's transaction, everything before the swap commits first.
    await this.commitTransaction();
    const holders = new Set(this.topology.subtopologies.filter((subtopology) => subtopology.nodes.includes(node)).map((subtopology) => subtopology.id));
    for (const task of this.tasks.values()) {
      if (!holders.has(task.taskId.subtopology)) continue;
      try {
        await task.swap(node, prepared);
        outcomes.push({ thread: this.threadIndex, taskId: task.taskId.toString(), swapped: true });
        anySwapped = true;
      } catch (error) {
        outcomes.push({ thread: this.threadIndex, taskId: task.taskId.toString(), swapped: false, error: messageOf(error) });
      }
    }
    if (anySwapped || this.tasks.size === 0) this.topology = this.topology.withProcessor(node, supplier);
    return outcomes;
  }

  status(): ThreadStatus {
    return {
      thread: this.threadIndex,
      memberId: this.memberId,
      activeTasks: [...this.desired.active]
        .sort(TaskId.compare)
        .filter((taskId) => this.tasks.has(taskId) || this.retries.has(taskId))
        .map((taskId) => this.taskStatus(taskId)),
      standbyTasks: [...this.standbys.keys()].sort(TaskId.compare).map((taskId) => taskId.toString()),
      restoring: [...this.opening.keys()].sort(TaskId.compare).map((taskId) => taskId.toString()),
    };
  }

  private taskStatus(taskId: TaskId): TaskStatus {
    const task = this.tasks.get(taskId);
    const retry = this.retries.get(taskId);
    const base: TaskStatus = task ? task.status() : { taskId: taskId.toString(), state: this.opening.has(taskId) ? 'restoring' : 'failed', processed: 0 };
    if (!retry) return base;
    const failed = base.state === 'failed';
    return {
      ...base,
      retries: retry.attempts,
      lastError: retry.lastError,
      ...(failed ? { failure: base.failure ?? retry.lastError, nextRetryInMs: Math.max(0, retry.nextAttemptAt - Date.now()) } : {}),
    };
  }

  /** Commits and closes every task, then leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.commitTimer) clearInterval(this.commitTimer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    if (this.consumerReplacement) clearTimeout(this.consumerReplacement);
    // Fetch no more; batches in flight finish under their task's lock. The
    // consumer stays a group member until the tasks have committed (the client
    // drops the group on stop(), and offsets can no longer be committed).
    this.consumer?.pause([...new Set([...this.desired.active, ...this.tasks.keys()])].flatMap((task) => this.topicsOf(task).map((topic) => ({ topic, partition: task.partition }))));
    await this.assignmentChain;
    await Promise.all([...this.opening.values(), ...this.closing.values(), ...this.revocations]);
    await this.commitTransaction();
    for (const task of this.tasks.values()) await task.close(true);
    this.tasks.clear();
    await this.consumer?.stop().catch(() => undefined);
    for (const copy of this.standbys.values()) copy.database.close();
    this.standbys.clear();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.reader?.stop();
    await this.producer?.disconnect().catch(() => undefined);
    await this.transaction?.close();
    this.globalReader?.close();
    await this.admin?.disconnect().catch(() => undefined);
    await this.connection.close();
  }
}
