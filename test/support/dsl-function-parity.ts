// The parity check of DSL functions plugins against plugins/dsl-functions-rust,
// shared by test/dsl/functions-go.test.ts and functions-python.test.ts (the
// matrix and the topology) and functions-ts.test.ts (the topology): every
// function on a matrix of inputs (null, empty, ASCII, full-Unicode case
// mapping, Longs, timestamps in values, invalid UTF-8), as lines
// "name(inputs) → outcome", and the records a small DSL topology writes with
// a plugin.
// Owns: the input matrix, the calls and the topology. Must never: compare or
// assert (the tests do), or depend on the language a plugin is written in.

import { defaultLimits } from '../../runtime/plugin/component.ts';
import { PluginFunctionSource } from '../../runtime/plugin/plugin-functions.ts';
import type { Bytes, FunctionKind, FunctionSet } from '../../runtime/processor/functions.ts';
import type { ProcessorContext } from '../../runtime/processor/processor.ts';
import { runDryRun, type DryRunInput } from '../../runtime/testing/dry-run.ts';
import { topologyFromDocument } from '../../runtime/topology/pipeline-file.ts';
import { edgeLines } from './dsl-inputs.ts';
import { repositoryRoot } from './plugins.ts';

const encoder = new TextEncoder();
const long = (n: bigint) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, n);
  return bytes;
};
const values: Bytes[] = [
  undefined,
  new Uint8Array(0),
  ...['a', 'hello world', 'The cat, the HAT!', '  leading and trailing  ', '__x y_z', 'ΣΑΣ ΟΔΥΣΣΕΥΣ ß İ ǅ ΐ', '日本語 😀 x', 'x@123', 'x@-5', 'x@+7', 'x@abc', '@', 'a@b@42'].map((text) => encoder.encode(text)),
  long(0n), long(5n), long(-3n), long(1n << 40n),
  new Uint8Array([1, 2, 3, 4, 5, 6, 7]),
  new Uint8Array([0x66, 0xff]), new Uint8Array([0xe2, 0x82]), new Uint8Array([0xf0, 0x9f, 0x98, 0x41]),
];
const keys: Bytes[] = [undefined, encoder.encode('key-a'), encoder.encode('k'), new Uint8Array([0xc3])];

const show = (bytes: Bytes) => (bytes === undefined ? 'null' : Buffer.from(bytes).toString('hex'));
function outcome(run: () => unknown): string {
  try {
    const result = run();
    if (result === undefined || result instanceof Uint8Array) return `ok ${show(result)}`;
    if (Array.isArray(result)) return `ok [${result.map((item) => (Array.isArray(item) ? `(${item.map((part) => show(part as Bytes)).join(',')})` : show(item as Bytes))).join(' ')}]`;
    return `ok ${String(result)}`;
  } catch (error) {
    return `error ${(error as Error & { detail?: string }).detail ?? (error as Error).message}`;
  }
}

/** Every function of the plugin on every input of the matrix, as lines "name(inputs) → outcome". */
export async function callEverything(plugin: string): Promise<string[]> {
  const prepared = await new PluginFunctionSource(plugin).prepare(defaultLimits);
  const context = { applicationId: 'parity', taskId: '0_0', nodeName: 'functions', log: () => undefined, wallClockTime: () => 0, metadata: () => ({}) } as unknown as ProcessorContext;
  const set: FunctionSet = prepared.open(context);
  const lines: string[] = [];
  for (const [name, kind] of prepared.functions) {
    const record = (inputs: Bytes[], run: () => unknown) => lines.push(`${name}(${inputs.map(show).join(', ')}) → ${outcome(run)}`);
    const get = <K extends FunctionKind>(k: K) => set.get(name, k);
    switch (kind) {
      case 'initializer':
        record([], () => get('initializer')());
        break;
      case 'aggregator':
      case 'merger':
      case 'value-joiner':
        for (const key of keys.slice(0, 2)) for (const a of values) for (const b of values) record([key, a, b], () => (get(kind) as (k: Bytes, a: Bytes, b: Bytes) => Bytes)(key, a, b));
        break;
      case 'reducer':
        for (const a of values) for (const b of values) record([a, b], () => get('reducer')(a, b));
        break;
      case 'timestamp-extractor':
        for (const value of values) record([value], () => get('timestamp-extractor')(undefined, value, 1000, 500));
        break;
      case 'topic-name-extractor':
        for (const value of values) record([value], () => get('topic-name-extractor')(undefined, value, 'source'));
        break;
      default:
        for (const key of keys) for (const value of values) record([key, value], () => (get(kind) as (k: Bytes, v: Bytes) => unknown)(key, value));
    }
  }
  return lines;
}

/** What a DSL topology (split words and count; filter, uppercase and reduce) writes over edgeLines with `plugin` (a folder relative to the repository) as its functions. */
export async function runTopology(plugin: string): Promise<string[]> {
  const dsl = {
    functions: { f: { plugin } },
    streams: [
      { stream: 'lines', as: 'lines' },
      { from: 'lines', steps: [{ flatMapValues: 'f.split-words' }, { groupBy: 'f.value-as-key' }, 'count', 'toStream', { to: 'counts' }] },
      { from: 'lines', steps: [{ filter: 'f.has-a' }, { mapValues: 'f.uppercase' }, 'groupByKey', { reduce: 'f.concat' }, 'toStream', { to: 'reduced' }] },
    ],
  };
  const topology = topologyFromDocument({ dsl }, { file: 'parity', baseDirectory: repositoryRoot });
  const inputs: DryRunInput[] = edgeLines('lines').map((input, index) => ({
    line: index + 1,
    topic: input.topic,
    record: { key: encoder.encode(input.key!), value: encoder.encode(input.value!), timestamp: input.timestamp, headers: [] },
  }));
  const out: string[] = [];
  await runDryRun(topology, inputs, { onOutput: ({ topic, record }) => out.push(`${topic} ${show(record.key)} ${show(record.value)} ${record.timestamp}`), onLog: () => undefined });
  return out;
}
