// The Go SDK (sdk/go) through a real compiled component: the test-only
// plugin test/fixtures/go-sdk-probe uses every part of it — key-value stores
// (get/put/delete/range/prefix scan as Go iterators, ranges longer than one
// host page, stopping early, empty vs null), window and session stores, the
// context (metadata, ids, stream time, punctuators, forward-to, headers,
// commits), config, logging — and the way Go errors and panics become `err`
// results.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from '../../runtime/build/build-plugin.ts';
import { ProcessingError } from '../../runtime/errors.ts';
import { deadLetterHeaders } from '../../runtime/task/stream-task.ts';
import { TopologyTestDriver, type TestDriverOptions } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';

const probeDirectory = fileURLToPath(new URL('../fixtures/go-sdk-probe', import.meta.url));
let probe: string;

before(async () => {
  // Not under plugins/: `npm test` does not build it, so the test does (skipped when up to date).
  probe = (await buildPlugin(probeDirectory)).output;
}, { timeout: 300_000 });

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
  return TopologyTestDriver.create(probeTopology(config), { applicationId: 'go-sdk', ...options });
}

/** Pipes one command and returns the values forwarded to `out`. */
function ask(driver: TopologyTestDriver, command: string, timestamp = 1): Array<string | null> {
  driver.pipeInput('in', { key: 'k', value: command, timestamp });
  return driver.readOutput('out').map((output) => output.value);
}

test('key-value store: get, put, delete, range, prefix scan, count, empty is not null', async () => {
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
  // 300 entries: a scan crosses the SDK's pages of 128 from the host's cursor; a `break` stops a range.
  assert.deepEqual(ask(driver, 'fill 300'), ['300 303 n00000 3']);
  assert.deepEqual(ask(driver, 'empty'), ['found=true nil=false len=0']);
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

test('a store the node may not use is a *eddy.StoreError with the host\'s reason', async () => {
  const driver = await probeDriver();
  const [answer] = ask(driver, 'open nope');
  assert.match(answer ?? '', /^\*eddy\.StoreError true: cannot open store 'nope': node 'probe' has no access to store 'nope'/);
  driver.close();
});

test('context: metadata, application and task ids, stream time; config get, entries and require', async () => {
  const driver = await probeDriver({}, { greeting: 'hello', second: 'x' });
  ask(driver, 'noop', 5000);
  assert.deepEqual(ask(driver, 'context', 7000), ['in/0@1 true app=go-sdk task=0_0 stream-time=7000']);
  assert.deepEqual(ask(driver, 'config greeting'), ['"hello" true [{greeting hello} {second x}]']);
  assert.deepEqual(ask(driver, 'config absent'), ['"" false [{greeting hello} {second x}]']);
  assert.deepEqual(ask(driver, 'require second'), ['x']);
  assert.throws(() => ask(driver, 'require absent'), (error: unknown) => {
    assert.ok(error instanceof ProcessingError, `expected ProcessingError, got ${error}`);
    assert.equal(error.detail, "config 'absent' is required");
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

test('records: headers travel as bytes; ForwardTo reaches one child; RequestCommit is accepted', async () => {
  const driver = await probeDriver();
  driver.pipeInput('in', { key: 'k', value: 'headers', timestamp: 3 });
  const [withHeaders] = driver.readOutput('out');
  assert.equal(withHeaders!.value, 'with headers');
  assert.deepEqual(withHeaders!.headers.map((header) => [header.key, [...header.value]]), [['h1', [0x76, 0x31]], ['h2', [0x00, 0xff]]]);
  assert.equal(driver.readOutput('side').length, 1, 'Forward reached every child, `side` too');
  driver.pipeInput('in', { key: 'k', value: 'to side', timestamp: 4 });
  assert.deepEqual(driver.readOutput('side').map((output) => output.value), ['to side']);
  assert.deepEqual(driver.readOutput('out'), []);
  assert.deepEqual(ask(driver, 'commit'), ['commit requested']);
  driver.close();
});

test('logging: Warnf, Log and fmt.Println reach the host log with the node attached', async () => {
  const driver = await probeDriver();
  assert.deepEqual(ask(driver, 'log a b'), ['logged']);
  const lines = driver.logs.map((entry) => `${entry.level} ${entry.node} ${entry.message}`);
  assert.ok(lines.includes('warn probe through Warnf: a b'), lines.join('\n'));
  assert.ok(lines.includes('info probe through Log'), lines.join('\n'));
  assert.ok(lines.includes('info probe through fmt.Println'), lines.join('\n'));
  driver.close();
});

test('errors and panics are err results: an error verbatim, a runtime panic with its place; the instance goes on', async () => {
  const driver = await probeDriver({ deadLetterQueueTopic: 'dlq' });
  ask(driver, 'fail the record is wrong');
  ask(driver, 'divide 0');
  assert.deepEqual(ask(driver, 'get missing'), ['none'], 'the same instance still answers');
  const reasons = driver.readOutput('dlq').map((output) => new TextDecoder().decode(output.headers.find((header) => header.key === deadLetterHeaders.message)?.value));
  assert.equal(reasons.length, 2);
  assert.match(reasons[0]!, /^the record is wrong/);
  assert.match(reasons[1]!, /^panic: runtime error: integer divide by zero \(at main\.go:\d+ in main\.\(\*probe\)\.Process\)/);
  driver.close();
});

test('an error from the processor factory rejects the configuration with its message', async () => {
  await assert.rejects(probeDriver({}, { 'fail-init': 'bad setting' }), /init refused: bad setting/);
});
