// Session-windowed aggregation (Kafka Streams' KStreamSessionWindowAggregate),
// with caching off.
//
// Owns: per record, finding the key's sessions within the inactivity gap
// (end ≥ t − gap and start ≤ t + gap, inclusive: records exactly a gap apart
// merge), merging their aggregates (the merger: count adds, reduce reduces,
// aggregate calls the user's), the close rule (a merged session whose end <
// observed stream time − grace − gap is dropped and counted), and what is
// forwarded: a tombstone for each merged-away session (timestamp: its end;
// not when the only session is exactly [t, t]), then the merged session
// (timestamp: its end). Keys downstream are key ‖ end ‖ start (8 bytes each,
// Kafka Streams' SessionWindowedSerializer).
// Must never: drop a record silently.

import type { Bytes, FunctionRef } from '../processor/functions.ts';
import { sessionChangelogKey, type SessionStore } from '../state/window-store.ts';
import { aggregationFunctions, bindAggregation, decodeLong, encodeLong, type AggregationSpec } from './aggregations.ts';
import { OperatorSupplier, requireStore, type Bind } from './operator-supplier.ts';
import { RecordCache } from './record-cache.ts';

export interface SessionWindowsSpec {
  gapMs: number;
  graceMs: number;
}

/** The merger of a session aggregation: given for `aggregate`, implied for count and reduce. */
export type SessionAggregationSpec = AggregationSpec & { merger?: FunctionRef<'merger'> };

/** A session-windowed key (key ‖ end ‖ start): the bytes of a session store's changelog key. */
export const sessionKey = sessionChangelogKey;

function bindMerger(spec: SessionAggregationSpec, bind: Bind): (key: Uint8Array, first: Bytes, second: Bytes) => Bytes {
  switch (spec.kind) {
    case 'count':
      return (_key, first, second) => encodeLong(decodeLong(first) + decodeLong(second));
    case 'reduce': {
      const reduce = bind(spec.reducer);
      return (_key, first, second) => (first === undefined ? second : reduce(first, second));
    }
    case 'aggregate': {
      const merge = bind(spec.merger!);
      return (key, first, second) => merge(key, first, second);
    }
  }
}

export function sessionAggregateSupplier(store: string, windows: SessionWindowsSpec, spec: SessionAggregationSpec): OperatorSupplier {
  const functions = [...aggregationFunctions(spec), ...(spec.merger ? [spec.merger] : [])];
  return new OperatorSupplier(`KSTREAM-SESSION-${spec.kind.toUpperCase()}`, functions, (bind) => {
    const aggregation = bindAggregation(spec, bind);
    const merge = bindMerger(spec, bind);
    let sessions: SessionStore;
    let observedStreamTime = -1;
    let cache: RecordCache;
    return {
      init(context) {
        sessions = requireStore(context.openSessionStore(store));
        cache = new RecordCache(context);
      },
      flush() {
        cache.flush();
      },
      process(record, context) {
        if (record.key === undefined) {
          context.recordDropped(`null key: session-windowed ${spec.kind} skips it`);
          return;
        }
        const key = record.key;
        const time = record.timestamp;
        observedStreamTime = Math.max(observedStreamTime, time);
        const closeTime = observedStreamTime - windows.graceMs - windows.gapMs;
        const found = sessions.findSessions(key, time - windows.gapMs, time + windows.gapMs);
        let aggregate = aggregation.initial();
        let start = time;
        let end = time;
        for (const session of found) {
          aggregate = merge(key, aggregate, session.value);
          start = Math.min(start, session.start);
          end = Math.max(end, session.end);
        }
        if (end < closeTime) {
          context.recordDropped(`session [${start}, ${end}] closed at stream time ${observedStreamTime} (gap ${windows.gapMs} ms, grace ${windows.graceMs} ms)`);
          return;
        }
        if (start !== time || end !== time) {
          for (const session of found) {
            sessions.remove(key, session.start, session.end);
            cache.update({ key: sessionKey(key, session.start, session.end), value: undefined, timestamp: session.end, headers: record.headers, oldValue: undefined }, true);
          }
        }
        aggregate = aggregation.add(key, record.value, aggregate);
        if (aggregate === undefined) sessions.remove(key, start, end);
        else sessions.put(key, start, end, aggregate);
        cache.update({ key: sessionKey(key, start, end), value: aggregate, timestamp: end, headers: record.headers, oldValue: undefined }, found.some((session) => session.start === start && session.end === end));
      },
    };
  });
}
