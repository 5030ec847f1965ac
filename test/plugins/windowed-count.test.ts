// A Rust plugin using a window store through the WIT window-store interface:
// counts per key and tumbling window, written in Kafka Streams' bytes
// (TimeWindowedSerde key, LongSerde count), and refused a store that is not a
// declared window store.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longSerde, stringSerde, timeWindowedSerde } from '../../runtime/serde/serdes.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { pluginPath } from '../support/plugins.ts';

const windowed = timeWindowedSerde(stringSerde, 10_000);

test('a Rust plugin counts per tumbling window in a window store, in Kafka Streams bytes', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'clicks')
    .addProcessor('count', pluginPath('windowed-count-rust'), { config: { 'window.size.ms': '10000' } }, 'in')
    .addStateStore({ name: 'windows', kind: 'window', retentionMs: 60_000, windowSizeMs: 10_000, retainDuplicates: false }, 'count')
    .addSink('out', 'counts', 'count')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('clicks', [
    { key: 'alice', value: '', timestamp: 1_000 },
    { key: 'bob', value: '', timestamp: 4_000 },
    { key: 'alice', value: '', timestamp: 9_999 },
    { key: 'alice', value: '', timestamp: 10_000 },
    { key: 'alice', value: '', timestamp: 5_000 },
  ]);
  const counts = driver.readOutput('counts').map((output) => {
    const key = windowed.deserialize(output.keyBytes ?? null)!;
    return `${key.key}@${key.start}-${key.end}=${longSerde.deserialize(output.valueBytes ?? null)}`;
  });
  assert.deepEqual(counts, ['alice@0-10000=1', 'bob@0-10000=1', 'alice@0-10000=2', 'alice@10000-20000=1', 'alice@0-10000=3']);
  driver.close();
});

test('a plugin that opens an undeclared window store is told why at init', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'clicks')
    .addProcessor('count', pluginPath('windowed-count-rust'), { config: { 'window.size.ms': '10000' }, stores: ['windows'] }, 'in')
    .addSink('out', 'counts', 'count')
    .build();
  await assert.rejects(TopologyTestDriver.create(topology), /store 'windows' is not a window store \(declared: key-value\)/);
});
