// One source task on Kafka (Kafka Connect's WorkerSourceTask): polls its
// plugin, transforms and converts what it returns, produces it, and records
// the source offsets once Kafka has acknowledged the records.
//
// Owns: the poll loop (waiting a little when a poll returns nothing — the
// plugin never blocks), stamping a record without a timestamp with the time
// of its poll, the connector's transforms (before the converters, as Kafka's;
// a dropped record's offset is still stored), converting keys, values and
// headers with the connector's converters, creating a missing target topic
// (one partition, as a broker's auto-creation would), sending through the
// shared record collector and the at-least-once commit protocol, handing
// acknowledged offsets to the offset store, and the task's state (RUNNING,
// FAILED with its error, STOPPED). Exactly-once (KIP-618): the task's own
// transactional producer, opened (fencing its previous owner) and the
// offsets read to their end before the plugin starts; records and the
// offset records of their source partitions in one transaction per poll
// batch or per interval, committed before the worker takes the offsets as
// stored (a paused or stopping task commits what it sent).
// Transforms and conversions run under the task's error handler
// (error-handling.ts: errors.tolerance and the log; a skipped record's
// offset is still stored, as Kafka's; a transform's retriable failure is
// retried within errors.retry.timeout); a failing poll is never tolerated,
// but one the plugin marks retriable (RetriableException) is polled again.
// The dead-letter queue (Eddy's extension, Kafka has none for sources): the
// topic created at start when missing, a failed record's copy as polled
// (key and value in JsonConverter's schemas.enable envelope) sent through
// the commit protocol after the batch's records and before their offsets
// are stored (exactly once: in the batch's transaction).
// A plugin that imports source-commits hears, in poll order, each record
// committed (acknowledged; exactly once, its transaction committed) with
// where Kafka put it — or without, when a transform dropped it or a
// tolerated failure skipped it — and each offset commit (Kafka's
// commitRecord and commit: after every offset flush of the worker; exactly
// once, after every transaction).
// Must never: record an offset before its record (or its dead-letter copy)
// is acknowledged (or, exactly once, outside the transaction of its record),
// or let a failure of its plugin or of a transform stop another task.

import { ConnectorError, messageOf } from '../errors.ts';
import type { KafkaAdmin, KafkaConnection, OutgoingRecord, Producer } from '../kafka/ports.ts';
import { AtLeastOnceCommit, ExactlyOnceCommit, type CommitProtocol } from '../task/commit-protocol.ts';
import { RecordCollector } from '../task/record-collector.ts';
import type { CommittedRecord, Config, SourceRecord, SourceRecord0_3_0, SourceTaskInstance } from '../plugin/plugin-connector.ts';
import type { Header, StreamRecord } from '../record.ts';
import type { ConnectRecordData } from './connect-data.ts';
import { fromConnectorValue } from './connector-data.ts';
import { decodeRecord } from './transform-record.ts';
import type { Converter } from './converter.ts';
import { converterClassOf, defaultErrorHandling, ErrorHandler, isRetriable, type ConverterClasses, type ConverterStage, type ErrorHandlingSettings, type PolledOriginal } from './error-handling.ts';
import type { HeaderConverter } from './header-converter.ts';
import { JsonConverter } from './json-converter.ts';
import { defaultMaxRequestSize, RecordTooLargeError, recordSizeUpperBound } from '../kafka/record-size.ts';
import { offsetKey, type SourceOffsetStore, type StoredOffset, type TransactionalOffsetStore } from './offset-store.ts';
import { TaskState, type TaskLog } from './task-state.ts';
import { TransformationError, type TaskTransformationChain } from './transformation-chain.ts';

/** A record as the plugin's poll returned it: 0.1.0/0.2.0's small values, or (0.3.0 on) Connect's data model. */
type PolledRecord = SourceRecord | SourceRecord0_3_0;

