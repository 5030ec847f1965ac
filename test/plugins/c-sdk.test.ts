// The C SDK (sdk/c) through a real compiled component: the test-only plugin
// test/fixtures/c-sdk-probe uses every part of eddy.h — key-value stores
// (get/put/delete/count, range and prefix scan, ranges longer than one host
// batch), the context (metadata, stream and wall-clock time — libc's clock too —, punctuators,
// forward-to, headers, commits), config, logging — and eddy_fail as an `err`
// result, in init and in process.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from '../../runtime/build/build-plugin.ts';
import { ProcessingError } from '../../runtime/errors.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';

const probeDirectory = fileURLToPath(new URL('../fixtures/c-sdk-probe', import.meta.url));
let probe: string;

before(async () => {
  // Not under plugins/: `npm test` does not build it, so the test does (skipped when up to date).
  probe = (await buildPlugin(probeDirectory)).output;
}, { timeout: 300_000 });

function probeTopology(config: Record<string, string> = {}) {
  return new TopologyBuilder()
    .addSource('in', 'in')
    .addProcessor('probe', probe, { config, stores: ['counts'] }, 'in')
    .addSink('out', 'out', 'probe')
    .addSink('side', 'side', 'probe')
    .build();
}

function ask(driver: TopologyTestDriver, command: string, timestamp = 1): Array<string | null> {
  driver.pipeInput('in', { key: 'k', value: command, timestamp });
  return driver.readOutput('out').map((output) => output.value);
}

test('key-value store: get, put, delete, count, range, prefix scan, across host batches', async () => {
  const driver = await TopologyTestDriver.create(probeTopology());
  assert.deepEqual(ask(driver, 'get a'), ['none']);
  for (const [key, value] of [['b', '2'], ['a', '1'], ['c', '3'], ['ab', '12']]) assert.deepEqual(ask(driver, `put ${key} ${value}`), ['ok']);
  assert.deepEqual(ask(driver, 'get a'), ['1']);
  assert.deepEqual(ask(driver, 'count'), ['4']);
  assert.deepEqual(ask(driver, 'range - -'), ['a=1,ab=12,b=2,c=3']);
  assert.deepEqual(ask(driver, 'range ab b'), ['ab=12,b=2'], 'both ends inclusive, byte order');
  assert.deepEqual(ask(driver, 'range b -'), ['b=2,c=3']);
  assert.deepEqual(ask(driver, 'prefix a'), ['a=1,ab=12']);
  assert.deepEqual(ask(driver, 'delete b'), ['2']);
  assert.deepEqual(ask(driver, 'delete b'), ['none']);
  assert.deepEqual(ask(driver, 'range - -'), ['a=1,ab=12,c=3']);
  assert.deepEqual(ask(driver, 'fill 600'), ['600'], '600 entries cross the SDK\'s batches of 256');
  assert.deepEqual([...driver.storeAsText('counts')].filter(([key]) => key.startsWith('n')).length, 600);
  driver.close();
});

test('context: metadata, times, punctuators, forward-to, headers, commit, config, logging', async () => {
  const driver = await TopologyTestDriver.create(probeTopology({ greeting: 'hello', other: 'x' }), { initialWallClockTime: 1_000_000 });
  assert.deepEqual(ask(driver, 'meta'), ['in/0/0']);
  assert.deepEqual(ask(driver, 'meta'), ['in/0/1']);
  assert.deepEqual(ask(driver, 'times', 50), ['50 1000000']);
  assert.deepEqual(ask(driver, 'clock'), ['1000000'], "libc's clock is the task's wall clock (the driver's simulated one)");
  assert.deepEqual(ask(driver, 'config'), ['greeting=hello\nother=x\n']);
  const [id] = ask(driver, 'schedule 100 stream', 60);
  driver.readOutput('side'); // the host's first firing, at scheduling time (its rule, not the SDK's)
  ask(driver, 'get x', 200);
  assert.deepEqual(driver.readOutput('side').map((output) => output.value), [`punctuate ${id} 200`]);
  assert.deepEqual(ask(driver, `cancel ${id}`, 210), ['ok']);
  ask(driver, 'get x', 400);
  assert.deepEqual(driver.readOutput('side'), [], 'cancelled');
  driver.pipeInput('in', { key: 'k', value: 'headers', timestamp: 500, headers: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }, { key: 'b', value: '' }] });
  const [echo] = driver.readOutput('out');
  assert.equal(echo!.value, 'a=1,a=2,b=');
  assert.deepEqual(echo!.headers.map((header) => header.key), ['a', 'a', 'b'], 'forwarded with its headers');
  assert.deepEqual(ask(driver, 'commit'), ['ok']);
  assert.deepEqual(ask(driver, 'log a line from C'), ['ok']);
  assert.ok(driver.logs.some((entry) => entry.level === 'info' && entry.message === 'a line from C' && entry.node === 'probe'));
  driver.close();
  assert.ok(driver.logs.some((entry) => entry.message === 'closing'), 'close runs');
});

test('eddy_fail is the err result of process and of init', async () => {
  const driver = await TopologyTestDriver.create(probeTopology());
  assert.throws(
    () => driver.pipeInput('in', { key: 'k', value: 'fail it broke: 42', timestamp: 1 }),
    (error: unknown) => error instanceof ProcessingError && error.detail === 'it broke: 42' && error.context.node === 'probe',
  );
  await assert.rejects(TopologyTestDriver.create(probeTopology({ reject: 'this config' })), /rejected: this config/);
});
