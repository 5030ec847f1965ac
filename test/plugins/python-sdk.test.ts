// The Python SDK (sdk/python) through a real compiled component: the
// test-only plugin test/fixtures/python-sdk-probe uses every part of it —
// key-value stores (get/put/delete/range/prefix-scan, ranges longer than one
// host batch), window and session stores, the context (metadata, ids, stream
// time, punctuators, forward-to, headers, commits), config, logging — and the
// way Python exceptions become `err` results. Also plugins/uppercase-python,
// the stateless example.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from '../../runtime/build/build-plugin.ts';
import { ProcessingError } from '../../runtime/errors.ts';
import { deadLetterHeaders } from '../../runtime/task/stream-task.ts';
import { TopologyTestDriver, type TestDriverOptions } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { pluginPath } from '../support/plugins.ts';

const probeDirectory = fileURLToPath(new URL('../fixtures/python-sdk-probe', import.meta.url));
let probe: string;

before(async () => {
  // Not under plugins/: `npm test` does not build it, so the test does (skipped when up to date).
  probe = (await buildPlugin(probeDirectory)).output;
}, { timeout: 600_000 });

function probeTopology(config: Record<string, string> = {}) {
  return new TopologyBuilder()
    .addSource('in', 'in')
    .addProcessor('probe', probe, { config, stores: ['counts'] }, 'in')
    .addStateStore({ name: 'windows', kind: 'window', retentionMs: 1_000_000, windowSizeMs: 1_000, retainDuplicates: false }, 'probe')
    .addStateStore({ name: 'sessions', kind: 'session', retentionMs: 1_000_000 }, 'probe')
    .addSink('out', 'out', 'probe')
    .addSink('side', 'side', 'probe')
    .build();
}

async function probeDriver(options: TestDriverOptions = {}, config: Record<string, string> = {}): Promise<TopologyTestDriver> {
  return TopologyTestDriver.create(probeTopology(config), { applicationId: 'python-sdk', ...options });
}

/** Pipes one command and returns the values forwarded to `out`. */
function ask(driver: TopologyTestDriver, command: string, timestamp = 1): Array<string | null> {
  driver.pipeInput('in', { key: 'k', value: command, timestamp });
  return driver.readOutput('out').map((output) => output.value);
}

test('key-value store: get, put, delete, range, prefix scan, length, membership', async () => {
  const driver = await probeDriver();
  assert.deepEqual(ask(driver, 'get a'), ['none']);
  for (const [key, value] of [['b', '2'], ['a', '1'], ['c', '3'], ['ab', '12']]) assert.deepEqual(ask(driver, `put ${key} ${value}`), ['ok']);
  assert.deepEqual(ask(driver, 'get a'), ['1']);
  assert.deepEqual(ask(driver, 'range - -'), ['a=1,ab=12,b=2,c=3']);
  assert.deepEqual(ask(driver, 'range ab b'), ['ab=12,b=2'], 'both ends inclusive, byte order');
  assert.deepEqual(ask(driver, 'prefix a'), ['a=1,ab=12']);
  assert.deepEqual(ask(driver, 'delete b'), ['2']);
  assert.deepEqual(ask(driver, 'delete b'), ['none']);
  assert.deepEqual(ask(driver, 'range - -'), ['a=1,ab=12,c=3']);
  // 300 entries: a range crosses the SDK's batches of 256 from the host's cursor.
  assert.deepEqual(ask(driver, 'fill 300'), ['300 303 n00000 True False']);
  assert.equal(driver.storeAsText('counts').get('ab'), '12', 'the host store holds what the guest wrote');
  driver.close();
});

test('window and session stores', async () => {
  const driver = await probeDriver();
  assert.deepEqual(ask(driver, 'window w 2000 x', 2500), ['x [2000] 1']);
  assert.deepEqual(ask(driver, 'window w 3000 y', 3500), ['y [2000, 3000] 2']);
  assert.deepEqual(ask(driver, 'session s 10 20 first', 20), ['10-20=first']);
  assert.deepEqual(ask(driver, 'session s 30 40 second', 40), ['10-20=first 30-40=second']);
  driver.close();
});

test('a store the node may not use is a StoreError in the guest, with the host\'s reason', async () => {
  const driver = await probeDriver();
  const [answer] = ask(driver, 'open nope');
  assert.match(answer ?? '', /^StoreError: cannot open store 'nope': /);
  driver.close();
});

test('context: metadata, application and task ids, stream time; config get and require', async () => {
  const driver = await probeDriver({}, { greeting: 'hello', second: 'x' });
  ask(driver, 'noop', 5000);
  assert.deepEqual(ask(driver, 'context', 7000), ['in/0@1 app=python-sdk task=0_0 stream-time=7000']);
  assert.deepEqual(ask(driver, 'config greeting'), ["hello [('greeting', 'hello'), ('second', 'x')]"]);
  assert.deepEqual(ask(driver, 'config absent'), ["(unset) [('greeting', 'hello'), ('second', 'x')]"]);
  assert.deepEqual(ask(driver, 'require second'), ['x']);
  assert.throws(() => ask(driver, 'require absent'), (error: unknown) => {
    assert.ok(error instanceof ProcessingError, `expected ProcessingError, got ${error}`);
    assert.match(error.message, /MissingConfigError: missing config key 'absent' \(at records\.py:\d+ in require\)/);
    return true;
  });
});

