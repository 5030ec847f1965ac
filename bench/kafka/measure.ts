// Watches an output topic during a Kafka benchmark: counts records as they
// arrive (read-committed), keeps the latest value per key, and records the
// end-to-end latency of each record (arrival time minus the record's
// timestamp, which every system under test copies from its input).

import { createKafka } from '../../runtime/kafka/kafka-client.ts';

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

export async function watchOutput(bootstrap: string, topic: string, options: { keepLatest?: boolean; latency?: boolean } = {}): Promise<OutputWatch> {
  const kafka = createKafka(bootstrap, 'bench-watch');
  const groupId = `bench-watch-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 20, minBytes: 1, maxBytesPerPartition: 4 * 1024 * 1024 });
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
        if (options.keepLatest && message.key) watch.latest.set(message.key.toString(), message.value?.toString() ?? '');
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
