// suppress(untilWindowCloses) on a windowed table (Kafka Streams'
// KTableSuppressProcessor with a final-results buffer): one final result per
// window, once the window has closed.
//
// Owns: the buffer (a key-value store, so it is changelogged and restored:
// key = window end ‖ windowed key, so entries are evicted in window-end order
// and, for equal ends, in the order of the windowed key's bytes; a newer
// update of a window replaces the older), its own stream time (the largest
// timestamp of the updates it received), and eviction: every window whose
// end ≤ stream time − the upstream grace (session windows: grace + gap) is
// forwarded with its last value, timestamp and headers; null values are not
// forwarded.
// Must never: emit a window before it closes, or twice.

import type { Header } from '../record.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
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

function encodeEntry(timestamp: number, value: Uint8Array | undefined, headers: Header[]): Uint8Array {
  let size = 8 + 1 + 4 + (value?.length ?? 0) + 4;
  const encodedHeaders = headers.map((header) => ({ key: encoder.encode(header.key), value: header.value }));
  for (const header of encodedHeaders) size += 8 + header.key.length + header.value.length;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  view.setBigInt64(at, BigInt(timestamp));
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

function decodeEntry(bytes: Uint8Array): { timestamp: number; value: Uint8Array | undefined; headers: Header[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const timestamp = Number(view.getBigInt64(at));
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
  return { timestamp, value, headers };
}

/** Buffer key: the window end (8 bytes, offset so that unsigned byte order is numeric order) ‖ the windowed key. */
function bufferKey(end: number, windowedKey: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(8 + windowedKey.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(end) + 0x8000000000000000n);
  bytes.set(windowedKey, 8);
  return bytes;
}

function endOfBufferKey(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0) - 0x8000000000000000n);
}

export function suppressSupplier(store: string, closing: WindowClosing): OperatorSupplier {
  return new OperatorSupplier('KTABLE-SUPPRESS (until window closes)', [], () => {
    let buffer: KeyValueStore;
    let observedStreamTime = -1;
    return {
      init(context) {
        buffer = requireStore(context.openStore(store));
        // Resume with the stream time the buffered updates imply.
        for (const entries = buffer.range(undefined, undefined); ; ) {
          const batch = entries.next(256);
          if (batch.length === 0) break;
          for (const entry of batch) observedStreamTime = Math.max(observedStreamTime, decodeEntry(entry.value).timestamp);
        }
      },
      process(record, context) {
        if (record.key === undefined) {
          context.recordDropped('null key: suppress cannot buffer it');
          return;
        }
        observedStreamTime = Math.max(observedStreamTime, record.timestamp);
        buffer.put(bufferKey(closing.endOf(record.key), record.key), encodeEntry(record.timestamp, record.value, record.headers));
        const limit = observedStreamTime - closing.suppressMs;
        for (;;) {
          const [first] = buffer.range(undefined, undefined).next(1);
          if (!first || endOfBufferKey(first.key) > limit) break;
          buffer.delete(first.key);
          const entry = decodeEntry(first.value);
          if (entry.value === undefined) continue;
          context.forward({ key: first.key.slice(8), value: entry.value, timestamp: entry.timestamp, headers: entry.headers });
        }
      },
    };
  });
}
