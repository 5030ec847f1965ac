// The sandbox holds for a Python guest (a componentize-py component: CPython
// compiled to WebAssembly, importing WASI 0.2): plugins/misbehaving/python
// imports only its world and the WASI the host serves; an infinite loop is
// stopped at the CPU limit and a memory bomb at the memory cap, while other
// plugins — Rust and Python — keep working; files and sockets are refused
// inside the guest (an OSError it can catch, which it logs to the host log)
// and nothing reaches the host's file system; `os._exit` stops only its own
// instance; a raised exception is an `err` result.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PluginExitError, ProcessingError } from '../../runtime/errors.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { providedWasiInterface } from '../../runtime/plugin/wasi/interfaces.ts';
import { readComponentShape } from '../../runtime/plugin/world.ts';
import { guestSandbox } from '../support/guest-sandbox.ts';
import { plugins } from '../support/plugins.ts';

const { misbehaving, misbehavingDriver, ask, assertOtherPluginsStillWork, assertCpuLimitStops, assertMemoryCapStops } = guestSandbox('python');

test('a Python component imports only its world and WASI 0.2 interfaces the host serves', async () => {
  const shape = await readComponentShape(readFileSync(misbehaving()));
  const wasi = shape.imports.filter((name) => name.startsWith('wasi:'));
  assert.ok(wasi.length > 0, 'CPython imports WASI');
  for (const name of wasi) assert.ok(providedWasiInterface(name), `${name} is served`);
  for (const family of ['wasi:filesystem/preopens', 'wasi:sockets/tcp-create-socket', 'wasi:cli/stdout', 'wasi:random/random']) {
    assert.ok(wasi.some((name) => name.startsWith(`${family}@0.2.`)), `imports ${family}`);
  }
  const component = await PluginComponent.fromFile(misbehaving());
  assert.equal(component.world, 'processor');
});

test('a Python infinite loop is stopped at its CPU limit; other plugins keep working', async () => {
  // Above what creating a CPython instance takes on a loaded machine (the limit guards init too).
  await assertCpuLimitStops(1500);
});

test('a Python memory bomb is stopped at its memory cap; other plugins keep working', async () => {
  await assertMemoryCapStops(64);
});

test('files are refused inside a Python guest with a permission error it catches and logs; nothing reaches the host', async () => {
  const target = join(tmpdir(), `eddy-python-escape-${process.pid}.txt`);
  rmSync(target, { force: true });
  const driver = await misbehavingDriver();
  // The host's only preopen, `/`, refuses every operation: "not permitted", for absolute and relative paths.
  const refused = /^error: PermissionError: \[Errno 63\] Operation not permitted/;
  for (const command of ['open /etc/passwd', 'open relative.txt', `write ${target}`, 'listdir /', `listdir ${tmpdir()}`]) {
    const [answer] = ask(driver, command);
    assert.match(answer ?? '', refused, command);
  }
  assert.equal(existsSync(target), false, 'nothing was written');
  const warnings = driver.logs.filter((entry) => entry.level === 'warn' && entry.node === 'node').map((entry) => entry.message);
  assert.ok(warnings.some((message) => message.startsWith('open /etc/passwd refused: error: PermissionError')), warnings.join('\n'));
  assert.deepEqual(ask(driver, 'fine'), ['fine'], 'refusals are answers, not failures: the instance goes on');
  driver.close();
});

test('sockets are refused inside a Python guest with a permission error: create, connect, resolve', async () => {
  const driver = await misbehavingDriver();
  for (const command of ['socket', 'connect 127.0.0.1 9', 'resolve localhost']) {
    const [answer] = ask(driver, command);
    assert.match(answer ?? '', /^error: PermissionError: \[Errno \d+\] Permission denied/, command);
  }
  const warnings = driver.logs.filter((entry) => entry.level === 'warn').map((entry) => entry.message);
  assert.equal(warnings.filter((message) => / refused: error: PermissionError/.test(message)).length, 3, warnings.join('\n'));
  assert.deepEqual(ask(driver, 'fine'), ['fine']);
  driver.close();
});

test('print goes to the plugin log; os._exit stops only its own instance; an exception is an err result', async () => {
  const driver = await misbehavingDriver({ deadLetterQueueTopic: 'dlq' });
  assert.deepEqual(ask(driver, 'print hello from python'), []);
  assert.ok(driver.logs.some((entry) => entry.level === 'info' && entry.message === 'hello from python' && entry.node === 'node'));
  assert.deepEqual(ask(driver, 'raise not this one'), []);
  assert.deepEqual(ask(driver, 'fine'), ['fine'], 'after an err result the instance goes on');
  driver.close();
  const exiting = await misbehavingDriver();
  assert.throws(
    () => exiting.pipeInput('in', { value: 'exit 3', timestamp: 1 }),
    (error: unknown) => error instanceof PluginExitError && error.context.node === 'node',
  );
  assert.throws(() => exiting.pipeInput('in', { value: 'raise x', timestamp: 2 }), /task is failed/);
  const raising = await misbehavingDriver();
  assert.throws(
    () => raising.pipeInput('in', { value: 'raise bad value', timestamp: 1 }),
    (error: unknown) => error instanceof ProcessingError && /^ValueError: bad value \(at misbehaving\.py:\d+ in process\)/.test(error.detail),
  );
  await assertOtherPluginsStillWork();
});
