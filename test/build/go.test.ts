// Go plugins and `eddy`: `eddy init --lang go` makes a project (a processor,
// or DSL functions) that builds with the machine's Go and passes its own
// tests, and runs with `eddy dry-run`; `eddy build` detects Go, skips an unchanged project, names what
// is wrong (no Go, a compile error, no exported processor); the committed
// bindings were generated from today's wit/ (a hash, no tool needed;
// `npx tsx sdk/go/generate-bindings.ts --check` regenerates them with the
// pinned wit-bindgen and compares file by file).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPlugin } from '../../runtime/build/build-plugin.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { generatedMarker, goSdkDirectory } from '../../sdk/go/generate-bindings.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

function eddy(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), ...args], { encoding: 'utf8', input });
  return { code: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
}

test('eddy init --lang go makes a project that builds, passes its own tests and dry-runs', { timeout: 300_000 }, () => {
  const directory = join(temporaryDirectory(), 'my-go-plugin');
  const created = eddy(['init', '--lang', 'go', directory]);
  assert.equal(created.code, 0, created.output);
  assert.ok(existsSync(join(directory, 'go.mod')));
  assert.ok(existsSync(join(directory, 'main.go')));
  const tested = eddy(['test', directory]);
  assert.equal(tested.code, 0, tested.output);
  assert.match(tested.output, /ok - golden count-per-key/);
  assert.match(tested.output, /1 passed, 0 failed/);
  assert.ok(existsSync(join(directory, 'dist', 'my-go-plugin.wasm')));
  const dryRun = eddy(['dry-run', directory], '{"key": "k", "value": "a", "timestamp": 5}\n{"key": "k", "value": "b", "timestamp": 6}\n');
  assert.equal(dryRun.code, 0, dryRun.output);
  assert.deepEqual(dryRun.stdout.trim().split('\n'), [
    '{"topic":"output","key":"k","value":"1","timestamp":5}',
    '{"topic":"output","key":"k","value":"2","timestamp":6}',
  ]);
  const again = eddy(['init', '--lang', 'go', directory]);
  assert.equal(again.code, 1);
  assert.match(again.output, /exists and is not empty/);
});

test('eddy init --lang go --world functions makes a DSL functions plugin whose DSL word count passes its golden test', { timeout: 300_000 }, async () => {
  const directory = join(temporaryDirectory(), 'my-go-functions');
  const created = eddy(['init', '--lang', 'go', '--world', 'functions', directory]);
  assert.equal(created.code, 0, created.output);
  const tested = eddy(['test', directory]);
  assert.equal(tested.code, 0, tested.output);
  assert.match(tested.output, /ok - golden word-count/);
  assert.equal((await PluginComponent.fromFile(join(directory, 'dist', 'my-go-functions.wasm'))).world, 'functions');
  writeFileSync(join(directory, 'go.mod'), readFileSync(join(directory, 'go.mod'), 'utf8').replace('// eddy:world functions', '// eddy:world transform'));
  await assert.rejects(buildPlugin(directory, { force: true }), /eddy:world transform in go\.mod: Go plugins can be built for processor, functions/);
});

test('eddy build detects Go and skips an unchanged project; the SDK keeps null and empty apart', { timeout: 300_000 }, async () => {
  const directory = join(repositoryRoot, 'plugins', 'uppercase-go');
  const built = await buildPlugin(directory);
  assert.equal(built.language, 'go');
  assert.equal(built.name, 'uppercase-go');
  const again = await buildPlugin(directory);
  assert.equal(again.built, false, 'up to date');
  const topology = new TopologyBuilder().addSource('in', 'in').addProcessor('upper', built.output, { config: { 'drop-prefix': 'skip' } }, 'in').addSink('out', 'out', 'upper').build();
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('in', [
    { key: null, value: 'a null key', timestamp: 1, headers: [{ key: 'h', value: 'v' }] },
    { key: '', value: '', timestamp: 2 },
    { key: 'k', value: null, timestamp: 3 },
    { key: 'k', value: 'skip me', timestamp: 4 },
    { key: 'k', value: 'straße', timestamp: 5 },
  ]);
  const outputs = driver.readOutput('out');
  assert.deepEqual(outputs.map((output) => [output.key, output.value, output.timestamp]), [[null, 'A NULL KEY', 1], ['', '', 2], ['k', 'STRAßE', 5]]);
  assert.deepEqual(outputs[0]!.headers?.map((header) => [header.key, Buffer.from(header.value).toString()]), [['h', 'v']]);
  driver.close();
  await assert.rejects(
    TopologyTestDriver.create(new TopologyBuilder().addSource('in', 'in').addProcessor('upper', built.output, { config: { 'drop-prefix': '' } }, 'in').build()),
    /config 'drop-prefix' must not be empty when set/,
  );
});

test('eddy build names what is wrong: no Go, a compile error, no exported processor', { timeout: 300_000 }, async () => {
  const directory = join(temporaryDirectory(), 'broken-go');
  assert.equal(eddy(['init', '--lang', 'go', directory]).code, 0);
  const saved = process.env.EDDY_GO;
  process.env.EDDY_GO = join(directory, 'no-such-go');
  try {
    await assert.rejects(buildPlugin(directory, { force: true }), /no-such-go is missing .*install Go 1\.24 or later/);
  } finally {
    if (saved === undefined) delete process.env.EDDY_GO;
    else process.env.EDDY_GO = saved;
  }
  writeFileSync(join(directory, 'main.go'), 'package main\n\nfunc main() { undefinedThing() }\n');
  await assert.rejects(buildPlugin(directory, { force: true }), /go build failed \(exit 1\):[\s\S]*undefined: undefinedThing/);
  writeFileSync(join(directory, 'main.go'), 'package main\n\nimport _ "eddy/sdk"\n\nfunc main() {}\n');
  const built = await buildPlugin(directory, { force: true });
  await assert.rejects(
    TopologyTestDriver.create(new TopologyBuilder().addSource('in', 'in').addProcessor('p', built.output, {}, 'in').build()),
    /the plugin exports no processor: call eddy\.Export\(newProcessor\) from an init function/,
  );
});

test('the committed Go bindings were generated from today\'s wit/ (no tool needed to notice)', () => {
  assert.equal(readFileSync(join(goSdkDirectory, 'internal', 'GENERATED'), 'utf8'), generatedMarker(), 'wit/ changed: run npx tsx sdk/go/generate-bindings.ts');
});
