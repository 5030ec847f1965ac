// Stream-stream joins (Kafka Streams ≥ 3.1: KStreamJoinWindow,
// KStreamKStreamJoinLeftSide / RightSide, with the outer-join store that
// holds records without a match until their window closes), caching off.
//
// Owns: each side's window of records (a window store keeping duplicates,
// retention = before + after + grace), the join per record (every record of
// the other side with |t1 − t2| inside the window, in time order, timestamp
// max(t1, t2)), and for left/outer joins the records without a match: kept
// in a shared store ordered by (time, right before left, key) and emitted
// with a null partner once their window has closed (stream time > time +
// the window on that side + grace), or at once when they arrive after it.
// Stream time is shared by both sides of one join in one task. Kafka
// Streams rate-limits that emission by the wall clock (once per second by
// default); Eddy emits on every record, as Kafka Streams does with
// `__emit.interval.ms.kstreams.outer.join.spurious.results.fix__=0`, so
// results do not depend on the wall clock.
// Must never: emit a null-joined result for a record that can still match.

import { readLong, writeLong } from '../bytes.ts';
import type { Bytes, FunctionRef } from '../processor/functions.ts';
import type { ProcessorContext } from '../processor/processor.ts';
import type { StreamRecord } from '../record.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import type { WindowStore } from '../state/window-store.ts';
import { OperatorSupplier, requireStore } from './operator-supplier.ts';

export interface JoinWindowsSpec {
  /** How far before a left record a right record may be. */
  beforeMs: number;
  /** How far after a left record a right record may be. */
  afterMs: number;
  graceMs: number;
}

/** Stream time and the oldest unmatched record's time, shared by the two sides of one join, per task. */
class TimeTracker {
  streamTime = -1;
  minTime = Number.MAX_SAFE_INTEGER;
}

export class SharedJoinTime {
  private readonly trackers = new Map<string, TimeTracker>();

  get(taskId: string): TimeTracker {
    let tracker = this.trackers.get(taskId);
    if (!tracker) {
      tracker = new TimeTracker();
      this.trackers.set(taskId, tracker);
    }
    return tracker;
  }

  remove(taskId: string): void {
    this.trackers.delete(taskId);
  }
}

/** KStreamJoinWindow: passes the record on, then keeps it in its side's window (null keys never join; null values are not kept). */
export function joinWindowSupplier(store: string): OperatorSupplier {
  return new OperatorSupplier('KSTREAM-WINDOWED', [], () => {
    let window: WindowStore;
    return {
      init(context) {
        window = requireStore(context.openWindowStore(store));
      },
      process(record, context) {
        context.forward(record);
        if (record.key !== undefined && record.value !== undefined) window.put(record.key, record.value, record.timestamp);
      },
    };
  });
}

// Outer store keys: time (8 bytes, big-endian) ‖ side (1: left, 0: right) ‖ key; values: the list of unmatched values.
function outerKey(timestamp: number, left: boolean, key: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(9 + key.length);
  writeLong(bytes, 0, timestamp);
  bytes[8] = left ? 1 : 0;
  bytes.set(key, 9);
  return bytes;
}

function parseOuterKey(bytes: Uint8Array): { timestamp: number; left: boolean; key: Uint8Array } {
  return { timestamp: readLong(bytes, 0), left: bytes[8] === 1, key: bytes.slice(9) };
}

function encodeList(values: Uint8Array[]): Uint8Array {
  const size = values.reduce((total, value) => total + 4 + value.length, 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const value of values) {
    view.setUint32(at, value.length);
    bytes.set(value, at + 4);
    at += 4 + value.length;
  }
  return bytes;
}

