// Tables read from a topic and the stream-table join (Kafka Streams'
// KTableSource and KStreamKTableJoin), with caching off.
//
// Owns: materializing a table's updates (a timestamped key-value store; a
// null value deletes), what a table forwards for an update (the new value,
// also when it equals the old one or deletes an absent key), and the join:
// each stream record looks the table up at that moment and gets the stream
// record's timestamp; a table update joins nothing.
// Must never: drop a record without counting it.

import type { FunctionRef } from '../processor/functions.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { decodeValueAndTimestamp, encodeValueAndTimestamp } from '../state/value-and-timestamp.ts';
import { OperatorSupplier, requireStore } from './operator-supplier.ts';

export function tableSourceSupplier(store: string): OperatorSupplier {
  return new OperatorSupplier('KTABLE-SOURCE', [], () => {
    let values: KeyValueStore;
    return {
      init(context) {
        values = requireStore(context.openStore(store));
      },
      process(record, context) {
        if (record.key === undefined) {
          context.recordDropped('null key: a table cannot hold it');
          return;
        }
        if (record.value === undefined) values.delete(record.key);
        else values.put(record.key, encodeValueAndTimestamp(record.value, record.timestamp));
        context.forward(record);
      },
    };
  });
}

export function streamTableJoinSupplier(store: string, joiner: FunctionRef<'value-joiner'>, left: boolean): OperatorSupplier {
  return new OperatorSupplier(left ? 'KSTREAM-LEFTJOIN (table)' : 'KSTREAM-JOIN (table)', [joiner], (bind) => {
    const join = bind(joiner);
    let values: KeyValueStore;
    return {
      init(context) {
        values = requireStore(context.openStore(store));
      },
      process(record, context) {
        if ((record.key === undefined && !left) || record.value === undefined) {
          context.recordDropped(`${record.value === undefined ? 'null value' : 'null key'}: the stream side of a stream-table join skips it`);
          return;
        }
        const current = record.key === undefined ? undefined : decodeValueAndTimestamp(values.get(record.key))?.value;
        if (current === undefined && !left) return;
        context.forward({ ...record, value: join(record.key, record.value, current) });
      },
    };
  });
}