export interface SourceTaskOptions {
  connector: string;
  task: number;
  instance: SourceTaskInstance;
  config: Config;
  keyConverter: Converter;
  valueConverter: Converter;
  headerConverter: HeaderConverter;
  /** Creates this task's transforms (in instances of its own) when the task starts. */
  transforms: () => TaskTransformationChain;
  producer: Producer;
  admin: KafkaAdmin;
  offsets: SourceOffsetStore;
  /** How long to wait after a poll that returned nothing. */
  idleMs: number;
  /** The producer's max.request.size: a larger record is refused on its own (default Kafka's, 1 MiB). */
  maxRequestSize?: number;
  log: TaskLog;
  /** The connector's `errors.*` keys (with a dead-letter queue: Eddy's extension, Kafka's is for sinks only). */
  errors?: ErrorHandlingSettings;
  /** Kafka's class names of the converters, for error reports. */
  converterClasses?: ConverterClasses;
  /** Hears each topic the task produces to (Kafka's active topics). */
  onTopic?: (topic: string) => void;
  /** Start paused (the connector's target state is PAUSED). */
  paused?: boolean;
  /** Hears the task fail (the herder may restart it). */
  onFailed?: (error: unknown) => void;
  /** Exactly-once (KIP-618): records and their offsets in one transaction of the task's own producer. */
  exactlyOnce?: SourceExactlyOnce;
}

/** How an exactly-once source task writes (a distributed worker with exactly.once.source.support=enabled). */
export interface SourceExactlyOnce {
  connection: KafkaConnection;
  transactionalId: string;
  offsets: TransactionalOffsetStore;
  /** 'poll': a transaction per poll batch; 'interval': one every `intervalMs`. */
  boundary: 'poll' | 'interval';
  intervalMs: number;
}

export class WorkerSourceTask {
  readonly state: TaskState;
  private stopping = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private pausedUntil: { promise: Promise<void>; resume: () => void } | undefined;
  private readonly collector = new RecordCollector();
  private protocol: CommitProtocol;
  /** Exactly-once: the offsets of the records in the open transaction, latest per source partition. */
  private readonly uncommitted = new Map<string, StoredOffset>();
  private transactionOpen = false;
  private started = false;
  private lastCommit = Date.now();
  private readonly knownTopics = new Set<string>();
  private transforms: TaskTransformationChain | undefined;
  /** Records produced since the task started. */
  produced = 0;
  /** Records a transform dropped since the task started. */
  dropped = 0;
  readonly errors: ErrorHandler;
  /** Writes the dead-letter copies' keys and values (JsonConverter, schemas.enable=true: lossless); made at the first copy. */
  private deadLetterJson: JsonConverter | undefined;
  /** source-commits: the sequence number of the next record polled. */
  private nextSequence = 0n;
  /** source-commits, exactly once: the records of the open transaction, told when it commits. */
  private transactionRecords: CommittedRecord[] = [];

  constructor(private readonly options: SourceTaskOptions) {
    this.state = new TaskState(options.connector, options.task, options.log, options.onFailed);
    // No connection: the dead-letter copies go through the task's commit protocol (see `flush` in run).
    this.errors = new ErrorHandler(options.errors ?? defaultErrorHandling, { connector: options.connector, task: options.task, id: this.state.id }, options.log,
      undefined, () => Promise.resolve(options.admin));
    // Source tasks commit no consumer offsets: their offsets go to the offset store.
    this.protocol = new AtLeastOnceCommit(options.producer, async () => undefined);
  }

  start(): void {
    this.loop = this.run().catch((error: unknown) => this.state.fail(error));
  }

