// DSL functions written in Go (eddy/sdk/functions, plugins/dsl-functions-go)
// behave as the Rust ones of the same names: the plugin lists the same
// functions of the same kinds, every function gives the same bytes — or the
// same error — on a matrix of inputs (null, empty, ASCII, full-Unicode case
// mapping, Longs, timestamps in values, invalid UTF-8), and the same DSL
// topology run with either plugin writes the same records (the matrix and the
// topology: test/support/dsl-function-parity.ts, shared with the other languages).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { callEverything, runTopology } from '../support/dsl-function-parity.ts';
import { pluginPath } from '../support/plugins.ts';

test('dsl-functions-go provides the functions of dsl-functions-rust and each gives the same bytes or error on every input', async () => {
  assert.equal((await PluginComponent.fromFile(pluginPath('dsl-functions-go'))).world, 'functions');
  const rust = await callEverything(pluginPath('dsl-functions-rust'));
  const go = await callEverything(pluginPath('dsl-functions-go'));
  assert.ok(rust.length > 2000, `${rust.length} calls`);
  assert.ok(rust.some((line) => / → error .*not UTF-8: invalid utf-8/.test(line)), 'errors are compared too');
  for (let index = 0; index < Math.max(rust.length, go.length); index++) assert.equal(go[index], rust[index]);
});

test('a DSL topology with the Go functions writes what it writes with the Rust ones', async () => {
  const rust = await runTopology('plugins/dsl-functions-rust');
  const go = await runTopology('plugins/dsl-functions-go');
  assert.ok(rust.length > 20, `the topology writes output (${rust.length} records)`);
  assert.deepEqual(go, rust);
});
