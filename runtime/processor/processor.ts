// The host-side Processor API the engine drives (Kafka Streams' Processor,
// ProcessorContext and ProcessorSupplier).
//
// Owns: the contract between the task engine and whatever runs at a topology
// node — a WebAssembly processor plugin (an adapter in plugin/), a built-in
// DSL operator written in TypeScript, a test double. The engine (task/)
// implements ProcessorContext once per node and calls Processor; suppliers
// make one Processor per task.
// Must never: import the engine, a plugin runtime or a Kafka client — it is
// the seam between them.

import type { RecordMetadata, StreamRecord } from '../record.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import type { SessionStore, WindowStore } from '../state/window-store.ts';

export type PunctuationType = 'stream-time' | 'wall-clock-time';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Resource limits of one processor instance (enforced by the engine and the supplier). */
export interface ProcessorLimits {
  /** Largest memory one instance may hold, in bytes (enforced by the supplier). */
  memoryBytes: number;
  /**
   * CPU time in ms after which running work is stopped (enforced by the
   * engine: records run in guarded time slices, so work is never stopped
   * before it has run half of this, and always by the time it has run all).
   */
  cpuMs: number;
}

export const defaultProcessorLimits: ProcessorLimits = { memoryBytes: 256 * 1024 * 1024, cpuMs: 5000 };

/**
 * The task's record cache (Kafka Streams' statestore.cache.max.bytes): how
 * many bytes of held-back updates the processors of one task may keep
 * together before they must forward some. 0: no cache, every update goes
 * downstream at once.
 */
export interface CacheBudget {
  readonly maxBytes: number;
  /** Bytes held now, by every processor of the task. */
  usedBytes: number;
}

/** What a processor may ask of the node it runs as, inside its task. */
export interface ProcessorContext {
  readonly applicationId: string;
  /** The task, as `<subtopology>_<partition>`. */
  readonly taskId: string;
  readonly nodeName: string;
  /** Sends `record` to every child, depth-first, before returning. */
  forward(record: StreamRecord): void;
  /** Sends `record` to the child named `child`; throws HostCallError when it is not a child. */
  forwardTo(child: string, record: StreamRecord): void;
  /** Topic, partition and offset of the input record being processed (none in a wall-clock punctuation). */
  metadata(): RecordMetadata | undefined;
  /** Schedules a punctuator; returns its id (passed to `Processor.punctuate`). */
  schedule(intervalMs: number, kind: PunctuationType): number;
  cancel(id: number): void;
  streamTime(): number;
  wallClockTime(): number;
  requestCommit(): void;
  /** The key-value store, or a message saying why this node may not use it. */
  openStore(name: string): KeyValueStore | string;
  /** The window store, or a message saying why this node may not use it. */
  openWindowStore(name: string): WindowStore | string;
  /** The session store, or a message saying why this node may not use it. */
  openSessionStore(name: string): SessionStore | string;
  log(level: LogLevel, message: string): void;
  /**
   * Says that the record being processed is dropped on purpose (a null key
   * an aggregation cannot group, a record for a window that has closed):
   * counted in the task's dropped records and logged with `reason`.
   */
  recordDropped(reason: string): void;
  /** The task's record cache, shared by its processors. */
  readonly cache: CacheBudget;
}

/** One node's logic in one task. Every call is synchronous and runs depth-first. */
export interface Processor {
  init(context: ProcessorContext): void;
  process(record: StreamRecord): void;
  punctuate(id: number, timestamp: number): void;
  /**
   * Forwards whatever the processor holds back (a record cache) — called
   * before the task commits, in topology order, so held updates are in the
   * same commit as the input that made them.
   */
  flush?(): void;
  close(): void;
  /**
   * False after a failure that may have left the processor broken (a trapped
   * plugin): the engine discards it and makes a new one instead of calling
   * it again.
   */
  readonly usable: boolean;
}

/** Makes a node's processors; prepared once per task, then one Processor per use. */
export interface ProcessorSupplier {
  /** For `describe()` and errors, e.g. `plugin: count.wasm` or `filter`. */
  readonly description: string;
  /** Limits set on this node (the application's defaults fill the rest). */
  readonly limits: Partial<ProcessorLimits>;
  /** Loads what processors need (a plugin compiles its component). */
  prepare(limits: ProcessorLimits): Promise<PreparedProcessor>;
}

export interface PreparedProcessor {
  /** Names the code in error context (the plugin's file name, or the operator). */
  readonly name: string;
  readonly limits: ProcessorLimits;
  /** A new, uninitialised processor. */
  get(): Processor;
}

/**
 * A source's timestamp extractor supplied by the topology (a user function),
 * besides the built-in ones named by TimestampExtractorName: prepared once
 * per task, opened with the context of the source it serves.
 */
export interface TimestampExtractorSupplier {
  /** For `describe()` and errors. */
  readonly description: string;
  prepare(limits: ProcessorLimits): Promise<PreparedTimestampExtractor>;
}

/** A record an extractor skips, and why (the task logs it once and counts it). */
export interface SkippedRecord {
  skip: string;
}

/** A record and its partition's time so far (-1 before any) → its time; a negative time (a user function's) or a SkippedRecord skips the record. */
export type ExtractTimestamp = (record: StreamRecord, partitionTime: number) => number | SkippedRecord;

export interface PreparedTimestampExtractor {
  /** The extractor; `fallback` is the application's default extractor, for a supplier that only wraps one (optional for callers). */
  open(context: ProcessorContext, fallback?: ExtractTimestamp): ExtractTimestamp;
}
