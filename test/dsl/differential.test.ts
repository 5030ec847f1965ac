// Differential tests of the Streams DSL against Kafka Streams 4.4: each
// scenario (a `dsl:` document and seeded random input — several keys, null
// keys and values, out-of-order and equal timestamps, records past grace)
// runs through Kafka Streams' TopologyTestDriver with caching off
// (test/kafka-streams/DslScenario.java, the same functions in Java) and
// through Eddy's in-process runner with plugins/dsl-functions-rust; every
// output topic must hold the same records — key bytes, value bytes,
// timestamps — in the same order. Scenarios with per-step serdes (a
// `reference`) run against typed Kafka Streams code written by hand in
// DslScenario.java (Consumed/Produced/Grouped/Materialized.with), with inputs
// in those serdes' bytes — some unreadable, for the deserialization handler.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topologyFromDocument } from '../../runtime/topology/pipeline-file.ts';
import { runDryRun, type DryRunInput } from '../../runtime/testing/dry-run.ts';
import { runReference } from '../support/kafka-streams.ts';
import { edgeLines, generate, interleave, random, type InputRecord } from '../support/dsl-inputs.ts';
import { repositoryRoot } from '../support/plugins.ts';

/** An input record; `keyBytes` / `valueBytes` (base64) give raw bytes instead of text. */
type Input = InputRecord & { keyBytes?: string; valueBytes?: string };

interface Scenario {
  name: string;
  dsl: { functions?: Record<string, unknown>; streams: unknown[]; 'deserialization.exception.handler'?: string; 'default.key.serde'?: string; 'default.value.serde'?: string };
  inputs: Input[];
  outputTopics: string[];
  /** The typed Kafka Streams topology of DslScenario.java's SerdeScenarios that says the same (per-step serdes). */
  reference?: string;
}

interface OutputLine {
  topic: string;
  key: string | null;
  value: string | null;
  timestamp: number;
}

const functions = { f: { plugin: 'plugins/dsl-functions-rust' } };

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const longBytes = (value: bigint) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, value);
  return bytes;
};
const intBytes = (value: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value);
  return bytes;
};
/** Bytes no Long (or Integer) deserializer reads: text, and 7 bytes. */
const unreadable = [new TextEncoder().encode('oops'), Uint8Array.of(1, 2, 3, 4, 5, 6, 7)];

/** Long values (some beyond 2^53, some negative; every 13th unreadable) for the records of `records`; null values stay null. */
function withLongValues(records: InputRecord[], seed: number): Input[] {
  const next = random(seed);
  return records.map((record, index) => {
    if (record.value === null) return record;
    const bytes = index % 13 === 5 ? unreadable[index % 2]! : longBytes(next() < 0.1 ? 2n ** 55n + BigInt(index) : BigInt(Math.floor(next() * 2_000) - 500));
    return { ...record, valueBytes: base64(bytes) };
  });
}

