// A stream task: one instance of a topology, processing one partition (or one
// set of co-partitioned partitions) depth-first.
//
// Owns: the task's processors (one per node, made by the node's supplier —
// the engine does not know whether it runs WebAssembly) and stores, pushing
// each input record through the whole graph — a record's outputs reach the sinks before the
// next input record starts, with no queue between nodes — stream time,
// punctuation, the CPU guard around each batch, error handling (fail the task,
// or send the input record to the dead-letter queue when configured), commit
// and rollback.
// Must never: do I/O beyond its SQLite file (sink records go to `onOutput`;
// Kafka lives at the edges), or keep processing after a failure it cannot
// contain.

import {
  CpuLimitExceededError,
  EddyError,
  HostCallError,
  isPluginFailure,
  messageOf,
  type ErrorContext,
} from '../errors.ts';
import { GuardTimeout, runGuarded } from '../cpu-guard.ts';
import {
  defaultProcessorLimits,
  type LogLevel,
  type PreparedProcessor,
  type Processor,
  type ProcessorLimits,
  type PunctuationType,
  type CacheBudget,
  type ExtractTimestamp,
  type PreparedTimestampExtractor,
  type SkippedRecord,
} from '../processor/processor.ts';
import type { RecordMetadata, RecordWithTopic, StreamRecord } from '../record.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import type { TaskDatabase } from '../state/task-database.ts';
import type { ProcessorNode, Topology } from '../topology/topology.ts';
import { extractTimestamp, type TimestampExtractorName } from '../time/timestamp-extractor.ts';
import { NodeContext, type Route } from './node-context.ts';
import { PunctuationQueue } from './punctuation-queue.ts';

/** A record read from an input topic. */
export interface InputRecord {
  topic: string;
  partition: number;
  offset: number;
  record: StreamRecord;
}

/** A record a sink (or the dead-letter queue) emits. */
export interface SinkRecord {
  topic: string;
  /** The sink node, or `dead-letter-queue`. */
  sink: string;
  record: StreamRecord;
}

export interface LogEntry {
  level: LogLevel;
  message: string;
  applicationId: string;
  taskId: string;
  node: string;
}

export type TaskState = 'running' | 'failed' | 'closed';

export interface TaskOptions {
  applicationId: string;
  /** Defaults to `0_<partition>`. */
  taskId?: string;
  partition?: number;
  database: TaskDatabase;
  /** False when the database is shared and closed by its owner (default: the task closes it). */
  ownsDatabase?: boolean;
  /** Wall-clock time in ms (the test driver passes its simulated clock). */
  wallClock?: () => number;
  /** Receives every sink record, in emission order. */
  onOutput: (output: SinkRecord) => void;
  onLog?: (entry: LogEntry) => void;
  /** Limits for processors that set none of their own. */
  limits?: Partial<ProcessorLimits>;
  /**
   * When set, an input record whose processing fails in a plugin is written
   * here (with the error in headers) and processing continues; when unset, the
   * task fails. A CPU-limit overrun always fails the task.
   */
  deadLetterQueueTopic?: string;
  /** The timestamp extractor of sources that set none (default: fail-on-invalid, as Kafka Streams). */
  timestampExtractor?: TimestampExtractorName;
  /** This task's share of statestore.cache.max.bytes (default 0: no record cache). */
  cacheMaxBytes?: number;
  /**
   * The instance's global stores (GlobalKTables), read-only. Unset: global
   * stores are in `database` (the in-process runner, and the global-store
   * updater itself).
   */
  globalStores?: (name: string) => KeyValueStore;
}

/** The task can no longer process: it failed, or was closed. */
export class TaskStateError extends EddyError {}

/** Headers added to dead-letter records, as Kafka Streams' KIP-1034 names them. */
export const deadLetterHeaders = {
  exception: '__streams.errors.exception',
  message: '__streams.errors.message',
  topic: '__streams.errors.topic',
  partition: '__streams.errors.partition',
  offset: '__streams.errors.offset',
  node: '__eddy.errors.node',
} as const;

const encoder = new TextEncoder();

