// A compacted Kafka topic read whole and followed (Kafka Connect's
// KafkaBasedLog): the storage of a distributed worker's configs, statuses and
// source offsets.
//
// Owns: creating the topic compacted if it is missing (with the partition
// count and replication factor the worker's keys give), reading every
// partition from its first offset and following it (a group of this worker
// alone, every partition assigned to it, no offsets committed), handing each
// record to its owner in offset order, `readToEnd()` — resolves once every
// record written before the call has been handed over — and writing
// records (acknowledged by all in-sync replicas before `send` resolves).
// Must never: skip a record without saying so in the log, or hand one over
// twice.

import { randomUUID } from 'node:crypto';
import { EddyError, messageOf } from '../errors.ts';
import type { FetchedBatch, GroupConsumer, KafkaAdmin, KafkaConnection, Producer } from '../kafka/ports.ts';
import { wholeTopicsAssignor } from '../kafka/whole-topics-assignor.ts';
import type { WorkerLog } from './worker.ts';

export interface LogRecord {
  key: string | null;
  value: Buffer | null;
  partition: number;
  offset: number;
}

export interface KafkaBasedLogOptions {
  connection: KafkaConnection;
  admin: KafkaAdmin;
  producer: Producer;
  topic: string;
  /** The worker's group: this log's own group is derived from it. */
  groupId: string;
  partitions: number;
  replicationFactor: number;
  log: WorkerLog;
  onRecord(record: LogRecord): void;
}

const logAssignor = wholeTopicsAssignor('EddyConnectLogAssignor');

export class KafkaBasedLog {
  private consumer: GroupConsumer | undefined;
  /** Per partition: the next offset to hand over. */
  private readonly positions = new Map<number, number>();
  private stopped = false;

  private constructor(private readonly options: KafkaBasedLogOptions) {}

  static async start(options: KafkaBasedLogOptions): Promise<KafkaBasedLog> {
    const log = new KafkaBasedLog(options);
    await options.admin.ensureTopics([{ topic: options.topic, partitions: options.partitions, replicationFactor: options.replicationFactor, config: { 'cleanup.policy': 'compact' } }]);
    await log.startConsumer(1);
    await log.readToEnd();
    return log;
  }

  get topic(): string {
    return this.options.topic;
  }

  /** Resolves once every record written before the call has been handed over. */
  async readToEnd(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let ends: Map<number, { low: number; end: number }>;
    for (;;) {
      try {
        ends = await this.options.admin.partitionOffsets(this.options.topic);
        break;
      } catch (error) {
        // A topic created a moment ago may have no leader yet; a broker may be restarting.
        if (Date.now() > deadline || this.stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    for (;;) {
      const behind = [...ends].filter(([partition, { end }]) => (this.positions.get(partition) ?? 0) < end);
      if (behind.length === 0) return;
      if (this.stopped) throw new EddyError(`the ${this.options.topic} log is stopped`);
      if (Date.now() > deadline) throw new EddyError(`could not read ${this.options.topic} to its end in ${timeoutMs} ms (behind in partitions ${behind.map(([partition]) => partition).join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Writes one record (a null value is a tombstone); resolves once Kafka acknowledged it. */
  async send(key: string, value: string | null, partition?: number): Promise<void> {
    await this.options.producer.send([{
      topic: this.options.topic,
      ...(partition === undefined ? {} : { partition }),
      record: { key: Buffer.from(key), value: value === null ? undefined : Buffer.from(value), timestamp: Date.now(), headers: [] },
    }]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) {
      await consumer.stop().catch(() => undefined);
      await consumer.disconnect().catch(() => undefined);
    }
  }

  private async startConsumer(attempt: number): Promise<void> {
    if (this.stopped) return;
    const consumer = this.options.connection.groupConsumer({
      // A group of this reader alone: every start reads the whole topic again.
      groupId: `${this.options.groupId}-log-${randomUUID()}`,
      topics: [this.options.topic],
      assignor: logAssignor,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1000,
      rebalanceTimeoutMs: 30_000,
      concurrency: 1,
    });
    this.consumer = consumer;
    const retry = (reason: string) => {
      if (this.stopped || this.consumer !== consumer) return;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6));
      this.options.log('warn', 'worker', `the reader of ${this.options.topic} ${reason}; a new one in ${delay} ms`);
      void consumer.disconnect().catch(() => undefined);
      setTimeout(() => void this.startConsumer(attempt + 1), delay);
    };
    try {
      await consumer.start({
        onAssigned: (assignment) => {
          for (const partition of assignment.partitions[this.options.topic] ?? []) {
            consumer.seek({ topic: this.options.topic, partition, offset: this.positions.get(partition) ?? 0 });
          }
        },
        beforeRejoin: async () => undefined,
        onBatch: async (batch) => this.apply(batch),
        onCrash: (error, restarting) => {
          if (!restarting) retry(`gave up (${error.message})`);
        },
      });
    } catch (error) {
      retry(`could not start (${messageOf(error)})`);
    }
  }

  private async apply(batch: FetchedBatch): Promise<boolean> {
    const from = this.positions.get(batch.partition) ?? 0;
    for (const { offset, record } of batch.records) {
      if (offset < from) continue;
      try {
        this.options.onRecord({
          key: record.key === undefined ? null : Buffer.from(record.key).toString('utf8'),
          value: record.value === undefined ? null : Buffer.from(record.value),
          partition: batch.partition,
          offset,
        });
      } catch (error) {
        this.options.log('error', 'worker', `a record of ${this.options.topic} (partition ${batch.partition}, offset ${offset}) could not be read and is skipped: ${messageOf(error)}`);
      }
    }
    this.positions.set(batch.partition, Math.max(from, batch.lastOffset + 1));
    return true;
  }
}
