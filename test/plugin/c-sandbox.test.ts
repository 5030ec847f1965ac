// The sandbox holds for a C guest (clang + wasi-libc for WASI preview 1, made
// a component with jco's preview1 reactor adapter): plugins/misbehaving/c
// imports only its world and the WASI 0.2 the host serves; an infinite loop
// is stopped at the CPU limit and a memory bomb at the memory cap, while
// other plugins — Rust and C — keep working; files are refused inside the
// guest with EPERM ("Operation not permitted", an errno it can handle) and
// nothing reaches the host's file system; the environment is empty; WASI preview 1 has no way to create
// a socket, the component imports no wasi:sockets, and the one socket call
// there is (sock_accept) traps only its own instance; abort() and exit()
// stop only their own instance; an eddy_fail is an `err` result.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PluginExitError, PluginTrapError, ProcessingError } from '../../runtime/errors.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { providedWasiInterface } from '../../runtime/plugin/wasi/interfaces.ts';
import { readComponentShape } from '../../runtime/plugin/world.ts';
import { guestSandbox } from '../support/guest-sandbox.ts';
import { pluginPath, plugins } from '../support/plugins.ts';

const { misbehaving, misbehavingDriver, ask, assertOtherPluginsStillWork, assertCpuLimitStops, assertMemoryCapStops } = guestSandbox('c');

test('a C component imports only its world and WASI 0.2 interfaces the host serves, and no sockets', async () => {
  for (const plugin of [misbehaving(), pluginPath('wordcount-c'), pluginPath('uppercase-c')]) {
    const shape = await readComponentShape(readFileSync(plugin));
    const wasi = shape.imports.filter((name) => name.startsWith('wasi:'));
    assert.ok(wasi.length > 0, 'wasi-libc imports WASI through the adapter');
    for (const name of wasi) assert.ok(providedWasiInterface(name), `${name} is served`);
    for (const name of shape.imports.filter((name) => !name.startsWith('wasi:'))) assert.match(name, /^eddy:plugin\/[a-z-]+@0\.1\.0$/);
    assert.ok(!wasi.some((name) => name.startsWith('wasi:sockets/')), 'WASI preview 1 cannot create sockets: nothing to import');
    assert.ok(wasi.some((name) => name.startsWith('wasi:filesystem/preopens@0.2.')), 'files go through the (refusing) preopen');
    const component = await PluginComponent.fromFile(plugin);
    assert.equal(component.world, 'processor');
  }
});

test('a C infinite loop is stopped at its CPU limit; other plugins keep working', async () => {
  await assertCpuLimitStops(300);
});

test('a C memory bomb is stopped at its memory cap; other plugins keep working', async () => {
  await assertMemoryCapStops(32);
});

test('files are refused inside a C guest with EPERM it handles and logs; nothing reaches the host; no environment', async () => {
  const target = join(tmpdir(), `eddy-c-escape-${process.pid}.txt`);
  rmSync(target, { force: true });
  const driver = await misbehavingDriver();
  // The host's only preopen, `/`, refuses every operation: absolute and relative paths, reads, writes, listings.
  for (const command of ['open /etc/passwd', 'open relative.txt', `write ${target}`, 'listdir /', `listdir ${tmpdir()}`]) {
    assert.deepEqual(ask(driver, command), ['error: Operation not permitted'], command);
  }
  assert.equal(existsSync(target), false, 'nothing was written');
  const warnings = driver.logs.filter((entry) => entry.level === 'warn' && entry.node === 'node').map((entry) => entry.message);
  assert.ok(warnings.includes('open /etc/passwd refused: error: Operation not permitted'), warnings.join('\n'));
  assert.equal(warnings.length, 5);
  assert.deepEqual(ask(driver, 'fine'), ['fine'], 'refusals are answers, not failures: the instance goes on');
  assert.deepEqual(ask(driver, 'env'), ['ok: 0 variables, HOME unset, PATH unset'], 'the environment is empty');
  driver.close();
});

test('the one socket call of WASI preview 1 traps only its own instance', async () => {
  const driver = await misbehavingDriver();
  assert.throws(
    () => driver.pipeInput('in', { value: 'accept', timestamp: 1 }),
    (error: unknown) => error instanceof PluginTrapError && !(error instanceof PluginExitError) && error.context.node === 'node',
  );
  await assertOtherPluginsStillWork();
});

test('stdout and stderr go to the plugin log; abort() and exit() stop only their own instance; eddy_fail is an err result', async () => {
  const driver = await misbehavingDriver({ deadLetterQueueTopic: 'dlq' });
  assert.deepEqual(ask(driver, 'print hello from c'), []);
  assert.deepEqual(ask(driver, 'eprint to stderr'), []);
  assert.ok(driver.logs.some((entry) => entry.level === 'info' && entry.message === 'hello from c' && entry.node === 'node'));
  assert.ok(driver.logs.some((entry) => entry.level === 'error' && entry.message === 'to stderr' && entry.node === 'node'));
  assert.deepEqual(ask(driver, 'fail not this one'), [], 'an err result goes to the dead-letter queue');
  assert.equal(driver.readOutput('dlq').length, 1);
  assert.deepEqual(ask(driver, 'fine'), ['fine'], 'after an err result the instance goes on');
  driver.close();

  const failing = await misbehavingDriver();
  assert.throws(
    () => failing.pipeInput('in', { value: 'fail bad value', timestamp: 1 }),
    (error: unknown) => error instanceof ProcessingError && error.detail === 'bad value' && error.context.offset === 0,
  );

  const aborting = await misbehavingDriver();
  assert.throws(
    () => aborting.pipeInput('in', { value: 'abort', timestamp: 1 }),
    (error: unknown) => error instanceof PluginTrapError && !(error instanceof PluginExitError) && /unreachable/.test(error.message),
  );
  assert.throws(() => aborting.pipeInput('in', { value: 'fine', timestamp: 2 }), /task is failed/);

  const exiting = await misbehavingDriver();
  assert.throws(
    () => exiting.pipeInput('in', { value: 'exit 3', timestamp: 1 }),
    (error: unknown) => error instanceof PluginExitError && error.context.node === 'node',
  );
  assert.throws(() => exiting.pipeInput('in', { value: 'fine', timestamp: 2 }), /task is failed/);
  await assertOtherPluginsStillWork();
});
