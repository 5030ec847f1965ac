// suppress on a table (Kafka Streams' KTableSuppressProcessor over its
// time-ordered change buffer): untilWindowCloses — one final result per
// window, once the window has closed — and untilTimeLimit — a key's latest
// update, once the limit has passed since the key was first buffered; both
// with Kafka Streams' buffer limits (maxRecords, maxBytes) and what to do
// when the buffer is full (emit early, or fail the task).
//
// Owns: the buffer (a key-value store, so it is changelogged and restored):
// entries under 0x00 ‖ buffer time ‖ key, in buffer-time order and, for equal
// times, in the order of the key's bytes, and an index 0x01 ‖ key → buffer
// time. The buffer time of a key is fixed when it enters the buffer (a window
// end; or the record's time for a time limit): a newer update of a buffered
// key replaces its value, record context and size in place, as Kafka Streams'
// cleanPut does. Its own stream time (the largest timestamp it has seen), and
// eviction: every entry whose buffer time ≤ stream time − the wait (the
// upstream grace, for sessions grace + gap; or the time limit) is forwarded
// with its last value, timestamp and headers — then, while the buffer holds
// more than maxRecords entries or maxBytes bytes (Kafka Streams' size
// estimate), the oldest entries too, or the task fails (shut-down). Tombstones
// are forwarded under a time limit, never as final window results.
// Must never: emit a window before it closes, or an entry twice.

import { readLong, writeLong } from '../bytes.ts';
import type { Header } from '../record.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { oldValueOf } from './change.ts';
import { OperatorSupplier, requireStore } from './operator-supplier.ts';

/** How to read a window's end from the windowed key bytes, and how long after it the window closes. */
export interface WindowClosing {
  /** The end of the window the windowed key names. */
  endOf(windowedKey: Uint8Array): number;
  /** Time after the end at which the window closes (the grace; for sessions grace + gap). */
  suppressMs: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Entry {
  timestamp: number;
  value: Uint8Array | undefined;
  headers: Header[];
  /** Kafka Streams' estimate of the entry's memory size (maxBytes counts it). */
  size: number;
  /** Bytes of the prior value: the old value the key had when it entered the buffer. */
  priorLength: number;
}

function encodeEntry(entry: Entry): Uint8Array {
  const { timestamp, value, headers } = entry;
  let size = 8 + 8 + 8 + 1 + 4 + (value?.length ?? 0) + 4;
  const encodedHeaders = headers.map((header) => ({ key: encoder.encode(header.key), value: header.value }));
  for (const header of encodedHeaders) size += 8 + header.key.length + header.value.length;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  view.setBigInt64(at, BigInt(timestamp));
  at += 8;
  view.setBigInt64(at, BigInt(entry.size));
  at += 8;
  view.setBigInt64(at, BigInt(entry.priorLength));
  at += 8;
  bytes[at++] = value === undefined ? 0 : 1;
  view.setUint32(at, value?.length ?? 0);
  at += 4;
  if (value) bytes.set(value, at);
  at += value?.length ?? 0;
  view.setUint32(at, encodedHeaders.length);
  at += 4;
  for (const header of encodedHeaders) {
    view.setUint32(at, header.key.length);
    bytes.set(header.key, at + 4);
    at += 4 + header.key.length;
    view.setUint32(at, header.value.length);
    bytes.set(header.value, at + 4);
    at += 4 + header.value.length;
  }
  return bytes;
}

function decodeEntry(bytes: Uint8Array): Entry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const timestamp = Number(view.getBigInt64(at));
  at += 8;
  const size = Number(view.getBigInt64(at));
  at += 8;
  const priorLength = Number(view.getBigInt64(at));
  at += 8;
  const present = bytes[at++] === 1;
  const length = view.getUint32(at);
  at += 4;
  const value = present ? bytes.slice(at, at + length) : undefined;
  at += length;
  const count = view.getUint32(at);
  at += 4;
  const headers: Header[] = [];
  for (let index = 0; index < count; index++) {
    const keyLength = view.getUint32(at);
    const key = decoder.decode(bytes.subarray(at + 4, at + 4 + keyLength));
    at += 4 + keyLength;
    const valueLength = view.getUint32(at);
    headers.push({ key, value: bytes.slice(at + 4, at + 4 + valueLength) });
    at += 4 + valueLength;
  }
  return { timestamp, value, headers, size, priorLength };
}

const entryPrefix = 0;
const indexPrefix = 1;

/** Entry key: 0x00 ‖ buffer time (8 bytes, offset so that unsigned byte order is numeric order) ‖ key. */
function entryKey(time: number, key: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(9 + key.length);
  bytes[0] = entryPrefix;
  new DataView(bytes.buffer).setBigUint64(1, BigInt(time) + 0x8000000000000000n);
  bytes.set(key, 9);
  return bytes;
}

function timeOfEntryKey(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset + 1, 8).getBigUint64(0) - 0x8000000000000000n);
}

function indexKey(key: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(1 + key.length);
  bytes[0] = indexPrefix;
  bytes.set(key, 1);
  return bytes;
}

