// Tables (Kafka Streams' KTableSource, KStreamToTable, KTableFilter,
// KTableMapValues, KTableKTable{Inner,Left,Right,Outer}Join,
// KTableRepartitionMap, KTableAggregate / KTableReduce) and the stream-table
// join (KStreamKTableJoin) — also with a GlobalKTable through a key
// selector (KStreamGlobalKTableJoin) — with caching off.
//
// Owns: materializing a table's updates (a timestamped key-value store; a
// null value deletes), what each table operator forwards for an update (the
// new value always — also when it equals the old one or deletes an absent
// key — and the old value when a downstream operator asked, change.ts),
// reading a table's current value through its view (its store, then the
// filters and mappers of unmaterialized steps after it, as Kafka Streams'
// value getters), the joins' timestamps (the larger of both sides), and a
// table groupBy's updates through a repartition topic (old then new, or one
// record when the group key is unchanged) with adder and subtractor.
// Must never: drop a record without counting it.

import type { Bytes, FunctionRef, FunctionSignatures } from '../processor/functions.ts';
import type { ProcessorContext } from '../processor/processor.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { decodeValueAndTimestamp, encodeValueAndTimestamp, type ValueAndTimestamp } from '../state/value-and-timestamp.ts';
import { decodeChange, encodeChange, oldValueOf, withChange, type TableFlags } from './change.ts';
import { decodeLong, encodeLong } from './aggregations.ts';
import { OperatorSupplier, requireStore, type Bind } from './operator-supplier.ts';
import { RecordCache } from './record-cache.ts';

/** How to read a table's current value: its store, then the unmaterialized steps after it. */
export interface TableView {
  store: string;
  steps: ReadonlyArray<{ kind: 'filter'; predicate: FunctionRef<'predicate'>; not: boolean } | { kind: 'map-values'; mapper: FunctionRef<'value-mapper'> }>;
}

export function viewFunctions(view: TableView): FunctionRef[] {
  return view.steps.map((step) => (step.kind === 'filter' ? step.predicate : step.mapper));
}

export type Lookup = (key: Uint8Array) => ValueAndTimestamp | undefined;

export function bindView(view: TableView, bind: Bind, context: ProcessorContext): Lookup {
  const store = requireStore(context.openStore(view.store));
  const steps = view.steps.map((step) =>
    step.kind === 'filter'
      ? (() => {
          const test = bind(step.predicate);
          return (key: Uint8Array, value: Uint8Array) => (test(key, value) !== step.not ? value : undefined);
        })()
      : (() => {
          const map = bind(step.mapper);
          return (key: Uint8Array, value: Uint8Array) => map(key, value);
        })(),
  );
  return (key) => {
    const stored = decodeValueAndTimestamp(store.get(key));
    if (!stored) return undefined;
    let value: Bytes = stored.value;
    for (const step of steps) {
      if (value === undefined) break;
      value = step(key, value);
    }
    // Kafka Streams' getters keep the timestamp, and ValueAndTimestamp.make(null, …) is null.
    return value === undefined ? undefined : { value, timestamp: stored.timestamp };
  };
}

/** builder.table(topic) and KStream.toTable(): every update materialized and forwarded. */
export function tableSourceSupplier(store: string, flags: TableFlags, description = 'KTABLE-SOURCE'): OperatorSupplier {
  return new OperatorSupplier(description, [], () => {
    let values: KeyValueStore;
    const sendOld = flags.sendOldValues;
    return {
      init(context) {
        values = requireStore(context.openStore(store));
      },
      process(record, context) {
        if (record.key === undefined) {
          context.recordDropped('null key: a table cannot hold it');
          return;
        }
        const old = sendOld ? decodeValueAndTimestamp(values.get(record.key))?.value : undefined;
        if (record.value === undefined) values.delete(record.key);
        else values.put(record.key, encodeValueAndTimestamp(record.value, record.timestamp));
        context.forward(withChange(record, record.value, old === undefined ? undefined : old.slice()));
      },
    };
  });
}

