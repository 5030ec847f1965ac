// One sink task on Kafka (Kafka Connect's WorkerSinkTask): a member of the
// connector's consumer group `connect-<name>` that converts and transforms
// each fetched batch and puts it into its plugin (while the consumer
// fetches the next one), and commits the group's offsets only after the
// plugin has flushed what it was given.
//
// Owns: the group consumer (through the Kafka ports), converting keys,
// values and headers, the connector's transforms (after the converters, as
// Kafka's; a dropped record is not put, its offset still committed), put →
// flush → commit every offset.flush.interval.ms, before a rebalance and at
// stop, and the task's state.
// Conversions and transforms run under the task's error handler
// (error-handling.ts: errors.tolerance, the log and the dead-letter queue);
// a failure of the plugin's put is never tolerated, as Kafka's.
// Must never: commit an offset the plugin has not flushed nor one whose
// failed record's dead-letter copy is unacknowledged, or let a failure of its
// plugin or of a transform stop another task.

import type { FetchedBatch, GroupConsumer, GroupConsumerListener, KafkaAdmin, KafkaConnection, TopicPartition } from '../kafka/ports.ts';
import type { Config, SinkRecord, SinkTaskInstance } from '../plugin/plugin-connector.ts';
import { messageOf } from '../errors.ts';
import { toConnectorValue } from './connector-data.ts';
import type { Converter } from './converter.ts';
import { defaultErrorHandling, ErrorHandler, type ErrorHandlingSettings } from './error-handling.ts';
import type { SimpleHeaderConverter } from './header-converter.ts';
import { TaskState, type TaskLog } from './task-state.ts';
import { TransformationError, type TaskTransformationChain } from './transformation-chain.ts';

export interface SinkTaskOptions {
  connector: string;
  task: number;
  instance: SinkTaskInstance;
  config: Config;
  topics: string[];
  keyConverter: Converter;
  valueConverter: Converter;
  headerConverter: SimpleHeaderConverter;
  /** Creates this task's transforms (in instances of its own) when the task starts. */
  transforms: () => TaskTransformationChain;
  connection: KafkaConnection;
  commitIntervalMs: number;
  log: TaskLog;
  /** The connector's `errors.*` keys (default: tolerance none, no log, no dead-letter queue). */
  errors?: ErrorHandlingSettings;
  /** Kafka's class names of the converters, for error reports. */
  converterClasses?: { key: string; value: string; header: string };
  /** The worker's admin (creating a missing dead-letter queue topic). */
  admin?: () => Promise<KafkaAdmin>;
  /** Hears each topic the task receives records of (Kafka's active topics). */
  onTopic?: (topic: string) => void;
  /** Start paused (the connector's target state is PAUSED). */
  paused?: boolean;
  /** Hears the task fail (the herder may restart it). */
  onFailed?: (error: unknown) => void;
}

export class WorkerSinkTask {
  readonly state: TaskState;
  private consumer: GroupConsumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** Per `topic\0partition`: the next offset to consume (what the plugin has been given). */
  private readonly consumed = new Map<string, { topic: string; partition: number; offset: number }>();
  private committed = new Map<string, number>();
  private committing: Promise<void> = Promise.resolve();
  /** The last accepted batch's processing (never rejects: a failure fails the task). */
  private processing: Promise<void> = Promise.resolve();
  /** The partitions of the last assignment (paused and resumed as a whole). */
  private assigned: TopicPartition[] = [];
  private pausing = false;
  private transforms: TaskTransformationChain | undefined;
  /** Records put since the task started. */
  put = 0;
  /** Records a transform dropped since the task started. */
  dropped = 0;
  readonly errors: ErrorHandler;

  constructor(private readonly options: SinkTaskOptions) {
    this.state = new TaskState(options.connector, options.task, options.log, options.onFailed);
    this.errors = new ErrorHandler(options.errors ?? defaultErrorHandling, { connector: options.connector, task: options.task, id: this.state.id }, options.log,
      options.connection, options.admin ?? (() => options.connection.admin()));
  }

