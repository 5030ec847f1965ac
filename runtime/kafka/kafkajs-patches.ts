// Fixes to kafkajs 2.2.4 (unmaintained) applied before it loads.
//
// Owns module replacements, found by profiling Eddy word counts:
//   - `producer/groupMessagesPerPartition` copied the partition's array for
//     every message (`[...current, message]`): O(n²) in the messages of one
//     send — 77% of the CPU with a few thousand records per send. Replaced by
//     the same grouping in O(n).
//   - `protocol/recordBatch/record/v0` (one record of a produce request)
//     allocated a zero-filled 512-byte buffer per record and computed varlongs
//     through a 64-bit Long emulation: with GC, ~45% of the CPU. Replaced by an
//     encoder that writes the same bytes into one exactly-sized pooled buffer.
//   - `protocol/requests/produce/v3/request` (used by v3…v7) sorted every
//     batch's timestamps as strings and copied every message object to add
//     two fields: ~15%. Replaced by the same request built with a numeric
//     min/max and no copies. (For timestamps of different digit counts the
//     string sort picked wrong first/max timestamps; this computes them right.)
//   - `protocol/recordBatch/record/v0/decoder` (one record of a fetched
//     batch) read its timestamp delta through kafkajs' 64-bit Long emulation
//     byte by byte, then parsed and printed two Longs per record (~6% of a
//     DSL word count's CPU). Replaced by a decoder that computes the same
//     strings with numbers, and with Long only past 2^53.
//   - `producer/partitioners/default/murmur2` (the key hash of the default
//     partitioner, as Java's) ran on the 64-bit Long emulation (~4%): replaced
//     by the same 32-bit hash in integer arithmetic.
// Two correctness fixes:
//   - repeated header keys: kafkajs keeps a record's headers in an object by
//     key, so headers a, b, a were written and read as a, a, b. Eddy's
//     client layer hands the record encoder the headers in order, and the
//     decoder keeps their order beside kafkajs' object (`orderedHeaders`).
//   - `consumer/filterAbortedMessages` (read_committed) compared each record
//     only with the head of the broker's aborted-transaction list and
//     activated at most one aborted transaction per record. The broker lists
//     aborted transactions in the order they were aborted, not by first
//     offset, so when several producers abort interleaved transactions on one
//     partition (an instance killed with several open task transactions),
//     records of aborted transactions were delivered. Replaced by Java's
//     consumer rule: aborted transactions ordered by first offset, every one
//     that starts at or before a record activated for its producer, a
//     producer's ABORT control record ends it, transactional records of an
//     active producer are dropped (Kafka's CompletedFetch).
// One method replaced:
//   - `network/requestQueue` scheduled a timer with a delay of minus the
//     epoch time whenever nothing was pending (Node 24 warns for every one):
//     the same schedule, with the delay Node applied.
// And what kafkajs lacks for Kafka Streams' group protocol, per consumer (see
// EddyAssignerHooks): a callback awaited before a member rejoins its group
// for a rebalance — where Kafka Streams commits in onPartitionsRevoked — the
// assignment user data the leader sent (kafkajs decodes and drops it), a
// way for a member to ask for a rebalance (KIP-441's probing rebalance), and
// incremental cooperative rebalancing (the join runs in the background while
// the owned partitions go on being fetched; see below).
// Must never: change a byte of what kafkajs sends (test/kafka/kafkajs-patches.test.ts
// compares with the original encoder), but for the header order above. Import this module before 'kafkajs'.

// KIP-447's protocol versions go in first: they replace request indexes that
// the modules required below load.
import { contextIsolationLevel } from './kafkajs-kip447.ts';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Module = require('node:module') as { new (id: string): NodeModuleRecord };

interface NodeModuleRecord {
  filename: string;
  loaded: boolean;
  exports: unknown;
}

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: Partitioner }): Record<number, unknown[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, unknown[]> = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

// ---- one record of a record batch (v2 format) --------------------------------

interface EncoderLike {
  buf: Buffer;
  offset: number;
}
type HeaderValue = Buffer | string | null | undefined;
interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
}

