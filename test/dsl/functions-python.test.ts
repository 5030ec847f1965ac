// DSL functions written in Python (eddy_plugin.functions, plugins/dsl-functions-python)
// behave as the Rust ones of the same names: the plugin lists the same
// functions of the same kinds, every function gives the same bytes — or the
// same error — on a matrix of inputs (null, empty, ASCII, full-Unicode case
// mapping, Longs, timestamps in values, invalid UTF-8), and the same DSL
// topology run with either plugin writes the same records (the matrix and the
// topology: test/support/dsl-function-parity.ts, shared with the other languages).
// And what the SDK makes of Python values and exceptions
// (test/fixtures/python-functions-probe).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from '../../runtime/build/build-plugin.ts';
import { defaultLimits, PluginComponent } from '../../runtime/plugin/component.ts';
import { PluginFunctionSource } from '../../runtime/plugin/plugin-functions.ts';
import type { Bytes, FunctionKind } from '../../runtime/processor/functions.ts';
import type { ProcessorContext } from '../../runtime/processor/processor.ts';
import { callEverything, runTopology } from '../support/dsl-function-parity.ts';
import { pluginPath } from '../support/plugins.ts';

test('dsl-functions-python provides the functions of dsl-functions-rust and each gives the same bytes or error on every input', async () => {
  assert.equal((await PluginComponent.fromFile(pluginPath('dsl-functions-python'))).world, 'functions');
  const rust = await callEverything(pluginPath('dsl-functions-rust'));
  const python = await callEverything(pluginPath('dsl-functions-python'));
  assert.ok(rust.length > 2000, `${rust.length} calls`);
  assert.ok(rust.some((line) => / → error .*not UTF-8: invalid utf-8/.test(line)), 'errors are compared too');
  for (let index = 0; index < Math.max(rust.length, python.length); index++) assert.equal(python[index], rust[index]);
});

test('a DSL topology with the Python functions writes what it writes with the Rust ones', async () => {
  const rust = await runTopology('plugins/dsl-functions-rust');
  const python = await runTopology('plugins/dsl-functions-python');
  assert.ok(rust.length > 20, `the topology writes output (${rust.length} records)`);
  assert.deepEqual(python, rust);
});

test('eddy_plugin.functions: None is null, b"" empty, str UTF-8; FunctionError verbatim, other exceptions with type and place; register sees the config', { timeout: 600_000 }, async () => {
  // Not under plugins/: `npm test` does not build it, so the test does (skipped when up to date).
  const probe = (await buildPlugin(fileURLToPath(new URL('../fixtures/python-functions-probe', import.meta.url)))).output;
  const open = async (config: Array<[string, string]> = []) => {
    const prepared = await new PluginFunctionSource(probe, config).prepare(defaultLimits);
    const context = { applicationId: 'probe', taskId: '0_0', nodeName: 'functions', log: () => undefined, wallClockTime: () => 0, metadata: () => ({}) } as unknown as ProcessorContext;
    return { kinds: prepared.functions, set: prepared.open(context) };
  };
  const { kinds, set } = await open([['greeting', 'hi']]);
  assert.equal(kinds.get('not-a-bool'), 'predicate');
  const call = <K extends FunctionKind>(name: string, kind: K, ...args: unknown[]): unknown => (set.get(name, kind) as (...inputs: unknown[]) => unknown)(...args);
  const failure = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      return (error as Error & { detail?: string }).detail ?? (error as Error).message;
    }
    return 'no error';
  };
  const text = (bytes: unknown) => new TextDecoder().decode(bytes as Uint8Array);
  const show = (bytes: unknown): string => (bytes === undefined ? 'null' : Buffer.from(bytes as Uint8Array).toString('hex'));
  const value: Bytes = new TextEncoder().encode('v');
  assert.equal(text(call('greeting', 'initializer')), 'hi');
  assert.equal(call('null', 'value-mapper', undefined, value), undefined);
  assert.equal(show(call('empty', 'value-mapper', undefined, value)), '');
  assert.equal(text(call('text', 'value-mapper', undefined, value)), 'straße');
  assert.deepEqual((call('generator', 'flat-value-mapper', undefined, value) as unknown[]).map(show), ['null', '01', '02']);
  assert.deepEqual((call('pairs', 'flat-mapper', undefined, value) as unknown[][]).map((pair) => pair.map(show)), [['76', 'null'], ['null', '78']]);
  assert.equal(call('source', 'topic-name-extractor', undefined, value, 'lines'), 'from-lines');
  assert.match(failure(() => call('verbatim', 'value-mapper', undefined, value)), /failed: the value is wrong$/);
  assert.match(failure(() => call('divide', 'value-mapper', undefined, undefined)), /failed: ZeroDivisionError: .*by zero \(at functions_probe\.py:\d+ in divide\)/);
  assert.match(failure(() => call('not-a-bool', 'predicate', undefined, value)), /failed: TypeError: predicate 'not-a-bool' returned int, not bool/);
  assert.match(failure(() => call('too-late', 'timestamp-extractor', undefined, value, 0, -1)), /failed: OverflowError: timestamp extractor 'too-late' returned 9223372036854775808/);
  assert.equal(text(call('text', 'value-mapper', undefined, value)), 'straße', 'the instance goes on after an error');
  await assert.rejects(open([['fail', 'bad setting']]), /init rejected the configuration: refused: bad setting/);
});
