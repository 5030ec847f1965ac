// Kafka Connect's error handling (KIP-298: RetryWithToleranceOperator,
// ProcessingContext, LogReporter and DeadLetterQueueReporter) for the
// stages a worker runs around a connector's plugin: key, value and header
// conversion and the transforms.
//
// Owns: the `errors.*` settings of a connector, one record's processing
// context (the original record, the stage that failed, its class and the
// error), tolerance (none: the first failure fails the task with Kafka's
// "Tolerance exceeded in error handler" and the cause; all: the record is
// skipped and counted), the log reporter (Kafka's message), and the
// dead-letter queue: for sinks the ORIGINAL consumed record (key, value,
// headers and timestamp as consumed), for sources (Eddy's extension: Kafka
// has no source DLQ) the record as the task polled it, serialized by the
// task; with Kafka's `__connect.errors.*` context headers when enabled (and,
// for a polled record, Eddy's `__connect.errors.source.partition` and
// `…source.offset`), built here only; the topic created (one partition) when
// missing; and retrying a stage that failed with a retriable error (Kafka's
// RetryWithToleranceOperator.execAndRetry: backoff from 300 ms, doubling,
// past errors.retry.delay.max.ms a random delay below it, for as long as
// errors.retry.timeout allows; 0 never retries, -1 retries forever).
// Must never: tolerate a failure of the plugin itself (put/poll), import a
// Kafka client (the DLQ goes through the Kafka ports, or through the
// source task's commit protocol), or let a record be committed before its
// dead-letter copy is acknowledged.

import { ConnectorError, EddyError, messageOf } from '../errors.ts';
import type { KafkaAdmin, KafkaConnection, OutgoingRecord, Producer } from '../kafka/ports.ts';
import type { Header, StreamRecord } from '../record.ts';
import type { LogLevel } from '../processor/processor.ts';
import { DataError } from './json-converter.ts';
import { RecordTooLargeError } from '../kafka/record-size.ts';
import { connectJson, type StringMap } from './offset-store.ts';

/** Whether trying again may help: Eddy's errors say so (a plugin's `err` marked retriable, Kafka's RetriableException). */
export function isRetriable(error: unknown): boolean {
  return error instanceof EddyError && error.retriable;
}

/**
 * Kafka's ErrorHandlingMetrics stages a worker tolerates failures in
 * (TASK_PUT: a record a sink task reports errant, KIP-610; KAFKA_PRODUCE: a
 * source record the producer refuses, KIP-779).
 */
export type Stage = 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' | 'TRANSFORMATION' | 'TASK_PUT' | 'KAFKA_PRODUCE';

export type ToleranceType = 'none' | 'all';

export interface ErrorHandlingSettings {
  tolerance: ToleranceType;
  /** errors.retry.timeout: only retriable errors are retried, as Kafka's (none of Eddy's converters or transforms raises one). */
  retryTimeoutMs: number;
  retryDelayMaxMs: number;
  logEnable: boolean;
  logIncludeMessages: boolean;
  /** The dead-letter queue topic ('' or undefined: none); Kafka's for sinks, Eddy's extension for sources. */
  deadLetterQueueTopic: string | undefined;
  deadLetterQueueReplicationFactor: number;
  deadLetterQueueContextHeaders: boolean;
}

export const defaultErrorHandling: ErrorHandlingSettings = {
  tolerance: 'none', retryTimeoutMs: 0, retryDelayMaxMs: 60_000, logEnable: false, logIncludeMessages: false,
  deadLetterQueueTopic: undefined, deadLetterQueueReplicationFactor: 3, deadLetterQueueContextHeaders: false,
};

/** The header prefix of Kafka's DeadLetterQueueReporter. */
export const errorHeaderPrefix = '__connect.errors.';

/** A failure Kafka's RetryWithToleranceOperator does not tolerate (errors.tolerance=none): the task fails with it. */
export class ToleranceExceededError extends ConnectorError {
  constructor(readonly stage: Stage, readonly executingClass: string, cause: unknown) {
    super(`Tolerance exceeded in error handler (stage ${stage}, class ${executingClass}): ${messageOf(cause)}`, {}, { cause });
  }
}

/** A consumed record as Kafka's ProcessingContext keeps it (its original, for the reporters): a sink's. */
export interface ConsumedOriginal {
  kind?: 'consumed';
  topic: string;
  partition: number;
  offset: number;
  record: StreamRecord;
}