/** The per-step serde scenarios (each with a typed Kafka Streams twin in DslScenario.java). */
const serdeScenarios: Scenario[] = [
  {
    name: 'per-step serdes: a Long-valued topic read with Consumed.with(String, Long) (unreadable values skipped by log-and-continue), summed with Grouped/Materialized.with(String, Long), produced as Long and as decimal text',
    reference: 'long-values',
    dsl: {
      functions,
      'deserialization.exception.handler': 'log-and-continue',
      streams: [
        { stream: 'amounts', keySerde: 'string', valueSerde: 'long', as: 'amounts' },
        { from: 'amounts', steps: [{ groupByKey: { keySerde: 'string', valueSerde: 'long' } }, { reduce: { reducer: 'f.sum', keySerde: 'string', valueSerde: 'long' } }, 'toStream', { to: { topic: 'sums', keySerde: 'string', valueSerde: 'long' } }] },
        { from: 'amounts', steps: [{ mapValues: 'f.long-to-decimal' }, { to: { topic: 'decimals', keySerde: 'string', valueSerde: 'string' } }] },
      ],
    },
    inputs: withLongValues(generate(40, 'amounts', 160, { nullKeys: true, nullValues: true }), 40),
    outputTopics: ['sums', 'decimals'],
  },
  {
    name: 'per-step serdes: word count, groupBy with Grouped.with(String, String), count with Materialized.with(String, Long), produced with Produced.with(String, Long) and, after a mapValues, as String',
    reference: 'count-long-and-text',
    dsl: {
      functions,
      streams: [
        {
          stream: 'lines',
          keySerde: 'string',
          valueSerde: 'string',
          steps: [{ flatMapValues: 'f.split-words' }, { groupBy: { selector: 'f.value-as-key', keySerde: 'string', valueSerde: 'string' } }, { count: { keySerde: 'string', valueSerde: 'long' } }, 'toStream'],
          as: 'counts',
        },
        { from: 'counts', steps: [{ to: { topic: 'counts', keySerde: 'string', valueSerde: 'long' } }] },
        { from: 'counts', steps: [{ mapValues: 'f.long-to-decimal' }, { to: { topic: 'counts-text', keySerde: 'org.apache.kafka.common.serialization.Serdes$StringSerde', valueSerde: 'string' } }] },
      ],
    },
    inputs: [...edgeLines('lines'), ...generate(41, 'lines', 150, { nullKeys: true, nullValues: true, start: 10_000 })],
    outputTopics: ['counts', 'counts-text'],
  },
  {
    name: 'per-step serdes: Integer keys, groupBy with Grouped.with("by-number", Integer, String) through a repartition topic, reduce and a Long aggregate Materialized.with(Integer, …) (unreadable keys skipped)',
    reference: 'grouped-integer',
    dsl: {
      functions,
      'deserialization.exception.handler': 'log-and-continue',
      streams: [
        { stream: 'numbers', keySerde: 'integer', valueSerde: 'string', as: 'numbers' },
        {
          from: 'numbers',
          steps: [
            { groupBy: { selector: 'f.record-key', name: 'by-number', keySerde: 'integer', valueSerde: 'string' } },
            { reduce: { reducer: 'f.concat', keySerde: 'integer', valueSerde: 'string' } },
            'toStream',
            { to: { topic: 'joined-words', keySerde: 'integer', valueSerde: 'string' } },
          ],
        },
        {
          from: 'numbers',
          steps: [
            { groupBy: { selector: 'f.record-key', keySerde: 'integer', valueSerde: 'string' } },
            { aggregate: { initializer: 'f.zero', aggregator: 'f.add-length', keySerde: 'integer', valueSerde: 'long' } },
            'toStream',
            { to: { topic: 'lengths', keySerde: 'integer', valueSerde: 'long' } },
          ],
        },
      ],
    },
    inputs: generate(42, 'numbers', 160, { nullKeys: true, nullValues: true }).map((record, index): Input => {
      if (record.key === null) return record;
      const key = index % 17 === 3 ? Uint8Array.of(9, 9, 9) : intBytes([-1, 0, 7, 42, 2 ** 31 - 1][record.key.length % 5]!);
      return { ...record, keyBytes: base64(key) };
    }),
    outputTopics: ['joined-words', 'lengths'],
  },
  {
    name: 'per-step serdes: a table of JSON documents (Consumed.with(String, json), unreadable documents skipped, tombstones), produced with Produced.with(String, json)',
    reference: 'json-table',
    dsl: {
      functions,
      'deserialization.exception.handler': 'org.apache.kafka.streams.errors.LogAndContinueExceptionHandler',
      streams: [{ table: 'documents', keySerde: 'string', valueSerde: 'json', steps: ['toStream', { to: { topic: 'documents-out', keySerde: 'string', valueSerde: 'json' } }] }],
    },
    inputs: generate(43, 'documents', 120, { nullValues: true }).map((record, index): Input => {
      if (record.value === null) return record;
      const documents = [JSON.stringify(record.value), JSON.stringify({ n: index, words: record.value.split(' '), ok: index % 2 === 0 }), String(index * 7), JSON.stringify([index, 1.5, null, 'Café']), 'null', '{"unclosed": ', 'not json'];
      return { ...record, value: documents[index % documents.length]! };
    }),
    outputTopics: ['documents-out'],
  },
  {
    name: 'per-step serdes: a stream-table join and left join whose table is read with Consumed.with(String, Long) and mapped to text (unreadable prices skipped)',
    reference: 'join-long-table',
    dsl: {
      functions,
      'deserialization.exception.handler': 'log-and-continue',
      streams: [
        { table: 'prices', keySerde: 'string', valueSerde: 'long', steps: [{ mapValues: 'f.long-to-decimal' }], as: 'prices' },
        { stream: 'orders', keySerde: 'string', valueSerde: 'string', as: 'orders' },
        { from: 'orders', steps: [{ join: { table: 'prices', joiner: 'f.join-values', keySerde: 'string', valueSerde: 'string' } }, { to: { topic: 'priced', keySerde: 'string', valueSerde: 'string' } }] },
        { from: 'orders', steps: [{ leftJoin: { table: 'prices', joiner: 'f.join-values' } }, { to: { topic: 'left-priced', keySerde: 'string', valueSerde: 'string' } }] },
      ],
    },
    inputs: interleave(withLongValues(generate(44, 'prices', 70, { nullValues: true }), 44), generate(45, 'orders', 130, { nullKeys: true, nullValues: true })),
    outputTopics: ['priced', 'left-priced'],
  },
  {
    name: 'default serdes: default.key.serde String and default.value.serde Long (Kafka class name) for a source, groupByKey reduce and count, a groupBy through a repartition topic and their sinks; a per-step Produced value serde and a Consumed value serde (inherited by its sink) override them',
    reference: 'default-serdes',
    dsl: {
      functions,
      'deserialization.exception.handler': 'log-and-continue',
      'default.key.serde': 'string',
      'default.value.serde': 'org.apache.kafka.common.serialization.Serdes$LongSerde',
      streams: [
        { stream: 'amounts', as: 'amounts' },
        { from: 'amounts', steps: ['groupByKey', { reduce: 'f.sum' }, 'toStream', { to: 'sums' }] },
        { from: 'amounts', steps: ['groupByKey', 'count', 'toStream', { to: 'counts' }] },
        { from: 'amounts', steps: [{ groupBy: 'f.record-key' }, { reduce: 'f.sum' }, 'toStream', { to: 'regrouped' }] },
        { from: 'amounts', steps: [{ mapValues: 'f.long-to-decimal' }, { to: { topic: 'decimals', valueSerde: 'string' } }] },
        { stream: 'lines', valueSerde: 'string', steps: [{ to: 'lines-out' }] },
      ],
    },
    inputs: interleave(withLongValues(generate(46, 'amounts', 150, { nullKeys: true, nullValues: true }), 46), generate(47, 'lines', 40, { nullKeys: true, nullValues: true })),
    outputTopics: ['sums', 'counts', 'regrouped', 'decimals', 'lines-out'],
  },
];