  private async run(): Promise<void> {
    const { instance, connector, offsets, exactlyOnce } = this.options;
    if (exactlyOnce) {
      // Registering the task's transactional id fences its previous owner and
      // settles that owner's open transaction: the offsets read next are final.
      this.protocol = await ExactlyOnceCommit.open(exactlyOnce.connection, exactlyOnce.transactionalId, () => ({ groupId: '' }), Math.max(60_000, exactlyOnce.intervalMs + 30_000));
      await exactlyOnce.offsets.readToEnd();
      if (this.stopping) return;
    }
    // The dead-letter queue topic, created when missing (as a sink's at its start).
    await this.errors.prepare();
    if (this.stopping) return;
    this.transforms = this.options.transforms();
    this.started = true;
    instance.start(this.options.config, offsets.offsetsOf(connector));
    this.state.running();
    if (this.options.paused) this.pause();
    while (!this.stopping) {
      if (this.pausedUntil) {
        if (this.transactionOpen) await this.commitTransaction();
        await this.pausedUntil.promise;
        continue;
      }
      let records: PolledRecord[];
      try {
        records = instance.pollRecords().records;
      } catch (error) {
        // Kafka's AbstractWorkerSourceTask.poll: a RetriableException is logged and the task polls again.
        if (!isRetriable(error)) throw error;
        this.options.log('warn', this.state.id, `failed to poll records from SourceTask. Will retry operation: ${messageOf(error)}`);
        await this.idle();
        continue;
      }
      if (records.length === 0) {
        if (this.transactionDue()) await this.commitTransaction();
        await this.idle();
        continue;
      }
      const polledAt = Date.now();
      const transformed: ConnectRecordData[] = [];
      // As Kafka's: the records before one that fails to transform or convert are still sent (and their offsets stored), then the task fails.
      let processed = 0;
      let failure: unknown;
      const outgoing: OutgoingRecord[] = [];
      // What the plugin hears once the batch is committed, when it listens (source-commits): one entry per record, in poll order.
      const news: CommittedRecord[] | undefined = instance.hearsCommits ? [] : undefined;
      for (const record of records) {
        const told: CommittedRecord | undefined = news && { sequence: this.nextSequence++, sourcePartition: record.sourcePartition, sourceOffset: record.sourceOffset };
        if (told) news!.push(told);
        try {
          let result: ConnectRecordData | undefined;
          try {
            result = this.transforms.apply(this.connectRecord(record, polledAt));
          } catch (error) {
            try {
              // A retriable failure is tried again under errors.retry.timeout (only this path awaits).
              if (!isRetriable(error)) throw error;
              const transforms = this.transforms;
              result = await this.errors.retry(error, (last) => transforms.resume(last as TransformationError), () => this.stopping);
            } catch (final) {
              // Stopping while retrying: this record and the rest are not processed (their offsets are not stored), so they come again.
              if (this.stopping && isRetriable(final)) break;
              this.errors.failed(this.polledOriginal(record, polledAt), { stage: 'TRANSFORMATION', executingClass: final instanceof TransformationError ? final.transformClass : 'Transformation', error: final });
              processed++;
              continue;
            }
          }
          if (result === undefined) this.dropped++;
          else {
            const converted = this.outgoing(result, record, polledAt);
            if (converted !== undefined) {
              if (told) converted.acknowledged = ({ topic, partition, offset, timestamp }) => (told.metadata = { topic, partition, offset: BigInt(offset), timestamp: BigInt(timestamp) });
              outgoing.push(converted);
              transformed.push(result);
            }
          }
        } catch (error) {
          failure = error;
          break;
        }
        processed++;
      }
      await this.ensureTopics(transformed.map((record) => record.topic));
      for (const record of transformed) this.options.onTopic?.(record.topic);
      for (const record of outgoing) this.collector.add(record);
      await this.collector.flush((batch) => this.protocol.send(batch));
      // The dead-letter copies of the batch's failed records (with tolerance none, the one that fails the task too), acknowledged
      // before the batch's offsets are stored; exactly once, they join the open transaction (an abort drops them with the batch).
      await this.errors.flush(async (dead) => {
        for (const record of dead) this.collector.add(record);
        await this.collector.flush((batch) => this.protocol.send(batch));
      });
      if (exactlyOnce) {
        // Their offsets go into the same transaction, committed at its boundary.
        for (const record of records.slice(0, processed)) this.uncommitted.set(offsetKey(connector, record.sourcePartition), { sourcePartition: record.sourcePartition, sourceOffset: record.sourceOffset });
        if (news) for (const told of news.slice(0, processed)) this.transactionRecords.push(told);
        this.transactionOpen = true;
        if (failure === undefined && (exactlyOnce.boundary === 'poll' || this.transactionDue())) await this.commitTransaction();
      } else {
        // Acknowledged: now their offsets may be stored.
        await this.protocol.commit([], () => {
          for (const record of records.slice(0, processed)) offsets.set(connector, record.sourcePartition, record.sourceOffset);
        });
        if (news) instance.recordsCommitted(news.slice(0, processed));
      }
      this.produced += transformed.length;
      if (failure !== undefined) throw failure;
    }
  }

