// Timestamp extractors, as Kafka Streams': a negative record timestamp fails
// the task by default (naming the record and the options), is skipped with
// log-and-skip-on-invalid, becomes the partition's time with
// use-partition-time-on-invalid; wall-clock uses the (simulated) wall clock.
// The extracted time is the record's time downstream and drives stream time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appConfigFromDocument } from '../../runtime/app/app-config.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { timestampExtractorByName, type TimestampExtractorName } from '../../runtime/time/timestamp-extractor.ts';
import { plugins } from '../support/plugins.ts';

async function driverWith(extractor: TimestampExtractorName | undefined, sourceExtractor?: TimestampExtractorName) {
  const topology = new TopologyBuilder()
    .addSourceWith('in', sourceExtractor ? { timestampExtractor: sourceExtractor } : {}, 'lines')
    .addProcessor('upper', plugins.uppercaseTs(), {}, 'in')
    .addSink('out', 'upper', 'upper')
    .build();
  return TopologyTestDriver.create(topology, { initialWallClockTime: 50_000, ...(extractor ? { timestampExtractor: extractor } : {}) });
}

test('by default a negative timestamp fails the task, naming the record and the way out', async () => {
  const driver = await driverWith(undefined);
  driver.pipeInput('lines', [{ value: 'ok', timestamp: 5 }]);
  assert.throws(() => driver.pipeInput('lines', [{ value: 'bad', timestamp: -1 }]), (error: Error) => {
    assert.match(error.message, /invalid \(negative\) timestamp -1.*log-and-skip-on-invalid, use-partition-time-on-invalid or wall-clock/);
    assert.match(error.message, /topic=lines partition=0 offset=1/);
    return true;
  });
});

test('log-and-skip-on-invalid skips the record and counts it; use-partition-time-on-invalid uses the partition time', async () => {
  const skipping = await driverWith('log-and-skip-on-invalid');
  skipping.pipeInput('lines', [{ value: 'a', timestamp: 7 }, { value: 'b', timestamp: -3 }, { value: 'c', timestamp: 9 }]);
  assert.deepEqual(skipping.readOutput('upper').map((output) => `${output.value}@${output.timestamp}`), ['A@7', 'C@9']);
  assert.equal(skipping.skippedRecords, 1);
  assert.ok(skipping.logs.some((entry) => /skipped \(log-and-skip-on-invalid\).*offset=1/.test(entry.message)));
  skipping.close();

  const partitionTime = await driverWith('use-partition-time-on-invalid');
  partitionTime.pipeInput('lines', [{ value: 'a', timestamp: 7 }, { value: 'b', timestamp: 3 }, { value: 'c', timestamp: -1 }]);
  assert.deepEqual(partitionTime.readOutput('upper').map((output) => `${output.value}@${output.timestamp}`), ['A@7', 'B@3', 'C@7']);
  partitionTime.close();
});

test('wall-clock gives records the wall-clock time, and a source may choose its own extractor', async () => {
  const driver = await driverWith(undefined, 'wall-clock');
  driver.pipeInput('lines', [{ value: 'a', timestamp: -5 }, { value: 'b', timestamp: 1 }]);
  assert.deepEqual(driver.readOutput('upper').map((output) => output.timestamp), [50_000, 50_000]);
  assert.equal(driver.streamTime, 50_000);
  driver.close();
});

test('extractors are named as in Kafka Streams, in application files and pipeline files', () => {
  assert.equal(timestampExtractorByName('org.apache.kafka.streams.processor.WallclockTimestampExtractor'), 'wall-clock');
  assert.equal(timestampExtractorByName('LogAndSkipOnInvalidTimestamp'), 'log-and-skip-on-invalid');
  assert.equal(timestampExtractorByName('nope'), undefined);
  const base = { 'application.id': 'a', 'bootstrap.servers': 'b:1', topology: { sources: [{ name: 'in', topics: ['t'], 'timestamp.extractor': 'wall-clock' }] } };
  const config = appConfigFromDocument({ ...base, 'default.timestamp.extractor': 'UsePartitionTimeOnInvalidTimestamp' }, 'app.yaml');
  assert.equal(config.defaultTimestampExtractor, 'use-partition-time-on-invalid');
  assert.equal(config.topology.sources[0]!.timestampExtractor, 'wall-clock');
  assert.equal(appConfigFromDocument(base, 'app.yaml').defaultTimestampExtractor, 'fail-on-invalid');
  assert.throws(() => appConfigFromDocument({ ...base, 'default.timestamp.extractor': 'soon' }, 'app.yaml'), /unknown timestamp extractor 'soon'.*field=default\.timestamp\.extractor/);
});
