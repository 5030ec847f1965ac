// Aggregations of a grouped stream into a table (Kafka Streams'
// KStreamAggregate / KStreamReduce, and KStreamWindowAggregate for tumbling
// and hopping windows), with caching off: every update is forwarded.
//
// Owns: reading and writing the aggregate (a timestamped key-value store, or
// a window store of timestamped values), the output timestamp (the largest
// timestamp that contributed), which windows a record falls in (epoch-aligned
// starts), the grace rule (a window whose end ≤ observed stream time − grace
// is closed: the record is dropped for it and counted), and the windowed key
// written downstream (key ‖ window start, Kafka Streams' TimeWindowedSerializer).
// Must never: forward a record that changed nothing, or drop one silently.

import { readLong, writeLong } from '../bytes.ts';
import type { StreamRecord } from '../record.ts';
import { encodeValueAndTimestamp, decodeValueAndTimestamp } from '../state/value-and-timestamp.ts';
import type { WindowStore } from '../state/window-store.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { aggregationFunctions, bindAggregation, encodeLong, type AggregationSpec } from './aggregations.ts';
import { withChange, type TableFlags } from './change.ts';
import { OperatorSupplier, requireStore } from './operator-supplier.ts';
import { RecordCache } from './record-cache.ts';

export function aggregateSupplier(store: string, spec: AggregationSpec, flags: TableFlags): OperatorSupplier {
  return new OperatorSupplier(`KSTREAM-${spec.kind.toUpperCase()}`, aggregationFunctions(spec), (bind) => {
    const aggregation = bindAggregation(spec, bind);
    const sendOld = flags.sendOldValues;
    const counting = spec.kind === 'count';
    let values: KeyValueStore;
    let cache: RecordCache;
    return {
      init(context) {
        values = requireStore(context.openStore(store));
        cache = new RecordCache(context);
      },
      flush() {
        cache.flush();
      },
      process(record, context) {
        if (record.key === undefined || record.value === undefined) {
          context.recordDropped(`${record.key === undefined ? 'null key' : 'null value'}: ${spec.kind} skips it`);
          return;
        }
        if (counting && countInPlace(record, values, cache, sendOld)) return;
        const old = decodeValueAndTimestamp(values.get(record.key));
        const timestamp = old ? Math.max(old.timestamp, record.timestamp) : record.timestamp;
        // The old value sent downstream: the stored aggregate (stores replace values, never change their bytes: no copy), else the initial one (null for reduce).
        const previous = old ? old.value : aggregation.initial();
        const aggregate = aggregation.add(record.key, record.value, previous);
        if (aggregate === undefined) values.delete(record.key);
        else values.put(record.key, encodeValueAndTimestamp(aggregate, timestamp));
        cache.update(withChange(record, aggregate, sendOld ? previous : undefined, timestamp), old !== undefined);
      },
    };
  });
}

const zeroCount = encodeLong(0n);

/**
 * A count's update without the general path's intermediate arrays: the new
 * stored value (8-byte timestamp ‖ Long) is written once and the count sent
 * downstream is a view of it — the same bytes as decode → increment →
 * encode. False (nothing done) when the stored value is not a 16-byte
 * timestamped Long or the count would pass 2^53: the general path handles
 * (and reports) those.
 */
function countInPlace(record: StreamRecord, values: KeyValueStore, cache: RecordCache, sendOld: boolean): boolean {
  const key = record.key!;
  const stored = values.get(key);
  const counted = nextCount(stored, record.timestamp);
  if (!counted) return false;
  values.put(key, counted.stored);
  const previous = stored === undefined ? zeroCount : stored.subarray(8);
  cache.update(withChange(record, counted.stored.subarray(8), sendOld ? previous : undefined, counted.timestamp), stored !== undefined);
  return true;
}

/** The stored value (timestamp ‖ Long) after counting one more record at `timestamp`; undefined for what the general path must handle. */
function nextCount(stored: Uint8Array | undefined, timestamp: number): { stored: Uint8Array; timestamp: number } | undefined {
  if (stored !== undefined && stored.length !== 16) return undefined;
  const count = stored === undefined ? 1 : readLong(stored, 8) + 1;
  if (!Number.isSafeInteger(count)) return undefined;
  const latest = stored === undefined ? timestamp : Math.max(readLong(stored, 0), timestamp);
  const next = new Uint8Array(16);
  writeLong(next, 0, latest);
  writeLong(next, 8, count);
  return { stored: next, timestamp: latest };
}

export interface TimeWindowsSpec {
  sizeMs: number;
  /** = size for tumbling windows. */
  advanceMs: number;
  graceMs: number;
}

/** The windows `timestamp` falls in: starts from max(0, t − size + advance) rounded down to the advance, while start ≤ t (TimeWindows.windowsFor). */
export function timeWindowsFor(timestamp: number, windows: TimeWindowsSpec): number[] {
  const starts: number[] = [];
  let start = Math.floor(Math.max(0, timestamp - windows.sizeMs + windows.advanceMs) / windows.advanceMs) * windows.advanceMs;
  for (; start <= timestamp; start += windows.advanceMs) starts.push(start);
  return starts;
}

export function windowedKey(key: Uint8Array, start: number): Uint8Array {
  const bytes = new Uint8Array(key.length + 8);
  bytes.set(key, 0);
  writeLong(bytes, key.length, start);
  return bytes;
}

export function windowAggregateSupplier(store: string, windows: TimeWindowsSpec, spec: AggregationSpec): OperatorSupplier {
  return new OperatorSupplier(`KSTREAM-WINDOW-${spec.kind.toUpperCase()}`, aggregationFunctions(spec), (bind) => {
    const aggregation = bindAggregation(spec, bind);
    const counting = spec.kind === 'count';
    let values: WindowStore;
    let observedStreamTime = -1;
    let cache: RecordCache;
    return {
      init(context) {
        values = requireStore(context.openWindowStore(store));
        observedStreamTime = context.streamTime();
        cache = new RecordCache(context);
      },
      flush() {
        cache.flush();
      },
      process(record, context) {
        if (record.key === undefined) {
          context.recordDropped(`null key: windowed ${spec.kind} skips it`);
          return;
        }
        const key = record.key;
        observedStreamTime = Math.max(observedStreamTime, record.timestamp);
        const closeTime = observedStreamTime - windows.graceMs;
        for (const start of timeWindowsFor(record.timestamp, windows)) {
          const end = start + windows.sizeMs;
          if (end <= closeTime) {
            context.recordDropped(`window [${start}, ${end}) closed at stream time ${observedStreamTime} (grace ${windows.graceMs} ms)`);
            continue;
          }
          const stored = values.fetch(key, start);
          if (counting) {
            const counted = nextCount(stored, record.timestamp);
            if (counted) {
              values.put(key, counted.stored, start);
              cache.update({ key: windowedKey(key, start), value: counted.stored.subarray(8), timestamp: counted.timestamp, headers: record.headers, oldValue: undefined }, stored !== undefined);
              continue;
            }
          }
          const old = decodeValueAndTimestamp(stored);
          const timestamp = old ? Math.max(old.timestamp, record.timestamp) : record.timestamp;
          const aggregate = aggregation.add(key, record.value, old ? old.value : aggregation.initial());
          values.put(key, aggregate === undefined ? undefined : encodeValueAndTimestamp(aggregate, timestamp), start);
          // The change record's one shape (withChange's), whatever fields the input carried: the cache's hot path stays monomorphic.
          cache.update({ key: windowedKey(key, start), value: aggregate, timestamp, headers: record.headers, oldValue: undefined }, old !== undefined);
        }
      },
    };
  });
}