interface ProcessorRuntime {
  node: ProcessorNode;
  prepared: PreparedProcessor;
  context: NodeContext;
  processor: Processor;
}

export class StreamTask {
  readonly applicationId: string;
  readonly taskId: string;
  private stateValue: TaskState = 'running';
  private failure: EddyError | undefined;
  private streamTimeValue = -1;
  private currentMetadata: RecordMetadata | undefined;
  private activeNode: ProcessorRuntime | undefined;
  private commitRequestedValue = false;
  private readonly punctuations = new PunctuationQueue();
  private readonly cache: CacheBudget;
  private readonly processors = new Map<string, ProcessorRuntime>();
  private readonly sourceRoutes = new Map<string, Route[]>();
  /** Per input topic: a built-in extractor, or one the topology supplied (opened for the source). */
  private readonly sourceExtractors = new Map<string, TimestampExtractorName | ExtractTimestamp>();
  /** Extractors the topology supplies, prepared per source. */
  private readonly preparedExtractors = new Map<string, PreparedTimestampExtractor>();
  /** Largest extracted time per input partition (`topic:partition`). */
  private readonly partitionTimes = new Map<string, number>();
  private lastPartition = { topic: '', partition: -1, key: '' };
  private skippedRecordsValue = 0;
  private readonly wallClock: () => number;
  private cpuLimitMs = defaultProcessorLimits.cpuMs;
  private droppedRecordsValue = 0;

  private constructor(
    readonly topology: Topology,
    private readonly options: TaskOptions,
  ) {
    this.applicationId = options.applicationId;
    this.taskId = options.taskId ?? `0_${options.partition ?? 0}`;
    this.wallClock = options.wallClock ?? Date.now;
    this.cache = { maxBytes: Math.max(0, options.cacheMaxBytes ?? 0), usedBytes: 0 };
  }

  /** Prepares every node's supplier, makes the task's processors, and runs their `init`. */
  static async create(topology: Topology, options: TaskOptions): Promise<StreamTask> {
    const task = new StreamTask(topology, options);
    const prepared = new Map<string, PreparedProcessor>();
    for (const node of topology.processors) {
      try {
        prepared.set(node.name, await node.supplier.prepare(task.limitsOf(node)));
      } catch (error) {
        throw asEddyError(error).withContext(task.context({ node: node.name, plugin: node.supplier.description }));
      }
    }
    for (const source of topology.sources) {
      const extractor = source.timestampExtractor;
      if (extractor === undefined || typeof extractor === 'string') continue;
      try {
        task.preparedExtractors.set(source.name, await extractor.prepare({ ...defaultProcessorLimits, ...options.limits }));
      } catch (error) {
        throw asEddyError(error).withContext(task.context({ node: source.name, plugin: extractor.description }));
      }
    }
    const cpuLimits = [...prepared.values()].map((entry) => entry.limits.cpuMs);
    if (cpuLimits.length > 0) task.cpuLimitMs = Math.min(...cpuLimits);
    task.wire(prepared);
    try {
      runGuarded(() => {
        for (const runtime of task.processors.values()) task.initialize(runtime);
      }, task.cpuLimitMs);
    } catch (error) {
      task.close();
      throw task.translate(error);
    }
    return task;
  }

  get state(): TaskState {
    return this.stateValue;
  }

  /** The largest record timestamp processed so far; -1 before any. */
  get streamTime(): number {
    return this.streamTimeValue;
  }

  /** True when a plugin asked for a commit since the last one. */
  get commitRequested(): boolean {
    return this.commitRequestedValue;
  }

  /** Input records that failed and went to the dead-letter queue. */
  get droppedRecords(): number {
    return this.droppedRecordsValue;
  }

  /** Input records skipped for an invalid timestamp (log-and-skip-on-invalid). */
  get skippedRecords(): number {
    return this.skippedRecordsValue;
  }

  /** The error that failed the task, if it failed. */
  get failedWith(): EddyError | undefined {
    return this.failure;
  }

  /** A store of this task, for reads by tests and interactive queries. */
  store(name: string): KeyValueStore {
    return this.options.database.keyValueStore(name);
  }

