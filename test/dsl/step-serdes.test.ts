// Per-step serdes beyond the differential scenarios: the `dsl:` fields'
// errors (stable codes, file and field path), the TypeScript StreamsBuilder
// with serdes, a sink whose serde cannot read what reaches it, a record the
// deserialization handler skips moving no stream time, and a source with
// serdes still using the application's default timestamp extractor; the
// application's default serdes (default.key.serde, default.value.serde):
// where they apply, what overrides them, and none checked without them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../runtime/errors.ts';
import { SerdeConfigError, SerializationError, stepSerdeByName } from '../../runtime/dsl/step-serdes.ts';
import { StreamsBuilder } from '../../runtime/dsl/streams-builder.ts';
import { longSerde, stringSerde } from '../../runtime/serde/serdes.ts';
import { runDryRun, type DryRunInput } from '../../runtime/testing/dry-run.ts';
import type { Topology } from '../../runtime/topology/topology.ts';
import { topologyFromDocument } from '../../runtime/topology/pipeline-file.ts';
import { repositoryRoot } from '../support/plugins.ts';

const functions = { f: { plugin: 'plugins/dsl-functions-rust' } };
const compile = (dsl: Record<string, unknown>) => topologyFromDocument({ dsl: { functions, ...dsl } }, { file: 'app.yaml', baseDirectory: repositoryRoot });

function refused(dsl: Record<string, unknown>, field: string, code: string | undefined, message: RegExp): void {
  assert.throws(() => compile(dsl), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    if (code !== undefined) {
      assert.ok(error instanceof SerdeConfigError, `a SerdeConfigError: ${String(error)}`);
      assert.equal(error.code, code);
    }
    assert.equal(error.context.file, 'app.yaml');
    assert.equal(error.context.field, field);
    assert.match(error.message, message);
    return true;
  });
}

const long = (value: number) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(value));
  return bytes;
};
const text = (value: string) => new TextEncoder().encode(value);

async function run(topology: Topology, records: Array<{ topic?: string; key?: Uint8Array; value?: Uint8Array; timestamp: number }>, options: { timestampExtractor?: 'log-and-skip-on-invalid' } = {}) {
  const inputs: DryRunInput[] = records.map((record, index) => ({ line: index + 1, topic: record.topic ?? 'in', record: { key: record.key, value: record.value, timestamp: record.timestamp, headers: [] } }));
  const outputs: Array<{ topic: string; key: Uint8Array | undefined; value: Uint8Array | undefined; timestamp: number }> = [];
  const logs: string[] = [];
  await runDryRun(topology, inputs, { onOutput: ({ topic, record }) => outputs.push({ topic, key: record.key, value: record.value, timestamp: record.timestamp }), onLog: (entry) => logs.push(JSON.stringify(entry)), ...options });
  return { outputs, logs };
}

test('serde fields: unknown serdes and handlers, a count with a non-Long value serde, serdes on from or on a global-table join are refused with stable codes and their field', () => {
  refused({ streams: [{ stream: 'in', keySerde: 'strin' }] }, 'dsl.streams[0].keySerde', 'dsl-serde-unknown', /unknown serde 'strin' \(expected string, long, .*\) \(dsl-serde-unknown\)/);
  refused({ streams: [{ stream: 'in', steps: [{ to: { topic: 'out', valueSerde: 'Serdes$Nope' } }] }] }, 'dsl.streams[0].steps[0].to.valueSerde', 'dsl-serde-unknown', /unknown serde/);
  refused({ streams: [{ stream: 'in', steps: [{ groupBy: { selector: 'f.first-letter', keySerde: 42 } }] }] }, 'dsl.streams[0].steps[0].groupBy.keySerde', undefined, /must be a non-empty string/);
  refused({ streams: [{ stream: 'in', steps: ['groupByKey', { count: { valueSerde: 'string' } }] }] }, 'dsl.streams[0].steps[1]', 'dsl-serde-mismatch', /count\(\) values are Longs: its valueSerde must be long, not string/);
  refused({ streams: [{ stream: 'in', steps: ['groupByKey', { windowedBy: { size: 1000 } }, { count: { valueSerde: 'json' } }] }] }, 'dsl.streams[0].steps[2]', 'dsl-serde-mismatch', /must be long/);
  refused({ 'deserialization.exception.handler': 'log-and-ignore', streams: [{ stream: 'in' }] }, 'dsl.deserialization.exception.handler', 'dsl-deserialization-handler-unknown', /expected log-and-fail, log-and-continue/);
  refused({ streams: [{ stream: 'in', as: 'a' }, { from: 'a', valueSerde: 'long' }] }, 'dsl.streams[1].valueSerde', undefined, /belong to the source/);
  refused(
    { streams: [{ globalTable: 'g', as: 'g' }, { stream: 'in', steps: [{ join: { globalTable: 'g', keySelector: 'f.record-key', joiner: 'f.join-values', valueSerde: 'string' } }] }] },
    'dsl.streams[1].steps[0].join.valueSerde',
    undefined,
    /has no serdes/,
  );
  refused({ streams: [{ stream: 'in', steps: [{ filter: { predicate: 'f.has-a', valueSerde: 'string' } }] }] }, 'dsl.streams[0].steps[0].filter.valueSerde', undefined, /unknown field/);
  // Accepted: Kafka's class names, windowed serdes, the deprecated handler name.
  compile({
    'default.deserialization.exception.handler': 'org.apache.kafka.streams.errors.LogAndContinueExceptionHandler',
    streams: [{ stream: 'in', keySerde: 'org.apache.kafka.common.serialization.Serdes$StringSerde', valueSerde: 'Serdes$LongSerde', steps: ['groupByKey', { windowedBy: { size: 1000 } }, 'count', 'toStream', { to: { topic: 'out', keySerde: 'time-windowed<string>', valueSerde: 'long' } }] }],
  });
  assert.equal(stepSerdeByName('session-windowed<integer>')?.name, 'session-windowed<integer>');
  assert.equal(stepSerdeByName('time-windowed<nope>'), undefined);
});