function decodeList(bytes: Uint8Array | undefined): Uint8Array[] {
  if (!bytes) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = view.getUint32(at);
    values.push(bytes.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return values;
}

export interface StreamJoinSide {
  /** Which side this processor's records are. */
  left: boolean;
  /** Emit this side's records without a match (left side: left/outer join; right side: outer join). */
  outer: boolean;
  /** The other side's window store. */
  otherStore: string;
  /** The shared store of records without a match (left and outer joins). */
  outerStore?: string;
}

export function streamJoinSupplier(side: StreamJoinSide, windows: JoinWindowsSpec, joiner: FunctionRef<'value-joiner'>, time: SharedJoinTime): OperatorSupplier {
  const description = side.left ? (side.outer ? 'KSTREAM-OUTERTHIS' : 'KSTREAM-JOINTHIS') : side.outer ? 'KSTREAM-OUTEROTHER' : 'KSTREAM-JOINOTHER';
  // The window, seen from this side: the left side looks `before` back and `after` ahead; the right side the other way round.
  const joinBeforeMs = side.left ? windows.beforeMs : windows.afterMs;
  const joinAfterMs = side.left ? windows.afterMs : windows.beforeMs;
  return new OperatorSupplier(description, [joiner], (bind) => {
    const join = bind(joiner);
    // The joiner always gets (left, right).
    const call = (key: Bytes, mine: Bytes, theirs: Bytes): Bytes => (side.left ? join(key, mine, theirs) : join(key, theirs, mine));
    let other: WindowStore;
    let outerStore: KeyValueStore | undefined;
    let tracker: TimeTracker;
    let taskId = '';

    function emitNonJoined(store: KeyValueStore, record: StreamRecord, context: ProcessorContext): void {
      if (tracker.minTime + joinAfterMs + windows.graceMs >= tracker.streamTime) return;
      tracker.minTime = Number.MAX_SAFE_INTEGER;
      let leftOpen = false;
      let rightOpen = false;
      const emitted: Uint8Array[] = [];
      const cursor = store.range(undefined, undefined);
      scan: for (;;) {
        const batch = cursor.next(256);
        if (batch.length === 0) break;
        for (const entry of batch) {
          const stored = parseOuterKey(entry.key);
          const lookBack = stored.left ? windows.afterMs : windows.beforeMs;
          let forwarded = false;
          // Kafka Streams' outer store is a list-value store: it visits each record of a (time, side, key) on its own, so
          // with both windows open it stops at the second of two equal ones — and the stream time it keeps as the oldest
          // waiting record's (minTime, which decides when the next pass runs) is that one's.
          for (const value of decodeList(entry.value)) {
            tracker.minTime = stored.timestamp;
            if (leftOpen && rightOpen) break scan;
            if (tracker.minTime + lookBack + windows.graceMs >= tracker.streamTime) {
              if (stored.left) leftOpen = true;
              else rightOpen = true;
              continue;
            }
            // thisValue / otherValue of this processor, then the joiner as it is called from this side.
            const mine = stored.left === side.left ? value : undefined;
            const theirs = stored.left === side.left ? undefined : value;
            context.forward({ key: stored.key, value: call(stored.key, mine, theirs), timestamp: stored.timestamp, headers: record.headers });
            forwarded = true;
          }
          if (forwarded) emitted.push(entry.key);
        }
      }
      for (const key of emitted) store.delete(key);
    }

    return {
      init(context) {
        other = requireStore(context.openWindowStore(side.otherStore));
        outerStore = side.outerStore === undefined ? undefined : requireStore(context.openStore(side.outerStore));
        taskId = context.taskId;
        tracker = time.get(taskId);
      },
      process(record, context) {
        const t = record.timestamp;
        tracker.streamTime = Math.max(tracker.streamTime, t);
        if (side.outer && record.key === undefined && record.value !== undefined) {
          context.forward({ ...record, value: call(undefined, record.value, undefined) });
          return;
        }
        if (record.key === undefined || record.value === undefined) {
          context.recordDropped(`${record.key === undefined ? 'null key' : 'null value'}: a stream-stream join skips it`);
          return;
        }
        const key = record.key;
        if (outerStore && t === tracker.streamTime) emitNonJoined(outerStore, record, context);
        const from = Math.max(0, t - joinBeforeMs);
        const to = Math.max(0, t + joinAfterMs);
        const matches = other.fetchRange(key, from, to);
        for (const match of matches) {
          // The matched record of the other side is no longer waiting for a partner.
          outerStore?.delete(outerKey(match.start, !side.left, key));
          context.forward({ ...record, value: call(key, record.value, match.value), timestamp: Math.max(t, match.start) });
        }
        if (side.outer && matches.length === 0) {
          if (!outerStore || to < tracker.streamTime) {
            context.forward({ ...record, value: call(key, record.value, undefined) });
          } else {
            tracker.minTime = Math.min(tracker.minTime, t);
            const at = outerKey(t, side.left, key);
            outerStore.put(at, encodeList([...decodeList(outerStore.get(at)), record.value]));
          }
        }
      },
      close() {
        time.remove(taskId);
      },
    };
  });
}
