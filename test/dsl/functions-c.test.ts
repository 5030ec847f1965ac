// DSL functions written in C (sdk/c's eddy_functions.h,
// plugins/dsl-functions-c) behave as the Rust ones of the same names: every
// function, called directly with the same inputs (null, empty, separators,
// accents, CJK, emoji, final sigma, NUL, invalid UTF-8, Longs, wrong-length
// Longs), gives the same bytes or the same error message; and the same DSL
// topology run with either plugin writes the same records.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { PluginFunctionSource } from '../../runtime/plugin/plugin-functions.ts';
import type { Bytes, FunctionKind, FunctionSet } from '../../runtime/processor/functions.ts';
import { defaultProcessorLimits, type ProcessorContext } from '../../runtime/processor/processor.ts';
import { runDryRun, type DryRunInput } from '../../runtime/testing/dry-run.ts';
import { topologyFromDocument } from '../../runtime/topology/pipeline-file.ts';
import { edgeLines, generate } from '../support/dsl-inputs.ts';
import { pluginPath, repositoryRoot } from '../support/plugins.ts';

const encoder = new TextEncoder();
const long = (n: bigint) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, n);
  return bytes;
};
const texts = [
  ...edgeLines('x').map((input) => input.value!),
  ...generate(7, 'x', 40, { nullValues: false }).map((input) => input.value!),
  'a', 'A', '!!!', '_', '__init__', 'x@123', 'x@-9', 'x@+5', 'x@', 'x@12a', '@9223372036854775807', '@9223372036854775808', 'a@b@42',
  'İstanbul', 'ǅungla', 'ΣΑΣ Σ', 'nul\u0000byte', '1st', 'zebra', 'Ωmega', '\u{1f600}smile',
];
const values: Bytes[] = [
  undefined,
  new Uint8Array(0),
  ...texts.map((text) => encoder.encode(text)),
  new Uint8Array([0x66, 0xff]), new Uint8Array([0xe2, 0x82]),
  long(0n), long(42n), long(-7n), long(9223372036854775807n), new Uint8Array([1, 2, 3]),
];

async function open(plugin: string): Promise<FunctionSet & { kinds: ReadonlyMap<string, FunctionKind> }> {
  const prepared = await new PluginFunctionSource(plugin).prepare(defaultProcessorLimits);
  const context = {
    applicationId: 'functions-c', taskId: '0_0', nodeName: 'parity',
    metadata: () => undefined, log: () => undefined, wallClockTime: () => 0, streamTime: () => 0,
  } as unknown as ProcessorContext;
  return Object.assign(prepared.open(context), { kinds: prepared.functions });
}

const show = (bytes: Bytes) => (bytes === undefined ? 'null' : Buffer.from(bytes).toString('hex'));

/** Every call of `name` over the inputs, as text: the result's bytes or the error. */
function calls(functions: FunctionSet, name: string, kind: FunctionKind): string[] {
  const f = functions.get(name, kind) as (...args: unknown[]) => unknown;
  const out: string[] = [];
  const attempt = (args: unknown[]) => {
    try {
      const result = f(...args);
      out.push(
        result === undefined ? 'null'
          : result instanceof Uint8Array ? show(result)
          : Array.isArray(result) ? JSON.stringify(result.map((item) => (Array.isArray(item) ? item.map((part) => show(part as Bytes)) : show(item as Bytes))))
          : String(result),
      );
    } catch (error) {
      out.push(`error: ${(error as Error).message.split(' [')[0]}`);
    }
  };
  for (const a of values) {
    if (kind === 'initializer') { attempt([]); break; }
    for (const b of kind === 'aggregator' || kind === 'value-joiner' || kind === 'merger' || kind === 'reducer' ? values : [undefined, encoder.encode('key a')]) {
      if (kind === 'aggregator' || kind === 'value-joiner' || kind === 'merger') attempt([encoder.encode('k'), a, b]);
      else if (kind === 'reducer') attempt([a, b]);
      else if (kind === 'timestamp-extractor') attempt([b, a, 77, 99]);
      else if (kind === 'topic-name-extractor') attempt([b, a, 'source']);
      else { attempt([b, a]); attempt([a, b]); }
    }
  }
  return out;
}

test('every function of dsl-functions-c gives the bytes (or the error) of dsl-functions-rust, input for input', async () => {
  assert.equal((await PluginComponent.fromFile(pluginPath('dsl-functions-c'))).world, 'functions');
  const rust = await open(pluginPath('dsl-functions-rust'));
  const c = await open(pluginPath('dsl-functions-c'));
  assert.deepEqual([...c.kinds], [...rust.kinds], 'the same functions, in the same order, of the same kinds');
  assert.ok(rust.kinds.size >= 27);
  let compared = 0;
  for (const [name, kind] of rust.kinds) {
    const expected = calls(rust, name, kind);
    assert.deepEqual(calls(c, name, kind), expected, `${kind} '${name}'`);
    compared += expected.length;
  }
  assert.ok(compared > 10_000, `${compared} calls compared`);
});

async function run(plugin: string): Promise<string[]> {
  const dsl = {
    functions: { f: { plugin } },
    streams: [
      { stream: 'lines', as: 'lines' },
      { from: 'lines', steps: [{ flatMapValues: 'f.split-words' }, { groupBy: 'f.value-as-key' }, 'count', 'toStream', { to: 'counts' }] },
      { from: 'lines', steps: [{ flatMapValues: 'f.unicode-words' }, { groupBy: 'f.value-as-key' }, 'count', 'toStream', { mapValues: 'f.long-to-decimal' }, { to: 'unicode-counts' }] },
      { from: 'lines', steps: [{ filter: 'f.has-a' }, { mapValues: 'f.uppercase' }, 'groupByKey', { reduce: 'f.concat' }, 'toStream', { to: 'reduced' }] },
      { from: 'lines', steps: [{ groupBy: 'f.first-letter' }, { aggregate: { initializer: 'f.zero', aggregator: 'f.add-length' } }, 'toStream', { to: 'lengths' }] },
    ],
  };
  const topology = topologyFromDocument({ dsl }, { file: 'parity', baseDirectory: repositoryRoot });
  const inputs: DryRunInput[] = [...edgeLines('lines'), ...generate(11, 'lines', 120, { nullValues: true, start: 5_000 })].map((input, index) => ({
    line: index + 1,
    topic: input.topic,
    record: { key: input.key === null ? undefined : encoder.encode(input.key), value: input.value === null ? undefined : encoder.encode(input.value), timestamp: input.timestamp, headers: [] },
  }));
  const out: string[] = [];
  await runDryRun(topology, inputs, { onOutput: ({ topic, record }) => out.push(`${topic} ${show(record.key)} ${show(record.value)} ${record.timestamp}`), onLog: () => undefined });
  return out;
}

test('a DSL topology writes the same records with dsl-functions-c as with dsl-functions-rust', async () => {
  const rust = await run('plugins/dsl-functions-rust');
  const c = await run('plugins/dsl-functions-c');
  assert.ok(rust.length > 200, `the topology writes output (${rust.length} records)`);
  assert.deepEqual(c, rust);
});
