// The Kafka client of the host (kafkajs 2.2.4 underneath).
//
// Owns: creating clients, topic administration (create, describe, offsets),
// converting between kafkajs messages and StreamRecords, and the small
// produce / read helpers the CLI, demo, tests and benchmarks use.
// Must never: be bypassed — runtime/kafka/ is the only place that imports
// kafkajs, so another client could replace it.

import { orderedHeaders, type OrderedHeaders } from './kafkajs-patches.ts';
import { withUncommittedEnds } from './kafkajs-kip447.ts';
import kafkajs from 'kafkajs';
import type { Admin, Consumer, IHeaders, KafkaMessage, Message, Producer, ProducerConfig, ConsumerConfig } from 'kafkajs';
import { asBuffer } from '../bytes.ts';
import { EddyError, messageOf } from '../errors.ts';
import { nullHeaderValue, type Header, type StreamRecord } from '../record.ts';

const { Kafka, logLevel: KafkaLogLevel } = kafkajs;
export type { Admin, Consumer, Producer, ConsumerConfig, ProducerConfig, KafkaMessage, Message };
export type Transaction = Awaited<ReturnType<Producer['transaction']>>;
export type KafkaClient = InstanceType<typeof Kafka>;

// kafkajs warns at every producer about a partitioner change made in 2019.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** Kafka could not do what was asked (broker down, topic missing, …). */
export class KafkaError extends EddyError {
  override readonly retriable: boolean;
  constructor(detail: string, context: ConstructorParameters<typeof EddyError>[1] = {}, options?: { cause?: unknown; retriable?: boolean }) {
    super(detail, context, options);
    this.retriable = options?.retriable ?? false;
  }
}

export function bootstrapList(bootstrap: string): string[] {
  return bootstrap.split(',').map((server) => server.trim()).filter(Boolean);
}

/** A client; kafkajs logs only errors, through our logger. */
export function createKafka(bootstrap: string, clientId: string): KafkaClient {
  return new Kafka({
    brokers: bootstrapList(bootstrap),
    clientId,
    logLevel: KafkaLogLevel.ERROR,
    logCreator: () => ({ level, log }) => {
      if (level > KafkaLogLevel.ERROR) return;
      // Errors a group member expects during rebalances and coordinator moves.
      if (/coordinator is (loading|not available)|not the correct coordinator|rebalanc|REBALANCE_IN_PROGRESS|The group is rebalancing|This is not the correct coordinator|UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION|member id does not match|fenced|Producer attempted an operation with an old epoch/i.test(`${log.message} ${log.error ?? ''}`)) return;
      if (process.env.EDDY_KAFKA_DEBUG) process.stderr.write(`[kafkajs] ${log.message} ${log.error ?? ''}\n`);
    },
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2000 },
  });
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Default (-1): the broker's default.replication.factor. */
  replicationFactor?: number;
  config?: Record<string, string>;
}

/**
 * Creates the topics that do not exist yet; existing ones are left alone.
 * Returns once every topic is in the metadata with a leader for each
 * partition. A broker applies a new topic to its metadata a moment after the
 * controller created it, so "unknown topic" right after creation (ours, or
 * another instance's racing us) is waited out, up to `timeoutMs`.
 */
export async function ensureTopics(admin: Admin, topics: TopicSpec[], timeoutMs = 30_000): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) return;
  const names = missing.map((spec) => spec.topic);
  try {
    // false when another instance created them first; either way, wait below.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor ?? -1,
        configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  } catch (error) {
    throw new KafkaError(`cannot create topics ${names.join(', ')}: ${messageOf(error)}`, {}, { cause: error, retriable: isRetriableKafkaError(error) });
  }
  await waitForLeaders(admin, names, timeoutMs);
}