const firstIndexKey = Uint8Array.of(indexPrefix);

/** What the buffer waits for: a window to close, or a time limit per key. */
export type Suppression =
  | { kind: 'window-closes'; closing: WindowClosing }
  | { kind: 'time-limit'; limitMs: number };

/** Kafka Streams' BufferConfig: unbounded by default; when full, emit the oldest early or fail (shut down). */
export interface BufferLimits {
  maxRecords: number;
  maxBytes: number;
  whenFull: 'emit-early' | 'shut-down';
}

export const unboundedBuffer: BufferLimits = { maxRecords: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY, whenFull: 'shut-down' };

const characters = (text: string) => text.length;

export function suppressSupplier(store: string, suppression: Suppression, limits: BufferLimits = unboundedBuffer, nodeName = 'KTABLE-SUPPRESS'): OperatorSupplier {
  const description = suppression.kind === 'window-closes' ? 'KTABLE-SUPPRESS (until window closes)' : `KTABLE-SUPPRESS (until time limit ${suppression.limitMs} ms)`;
  const waitMs = suppression.kind === 'window-closes' ? suppression.closing.suppressMs : suppression.limitMs;
  // Final window results drop tombstones; a time limit forwards them (Kafka Streams' safeToDropTombstones).
  const dropTombstones = suppression.kind === 'window-closes';
  return new OperatorSupplier(description, [], () => {
    let buffer: KeyValueStore;
    let observedStreamTime = -1;
    let records = 0;
    let bytes = 0;
    return {
      init(context) {
        buffer = requireStore(context.openStore(store));
        // Resume with the stream time and sizes the buffered updates imply.
        for (const entries = buffer.range(undefined, firstIndexKey); ; ) {
          const batch = entries.next(256);
          if (batch.length === 0) break;
          for (const entry of batch) {
            if (entry.key[0] !== entryPrefix) continue;
            const decoded = decodeEntry(entry.value);
            observedStreamTime = Math.max(observedStreamTime, decoded.timestamp);
            records++;
            bytes += decoded.size;
          }
        }
      },
      process(record, context) {
        if (record.key === undefined) {
          context.recordDropped('null key: suppress cannot buffer it');
          return;
        }
        observedStreamTime = Math.max(observedStreamTime, record.timestamp);
        // Buffer: a key keeps the buffer time it entered with (and the prior value it had then).
        const index = indexKey(record.key);
        const bufferedAt = buffer.get(index);
        const time = bufferedAt
          ? readLong(bufferedAt, 0)
          : suppression.kind === 'window-closes' ? suppression.closing.endOf(record.key) : record.timestamp;
        const key = entryKey(time, record.key);
        const previousBytes = bufferedAt ? buffer.get(key) : undefined;
        const previous = previousBytes ? decodeEntry(previousBytes) : undefined;
        const oldLength = oldValueOf(record)?.length ?? 0;
        // Kafka Streams' BufferValue estimate: the prior value (the old value when the key entered), the
        // change's old value when it is not that prior itself, the new value, and the record context.
        const priorLength = previous ? previous.priorLength : oldLength;
        let size = 8 + record.key.length + priorLength + (previous ? oldLength : 0) + (record.value?.length ?? 0);
        size += 8 + 8 + characters(context.metadata()?.topic ?? '') + 4;
        for (const header of record.headers) size += characters(header.key) + header.value.length;
        if (previous) {
          bytes -= previous.size;
        } else {
          records++;
          const encodedTime = new Uint8Array(8);
          writeLong(encodedTime, 0, time);
          buffer.put(index, encodedTime);
        }
        bytes += size;
        buffer.put(key, encodeEntry({ timestamp: record.timestamp, value: record.value, headers: record.headers, size, priorLength }));
        const emit = (entryKeyBytes: Uint8Array, value: Uint8Array) => {
          const entry = decodeEntry(value);
          const recordKey = entryKeyBytes.slice(9);
          buffer.delete(entryKeyBytes);
          buffer.delete(indexKey(recordKey));
          records--;
          bytes -= entry.size;
          if (entry.value === undefined && dropTombstones) return;
          context.forward({ key: recordKey, value: entry.value, timestamp: entry.timestamp, headers: entry.headers });
        };
        const expiry = observedStreamTime - waitMs;
        for (;;) {
          const [first] = buffer.range(undefined, firstIndexKey).next(1);
          if (!first || first.key[0] !== entryPrefix || timeOfEntryKey(first.key) > expiry) break;
          emit(first.key, first.value);
        }
        const overCapacity = () => records > limits.maxRecords || bytes > limits.maxBytes;
        if (!overCapacity()) return;
        if (limits.whenFull === 'shut-down') {
          throw new Error(`${nodeName} buffer exceeded its max capacity. Currently [${records}/${limits.maxRecords}] records and [${bytes}/${limits.maxBytes}] bytes.`);
        }
        while (overCapacity()) {
          const [first] = buffer.range(undefined, firstIndexKey).next(1);
          if (!first || first.key[0] !== entryPrefix) break;
          emit(first.key, first.value);
        }
      },
    };
  });
}
