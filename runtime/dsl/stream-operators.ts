// The record-at-a-time operators of KStream (Kafka Streams' KStreamFilter,
// KStreamMap, KStreamMapValues, KStreamFlatMap, KStreamFlatMapValues,
// KStreamPeek, KStreamPassThrough): each record in, zero or more records out,
// with the input's timestamp and headers.
//
// Owns: what each operator forwards for a record. Must never: keep state.

import type { FunctionRef } from '../processor/functions.ts';
import type { StreamRecord } from '../record.ts';
import { OperatorSupplier } from './operator-supplier.ts';

export function filterSupplier(predicate: FunctionRef<'predicate'>, not: boolean): OperatorSupplier {
  return new OperatorSupplier(not ? 'KSTREAM-FILTER (not)' : 'KSTREAM-FILTER', [predicate], (bind) => {
    const test = bind(predicate);
    return {
      process(record, context) {
        if (test(record.key, record.value) !== not) context.forward(record);
      },
    };
  });
}

export function mapSupplier(mapper: FunctionRef<'key-value-mapper'>): OperatorSupplier {
  return new OperatorSupplier('KSTREAM-MAP', [mapper], (bind) => {
    const map = bind(mapper);
    return {
      process(record, context) {
        const [key, value] = map(record.key, record.value);
        context.forward({ ...record, key, value });
      },
    };
  });
}

export function mapValuesSupplier(mapper: FunctionRef<'value-mapper'>): OperatorSupplier {
  return new OperatorSupplier('KSTREAM-MAPVALUES', [mapper], (bind) => {
    const map = bind(mapper);
    return {
      process(record, context) {
        context.forward({ ...record, value: map(record.key, record.value) });
      },
    };
  });
}

export function selectKeySupplier(selector: FunctionRef<'key-selector'>, description = 'KSTREAM-KEY-SELECT'): OperatorSupplier {
  return new OperatorSupplier(description, [selector], (bind) => {
    const select = bind(selector);
    return {
      process(record, context) {
        context.forward({ ...record, key: select(record.key, record.value) });
      },
    };
  });
}

export function flatMapSupplier(mapper: FunctionRef<'flat-mapper'>): OperatorSupplier {
  return new OperatorSupplier('KSTREAM-FLATMAP', [mapper], (bind) => {
    const map = bind(mapper);
    return {
      process(record, context) {
        for (const [key, value] of map(record.key, record.value)) context.forward({ ...record, key, value });
      },
    };
  });
}

export function flatMapValuesSupplier(mapper: FunctionRef<'flat-value-mapper'>): OperatorSupplier {
  return new OperatorSupplier('KSTREAM-FLATMAPVALUES', [mapper], (bind) => {
    const map = bind(mapper);
    return {
      process(record, context) {
        for (const value of map(record.key, record.value)) context.forward({ ...record, value });
      },
    };
  });
}

/** peek (forwards the record after the action) and foreach (a terminal step). */
export function peekSupplier(action: FunctionRef<'action'>, forward: boolean): OperatorSupplier {
  return new OperatorSupplier(forward ? 'KSTREAM-PEEK' : 'KSTREAM-FOREACH', [action], (bind) => {
    const act = bind(action);
    return {
      process(record, context) {
        act(record.key, record.value);
        if (forward) context.forward(record);
      },
    };
  });
}

/** merge, toStream, the filter before a repartition topic and the other steps that pass records on unchanged. */
export function passThroughSupplier(description: string): OperatorSupplier {
  return new OperatorSupplier(description, [], () => ({
    process(record, context) {
      context.forward(record);
    },
  }));
}

/** split(): each record goes to the first branch whose predicate it passes, else to the default branch (if any), else nowhere (counted). */
export function branchSupplier(branches: ReadonlyArray<{ child: string; predicate: FunctionRef<'predicate'> }>, defaultChild: string | undefined): OperatorSupplier {
  return new OperatorSupplier('KSTREAM-BRANCH', branches.map((branch) => branch.predicate), (bind) => {
    const tests = branches.map((branch) => ({ child: branch.child, test: bind(branch.predicate) }));
    return {
      process(record, context) {
        for (const { child, test } of tests) {
          if (test(record.key, record.value)) {
            context.forwardTo(child, record);
            return;
          }
        }
        if (defaultChild !== undefined) context.forwardTo(defaultChild, record);
        else context.recordDropped('no branch of the split matched and there is no default branch');
      },
    };
  });
}

/** `to` with a topic-name extractor: names each record's topic for the sink after it. */
export function topicExtractorSupplier(extractor: FunctionRef<'topic-name-extractor'>): OperatorSupplier {
  return new OperatorSupplier('KSTREAM-SINK (topic per record)', [extractor], (bind) => {
    const extract = bind(extractor);
    return {
      process(record, context) {
        context.forward({ ...record, topic: extract(record.key, record.value, context.metadata()?.topic ?? '') } as StreamRecord);
      },
    };
  });
}
