// The sandbox holds for a plain-JavaScript guest (a componentize-js
// component: StarlingMonkey compiled to WebAssembly): plugins/misbehaving/js
// imports only its world; an infinite loop is stopped at the CPU limit and a
// memory bomb at the memory cap, while other plugins — Rust and JavaScript —
// keep working; a thrown error is an `err` result; and a JS plugin that
// imports anything beyond its world is refused — by `eddy build`, and, if
// built by other means, by the host at load, naming the import.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { componentize } from '@bytecodealliance/componentize-js';
import { BuildError, buildPlugin } from '../../runtime/build/build-plugin.ts';
import { CpuLimitExceededError, ForbiddenImportError, MemoryLimitExceededError, ProcessingError } from '../../runtime/errors.ts';
import { GuardTimeout } from '../../runtime/cpu-guard.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { readComponentShape, witFile } from '../../runtime/plugin/world.ts';
import { TopologyTestDriver, type TestDriverOptions } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { pluginPath, plugins } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const misbehaving = () => pluginPath('misbehaving/js');

function single(plugin: string, stores: string[] = []) {
  return new TopologyBuilder().addSource('in', 'in').addProcessor('node', plugin, { stores }, 'in').addSink('out', 'out', 'node').build();
}

function misbehavingDriver(options: TestDriverOptions = {}): Promise<TopologyTestDriver> {
  return TopologyTestDriver.create(single(misbehaving()), { applicationId: 'javascript-sandbox', ...options });
}

/** Pipes one record and returns the values the plugin forwarded for it. */
function ask(driver: TopologyTestDriver, value: string): Array<string | null> {
  driver.pipeInput('in', { value, timestamp: 1 });
  return driver.readOutput('out').map((output) => output.value);
}

/** Plugins in the same process still work: the Rust and the JavaScript word count. */
async function assertOtherPluginsStillWork(): Promise<void> {
  for (const plugin of [plugins.wordcountRust(), plugins.wordcountJs()]) {
    const driver = await TopologyTestDriver.create(single(plugin, ['counts']));
    driver.pipeInput('in', [{ value: 'still working, still', timestamp: 1 }]);
    assert.deepEqual(driver.readOutput('out').map((output) => `${output.key}=${output.value}`), ['still=1', 'working=1', 'still=2'], plugin);
    driver.close();
  }
}

test('a JavaScript component imports only its world (every WASI feature of the engine is disabled)', async () => {
  const shape = await readComponentShape(readFileSync(misbehaving()));
  assert.deepEqual(shape.imports.filter((name) => !name.startsWith('eddy:plugin/')), []);
  assert.ok(shape.imports.includes('eddy:plugin/context@0.1.0'));
  const component = await PluginComponent.fromFile(misbehaving());
  assert.equal(component.world, 'processor');
});

test('a JavaScript infinite loop is stopped at its CPU limit; other plugins keep working', async () => {
  const cpuMs = 1000;
  const driver = await misbehavingDriver({ limits: { cpuMs } });
  assert.deepEqual(ask(driver, 'fine'), ['fine']);
  const started = performance.now();
  assert.throws(
    () => driver.pipeInput('in', { value: 'spin', timestamp: 2 }),
    (error: unknown) => {
      assert.ok(error instanceof CpuLimitExceededError, `expected CpuLimitExceededError, got ${error}`);
      assert.equal(error.context.node, 'node');
      assert.match(error.context.plugin ?? '', /misbehaving-js\.wasm$/);
      assert.equal(error.context.offset, 1, 'names the offending record');
      assert.ok(error.cause instanceof GuardTimeout);
      assert.equal(error.cause.limitMs, cpuMs, 'stopped by the configured limit');
      return true;
    },
  );
  assert.ok(performance.now() - started < cpuMs * 5, 'stopped near the limit, not after running on');
  assert.throws(() => driver.pipeInput('in', { value: 'after', timestamp: 3 }), /task is failed/);
  await assertOtherPluginsStillWork();
  const again = await misbehavingDriver({ limits: { cpuMs } });
  assert.deepEqual(ask(again, 'fresh'), ['fresh'], 'a fresh instance of the same component works');
  again.close();
});