test('the TypeScript StreamsBuilder takes serdes: Consumed.with(String, Long), count Materialized as Long, Produced.with(time-windowed String, Long); a skipped record moves no stream time', async () => {
  const builder = new StreamsBuilder({ deserializationExceptionHandler: 'log-and-continue' });
  builder
    .stream('in', { keySerde: stringSerde, valueSerde: longSerde })
    .groupByKey({ keySerde: stringSerde, valueSerde: longSerde })
    .windowedBy({ sizeMs: 5_000, advanceMs: 5_000, graceMs: 0 })
    .count({ keySerde: stringSerde, valueSerde: longSerde })
    .toStream()
    .to('out', { keySerde: stepSerdeByName('time-windowed<string>')!, valueSerde: longSerde });
  const { outputs, logs } = await run(builder.build(), [
    { key: text('a'), value: long(1), timestamp: 1_000 },
    // Unreadable (7 bytes) and far in the future: skipped before its time counts, so the window [0, 5000) stays open.
    { key: text('a'), value: long(2).subarray(1), timestamp: 1_000_000 },
    { key: text('a'), value: long(3), timestamp: 2_000 },
  ]);
  assert.deepEqual(outputs.map((output) => [output.topic, Buffer.from(output.value!).readBigInt64BE(), output.timestamp]), [['out', 1n, 1_000], ['out', 2n, 2_000]]);
  assert.equal(Buffer.from(outputs[0]!.key!).toString('hex'), Buffer.concat([Buffer.from('a'), Buffer.alloc(8)]).toString('hex'), 'key ‖ window start (TimeWindowedSerializer)');
  assert.ok(logs.some((line) => /deserialization failed for in-0@1.*its value \(7 bytes\) is not a long/.test(line)), logs.join('\n'));
});

test('a sink whose serde cannot read what reaches it fails the run with a SerializationError naming the sink and the record', async () => {
  const topology = compile({ streams: [{ stream: 'in', steps: [{ mapValues: 'f.uppercase' }, { to: { topic: 'out', valueSerde: 'long' } }] }] });
  await assert.rejects(run(topology, [{ key: text('k'), value: text('abc'), timestamp: 5 }]), (error: unknown) => {
    assert.ok(error instanceof SerializationError, String(error));
    assert.match(error.message, /the record for sink 'KSTREAM-SINK-0000000002' does not fit its serdes: its value \(3 bytes\) is not a long/);
    assert.equal(error.context.topic, 'in');
    assert.equal(error.context.offset, 0);
    return true;
  });
  // The same bytes as a String pass, unchanged.
  const passing = compile({ streams: [{ stream: 'in', steps: [{ mapValues: 'f.uppercase' }, { to: { topic: 'out', valueSerde: 'string' } }] }] });
  const { outputs } = await run(passing, [{ key: text('k'), value: text('abc'), timestamp: 5 }]);
  assert.deepEqual(outputs.map((output) => Buffer.from(output.value!).toString()), ['ABC']);
});