const scenarios: Scenario[] = [
  {
    name: 'word count (flatMapValues → groupBy → count), with edge lines: empty, separators only, accents, CJK, emoji, final sigma',
    dsl: { functions, streams: [{ stream: 'lines', steps: [{ flatMapValues: 'f.split-words' }, { groupBy: 'f.value-as-key' }, 'count', 'toStream', { to: 'counts' }] }] },
    inputs: [...edgeLines('lines'), ...generate(1, 'lines', 150, { nullKeys: true, nullValues: true, start: 10_000 })],
    outputTopics: ['counts'],
  },
  {
    name: 'stateless chain (filter, filterNot, mapValues, selectKey, map, flatMap) to two topics',
    dsl: {
      functions,
      streams: [
        { stream: 'in', steps: [{ filter: 'f.has-a' }, { mapValues: 'f.uppercase' }], as: 'upper' },
        { from: 'upper', steps: [{ selectKey: 'f.first-letter' }, { to: 'by-letter' }] },
        { stream: 'other', steps: [{ filterNot: 'f.key-has-a' }, { map: 'f.swap' }, { flatMap: { mapper: 'f.words-as-keys' } }, { merge: 'upper' }, { to: 'merged' }] },
      ],
    },
    inputs: interleave(generate(2, 'in', 80, { nullKeys: true, nullValues: true }), generate(3, 'other', 80, { nullKeys: true, nullValues: true })),
    outputTopics: ['by-letter', 'merged'],
  },
  {
    name: 'groupByKey reduce and aggregate (null keys and values skipped)',
    dsl: {
      functions,
      streams: [
        { stream: 'in', as: 'input' },
        { from: 'input', steps: ['groupByKey', { reduce: 'f.concat' }, 'toStream', { to: 'reduced' }] },
        { from: 'input', steps: [{ groupByKey: { name: 'g' } }, { aggregate: { initializer: 'f.zero', aggregator: 'f.add-length' } }, 'toStream', { to: 'lengths' }] },
      ],
    },
    inputs: generate(4, 'in', 120, { nullKeys: true, nullValues: true }),
    outputTopics: ['reduced', 'lengths'],
  },
  {
    name: 'tumbling window count with grace (late records dropped, null values counted)',
    dsl: { functions, streams: [{ stream: 'in', steps: ['groupByKey', { windowedBy: { size: 5_000, grace: 2_000 } }, 'count', 'toStream', { to: 'windowed' }] }] },
    inputs: generate(5, 'in', 200, { nullKeys: true, nullValues: true }),
    outputTopics: ['windowed'],
  },
  {
    name: 'hopping window aggregate without grace, after a key change (repartition)',
    dsl: {
      functions,
      streams: [{ stream: 'in', steps: [{ groupBy: 'f.first-letter' }, { windowedBy: { size: 6_000, advance: 2_000 } }, { aggregate: { initializer: 'f.empty-string', aggregator: 'f.append' } }, 'toStream', { to: 'hopping' }] }],
    },
    inputs: generate(6, 'in', 150, { nullValues: true }),
    outputTopics: ['hopping'],
  },
  {
    name: 'windowed reduce, tumbling, grace 1 s',
    dsl: { functions, streams: [{ stream: 'in', steps: ['groupByKey', { windowedBy: { size: 3_000, grace: 1_000 } }, { reduce: 'f.concat' }, 'toStream', { to: 'reduced' }] }] },
    inputs: generate(7, 'in', 150, { nullKeys: true }),
    outputTopics: ['reduced'],
  },
  {
    name: 'session windows: count with grace (merges emit tombstones, late sessions dropped)',
    dsl: { functions, streams: [{ stream: 'in', steps: ['groupByKey', { windowedBy: { gap: 1_500, grace: 1_000 } }, 'count', 'toStream', { to: 'sessions' }] }] },
    inputs: generate(10, 'in', 200, { nullKeys: true, nullValues: true }),
    outputTopics: ['sessions'],
  },
  {
    name: 'session windows: reduce and aggregate with a merger, no grace',
    dsl: {
      functions,
      streams: [
        { stream: 'in', as: 'input' },
        { from: 'input', steps: ['groupByKey', { windowedBy: { gap: 2_000 } }, { reduce: 'f.concat' }, 'toStream', { to: 'reduced' }] },
        {
          from: 'input',
          steps: [{ groupBy: 'f.first-letter' }, { windowedBy: { gap: 1_000, grace: 500 } }, { aggregate: { initializer: 'f.zero', aggregator: 'f.add-length', merger: 'f.merge-lengths' } }, 'toStream', { to: 'lengths' }],
        },
      ],
    },
    inputs: generate(11, 'in', 160, { nullKeys: true }),
    outputTopics: ['reduced', 'lengths'],
  },
  {
    name: 'sliding windows: count with grace, and aggregate after a repartition without grace',
    dsl: {
      functions,
      streams: [
        { stream: 'in', as: 'input' },
        { from: 'input', steps: ['groupByKey', { windowedBy: { sliding: 2_000, grace: 1_500 } }, 'count', 'toStream', { to: 'counts' }] },
        { from: 'input', steps: [{ groupBy: 'f.first-letter' }, { windowedBy: { sliding: 1_000 } }, { aggregate: { initializer: 'f.empty-string', aggregator: 'f.append' } }, 'toStream', { to: 'appended' }] },
      ],
    },
    inputs: generate(12, 'in', 200, { nullKeys: true, nullValues: true, start: 300 }),
    outputTopics: ['counts', 'appended'],
  },
  {
    name: 'sliding windows: reduce (records before the time difference go to the combined window)',
    dsl: { functions, streams: [{ stream: 'in', steps: ['groupByKey', { windowedBy: { sliding: 5_000, grace: 3_000 } }, { reduce: 'f.concat' }, 'toStream', { to: 'reduced' }] }] },
    inputs: generate(13, 'in', 120, { start: 0 }),
    outputTopics: ['reduced'],
  },
  {
    name: 'suppress(untilWindowCloses) after tumbling, hopping, sliding and session windows',
    dsl: {
      functions,
      streams: [
        { stream: 'in', as: 'input' },
        { from: 'input', steps: ['groupByKey', { windowedBy: { size: 4_000, grace: 1_000 } }, 'count', { suppress: 'window-closes' }, 'toStream', { to: 'tumbling' }] },
        { from: 'input', steps: ['groupByKey', { windowedBy: { size: 6_000, advance: 2_000 } }, { reduce: 'f.concat' }, { suppress: { until: 'window-closes' } }, 'toStream', { to: 'hopping' }] },
        { from: 'input', steps: ['groupByKey', { windowedBy: { sliding: 2_000, grace: 500 } }, 'count', { suppress: 'window-closes' }, 'toStream', { to: 'sliding' }] },
        { from: 'input', steps: ['groupByKey', { windowedBy: { gap: 1_500, grace: 700 } }, 'count', { suppress: 'window-closes' }, 'toStream', { to: 'sessions' }] },
      ],
    },
    inputs: generate(14, 'in', 250, { nullKeys: true, nullValues: true }),
    outputTopics: ['tumbling', 'hopping', 'sliding', 'sessions'],
  },
  {
    name: 'suppress(untilTimeLimit) on counts and reductions, unbounded and with buffers full of records or bytes emitting early; untilWindowCloses with a strict bounded buffer',
    dsl: {
      functions,
      streams: [
        { stream: 'in', as: 'input' },
        { from: 'input', steps: ['groupByKey', 'count', { suppress: { until: 'time-limit', limit: 1_500 } }, 'toStream', { to: 'limited' }] },
        { from: 'input', steps: ['groupByKey', { reduce: 'f.concat' }, { suppress: { until: 'time-limit', limit: 3_000, maxRecords: 2 } }, 'toStream', { to: 'few-records' }] },
        { from: 'input', steps: [{ groupBy: 'f.first-letter' }, 'count', { suppress: { until: 'time-limit', limit: 2_000, maxBytes: 260 } }, 'toStream', { to: 'few-bytes' }] },
        { from: 'input', steps: ['groupByKey', { reduce: 'f.concat' }, { suppress: { until: 'time-limit', limit: 0 } }, 'toStream', { to: 'no-wait' }] },
        { from: 'input', steps: ['groupByKey', { windowedBy: { size: 3_000, grace: 500 } }, 'count', { suppress: { until: 'window-closes', maxRecords: 10_000, whenFull: 'shut-down' } }, 'toStream', { to: 'windows' }] },
      ],
    },
    inputs: generate(24, 'in', 220, { nullKeys: true, nullValues: true }),
    outputTopics: ['limited', 'few-records', 'few-bytes', 'no-wait', 'windows'],
  },
  {
    name: 'tables: filter, filterNot and mapValues forward deletes; stream toTable',
    dsl: {
      functions,
      streams: [
        { table: 'users', as: 'users' },
        { from: 'users', steps: [{ filter: 'f.has-a' }, { mapValues: 'f.uppercase' }, 'toStream', { to: 'filtered' }] },
        { from: 'users', steps: [{ filterNot: 'f.has-a' }, 'toStream', { to: 'not-a' }] },
        { stream: 'events', steps: [{ selectKey: 'f.first-letter' }, 'toTable', { filter: 'f.has-a' }, 'toStream', { to: 'as-table' }] },
      ],
    },
    inputs: interleave(generate(15, 'users', 100, { nullKeys: true, nullValues: true }), generate(16, 'events', 100, { nullKeys: true, nullValues: true })),
    outputTopics: ['filtered', 'not-a', 'as-table'],
  },
  {
    name: 'table-table joins: inner, left and outer, through a filtered table',
    dsl: {
      functions,
      streams: [
        { table: 'left', as: 'left' },
        { table: 'right', steps: [{ filter: 'f.has-a' }], as: 'right' },
        { from: 'left', steps: [{ join: { table: 'right', joiner: 'f.join-values' } }, 'toStream', { to: 'inner' }] },
        { from: 'left', steps: [{ leftJoin: { table: 'right', joiner: 'f.join-values' } }, 'toStream', { to: 'left-joined' }] },
        { from: 'left', steps: [{ outerJoin: { table: 'right', joiner: 'f.join-values' } }, 'toStream', { to: 'outer' }] },
      ],
    },
    inputs: interleave(generate(17, 'left', 100, { nullKeys: true, nullValues: true }), generate(18, 'right', 100, { nullKeys: true, nullValues: true })),
    outputTopics: ['inner', 'left-joined', 'outer'],
  },
  {
    name: 'table groupBy: count, reduce and aggregate with adder and subtractor',
    dsl: {
      functions,
      streams: [
        { table: 'users', as: 'users' },
        { from: 'users', steps: [{ groupBy: 'f.by-first-letter' }, 'count', 'toStream', { to: 'counts' }] },
        { from: 'users', steps: [{ groupBy: 'f.by-first-letter' }, { reduce: { adder: 'f.concat', subtractor: 'f.minus' } }, 'toStream', { to: 'reduced' }] },
        { from: 'users', steps: [{ groupBy: { mapper: 'f.swap', name: 'by-value' } }, { aggregate: { initializer: 'f.zero', adder: 'f.add-length', subtractor: 'f.subtract-length' } }, 'toStream', { to: 'lengths' }] },
      ],
    },
    inputs: generate(19, 'users', 160, { nullKeys: true, nullValues: true }),
    outputTopics: ['counts', 'reduced', 'lengths'],
  },
  {
    name: 'stream-stream joins: inner, left and outer with grace (unmatched results when the window closes, null keys)',
    dsl: {
      functions,
      streams: [
        { stream: 'left', as: 'left' },
        { stream: 'right', as: 'right' },
        { from: 'left', steps: [{ join: { stream: 'right', joiner: 'f.join-values', difference: 2_000, grace: 1_000 } }, { to: 'inner' }] },
        { from: 'left', steps: [{ leftJoin: { stream: 'right', joiner: 'f.join-values', difference: 1_500, grace: 500 } }, { to: 'left-joined' }] },
        { from: 'left', steps: [{ outerJoin: { stream: 'right', joiner: 'f.join-values', difference: 1_000, grace: 2_000 } }, { to: 'outer' }] },
      ],
    },
    inputs: interleave(generate(20, 'left', 120, { nullKeys: true, nullValues: true }), generate(21, 'right', 120, { nullKeys: true, nullValues: true })),
    outputTopics: ['inner', 'left-joined', 'outer'],
  },
  {
    // Found by scripts/dsl-seeds.sh (offset 21000): Kafka Streams' filter before a repartition topic passes null keys (KIP-962).
    name: 'after a key change, records with a null key go through the repartition topic: left and outer stream-stream joins emit them, a windowed count drops them but its stream time moves',
    dsl: {
      functions,
      streams: [
        { stream: 'left', steps: [{ selectKey: 'f.record-key' }], as: 'left' },
        { stream: 'right', steps: [{ selectKey: 'f.record-key' }], as: 'right' },
        { from: 'left', steps: [{ leftJoin: { stream: 'right', joiner: 'f.join-values', difference: 1_500, grace: 500 } }, { to: 'left-joined' }] },
        { from: 'left', steps: [{ outerJoin: { stream: 'right', joiner: 'f.join-values', before: 500, after: 2_000 } }, { to: 'outer' }] },
        { from: 'right', steps: [{ groupBy: 'f.record-key' }, { windowedBy: { size: 3_000, grace: 0 } }, 'count', 'toStream', { to: 'windowed' }] },
      ],
    },
    inputs: interleave(generate(31, 'left', 120, { nullKeys: true, nullValues: true }), generate(32, 'right', 120, { nullKeys: true, nullValues: true })),
    outputTopics: ['left-joined', 'outer', 'windowed'],
  },
  {
    // Found by scripts/dsl-seeds.sh (offset 9000): two unmatched records of one key at one time, with both windows open
    // when a pass reaches them — Kafka Streams' outer store visits them one by one, which decides when its next pass runs.
    name: 'stream-stream outer join: unmatched records of one key at one time, seen one by one as Kafka Streams\' list-value outer store does',
    dsl: {
      functions,
      streams: [
        { stream: 'left', as: 'left' },
        { stream: 'right', as: 'right' },
        { from: 'left', steps: [{ outerJoin: { stream: 'right', joiner: 'f.join-values', difference: 1_000, grace: 2_000 } }, { to: 'outer' }] },
      ],
    },
    inputs: interleave(generate(9020, 'left', 120, { nullKeys: true, nullValues: true }), generate(9021, 'right', 120, { nullKeys: true, nullValues: true })),
    outputTopics: ['outer'],
  },
  {
    name: 'stream-stream outer join with an asymmetric window (before/after), no grace, after a key change',
    dsl: {
      functions,
      streams: [
        { stream: 'left', steps: [{ selectKey: 'f.first-letter' }], as: 'left' },
        { stream: 'right', as: 'right' },
        { from: 'left', steps: [{ outerJoin: { stream: 'right', joiner: 'f.join-values', before: 500, after: 2_500 } }, { to: 'outer' }] },
      ],
    },
    inputs: interleave(generate(22, 'left', 100, { nullValues: true }), generate(23, 'right', 100).map((record) => ({ ...record, key: record.value?.slice(0, 1) ?? null }))),
    outputTopics: ['outer'],
  },
  {
    name: 'split into branches (first match wins) with and without a default branch',
    dsl: {
      functions,
      streams: [
        { stream: 'in', steps: [{ split: { name: 'by-', branches: [{ predicate: 'f.has-a', as: 'a' }, { predicate: 'f.key-has-a', as: 'key-a' }], default: 'rest' } }] },
        { from: 'a', steps: [{ mapValues: 'f.uppercase' }, { to: 'with-a' }] },
        { from: 'key-a', steps: [{ to: 'key-with-a' }] },
        { from: 'rest', steps: [{ to: 'rest' }] },
        { stream: 'other', steps: [{ split: { branches: [{ predicate: 'f.has-a', as: 'only-a' }] } }] },
        { from: 'only-a', steps: [{ to: 'only-a' }] },
      ],
    },
    inputs: interleave(generate(24, 'in', 100, { nullKeys: true, nullValues: true }), generate(25, 'other', 60, { nullValues: true })),
    outputTopics: ['with-a', 'key-with-a', 'rest', 'only-a'],
  },
  {
    name: 'cogroup: three grouped streams (one after a key change) into one aggregate',
    dsl: {
      functions,
      streams: [
        { stream: 'a', steps: ['groupByKey'], as: 'grouped-a' },
        { stream: 'b', steps: ['groupByKey'], as: 'grouped-b' },
        { stream: 'c', steps: [{ groupBy: 'f.first-letter' }], as: 'grouped-c' },
        {
          from: 'grouped-a',
          steps: [
            { cogroup: { aggregator: 'f.append', with: [{ grouped: 'grouped-b', aggregator: 'f.append' }, { grouped: 'grouped-c', aggregator: 'f.append' }] } },
            { aggregate: { initializer: 'f.empty-string' } },
            'toStream',
            { to: 'cogrouped' },
          ],
        },
      ],
    },
    inputs: interleave(interleave(generate(26, 'a', 60, { nullKeys: true, nullValues: true }), generate(27, 'b', 60, { nullValues: true })), generate(28, 'c', 60)),
    outputTopics: ['cogrouped'],
  },
  {
    name: 'foreign-key table joins, inner and left: left rows change their foreign key, right rows update and delete',
    dsl: {
      functions,
      streams: [
        { table: 'orders', as: 'orders' },
        { table: 'letters', as: 'letters' },
        { from: 'orders', steps: [{ fkJoin: { table: 'letters', extractor: 'f.first-letter', joiner: 'f.join-values' } }, 'toStream', { to: 'fk-inner' }] },
        { from: 'orders', steps: [{ fkLeftJoin: { table: 'letters', extractor: 'f.first-letter', joiner: 'f.join-values' } }, 'toStream', { to: 'fk-left' }] },
      ],
    },
    inputs: interleave(
      generate(29, 'orders', 120, { nullKeys: true, nullValues: true }),
      generate(31, 'letters', 80, { nullValues: true }).map((record) => ({ ...record, key: ['a', 'b', 'e', 'g', 'k', 's', 't', 'C', 'n'][Math.floor(record.timestamp / 7) % 9]! })),
    ),
    outputTopics: ['fk-inner', 'fk-left'],
  },
  {
    name: 'to with a topic-name extractor: each record to the topic of its first letter',
    dsl: { functions, streams: [{ stream: 'in', steps: [{ mapValues: 'f.uppercase' }, { to: { extractor: 'f.topic-by-first-letter' } }] }] },
    inputs: generate(32, 'in', 80, { nullKeys: true, nullValues: true }),
    outputTopics: ['a', 'b', 'c', 'e', 'g', 'k', 'n', 's', 't', 'other'].map((letter) => `letter-${letter}`),
  },
  {
    name: 'a source timestamp extractor function: times from the values (some negative: skipped), then a windowed count',
    dsl: {
      functions,
      streams: [{ stream: 'in', 'timestamp.extractor': 'f.time-from-value', steps: ['groupByKey', { windowedBy: { size: 2_000, grace: 500 } }, 'count', 'toStream', { to: 'windowed' }] }],
    },
    inputs: generate(33, 'in', 120, { nullValues: true }).map((record, index) => ({
      ...record,
      value: index % 3 === 0 ? record.value : `${record.value ?? ''}@${index % 17 === 0 ? -5 : 10_000 + ((index * 7919) % 9_000)}`,
    })),
    outputTopics: ['windowed'],
  },
  {
    name: 'windowed cogroup: two grouped streams into hopping windows with grace, then suppressed',
    dsl: {
      functions,
      streams: [
        { stream: 'a', steps: ['groupByKey'], as: 'grouped-a' },
        { stream: 'b', steps: [{ groupBy: 'f.first-letter' }], as: 'grouped-b' },
        {
          from: 'grouped-a',
          steps: [
            { cogroup: { aggregator: 'f.append', with: [{ grouped: 'grouped-b', aggregator: 'f.append' }] } },
            { windowedBy: { size: 4_000, advance: 2_000, grace: 1_000 } },
            { aggregate: { initializer: 'f.empty-string' } },
            'toStream',
            { to: 'windowed' },
          ],
        },
        { from: 'grouped-a', steps: [{ cogroup: { aggregator: 'f.append' } }, { windowedBy: { size: 3_000 } }, { aggregate: { initializer: 'f.empty-string', name: 'solo' } }, { suppress: 'window-closes' }, 'toStream', { to: 'suppressed' }] },
      ],
    },
    inputs: interleave(generate(34, 'a', 90, { nullKeys: true, nullValues: true }), generate(35, 'b', 90, { nullValues: true })),
    outputTopics: ['windowed', 'suppressed'],
  },
  {
    name: 'session- and sliding-windowed cogroup: two grouped streams (one after a key change), sessions merged, then suppressed',
    dsl: {
      functions,
      streams: [
        { stream: 'a', steps: ['groupByKey'], as: 'grouped-a' },
        { stream: 'b', steps: [{ groupBy: 'f.first-letter' }], as: 'grouped-b' },
        {
          from: 'grouped-a',
          steps: [
            { cogroup: { aggregator: 'f.add-length', with: [{ grouped: 'grouped-b', aggregator: 'f.add-length' }] } },
            { windowedBy: { gap: 1_200, grace: 400 } },
            { aggregate: { initializer: 'f.zero', merger: 'f.merge-lengths', name: 'sessions' } },
            'toStream',
            { to: 'sessions' },
          ],
        },
        {
          from: 'grouped-a',
          steps: [
            { cogroup: { aggregator: 'f.append', with: [{ grouped: 'grouped-b', aggregator: 'f.append' }] } },
            { windowedBy: { sliding: 1_500, grace: 800 } },
            { aggregate: { initializer: 'f.empty-string' } },
            'toStream',
            { to: 'sliding' },
          ],
        },
        { from: 'grouped-b', steps: [{ cogroup: { aggregator: 'f.add-length' } }, { windowedBy: { gap: 800 } }, { aggregate: { initializer: 'f.zero', merger: 'f.merge-lengths', name: 'solo' } }, { suppress: 'window-closes' }, 'toStream', { to: 'suppressed' }] },
      ],
    },
    inputs: interleave(generate(36, 'a', 100, { nullKeys: true, nullValues: true }), generate(37, 'b', 100, { nullValues: true })),
    outputTopics: ['sessions', 'sliding', 'suppressed'],
  },
  {
    name: 'stream-table join and left join (table updates and tombstones)',
    dsl: {
      functions,
      streams: [
        { table: 'users', as: 'users' },
        { stream: 'clicks', as: 'clicks' },
        { from: 'clicks', steps: [{ join: { table: 'users', joiner: 'f.join-values' } }, { to: 'joined' }] },
        { from: 'clicks', steps: [{ leftJoin: { table: 'users', joiner: 'f.join-values' } }, { to: 'left-joined' }] },
      ],
    },
    inputs: interleave(generate(8, 'users', 60, { nullKeys: true, nullValues: true }), generate(9, 'clicks', 120, { nullKeys: true, nullValues: true })),
    outputTopics: ['joined', 'left-joined'],
  },
  {
    name: 'stream-global table join and left join through key selectors (global updates and tombstones, null and empty join keys, no repartition after a key change)',
    dsl: {
      functions,
      streams: [
        { globalTable: 'letters', as: 'letters' },
        { globalTable: 'people', store: 'people-store', as: 'people' },
        { stream: 'clicks', as: 'clicks' },
        { from: 'clicks', steps: [{ join: { globalTable: 'letters', keySelector: 'f.first-letter', joiner: 'f.join-values' } }, { to: 'by-letter' }] },
        { from: 'clicks', steps: [{ leftJoin: { globalTable: 'letters', keySelector: 'f.first-letter', joiner: 'f.join-values' } }, { to: 'left-by-letter' }] },
        { from: 'clicks', steps: [{ leftJoin: { globalTable: 'people', keySelector: 'f.record-key', joiner: 'f.join-values' } }, { to: 'left-by-key' }] },
        { from: 'clicks', steps: [{ selectKey: 'f.first-letter' }, { join: { globalTable: 'letters', keySelector: 'f.record-key', joiner: 'f.join-values' } }, 'groupByKey', 'count', 'toStream', { to: 'counted' }] },
      ],
    },
    inputs: interleave(
      interleave(
        generate(31, 'letters', 50, { nullKeys: true, nullValues: true }).map((record, index) => ({ ...record, key: record.key === null ? null : ['a', 'b', 'g', 'k', 'e', 's', 't', 'C', 'n', ''][index % 10]! })),
        generate(32, 'people', 40, { nullValues: true }),
      ),
      generate(33, 'clicks', 150, { nullKeys: true, nullValues: true }),
    ),
    outputTopics: ['by-letter', 'left-by-letter', 'left-by-key', 'counted'],
  },
];


