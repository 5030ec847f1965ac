// WASI without ambient authority: a Rust std plugin built for wasm32-wasip1
// (plugins/misbehaving/wasi-std, a component through jco's preview1 adapter)
// loads and runs in the host's deny-by-default WASI — stdout/stderr become
// plugin log lines, the environment is empty, stdin is closed, files are
// refused, `exit` stops only its own instance — and the import check still
// refuses anything outside its world and the served WASI set, by name.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { ComponentLoadError, ForbiddenImportError, PluginExitError, PluginTrapError } from '../../runtime/errors.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { providedWasiInterface, wasiInterfaces } from '../../runtime/plugin/wasi/interfaces.ts';
import { OutputLog } from '../../runtime/plugin/wasi/output-log.ts';
import { wasiImports } from '../../runtime/plugin/wasi/wasi-imports.ts';
import { readComponentShape, witFile } from '../../runtime/plugin/world.ts';
import type { PluginSource } from '../../runtime/plugin/plugin-processor.ts';
import type { LogEntry } from '../../runtime/task/stream-task.ts';
import { TopologyTestDriver, type TestDriverOptions } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { plugins } from '../support/plugins.ts';

function single(plugin: PluginSource, options: { stores?: string[]; config?: Record<string, string> } = {}) {
  return new TopologyBuilder().addSource('in', 'in').addProcessor('node', plugin, { stores: options.stores ?? [], config: options.config ?? {} }, 'in').addSink('out', 'out', 'node').build();
}

async function wasiDriver(options: TestDriverOptions = {}, config: Record<string, string> = {}): Promise<TopologyTestDriver> {
  return TopologyTestDriver.create(single(plugins.wasiStd(), { config }), { applicationId: 'wasi-app', ...options });
}

/** Pipes one record and returns the values the plugin forwarded for it. */
function ask(driver: TopologyTestDriver, value: string): Array<string | null> {
  driver.pipeInput('in', { value, timestamp: 1 });
  return driver.readOutput('out').map((output) => output.value);
}

test('a Rust std plugin for wasm32-wasip1 imports only its world and the WASI the host serves', async () => {
  const shape = await readComponentShape(readFileSync(plugins.wasiStd()));
  const wasi = shape.imports.filter((name) => name.startsWith('wasi:'));
  // What Rust std (1.96) imports through jco 1.10.2's preview1 reactor adapter.
  assert.deepEqual([...wasi].sort(), [
    'wasi:cli/environment@0.2.3', 'wasi:cli/exit@0.2.3', 'wasi:cli/stderr@0.2.3', 'wasi:cli/stdin@0.2.3', 'wasi:cli/stdout@0.2.3',
    'wasi:cli/terminal-input@0.2.3', 'wasi:cli/terminal-output@0.2.3', 'wasi:cli/terminal-stderr@0.2.3', 'wasi:cli/terminal-stdin@0.2.3', 'wasi:cli/terminal-stdout@0.2.3',
    'wasi:clocks/monotonic-clock@0.2.3', 'wasi:clocks/wall-clock@0.2.3',
    'wasi:filesystem/preopens@0.2.3', 'wasi:filesystem/types@0.2.3',
    'wasi:io/error@0.2.3', 'wasi:io/streams@0.2.3',
    'wasi:random/random@0.2.3',
  ]);
  for (const name of wasi) assert.ok(providedWasiInterface(name), `${name} is served`);
  const component = await PluginComponent.fromFile(plugins.wasiStd());
  assert.equal(component.world, 'processor');
});

test('a normal std plugin (HashMap, format!) processes records correctly', async () => {
  const driver = await wasiDriver();
  assert.deepEqual(ask(driver, 'the cat and the hat'), ['the=1', 'cat=1', 'and=1', 'the=2', 'hat=1']);
  assert.deepEqual(ask(driver, 'The end'), ['the=3', 'end=1']);
  assert.deepEqual(driver.logs, []);
  driver.close();
  const passthrough = await wasiDriver({}, { mode: 'passthrough' });
  assert.deepEqual(ask(passthrough, 'stdout not a command in this mode'), ['stdout not a command in this mode']);
  passthrough.close();
});