test('a repartition topic (Grouped) and a store (Materialized) check their serdes; a table groupBy checks old and new values', async () => {
  const grouped = compile({ streams: [{ stream: 'in', steps: [{ groupBy: { selector: 'f.first-letter', keySerde: 'integer' } }, 'count'] }] });
  await assert.rejects(run(grouped, [{ key: text('k'), value: text('abc'), timestamp: 5 }]), /repartition topic 'eddy-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition' does not fit its serdes: its key \(1 bytes\) is not a integer/);
  const materialized = compile({ streams: [{ stream: 'in', steps: ['groupByKey', { aggregate: { initializer: 'f.empty-string', aggregator: 'f.append', valueSerde: 'long' } }] }] });
  await assert.rejects(run(materialized, [{ key: text('k'), value: text('abc'), timestamp: 5 }]), /store 'KSTREAM-AGGREGATE-STATE-STORE-0000000001' does not fit its serdes: its value \(3 bytes\) is not a long/);
  const table = compile({ streams: [{ table: 'in', steps: [{ groupBy: { mapper: 'f.swap', valueSerde: 'long' } }, 'count'] }] });
  await assert.rejects(run(table, [{ key: text('k'), value: text('abc'), timestamp: 5 }]), /repartition topic .* its value \(1 bytes\) is not a long/);
});

test("a source with serdes and no extractor of its own keeps the application's default timestamp extractor", async () => {
  const topology = compile({ streams: [{ stream: 'in', keySerde: 'string', valueSerde: 'long', steps: [{ to: 'out' }] }] });
  await assert.rejects(run(topology, [{ key: text('k'), value: long(1), timestamp: -5 }]), /invalid \(negative\) timestamp -5/);
  const { outputs } = await run(topology, [{ key: text('k'), value: long(1), timestamp: -5 }, { key: text('k'), value: long(2), timestamp: 7 }], { timestampExtractor: 'log-and-skip-on-invalid' });
  assert.deepEqual(outputs.map((output) => output.timestamp), [7]);
});

test('a global table read with serdes hands a record it cannot read to the handler too', async () => {
  const dsl = (handler: string) => ({
    'deserialization.exception.handler': handler,
    streams: [
      { globalTable: 'prices', keySerde: 'string', valueSerde: 'long', as: 'prices' },
      { stream: 'in', steps: [{ leftJoin: { globalTable: 'prices', keySelector: 'f.record-key', joiner: 'f.join-values' } }, { to: 'out' }] },
    ],
  });
  const records = [{ topic: 'prices', key: text('k'), value: text('oops'), timestamp: 1 }, { topic: 'in', key: text('k'), value: text('v'), timestamp: 2 }];
  await assert.rejects(run(compile(dsl('log-and-fail')), records), /deserialization failed for prices-0@0: its value \(4 bytes\) is not a long/);
  const { outputs, logs } = await run(compile(dsl('log-and-continue')), records);
  assert.deepEqual(outputs.map((output) => Buffer.from(output.value!).toString()), ['v+null'], 'the unreadable price never reached the global store');
  assert.equal(logs.filter((line) => line.includes('deserialization failed for prices-0@0')).length, 1, 'logged once');
  assert.ok(!logs.some((line) => /timestamp extractor gave/.test(line)), 'and not again as a negative timestamp');
});

test('default serdes in the dsl: section: unknown names refused with their code and field; Kafka class names accepted', () => {
  refused({ 'default.key.serde': 'strin', streams: [{ stream: 'in' }] }, 'dsl.default.key.serde', 'dsl-serde-unknown', /unknown serde 'strin'/);
  refused({ 'default.value.serde': 'org.apache.kafka.common.serialization.Serdes$NopeSerde', streams: [{ stream: 'in' }] }, 'dsl.default.value.serde', 'dsl-serde-unknown', /unknown serde/);
  refused({ 'default.value.serde': 7, streams: [{ stream: 'in' }] }, 'dsl.default.value.serde', undefined, /must be a non-empty string/);
  refused({ 'default.valu.serde': 'long', streams: [{ stream: 'in' }] }, 'dsl.default.valu.serde', undefined, /unknown field \(expected functions, streams, deserialization\.exception\.handler, default\.key\.serde, default\.value\.serde\)/);
  compile({ 'default.key.serde': 'org.apache.kafka.common.serialization.Serdes$StringSerde', 'default.value.serde': 'Serdes$LongSerde', streams: [{ stream: 'in', steps: [{ to: 'out' }] }] });
});

