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
// stop, and the task's state; for a topics.regex subscription, looking for
// matching topics at every metadata refresh and replacing the consumer
// (after a commit) when they change.
// Conversions and transforms run under the task's error handler
// (error-handling.ts: errors.tolerance, the log and the dead-letter queue);
// a failure of the plugin's put is never tolerated, as Kafka's, but one it
// marks retriable (RetriableException) is retried: the same records again
// after the task's timeout, nothing else put meanwhile. Records the
// plugin reports errant (KIP-610) go through the same handler at stage
// TASK_PUT, as the records they were consumed as (kept until committed, for
// a plugin that can report; past 64 MiB kept, the task commits early). A plugin's asynchronous work (its HTTP
// requests): `put([])` as each outcome arrives, back-pressure before a put
// while 8 are in flight, and a flush only once none is outstanding (new
// batches wait meanwhile).
// Must never: commit an offset the plugin has not flushed nor one whose
// failed record's dead-letter copy is unacknowledged, flush while the
// plugin's work is outstanding, or let a failure of its plugin or of a
// transform stop another task.

import type { FetchedBatch, GroupConsumer, GroupConsumerListener, Heartbeat, KafkaAdmin, KafkaConnection, TopicPartition } from '../kafka/ports.ts';
import type { Config, RecordShape, SinkRecords, SinkTaskInstance } from '../plugin/plugin-connector.ts';
import { ConnectorError, messageOf } from '../errors.ts';
import { toConnectorValue } from './connector-data.ts';
import { encodeRecord } from './transform-record.ts';
import type { ConnectRecordData } from './connect-data.ts';
import type { Converter } from './converter.ts';
import { converterClassOf, defaultErrorHandling, ErrorHandler, isRetriable, type ConsumedOriginal, type ConverterClasses, type ConverterStage, type ErrorHandlingSettings } from './error-handling.ts';
import type { HeaderConverter } from './header-converter.ts';
import { TaskState, type TaskLog } from './task-state.ts';
import { matchingTopics } from './topic-pattern.ts';
import { TransformationError, type TaskTransformationChain } from './transformation-chain.ts';

export interface SinkTaskOptions {
  connector: string;
  task: number;
  instance: SinkTaskInstance;
  config: Config;
  /** What it consumes: `topics`, or every topic `topics.regex` matches. */
  subscription: SinkSubscription;
  keyConverter: Converter;
  valueConverter: Converter;
  headerConverter: HeaderConverter;
  /** Creates this task's transforms (in instances of its own) when the task starts. */
  transforms: () => TaskTransformationChain;
  connection: KafkaConnection;
  commitIntervalMs: number;
  log: TaskLog;
  /** The connector's `errors.*` keys (default: tolerance none, no log, no dead-letter queue). */
  errors?: ErrorHandlingSettings;
  /** Kafka's class names of the converters, for error reports. */
  converterClasses?: ConverterClasses;
  /** The worker's admin (creating a missing dead-letter queue topic). */
  admin?: () => Promise<KafkaAdmin>;
  /** Hears each topic the task receives records of (Kafka's active topics). */
  onTopic?: (topic: string) => void;
  /** Start paused (the connector's target state is PAUSED). */
  paused?: boolean;
  /** Hears the task fail (the herder may restart it). */
  onFailed?: (error: unknown) => void;
  /** How much of what it put a task that can report errant records keeps before it commits early (default 64 MiB). */
  maxKeptBytes?: number;
}

/**
 * A sink's topics: a list (`topics`), or a pattern (`topics.regex`) matched
 * against the cluster's topics at start and again every `refreshMs` (Kafka's
 * consumer metadata.max.age.ms), so topics created later are consumed too.
 */
export type SinkSubscription = { topics: string[] } | { pattern: RegExp; source: string; refreshMs: number };