test('stdout and stderr lines reach the plugin log with application, task and node', async () => {
  const driver = await wasiDriver();
  assert.deepEqual(ask(driver, 'stdout hello from stdout, ünïcödé ✓'), []);
  assert.deepEqual(ask(driver, 'stderr something went wrong'), []);
  const expected: LogEntry[] = [
    { level: 'info', message: 'hello from stdout, ünïcödé ✓', applicationId: 'wasi-app', taskId: '0_0', node: 'node' },
    { level: 'error', message: 'something went wrong', applicationId: 'wasi-app', taskId: '0_0', node: 'node' },
  ];
  assert.deepEqual(driver.logs, expected);
  driver.close();
});

test('a chatty guest is rate-limited: the log gets its burst and one warning, the rest is dropped', async () => {
  const driver = await wasiDriver();
  assert.deepEqual(ask(driver, 'chatty 5000'), []);
  const lines = driver.logs.filter((entry) => entry.level === 'info');
  const warnings = driver.logs.filter((entry) => entry.level === 'warn');
  // 200 at once, plus what 100 lines/s refills while the loop runs.
  assert.ok(lines.length >= 200 && lines.length < 260, `${lines.length} lines logged`);
  assert.equal(lines[0]!.message, 'chatty line 0');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /more than 100 lines\/s \(burst 200\) to stdout\/stderr: lines are dropped/);
  assert.equal(warnings[0]!.node, 'node');
  // The instance still works.
  assert.deepEqual(ask(driver, 'still here'), ['still=1', 'here=1']);
  driver.close();
});

test('lines are cut at newlines and at the maximum length; invalid UTF-8 and floods do not break the log', () => {
  const logged: string[] = [];
  let now = 0;
  const output = new OutputLog((level, message) => logged.push(`${level}:${message}`), { linesPerSecond: 1, burstLines: 4, maxLineBytes: 8 }, () => now);
  const encode = (text: string) => new TextEncoder().encode(text);
  output.stdout.write(encode('one\r\ntw'));
  output.stdout.write(encode('o\n0123456789'));
  output.stderr.write(Uint8Array.from([0x66, 0xff, 0x0a]));
  assert.deepEqual(logged, ['info:one', 'info:two', 'info:01234567', 'error:f\ufffd']);
  output.flush(); // "89": over the limit, dropped with a notice
  now += 1000;
  output.stdout.write(encode('later\n')); // one line back: still dropping until half the burst is
  now += 1000;
  output.stdout.write(encode('again\n'));
  assert.deepEqual(logged.slice(4), [
    'warn:the plugin writes more than 1 lines/s (burst 4) to stdout/stderr: lines are dropped until it writes less',
    'warn:2 stdout/stderr line(s) of the plugin were dropped by the rate limit',
    'info:again',
  ]);
});

test('the guest sees no environment variables, no arguments and a closed stdin', async () => {
  process.env.EDDY_WASI_TEST_SECRET = 'must not leak';
  try {
    const driver = await wasiDriver();
    assert.deepEqual(ask(driver, 'env'), ['vars=0 args=0 HOME=absent cwd=/']);
    assert.deepEqual(ask(driver, 'stdin'), ['ok: 0 bytes']);
    driver.close();
  } finally {
    delete process.env.EDDY_WASI_TEST_SECRET;
  }
});

test('the file system is refused: reading, writing and listing get a permission error', async () => {
  const target = join(tmpdir(), `eddy-wasi-escape-${process.pid}.txt`);
  rmSync(target, { force: true });
  const driver = await wasiDriver();
  // The preopened root refuses everything: std sees PermissionDenied ("not permitted"), for absolute and relative paths alike.
  const refused = /^error: Operation not permitted \(os error 63\) \(PermissionDenied\)/;
  for (const command of ['read /etc/passwd', 'read relative.txt', `write ${target}`, 'list /', `list ${tmpdir()}`]) {
    const [answer] = ask(driver, command);
    assert.match(answer ?? '', refused, command);
  }
  assert.equal(existsSync(target), false, 'nothing was written');
  // Refusals are answers, not failures: the instance goes on.
  assert.deepEqual(ask(driver, 'fine'), ['fine=1']);
  driver.close();
});