  /**
   * Processes `batch` in order, each record depth-first through the graph.
   * Records run in time slices under one CPU-time guard each: a slice takes
   * no new record once half the CPU limit has passed, so a call is stopped
   * only after running at least half the limit, and at most the limit.
   * Throws (and fails the task) when a plugin fails and no dead-letter queue
   * is configured.
   */
  process(batch: readonly InputRecord[]): void {
    this.assertRunning();
    const sliceMs = this.cpuLimitMs / 2;
    let next = 0;
    while (next < batch.length) {
      this.guarded(() => {
        const sliceStart = performance.now();
        do this.processOne(batch[next++]!);
        while (next < batch.length && performance.now() - sliceStart < sliceMs);
      });
    }
  }

  /** The CPU-time limit of the task's processors (the smallest of their limits). */
  get cpuLimit(): number {
    return this.cpuLimitMs;
  }

  /**
   * Fails the task for a CPU-time overrun that an outer guard (one covering
   * several tasks' records, as the in-process runner uses) stopped while this
   * task was running; returns the error naming the node that ran over.
   */
  interrupted(timeout: GuardTimeout): EddyError {
    return this.fail(this.translate(timeout));
  }

  /** Fires wall-clock punctuators due at the wall clock's current time. */
  punctuateWallClock(): void {
    this.assertRunning();
    this.guarded(() => this.punctuate('wall-clock-time', this.wallClock()));
  }

  /**
   * Has every processor forward what its record cache holds (in topology
   * order, so an upstream cache's updates reach downstream caches first);
   * run before a commit.
   */
  flushCaches(): void {
    this.assertRunning();
    if (this.cache.maxBytes === 0) return;
    this.guarded(() => {
      for (const runtime of this.processors.values()) {
        if (runtime.processor.flush) this.callProcessor(runtime, () => runtime.processor.flush!());
      }
    });
  }

  /** Makes every store change since the last commit durable, with `checkpoints`. */
  commit(checkpoints: Record<string, string> = {}): void {
    this.assertRunning();
    this.options.database.commit(checkpoints);
    this.commitRequestedValue = false;
  }

  /** The limits a node's processor runs under: its own, else the task's, else the defaults. */
  limitsOf(node: ProcessorNode): ProcessorLimits {
    return { ...defaultProcessorLimits, ...this.options.limits, ...node.supplier.limits };
  }

  /**
   * Replaces the processor of node `nodeName` between records (hot-swap)
   * with one made by `prepared`. The new processor is made and initialised
   * first; if that fails, the old one keeps running, the task stays healthy,
   * and the error is thrown. On success the old processor is closed and its
   * punctuators are cancelled; stores are the task's, so state carries over.
   */
  replaceProcessor(nodeName: string, prepared: PreparedProcessor): void {
    this.assertRunning();
    const runtime = this.processors.get(nodeName);
    if (!runtime) throw new HostCallError(`no processor named '${nodeName}' in this task`, this.context({ node: nodeName }));
    const earlier = new Set(this.punctuations.idsOf(nodeName));
    const cancelNew = () => {
      for (const id of this.punctuations.idsOf(nodeName)) if (!earlier.has(id)) this.punctuations.cancel(nodeName, id);
    };
    const candidate: ProcessorRuntime = { ...runtime, prepared, processor: prepared.get() };
    try {
      runGuarded(() => this.callProcessor(candidate, () => candidate.processor.init(candidate.context)), this.cpuLimitMs);
    } catch (error) {
      cancelNew();
      throw this.translate(error);
    }
    try {
      runGuarded(() => this.callProcessor(runtime, () => runtime.processor.close()), this.cpuLimitMs);
    } catch (error) {
      this.log('warn', nodeName, `the replaced processor failed in close (ignored): ${this.translate(error).message}`);
    }
    for (const id of earlier) this.punctuations.cancel(nodeName, id);
    runtime.processor = candidate.processor;
    runtime.prepared = prepared;
  }

  /** Writes the stores' cached changes to SQLite (the changelog hook sees them). */
  flushStores(): void {
    this.assertRunning();
    this.options.database.flush();
  }