/** A put waits while this many of the plugin's requests are in flight. */
export const maxInFlightIo = 8;
/** How long a stopping task waits for the plugin's outstanding work before it gives up its last commit (Kafka's task.shutdown.graceful.timeout.ms). */
const stopSettleMs = 5_000;
/** How much a task that can report errant records keeps of what it put before it commits early (and so forgets it). */
const defaultMaxKeptBytes = 64 * 1024 * 1024;
/** Kafka's executing class of an errant record report (WorkerErrantRecordReporter: SinkTask.class). */
const sinkTaskClass = 'org.apache.kafka.connect.sink.SinkTask';

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
  /** Per `topic\0partition`: the batches put since the last commit, with their size (only for a plugin that can report errant records). */
  private readonly given = new Map<string, Array<{ batch: FetchedBatch; bytes: number }>>();
  /** The bytes of the kept batches; past `maxKeptBytes` the task commits early, so memory stays bounded. */
  private keptBytes = 0;
  private committingEarly = false;
  /** Originals of put records a transform moved to another topic or partition, by `topic\0partition\0offset` as put. */
  private readonly moved = new Map<string, ConsumedOriginal>();
  /** A report that exceeded errors.tolerance: the task fails once the plugin's call returns. */
  private fatal: unknown;
  /** Set while a commit waits for the plugin's outstanding work: puts of new records wait for it. */
  private settling: Promise<void> | undefined;
  private ioArmed = false;
  /** The topics the consumer is subscribed to (a pattern's current matches). */
  private topics: string[] = [];
  /** A pattern's next look for matching topics. */
  private refreshTimer: NodeJS.Timeout | undefined;
  /** A pattern's resubscription in progress (stop waits for it). */
  private resubscribing: Promise<void> = Promise.resolve();
  /** Set while the consumer is replaced: fetched batches are refused (fetched again by the next consumer). */
  private replacingConsumer = false;
  /** The consumer's heartbeat of the latest batch: a put retried for long keeps the member in its group with it. */
  private heartbeat: Heartbeat | undefined;
  /** Ends the wait before a retried put early (the task stops). */
  private wakeRetry: (() => void) | undefined;

  constructor(private readonly options: SinkTaskOptions) {
    this.state = new TaskState(options.connector, options.task, options.log, options.onFailed);
    const errors = options.errors ?? defaultErrorHandling;
    this.errors = new ErrorHandler(errors, { connector: options.connector, task: options.task, id: this.state.id }, options.log,
      options.connection, options.admin ?? (() => options.connection.admin()));
    // Kafka's context.errantRecordReporter() is null unless a dead-letter queue or the error log is configured.
    const reporting = options.instance.reportsErrantRecords && (this.errors.deadLetterQueue !== undefined || errors.logEnable);
    options.instance.reportErrantRecordsTo(reporting ? (topic, partition, offset, message) => this.reportErrant(topic, partition, offset, message) : undefined);
  }

  /** An errant record report: handled as a failure at stage TASK_PUT of the record as consumed; a refusal's reason otherwise. */
  private reportErrant(topic: string, partition: number, offset: number, message: string): string | undefined {
    const original = this.originalOf(topic, partition, offset);
    if (original === undefined) return `no record at offset ${offset} of ${topic}-${partition} was put into this task since its last commit`;
    try {
      this.errors.failed(original, { stage: 'TASK_PUT', executingClass: sinkTaskClass, error: new ConnectorError(message) });
      return undefined;
    } catch (error) {
      this.fatal ??= error;
      return messageOf(error);
    }
  }

  private originalOf(topic: string, partition: number, offset: number): ConsumedOriginal | undefined {
    for (const { batch } of this.given.get(`${topic}\0${partition}`) ?? []) {
      const { records } = batch;
      if (records.length === 0 || offset < records[0]!.offset || offset > records[records.length - 1]!.offset) continue;
      let low = 0;
      let high = records.length - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const at = records[middle]!.offset;
        if (at === offset) return { topic, partition, offset, record: records[middle]!.record };
        if (at < offset) low = middle + 1;
        else high = middle - 1;
      }
    }
    return this.moved.get(`${topic}\0${partition}\0${offset}`);
  }

  /** FAILED, or failing: once a call into the plugin failed, nothing more is handed to it. */
  private get failed(): boolean {
    return this.state.status === 'FAILED' || this.fatal !== undefined;
  }

  /** Runs a call into the plugin; a report that exceeded the tolerance during it fails the call. */
  private callPlugin(invoke: () => void): void {
    invoke();
    if (this.fatal !== undefined) throw this.fatal;
  }

  /** Fails the task once the dead-letter copies of the records that failed so far are sent (or could not be). */
  private async failAfterDeadLetters(error: unknown): Promise<void> {
    this.fatal ??= error;
    await this.errors.flush().catch((flushError: unknown) => this.options.log('error', this.state.id, messageOf(flushError)));
    this.state.fail(error);
  }

  /** Calls the plugin with `put([])` whenever an outcome of its asynchronous work arrives, while any is outstanding. */
  private armIo(): void {
    const { instance } = this.options;
    if (this.ioArmed || this.failed || instance.outstandingIo === 0) return;
    this.ioArmed = true;
    const wait = instance.completedIo > 0 ? Promise.resolve() : instance.nextIoCompletion();
    void wait.then(() => {
      this.ioArmed = false;
      this.deliverIo();
    });
  }

  /** Hands waiting outcomes to the plugin (calls never overlap: each is synchronous). */
  private deliverIo(): void {
    const { instance } = this.options;
    if (this.failed || !instance.usable) return;
    try {
      if (instance.completedIo > 0) this.callPlugin(() => instance.putRecords(sinkRecords(instance.recordShape, [])));
    } catch (error) {
      void this.failAfterDeadLetters(error);
      return;
    }
    this.armIo();
  }

  /**
   * Waits until the plugin has no outstanding work (its outcomes taken),
   * holding back new puts meanwhile; false when `timeoutMs` passed first.
   */
  private async settleIo(timeoutMs = Infinity): Promise<boolean> {
    const { instance } = this.options;
    if (instance.outstandingIo === 0) return true;
    const deadline = Date.now() + timeoutMs;
    let release!: () => void;
    const settling = new Promise<void>((resolve) => (release = resolve));
    this.settling = settling;
    try {
      while (instance.outstandingIo > 0 && !this.failed) {
        if (instance.completedIo > 0) {
          this.deliverIo();
          continue;
        }
        if (Date.now() >= deadline) return false;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([instance.nextIoCompletion(), new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(deadline - Date.now(), 2 ** 31 - 1))))]);
        clearTimeout(timer);
      }
      return !this.failed;
    } finally {
      if (this.settling === settling) this.settling = undefined;
      release();
    }
  }

  async start(): Promise<void> {
    try {
      this.transforms = this.options.transforms();
      this.options.instance.start(this.options.config);
      await this.errors.prepare();
      this.pausing = this.options.paused ?? false;
      const subscription = this.options.subscription;
      if ('topics' in subscription) this.topics = subscription.topics;
      else {
        this.topics = await this.clusterTopicsMatching(subscription.pattern);
        this.options.log('info', this.state.id, `topics.regex=${subscription.source} matches ${this.topics.length === 0 ? 'no topic yet' : this.topics.join(', ')}; looking again every ${subscription.refreshMs} ms`);
        this.scheduleRefresh(subscription);
      }
      if (this.topics.length > 0) await this.startConsumer();
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
        topics: this.topics,
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
      onBatch: async (batch, heartbeat) => {
        if (heartbeat) this.heartbeat = heartbeat;
        return this.onBatch(batch);
      },
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
    if (this.stopping || this.failed) return false;
    if (this.pausing || this.replacingConsumer) return false;
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
    if (this.failed) return;
    const { keyConverter, valueConverter, headerConverter, instance } = this.options;
    if (batch.records.length > 0) {
      try {
        const records: GivenRecord[] = [];
        const errors = this.errors;
        const transforms = this.transforms!;
        const topic = batch.topic;
        for (const { offset, record } of batch.records) {
          // Kafka's convertAndTransformRecord: key, value, headers, then the transforms; a failed stage skips the record (tolerance all).
          // One try for the three conversions (no closure per record); `stage` says which one failed.
          let stage: ConverterStage = 'KEY_CONVERTER';
          let key, value, headers;
          try {
            key = keyConverter.toConnectData(topic, record.key);
            stage = 'VALUE_CONVERTER';
            value = valueConverter.toConnectData(topic, record.value);
            stage = 'HEADER_CONVERTER';
            headers = record.headers.length === 0 ? [] : headerConverter.toConnectHeaders(record.headers);
          } catch (error) {
            errors.failed({ topic, partition: batch.partition, offset, record }, { stage, executingClass: converterClassOf(stage, this.options.converterClasses), error });
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
            try {
              // A retriable failure is tried again under errors.retry.timeout (only this path awaits).
              if (!isRetriable(error)) throw error;
              transformed = await errors.retry(error, (last) => transforms.resume(last as TransformationError), () => this.stopping);
            } catch (final) {
              if (this.stopping && isRetriable(final)) return; // not consumed: delivered again after the restart
              errors.failed({ topic, partition: batch.partition, offset, record }, { stage: 'TRANSFORMATION', executingClass: final instanceof TransformationError ? final.transformClass : 'Transformation', error: final });
              continue;
            }
          }
          if (transformed === undefined) {
            this.dropped++;
            continue;
          }
          // The record as given to the transforms has its partition, timestamp and offset; a copy only when a transform dropped one.
          records.push(isGiven(transformed, offset) ? transformed : { ...transformed, partition: transformed.partition ?? batch.partition, timestamp: transformed.timestamp ?? record.timestamp, kafkaOffset: offset });
        }
        // The dead-letter copies are acknowledged before the batch counts as consumed.
        await errors.flush();
        if (records.length > 0) {
          while (this.settling) await this.settling;
          while (instance.inFlightIo >= maxInFlightIo && !this.failed) await instance.nextIoCompletion();
          if (this.failed) return;
          if (instance.reportsErrantRecords) this.keep(batch, records);
          // Stopping while a retriable put waits: the batch is not consumed (delivered again after the restart).
          if (!(await this.putRetrying(sinkRecords(instance.recordShape, records)))) return;
          this.armIo();
        }
        this.put += records.length;
      } catch (error) {
        // With errors.tolerance=none: a record the converters cannot read, a transform that fails, or a record the plugin reports errant; and always: a plugin that refuses the batch.
        await this.failAfterDeadLetters(error);
        return;
      }
    }
    if (batch.records.length > 0) this.options.onTopic?.(batch.topic);
    this.consumed.set(`${batch.topic}\0${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: batch.lastOffset + 1 });
  }

  /**
   * Puts a batch. A failure the plugin marked retriable (Kafka's
   * RetriableException from put) is logged as Kafka's WorkerSinkTask logs it,
   * and the same records are put again after the plugin's timeout
   * (SinkTaskContext.timeout) or else the commit interval — for as long as
   * it takes, as in Kafka; meanwhile nothing else is put (Kafka pauses every
   * partition), offsets of what was put before still commit, and the member
   * keeps its place in the group with heartbeats. False when the task stops
   * during the wait.
   */
  private async putRetrying(records: SinkRecords): Promise<boolean> {
    const { instance } = this.options;
    for (;;) {
      try {
        this.callPlugin(() => instance.putRecords(records));
        return true;
      } catch (error) {
        if (!isRetriable(error) || this.fatal !== undefined) throw error;
        const wait = instance.takeRetryTimeoutMs() ?? this.options.commitIntervalMs;
        this.options.log('error', this.state.id, `RetriableException from SinkTask ${this.state.id}: ${messageOf(error)}; the same ${records.records.length} record(s) are put again in ${wait} ms`);
        if (!(await this.waitUnlessStopping(wait))) return false;
      }
    }
  }

  /** Waits `ms` (sending the group heartbeats that fall due); false when the task stops meanwhile. */
  private async waitUnlessStopping(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.stopping) {
      const left = until - Date.now();
      if (left <= 0) return true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.wakeRetry = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeRetry = undefined;
      // A rebalance is refused here: it waits for this batch (up to the rebalance timeout), as Kafka's does for a poll.
      await this.heartbeat?.().catch(() => undefined);
    }
    return false;
  }

  /** Keeps a put batch's records as consumed, so the plugin can report any of them errant until they are committed. */
  private keep(batch: FetchedBatch, records: GivenRecord[]): void {
    const key = `${batch.topic}\0${batch.partition}`;
    let bytes = 0;
    for (const { record } of batch.records) bytes += 64 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
    const batches = this.given.get(key);
    if (batches) batches.push({ batch, bytes });
    else this.given.set(key, [{ batch, bytes }]);
    this.keptBytes += bytes;
    if (this.keptBytes > (this.options.maxKeptBytes ?? defaultMaxKeptBytes) && !this.committingEarly) {
      this.committingEarly = true;
      void this.commit().catch((error: unknown) => this.state.fail(error)).finally(() => (this.committingEarly = false));
    }
    for (const record of records) {
      if (record.topic === batch.topic && record.partition === batch.partition) continue;
      const offset = record.kafkaOffset;
      const original = this.originalOf(batch.topic, batch.partition, offset);
      if (original) this.moved.set(`${record.topic}\0${record.partition}\0${offset}`, original);
    }
  }

  /** Forgets the kept records below the committed offsets. */
  private forgetCommitted(): void {
    for (const [key, batches] of this.given) {
      const committed = this.committed.get(key);
      if (committed === undefined) continue;
      const kept: typeof batches = [];
      for (const entry of batches) {
        if (entry.batch.lastOffset >= committed) kept.push(entry);
        else this.keptBytes -= entry.bytes;
      }
      if (kept.length > 0) this.given.set(key, kept);
      else this.given.delete(key);
    }
    for (const [key, original] of this.moved) {
      const committed = this.committed.get(`${original.topic}\0${original.partition}`);
      if (committed !== undefined && original.offset < committed) this.moved.delete(key);
    }
  }

  /**
   * settle the plugin's outstanding work → flush → dead-letter copies
   * acknowledged → commit, one at a time; nothing to do when nothing new was
   * put. `settleMs` bounds the wait for outstanding work: past it nothing is
   * committed (the records are delivered again).
   */
  commit(settleMs = Infinity): Promise<void> {
    // A failed commit fails the task, but must not poison the chain for the final commit attempt.
    this.committing = this.committing.catch(() => undefined).then(async () => {
      if (this.failed || !this.consumer) return;
      const offsets = [...this.consumed.entries()].filter(([key, entry]) => this.committed.get(key) !== entry.offset);
      if (offsets.length === 0) return;
      if (!(await this.settleIo(settleMs))) {
        if (!this.failed) this.options.log('warn', this.state.id, `not committing: the task's requests were still outstanding after ${settleMs} ms; their records will be delivered again`);
        return;
      }
      try {
        this.callPlugin(() => this.options.instance.flush(offsets.map(([, entry]) => ({ topic: entry.topic, partition: entry.partition, offset: BigInt(entry.offset) }))));
      } catch (error) {
        await this.failAfterDeadLetters(error);
        return;
      }
      await this.errors.flush();
      await this.consumer.commitOffsets(offsets.map(([, entry]) => entry));
      for (const [key, entry] of offsets) this.committed.set(key, entry.offset);
      if (this.given.size > 0) this.forgetCommitted();
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

  /** The cluster's topics `pattern` subscribes (internal topics never). */
  private async clusterTopicsMatching(pattern: RegExp): Promise<string[]> {
    const admin = await (this.options.admin ?? (() => this.options.connection.admin()))();
    return matchingTopics(pattern, await admin.topicNames());
  }

  private scheduleRefresh(subscription: Extract<SinkSubscription, { pattern: RegExp }>): void {
    if (this.stopping) return;
    this.refreshTimer = setTimeout(() => {
      this.resubscribing = this.refreshSubscription(subscription).finally(() => this.scheduleRefresh(subscription));
    }, Math.max(subscription.refreshMs, 100));
  }

  /**
   * Looks for the topics a pattern matches now; when they changed, replaces
   * the consumer as a rebalance would: what was given is put, flushed and
   * committed under the old membership, then a consumer subscribed to the
   * new set joins (and is assigned their partitions). A failed look is
   * logged and tried again at the next refresh.
   */
  private async refreshSubscription(subscription: Extract<SinkSubscription, { pattern: RegExp }>): Promise<void> {
    if (this.stopping || this.failed) return;
    let topics: string[];
    try {
      topics = await this.clusterTopicsMatching(subscription.pattern);
    } catch (error) {
      this.options.log('warn', this.state.id, `topics.regex=${subscription.source}: could not list the cluster's topics (trying again in ${subscription.refreshMs} ms): ${messageOf(error)}`);
      return;
    }
    if (topics.length === this.topics.length && topics.every((topic, index) => topic === this.topics[index])) return;
    this.options.log('info', this.state.id, `topics.regex=${subscription.source} now matches ${topics.length === 0 ? 'no topic' : topics.join(', ')}: resubscribing`);
    this.replacingConsumer = true;
    try {
      await this.drain();
      await this.commit();
      const old = this.consumer;
      this.consumer = undefined;
      if (old) {
        await old.stop().catch(() => undefined);
        await old.disconnect().catch(() => undefined);
      }
      this.topics = topics;
      this.assigned = [];
      this.replacingConsumer = false;
      if (topics.length > 0 && !this.stopping && !this.failed) await this.startConsumer();
    } catch (error) {
      this.state.fail(error);
    } finally {
      this.replacingConsumer = false;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeRetry?.();
    if (this.timer) clearInterval(this.timer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    await this.resubscribing;
    await this.drain();
    try {
      await this.commit(stopSettleMs);
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

/** A record as the task gives it to the plugin: after the converters and transforms, with the partition and offset it was read from. */
type GivenRecord = ConnectRecordData & { partition: number; timestamp: number; kafkaOffset: number };

function isGiven(record: ConnectRecordData, offset: number): record is GivenRecord {
  return record.partition !== undefined && record.timestamp !== undefined && record.kafkaOffset === offset;
}

/** The records of a `put` in the shape the plugin's contract version takes. */
function sinkRecords(shape: RecordShape, records: readonly GivenRecord[]): SinkRecords {
  if (shape === 'connect-record') return { shape, records: records.map((record) => encodeRecord(record)) };
  return {
    shape,
    records: records.map((record) => ({
      topic: record.topic,
      partition: record.partition,
      offset: BigInt(record.kafkaOffset),
      key: toConnectorValue(record.key),
      value: toConnectorValue(record.value),
      timestamp: BigInt(record.timestamp),
    })),
  };
}