  /** Exactly-once with transaction.boundary=interval: the open transaction's interval has passed. */
  private transactionDue(): boolean {
    const exactlyOnce = this.options.exactlyOnce;
    return exactlyOnce !== undefined && this.transactionOpen && Date.now() - this.lastCommit >= exactlyOnce.intervalMs;
  }

  /** Exactly-once: the offsets of the records sent join the open transaction, which commits; then this worker knows them as stored. */
  private async commitTransaction(): Promise<void> {
    const exactlyOnce = this.options.exactlyOnce!;
    const offsets = [...this.uncommitted.values()];
    if (offsets.length > 0) await this.protocol.send(exactlyOnce.offsets.offsetRecords(this.options.connector, offsets));
    await this.protocol.commit([], () => exactlyOnce.offsets.committed(this.options.connector, offsets));
    this.uncommitted.clear();
    this.transactionOpen = false;
    this.lastCommit = Date.now();
    if (this.options.instance.hearsCommits) {
      const told = this.transactionRecords;
      this.transactionRecords = [];
      this.options.instance.recordsCommitted(told);
      this.options.instance.offsetsCommitted();
    }
  }

  /** What the plugin returned as Connect data (Kafka's SourceRecord), stamped with the poll's time when it has no timestamp. */
  private connectRecord(record: PolledRecord, polledAt: number): ConnectRecordData {
    if ('data' in record) {
      // Contract 0.3.0 on: Connect's data model as the plugin wrote it (a malformed one fails like a failed transform).
      const data = decodeRecord(record.data, this.options.instance.pluginName, 'source task');
      return { ...data, timestamp: data.timestamp ?? polledAt, kafkaOffset: undefined };
    }
    return {
      topic: record.topic,
      partition: record.partition,
      key: fromConnectorValue(record.key),
      value: fromConnectorValue(record.value),
      timestamp: record.timestamp === undefined ? polledAt : Number(record.timestamp),
      headers: [],
      kafkaOffset: undefined,
    };
  }

  /**
   * The record converted (Kafka's convertTransformedRecord); undefined when a
   * converter failed and the failure is tolerated. `polled` is the record as
   * the plugin returned it (the dead-letter copy's original).
   */
  private outgoing(record: ConnectRecordData, polled: PolledRecord, polledAt: number): OutgoingRecord | undefined {
    const { keyConverter, valueConverter, headerConverter } = this.options;
    // One try for the three conversions (no closure per record); `stage` says which one failed.
    let stage: ConverterStage = 'KEY_CONVERTER';
    let key: Uint8Array | undefined;
    let value: Uint8Array | undefined;
    let headers: Header[];
    try {
      key = keyConverter.fromConnectData(record.topic, record.key);
      stage = 'VALUE_CONVERTER';
      value = valueConverter.fromConnectData(record.topic, record.value);
      stage = 'HEADER_CONVERTER';
      headers = headerConverter.fromConnectHeaders(record.headers);
    } catch (error) {
      this.errors.failed(this.polledOriginal(polled, polledAt), { stage, executingClass: converterClassOf(stage, this.options.converterClasses), error });
      return undefined;
    }
    const converted = { key, value, timestamp: record.timestamp ?? Date.now(), headers };
    // Java's producer refuses a record past max.request.size on its own (KafkaProducer.ensureValidRecordSize), before sending it.
    const size = recordSizeUpperBound(converted);
    const maxRequestSize = this.options.maxRequestSize ?? defaultMaxRequestSize;
    if (size > maxRequestSize) {
      this.sendFailed(record.topic, new RecordTooLargeError(size, maxRequestSize));
      return undefined;
    }
    return {
      topic: record.topic,
      ...(record.partition === undefined ? {} : { partition: record.partition }),
      record: converted,
    };
  }