  /** Calls every plugin's `close` and releases the task. Uncommitted changes are discarded. */
  close(): void {
    if (this.stateValue === 'closed') return;
    const wasRunning = this.stateValue === 'running';
    this.stateValue = 'closed';
    try {
      if (wasRunning) {
        runGuarded(() => {
          for (const runtime of this.processors.values()) this.callProcessor(runtime, () => runtime.processor.close());
        }, this.cpuLimitMs);
      }
    } catch (error) {
      this.failure = this.translate(error);
      throw this.failure;
    } finally {
      if (this.options.ownsDatabase !== false) this.options.database.close();
    }
  }

  private wire(prepared: Map<string, PreparedProcessor>): void {
    const lent = {
      applicationId: this.applicationId,
      taskId: this.taskId,
      routeTo: (name: string) => this.routeOf(name),
      // A fresh object: the task's own may be the input record (more fields than metadata).
      metadata: () => {
        const at = this.currentMetadata;
        return at && { topic: at.topic, partition: at.partition, offset: at.offset };
      },
      schedule: (node: string, intervalMs: number, kind: PunctuationType) => this.punctuations.schedule(node, intervalMs, kind, this.wallClock()).id,
      cancel: (node: string, id: number) => this.punctuations.cancel(node, id),
      streamTime: () => this.streamTimeValue,
      wallClockTime: () => this.wallClock(),
      requestCommit: () => {
        this.commitRequestedValue = true;
      },
      keyValueStore: (name: string) =>
        this.options.globalStores && this.topology.globalStores.includes(name) ? this.options.globalStores(name) : this.options.database.keyValueStore(name),
      windowStore: (name: string) => {
        const spec = this.topology.storeSpec(name);
        if (spec?.kind !== 'window') throw new HostCallError(`store '${name}' is not a window store (declared: ${spec?.kind ?? 'no'})`, this.context());
        return this.options.database.windowStore(name, spec);
      },
      sessionStore: (name: string) => {
        const spec = this.topology.storeSpec(name);
        if (spec?.kind !== 'session') throw new HostCallError(`store '${name}' is not a session store (declared: ${spec?.kind ?? 'no'})`, this.context());
        return this.options.database.sessionStore(name, spec);
      },
      log: (level: LogLevel, node: string, message: string) => this.log(level, node, message),
      cache: this.cache,
      recordDropped: (node: string, reason: string) => {
        this.droppedRecordsValue++;
        const at = this.currentMetadata;
        const where = at ? ` (${at.topic}-${at.partition}@${at.offset})` : '';
        this.log('warn', node, `record dropped${where}: ${reason}`);
      },
      errorContext: (more: ErrorContext) => this.context(more),
    };
    for (const node of this.topology.processors) {
      const nodePrepared = prepared.get(node.name)!;
      this.processors.set(node.name, { node, prepared: nodePrepared, context: new NodeContext(node, lent), processor: nodePrepared.get() });
    }
    for (const source of this.topology.sources) {
      const routes = source.children.map((child) => this.routeOf(child));
      for (const topic of source.topics) {
        this.sourceRoutes.set(topic, routes);
        const supplied = this.preparedExtractors.get(source.name);
        if (supplied) {
          // The source's own context (no children to forward to: it only extracts).
          const sourceNode: ProcessorNode = { kind: 'processor', name: source.name, supplier: undefined as never, parents: [], children: [], stores: [] };
          // The application's default extractor, for a supplier that wraps it (a source with serdes: dsl/step-serdes.ts).
          const fallback = (record: StreamRecord, partitionTime: number): number | SkippedRecord => {
            const extracted = extractTimestamp(this.options.timestampExtractor ?? 'fail-on-invalid', record.timestamp, partitionTime, this.wallClock);
            return 'skip' in extracted ? extracted : extracted.timestamp;
          };
          this.sourceExtractors.set(topic, supplied.open(new NodeContext(sourceNode, lent), fallback));
        } else {
          this.sourceExtractors.set(topic, (source.timestampExtractor as TimestampExtractorName | undefined) ?? this.options.timestampExtractor ?? 'fail-on-invalid');
        }
      }
    }
  }