test('a default value serde applies to a step without its own (source, sink), a per-step serde overrides it, and without defaults nothing is checked', async () => {
  const decimals = (to: unknown, defaults: Record<string, string> = { 'default.key.serde': 'string', 'default.value.serde': 'long' }) =>
    compile({ ...defaults, streams: [{ stream: 'in', steps: [{ mapValues: 'f.long-to-decimal' }, { to }] }] });
  const records = [{ key: text('k'), value: long(42), timestamp: 5 }];
  // The sink has no serde: the default (long) checks the decimal text "42" and refuses it.
  await assert.rejects(run(decimals('out'), records), (error: unknown) => {
    assert.ok(error instanceof SerializationError, String(error));
    assert.match(error.message, /sink 'KSTREAM-SINK-0000000002' does not fit its serdes: its value \(2 bytes\) is not a long/);
    return true;
  });
  // Produced.with(…, String) overrides the default value serde.
  const { outputs } = await run(decimals({ topic: 'out', valueSerde: 'string' }), records);
  assert.deepEqual(outputs.map((output) => Buffer.from(output.value!).toString()), ['42']);
  // The source reads with the defaults: a value no LongDeserializer reads fails (log-and-fail, the default handler).
  await assert.rejects(run(decimals({ topic: 'out', valueSerde: 'string' }), [{ key: text('k'), value: text('oops'), timestamp: 5 }]), /deserialization failed for in-0@0: its value \(4 bytes\) is not a long/);
  // No default set: today's behaviour, nothing checked.
  const unchecked = await run(decimals('out', {}), records);
  assert.deepEqual(unchecked.outputs.map((output) => Buffer.from(output.value!).toString()), ['42']);
  // A source's own value serde overrides the default, and its sink inherits it (as Kafka Streams' to() takes the stream's serdes).
  const inherited = compile({ 'default.value.serde': 'long', streams: [{ stream: 'in', valueSerde: 'string', steps: [{ to: 'out' }] }] });
  assert.deepEqual((await run(inherited, [{ key: text('k'), value: text('text'), timestamp: 5 }])).outputs.map((output) => Buffer.from(output.value!).toString()), ['text']);
});

test('StreamsBuilder defaults: a windowed store wraps the default key serde, a count keeps Long values under a String default, an aggregate store takes the default value serde', async () => {
  const windowed = new StreamsBuilder({ defaultKeySerde: longSerde, defaultValueSerde: stringSerde });
  windowed.stream('in').groupByKey().windowedBy({ sizeMs: 5_000, advanceMs: 5_000, graceMs: 0 }).count().toStream().to('out', { keySerde: stepSerdeByName('time-windowed<long>')!, valueSerde: longSerde });
  const { outputs } = await run(windowed.build(), [{ key: long(7), value: text('a'), timestamp: 1_000 }, { key: long(7), value: text('b'), timestamp: 2_000 }]);
  assert.deepEqual(outputs.map((output) => [output.key!.length, Buffer.from(output.value!).readBigInt64BE()]), [[16, 1n], [16, 2n]], 'key ‖ window start; Long counts');
  // The source checks the default key serde: a 1-byte key is no Long.
  await assert.rejects(run(windowed.build(), [{ key: text('k'), value: text('a'), timestamp: 1_000 }]), /its key \(1 bytes\) is not a long/);
  // aggregate without a Materialized value serde: its store takes the default value serde (not the stream's), as Kafka Streams' aggregate().
  const aggregated = compile({ 'default.value.serde': 'long', streams: [{ stream: 'in', valueSerde: 'string', steps: ['groupByKey', { aggregate: { initializer: 'f.empty-string', aggregator: 'f.append' } }] }] });
  await assert.rejects(run(aggregated, [{ key: text('k'), value: text('abc'), timestamp: 5 }]), /store 'KSTREAM-AGGREGATE-STATE-STORE-0000000001' does not fit its serdes: its value \(3 bytes\) is not a long/);
  // reduce keeps the stream's value serde (String here): the same text passes.
  const reduced = compile({ 'default.value.serde': 'long', streams: [{ stream: 'in', valueSerde: 'string', steps: ['groupByKey', { reduce: 'f.concat' }, 'toStream', { to: 'out' }] }] });
  assert.deepEqual((await run(reduced, [{ key: text('k'), value: text('abc'), timestamp: 5 }])).outputs.map((output) => Buffer.from(output.value!).toString()), ['abc']);
});