/** Waits until each topic is in the metadata and every partition has a leader. */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = topics.every((name) => {
        const topic = metadata.topics.find((entry) => entry.name === name);
        return topic !== undefined && topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0);
      });
      if (ready) return;
      last = new Error('a partition has no leader yet');
    } catch (error) {
      if (!isRetriableKafkaError(error)) throw new KafkaError(`cannot create topics ${topics.join(', ')}: ${messageOf(error)}`, {}, { cause: error });
      last = error;
    }
    if (Date.now() >= deadline) {
      throw new KafkaError(`topics ${topics.join(', ')} were created but did not get leaders within ${timeoutMs} ms: ${messageOf(last)}`, {}, { cause: last, retriable: true });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** kafkajs' errors that a later attempt can get past (its own ones give up after their retries, with the cause inside). */
const retriableNames = new Set([
  'KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSBrokerNotFound', 'KafkaJSMetadataNotLoaded', 'KafkaJSLockTimeout', 'KafkaJSStaleTopicMetadataAssignment',
]);
const fencedTypes = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'FENCED_INSTANCE_ID']);
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/** Walks an error and its causes (`cause`, kafkajs' `originalError`): retriable when one of them is and none says the producer was fenced. */
export function isRetriableKafkaError(error: unknown): boolean {
  let retriable = false;
  const seen = new Set<unknown>();
  for (let current = error; current && typeof current === 'object' && !seen.has(current); ) {
    seen.add(current);
    const { name, type, code, retriable: flag, message } = current as { name?: unknown; type?: unknown; code?: unknown; retriable?: unknown; message?: unknown };
    if ((typeof type === 'string' && fencedTypes.has(type)) || (typeof message === 'string' && /fenced|old epoch/i.test(message))) return false;
    if (flag === true || (typeof name === 'string' && retriableNames.has(name)) || (typeof code === 'string' && socketCodes.has(code))) retriable = true;
    current = (current as { originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return retriable;
}

/** Partition count of each topic; undefined for a topic that does not exist. */
export async function partitionCounts(admin: Admin, topics: string[]): Promise<Map<string, number | undefined>> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((topic) => existing.has(topic));
  const counts = new Map<string, number | undefined>(topics.map((topic) => [topic, undefined]));
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present });
    for (const topic of metadata.topics) counts.set(topic.name, topic.partitions.length);
  }
  return counts;
}

/** The offset after the last readable record of each partition (read-committed). */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((entry) => [entry.partition, Number(entry.offset)]));
}

/** The high watermark of each partition: the end of the log, records of open transactions included. */
export async function highWatermarks(admin: Admin, topic: string): Promise<Map<number, number>> {
  const offsets = await withUncommittedEnds(() => admin.fetchTopicOffsets(topic));
  return new Map(offsets.map((entry) => [entry.partition, Number(entry.offset)]));
}