  private routeOf(name: string): Route {
    const node = this.topology.node(name)!;
    if (node.kind === 'sink') {
      if (node.perRecordTopic) {
        return (record) => {
          const topic = (record as RecordWithTopic).topic;
          if (!topic || !/^[A-Za-z0-9._-]{1,249}$/.test(topic)) {
            throw new HostCallError(`sink '${node.name}' writes to the topic each record names, and this record names ${topic ? `'${topic}', not a valid topic name` : 'none'}`, this.context({ node: node.name }));
          }
          const { topic: _, ...plain } = record as RecordWithTopic;
          this.options.onOutput({ topic, sink: node.name, record: plain });
        };
      }
      return (record) => this.options.onOutput({ topic: node.topic, sink: node.name, record });
    }
    if (node.kind === 'processor') return (record) => this.deliver(this.processors.get(name)!, record);
    throw new HostCallError(`node '${name}' is a source and cannot be a child`, this.context({ node: name }));
  }

  private initialize(runtime: ProcessorRuntime): void {
    this.callProcessor(runtime, () => runtime.processor.init(runtime.context));
  }

  private processOne(input: InputRecord): void {
    const routes = this.sourceRoutes.get(input.topic);
    if (!routes) {
      throw new HostCallError(`no source reads topic '${input.topic}'`, this.context({ topic: input.topic, partition: input.partition, offset: input.offset }));
    }
    // The input record is its own metadata (topic, partition, offset): no object per record.
    const where: RecordMetadata = input;
    const partitionKey = this.partitionKeyOf(input);
    let extracted;
    try {
      const extractor = this.sourceExtractors.get(input.topic)!;
      const partitionTime = this.partitionTimes.get(partitionKey) ?? -1;
      if (typeof extractor === 'string') {
        extracted = extractTimestamp(extractor, input.record.timestamp, partitionTime, this.wallClock);
      } else {
        this.currentMetadata = where;
        const timestamp = extractor(input.record, partitionTime);
        extracted = typeof timestamp === 'object' ? timestamp : timestamp >= 0 ? { timestamp } : { skip: `the source's timestamp extractor gave ${timestamp} (negative): skipped` };
      }
    } catch (error) {
      throw asEddyError(error).withContext(this.context(where));
    }
    if ('skip' in extracted) {
      this.skippedRecordsValue++;
      this.log('warn', this.topology.sourceFor(input.topic)?.name ?? '-', `${extracted.skip} (topic=${input.topic} partition=${input.partition} offset=${input.offset})`);
      return;
    }
    const timestamp = extracted.timestamp;
    const record = timestamp === input.record.timestamp ? input.record : { ...input.record, timestamp };
    if (timestamp > (this.partitionTimes.get(partitionKey) ?? -1)) this.partitionTimes.set(partitionKey, timestamp);
    if (timestamp > this.streamTimeValue) this.streamTimeValue = timestamp;
    this.currentMetadata = where;
    try {
      for (const route of routes) route(record);
    } catch (error) {
      if (!this.options.deadLetterQueueTopic || error instanceof GuardTimeout || !isPluginFailure(error)) throw error;
      this.sendToDeadLetterQueue(input, error);
    } finally {
      this.currentMetadata = undefined;
    }
    this.punctuate('stream-time', this.streamTimeValue);
  }

  /** `topic:partition` of `input`, the key of its partition time (remembered for the run of records of one partition). */
  private partitionKeyOf(input: InputRecord): string {
    if (input.topic !== this.lastPartition.topic || input.partition !== this.lastPartition.partition) {
      this.lastPartition = { topic: input.topic, partition: input.partition, key: `${input.topic}:${input.partition}` };
    }
    return this.lastPartition.key;
  }

  /** callProcessor for a record, without a closure per call (the hot path). */
  private deliver(runtime: ProcessorRuntime, record: StreamRecord): void {
    const previous = this.activeNode;
    this.activeNode = runtime;
    runtime.processor.process(record);
    this.activeNode = previous;
  }

