// The sandbox holds for a Go guest (GOOS=wasip1 through jco's preview1
// reactor adapter, importing WASI 0.2): plugins/misbehaving/go imports only
// its world and the WASI the host serves; an infinite loop is stopped at the
// CPU limit and a memory bomb at the memory cap, while other plugins — Rust
// and Go — keep working; files are refused inside the guest ("not
// permitted", an error it can handle and log) and nothing reaches the host's
// file system; sockets never leave the guest (WASI preview 1 has no socket
// creation: Go's net package falls back to its in-process fake network, so a
// dial to a listening host port is refused and the port sees nothing);
// os.Exit stops only its own instance; an error or a panic is an `err` result.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PluginExitError, ProcessingError } from '../../runtime/errors.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { providedWasiInterface } from '../../runtime/plugin/wasi/interfaces.ts';
import { readComponentShape } from '../../runtime/plugin/world.ts';
import { guestSandbox } from '../support/guest-sandbox.ts';
import { plugins } from '../support/plugins.ts';

const { misbehaving, misbehavingDriver, ask, assertOtherPluginsStillWork, assertCpuLimitStops, assertMemoryCapStops } = guestSandbox('go');

test('a Go component imports only its world and WASI 0.2 interfaces the host serves', async () => {
  const shape = await readComponentShape(readFileSync(misbehaving()));
  const wasi = shape.imports.filter((name) => name.startsWith('wasi:'));
  assert.ok(wasi.length > 0, 'the Go runtime imports WASI');
  for (const name of wasi) assert.ok(providedWasiInterface(name), `${name} is served`);
  for (const name of shape.imports.filter((name) => !name.startsWith('wasi:'))) assert.match(name, /^eddy:plugin\/[a-z-]+@0\.1\.0$/);
  for (const family of ['wasi:filesystem/preopens', 'wasi:cli/stdout', 'wasi:random/random', 'wasi:clocks/monotonic-clock']) {
    assert.ok(wasi.some((name) => name.startsWith(`${family}@0.2.`)), `imports ${family}`);
  }
  const component = await PluginComponent.fromFile(misbehaving());
  assert.equal(component.world, 'processor');
});

test('a Go infinite loop is stopped at its CPU limit; other plugins keep working', async () => {
  await assertCpuLimitStops(500);
});

test('a Go memory bomb is stopped at its memory cap; other plugins keep working', async () => {
  await assertMemoryCapStops(64);
});

test('files are refused inside a Go guest ("not permitted"), which it handles and logs; nothing reaches the host', async () => {
  const target = join(tmpdir(), `eddy-go-escape-${process.pid}.txt`);
  rmSync(target, { force: true });
  const driver = await misbehavingDriver();
  for (const [command, path] of [['open', '/etc/passwd'], ['open', 'relative.txt'], ['write', target], ['listdir', '/'], ['listdir', tmpdir()]]) {
    const [answer] = ask(driver, `${command} ${path}`);
    assert.equal(answer, `error: open ${path}: Operation not permitted`, `${command} ${path}`);
  }
  assert.equal(existsSync(target), false, 'nothing was written');
  const warnings = driver.logs.filter((entry) => entry.level === 'warn' && entry.node === 'node').map((entry) => entry.message);
  assert.ok(warnings.includes('open /etc/passwd refused: error: open /etc/passwd: Operation not permitted'), warnings.join('\n'));
  assert.deepEqual(ask(driver, 'fine'), ['fine'], 'refusals are answers, not failures: the instance goes on');
  driver.close();
});

test('sockets never leave a Go guest: a dial to a listening host port is refused, the port sees nothing', async () => {
  const server = createServer();
  let connections = 0;
  server.on('connection', (socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const driver = await misbehavingDriver();
    const [dial] = ask(driver, `socket 127.0.0.1:${port}`);
    assert.match(dial ?? '', /^error: dial tcp 127\.0\.0\.1:\d+: .*connect: Connection refused$/);
    const [lookup] = ask(driver, 'resolve localhost');
    assert.match(lookup ?? '', /^error: lookup localhost/);
    assert.deepEqual(ask(driver, 'fine'), ['fine']);
    driver.close();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  assert.equal(connections, 0, 'no connection reached the host');
});

test('stdout goes to the plugin log; os.Exit stops only its own instance; an error or a panic is an err result', async () => {
  const driver = await misbehavingDriver({ deadLetterQueueTopic: 'dlq' });
  assert.deepEqual(ask(driver, 'print hello from go'), []);
  assert.ok(driver.logs.some((entry) => entry.level === 'info' && entry.message === 'hello from go' && entry.node === 'node'));
  assert.deepEqual(ask(driver, 'fail not this one'), []);
  assert.deepEqual(ask(driver, 'panic nor this one'), []);
  assert.deepEqual(ask(driver, 'fine'), ['fine'], 'after an err result the instance goes on');
  driver.close();
  const exiting = await misbehavingDriver();
  assert.throws(
    () => exiting.pipeInput('in', { value: 'exit 3', timestamp: 1 }),
    (error: unknown) => error instanceof PluginExitError && error.context.node === 'node',
  );
  assert.throws(() => exiting.pipeInput('in', { value: 'fine', timestamp: 2 }), /task is failed/);
  const failing = await misbehavingDriver();
  assert.throws(
    () => failing.pipeInput('in', { value: 'fail bad value', timestamp: 1 }),
    (error: unknown) => error instanceof ProcessingError && error.detail === 'bad value',
  );
  const panicking = await misbehavingDriver();
  assert.throws(
    () => panicking.pipeInput('in', { value: 'panic bad value', timestamp: 1 }),
    (error: unknown) => error instanceof ProcessingError && /^panic: bad value \(at main\.go:\d+ in main\.\(\*misbehaving\)\.Process\)$/.test(error.detail),
  );
  await assertOtherPluginsStillWork();
});