/** KTable.filter / filterNot: a value that fails becomes a delete (null); with old values sent, a change from null to null is not forwarded. */
export function tableFilterSupplier(predicate: FunctionRef<'predicate'>, not: boolean, flags: TableFlags): OperatorSupplier {
  return new OperatorSupplier(not ? 'KTABLE-FILTER (not)' : 'KTABLE-FILTER', [predicate], (bind) => {
    const test = bind(predicate);
    const sendOld = flags.sendOldValues;
    const compute = (key: Bytes, value: Bytes): Bytes => (value !== undefined && test(key, value) !== not ? value : undefined);
    return {
      process(record, context) {
        const value = compute(record.key, record.value);
        const old = sendOld ? compute(record.key, oldValueOf(record)) : undefined;
        if (sendOld && value === undefined && old === undefined) return;
        context.forward(withChange(record, value, old));
      },
    };
  });
}

/** KTable.mapValues: null stays null. */
export function tableMapValuesSupplier(mapper: FunctionRef<'value-mapper'>, flags: TableFlags): OperatorSupplier {
  return new OperatorSupplier('KTABLE-MAPVALUES', [mapper], (bind) => {
    const map = bind(mapper);
    const sendOld = flags.sendOldValues;
    return {
      process(record, context) {
        const value = record.value === undefined ? undefined : map(record.key, record.value);
        const previous = oldValueOf(record);
        const old = sendOld && previous !== undefined ? map(record.key, previous) : undefined;
        context.forward(withChange(record, value, old));
      },
    };
  });
}

/** KTable.toStream: the new values as a stream. */
export function tableToStreamSupplier(): OperatorSupplier {
  return new OperatorSupplier('KTABLE-TOSTREAM', [], () => ({
    process(record, context) {
      context.forward({ key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers });
    },
  }));
}

export type TableJoinKind = 'inner' | 'left' | 'outer';

/**
 * One side of a table-table join: updates of `side` look up the other
 * table's current value. `this` is the left table's updates (joiner(left,
 * right)); `other` the right table's (the joiner still gets left first).
 */
export function tableJoinSupplier(kind: TableJoinKind, side: 'this' | 'other', otherView: TableView, joiner: FunctionRef<'value-joiner'>, flags: TableFlags): OperatorSupplier {
  const description = `KTABLE-${side === 'this' ? 'JOINTHIS' : 'JOINOTHER'} (${kind})`;
  return new OperatorSupplier(description, [joiner, ...viewFunctions(otherView)], (bind) => {
    const join = bind(joiner);
    const sendOld = flags.sendOldValues;
    let lookup: Lookup;
    // Left join, right-side updates: only when the left has a value, and a right delete joins with null.
    const rightOfLeftJoin = kind === 'left' && side === 'other';
    const call = (key: Bytes, mine: Bytes, theirs: Bytes): Bytes => (side === 'this' ? join(key, mine, theirs) : join(key, theirs, mine));
    return {
      init(context) {
        lookup = bindView(otherView, bind, context);
      },
      process(record, context) {
        if (record.key === undefined) {
          context.recordDropped('null key: a table join skips it');
          return;
        }
        const other = lookup(record.key);
        const old = oldValueOf(record);
        let timestamp = record.timestamp;
        if (other) timestamp = Math.max(record.timestamp, other.timestamp);
        let value: Bytes;
        let oldValue: Bytes;
        if (kind === 'inner' || rightOfLeftJoin) {
          if (!other) return;
          if (rightOfLeftJoin) {
            value = call(record.key, record.value, other.value);
            oldValue = sendOld ? call(record.key, old, other.value) : undefined;
          } else {
            value = record.value !== undefined ? call(record.key, record.value, other.value) : undefined;
            oldValue = sendOld && old !== undefined ? call(record.key, old, other.value) : undefined;
          }
        } else if (kind === 'left') {
          if (!other && record.value === undefined && old === undefined) return;
          value = record.value !== undefined ? call(record.key, record.value, other?.value) : undefined;
          oldValue = sendOld && old !== undefined ? call(record.key, old, other?.value) : undefined;
        } else {
          if (!other && record.value === undefined && old === undefined) return;
          value = other || record.value !== undefined ? call(record.key, record.value, other?.value) : undefined;
          oldValue = sendOld && (other || old !== undefined) ? call(record.key, old, other?.value) : undefined;
        }
        context.forward(withChange(record, value, oldValue, timestamp));
      },
    };
  });
}