  private punctuate(kind: PunctuationType, now: number): void {
    for (const schedule of this.punctuations.takeDue(kind, now)) {
      if (schedule.cancelled) continue;
      const runtime = this.processors.get(schedule.node)!;
      this.callProcessor(runtime, () => runtime.processor.punctuate(schedule.id, now));
    }
  }

  /** Runs a call into `runtime`'s processor, remembering it as the active node. */
  private callProcessor(runtime: ProcessorRuntime, call: () => void): void {
    const previous = this.activeNode;
    this.activeNode = runtime;
    call();
    this.activeNode = previous;
  }

  private sendToDeadLetterQueue(input: InputRecord, error: EddyError): void {
    const failedNode = error.context.node;
    this.log('warn', failedNode ?? '-', `record sent to dead-letter queue '${this.options.deadLetterQueueTopic}': ${error.message}`);
    this.droppedRecordsValue++;
    // A processor that broke (a trapped plugin) may be half-updated: give its node a new one.
    for (const runtime of this.processors.values()) {
      if (!runtime.processor.usable) {
        this.punctuations.clearNode(runtime.node.name);
        runtime.processor = runtime.prepared.get();
        this.initialize(runtime);
      }
    }
    this.activeNode = undefined;
    const headers = [
      ...input.record.headers,
      { key: deadLetterHeaders.exception, value: encoder.encode(error.name) },
      { key: deadLetterHeaders.message, value: encoder.encode(error.message) },
      { key: deadLetterHeaders.topic, value: encoder.encode(input.topic) },
      { key: deadLetterHeaders.partition, value: encoder.encode(String(input.partition)) },
      { key: deadLetterHeaders.offset, value: encoder.encode(String(input.offset)) },
      ...(failedNode ? [{ key: deadLetterHeaders.node, value: encoder.encode(failedNode) }] : []),
    ];
    this.options.onOutput({
      topic: this.options.deadLetterQueueTopic!,
      sink: 'dead-letter-queue',
      record: { ...input.record, headers },
    });
  }

  private guarded(work: () => void): void {
    try {
      runGuarded(work, this.cpuLimitMs);
    } catch (error) {
      throw this.fail(this.translate(error));
    }
  }

  /** Marks the task failed and rolls its state back to the last commit. */
  private fail(error: EddyError): EddyError {
    this.stateValue = 'failed';
    this.failure = error;
    this.options.database.rollback();
    return error;
  }

  private translate(error: unknown): EddyError {
    if (error instanceof GuardTimeout) {
      const runtime = this.activeNode;
      // Picked: the metadata may be the input record itself.
      const at = this.currentMetadata;
      const where = at ? { topic: at.topic, partition: at.partition, offset: at.offset } : {};
      this.activeNode = undefined;
      return new CpuLimitExceededError(
        `the plugin ran past its CPU-time limit and was stopped: ${error.message}`,
        this.context({ ...where, ...(runtime ? { node: runtime.node.name, plugin: runtime.prepared.name } : {}) }),
        { cause: error },
      );
    }
    this.activeNode = undefined;
    return asEddyError(error).withContext(this.context());
  }

  private assertRunning(): void {
    if (this.stateValue === 'running') return;
    const why = this.failure ? `: ${this.failure.message}` : '';
    throw new TaskStateError(`task is ${this.stateValue}${why}`, this.context());
  }

  private log(level: LogLevel, node: string, message: string): void {
    const entry: LogEntry = { level, message, applicationId: this.applicationId, taskId: this.taskId, node };
    if (this.options.onLog) this.options.onLog(entry);
    else if (level !== 'trace' && level !== 'debug') {
      process.stderr.write(`[eddy] ${level} app=${this.applicationId} task=${this.taskId} node=${node}: ${message}\n`);
    }
  }

  private context(more: ErrorContext = {}): ErrorContext {
    return { applicationId: this.applicationId, taskId: this.taskId, ...more };
  }
}

function asEddyError(error: unknown): EddyError {
  if (error instanceof EddyError) return error;
  return new EddyError(messageOf(error), {}, { cause: error });
}
