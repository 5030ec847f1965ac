// Sliding-window aggregation (Kafka Streams' KStreamSlidingWindowAggregate,
// reverse-iteration path), with caching off.
//
// Owns: the windows a record creates and updates — windows [start, start + d]
// inclusive, d the time difference: the record's left window [t − d, t],
// its right window [t + 1, t + 1 + d] (created only when a later record
// exists, holding that window's aggregate without the record), the previous
// record's right window, and the combined window [0, d] for early records
// (t < d) — the close rules (the whole record is dropped when t + d < stream
// time − grace; a window is updated while its end ≥ stream time − grace),
// null keys and null values dropped and counted, and window timestamps (the
// largest record time in the window). Windowed keys downstream: key ‖ start.
// Must never: drop a record silently.

import type { WindowStore } from '../state/window-store.ts';
import { decodeValueAndTimestamp, encodeValueAndTimestamp } from '../state/value-and-timestamp.ts';
import type { Bytes } from '../processor/functions.ts';
import type { ProcessorContext } from '../processor/processor.ts';
import type { StreamRecord } from '../record.ts';
import { windowedKey } from './aggregate-operators.ts';
import { aggregationFunctions, bindAggregation, type AggregationSpec } from './aggregations.ts';
import { OperatorSupplier, requireStore } from './operator-supplier.ts';
import { RecordCache } from './record-cache.ts';

export interface SlidingWindowsSpec {
  /** The largest time difference between two records of one window (inclusive). */
  differenceMs: number;
  graceMs: number;
}

/** A stored window aggregate; `value` undefined for an aggregate that is null (reduce before its first value). */
type Stored = { value: Bytes; timestamp: number };

