// Live hot-swap: replacing a processor's plugin in a running application
// loses and duplicates nothing (exactly-once), carries the store over, and a
// version that fails to load or to initialise leaves the old one running.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { pluginPath } from '../support/plugins.ts';
import { brokers, createTopics, readAll, startApp, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { countSequences, expectedCounts, finalCounts, sampleLines, wordCountApp } from '../support/wordcount-app.ts';

const countedByTs = (headers: Array<{ key: string; value: Uint8Array }>) =>
  headers.some((header) => header.key === 'counted-by' && new TextDecoder().decode(header.value) === 'count-by-key-ts');

test('a hot-swap mid-stream under exactly-once gives exact, duplicate-free output and keeps the state', { timeout: 240_000 }, async () => {
  const applicationId = uniqueName('swap');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  await createTopics([{ topic: input, partitions: 3 }, { topic: output, partitions: 3 }]);
  const app = await startApp(applicationId, wordCountApp({ applicationId, input, output, stateDir: temporaryDirectory(), guarantee: 'exactly_once_v2' }));
  // Two sub-topologies (split, count) × three partitions; the swap touches the count tasks.
  await waitFor('tasks to run', async () => (await app.activeTasks()).length === 6);
  const lines = sampleLines(4000, 13);
  const first = lines.slice(0, 2000);
  await produceRecords(await brokers(), input, first.map((line, index) => ({ key: String(index), value: line })));
  // Swap while the first half is being processed.
  await waitFor('processing under way', async () => (await readAll(output)).length > 200, 60_000, 200);
  const swap = await app.swap({ node: 'count', plugin: pluginPath('count-by-key-ts') });
  assert.equal(swap.status, 200, JSON.stringify(swap.body));
  assert.equal((swap.body.tasks as unknown[]).length, 3);
  const second = lines.slice(2000);
  await produceRecords(await brokers(), input, second.map((line, index) => ({ key: String(2000 + index), value: line })));

  const expected = expectedCounts(lines);
  const records = await waitFor('every word counted', async () => {
    const read = await readAll(output);
    const counts = finalCounts(read);
    return [...expected].every(([word, count]) => (counts.get(word) ?? 0) >= count) ? read : undefined;
  }, 180_000, 1000);
  assert.equal(await app.stop(), 0);
  for (const [word, sequence] of countSequences(records)) {
    assert.deepEqual(sequence, Array.from({ length: expected.get(word)! }, (_, index) => index + 1), `'${word}' counted 1..n exactly once across the swap`);
  }
  const tagged = records.filter((record) => countedByTs(record.headers));
  assert.ok(tagged.length > 0 && tagged.length < records.length, `outputs before the swap came from the Rust plugin, after it from the TS one (${tagged.length} of ${records.length})`);
  // Per word, once the new version answered, the old one never did again.
  for (const word of expected.keys()) {
    const flags = records.filter((record) => record.key === word).map((record) => countedByTs(record.headers));
    const firstNew = flags.indexOf(true);
    if (firstNew >= 0) assert.ok(flags.slice(firstNew).every(Boolean), `'${word}' switched versions once`);
  }
});

test('a version that fails to load or to init leaves the old one running, and says why', { timeout: 240_000 }, async () => {
  const applicationId = uniqueName('badswap');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  await createTopics([{ topic: input, partitions: 2 }, { topic: output, partitions: 2 }]);
  const app = await startApp(applicationId, wordCountApp({ applicationId, input, output, stateDir: temporaryDirectory() }));
  await waitFor('tasks to run', async () => (await app.activeTasks()).length === 4);
  await produceRecords(await brokers(), input, [{ key: 'a', value: 'one two two' }]);
  await waitFor('first counts', async () => finalCounts(await readAll(output)).get('two') === 2, 60_000, 500);

  const broken = join(temporaryDirectory(), 'broken.wasm');
  writeFileSync(broken, 'not a component');
  const unloadable = await app.swap({ node: 'count', plugin: broken });
  assert.equal(unloadable.status, 422);
  assert.match(String(unloadable.body.message), /not a valid WebAssembly component.*broken\.wasm/);

  const failingInit = await app.swap({ node: 'count', plugin: pluginPath('count-by-key-ts'), config: { store: 'not-connected' } });
  assert.equal(failingInit.status, 409);
  const outcomes = failingInit.body.tasks as Array<{ swapped: boolean; error?: string }>;
  assert.equal(outcomes.length, 2);
  for (const outcome of outcomes) {
    assert.equal(outcome.swapped, false);
    assert.match(outcome.error ?? '', /init rejected the configuration: .*no access to store 'not-connected'/);
  }
  const unknownNode = await app.swap({ node: 'nope', plugin: pluginPath('count-by-key-ts') });
  assert.equal(unknownNode.status, 422);
  assert.match(String(unknownNode.body.message), /no processor named 'nope'/);

  // The old version still counts, and still writes no header.
  await produceRecords(await brokers(), input, [{ key: 'b', value: 'two three' }]);
  const records = await waitFor('counting to go on', async () => {
    const read = await readAll(output);
    return finalCounts(read).get('two') === 3 ? read : undefined;
  }, 60_000, 500);
  assert.ok(records.every((record) => !countedByTs(record.headers)), 'the old plugin is still the one running');
  assert.deepEqual((await app.activeTasks()).length, 4, 'no task failed');
  assert.equal(await app.stop(), 0);
});