async function runEddy(scenario: Scenario, cacheMaxBytes = 0, onLog: (message: string) => void = () => undefined): Promise<OutputLine[]> {
  const topology = topologyFromDocument({ dsl: scenario.dsl }, { file: `scenario '${scenario.name}'`, baseDirectory: repositoryRoot, applicationId: 'dsl-scenario' });
  const encoder = new TextEncoder();
  const bytesOf = (raw: string | undefined, text: string | null) => (raw !== undefined ? new Uint8Array(Buffer.from(raw, 'base64')) : text === null ? undefined : encoder.encode(text));
  const inputs: DryRunInput[] = scenario.inputs.map((input, index) => ({
    line: index + 1,
    topic: input.topic,
    record: { key: bytesOf(input.keyBytes, input.key), value: bytesOf(input.valueBytes, input.value), timestamp: input.timestamp, headers: [] },
  }));
  const outputs: OutputLine[] = [];
  const encode = (bytes: Uint8Array | undefined) => (bytes === undefined ? null : base64(bytes));
  await runDryRun(topology, inputs, {
    onOutput: ({ topic, record }) => outputs.push({ topic, key: encode(record.key), value: encode(record.value), timestamp: record.timestamp }),
    onLog: (entry) => onLog(JSON.stringify(entry)),
    cacheMaxBytes,
  });
  // Per topic, in order (Kafka Streams' test driver reads each output topic on its own).
  return scenario.outputTopics.flatMap((topic) => outputs.filter((output) => output.topic === topic));
}