/** A record a source task polled (Eddy's source dead-letter queue): no consumed bytes, so the task serializes it when a DLQ copy is written. */
export interface PolledOriginal {
  kind: 'polled';
  /** The topic the record was to be written to, and its partition (undefined: the producer's choice). */
  topic: string;
  partition: number | undefined;
  sourcePartition: StringMap;
  sourceOffset: StringMap;
  /** The record as polled, as the dead-letter copy's key, value, headers and timestamp (called only when a copy is written). */
  serialize: () => StreamRecord;
}

/** The original of a record that failed a stage. */
export type ProcessingOriginal = ConsumedOriginal | PolledOriginal;

/** The converter stages, run in this order for each record. */
export type ConverterStage = Extract<Stage, 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER'>;

/** Kafka's class names of a task's converters, for error reports. */
export interface ConverterClasses {
  key: string;
  value: string;
  header: string;
}

/** The executing class of a converter stage (Kafka's names when the worker gave them). */
export function converterClassOf(stage: ConverterStage, classes: ConverterClasses | undefined): string {
  if (stage === 'HEADER_CONVERTER') return classes?.header ?? 'org.apache.kafka.connect.storage.SimpleHeaderConverter';
  return (stage === 'KEY_CONVERTER' ? classes?.key : classes?.value) ?? 'Converter';
}

/** What failed for one record. */
export interface Failure {
  stage: Stage;
  executingClass: string;
  error: unknown;
}

/** Java's class of an error, when Kafka has one for it; the JavaScript class otherwise. */
function exceptionClassName(error: unknown): string {
  if (error instanceof DataError) return 'org.apache.kafka.connect.errors.DataException';
  if (error instanceof RecordTooLargeError) return 'org.apache.kafka.common.errors.RecordTooLargeException';
  if (error instanceof Error) return error.name || error.constructor.name;
  return typeof error;
}

function exceptionMessage(error: unknown): string {
  return error instanceof EddyError ? error.detail : messageOf(error);
}

