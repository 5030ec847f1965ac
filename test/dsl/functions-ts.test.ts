// DSL functions written in TypeScript (@eddy/sdk/functions, plugins/dsl-functions-ts)
// behave as the Rust ones of the same names: the same DSL topology run with
// either plugin writes the same bytes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { runDryRun, type DryRunInput } from '../../runtime/testing/dry-run.ts';
import { topologyFromDocument } from '../../runtime/topology/pipeline-file.ts';
import { pluginPath, repositoryRoot } from '../support/plugins.ts';
import { edgeLines } from '../support/dsl-inputs.ts';

async function run(plugin: string): Promise<string[]> {
  const dsl = {
    functions: { f: { plugin } },
    streams: [
      { stream: 'lines', as: 'lines' },
      { from: 'lines', steps: [{ flatMapValues: 'f.split-words' }, { groupBy: 'f.value-as-key' }, 'count', 'toStream', { to: 'counts' }] },
      { from: 'lines', steps: [{ filter: 'f.has-a' }, { mapValues: 'f.uppercase' }, 'groupByKey', { reduce: 'f.concat' }, 'toStream', { to: 'reduced' }] },
    ],
  };
  const topology = topologyFromDocument({ dsl }, { file: 'parity', baseDirectory: repositoryRoot });
  const encoder = new TextEncoder();
  const inputs: DryRunInput[] = edgeLines('lines').map((input, index) => ({
    line: index + 1,
    topic: input.topic,
    record: { key: encoder.encode(input.key!), value: encoder.encode(input.value!), timestamp: input.timestamp, headers: [] },
  }));
  const out: string[] = [];
  const hex = (bytes: Uint8Array | undefined) => (bytes === undefined ? 'null' : Buffer.from(bytes).toString('hex'));
  await runDryRun(topology, inputs, { onOutput: ({ topic, record }) => out.push(`${topic} ${hex(record.key)} ${hex(record.value)} ${record.timestamp}`), onLog: () => undefined });
  return out;
}

test('a TypeScript functions plugin loads as the functions world and gives the same output as the Rust one', async () => {
  assert.equal((await PluginComponent.fromFile(pluginPath('dsl-functions-ts'))).world, 'functions');
  const rust = await run('plugins/dsl-functions-rust');
  const typescript = await run('plugins/dsl-functions-ts');
  assert.ok(rust.length > 20, `the topology writes output (${rust.length} records)`);
  assert.deepEqual(typescript, rust);
});
