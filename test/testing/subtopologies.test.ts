// In process (test driver, dry-run), a topology with a repartition topic runs
// as Kafka Streams' TopologyTestDriver runs it: one task per sub-topology,
// and records written to the repartition topic are processed right after the
// input record that caused them — so the word count's counts are final.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDryRun } from '../../runtime/testing/dry-run.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import type { SinkRecord } from '../../runtime/task/stream-task.ts';
import { pluginPath } from '../support/plugins.ts';

const text = new TextDecoder();

function twoStageWordCount() {
  return new TopologyBuilder()
    .addSource('lines', 'text')
    .addProcessor('split', pluginPath('split-words-rust'), {}, 'lines')
    .addSink('to-words', 'words-repartition', 'split')
    .addSource('words', 'words-repartition')
    .addProcessor('count', pluginPath('count-by-key-rust'), { stores: ['counts'] }, 'words')
    .addSink('out', 'counts', 'count')
    .build();
}

test('the test driver loops repartition records back: a two-stage word count gives exact counts, in input order', async () => {
  const driver = await TopologyTestDriver.create(twoStageWordCount());
  driver.pipeInput('text', [
    { key: '1', value: 'the cat', timestamp: 10 },
    { key: '2', value: 'the dog the end', timestamp: 20 },
  ]);
  const counts = driver.readOutput('counts').map((output) => `${output.key}=${output.value}@${output.timestamp}`);
  assert.deepEqual(counts, ['the=1@10', 'cat=1@10', 'the=2@20', 'dog=1@20', 'the=3@20', 'end=1@20']);
  // The repartition topic is an output too, as in Kafka Streams' driver.
  assert.deepEqual(driver.readOutput('words-repartition').map((output) => output.key), ['the', 'cat', 'the', 'dog', 'the', 'end']);
  assert.deepEqual(driver.storeAsText('counts'), new Map([['cat', '1'], ['dog', '1'], ['end', '1'], ['the', '3']]));
  driver.close();
});

test('dry-run runs every sub-topology, and still names input lines in errors', async () => {
  const outputs: SinkRecord[] = [];
  await runDryRun(
    twoStageWordCount(),
    ['a b', 'b'].map((value, index) => ({ line: index + 1, topic: undefined, record: { key: undefined, value: new TextEncoder().encode(value), timestamp: index, headers: [] } })),
    { onOutput: (output) => outputs.push(output) },
  );
  assert.deepEqual(
    outputs.filter((output) => output.topic === 'counts').map((output) => `${text.decode(output.record.key)}=${text.decode(output.record.value)}`),
    ['a=1', 'b=1', 'b=2'],
  );
  await assert.rejects(
    runDryRun(twoStageWordCount(), [{ line: 1, topic: 'nope', record: { key: undefined, value: undefined, timestamp: 0, headers: [] } }], { onOutput: () => undefined }),
    /input line 1: no source reads topic 'nope'/,
  );
});
