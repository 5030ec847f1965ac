// A connector's configuration definition (`config-def`, contract 0.2.0):
// the shipped file connectors declare Kafka's keys of FileStreamSource and
// FileStreamSink, a connector of contract 0.1.0 still loads (its own
// definition is then empty), and values are checked against definitions
// with Kafka's messages (config-infos.ts).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { declaredKey, pluginKey, validateKey } from '../../runtime/connect/config-infos.ts';
import { commonConnectorKeys } from '../../runtime/connect/connector-config.ts';
import { contractVersion } from '../../runtime/plugin/contract/versions.ts';
import { ConnectorPlugin } from '../../runtime/plugin/plugin-connector.ts';
import { pluginPath } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test("the file connectors (contract 0.2.0) declare Kafka's keys of FileStreamSource and FileStreamSink", async () => {
  const source = await ConnectorPlugin.load(pluginPath('connect-file-source-rust'));
  assert.deepEqual(source.configDef.map((key) => pluginKey(key).info).map(({ name, type, required, default_value, importance }) => [name, type, required, default_value, importance]), [
    ['file', 'STRING', false, null, 'HIGH'],
    ['topic', 'STRING', true, null, 'HIGH'],
    ['batch.size', 'INT', false, '2000', 'LOW'],
  ]);
  const sink = await ConnectorPlugin.load(pluginPath('connect-file-sink-rust'));
  assert.deepEqual(sink.configDef.map((key) => pluginKey(key).info), [{
    name: 'file', type: 'STRING', required: false, default_value: null, importance: 'HIGH',
    documentation: 'Destination filename. If not specified, the standard output will be used',
    group: null, order_in_group: -1, width: 'NONE', display_name: 'file', dependents: [],
  }]);
});

test('a connector of contract 0.1.0 loads, with an empty definition of its own', async () => {
  const witSource = readFileSync(contractVersion('0.1.0').witFile, 'utf8');
  const file = join(temporaryDirectory('connector-0.1.0'), 'dummy-source-0.1.0.wasm');
  writeFileSync(file, await componentNew(await componentEmbed({ witSource, world: 'source-connector', dummy: true }), undefined));
  const plugin = await ConnectorPlugin.load(file);
  assert.equal(plugin.kind, 'source');
  assert.deepEqual(plugin.configDef, []);
});

test("values are checked against definitions with Kafka's messages", async () => {
  const tasksMax = declaredKey(commonConnectorKeys.find((key) => key.name === 'tasks.max')!);
  assert.deepEqual(validateKey(tasksMax, {}), { name: 'tasks.max', value: '1', recommended_values: [], errors: [], visible: true });
  assert.deepEqual(validateKey(tasksMax, { 'tasks.max': '0' }).errors, ['Invalid value 0 for configuration tasks.max: Value must be at least 1']);
  // As Kafka's: a value that does not parse is null, and the range check then refuses the null.
  assert.deepEqual(validateKey(tasksMax, { 'tasks.max': 'many' }), {
    name: 'tasks.max', value: null, recommended_values: [], visible: true,
    errors: ['Invalid value many for configuration tasks.max: Not a number of type INT', 'Invalid value null for configuration tasks.max: Value must be non-null'],
  });
  const name = declaredKey(commonConnectorKeys.find((key) => key.name === 'name')!);
  assert.deepEqual(validateKey(name, {}).errors, ['Missing required configuration "name" which has no default value.']);
  const transforms = declaredKey(commonConnectorKeys.find((key) => key.name === 'transforms')!);
  assert.equal(validateKey(transforms, { transforms: ' a , b ' }).value, 'a,b');
  // A plugin's SHORT key (a type Eddy's own keys do not use), and a password, hidden.
  const short = pluginKey({ name: 'n', type: 'short', default: { tag: 'value', val: '7' }, importance: 'low', documentation: '', group: undefined, orderInGroup: -1, width: 'none', displayName: 'n', dependents: [] });
  assert.equal(short.info.default_value, '7');
  assert.deepEqual(validateKey(short, { n: '40000' }).errors, ['Invalid value 40000 for configuration n: Not a number of type SHORT']);
  const password = pluginKey({ name: 'p', type: 'password', default: { tag: 'required' }, importance: 'high', documentation: '', group: 'Secrets', orderInGroup: 1, width: 'short', displayName: 'Password', dependents: [] });
  assert.deepEqual([password.info.required, password.info.group, password.info.width], [true, 'Secrets', 'SHORT']);
  assert.equal(validateKey(password, { p: 'secret' }).value, '[hidden]');
});
