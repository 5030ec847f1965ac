// The topology test driver: run a topology in-process, without a broker.
//
// Owns: the plugin author's test API, modelled on Kafka Streams'
// TopologyTestDriver — pipe input records, read output records per topic,
// read store contents, advance a simulated wall clock so punctuators fire.
// It drives the one StreamTask the Kafka runtime drives; it commits after
// every pipe call, like TopologyTestDriver does after every record.
// Must never: be a second engine, or talk to Kafka.

import type { TimestampExtractorName } from '../time/timestamp-extractor.ts';
import { defaultLimits, type PluginLimits } from '../plugin/component.ts';
import type { Header, StreamRecord } from '../record.ts';
import type { KeyValueEntry } from '../state/key-value-store.ts';
import { TaskDatabase } from '../state/task-database.ts';
import type { InputRecord, LogEntry, SinkRecord } from '../task/stream-task.ts';
import { InProcessTopology } from './in-process-topology.ts';
import type { Topology } from '../topology/topology.ts';

export interface TestDriverOptions {
  applicationId?: string;
  /** SQLite file for the task's stores; default: in memory. */
  stateFile?: string;
  /** Initial simulated wall-clock time in ms; default: now. */
  initialWallClockTime?: number;
  limits?: Partial<PluginLimits>;
  /** Route failed input records here instead of failing (see TaskOptions). */
  deadLetterQueueTopic?: string;
  /** The timestamp extractor of sources that set none (default fail-on-invalid). */
  timestampExtractor?: TimestampExtractorName;
  /** Receives plugin log lines; default: kept in `logs`. */
  onLog?: (entry: LogEntry) => void;
}

/** Bytes, or text (encoded as UTF-8), or null. */
export type TestBytes = Uint8Array | string | null | undefined;

export interface TestInput {
  key?: TestBytes;
  value?: TestBytes;
  /** Default: the simulated wall-clock time. */
  timestamp?: number;
  headers?: Array<{ key: string; value: TestBytes }>;
}

/** An output record, with key and value both as bytes and as UTF-8 text. */
export interface TestOutput {
  topic: string;
  key: string | null;
  value: string | null;
  keyBytes: Uint8Array | undefined;
  valueBytes: Uint8Array | undefined;
  timestamp: number;
  headers: Header[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toBytes(value: TestBytes): Uint8Array | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? encoder.encode(value) : value;
}

export function toTestOutput(output: SinkRecord): TestOutput {
  const { key, value, timestamp, headers } = output.record;
  return {
    topic: output.topic,
    key: key === undefined ? null : decoder.decode(key),
    value: value === undefined ? null : decoder.decode(value),
    keyBytes: key,
    valueBytes: value,
    timestamp,
    headers,
  };
}

/** What the driver and its task share: the simulated clock and what came out. */
interface DriverState {
  wallClockTime: number;
  outputs: SinkRecord[];
  logs: LogEntry[];
}

export class TopologyTestDriver {
  private readonly offsets = new Map<string, number>();

  private constructor(
    private readonly task: InProcessTopology,
    private readonly state: DriverState,
  ) {}

  /**
   * Loads the topology's plugins and starts one task per sub-topology
   * (partition 0). Records written to a topic the topology reads itself (a
   * repartition topic) are processed right after the record that caused
   * them, as in Kafka Streams' TopologyTestDriver.
   */
  static async create(topology: Topology, options: TestDriverOptions = {}): Promise<TopologyTestDriver> {
    const state: DriverState = { wallClockTime: options.initialWallClockTime ?? Date.now(), outputs: [], logs: [] };
    const task = await InProcessTopology.create(topology, {
      applicationId: options.applicationId ?? 'test-driver',
      database: TaskDatabase.open(options.stateFile ?? ':memory:'),
      wallClock: () => state.wallClockTime,
      onOutput: (output) => state.outputs.push(output),
      onLog: options.onLog ?? ((entry) => state.logs.push(entry)),
      limits: { ...defaultLimits, ...options.limits },
      deadLetterQueueTopic: options.deadLetterQueueTopic,
      timestampExtractor: options.timestampExtractor,
    });
    return new TopologyTestDriver(task, state);
  }

  /** Plugin log lines, when no `onLog` was given. */
  get logs(): LogEntry[] {
    return this.state.logs;
  }

  /** Pipes records into `topic`, processes them depth-first, then commits. */
  pipeInput(topic: string, records: TestInput | TestInput[]): void {
    const list = Array.isArray(records) ? records : [records];
    const batch: InputRecord[] = list.map((input) => this.toInput(topic, input));
    this.task.process(batch);
    this.task.commit();
  }

  /** Pipes already-built records (bytes, timestamps, headers) into `topic`. */
  pipeRecords(topic: string, records: StreamRecord[]): void {
    this.task.process(records.map((record) => ({ topic, partition: 0, offset: this.nextOffset(topic), record })));
    this.task.commit();
  }

  /** Moves the simulated wall clock forward; due wall-clock punctuators fire. */
  advanceWallClockTime(ms: number): void {
    this.state.wallClockTime += ms;
    this.task.punctuateWallClock();
    this.task.commit();
  }

  /** Removes and returns the records emitted to `topic` so far, in order. */
  readOutput(topic: string): TestOutput[] {
    const taken: TestOutput[] = [];
    const kept: SinkRecord[] = [];
    for (const output of this.state.outputs) {
      if (output.topic === topic) taken.push(toTestOutput(output));
      else kept.push(output);
    }
    this.state.outputs = kept;
    return taken;
  }

  /** Removes and returns every record emitted so far, across topics, in emission order. */
  readAllOutput(): TestOutput[] {
    return this.state.outputs.splice(0).map(toTestOutput);
  }

  /** All entries of store `name`, in key order. */
  storeEntries(name: string): KeyValueEntry[] {
    const cursor = this.task.store(name).range(undefined, undefined);
    const entries: KeyValueEntry[] = [];
    for (let page = cursor.next(1000); page.length > 0; page = cursor.next(1000)) entries.push(...page);
    return entries;
  }

  /** Store `name` as a map of UTF-8 key → UTF-8 value. */
  storeAsText(name: string): Map<string, string> {
    return new Map(this.storeEntries(name).map((entry) => [decoder.decode(entry.key), decoder.decode(entry.value)]));
  }

  /** The value of `key` in store `name`, as bytes. */
  storeGet(name: string, key: TestBytes): Uint8Array | undefined {
    const bytes = toBytes(key);
    return bytes === undefined ? undefined : this.task.store(name).get(bytes);
  }

  get streamTime(): number {
    return this.task.streamTime;
  }

  /** Records sent to the dead-letter queue. */
  get droppedRecords(): number {
    return this.task.droppedRecords;
  }

  /** Records skipped for an invalid timestamp (log-and-skip-on-invalid). */
  get skippedRecords(): number {
    return this.task.skippedRecords;
  }

  /** Commits and closes the task (plugins' `close` runs). */
  close(): void {
    if (this.task.running) this.task.commit();
    this.task.close();
  }

  private toInput(topic: string, input: TestInput): InputRecord {
    return {
      topic,
      partition: 0,
      offset: this.nextOffset(topic),
      record: {
        key: toBytes(input.key),
        value: toBytes(input.value),
        timestamp: input.timestamp ?? this.state.wallClockTime,
        headers: (input.headers ?? []).map((header) => ({ key: header.key, value: toBytes(header.value) ?? new Uint8Array() })),
      },
    };
  }

  private nextOffset(topic: string): number {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    return offset;
  }
}
