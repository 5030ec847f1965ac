// Measuring during a Kafka benchmark: watches an output topic (counts
// records as they arrive, read-committed; keeps the latest value per key,
// decoded as the topology writes it; records the end-to-end latency of each
// record: arrival time minus the record's timestamp, which every system under
// test copies from its input or, for aggregations, takes as the largest of the
// inputs that built the record), drives input at a fixed rate with the send
// time as record timestamp, and knows the final values a word count and a
// tumbling-window word count must reach.
// Owns: those measurements. Must never: configure a system under test
// (systems.ts does; a latency run only calls the start it is given and stops
// what it started), or decide what a benchmark reports.

import type { ChildProcess } from 'node:child_process';
import { createKafka } from '../../runtime/kafka/kafka-client.ts';
import { referenceWords } from '../wordcount-reference.ts';
import { stop } from './systems.ts';

/** Turns an output record into the (key, value) text `latest` keeps. */
export type OutputDecoder = (key: Buffer, value: Buffer | null) => [string, string];

/** Key and value as UTF-8 text (the Processor-API and DSL word counts write decimal strings). */
export const textOutput: OutputDecoder = (key, value) => [key.toString(), value?.toString() ?? ''];

/** A time-windowed key (key ‖ 8-byte window start, Kafka Streams' TimeWindowedSerializer) and a Long value, as `word@start` and a decimal. */
export const windowedLongOutput: OutputDecoder = (key, value) => [
  `${key.subarray(0, key.length - 8).toString()}@${Number(key.readBigInt64BE(key.length - 8))}`,
  value && value.length === 8 ? String(value.readBigInt64BE(0)) : '',
];

export interface WatchOptions {
  /** Keep the latest value per key (text unless `decode` is given). */
  keepLatest?: boolean;
  decode?: OutputDecoder;
  latency?: boolean;
}

export interface OutputWatch {
  count: number;
  firstAt: number | undefined;
  lastAt: number | undefined;
  latest: Map<string, string>;
  latencies: number[];
  /** With `latency`: when each record arrived (ms since the epoch), in the order of `latencies`. */
  arrivals: number[];
  stop(): Promise<void>;
  /** Resolves when `done(this)` holds (checked on every batch), rejects after `timeoutMs`. */
  until(done: (watch: OutputWatch) => boolean, timeoutMs: number): Promise<void>;
}

export async function watchOutput(bootstrap: string, topic: string, options: WatchOptions = {}): Promise<OutputWatch> {
  const kafka = createKafka(bootstrap, 'bench-watch');
  const groupId = `bench-watch-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 20, minBytes: 1, maxBytesPerPartition: 4 * 1024 * 1024 });
  const decode = options.decode ?? (options.keepLatest ? textOutput : undefined);
  const waiters: Array<() => void> = [];
  const watch: OutputWatch = {
    count: 0,
    firstAt: undefined,
    lastAt: undefined,
    latest: new Map(),
    latencies: [],
    arrivals: [],
    stop: async () => {
      await consumer.disconnect().catch(() => undefined);
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    },
    until: (done, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (done(watch)) return resolve();
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms with ${watch.count} records on ${topic}`)), timeoutMs);
        const check = () => {
          if (done(watch)) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        waiters.push(check);
      }),
  };
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      watch.firstAt ??= now;
      watch.lastAt = now;
      watch.count += batch.messages.length;
      for (const message of batch.messages) {
        if (options.latency) {
          watch.latencies.push(now - Number(message.timestamp));
          watch.arrivals.push(now);
        }
        if (decode && message.key) {
          const [key, value] = decode(message.key, message.value);
          watch.latest.set(key, value);
        }
      }
      for (const check of waiters.splice(0)) check();
    },
  });
  return watch;
}

export function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

// ---- expected final values ------------------------------------------------------

export interface TimedLine {
  value: string;
  /** The record timestamp, ms since the epoch. */
  timestamp: number;
}