const Encoder = require('kafkajs/src/protocol/encoder.js') as { prototype: object };

const zigZag = (value: number) => (value << 1) ^ (value >> 31);

function varIntSize(value: number): number {
  let rest = zigZag(value) >>> 0;
  let size = 1;
  while (rest >= 0x80) {
    rest >>>= 7;
    size++;
  }
  return size;
}

function writeVarInt(buffer: Buffer, offset: number, value: number): number {
  let rest = zigZag(value) >>> 0;
  while (rest >= 0x80) {
    buffer[offset++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  buffer[offset++] = rest;
  return offset;
}

/** A varlong as bytes (zig-zag, 7 bits per byte); small values equal varints. */
function varLongBytes(value: number): number[] {
  let rest = BigInt.asUintN(64, (BigInt(value) << 1n) ^ (BigInt(value) >> 63n));
  const bytes: number[] = [];
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

const fitsInt32 = (value: number) => Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff;

function bytesSize(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return varIntSize(-1);
  const length = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  return varIntSize(length) + length;
}

function writeBytes(buffer: Buffer, offset: number, value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return writeVarInt(buffer, offset, -1);
  if (typeof value === 'string') {
    const length = Buffer.byteLength(value);
    offset = writeVarInt(buffer, offset, length);
    return offset + buffer.write(value, offset);
  }
  offset = writeVarInt(buffer, offset, value.length);
  value.copy(buffer, offset);
  return offset + value.length;
}

/**
 * A kafkajs headers object's headers in the record's order. kafkajs keeps
 * headers in an object by key, so repeated keys are grouped (a, b, a comes
 * out a, a, b); Kafka keeps their order. Eddy's client layer puts this list
 * on the headers object it hands kafkajs (non-enumerable: kafkajs never sees
 * it) and the record encoder writes it in that order; the record decoder
 * puts it on the headers it decodes. Absent: kafkajs' grouping.
 */
export const orderedHeaders: unique symbol = Symbol.for('eddy.kafka.orderedHeaders');

export type OrderedHeaders = Array<[string, Buffer | null]>;

/** kafkajs' order of a headers object: key by key, each key's values in order. */
function groupedHeaders(headers: Record<string, HeaderValue | HeaderValue[]>): Array<[string, HeaderValue]> {
  const list: Array<[string, HeaderValue]> = [];
  for (const name of Object.keys(headers)) {
    const entry = headers[name];
    if (Array.isArray(entry)) for (const item of entry) list.push([name, item]);
    else list.push([name, entry]);
  }
  return list;
}

export function encodeRecord({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }: RecordInput): EncoderLike {
  const ordered = (headers as { [orderedHeaders]?: OrderedHeaders })[orderedHeaders];
  const headerList: ReadonlyArray<readonly [string, HeaderValue]> = ordered ?? groupedHeaders(headers);
  const delta = Number(timestampDelta);
  const timestampBytes = fitsInt32(delta) ? undefined : varLongBytes(delta);
  let body = 1 + (timestampBytes ? timestampBytes.length : varIntSize(delta)) + varIntSize(offsetDelta) + bytesSize(key) + bytesSize(value);
  body += varIntSize(headerList.length);
  for (const [name, headerValue] of headerList) body += bytesSize(name) + bytesSize(headerValue);
  const size = varIntSize(body) + body;
  const buffer = Buffer.allocUnsafe(size);
  let offset = writeVarInt(buffer, 0, body);
  buffer[offset++] = 0; // attributes
  if (timestampBytes) for (const byte of timestampBytes) buffer[offset++] = byte;
  else offset = writeVarInt(buffer, offset, delta);
  offset = writeVarInt(buffer, offset, offsetDelta);
  offset = writeBytes(buffer, offset, key);
  offset = writeBytes(buffer, offset, value);
  offset = writeVarInt(buffer, offset, headerList.length);
  for (const [name, headerValue] of headerList) {
    offset = writeBytes(buffer, offset, name);
    offset = writeBytes(buffer, offset, headerValue);
  }
  const encoder = Object.create(Encoder.prototype) as EncoderLike;
  encoder.buf = buffer;
  encoder.offset = offset;
  return encoder;
}

// ---- the produce request (v3 layout, reused by v4…v7) -------------------------------

interface ProduceMessage {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  timestamp?: string | number;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
}
interface ProducePartition {
  partition: number;
  messages: ProduceMessage[];
  firstSequence?: number;
}
interface ProduceTopic {
  topic: string;
  partitions: ProducePartition[];
}
interface EncoderApi {
  writeString(value: string | null): EncoderApi;
  writeInt16(value: number): EncoderApi;
  writeInt32(value: number): EncoderApi;
  writeArray(values: unknown[]): EncoderApi;
  writeEncoder(value: unknown): EncoderApi;
}

const EncoderClass = require('kafkajs/src/protocol/encoder.js') as { new (): EncoderApi };
const Long = require('kafkajs/src/utils/long.js') as { fromInt(value: number): unknown };
const { Produce: produceApiKey } = require('kafkajs/src/protocol/requests/apiKeys.js') as { Produce: number };
const { Types: compressionTypes } = require('kafkajs/src/protocol/message/compression/index.js') as { Types: { None: number } };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (options: Record<string, unknown>) => Promise<{ size(): number }>;
};

function produceRequestV3({
  acks,
  timeout,
  transactionalId = null,
  producerId = Long.fromInt(-1),
  producerEpoch = 0,
  compression = compressionTypes.None,
  topicData,
}: {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: ProduceTopic[];
}) {
  return {
    apiKey: produceApiKey,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => acks !== 0,
    encode: async () => {
      const topics: EncoderApi[] = [];
      for (const { topic, partitions } of topicData) {
        const encodedPartitions: EncoderApi[] = [];
        for (const { partition, messages, firstSequence } of partitions) {
          const now = Date.now();
          let first = Number.POSITIVE_INFINITY;
          let last = Number.NEGATIVE_INFINITY;
          for (const message of messages) {
            if (message.timestamp === null || message.timestamp === undefined) continue;
            const timestamp = Number(message.timestamp);
            if (timestamp < first) first = timestamp;
            if (timestamp > last) last = timestamp;
          }
          if (first === Number.POSITIVE_INFINITY) first = last = now;
          const records = messages.map((message, index) =>
            encodeRecord({
              key: message.key,
              value: message.value,
              headers: message.headers,
              offsetDelta: index,
              timestampDelta: (message.timestamp ? Number(message.timestamp) : now) - first,
            }),
          );
          const batch = await RecordBatch({
            compression,
            records,
            firstTimestamp: first,
            maxTimestamp: last,
            producerId,
            producerEpoch,
            firstSequence,
            transactional: !!transactionalId,
            lastOffsetDelta: records.length - 1,
          });
          encodedPartitions.push(new EncoderClass().writeInt32(partition).writeInt32(batch.size()).writeEncoder(batch));
        }
        topics.push(new EncoderClass().writeString(topic).writeArray(encodedPartitions));
      }
      return new EncoderClass().writeString(transactionalId).writeInt16(acks).writeInt32(timeout).writeArray(topics);
    },
  };
}

// ---- read_committed: dropping records of aborted transactions ---------------------

interface FetchedMessage {
  offset: string;
  key?: Buffer | null;
  isControlRecord?: boolean;
  batchContext: { producerId: string; inTransaction: boolean; isControlBatch?: boolean };
}
interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

/** An ABORT control record's key: version 0, type 0. */
function isAbortMarker(message: FetchedMessage): boolean {
  const key = message.key;
  return !!key && key.length >= 4 && key.readInt16BE(0) === 0 && key.readInt16BE(2) === 0;
}

export function filterAbortedMessages({ messages, abortedTransactions }: { messages: FetchedMessage[]; abortedTransactions?: AbortedTransaction[] }): FetchedMessage[] {
  if (!abortedTransactions || abortedTransactions.length === 0) return messages;
  const pending = abortedTransactions
    .map((entry) => ({ producerId: String(entry.producerId), firstOffset: BigInt(entry.firstOffset) }))
    .sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<string>();
  let next = 0;
  return messages.filter((message) => {
    const offset = BigInt(message.offset);
    while (next < pending.length && pending[next]!.firstOffset <= offset) abortedProducers.add(pending[next++]!.producerId);
    const producerId = String(message.batchContext.producerId);
    if (message.isControlRecord || message.batchContext.isControlBatch) {
      if (isAbortMarker(message)) abortedProducers.delete(producerId);
      return true; // control records are dropped by the caller
    }
    return !(message.batchContext.inTransaction && abortedProducers.has(producerId));
  });
}

// ---- record decoder (fetch) -----------------------------------------------------------

interface RecordDecoderInput {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarLong(): KafkajsLong;
  readVarIntBytes(): Buffer | null;
  readVarIntArray<T>(reader: (decoder: RecordDecoderInput) => T): T[];
}
interface KafkajsLong {
  add(other: KafkajsLong | number): KafkajsLong;
  gte(other: KafkajsLong): boolean;
  toString(): string;
}
interface RecordBatchContext {
  firstOffset?: string;
  firstTimestamp?: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}
const LongValues = require('kafkajs/src/utils/long.js') as { fromValue(value: string | number): KafkajsLong; fromNumber(value: number): KafkajsLong };
const decodeHeader = require('kafkajs/src/protocol/recordBatch/header/v0/decoder.js') as (decoder: RecordDecoderInput) => { key: string; value: Buffer | null };
const { LOG_APPEND_TIME } = require('kafkajs/src/protocol/timestampTypes.js') as { LOG_APPEND_TIME: number };

/**
 * A zigzag varlong of at most 7 bytes (49 bits, exact in a double) as a
 * number; undefined for a longer one, with the decoder left where it was.
 */
function readShortVarLong(decoder: RecordDecoderInput): number | undefined {
  const buffer = decoder.buffer;
  let offset = decoder.offset;
  let result = 0;
  let multiplier = 1;
  for (let index = 0; index < 7; index++) {
    const byte = buffer[offset++]!;
    result += (byte & 0x7f) * multiplier;
    if (byte < 0x80) {
      decoder.offset = offset;
      return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    }
    multiplier *= 128;
  }
  return undefined;
}

/** `base` (a decimal string) + `delta`, as kafkajs' Long arithmetic would print it. */
function addToDecimal(base: string | undefined, delta: number | KafkajsLong): string {
  if (typeof delta === 'number' && base !== undefined) {
    const sum = Number(base) + delta;
    if (Number.isSafeInteger(sum) && Number.isSafeInteger(Number(base))) return String(sum);
  }
  return LongValues.fromValue(base ?? 0)
    .add(typeof delta === 'number' ? LongValues.fromNumber(delta) : delta)
    .toString();
}

/**
 * One record of a fetched batch, as kafkajs' record decoder returns it —
 * offsets and timestamps as decimal strings, headers as an object whose
 * repeated keys hold arrays — computed with numbers instead of kafkajs'
 * 64-bit Long emulation (a varlong read byte by byte through Long objects,
 * then two Long parses and prints per record); Long is kept for values a
 * double cannot hold exactly.
 */
export function decodeRecord(decoder: RecordDecoderInput, batchContext: RecordBatchContext = {}): Record<string, unknown> {
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  const attributes = decoder.readInt8();
  const timestampDelta = readShortVarLong(decoder) ?? decoder.readVarLong();
  const timestamp = timestampType === LOG_APPEND_TIME && maxTimestamp ? maxTimestamp : addToDecimal(firstTimestamp, timestampDelta);
  const offsetDelta = decoder.readVarInt();
  const offset = addToDecimal(firstOffset, offsetDelta);
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const headers: Record<string, unknown> = {};
  const decoded = decoder.readVarIntArray(decodeHeader);
  for (const header of decoded) {
    const existing = headers[header.key];
    const next = existing === undefined ? header.value : Array.isArray(existing) ? existing.concat([header.value]) : [existing, header.value];
    // An own property even for '__proto__', as kafkajs' object spread makes it.
    Object.defineProperty(headers, header.key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  if (decoded.length > 0) Object.defineProperty(headers, orderedHeaders, { value: decoded.map((header): [string, Buffer | null] => [header.key, header.value]) });
  return { magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord: isControlBatch, batchContext };
}

// ---- murmur2 (the default partitioner's key hash) ------------------------------------

/**
 * Kafka's murmur2 of a record key — the hash Java's producer partitions
 * keyed records by (so a repartition topic's partitions match Kafka
 * Streams') — in 32-bit integer arithmetic (Math.imul), as Java computes it.
 * kafkajs computes the same 32 bits through its 64-bit Long emulation: ~4% of
 * a DSL word count's CPU for every repartitioned record.
 */
export function murmur2(key: Buffer | string | number): number {
  const data = Buffer.isBuffer(key) ? key : Buffer.from(String(key));
  const length = data.length;
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const length4 = length >>> 2;
  for (let index = 0; index < length4; index++) {
    const at = index * 4;
    let k = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

// ---- install ---------------------------------------------------------------------

function replaceModule(request: string, exports: unknown): void {
  const path = require.resolve(request);
  if (require.cache[path]) return;
  const record = new Module(path);
  record.filename = path;
  record.loaded = true;
  record.exports = exports;
  require.cache[path] = record as unknown as NodeJS.Module;
}

replaceModule('kafkajs/src/producer/groupMessagesPerPartition.js', groupMessagesPerPartition);
replaceModule('kafkajs/src/protocol/recordBatch/record/v0/index.js', encodeRecord);
replaceModule('kafkajs/src/protocol/requests/produce/v3/request.js', produceRequestV3);
replaceModule('kafkajs/src/consumer/filterAbortedMessages.js', filterAbortedMessages);
replaceModule('kafkajs/src/protocol/recordBatch/record/v0/decoder.js', decodeRecord);
replaceModule('kafkajs/src/producer/partitioners/default/murmur2.js', murmur2);

// The request queue schedules its next check of pending requests at
// `throttledUntil - Date.now()`, which is about minus the epoch time when the
// queue was never throttled (`throttledUntil` starts at -1) and nothing is
// pending. Node clamps a negative delay to 1 ms; Node 24 also prints a
// TimeoutNegativeWarning each time. Same schedule, delay given as Node uses it.
interface RequestQueueLike {
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  pending: unknown[];
  checkPendingRequests(): void;
}
const CHECK_PENDING_REQUESTS_INTERVAL = 10; // kafkajs' constant in the same module
export const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueLike & { scheduleCheckPendingRequests(this: RequestQueueLike): void } };
RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId) return;
  const untilThrottleEnds = this.throttledUntil - Date.now();
  const delay = untilThrottleEnds > 0 ? untilThrottleEnds : this.pending.length > 0 ? CHECK_PENDING_REQUESTS_INTERVAL : 1;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
};

// A fetched batch keeps the partition's last stable offset (kafkajs reads it
// from the fetch response and drops it): with it a task knows whether a
// partition has more readable records — its lag — as Kafka Streams' consumer
// does for max.task.idle.ms. Loaded after the filter above, which it requires.
const batchModule = require.cache[require.resolve('kafkajs/src/consumer/batch.js')] ?? (require('kafkajs/src/consumer/batch.js'), require.cache[require.resolve('kafkajs/src/consumer/batch.js')]!);
// It also drops the records before the fetched offset (a compressed batch
// may start earlier) comparing offsets as numbers where they are exact:
// kafkajs parses every record's offset into a Long for that.
interface PartitionData {
  lastStableOffset?: string;
  messages: FetchedMessage[];
  abortedTransactions?: AbortedTransaction[];
}
type BatchConstructor = new (topic: string, fetchedOffset: string, partitionData: PartitionData) => object;
const KafkajsBatch = batchModule.exports as BatchConstructor;
class BatchWithStableOffset extends KafkajsBatch {
  readonly lastStableOffset: string | undefined;
  declare rawMessages: FetchedMessage[];
  declare messagesWithinOffset: FetchedMessage[];
  declare messages: FetchedMessage[];
  constructor(topic: string, fetchedOffset: string, partitionData: PartitionData) {
    // kafkajs' constructor sets the batch's other fields; its filtering is redone below, on no messages there.
    super(topic, fetchedOffset, { ...partitionData, messages: [], abortedTransactions: [] });
    const { messages, abortedTransactions } = partitionData;
    this.rawMessages = messages;
    const fetched = Number(fetchedOffset);
    let longFetched: KafkajsLong | undefined;
    this.messagesWithinOffset = messages.filter((message) => {
      const offset = Number(message.offset);
      if (Number.isSafeInteger(offset) && Number.isSafeInteger(fetched)) return offset >= fetched;
      longFetched ??= LongValues.fromValue(fetchedOffset);
      return LongValues.fromValue(message.offset).gte(longFetched);
    });
    this.messages = filterAbortedMessages({ messages: this.messagesWithinOffset, abortedTransactions }).filter((message) => !message.isControlRecord);
    this.lastStableOffset = partitionData.lastStableOffset;
  }
}
batchModule.exports = BatchWithStableOffset;

// ---- consumer-group hooks, per consumer ------------------------------------------

/**
 * Carried by the assigner object of one consumer (kafkajs-connection.ts): the
 * consumer group finds them among its own assigners, so nothing is keyed by
 * member id in a process-wide map.
 */
export interface EddyAssignerHooks {
  /** Awaited (errors ignored) before the member (re)joins: while the group waits, offsets can still be committed with the old generation. */
  beforeRejoin(): Promise<void>;
  /** The generation and the assignment user data this member received at its sync (kafkajs drops the user data). */
  received(generationId: number, userData: Buffer | undefined): void;
  /** True once after the member asked to rejoin (a probing rebalance): its next fetch turns into a join. */
  takeRejoinRequest(): boolean;
  /**
   * Incremental cooperative rebalancing: a rebalance the coordinator
   * announces (or the member asks for) is joined in the background while
   * the consumer goes on fetching and handing over the partitions it owns;
   * without it (eager, kafkajs' own way) fetching stops for the join.
   */
  cooperative: boolean;
}

interface ConsumerGroupLike {
  assigners?: Array<{ eddyHooks?: EddyAssignerHooks }>;
  coordinator: { syncGroup(request: unknown): Promise<{ memberAssignment: Buffer }> } & Record<string, unknown>;
  generationId: number;
}

const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: Record<string | symbol, unknown> };
const MemberAssignment = (require('kafkajs/src/consumer/assignerProtocol.js') as { MemberAssignment: { decode(buffer: Buffer): { userData?: Buffer } | null } }).MemberAssignment;
const hooksOf = (group: ConsumerGroupLike) => group.assigners?.find((assigner) => assigner.eddyHooks)?.eddyHooks;

// A member that asks for a rebalance (kafkajs has no enforceRebalance): the
// check kafkajs makes before every fetch reports the assignment stale, which
// kafkajs answers with a rejoin (its recovery for a topic that grew).
const { KafkaJSStaleTopicMetadataAssignment } = require('kafkajs/src/errors.js') as { KafkaJSStaleTopicMetadataAssignment: new (message: string, details: { topic: string; unknownPartitions: number[] }) => Error };
const checkForStaleAssignment = ConsumerGroup.prototype.checkForStaleAssignment as () => void;
ConsumerGroup.prototype.checkForStaleAssignment = function checkForStaleOrRequestedRejoin(this: ConsumerGroupLike) {
  const hooks = hooksOf(this);
  // (Cooperative: a request made while a join is in flight is kept for the next one — the running join's subscription may predate it.)
  if (hooks && !(hooks.cooperative && joins.get(this)?.running) && hooks.takeRejoinRequest()) {
    if (hooks.cooperative) backgroundJoin(this);
    else throw new KafkaJSStaleTopicMetadataAssignment('Eddy asked for a rebalance (warm-up copies caught up, or the probing interval passed)', { topic: '', unknownPartitions: [] });
  }
  return checkForStaleAssignment.call(this);
};

const joinAndSync = ConsumerGroup.prototype.joinAndSync as () => Promise<unknown>;
const hookedJoinAndSync = async (group: ConsumerGroupLike): Promise<unknown> => {
  const hooks = hooksOf(group);
  if (hooks) await hooks.beforeRejoin().catch(() => undefined);
  return joinAndSync.call(group);
};
ConsumerGroup.prototype.joinAndSync = function joinAndSyncWithHook(this: ConsumerGroupLike) {
  // One join at a time: kafkajs' own recoveries wait for a background join in progress.
  return joins.get(this)?.running ?? hookedJoinAndSync(this);
};

// ---- incremental cooperative rebalancing ----------------------------------------
//
// kafkajs stops every fetcher before it rejoins (the runner's answer to
// REBALANCE_IN_PROGRESS) and starts them again after the sync: the eager
// protocol. For a cooperative consumer the join runs in the background
// instead: the fetchers go on with the partitions the member owns (fetches
// use their own connection to each broker, so the long JoinGroup does not
// hold them up), heartbeats go on while the pre-rejoin hook runs and stop
// once the JoinGroup is sent (it is the member's sign of life), and the sync replaces the
// assignment under the running fetchers. A batch fetched before the sync for
// a partition the member no longer owns still reaches the listener, which
// refuses it; positions are not resolved for partitions the new assignment
// lacks. A background join that fails is rethrown at the next heartbeat as a
// rebalance, so kafkajs rejoins its own (eager) way.

interface BackgroundJoin {
  running: Promise<unknown> | undefined;
  /** The running join has sent its JoinGroup (until then the member heartbeats: the pre-rejoin hook may take a while). */
  joinSent: boolean;
  failed: Error | undefined;
  /** The member left its group (the consumer stops): no join may bring it back as a new member. */
  left: boolean;
}
const joins = new WeakMap<ConsumerGroupLike, BackgroundJoin>();
const joinState = (group: ConsumerGroupLike): BackgroundJoin => {
  let state = joins.get(group);
  if (!state) joins.set(group, (state = { running: undefined, joinSent: false, failed: undefined, left: false }));
  return state;
};
const { KafkaJSError, KafkaJSNonRetriableError } = require('kafkajs/src/errors.js') as {
  KafkaJSError: new (message: string, properties?: { retriable?: boolean }) => Error;
  KafkaJSNonRetriableError: new (message: string) => Error;
};

function backgroundJoin(group: ConsumerGroupLike): void {
  const state = joinState(group);
  if (state.running || state.left) return;
  const join = state;
  join.running = hookedJoinAndSync(group)
    .catch((error: unknown) => {
      const cause = error instanceof Error ? error.message : String(error);
      join.failed = Object.assign(new KafkaJSError(`the background rejoin failed: ${cause}`, { retriable: true }), { type: 'REBALANCE_IN_PROGRESS' });
    })
    .finally(() => {
      join.running = undefined;
      join.joinSent = false;
    });
}

const heartbeat = ConsumerGroup.prototype.heartbeat as (options: { interval: number }) => Promise<void>;
ConsumerGroup.prototype.heartbeat = async function cooperativeHeartbeat(this: ConsumerGroupLike, options: { interval: number }) {
  if (!hooksOf(this)?.cooperative) return heartbeat.call(this, options);
  const state = joins.get(this);
  if (state?.failed) {
    const failed = state.failed;
    state.failed = undefined;
    throw failed;
  }
  if (state?.running && state.joinSent) return;
  try {
    await heartbeat.call(this, options);
  } catch (error) {
    if ((error as { type?: string }).type !== 'REBALANCE_IN_PROGRESS') throw error;
    backgroundJoin(this);
  }
};

// A join in flight when the consumer stops (the runner leaves the group)
// must not rejoin afterwards — kafkajs' join retries would bring the member
// back under a new id, and the group would wait for, then assign work to, a
// member that no longer fetches.
const leave = ConsumerGroup.prototype.leave as () => Promise<void>;
ConsumerGroup.prototype.leave = function leaveForGood(this: ConsumerGroupLike) {
  if (hooksOf(this)?.cooperative) joinState(this).left = true;
  return leave.call(this);
};
const joinSymbol = Object.getOwnPropertySymbols(ConsumerGroup.prototype).find((symbol) => symbol.description === 'private:ConsumerGroup:join');
if (!joinSymbol) throw new Error('kafkajs-patches: ConsumerGroup has no join step (kafkajs version changed?)');
const joinStep = ConsumerGroup.prototype[joinSymbol] as () => Promise<void>;
ConsumerGroup.prototype[joinSymbol] = function joinUnlessLeft(this: ConsumerGroupLike) {
  const state = joins.get(this);
  if (state?.left) return Promise.reject(new KafkaJSNonRetriableError('the consumer left its group'));
  if (state?.running) state.joinSent = true;
  return joinStep.call(this);
};

const resolveOffset = ConsumerGroup.prototype.resolveOffset as (position: { topic: string; partition: number; offset: string }) => void;
ConsumerGroup.prototype.resolveOffset = function resolveOwnedOffset(this: ConsumerGroupLike & { assigned(): Array<{ topic: string; partitions: number[] }> }, position: { topic: string; partition: number; offset: string }) {
  // A batch fetched before a background sync may be for a partition that is no longer this member's.
  if (hooksOf(this)?.cooperative && !this.assigned().some(({ topic, partitions }) => topic === position.topic && partitions.includes(position.partition))) return;
  resolveOffset.call(this, position);
};

const syncSymbol = Object.getOwnPropertySymbols(ConsumerGroup.prototype).find((symbol) => symbol.description === 'private:ConsumerGroup:sync');
if (!syncSymbol) throw new Error('kafkajs-patches: ConsumerGroup has no sync step (kafkajs version changed?)');
const sync = ConsumerGroup.prototype[syncSymbol] as () => Promise<void>;
ConsumerGroup.prototype[syncSymbol] = async function syncCapturingUserData(this: ConsumerGroupLike) {
  const hooks = hooksOf(this);
  if (!hooks) return sync.call(this);
  // Catch the raw assignment on its way from this consumer's coordinator.
  const coordinator = this.coordinator;
  const hadOwn = Object.prototype.hasOwnProperty.call(coordinator, 'syncGroup');
  const original = coordinator.syncGroup;
  let raw: Buffer | undefined;
  coordinator.syncGroup = async (request: unknown) => {
    const response = await original.call(coordinator, request);
    raw = response.memberAssignment;
    return response;
  };
  try {
    await sync.call(this);
  } finally {
    if (hadOwn) coordinator.syncGroup = original;
    else delete (coordinator as Record<string, unknown>).syncGroup;
  }
  hooks.received(this.generationId, raw && raw.length > 0 ? MemberAssignment.decode(raw)?.userData : undefined);
};

export { produceRequestV3 };

// ListOffsets at the isolation level the caller's context asks for
// (kafkajs-kip447.ts: withUncommittedEnds reads high watermarks through an
// admin that reads committed). Patched here, after the module replacements
// above, because loading the broker loads the request modules.
const Broker = require('kafkajs/src/broker/index.js') as { prototype: { listOffsets(request: { isolationLevel?: number }): Promise<unknown> } };
const listOffsets = Broker.prototype.listOffsets;
Broker.prototype.listOffsets = function listOffsetsInContext(request) {
  const isolationLevel = contextIsolationLevel();
  return listOffsets.call(this, isolationLevel === undefined ? request : { ...request, isolationLevel });
};
