// The window-store restore benchmark's data and readings: a synthetic
// changelog for the windowed count's store ("counts"), keyed as Kafka
// Streams' window stores log — key ‖ 8-byte window start ‖ 4-byte sequence
// number (0: no duplicates), big-endian — each key in the partition the
// repartition topic routes it to (murmur2 of the word, as Kafka's default
// partitioner), so the task that restores it is the task that later counts
// that word; probe lines whose output proves the restored counts; and each
// system's restore timings, read from its log (Eddy: "task X: restored N
// changelog records in M ms"; bench/kafka-streams: "restore <store>
// <partition> <records> <startMs> <endMs>").
// The values are what Kafka Streams 4.4 logs for a timestamped store, and
// Eddy too: the 8-byte Long count, with the aggregate's timestamp as the
// record timestamp (ChangeLoggingTimestampedWindowBytesStore strips the
// timestamp; the restore puts it back from the record timestamp).
// Owns: that data and those readings. Must never: start or stop a system or
// a broker, or create topics.

import type { ChildProcess } from 'node:child_process';
import { createKafka } from '../../runtime/kafka/kafka-client.ts';
import { murmur2 } from '../../runtime/kafka/kafkajs-patches.ts';
import { windowChangelogKey } from '../../runtime/state/window-store.ts';
import type { TimedLine } from './measure.ts';

export interface WindowChangelogPlan {
  /** Changelog records: every (key, window) pair once, keys `k0`, `k1`, … (one word each). */
  records: number;
  /** Window starts, ms since the epoch; all within the store's retention of the latest. */
  windowStarts: number[];
  partitions: number;
}

const keyOf = (index: number) => `k${index}`;
/** The count restored for key `index` in window `window` (1…1000). */
const countOf = (index: number, window: number) => ((index * 31 + window * 7) % 1000) + 1;
/** Record `i` is key ⌊i / windows⌋ in window i mod windows. */
const pairOf = (plan: WindowChangelogPlan, record: number) => ({ index: Math.floor(record / plan.windowStarts.length), window: record % plan.windowStarts.length });

/** The partition Kafka's default partitioner (and so a repartition topic) gives a string key. */
export function partitionOf(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;
}

/** Writes the plan's records to `topic` (which exists, with `plan.partitions` partitions), in chunks. */
export async function writeWindowChangelog(bootstrap: string, topic: string, plan: WindowChangelogPlan, chunk = 10_000): Promise<void> {
  const producer = createKafka(bootstrap, 'bench-changelog').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let first = 0; first < plan.records; first += chunk) {
      const messages = [];
      for (let record = first; record < Math.min(plan.records, first + chunk); record++) {
        const { index, window } = pairOf(plan, record);
        const key = keyOf(index);
        const start = plan.windowStarts[window]!;
        const count = Buffer.alloc(8);
        count.writeBigInt64BE(BigInt(countOf(index, window)));
        const timestamp = start + 1;
        messages.push({
          key: Buffer.from(windowChangelogKey(Buffer.from(key), start, 0)),
          value: count,
          timestamp: String(timestamp),
          partition: partitionOf(key, plan.partitions),
        });
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * `probes` input lines, each one restored key in one of its windows (time:
 * the window start + 1), spread over the keys, and the count each (key,
 * window) must then reach in the output (`word@start`): restored + 1.
 */
export function restoreProbes(plan: WindowChangelogPlan, probes: number): { lines: TimedLine[]; expected: Map<string, number> } {
  const lines: TimedLine[] = [];
  const expected = new Map<string, number>();
  const step = Math.max(1, Math.floor(plan.records / probes));
  for (let record = 0; record < plan.records && lines.length < probes; record += step) {
    const { index, window } = pairOf(plan, record);
    const start = plan.windowStarts[window]!;
    lines.push({ value: keyOf(index), timestamp: start + 1 });
    expected.set(`${keyOf(index)}@${start}`, countOf(index, window) + 1);
  }
  return { lines, expected };
}

export interface RestoreTiming {
  /** Changelog records restored, over all partitions. */
  records: number;
  /** Restores reported (partitions for Kafka Streams, tasks for Eddy). */
  restores: number;
  /** From the first restore's start to the last restore's end (wall clock). */
  milliseconds: number;
}

/**
 * Reads restore reports from a system's output (feed it every chunk with
 * `onText`). Eddy logs only the duration, so a restore's start is taken as
 * the arrival of its line minus its duration.
 */
export function restoreReader(engine: 'eddy' | 'kafka-streams') {
  let pending = '';
  let records = 0;
  let restores = 0;
  let firstStart = Infinity;
  let lastEnd = -Infinity;
  const waiters: Array<() => void> = [];
  const report = (count: number, startMs: number, endMs: number) => {
    records += count;
    restores++;
    firstStart = Math.min(firstStart, startMs);
    lastEnd = Math.max(lastEnd, endMs);
    for (const waiter of waiters.splice(0)) waiter();
  };
  return {
    onText(text: string): void {
      const now = Date.now();
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (engine === 'eddy') {
          const match = /task \S+: restored (\d+) changelog records in (\d+) ms/.exec(line);
          if (match) report(Number(match[1]), now - Number(match[2]), now);
        } else {
          const match = /^restore \S+ \d+ (\d+) (\d+) (\d+)$/.exec(line.trim());
          if (match) report(Number(match[1]), Number(match[2]), Number(match[3]));
        }
      }
    },
    timing(): RestoreTiming {
      return { records, restores, milliseconds: restores === 0 ? Number.NaN : lastEnd - firstStart };
    },
    /** Resolves once `target` records have been reported restored; rejects after `timeoutMs`, or if `child` exits first. */
    until(target: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
      return new Promise((resolve, reject) => {
        const fail = (why: string) => {
          clearTimeout(timer);
          reject(new Error(`restore: ${records} of ${target} records reported, then ${why}`));
        };
        const timer = setTimeout(() => fail(`${timeoutMs} ms passed`), timeoutMs);
        const onExit = (code: number | null) => fail(`the application exited with ${code}`);
        child?.once('exit', onExit);
        const check = () => {
          if (records >= target) {
            clearTimeout(timer);
            child?.off('exit', onExit);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}
