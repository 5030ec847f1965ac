// Contract versions side by side: the host serves eddy:plugin@0.1.0,
// @0.2.0 and @0.3.0 at once (0.3.0: connector records in Connect's data
// model). A component is routed to the version whose world it fits
// (every eddy:plugin name it uses carries that version) and gets that
// version's imports — 0.2.0's kv-store with put-if-absent, 0.1.0's without.
// The plugins here are real builds from plugins/: deduplicate-ts (0.2.0) and
// wordcount-js (0.1.0), in one topology, both with stores. The connector
// worlds of 0.2.0 import more capabilities (sqlite-access, http-client,
// errant-record-reporter) than 0.1.0's.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { ForbiddenImportError } from '../../runtime/errors.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { contractVersion, contractVersions } from '../../runtime/plugin/contract/versions.ts';
import { knownWorlds, referenceShape } from '../../runtime/plugin/world.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { pluginPath, plugins } from '../support/plugins.ts';

const deduplicate = () => pluginPath('deduplicate-ts');

test('0.3.0 is 0.2.0 with the connector records in Connect\'s data model and transforms that declare their keys: the same worlds, imports (and the connect-data types) and exports; only source-record and sink-record differ; a 0.3.0 and a 0.2.0 connector load side by side', async () => {
  for (const world of knownWorlds) {
    const previous = await referenceShape(world, '0.2.0');
    const next = await referenceShape(world, '0.3.0');
    // The connector worlds' records now use connect-data's types (an interface of types only, as connect-types).
    const added = world === 'source-connector' || world === 'sink-connector' ? ['eddy:plugin/connect-data@0.3.0'] : [];
    assert.deepEqual([...next.imports].sort(), [...previous.imports.map((name) => name.replace('@0.2.0', '@0.3.0')), ...added].sort(), world);
    assert.deepEqual(next.exports, previous.exports.map((declaration) => declaration.replaceAll('@0.2.0', '@0.3.0')), world);
  }
  const previous = readFileSync(contractVersion('0.2.0').witFile, 'utf8');
  const next = readFileSync(contractVersion('0.3.0').witFile, 'utf8');
  assert.match(next, /^package eddy:plugin@0\.3\.0;$/m);
  assert.match(next, /record source-record \{[^}]*data: connect-record,[^}]*source-partition: string-map,[^}]*source-offset: string-map,\s*\}/);
  assert.match(next, /type sink-record = connect-record;/);
  assert.doesNotMatch(next, /variant connect-value/);
  // Everything after connect-types is the same text, but for transformation's config-def (and the config-key it uses).
  const tail = (text: string) => text.slice(text.indexOf('interface connector {'));
  const configDef = /\n    \/\/\/ The keys class `class-name` reads[^]*?config-def: func\(class-name: string\) -> list<config-key>;\n/;
  assert.match(tail(next), configDef);
  assert.equal(tail(next).replace(configDef, '').replace('interface transformation {\n    use types.{config};\n    use connect-types.{config-issue, config-key};', 'interface transformation {\n    use types.{config};\n    use connect-types.{config-issue};'), tail(previous));
  assert.equal(contractVersion('0.2.0').connectorRecords, 'connect-value');
  assert.equal(contractVersion('0.3.0').connectorRecords, 'connect-record');
  const datagen = await PluginComponent.fromFile(pluginPath('connect-datagen-rust'));
  const fileSource = await PluginComponent.fromFile(pluginPath('connect-file-source-rust'));
  const fileSink = await PluginComponent.fromFile(pluginPath('connect-file-sink-rust'));
  assert.deepEqual([datagen.world, datagen.contractVersion], ['source-connector', '0.3.0']);
  assert.deepEqual([fileSink.world, fileSink.contractVersion], ['sink-connector', '0.3.0']);
  assert.deepEqual([fileSource.world, fileSource.contractVersion], ['source-connector', '0.2.0']);
});

