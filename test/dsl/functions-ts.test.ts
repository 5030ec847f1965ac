// DSL functions written in TypeScript (@eddy/sdk/functions, plugins/dsl-functions-ts)
// behave as the Rust ones of the same names: the same DSL topology run with
// either plugin writes the same bytes (the topology:
// test/support/dsl-function-parity.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { runTopology as run } from '../support/dsl-function-parity.ts';
import { pluginPath } from '../support/plugins.ts';

test('a TypeScript functions plugin loads as the functions world and gives the same output as the Rust one', async () => {
  assert.equal((await PluginComponent.fromFile(pluginPath('dsl-functions-ts'))).world, 'functions');
  const rust = await run('plugins/dsl-functions-rust');
  const typescript = await run('plugins/dsl-functions-ts');
  assert.ok(rust.length > 20, `the topology writes output (${rust.length} records)`);
  assert.deepEqual(typescript, rust);
});