export function slidingAggregateSupplier(store: string, windows: SlidingWindowsSpec, spec: AggregationSpec): OperatorSupplier {
  const d = windows.differenceMs;
  return new OperatorSupplier(`KSTREAM-SLIDING-${spec.kind.toUpperCase()}`, aggregationFunctions(spec), (bind) => {
    const aggregation = bindAggregation(spec, bind);
    let values: WindowStore;
    let observedStreamTime = -1;
    let cache: RecordCache;

    const read = (bytes: Uint8Array): Stored => decodeValueAndTimestamp(bytes)!;
    const write = (key: Uint8Array, start: number, stored: Stored | undefined): void =>
      values.put(key, stored === undefined || stored.value === undefined ? undefined : encodeValueAndTimestamp(stored.value, stored.timestamp), start);

    /** updateWindowAndForward: aggregates the record into the window (given its current aggregate), if the window is still open. */
    function update(record: StreamRecord, context: ProcessorContext, key: Uint8Array, start: number, current: Stored | undefined, closeTime: number): void {
      const end = start + d;
      if (end < closeTime) {
        context.recordDropped(`sliding window [${start}, ${end}] closed at stream time ${observedStreamTime} (grace ${windows.graceMs} ms)`);
        return;
      }
      const old = current?.value;
      const aggregate = aggregation.add(key, record.value, old);
      const timestamp = old === undefined ? record.timestamp : Math.max(record.timestamp, current!.timestamp);
      write(key, start, { value: aggregate, timestamp });
      cache.update({ key: windowedKey(key, start), value: aggregate, timestamp, headers: record.headers, oldValue: undefined }, current !== undefined);
    }

    /** A new window starting from the initializer (make(initializer(), t): undefined when it is null). */
    const fresh = (timestamp: number): Stored | undefined => {
      const initial = aggregation.initial();
      return initial === undefined ? undefined : { value: initial, timestamp };
    };

    function createCurrentRightWindow(record: StreamRecord, context: ProcessorContext, key: Uint8Array, rightAggregate: Stored): void {
      const start = record.timestamp + 1;
      write(key, start, rightAggregate);
      cache.update({ key: windowedKey(key, start), value: rightAggregate.value, timestamp: rightAggregate.timestamp, headers: record.headers, oldValue: undefined }, false);
    }

    function processEarly(record: StreamRecord, context: ProcessorContext, key: Uint8Array, closeTime: number): void {
      const t = record.timestamp;
      let combined: { start: number; stored: Stored } | undefined;
      let rightAggregate: Stored | undefined;
      let rightCreated = false;
      const starts = new Set<number>();
      let previous: number | undefined;
      for (const entry of values.fetchRange(key, 0, t + 1)) {
        starts.add(entry.start);
        const stored = read(entry.value);
        if (entry.start === 0) {
          combined = { start: 0, stored };
          if (stored.timestamp < t) previous = stored.timestamp;
        } else if (entry.start <= t) {
          rightAggregate = stored;
          update(record, context, key, entry.start, stored, closeTime);
        } else if (entry.start === t + 1) {
          rightCreated = true;
        }
      }
      if (rightAggregate === undefined && combined !== undefined && combined.stored.timestamp > t) rightAggregate = combined.stored;
      if (!rightCreated && rightAggregate !== undefined && rightAggregate.timestamp > t) createCurrentRightWindow(record, context, key, rightAggregate);
      if (previous !== undefined && !starts.has(previous + 1)) update(record, context, key, previous + 1, fresh(t), closeTime);
      if (combined === undefined) update(record, context, key, 0, fresh(t), closeTime);
      else update(record, context, key, 0, combined.stored, closeTime);
    }

    function processReverse(record: StreamRecord, context: ProcessorContext, key: Uint8Array, closeTime: number): void {
      const t = record.timestamp;
      const starts = new Set<number>();
      let leftAggregate: Stored | undefined;
      let rightAggregate: Stored | undefined;
      let leftCreated = false;
      let rightCreated = false;
      let previous: number | undefined;
      for (const entry of values.fetchRange(key, Math.max(0, t - 2 * d), t + 1, true)) {
        starts.add(entry.start);
        const stored = read(entry.value);
        const end = entry.start + d;
        if (entry.start === t + 1) {
          rightCreated = true;
        } else if (end > t) {
          rightAggregate ??= stored;
          update(record, context, key, entry.start, stored, closeTime);
        } else if (end === t) {
          leftCreated = true;
          update(record, context, key, entry.start, stored, closeTime);
          if (stored.timestamp < t) previous = stored.timestamp;
          else return;
        } else {
          leftAggregate = stored;
          previous = stored.timestamp;
          break;
        }
      }
      // createWindows: the previous record's right window, the record's left window, its right window.
      if (previous !== undefined) {
        const previousRightStart = previous + 1;
        if (!starts.has(previousRightStart) && previousRightStart + d >= t) update(record, context, key, previousRightStart, fresh(t), closeTime);
      }
      if (!leftCreated) {
        const leftNotEmpty = previous !== undefined && t - d <= previous;
        const start: Stored | undefined = leftNotEmpty ? (leftAggregate!.value === undefined ? undefined : { value: leftAggregate!.value, timestamp: t }) : fresh(t);
        update(record, context, key, t - d, start, closeTime);
      }
      if (!rightCreated && rightAggregate !== undefined && rightAggregate.timestamp > t) createCurrentRightWindow(record, context, key, rightAggregate);
    }

    return {
      init(context) {
        values = requireStore(context.openWindowStore(store));
        cache = new RecordCache(context);
      },
      flush() {
        cache.flush();
      },
      process(record, context) {
        if (record.key === undefined || record.value === undefined) {
          context.recordDropped(`${record.key === undefined ? 'null key' : 'null value'}: sliding-window ${spec.kind} skips it`);
          return;
        }
        const t = record.timestamp;
        observedStreamTime = Math.max(observedStreamTime, t);
        const closeTime = observedStreamTime - windows.graceMs;
        if (t + 1 + d <= closeTime) {
          context.recordDropped(`sliding window [${t - d}, ${t}] closed at stream time ${observedStreamTime} (grace ${windows.graceMs} ms)`);
          return;
        }
        if (t < d) processEarly(record, context, record.key, closeTime);
        else processReverse(record, context, record.key, closeTime);
      },
    };
  });
}