test('the host serves 0.1.0, 0.2.0 and 0.3.0; 0.2.0 adds kv-store put-if-absent, connector config-def and the connector capabilities sqlite-access, http-client, errant-record-reporter, source-commits and retriable-errors', async () => {
  assert.deepEqual(contractVersions.map((version) => version.version), ['0.1.0', '0.2.0', '0.3.0']);
  for (const world of knownWorlds) {
    const old = await referenceShape(world, '0.1.0');
    const next = await referenceShape(world, '0.2.0');
    const added = {
      'sink-connector': ['eddy:plugin/sqlite-access@0.2.0', 'eddy:plugin/http-client@0.2.0', 'eddy:plugin/errant-record-reporter@0.2.0', 'eddy:plugin/retriable-errors@0.2.0'],
      'source-connector': ['eddy:plugin/http-client@0.2.0', 'eddy:plugin/source-commits@0.2.0', 'eddy:plugin/retriable-errors@0.2.0'],
      transform: ['eddy:plugin/retriable-errors@0.2.0'],
    }[world as string] ?? [];
    assert.deepEqual([...next.imports].sort(), [...old.imports.map((name) => name.replace('@0.1.0', '@0.2.0')), ...added].sort(), world);
    assert.deepEqual(next.exports, old.exports.map((declaration) => declaration.replaceAll('@0.1.0', '@0.2.0')), world);
  }
  const old = readFileSync(contractVersion('0.1.0').witFile, 'utf8');
  const next = readFileSync(contractVersion('0.2.0').witFile, 'utf8');
  assert.match(next, /^package eddy:plugin@0\.2\.0;$/m);
  assert.match(next, /put-if-absent: func\(key: list<u8>, value: list<u8>\) -> option<list<u8>>;/);
  assert.doesNotMatch(old, /put-if-absent/);
  assert.match(next, /config-def: func\(\) -> list<config-key>;/);
  assert.doesNotMatch(old, /config-def/);
});

test('components are routed to the version they were built against', async () => {
  const next = await PluginComponent.fromFile(deduplicate());
  assert.equal(next.world, 'processor');
  assert.equal(next.contractVersion, '0.2.0');
  assert.ok(next.shape.imports.includes('eddy:plugin/kv-store@0.2.0'));
  for (const path of [plugins.wordcountJs(), plugins.wordcountRust(), pluginPath('dsl-functions-rust')]) {
    assert.equal((await PluginComponent.fromFile(path)).contractVersion, '0.1.0', path);
  }
  // Every world of 0.2.0 is recognised as itself (components made from the WIT alone).
  const witSource = readFileSync(contractVersion('0.2.0').witFile, 'utf8');
  for (const world of knownWorlds) {
    const component = await componentNew(await componentEmbed({ witSource, world, dummy: true }), undefined);
    const loaded = await PluginComponent.fromBytes(component, `dummy-${world}-0.2.0.wasm`);
    assert.deepEqual([loaded.world, loaded.contractVersion], [world, '0.2.0']);
  }
});

test('a 0.1.0 plugin and a 0.2.0 plugin process records in one topology, each with its own version of kv-store', async () => {
  const topology = new TopologyBuilder()
    .addSource('lines', 'lines')
    .addProcessor('deduplicate', deduplicate(), { stores: ['seen'] }, 'lines')
    .addProcessor('count', plugins.wordcountJs(), { stores: ['counts'] }, 'deduplicate')
    .addSink('out', 'word-counts', 'count')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('lines', [
    { key: 'm1', value: 'to be or', timestamp: 10 },
    { key: 'm2', value: 'not to be', timestamp: 11 },
    { key: 'm1', value: 'to be or', timestamp: 12 }, // a redelivery of m1: dropped by the 0.2.0 plugin
    { key: null, value: 'be', timestamp: 13 }, // no key: passes
    { key: 'm2', value: 'not to be', timestamp: 14 },
  ]);
  assert.deepEqual(
    driver.readOutput('word-counts').map((output) => [output.key, output.value, output.timestamp]),
    [['to', '1', 10], ['be', '1', 10], ['or', '1', 10], ['not', '1', 11], ['to', '2', 11], ['be', '2', 11], ['be', '3', 13]],
  );
  // put-if-absent kept the first timestamp of each key.
  const seen = driver.storeEntries('seen').map((entry) => [Buffer.from(entry.key).toString(), Buffer.from(entry.value).readBigInt64BE()]);
  assert.deepEqual(seen, [['m1', 10n], ['m2', 11n]]);
  assert.deepEqual([...driver.storeAsText('counts')].sort(), [['be', '3'], ['not', '1'], ['or', '1'], ['to', '2']]);
  driver.close();
});

test('a component mixing versions fits neither and is refused, naming the import of the other version', async () => {
  // 0.2.0's processor world that also imports 0.1.0's log: what linking two SDK versions into one plugin would make.
  const witSource =
    readFileSync(contractVersion('0.2.0').witFile, 'utf8').replace(/world processor \{/, 'world processor {\n    import eddy:plugin/log@0.1.0;') +
    '\npackage eddy:plugin@0.1.0 {\n  interface log {\n    log: func(message: string);\n  }\n}\n';
  const component = await componentNew(await componentEmbed({ witSource, world: 'processor', dummy: true }), undefined);
  await assert.rejects(PluginComponent.fromBytes(component, 'mixed.wasm'), (error: unknown) => {
    assert.ok(error instanceof ForbiddenImportError, `expected ForbiddenImportError, got ${error}`);
    assert.deepEqual(error.imports, ['eddy:plugin/log@0.1.0']);
    assert.match(error.message, /plugin=mixed\.wasm/);
    return true;
  });
});
