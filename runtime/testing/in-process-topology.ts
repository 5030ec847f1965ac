// A whole topology run in this process, without Kafka: one task per
// sub-topology (partition 0), as Kafka Streams' TopologyTestDriver does.
//
// Owns: routing each input record to the task of the sub-topology that reads
// its topic, and looping records a sink writes to a topic the topology reads
// itself (a repartition topic) back in as input — after the record that
// caused them, before the next input record — so a multi-stage topology gives
// its final results; a record of a global store's topic goes to the global
// sub-topology that updates the store (shared by all tasks here, as they
// share one database); the tasks' shared simulated clock, commit and close.
// Records written to those internal topics are outputs too (readable like any
// other topic). Used by the test driver and `eddy dry-run`.
// Must never: reorder input records, or drop an internal record.

import { GuardTimeout, runGuarded } from '../cpu-guard.ts';
import { HostCallError } from '../errors.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import type { TaskDatabase } from '../state/task-database.ts';
import { StreamTask, type InputRecord, type SinkRecord, type TaskOptions } from '../task/stream-task.ts';
import type { Topology } from '../topology/topology.ts';

/** The task options every task of the run shares; the database is shared by them (their stores have distinct names). */
export type InProcessOptions = Pick<TaskOptions, 'applicationId' | 'database' | 'wallClock' | 'onOutput' | 'onLog' | 'limits' | 'deadLetterQueueTopic' | 'timestampExtractor' | 'cacheMaxBytes'>;

export class InProcessTopology {
  private readonly internalOffsets = new Map<string, number>();
  private readonly pending: InputRecord[] = [];
  /** The task processing a record now (an overrun is its failure). */
  private current: StreamTask | undefined;

  private constructor(
    readonly topology: Topology,
    /** One task per sub-topology, by sub-topology id. */
    private readonly tasks: StreamTask[],
    private readonly internalTopics: ReadonlySet<string>,
    private readonly database: TaskDatabase,
    /** With a record cache, caches are flushed after every record, input or internal (as Kafka Streams' test driver commits after each). */
    private readonly flushEachRecord: boolean,
  ) {}

  static async create(topology: Topology, options: InProcessOptions): Promise<InProcessTopology> {
    const internalTopics = new Set(topology.repartitionTopics);
    const holder: { run?: InProcessTopology } = {};
    const tasks: StreamTask[] = [];
    try {
      // Global stores' sub-topologies too: a record of a global topic updates the store at once (as the test driver does).
      for (const subtopology of [...topology.subtopologies, ...topology.globalSubtopologies].sort((a, b) => a.id - b.id)) {
        tasks.push(
          await StreamTask.create(topology.forSubtopology(subtopology.id), {
            applicationId: options.applicationId,
            taskId: `${subtopology.id}_0`,
            partition: 0,
            database: options.database,
            ownsDatabase: false,
            wallClock: options.wallClock,
            onOutput: (output) => {
              options.onOutput(output);
              if (internalTopics.has(output.topic)) holder.run!.enqueueInternal(output);
            },
            onLog: options.onLog,
            limits: options.limits,
            deadLetterQueueTopic: options.deadLetterQueueTopic,
            timestampExtractor: options.timestampExtractor,
            cacheMaxBytes: options.cacheMaxBytes,
          }),
        );
      }
    } catch (error) {
      for (const task of tasks) if (task.state !== 'closed') task.close();
      options.database.close();
      throw error;
    }
    holder.run = new InProcessTopology(topology, tasks, internalTopics, options.database, (options.cacheMaxBytes ?? 0) > 0);
    return holder.run;
  }

  /** True when `topic` is written and read by the topology itself. */
  isInternal(topic: string): boolean {
    return this.internalTopics.has(topic);
  }