/** The trace with its causes, as Java's printStackTrace prints them ("Caused by: …"). */
export function traceOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    parts.push(depth === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/**
 * One task's error handler. `failed` reports a record that failed a stage;
 * with tolerance all the record is then skipped (its offset still moves on),
 * with tolerance none it throws ToleranceExceededError. The sink hands the failed records to `flush`
 * before it puts the batch; a source task before it stores the offsets of
 * its poll batch (or, exactly once, within the batch's transaction).
 */
export class ErrorHandler {
  /** Records skipped since the task started (Kafka's total-records-skipped). */
  skipped = 0;
  /** Failures seen since the task started (Kafka's total-record-failures). */
  failures = 0;
  private readonly pending: OutgoingRecord[] = [];
  private producer: Producer | undefined;
  private topicReady = false;

  constructor(
    private readonly settings: ErrorHandlingSettings,
    private readonly task: { connector: string; task: number; id: string },
    private readonly log: (level: LogLevel, where: string, message: string) => void,
    /** The dead-letter queue's producer (a sink's; a source task passes its own `send` to `flush`) and topic creation. */
    private readonly connection?: KafkaConnection,
    private readonly admin?: () => Promise<KafkaAdmin>,
  ) {}

  get tolerance(): ToleranceType {
    return this.settings.tolerance;
  }

  get deadLetterQueue(): string | undefined {
    const topic = this.settings.deadLetterQueueTopic?.trim();
    return topic === undefined || topic === '' ? undefined : topic;
  }

  /**
   * A stage failed with `failure`: while it is retriable (a transform's
   * `err` marked by retriable-errors, Kafka's RetriableException) and
   * errors.retry.timeout has not passed since this first failure, waits
   * (Kafka's backoff) and calls `again` with the last failure; returns what
   * a call gives, or throws the last failure — retriable or not, it then
   * counts under the tolerance as any other. Gives up at once when `stopping`
   * says so (the task stops).
   */
  async retry<T>(failure: unknown, again: (last: unknown) => T, stopping: () => boolean): Promise<T> {
    const { retryTimeoutMs, retryDelayMaxMs } = this.settings;
    const deadline = retryTimeoutMs < 0 ? Infinity : Date.now() + retryTimeoutMs;
    let last = failure;
    for (let attempt = 1; isRetriable(last) && Date.now() < deadline && !stopping(); attempt++) {
      let delay = 300 * 2 ** (attempt - 1);
      if (delay > retryDelayMaxMs) delay = Math.floor(Math.random() * retryDelayMaxMs);
      delay = Math.max(0, Math.min(delay, deadline - Date.now()));
      this.log('debug', this.task.id, `retriable failure, attempt ${attempt}; trying again in ${delay} ms: ${messageOf(last)}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (stopping()) break;
      try {
        return again(last);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  }

  /** Reports a failure (log, dead-letter queue), then throws unless tolerated. */
  failed(original: ProcessingOriginal | undefined, failure: Failure): void {
    this.failures++;
    this.report(original, failure);
    if (this.settings.tolerance === 'none') throw new ToleranceExceededError(failure.stage, failure.executingClass, failure.error);
    this.skipped++;
  }

  private report(original: ProcessingOriginal | undefined, failure: Failure): void {
    if (this.settings.logEnable) {
      let message = `Error encountered in task ${this.task.id}. Executing stage '${failure.stage}' with class '${failure.executingClass}'`;
      if (this.settings.logIncludeMessages && original && original.kind !== 'polled') {
        message += `, where consumed record is {topic='${original.topic}', partition=${original.partition}, offset=${original.offset}, timestamp=${original.record.timestamp}, timestampType=CreateTime}`;
      }
      this.log('error', this.task.id, `${message}.\n${traceOf(failure.error)}`);
    }
    const topic = this.deadLetterQueue;
    if (topic === undefined || original === undefined) return;
    const polled = original.kind === 'polled';
    const record = polled ? original.serialize() : original.record;
    const headers: Header[] = [...record.headers];
    if (this.settings.deadLetterQueueContextHeaders) {
      const add = (name: string, value: string) => headers.push({ key: `${errorHeaderPrefix}${name}`, value: utf8(value) });
      // A polled record: its target topic, its partition or -1, and offset -1 (it has none in Kafka).
      add('topic', original.topic);
      add('partition', String(original.partition ?? -1));
      add('offset', String(polled ? -1 : original.offset));
      add('connector.name', this.task.connector);
      add('task.id', String(this.task.task));
      add('stage', failure.stage);
      add('class.name', failure.executingClass);
      add('exception.class.name', exceptionClassName(failure.error));
      add('exception.message', exceptionMessage(failure.error));
      add('exception.stacktrace', traceOf(failure.error));
      if (polled) {
        // Eddy's: where the record came from, as the JSON objects of Kafka Connect's offset keys and values.
        add('source.partition', JSON.stringify(connectJson(original.sourcePartition)));
        add('source.offset', JSON.stringify(connectJson(original.sourceOffset)));
      }
    }
    // No partition: the default partitioner picks one, as Kafka's reporter's ProducerRecord.
    this.pending.push({ topic, record: { key: record.key, value: record.value, timestamp: record.timestamp, headers } });
  }

  /** Creates the dead-letter queue topic when it is missing (one partition), as Kafka's reporter does at task start. */
  async prepare(): Promise<void> {
    const topic = this.deadLetterQueue;
    if (topic === undefined || this.topicReady) return;
    const admin = await this.admin!();
    const counts = await admin.partitionCounts([topic]);
    if (counts.get(topic) === undefined) {
      this.log('error', this.task.id, `Topic ${topic} doesn't exist. Will attempt to create topic.`);
      await admin.ensureTopics([{ topic, partitions: 1, replicationFactor: this.settings.deadLetterQueueReplicationFactor }]);
    }
    this.topicReady = true;
  }

  /**
   * Produces the dead-letter records of the records handled so far and waits
   * for their acknowledgement: through the handler's own producer (a sink's),
   * or through `send` (a source task's commit protocol: exactly once, the
   * copies join the task's open transaction).
   */
  async flush(send?: (records: OutgoingRecord[]) => Promise<unknown>): Promise<void> {
    if (this.pending.length === 0) return;
    const topic = this.deadLetterQueue!;
    await this.prepare();
    if (send === undefined) this.producer ??= await this.connection!.producer();
    const producer = this.producer;
    const records = this.pending.splice(0);
    try {
      await (send === undefined ? producer!.send(records) : send(records));
    } catch (error) {
      throw new ConnectorError(`Could not produce message to dead letter queue. topic=${topic}: ${messageOf(error)}`, {}, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}