  /**
   * A record the producer refuses (Kafka's producerSendFailed, KIP-779):
   * logged; with errors.tolerance=all skipped (its offset still stored) at
   * stage KAFKA_PRODUCE — no dead-letter copy, which would be refused the
   * same way —, otherwise the task fails.
   */
  private sendFailed(topic: string, error: Error): void {
    this.options.log('error', this.state.id, `failed to send record to ${topic}: ${error.message}`);
    if (this.errors.tolerance !== 'all') throw new ConnectorError('Unrecoverable exception from producer send callback', {}, { cause: error });
    this.errors.failed(undefined, { stage: 'KAFKA_PRODUCE', executingClass: 'org.apache.kafka.connect.runtime.WorkerSourceTask', error });
  }

  /** A polled record that failed a stage, for the error handler (its dead-letter copy is serialized only when one is written). */
  private polledOriginal(record: PolledRecord, polledAt: number): PolledOriginal {
    const { topic, partition } = 'data' in record ? record.data : record;
    return {
      kind: 'polled', topic, partition,
      sourcePartition: record.sourcePartition, sourceOffset: record.sourceOffset,
      serialize: () => this.deadLetterRecord(record, polledAt),
    };
  }

  /**
   * The dead-letter copy of a polled record: key and value as Kafka's
   * JsonConverter with schemas.enable=true writes them (schema and payload,
   * lossless), its headers by the task's header converter (none when that
   * fails), its timestamp as polled.
   */
  private deadLetterRecord(record: PolledRecord, polledAt: number): StreamRecord {
    const data = this.connectRecord(record, polledAt);
    const json = (this.deadLetterJson ??= new JsonConverter(true));
    let headers: Header[];
    try {
      headers = this.options.headerConverter.fromConnectHeaders(data.headers);
    } catch {
      headers = [];
    }
    return { key: json.fromConnectData(data.topic, data.key), value: json.fromConnectData(data.topic, data.value), timestamp: data.timestamp ?? polledAt, headers };
  }

  private async ensureTopics(topics: string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((topic) => !this.knownTopics.has(topic));
    if (missing.length === 0) return;
    const counts = await this.options.admin.partitionCounts(missing);
    const absent = missing.filter((topic) => counts.get(topic) === undefined);
    if (absent.length > 0) {
      this.options.log('info', `${this.state.id}`, `creating topic(s) ${absent.join(', ')} with one partition`);
      await this.options.admin.ensureTopics(absent.map((topic) => ({ topic, partitions: 1 })));
    }
    for (const topic of missing) this.knownTopics.add(topic);
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.idleMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops polling (Kafka's PAUSED) until `resume`; the batch in flight still completes. */
  pause(): void {
    if (this.pausedUntil || this.state.status !== 'RUNNING') return;
    let resume = (): void => undefined;
    const promise = new Promise<void>((resolve) => (resume = resolve));
    this.pausedUntil = { promise, resume };
    this.state.paused();
  }

  resume(): void {
    const paused = this.pausedUntil;
    if (!paused) return;
    this.pausedUntil = undefined;
    this.state.resumed();
    paused.resume();
  }

  /**
   * The worker stored the source offsets acknowledged so far (its offset
   * flush): the plugin hears an offset commit (Kafka's SourceTask.commit,
   * called after every successful flush). Exactly-once tasks hear theirs
   * at each transaction instead.
   */
  offsetsFlushed(): void {
    if (this.started && !this.options.exactlyOnce && this.options.instance.hearsCommits && this.state.status !== 'FAILED') this.options.instance.offsetsCommitted();
  }

  /** Stops polling, lets the records in flight be acknowledged, stops the plugin. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pausedUntil?.resume();
    this.wake?.();
    await this.loop;
    // Exactly-once with an interval boundary: what the task sent before it stopped commits now (a failed task's transaction aborts).
    if (this.transactionOpen && this.state.status !== 'FAILED') await this.commitTransaction().catch((error: unknown) => this.state.fail(error));
    try {
      if (this.started) this.options.instance.stop();
    } catch (error) {
      this.options.log('warn', this.state.id, `stop failed: ${(error as Error).message}`);
    }
    await this.protocol.close();
    this.state.stopped();
  }
}