/** KTable.groupBy: the new and the old value mapped to their groups, written to the repartition topic as table updates. */
export function tableGroupBySupplier(mapper: FunctionRef<'key-value-mapper'>): OperatorSupplier {
  return new OperatorSupplier('KTABLE-SELECT', [mapper], (bind) => {
    const map = bind(mapper);
    const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, index) => byte === b[index]);
    return {
      process(record, context) {
        if (record.key === undefined) throw new Error('the key of a table update to group is null');
        const old = oldValueOf(record);
        const newPair = record.value === undefined ? undefined : map(record.key, record.value);
        const oldPair = old === undefined ? undefined : map(record.key, old);
        const newOk = newPair !== undefined && newPair[0] !== undefined && newPair[1] !== undefined;
        const oldOk = oldPair !== undefined && oldPair[0] !== undefined && oldPair[1] !== undefined;
        const out = (key: Uint8Array, value: Uint8Array | undefined, previous: Uint8Array | undefined) =>
          context.forward({ key, value: encodeChange(value, previous), timestamp: record.timestamp, headers: record.headers });
        if (newOk && oldOk && sameBytes(newPair[0]!, oldPair[0]!)) {
          out(oldPair[0]!, newPair[1], oldPair[1]);
          return;
        }
        if (oldOk) out(oldPair[0]!, undefined, oldPair[1]);
        if (newOk) out(newPair[0]!, newPair[1], undefined);
      },
    };
  });
}

export type TableAggregationSpec =
  | { kind: 'count' }
  | { kind: 'reduce'; adder: FunctionRef<'reducer'>; subtractor: FunctionRef<'reducer'> }
  | { kind: 'aggregate'; initializer: FunctionRef<'initializer'>; adder: FunctionRef<'aggregator'>; subtractor: FunctionRef<'aggregator'> };

function tableAggregationFunctions(spec: TableAggregationSpec): FunctionRef[] {
  if (spec.kind === 'count') return [];
  if (spec.kind === 'reduce') return [spec.adder, spec.subtractor];
  return [spec.initializer, spec.adder, spec.subtractor];
}

