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
import { componentize } from '../../runtime/build/componentize-js.ts';
import { BuildError, buildPlugin } from '../../runtime/build/build-plugin.ts';
import { ForbiddenImportError, ProcessingError } from '../../runtime/errors.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { readComponentShape, witFile } from '../../runtime/plugin/world.ts';
import { guestSandbox } from '../support/guest-sandbox.ts';
import { plugins } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const { misbehaving, misbehavingDriver, ask, assertOtherPluginsStillWork, assertCpuLimitStops, assertMemoryCapStops } = guestSandbox('js');

test('a JavaScript component imports only its world (every WASI feature of the engine is disabled)', async () => {
  const shape = await readComponentShape(readFileSync(misbehaving()));
  assert.deepEqual(shape.imports.filter((name) => !name.startsWith('eddy:plugin/')), []);
  assert.ok(shape.imports.includes('eddy:plugin/context@0.1.0'));
  const component = await PluginComponent.fromFile(misbehaving());
  assert.equal(component.world, 'processor');
});

test('a JavaScript infinite loop is stopped at its CPU limit; other plugins keep working', async () => {
  await assertCpuLimitStops(1000);
});

test('a JavaScript memory bomb is stopped at its memory cap; other plugins keep working', async () => {
  await assertMemoryCapStops(64);
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