test('a JavaScript memory bomb is stopped at its memory cap; other plugins keep working', async () => {
  const memoryBytes = 64 * 1024 * 1024;
  const driver = await misbehavingDriver({ limits: { memoryBytes } });
  assert.deepEqual(ask(driver, 'fine'), ['fine']);
  assert.throws(
    () => driver.pipeInput('in', { value: 'bomb', timestamp: 2 }),
    (error: unknown) => {
      assert.ok(error instanceof MemoryLimitExceededError, `expected MemoryLimitExceededError, got ${error}`);
      assert.equal(error.context.node, 'node');
      assert.equal(error.context.offset, 1);
      assert.match(error.message, /of the 64\.0 MiB memory cap/);
      return true;
    },
  );
  await assertOtherPluginsStillWork();
});

test('a thrown JavaScript error is an err result: a ProcessingError naming the record, and the instance goes on', async () => {
  const driver = await misbehavingDriver({ deadLetterQueueTopic: 'dlq' });
  assert.deepEqual(ask(driver, 'throw not this one'), []);
  assert.deepEqual(driver.readOutput('dlq').map((output) => output.value), ['throw not this one']);
  assert.deepEqual(ask(driver, 'fine'), ['fine']);
  driver.close();
  const failing = await misbehavingDriver();
  assert.throws(
    () => failing.pipeInput('in', { value: 'throw bad value', timestamp: 1 }),
    (error: unknown) => error instanceof ProcessingError && /bad value/.test(error.detail) && error.context.offset === 0,
  );
});

/** A JS plugin that reads secrets through `acme:vault/secrets`, an interface no world of eddy:plugin imports. */
const secretReadingSource = `
import { read } from 'acme:vault/secrets@0.1.0';
export function init(config) {}
export function process(input) { read('database-password'); }
export function punctuate(id, timestamp) {}
export function close() {}
`;

test('eddy build refuses a JavaScript plugin that imports beyond its world, naming the import', { timeout: 300_000 }, async () => {
  const directory = join(temporaryDirectory(), 'reads-secrets');
  mkdirSync(join(directory, 'src'), { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name: 'reads-secrets', type: 'module', eddy: { world: 'processor', entry: 'src/index.js' } }));
  writeFileSync(join(directory, 'src/index.js'), secretReadingSource);
  await assert.rejects(buildPlugin(directory), (error: unknown) => {
    assert.ok(error instanceof BuildError, `expected BuildError, got ${error}`);
    assert.match(error.message, /acme:vault\/secrets@0\.1\.0/);
    return true;
  });
});

test('a JavaScript component built beyond its world is refused at load, naming the import', { timeout: 300_000 }, async () => {
  // Built the way a user could outside \`eddy build\`: componentize-js with a
  // world that adds a secrets interface to the processor world.
  const witDirectory = temporaryDirectory();
  writeFileSync(join(witDirectory, 'eddy-plugin.wit'), readFileSync(witFile, 'utf8'));
  writeFileSync(join(witDirectory, 'reads-secrets.wit'), 'world reads-secrets {\n  include processor;\n  import acme:vault/secrets@0.1.0;\n}\n');
  mkdirSync(join(witDirectory, 'deps', 'vault'), { recursive: true });
  writeFileSync(join(witDirectory, 'deps', 'vault', 'vault.wit'), 'package acme:vault@0.1.0;\n\ninterface secrets {\n  read: func(name: string) -> option<string>;\n}\n');
  const { component } = await componentize(secretReadingSource, {
    witPath: witDirectory,
    worldName: 'reads-secrets',
    disableFeatures: ['random', 'stdio', 'clocks', 'http'],
  });
  await assert.rejects(PluginComponent.fromBytes(component, 'reads-secrets.wasm'), (error: unknown) => {
    assert.ok(error instanceof ForbiddenImportError, `expected ForbiddenImportError, got ${error}`);
    assert.deepEqual(error.imports, ['acme:vault/secrets@0.1.0']);
    assert.match(error.message, /'acme:vault\/secrets@0\.1\.0'.*plugin=reads-secrets\.wasm/);
    return true;
  });
  await assertOtherPluginsStillWork();
});
