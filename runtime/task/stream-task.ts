// A stream task: one instance of a topology, processing one partition (or one
// set of co-partitioned partitions) depth-first.
//
// Owns: the task's plugin instances and stores, pushing each input record
// through the whole graph — a record's outputs reach the sinks before the
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
import { PluginComponent, defaultLimits, type CompiledPlugin, type PluginLimits } from '../plugin/component.ts';
import { GuardTimeout, runGuarded } from '../plugin/cpu-guard.ts';
import type { LogLevel, NodeHost, PunctuationType } from '../plugin/host/node-host.ts';
import { PluginInstance } from '../plugin/plugin-instance.ts';
import type { RecordMetadata, StreamRecord } from '../record.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import type { TaskDatabase } from '../state/task-database.ts';
import { pluginName, type ProcessorNode, type Topology } from '../topology/topology.ts';
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
  /** Wall-clock time in ms (the test driver passes its simulated clock). */
  wallClock?: () => number;
  /** Receives every sink record, in emission order. */
  onOutput: (output: SinkRecord) => void;
  onLog?: (entry: LogEntry) => void;
  /** Limits for processors that set none of their own. */
  limits?: Partial<PluginLimits>;
  /**
   * When set, an input record whose processing fails in a plugin is written
   * here (with the error in headers) and processing continues; when unset, the
   * task fails. A CPU-limit overrun always fails the task.
   */
  deadLetterQueueTopic?: string;
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
  compiled: CompiledPlugin;
  host: NodeHost;
  instance: PluginInstance;
  deliver: (record: StreamRecord) => void;
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
  private readonly processors = new Map<string, ProcessorRuntime>();
  private readonly sourceRoutes = new Map<string, Array<(record: StreamRecord) => void>>();
  private readonly wallClock: () => number;
  private readonly cpuLimitMs: number;
  private droppedRecordsValue = 0;

  private constructor(
    readonly topology: Topology,
    private readonly options: TaskOptions,
  ) {
    this.applicationId = options.applicationId;
    this.taskId = options.taskId ?? `0_${options.partition ?? 0}`;
    this.wallClock = options.wallClock ?? Date.now;
    const limits = topology.processors.map((node) => ({ ...defaultLimits, ...options.limits, ...node.limits }).cpuMs);
    this.cpuLimitMs = limits.length > 0 ? Math.min(...limits) : defaultLimits.cpuMs;
  }

  /** Loads every plugin of the topology, instantiates it for this task, and runs its `init`. */
  static async create(topology: Topology, options: TaskOptions): Promise<StreamTask> {
    const task = new StreamTask(topology, options);
    const compiled = new Map<string, CompiledPlugin>();
    for (const node of topology.processors) {
      const limits: PluginLimits = { ...defaultLimits, ...options.limits, ...node.limits };
      try {
        const component =
          typeof node.plugin === 'string'
            ? await PluginComponent.fromFile(node.plugin)
            : await PluginComponent.fromBytes(node.plugin.bytes, node.plugin.name);
        compiled.set(node.name, await component.compile(limits));
      } catch (error) {
        throw asEddyError(error).withContext(task.context({ node: node.name, plugin: pluginName(node.plugin) }));
      }
    }
    task.wire(compiled);
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

  /** Fires wall-clock punctuators due at the wall clock's current time. */
  punctuateWallClock(): void {
    this.assertRunning();
    this.guarded(() => this.punctuate('wall-clock-time', this.wallClock()));
  }

  /** Makes every store change since the last commit durable, with `checkpoints`. */
  commit(checkpoints: Record<string, string> = {}): void {
    this.assertRunning();
    this.options.database.commit(checkpoints);
    this.commitRequestedValue = false;
  }

  /**
   * Replaces the plugin of processor `nodeName` between records (hot-swap).
   * The new instance is created and initialised first; if that fails, the
   * old instance keeps running, the task stays healthy, and the error is
   * thrown. On success the old instance is closed and its punctuators are
   * cancelled; stores are the task's, so state carries over.
   */
  replaceProcessor(nodeName: string, compiled: CompiledPlugin, config: Array<[string, string]>): void {
    this.assertRunning();
    const runtime = this.processors.get(nodeName);
    if (!runtime) throw new HostCallError(`no processor named '${nodeName}' in this task`, this.context({ node: nodeName }));
    const earlier = new Set(this.punctuations.idsOf(nodeName));
    const cancelNew = () => {
      for (const id of this.punctuations.idsOf(nodeName)) if (!earlier.has(id)) this.punctuations.cancel(nodeName, id);
    };
    const candidate: ProcessorRuntime = { ...runtime, compiled, node: { ...runtime.node, config } };
    try {
      runGuarded(() => {
        candidate.instance = PluginInstance.create(compiled, runtime.host);
        this.callPlugin(candidate, () => candidate.instance.init(config));
      }, this.cpuLimitMs);
    } catch (error) {
      cancelNew();
      throw this.translate(error);
    }
    try {
      runGuarded(() => this.callPlugin(runtime, () => runtime.instance.close()), this.cpuLimitMs);
    } catch (error) {
      this.log('warn', nodeName, `the replaced instance failed in close (ignored): ${this.translate(error).message}`);
    }
    for (const id of earlier) this.punctuations.cancel(nodeName, id);
    runtime.instance = candidate.instance;
    runtime.compiled = compiled;
    runtime.node = candidate.node;
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
          for (const runtime of this.processors.values()) this.callPlugin(runtime, () => runtime.instance.close());
        }, this.cpuLimitMs);
      }
    } catch (error) {
      this.failure = this.translate(error);
      throw this.failure;
    } finally {
      this.options.database.close();
    }
  }

  private wire(compiled: Map<string, CompiledPlugin>): void {
    const routeOf = (name: string): ((record: StreamRecord) => void) => {
      const node = this.topology.node(name)!;
      if (node.kind === 'sink') {
        return (record) => this.options.onOutput({ topic: node.topic, sink: node.name, record });
      }
      if (node.kind === 'processor') return (record) => this.deliver(this.processors.get(name)!, record);
      throw new HostCallError(`node '${name}' is a source and cannot be a child`, this.context({ node: name }));
    };
    for (const node of this.topology.processors) {
      const runtime = { node, compiled: compiled.get(node.name)! } as ProcessorRuntime;
      runtime.host = this.hostFor(runtime, () => node.children.map(routeOf), (child) => (node.children.includes(child) ? routeOf(child) : undefined));
      runtime.instance = PluginInstance.create(runtime.compiled, runtime.host);
      this.processors.set(node.name, runtime);
    }
    for (const source of this.topology.sources) {
      const routes = source.children.map(routeOf);
      for (const topic of source.topics) this.sourceRoutes.set(topic, routes);
    }
  }

  private hostFor(
    runtime: ProcessorRuntime,
    children: () => Array<(record: StreamRecord) => void>,
    child: (name: string) => ((record: StreamRecord) => void) | undefined,
  ): NodeHost {
    let routes: Array<(record: StreamRecord) => void> | undefined;
    const childRoutes = new Map<string, (record: StreamRecord) => void>();
    const node = runtime.node;
    return {
      applicationId: this.applicationId,
      taskId: this.taskId,
      nodeName: node.name,
      forward: (record) => {
        routes ??= children();
        for (const route of routes) route(record);
      },
      forwardTo: (name, record) => {
        let route = childRoutes.get(name);
        if (!route) {
          route = child(name);
          if (!route) {
            throw new HostCallError(
              `forward-to '${name}': not a child of node '${node.name}' (children: ${node.children.join(', ') || 'none'})`,
              this.context({ node: node.name }),
            );
          }
          childRoutes.set(name, route);
        }
        route(record);
      },
      metadata: () => this.currentMetadata,
      schedule: (intervalMs, kind: PunctuationType) => {
        if (!(intervalMs >= 1)) throw new HostCallError(`schedule: interval must be at least 1 ms, got ${intervalMs}`, this.context({ node: node.name }));
        return this.punctuations.schedule(node.name, intervalMs, kind, this.wallClock()).id;
      },
      cancel: (id) => this.punctuations.cancel(node.name, id),
      streamTime: () => this.streamTimeValue,
      wallClockTime: () => this.wallClock(),
      requestCommit: () => {
        this.commitRequestedValue = true;
      },
      openStore: (name) => {
        if (node.stores !== '*' && !node.stores.includes(name)) {
          const connected = node.stores.length > 0 ? node.stores.join(', ') : 'none';
          return `node '${node.name}' has no access to store '${name}' (connected stores: ${connected})`;
        }
        try {
          return this.options.database.keyValueStore(name);
        } catch (error) {
          return messageOf(error);
        }
      },
      log: (level, message) => this.log(level, node.name, message),
    };
  }

  private initialize(runtime: ProcessorRuntime): void {
    this.callPlugin(runtime, () => runtime.instance.init(runtime.node.config));
  }

  private processOne(input: InputRecord): void {
    const routes = this.sourceRoutes.get(input.topic);
    if (!routes) {
      throw new HostCallError(`no source reads topic '${input.topic}'`, this.context({ topic: input.topic, partition: input.partition, offset: input.offset }));
    }
    if (input.record.timestamp > this.streamTimeValue) this.streamTimeValue = input.record.timestamp;
    this.currentMetadata = { topic: input.topic, partition: input.partition, offset: input.offset };
    try {
      for (const route of routes) route(input.record);
    } catch (error) {
      if (!this.options.deadLetterQueueTopic || error instanceof GuardTimeout || !isPluginFailure(error)) throw error;
      this.sendToDeadLetterQueue(input, error);
    } finally {
      this.currentMetadata = undefined;
    }
    this.punctuate('stream-time', this.streamTimeValue);
  }

  private deliver(runtime: ProcessorRuntime, record: StreamRecord): void {
    const where = this.currentMetadata;
    this.callPlugin(runtime, () => runtime.instance.process(record, where ? { ...where } : {}));
  }

  private punctuate(kind: PunctuationType, now: number): void {
    for (const schedule of this.punctuations.takeDue(kind, now)) {
      if (schedule.cancelled) continue;
      const runtime = this.processors.get(schedule.node)!;
      this.callPlugin(runtime, () => runtime.instance.punctuate(schedule.id, now));
    }
  }

  /** Runs a call into `runtime`'s plugin, remembering it as the active node. */
  private callPlugin(runtime: ProcessorRuntime, call: () => void): void {
    const previous = this.activeNode;
    this.activeNode = runtime;
    call();
    this.activeNode = previous;
  }

  private sendToDeadLetterQueue(input: InputRecord, error: EddyError): void {
    const failedNode = error.context.node;
    this.log('warn', failedNode ?? '-', `record sent to dead-letter queue '${this.options.deadLetterQueueTopic}': ${error.message}`);
    this.droppedRecordsValue++;
    // A plugin that trapped may be half-updated: give its node a fresh instance.
    for (const runtime of this.processors.values()) {
      if (runtime.instance.isPoisoned) {
        this.punctuations.clearNode(runtime.node.name);
        runtime.instance = PluginInstance.create(runtime.compiled, runtime.host);
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
      const where = this.currentMetadata ?? {};
      this.activeNode = undefined;
      return new CpuLimitExceededError(
        `the plugin ran past its CPU-time limit and was stopped: ${error.message}`,
        this.context({ ...where, ...(runtime ? { node: runtime.node.name, plugin: runtime.compiled.component.name } : {}) }),
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