/** Waits until a broker at `bootstrap` answers metadata requests. */
export async function waitForBroker(bootstrap: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const admin = new Kafka({ brokers: bootstrapList(bootstrap), clientId: 'eddy-probe', logLevel: KafkaLogLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      return;
    } catch (error) {
      lastError = error;
      await admin.disconnect().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new KafkaError(`no Kafka broker answered at ${bootstrap} within ${timeoutMs} ms: ${messageOf(lastError)}`, {}, { cause: lastError });
}

// ---- records ----------------------------------------------------------------

/** A kafkajs message as a StreamRecord (headers flattened, arrays kept in order). */
export function toStreamRecord(message: KafkaMessage): StreamRecord {
  return {
    key: message.key ?? undefined,
    value: message.value ?? undefined,
    timestamp: Number(message.timestamp),
    headers: toHeaders(message.headers),
  };
}

function toHeaders(headers: IHeaders | undefined): Header[] {
  if (!headers) return [];
  // In the record's order when the decoder kept it (kafkajs groups repeated keys); a null value stays null (nullHeaderValue).
  const ordered = (headers as { [orderedHeaders]?: OrderedHeaders })[orderedHeaders];
  if (ordered) return ordered.map(([key, value]) => ({ key, value: value ?? nullHeaderValue }));
  const out: Header[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      out.push({ key, value: item === null || item === undefined ? nullHeaderValue : typeof item === 'string' ? Buffer.from(item) : item });
    }
  }
  return out;
}

/** A StreamRecord as a kafkajs message (null key/value kept as null). */
export function toMessage(record: StreamRecord, partition?: number): Message {
  const message: Message = {
    key: record.key === undefined ? null : asBuffer(record.key),
    value: record.value === undefined ? null : asBuffer(record.value),
    timestamp: String(record.timestamp),
  };
  if (partition !== undefined) message.partition = partition;
  if (record.headers.length > 0) {
    const headers: IHeaders = {};
    const ordered: OrderedHeaders = [];
    for (const header of record.headers) {
      const existing = headers[header.key];
      const value = asBuffer(header.value);
      // (The encoder writes the ordered list, where a null header value stays null; kafkajs' object has no null.)
      ordered.push([header.key, header.value === nullHeaderValue ? null : value]);
      if (existing === undefined) headers[header.key] = value;
      else headers[header.key] = [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    // The order kafkajs' object would lose (repeated keys), for the record encoder (kafkajs-patches.ts).
    Object.defineProperty(headers, orderedHeaders, { value: ordered });
    message.headers = headers;
  }
  return message;
}

// ---- helpers for the CLI, demo, tests and benchmarks ------------------------

export interface SimpleRecord {
  key: string | null;
  value: string | null;
  timestamp?: number;
  partition?: number;
  /** Text headers, in order. */
  headers?: Record<string, string>;
}

/** Produces records (idempotent producer, acks=all), in order per partition. */
export async function produceRecords(bootstrap: string, topic: string, records: SimpleRecord[], chunk = 5000): Promise<void> {
  const kafka = createKafka(bootstrap, 'eddy-produce');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = 0; start < records.length; start += chunk) {
      await producer.send({
        topic,
        acks: -1,
        messages: records.slice(start, start + chunk).map((record) => ({
          key: record.key,
          value: record.value,
          ...(record.timestamp !== undefined ? { timestamp: String(record.timestamp) } : {}),
          ...(record.partition !== undefined ? { partition: record.partition } : {}),
          ...(record.headers !== undefined ? { headers: record.headers } : {}),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  /** The key and value as bytes (for Longs, windowed keys and other binary data). */
  keyBytes: Uint8Array | null;
  valueBytes: Uint8Array | null;
  timestamp: number;
  headers: Header[];
}

/**
 * Reads a topic from the beginning (read-committed unless told otherwise)
 * until every partition has been read up to its end offset as of the call,
 * or `until` says stop. A throwaway consumer group is used and deleted.
 */
export async function readTopic(
  bootstrap: string,
  topic: string,
  options: { readUncommitted?: boolean; until?: (records: ReadRecord[]) => boolean; timeoutMs?: number } = {},
): Promise<ReadRecord[]> {
  const kafka = createKafka(bootstrap, 'eddy-read');
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `eddy-read-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: options.readUncommitted ?? false, maxWaitTimeInMs: 200 });
  const records: ReadRecord[] = [];
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const target = new Map(ends.map((entry) => [entry.partition, Number(options.readUncommitted ? entry.high : entry.offset)]));
    const positions = new Map<number, number>(ends.map((entry) => [entry.partition, Number(entry.low)]));
    const done = () =>
      options.until ? options.until(records) : [...target].every(([partition, end]) => (positions.get(partition) ?? 0) >= end);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      const payload = event.payload as { partition: number; lastOffset: string };
      positions.set(payload.partition, Math.max(positions.get(payload.partition) ?? 0, Number(payload.lastOffset) + 1));
      if (done()) finish();
    });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          records.push({
            topic,
            partition: batch.partition,
            offset: Number(message.offset),
            key: message.key?.toString('utf8') ?? null,
            value: message.value?.toString('utf8') ?? null,
            keyBytes: message.key ? new Uint8Array(message.key) : null,
            valueBytes: message.value ? new Uint8Array(message.value) : null,
            timestamp: Number(message.timestamp),
            headers: toHeaders(message.headers),
          });
        }
      },
    });
    if (!done()) {
      const timeoutMs = options.timeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        finished,
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new KafkaError(`reading ${topic} did not finish within ${timeoutMs} ms (${records.length} records read)`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