function runKafkaStreams(scenario: Scenario): OutputLine[] {
  const stdout = runReference('DslScenario', JSON.stringify(scenario));
  return stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as OutputLine);
}

for (const scenario of [...scenarios, ...serdeScenarios]) {
  test(`DSL vs Kafka Streams 4.4: ${scenario.name}`, async () => {
    const expected = runKafkaStreams(scenario);
    const actual = await runEddy(scenario);
    assert.ok(expected.length > 0, 'the scenario produces output in Kafka Streams');
    const show = (line: OutputLine) => `${line.topic} ${line.key === null ? 'null' : Buffer.from(line.key, 'base64').toString('utf8')} = ${line.value === null ? 'null' : JSON.stringify(Buffer.from(line.value, 'base64').toString('latin1'))} @${line.timestamp}`;
    const firstDifference = expected.findIndex((line, index) => JSON.stringify(line) !== JSON.stringify(actual[index]));
    if (firstDifference >= 0 || actual.length !== expected.length) {
      const at = firstDifference >= 0 ? firstDifference : expected.length;
      assert.fail(
        `outputs differ at record ${at} of ${expected.length} (Eddy wrote ${actual.length}):\n` +
          `  Kafka Streams: ${expected[at] ? show(expected[at]!) : '(none)'}\n  Eddy:          ${actual[at] ? show(actual[at]!) : '(none)'}`,
      );
    }
    assert.deepEqual(actual, expected);
  });
}