  async start(): Promise<void> {
    try {
      this.transforms = this.options.transforms();
      this.options.instance.start(this.options.config);
      await this.errors.prepare();
      this.pausing = this.options.paused ?? false;
      await this.startConsumer();
      this.state.running();
      if (this.pausing) this.state.paused();
      this.timer = setInterval(() => void this.commit().catch((error: unknown) => this.state.fail(error)), Math.max(this.options.commitIntervalMs, 1));
    } catch (error) {
      this.state.fail(error);
    }
  }

  /** Joins the group; a topic created a moment ago may not be served by every broker yet, so joining is retried a while. */
  private async startConsumer(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (let attempt = 1; ; attempt++) {
      const consumer = this.options.connection.groupConsumer({
        groupId: `connect-${this.options.connector}`,
        topics: this.options.topics,
        sessionTimeoutMs: 45_000,
        heartbeatIntervalMs: 3_000,
        rebalanceTimeoutMs: 60_000,
      });
      try {
        await consumer.start(this.listener());
        this.consumer = consumer;
        return;
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        if (Date.now() >= deadline || this.stopping) throw error;
        this.options.log('debug', this.state.id, `joining the group failed (attempt ${attempt}), retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 2000)));
      }
    }
  }

  private listener(): GroupConsumerListener {
    return {
      onAssigned: (assignment) => {
        // Partitions this member no longer owns were committed before the rejoin.
        for (const [key, entry] of this.consumed) {
          if (!assignment.partitions[entry.topic]?.includes(entry.partition)) this.consumed.delete(key);
        }
        this.assigned = Object.entries(assignment.partitions).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
        this.options.log('info', this.state.id, `assigned ${JSON.stringify(assignment.partitions)}`);
        if (this.pausing) queueMicrotask(() => this.consumer?.pause(this.assigned));
      },
      beforeRejoin: async () => {
        await this.drain();
        await this.commit();
      },
      onBatch: async (batch) => this.onBatch(batch),
      onCrash: (error, restarting) => {
        if (!restarting) this.state.fail(error);
        else this.options.log('warn', this.state.id, `consumer restarts after: ${error.message}`);
      },
    };
  }

  /**
   * Takes a fetched batch: accepted (true) unless the task stops, failed or
   * is paused (then not consumed, so fetched again from here on resume). An
   * accepted batch is put by `process` after the previous one, once the
   * consumer has sent its next fetch: the broker prepares the next batch
   * while this one is converted and put (Kafka's consumer fetches ahead the
   * same way). At most one batch waits; a rebalance, a commit at stop and
   * `stop` wait for it (`drain`), and only processed batches count as
   * consumed, so an offset is never committed before its record was put and
   * flushed.
   */
  private async onBatch(batch: FetchedBatch): Promise<boolean> {
    if (this.stopping || this.state.status === 'FAILED') return false;
    if (this.pausing) return false;
    const previous = this.processing;
    this.processing = previous
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.process(batch))
      .catch((error: unknown) => this.state.fail(error));
    await previous;
    return true;
  }

  /** Waits until every accepted batch has been processed. */
  private async drain(): Promise<void> {
    for (let tail = this.processing; ; tail = this.processing) {
      await tail;
      if (tail === this.processing) return;
    }
  }

  private async process(batch: FetchedBatch): Promise<void> {
    if (this.state.status === 'FAILED') return;
    const { keyConverter, valueConverter, headerConverter, instance } = this.options;
    const classes = this.options.converterClasses ?? { key: 'Converter', value: 'Converter', header: 'org.apache.kafka.connect.storage.SimpleHeaderConverter' };
    if (batch.records.length > 0) {
      try {
        const records: SinkRecord[] = [];
        const errors = this.errors;
        const transforms = this.transforms!;
        const topic = batch.topic;
        for (const { offset, record } of batch.records) {
          // Kafka's convertAndTransformRecord: key, value, headers, then the transforms; a failed stage skips the record (tolerance all).
          // One try for the three conversions (no closure per record); `stage` says which one failed.
          let stage: 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' = 'KEY_CONVERTER';
          let key, value, headers;
          try {
            key = keyConverter.toConnectData(topic, record.key);
            stage = 'VALUE_CONVERTER';
            value = valueConverter.toConnectData(topic, record.value);
            stage = 'HEADER_CONVERTER';
            headers = record.headers.length === 0 ? [] : headerConverter.toConnectHeaders(record.headers);
          } catch (error) {
            const executingClass = stage === 'KEY_CONVERTER' ? classes.key : stage === 'VALUE_CONVERTER' ? classes.value : classes.header;
            errors.failed({ topic, partition: batch.partition, offset, record }, { stage, executingClass, error });
            continue;
          }
          let transformed;
          try {
            transformed = transforms.apply({
              topic,
              partition: batch.partition,
              key,
              value,
              timestamp: record.timestamp,
              headers,
              kafkaOffset: offset,
            });
          } catch (error) {
            errors.failed({ topic, partition: batch.partition, offset, record }, { stage: 'TRANSFORMATION', executingClass: error instanceof TransformationError ? error.transformClass : 'Transformation', error });
            continue;
          }
          if (transformed === undefined) {
            this.dropped++;
            continue;
          }
          records.push({
            topic: transformed.topic,
            partition: transformed.partition ?? batch.partition,
            offset: BigInt(offset),
            key: toConnectorValue(transformed.key),
            value: toConnectorValue(transformed.value),
            timestamp: BigInt(transformed.timestamp ?? record.timestamp),
          });
        }
        // The dead-letter copies are acknowledged before the batch counts as consumed.
        await errors.flush();
        if (records.length > 0) instance.put(records);
        this.put += records.length;
      } catch (error) {
        // With errors.tolerance=none: a record the converters cannot read or a transform that fails; and always: a plugin that refuses the batch.
        await this.errors.flush().catch((flushError: unknown) => this.options.log('error', this.state.id, messageOf(flushError)));
        this.state.fail(error);
        return;
      }
    }
    if (batch.records.length > 0) this.options.onTopic?.(batch.topic);
    this.consumed.set(`${batch.topic}\0${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: batch.lastOffset + 1 });
  }

  /** flush → commit, one at a time; nothing to do when nothing new was put. */
  commit(): Promise<void> {
    // A failed commit fails the task, but must not poison the chain for the final commit attempt.
    this.committing = this.committing.catch(() => undefined).then(async () => {
      if (this.state.status === 'FAILED' || !this.consumer) return;
      const offsets = [...this.consumed.entries()].filter(([key, entry]) => this.committed.get(key) !== entry.offset);
      if (offsets.length === 0) return;
      this.options.instance.flush(offsets.map(([, entry]) => ({ topic: entry.topic, partition: entry.partition, offset: BigInt(entry.offset) })));
      await this.consumer.commitOffsets(offsets.map(([, entry]) => entry));
      for (const [key, entry] of offsets) this.committed.set(key, entry.offset);
    });
    return this.committing;
  }

  /** Stops consuming (Kafka's PAUSED): the assigned partitions are paused until `resume`; offsets still commit. */
  pause(): void {
    if (this.pausing || this.state.status !== 'RUNNING') return;
    this.pausing = true;
    this.consumer?.pause(this.assigned);
    this.state.paused();
  }

  resume(): void {
    if (!this.pausing) return;
    this.pausing = false;
    this.consumer?.resume(this.assigned);
    this.state.resumed();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.drain();
    try {
      await this.commit();
    } catch (error) {
      this.state.fail(error);
    }
    if (this.consumer) {
      await this.consumer.stop().catch(() => undefined);
      await this.consumer.disconnect().catch(() => undefined);
    }
    try {
      this.options.instance.stop();
    } catch (error) {
      this.options.log('warn', this.state.id, `stop failed: ${(error as Error).message}`);
    }
    await this.errors.close();
    this.state.stopped();
  }
}
