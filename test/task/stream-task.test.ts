// The task engine: depth-first processing through branching graphs,
// record metadata, stream time, punctuation, and store access rules.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { PluginInitError } from '../../runtime/errors.ts';
import { plugins } from '../support/plugins.ts';

test('each input record travels the whole graph, every branch, before the next one starts', async () => {
  // in → upper → [upper-out, count → count-out]
  const topology = new TopologyBuilder()
    .addSource('in', 'lines')
    .addProcessor('upper', plugins.uppercaseTs(), {}, 'in')
    .addSink('upper-out', 'upper-lines', 'upper')
    .addProcessor('count', plugins.wordcountRust(), { stores: ['counts'] }, 'upper')
    .addSink('count-out', 'counts', 'count')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('lines', [
    { value: 'a b', timestamp: 1 },
    { value: 'c a', timestamp: 2 },
  ]);
  assert.deepEqual(
    driver.readAllOutput().map((output) => `${output.topic}:${output.key ?? ''}:${output.value}`),
    ['upper-lines::A B', 'counts:a:1', 'counts:b:1', 'upper-lines::C A', 'counts:c:1', 'counts:a:2'],
  );
  driver.close();
});

test('a processor sees the topic, partition and offset of the record it processes', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'events')
    .addProcessor('rate', plugins.recordRate(), { config: { 'emit-metadata': 'true', 'interval-ms': '1000000' } }, 'in')
    .addSink('out', 'out', 'rate')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('events', [{ value: 'x', timestamp: 1 }, { value: 'y', timestamp: 2 }]);
  assert.deepEqual(driver.readOutput('out').map((output) => output.value), ['events/0/0', 'events/0/1']);
  driver.close();
});

test('wall-clock punctuators fire as the simulated clock advances, once per due time', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'events')
    .addProcessor('rate', plugins.recordRate(), { config: { 'interval-ms': '1000' } }, 'in')
    .addSink('out', 'rates', 'rate')
    .build();
  const driver = await TopologyTestDriver.create(topology, { initialWallClockTime: 10_000 });
  driver.pipeInput('events', [{ value: 'a', timestamp: 1 }, { value: 'b', timestamp: 2 }]);
  driver.advanceWallClockTime(999);
  assert.deepEqual(driver.readOutput('rates'), [], 'not due before one interval');
  driver.advanceWallClockTime(1);
  driver.pipeInput('events', { value: 'c', timestamp: 3 });
  driver.advanceWallClockTime(3500); // several intervals missed: fires once
  assert.deepEqual(
    driver.readOutput('rates').map((output) => [output.value, output.timestamp]),
    [['2', 11_000], ['1', 14_500]],
  );
  driver.close();
});

test('stream-time punctuators fire on data, aligned to the interval, like Kafka Streams', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'events')
    .addProcessor('rate', plugins.recordRate(), { config: { 'interval-ms': '10', punctuation: 'stream-time' } }, 'in')
    .addSink('out', 'rates', 'rate')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  const fired = (timestamp: number) => {
    driver.pipeInput('events', { value: 'v', timestamp });
    return driver.readOutput('rates').map((output) => `${output.value}@${output.timestamp}`);
  };
  assert.deepEqual(fired(25), ['1@25'], 'the first record fires it');
  assert.deepEqual(fired(27), [], 'next due at 30');
  assert.deepEqual(fired(20), [], 'late records do not move stream time back');
  assert.deepEqual(fired(31), ['3@31']);
  assert.equal(driver.streamTime, 31);
  driver.advanceWallClockTime(1_000_000);
  assert.deepEqual(driver.readOutput('rates'), [], 'wall clock does not drive stream-time punctuators');
  driver.close();
});

test('a node may open only the stores connected to it', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'lines')
    .addProcessor('count', plugins.wordcountRust(), { stores: ['other'] }, 'in')
    .build();
  await assert.rejects(TopologyTestDriver.create(topology), (error: unknown) => {
    assert.ok(error instanceof PluginInitError, `expected PluginInitError, got ${error}`);
    assert.match(error.message, /node 'count' has no access to store 'counts' \(connected stores: other\)/);
    return true;
  });
});

test('init errors name the configuration problem', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'events')
    .addProcessor('rate', plugins.recordRate(), { config: { 'interval-ms': 'soon' } }, 'in')
    .build();
  await assert.rejects(TopologyTestDriver.create(topology), /init rejected the configuration: interval-ms must be a positive integer, got 'soon'.*node=rate/);
});