test('clocks: the wall clock is the task\'s (the driver\'s simulated clock), the monotonic clock moves; random is random', async () => {
  const driver = await wasiDriver({ initialWallClockTime: 1_700_000_000_123 });
  const [clock] = ask(driver, 'clock');
  assert.match(clock ?? '', /^wall=1700000000123 monotonic-moved=true/);
  driver.advanceWallClockTime(2000);
  assert.match(ask(driver, 'clock')[0] ?? '', /^wall=1700000002123 /);
  assert.deepEqual(ask(driver, 'random'), ['differ=true']);
  driver.close();
});

test('exit stops only its own instance: a PluginExitError naming the call, and the host goes on', async () => {
  const driver = await wasiDriver();
  assert.deepEqual(ask(driver, 'one'), ['one=1']);
  assert.throws(
    () => driver.pipeInput('in', { value: 'exit 3', timestamp: 2 }),
    (error: unknown) => {
      assert.ok(error instanceof PluginExitError, `expected PluginExitError, got ${error}`);
      assert.ok(error instanceof PluginTrapError, 'a plugin failure like a trap');
      assert.equal(error.exitStatus, 1, 'WASI 0.2 exit carries no code: a failure status');
      assert.match(error.message, /the plugin called exit with a failure status in process: only this instance stopped, and it is discarded \(the host and other instances go on\)/);
      assert.equal(error.context.node, 'node');
      assert.equal(error.context.offset, 1);
      assert.match(error.context.plugin ?? '', /misbehaving-wasi-std\.wasm$/);
      return true;
    },
  );
  assert.throws(() => driver.pipeInput('in', { value: 'after', timestamp: 3 }), /task is failed/);
  // With a dead-letter queue, the exiting record goes there and a fresh instance takes the next.
  const tolerant = await wasiDriver({ deadLetterQueueTopic: 'dlq' });
  tolerant.pipeInput('in', [{ value: 'a b', timestamp: 1 }, { value: 'exit 0', timestamp: 2 }, { value: 'a', timestamp: 3 }]);
  assert.deepEqual(tolerant.readOutput('out').map((output) => output.value), ['a=1', 'b=1', 'a=1']);
  assert.deepEqual(tolerant.readOutput('dlq').map((output) => output.value), ['exit 0']);
  tolerant.close();
  // Another plugin in the same process still works.
  const other = await TopologyTestDriver.create(single(plugins.wordcountRust(), { stores: ['counts'] }));
  other.pipeInput('in', { value: 'still working', timestamp: 1 });
  assert.deepEqual(other.readOutput('out').map((output) => `${output.key}=${output.value}`), ['still=1', 'working=1']);
  other.close();
});

/** A dummy component of the processor world that also imports `extraImports` (declared in `packages`). */
async function processorImporting(packages: string, extraImports: string[]): Promise<Uint8Array> {
  const witSource = `${readFileSync(witFile, 'utf8')}\n${packages}\npackage eddy-test:wasi-imports {\n  world extra {\n    include eddy:plugin/processor@0.1.0;\n${extraImports.map((name) => `    import ${name};\n`).join('')}  }\n}\n`;
  return componentNew(await componentEmbed({ witSource, world: 'eddy-test:wasi-imports/extra', dummy: true }), undefined);
}

test('an import outside the world and the served WASI set is refused at load, naming it', async () => {
  const http = 'package wasi:http@0.2.0 {\n  interface outgoing-handler {\n    handle: func(url: string) -> result<u32, string>;\n  }\n}';
  await assert.rejects(PluginComponent.fromBytes(await processorImporting(http, ['wasi:http/outgoing-handler@0.2.0']), 'http.wasm'), (error: unknown) => {
    assert.ok(error instanceof ForbiddenImportError, `expected ForbiddenImportError, got ${error}`);
    assert.deepEqual(error.imports, ['wasi:http/outgoing-handler@0.2.0']);
    assert.match(error.message, /'wasi:http\/outgoing-handler@0\.2\.0', which the host does not provide.*plugin=http\.wasm/);
    return true;
  });
  // A served interface at a version the host does not serve (WASI 0.3) is refused too.
  const preview3 = 'package wasi:random@0.3.0 {\n  interface random {\n    get-random-u64: func() -> u64;\n  }\n}';
  await assert.rejects(PluginComponent.fromBytes(await processorImporting(preview3, ['wasi:random/random@0.3.0']), 'p3.wasm'), (error: unknown) => {
    assert.ok(error instanceof ForbiddenImportError);
    assert.deepEqual(error.imports, ['wasi:random/random@0.3.0']);
    return true;
  });
});

