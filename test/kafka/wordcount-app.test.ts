// A word-count application on the real broker: two stages (sub-topologies)
// through a repartition topic, state in SQLite + changelog, exact final
// counts; the repartition topic's consumed records are deleted after commit.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKafka, produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { brokers, createTopics, readAll, startApp, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { expectedCounts, finalCounts, sampleLines, wordCountApp } from '../support/wordcount-app.ts';

test('word count through a repartition topic gives the exact counts', { timeout: 180_000 }, async () => {
  const applicationId = uniqueName('wc');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  await createTopics([{ topic: input, partitions: 4 }, { topic: output, partitions: 4 }]);
  const lines = sampleLines(600);
  await produceRecords(await brokers(), input, lines.map((line, index) => ({ key: String(index), value: line })));
  const app = await startApp(applicationId, wordCountApp({ applicationId, input, output, stateDir: temporaryDirectory(), repartitionPurgeIntervalMs: 500 }));
  const expected = expectedCounts(lines);
  const total = [...expected.values()].reduce((sum, count) => sum + count, 0);
  const records = await waitFor('all counts', async () => {
    const read = await readAll(output);
    return read.length >= total ? read : undefined;
  }, 120_000, 1000);
  assert.deepEqual(new Map([...finalCounts(records)].sort()), new Map([...expected].sort()));
  assert.equal(records.length, total, 'one update per word occurrence');
  assert.deepEqual(await app.activeTasks(), ['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3']);
  // Purged: every repartition partition's records before the committed offset are gone.
  const admin = createKafka(await brokers(), 'test-admin').admin();
  await admin.connect();
  try {
    const purged = await waitFor('the repartition topic purged up to its end', async () => {
      const offsets = await admin.fetchTopicOffsets(`${applicationId}-words-repartition`);
      return offsets.every((entry) => Number(entry.high) > 0 && entry.low === entry.high) ? offsets : undefined;
    }, 60_000, 500);
    assert.equal(purged.length, 4);
  } finally {
    await admin.disconnect();
  }
  assert.equal(await app.stop(), 0);
});