test('punctuators: a wall-clock punctuator fires as the clock advances and stops when cancelled', async () => {
  const driver = await probeDriver({ initialWallClockTime: 10_000 });
  assert.match(ask(driver, 'schedule 1000')[0] ?? '', /^scheduled \d+$/);
  driver.advanceWallClockTime(1000);
  const fired = driver.readOutput('out');
  assert.equal(fired.length, 1);
  assert.equal(fired[0]!.key, 'punctuator');
  assert.match(fired[0]!.value ?? '', /^\d+ at 11000 \(#1\)$/);
  assert.deepEqual(ask(driver, 'cancel'), ['cancelled']);
  driver.advanceWallClockTime(5000);
  assert.deepEqual(driver.readOutput('out'), []);
  driver.close();
});

test('records: headers travel as bytes; forward_to reaches one child; request_commit is accepted', async () => {
  const driver = await probeDriver();
  driver.pipeInput('in', { key: 'k', value: 'headers', timestamp: 3 });
  const [withHeaders] = driver.readOutput('out');
  assert.equal(withHeaders!.value, 'with headers');
  assert.deepEqual(withHeaders!.headers.map((header) => [header.key, [...header.value]]), [['h1', [0x76, 0x31]], ['h2', [0x00, 0xff]]]);
  driver.readOutput('side'); // forward() reached every child, `side` too
  driver.pipeInput('in', { key: 'k', value: 'to side', timestamp: 4 });
  assert.deepEqual(driver.readOutput('side').map((output) => output.value), ['to side']);
  assert.deepEqual(driver.readOutput('out'), []);
  assert.deepEqual(ask(driver, 'commit'), ['commit requested']);
  driver.close();
});

test('logging, log() and print() reach the host log with the node attached', async () => {
  const driver = await probeDriver();
  assert.deepEqual(ask(driver, 'log a b'), ['logged']);
  const lines = driver.logs.map((entry) => `${entry.level} ${entry.node} ${entry.message}`);
  assert.ok(lines.includes('warn probe through logging: a b'), lines.join('\n'));
  assert.ok(lines.includes('info probe through log()'), lines.join('\n'));
  assert.ok(lines.includes('info probe through print'), lines.join('\n'));
  driver.close();
});

test('exceptions are err results: ProcessingError verbatim, others with type and place; the instance goes on', async () => {
  const driver = await probeDriver({ deadLetterQueueTopic: 'dlq' });
  ask(driver, 'fail the record is wrong');
  ask(driver, 'divide 0');
  ask(driver, 'import');
  assert.deepEqual(ask(driver, 'get missing'), ['none'], 'the same instance still answers');
  const reasons = driver.readOutput('dlq').map((output) => new TextDecoder().decode(output.headers.find((header) => header.key === deadLetterHeaders.message)?.value));
  assert.equal(reasons.length, 3);
  assert.match(reasons[0]!, /^the record is wrong/);
  assert.match(reasons[1]!, /^ZeroDivisionError: .*by zero \(at sdk_probe\.py:\d+ in process\)/);
  assert.match(reasons[2]!, /^ModuleNotFoundError: No module named 'json' .*import them at the top of a module/);
  driver.close();
});

test('an exception in __init__ rejects the configuration with its message', async () => {
  await assert.rejects(probeDriver({}, { 'fail-init': 'bad setting' }), /init refused: bad setting/);
});

test('uppercase-python: drops null values and the drop-prefix, uppercases the rest, keeps key, timestamp and headers', async () => {
  const topology = (config: Record<string, string>) =>
    new TopologyBuilder().addSource('in', 'in').addProcessor('upper', pluginPath('uppercase-python'), { config }, 'in').addSink('out', 'out', 'upper').build();
  const driver = await TopologyTestDriver.create(topology({ 'drop-prefix': '#' }));
  driver.pipeInput('in', [
    { key: 'a', value: 'hello straße', timestamp: 1, headers: [{ key: 'h', value: 'v' }] },
    { key: 'b', value: null, timestamp: 2 },
    { key: 'c', value: '# a comment', timestamp: 3 },
    { key: 'd', value: 'ǆemal', timestamp: 4 },
  ]);
  const outputs = driver.readOutput('out');
  assert.deepEqual(outputs.map((output) => [output.key, output.value, output.timestamp]), [['a', 'HELLO STRASSE', 1], ['d', 'ǄEMAL', 4]]);
  assert.deepEqual(outputs[0]!.headers.map((header) => header.key), ['h']);
  driver.close();
  await assert.rejects(TopologyTestDriver.create(topology({ 'drop-prefix': '' })), /config 'drop-prefix' must not be empty when set/);
});