test('with the record cache on, DSL aggregations write what Kafka Streams 4.4 writes with its cache (fewer updates than without; same final values either way)', async () => {
  const scenario: Scenario = {
    name: 'cached word count and windowed count',
    dsl: {
      functions,
      streams: [
        { stream: 'lines', as: 'lines' },
        { from: 'lines', steps: [{ flatMapValues: 'f.split-words' }, { groupBy: 'f.value-as-key' }, 'count', 'toStream', { to: 'counts' }] },
        { from: 'lines', steps: ['groupByKey', { windowedBy: { size: 5_000, grace: 1_000 } }, { reduce: 'f.concat' }, 'toStream', { to: 'windowed' }] },
      ],
    },
    inputs: generate(30, 'lines', 150, { nullKeys: true, nullValues: true }),
    outputTopics: ['counts', 'windowed'],
  };
  const finals = (lines: OutputLine[]) => {
    const last = new Map<string, OutputLine>();
    for (const line of lines) last.set(`${line.topic}/${line.key}`, line);
    return [...last.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  };
  const expected = runKafkaStreams({ ...scenario, cacheMaxBytes: 10 * 1024 * 1024 } as Scenario);
  const cached = await runEddy(scenario, 10 * 1024 * 1024);
  const uncached = await runEddy(scenario);
  assert.deepEqual(finals(cached), finals(expected), 'final values with the cache on, as Kafka Streams with its cache');
  // Without a cache every update goes out: Kafka Streams without its cache is the reference (a window whose only update deleted nothing shows up there too).
  const expectedUncached = runKafkaStreams(scenario);
  assert.deepEqual(finals(uncached), finals(expectedUncached), 'final values with the cache off, as Kafka Streams without it');
  // A line with a word twice updates that word once when cached (Kafka Streams' test driver commits after every record).
  assert.equal(cached.length, expected.length, 'the cached run writes as many records as Kafka Streams with its cache');
  assert.deepEqual(cached, expected, 'the cached run writes what Kafka Streams writes with its cache, record by record');
  // Caching holds back updates where Kafka Streams' does (with these inputs it does; other seeds, scripts/dsl-seeds.sh, may have no update to hold back).
  assert.equal(cached.length < uncached.length, expected.length < expectedUncached.length, `caching holds back updates as Kafka Streams' does (${cached.length} vs ${uncached.length}; Kafka Streams ${expected.length} vs ${expectedUncached.length})`);
  if (Number(process.env.EDDY_DSL_SEED_OFFSET ?? 0) === 0) assert.ok(cached.length < uncached.length, `caching holds back updates (${cached.length} vs ${uncached.length})`);
});

test('a bounded suppress buffer emits early: more (earlier) records than the unbounded one, which waits for the time limit', async () => {
  const variant = (suppress: Record<string, unknown>): Scenario => ({
    name: 'suppress variant',
    dsl: { functions, streams: [{ stream: 'in', steps: ['groupByKey', { reduce: 'f.concat' }, { suppress }, 'toStream', { to: 'out' }] }] },
    inputs: generate(24, 'in', 220, { nullKeys: true, nullValues: true }),
    outputTopics: ['out'],
  });
  const unbounded = await runEddy(variant({ until: 'time-limit', limit: 3_000 }));
  const fewRecords = await runEddy(variant({ until: 'time-limit', limit: 3_000, maxRecords: 2 }));
  const fewBytes = await runEddy(variant({ until: 'time-limit', limit: 3_000, maxBytes: 120 }));
  assert.ok(unbounded.length > 0);
  assert.ok(fewRecords.length > unbounded.length, `maxRecords 2 emits early (${fewRecords.length} vs ${unbounded.length})`);
  assert.ok(fewBytes.length > unbounded.length, `maxBytes 120 emits early (${fewBytes.length} vs ${unbounded.length})`);
  await assert.rejects(
    runEddy(variant({ until: 'time-limit', limit: 3_000, maxRecords: 2, whenFull: 'shut-down' })),
    /KTABLE-SUPPRESS-\d+ buffer exceeded its max capacity\. Currently \[3\/2\] records/,
    'shut-down when full fails with Kafka Streams\' message',
  );
});

test('a source record its serde cannot read follows deserialization.exception.handler: log-and-continue skips it (logged, counted), log-and-fail stops, as in Kafka Streams 4.4', async () => {
  const scenario = serdeScenarios.find((entry) => entry.reference === 'long-values')!;
  const bad = scenario.inputs.filter((input) => input.valueBytes !== undefined && Buffer.from(input.valueBytes, 'base64').length !== 8);
  assert.ok(bad.length >= 5, `the scenario has unreadable values (${bad.length})`);
  // log-and-continue: every unreadable record is logged with where it was; the outputs (above) match Kafka Streams'.
  const logs: string[] = [];
  const outputs = await runEddy(scenario, 0, (message) => logs.push(message));
  const skipped = logs.filter((line) => line.includes('deserialization failed') && line.includes('log-and-continue'));
  assert.equal(skipped.length, bad.length, 'one warning per unreadable record');
  assert.match(skipped[0]!, /amounts-0@\d+/);
  assert.ok(outputs.length > 0);
  // log-and-fail (Kafka Streams' default): the first unreadable record stops the run, naming the record, in both systems.
  const failing: Scenario = { ...scenario, dsl: { ...scenario.dsl, 'deserialization.exception.handler': 'log-and-fail' } };
  const firstBad = scenario.inputs.indexOf(bad[0]!);
  await assert.rejects(runEddy(failing), (error: Error) => {
    assert.equal(error.name, 'DeserializationError');
    assert.match(error.message, new RegExp(`deserialization failed for amounts-0@${firstBad}: its value \\(\\d bytes\\) is not a long`));
    assert.match(error.message, /topic=amounts partition=0 offset=\d+/);
    return true;
  });
  assert.throws(() => runKafkaStreams(failing), /RecordDeserializer.handleDeserializationFailure[\s\S]*Size of data received by LongDeserializer is not 8/);
  // Without a handler setting the default is log-and-fail, as Kafka Streams'.
  const { 'deserialization.exception.handler': _, ...withoutHandler } = scenario.dsl;
  await assert.rejects(runEddy({ ...scenario, dsl: withoutHandler }), /DeserializationError|deserialization failed/);
});