/** Every word's final count. */
export function countWords(lines: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of referenceWords(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** Every (word, tumbling window) final count, keyed `word@windowStart` as `windowedLongOutput` decodes them. */
export function countWordsPerWindow(lines: Iterable<TimedLine>, windowSizeMs: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { value, timestamp } of lines) {
    const start = timestamp - (timestamp % windowSizeMs);
    for (const word of referenceWords(value)) {
      const key = `${word}@${start}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** Whether every expected key has reached (at least) its final count. */
export function reachedFinal(expected: Map<string, number>, latest: Map<string, string>): boolean {
  for (const [key, count] of expected) if (Number(latest.get(key) ?? 0) < count) return false;
  return true;
}

/** Whether the output holds exactly the expected final counts, key for key. */
export function exactlyFinal(expected: Map<string, number>, latest: Map<string, string>): boolean {
  return latest.size === expected.size && [...expected].every(([key, count]) => Number(latest.get(key)) === count);
}

// ---- latency at a fixed input rate ----------------------------------------------------

/**
 * Produces `lines` (cycled) to `topic` at `rate` lines/s for `seconds`, in
 * ticks of 20 ms, each record's timestamp its send time; returns what it sent.
 */
export async function produceAtRate(bootstrap: string, topic: string, lines: readonly string[], rate: number, seconds: number): Promise<TimedLine[]> {
  const producer = createKafka(bootstrap, 'bench-rate').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const sent: TimedLine[] = [];
  const started = Date.now();
  let tick = 0;
  try {
    while (Date.now() - started < seconds * 1000) {
      const timestamp = Date.now();
      const batch = Array.from({ length: perTick }, (_, index) => ({ value: lines[(tick * perTick + index) % lines.length]!, timestamp }));
      sent.push(...batch);
      await producer.send({ topic, acks: -1, messages: batch.map(({ value }, index) => ({ key: String(tick * perTick + index), value, timestamp: String(timestamp) })) });
      tick++;
      const wait = started + tick * tickMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } finally {
    await producer.disconnect();
  }
  return sent;
}

export interface LatencyRun {
  bootstrap: string;
  /** Topics that exist already. */
  input: string;
  output: string;
  lines: readonly string[];
  rate: number;
  seconds: number;
  /** Starts the system under test on `input` → `output`; resolves once it processes. */
  start(): Promise<ChildProcess>;
  watch?: WatchOptions;
  /** Whether the output holds everything the sent lines lead to (then the run ends). */
  done(watch: OutputWatch, sent: readonly TimedLine[]): boolean;
  timeoutMs?: number;
}

export interface LatencyResult {
  p50: number;
  p99: number;
  /** Output records the percentiles are over. */
  records: number;
  /** Lines sent, and their rate (below the asked rate when sending falls behind). */
  sent: number;
  sentPerSecond: number;
}

/**
 * End-to-end latency at a fixed input rate: starts the system, lets it settle
 * for 3 s, then produces at the rate and measures every output record until
 * `done`; stops the system.
 */
export async function measureLatency(run: LatencyRun): Promise<LatencyResult> {
  const child = await run.start();
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const watch = await watchOutput(run.bootstrap, run.output, { ...run.watch, latency: true });
    let sent: TimedLine[];
    try {
      sent = await produceAtRate(run.bootstrap, run.input, run.lines, run.rate, run.seconds);
      await watch.until((current) => run.done(current, sent), run.timeoutMs ?? 120_000);
    } finally {
      await watch.stop();
    }
    const sentMs = sent.length > 1 ? sent[sent.length - 1]!.timestamp - sent[0]!.timestamp : 0;
    return {
      p50: percentile(watch.latencies, 0.5),
      p99: percentile(watch.latencies, 0.99),
      records: watch.latencies.length,
      sent: sent.length,
      sentPerSecond: sentMs > 0 ? sent.length / (sentMs / 1000) : Number.NaN,
    };
  } finally {
    await stop(child);
  }
}