  /**
   * Processes `inputs` in order; each record, and every internal record it
   * leads to, completes before the next input record starts.
   */
  process(inputs: readonly InputRecord[]): void {
    if (this.internalTopics.size > 0 || this.flushEachRecord) {
      // One record at a time (every internal record an input leads to goes
      // first), under guards that each cover many records: a guard per record
      // costs more than the records (the watchdog starts a timer each time).
      let next = 0;
      this.sliced(
        () => this.pending.length > 0 || next < inputs.length,
        () => {
          const input = this.pending.length > 0 ? this.pending.shift()! : inputs[next++]!;
          this.processOne(input);
          if (this.flushEachRecord) this.flushCaches();
        },
      );
      return;
    }
    if (this.internalTopics.size === 0) {
      // No loop back: hand each run of records for one task over at once.
      let start = 0;
      while (start < inputs.length) {
        const task = this.taskFor(inputs[start]!.topic);
        let end = start + 1;
        while (end < inputs.length && this.taskFor(inputs[end]!.topic) === task) end++;
        task.process(inputs.slice(start, end));
        start = end;
      }
      return;
    }
    for (const input of inputs) {
      this.taskFor(input.topic).process([input]);
      this.drain();
    }
  }

  /** Fires due wall-clock punctuators in every task (and processes what they send internally). */
  punctuateWallClock(): void {
    for (const task of this.tasks) {
      task.punctuateWallClock();
      this.drain();
    }
  }

  /** Flushes record caches (upstream sub-topologies first, with what they send internally), then commits every task. */
  commit(): void {
    for (const task of this.tasks) {
      task.flushCaches();
      this.drain();
    }
    for (const task of this.tasks) task.commit();
  }

  /** Closes every task (their processors' `close` runs), then the database; throws the first failure. */
  close(): void {
    let failure: unknown;
    for (const task of this.tasks) {
      try {
        if (task.state !== 'closed') task.close();
      } catch (error) {
        failure ??= error;
      }
    }
    this.database.close();
    if (failure !== undefined) throw failure;
  }

  get running(): boolean {
    return this.tasks.every((task) => task.state === 'running');
  }

  /** A store of the topology (stores live in the shared database). */
  store(name: string): KeyValueStore {
    return this.tasks[0]!.store(name);
  }

  get streamTime(): number {
    return Math.max(...this.tasks.map((task) => task.streamTime));
  }

  get droppedRecords(): number {
    return this.tasks.reduce((total, task) => total + task.droppedRecords, 0);
  }

  get skippedRecords(): number {
    return this.tasks.reduce((total, task) => total + task.skippedRecords, 0);
  }

  private taskFor(topic: string): StreamTask {
    const subtopology = this.topology.subtopologyOf(topic);
    if (!subtopology) throw new HostCallError(`no source reads topic '${topic}' (sources read: ${this.topology.sourceTopics.join(', ')})`, { topic });
    return this.tasks[subtopology.id]!;
  }

  private enqueueInternal(output: SinkRecord): void {
    const offset = this.internalOffsets.get(output.topic) ?? 0;
    this.internalOffsets.set(output.topic, offset + 1);
    this.pending.push({ topic: output.topic, partition: 0, offset, record: output.record });
  }

  private drain(): void {
    this.sliced(
      () => this.pending.length > 0,
      () => {
        this.processOne(this.pending.shift()!);
        if (this.flushEachRecord) this.flushCaches();
      },
    );
  }

  private processOne(input: InputRecord): void {
    const task = this.taskFor(input.topic);
    this.current = task;
    task.process([input]);
  }

  /**
   * Runs `step` while `more()`, in time slices under one CPU-time guard each
   * (as StreamTask.process does for a batch): a slice takes no new record
   * once half the limit has passed. An overrun fails the task that was running.
   */
  private sliced(more: () => boolean, step: () => void): void {
    const limit = Math.min(...this.tasks.map((task) => task.cpuLimit));
    while (more()) {
      try {
        runGuarded(() => {
          const started = performance.now();
          do step();
          while (more() && performance.now() - started < limit / 2);
        }, limit);
      } catch (error) {
        if (error instanceof GuardTimeout && this.current) throw this.current.interrupted(error);
        throw error;
      }
    }
  }

  /** Forwards what every task's record caches hold (what goes to internal topics is queued). */
  private flushCaches(): void {
    for (const task of this.tasks) task.flushCaches();
  }
}