test('a served WASI interface with a function the host does not implement is refused when instantiated, naming it', async () => {
  const madeUp = 'package wasi:sockets@0.2.0 {\n  interface tcp {\n    connect: func(host: string, port: u16) -> result<u32, string>;\n  }\n}';
  const bytes = await processorImporting(madeUp, ['wasi:sockets/tcp@0.2.0']);
  // The name and version are served, so it loads …
  const component = await PluginComponent.fromBytes(bytes, 'made-up.wasm');
  assert.equal(component.world, 'processor');
  // … but creating an instance reads the made-up function, and that is refused by name.
  await assert.rejects(TopologyTestDriver.create(single({ name: 'made-up.wasm', bytes })), (error: unknown) => {
    assert.ok(error instanceof ComponentLoadError, `expected ComponentLoadError, got ${error}`);
    assert.match(error.message, /imports 'connect' from wasi:sockets\/tcp, which the host's WASI does not implement/);
    assert.match(error.message, /node=node plugin=made-up\.wasm/);
    return true;
  });
});

test('every declared WASI interface has a host module', () => {
  const imports = wasiImports({ log: () => undefined, wallClockTime: () => 0 });
  assert.deepEqual(Object.keys(imports).sort(), [...wasiInterfaces].sort());
});

/** The `err` payload a host function throws for the glue, or the thrown value. */
function refusal(call: () => unknown): unknown {
  try {
    call();
  } catch (thrown) {
    return typeof thrown === 'object' && thrown !== null && 'payload' in thrown ? thrown.payload : thrown;
  }
  return 'no refusal';
}

test('what no Rust std guest calls yet: sockets are denied, the one preopen refuses everything, poll waits on the clock, insecure random is random', () => {
  const imports = wasiImports({ log: () => undefined, wallClockTime: () => 1_234_567 }) as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>;
  const member = (name: string, member: string) => imports[name]![member]!;
  assert.equal(refusal(() => member('wasi:sockets/tcp-create-socket', 'createTcpSocket')('ipv4')), 'access-denied');
  assert.equal(refusal(() => member('wasi:sockets/udp-create-socket', 'createUdpSocket')('ipv6')), 'access-denied');
  const network = member('wasi:sockets/instance-network', 'instanceNetwork')();
  assert.equal(refusal(() => member('wasi:sockets/ip-name-lookup', 'resolveAddresses')(network, 'example.com')), 'access-denied');
  const preopens = member('wasi:filesystem/preopens', 'getDirectories')() as Array<[Record<string, (...args: unknown[]) => unknown>, string]>;
  assert.deepEqual(preopens.map(([, path]) => path), ['/']);
  const [root] = preopens[0]!;
  assert.equal(root.getType!(), 'directory');
  for (const operation of ['openAt', 'statAt', 'readDirectory', 'createDirectoryAt', 'unlinkFileAt', 'stat', 'readViaStream']) {
    assert.equal(refusal(() => root[operation]!({}, 'etc/passwd')), 'not-permitted', operation);
  }
  assert.deepEqual(member('wasi:clocks/wall-clock', 'now')(), { seconds: 1234n, nanoseconds: 567_000_000 });
  const subscribe = member('wasi:clocks/monotonic-clock', 'subscribeDuration');
  const poll = member('wasi:io/poll', 'poll');
  const started = process.hrtime.bigint();
  const later = subscribe(20_000_000n) as { ready(): boolean };
  const sooner = subscribe(5_000_000n);
  assert.equal(later.ready(), false);
  assert.deepEqual([...(poll([later, sooner]) as Uint32Array)], [1]);
  assert.ok(process.hrtime.bigint() - started >= 5_000_000n, 'poll waited for the earliest deadline');
  const first = member('wasi:random/insecure', 'getInsecureRandomBytes')(32n) as Uint8Array;
  const second = member('wasi:random/insecure', 'getInsecureRandomBytes')(32n) as Uint8Array;
  assert.equal(first.length, 32);
  assert.notDeepEqual(first, second);
  const [low, high] = member('wasi:random/insecure-seed', 'insecureSeed')() as [bigint, bigint];
  assert.equal(typeof low, 'bigint');
  assert.equal(typeof high, 'bigint');
  assert.throws(() => member('wasi:random/random', 'getRandomBytes')(1n << 30n), /at most 1048576/);
});