/** KGroupedTable count / reduce / aggregate: subtract the old value, add the new, forward one update. */
export function tableAggregateSupplier(store: string, spec: TableAggregationSpec, flags: TableFlags): OperatorSupplier {
  return new OperatorSupplier(`KTABLE-${spec.kind === 'reduce' ? 'REDUCE' : 'AGGREGATE'}`, tableAggregationFunctions(spec), (bind) => {
    const sendOld = flags.sendOldValues;
    let add: (key: Uint8Array, value: Uint8Array, aggregate: Bytes) => Bytes;
    let subtract: (key: Uint8Array, value: Uint8Array, aggregate: Uint8Array) => Bytes;
    if (spec.kind === 'count') {
      const delta = (aggregate: Bytes, by: bigint) => encodeLong((aggregate === undefined ? 0n : decodeLong(aggregate)) + by);
      add = (_key, _value, aggregate) => delta(aggregate ?? encodeLong(0n), 1n);
      subtract = (_key, _value, aggregate) => delta(aggregate, -1n);
    } else if (spec.kind === 'reduce') {
      const adder: FunctionSignatures['reducer'] = bind(spec.adder);
      const subtractor: FunctionSignatures['reducer'] = bind(spec.subtractor);
      add = (_key, value, aggregate) => (aggregate === undefined ? value : adder(aggregate, value));
      subtract = (_key, value, aggregate) => subtractor(aggregate, value);
    } else {
      const initialize = bind(spec.initializer);
      const adder = bind(spec.adder);
      const subtractor = bind(spec.subtractor);
      add = (key, value, aggregate) => adder(key, value, aggregate ?? initialize());
      subtract = (key, value, aggregate) => subtractor(key, value, aggregate);
    }
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
      process(record) {
        if (record.key === undefined) throw new Error(`the key of a table update for aggregate '${store}' is null`);
        const change = decodeChange(record.value);
        const old = decodeValueAndTimestamp(values.get(record.key));
        const oldAggregate = old?.value.slice();
        let timestamp = record.timestamp;
        let aggregate: Bytes = oldAggregate;
        if (change.oldValue !== undefined && oldAggregate !== undefined) {
          aggregate = subtract(record.key, change.oldValue, oldAggregate);
          timestamp = Math.max(record.timestamp, old!.timestamp);
        }
        if (change.newValue !== undefined) {
          aggregate = add(record.key, change.newValue, aggregate);
          if (old) timestamp = Math.max(record.timestamp, old.timestamp);
        }
        if (aggregate === undefined) values.delete(record.key);
        else values.put(record.key, encodeValueAndTimestamp(aggregate, timestamp));
        cache.update(withChange({ ...record, value: aggregate }, aggregate, sendOld ? oldAggregate : undefined, timestamp), old !== undefined);
      },
    };
  });
}

export function streamTableJoinSupplier(view: TableView, joiner: FunctionRef<'value-joiner'>, left: boolean): OperatorSupplier {
  return new OperatorSupplier(left ? 'KSTREAM-LEFTJOIN (table)' : 'KSTREAM-JOIN (table)', [joiner, ...viewFunctions(view)], (bind) => {
    const join = bind(joiner);
    let lookup: Lookup;
    return {
      init(context) {
        lookup = bindView(view, bind, context);
      },
      process(record, context) {
        if ((record.key === undefined && !left) || record.value === undefined) {
          context.recordDropped(`${record.value === undefined ? 'null value' : 'null key'}: the stream side of a stream-table join skips it`);
          return;
        }
        const current = record.key === undefined ? undefined : lookup(record.key)?.value;
        if (current === undefined && !left) return;
        context.forward({ key: record.key, value: join(record.key, record.value, current), timestamp: record.timestamp, headers: record.headers });
      },
    };
  });
}

/**
 * KStream-GlobalKTable join (Kafka Streams 4.4's KStreamKTableJoinProcessor
 * with a key mapper): the stream record's value joins the global table's
 * value under the key `select(key, value)` picks. A null value is dropped; a
 * null mapped key is dropped by an inner join, and a left join joins it with
 * null. The result keeps the stream record's key, time and headers.
 */
export function streamGlobalTableJoinSupplier(store: string, selector: FunctionRef<'key-selector'>, joiner: FunctionRef<'value-joiner'>, left: boolean): OperatorSupplier {
  return new OperatorSupplier(left ? 'KSTREAM-LEFTJOIN (global table)' : 'KSTREAM-JOIN (global table)', [selector, joiner], (bind) => {
    const select = bind(selector);
    const join = bind(joiner);
    let lookup: Lookup;
    return {
      init(context) {
        lookup = bindView({ store, steps: [] }, bind, context);
      },
      process(record, context) {
        const mapped = select(record.key, record.value);
        if (!(left && mapped === undefined && record.value !== undefined) && (mapped === undefined || record.value === undefined)) {
          context.recordDropped(`${record.value === undefined ? 'null value' : 'null join key'}: the stream side of a stream-global table join skips it`);
          return;
        }
        const current = mapped === undefined ? undefined : lookup(mapped)?.value;
        if (current === undefined && !left) return;
        context.forward({ key: record.key, value: join(record.key, record.value, current), timestamp: record.timestamp, headers: record.headers });
      },
    };
  });
}
