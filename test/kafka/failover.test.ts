// Scale-out and failure: instances with one application.id split the
// partitions; SIGKILL of an instance moves its tasks to the others, which
// restore state and continue. Over three kills, at-least-once loses nothing
// and exactly-once gives exact counts with no duplicate in the committed output.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { AppProcess, brokers, createTopics, readAll, startApp, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { countSequences, expectedCounts, finalCounts, sampleLines, wordCountApp } from '../support/wordcount-app.ts';

const partitions = 6;

async function allTasksCovered(apps: AppProcess[]): Promise<string[] | undefined> {
  const owned = (await Promise.all(apps.map((app) => app.activeTasks()))).flat().sort();
  // Two sub-topologies (split → repartition → count), each with a task per partition.
  const all = Array.from({ length: partitions }, (_, index) => [`0_${index}`, `1_${index}`]).flat().sort();
  return JSON.stringify(owned) === JSON.stringify(all) ? owned : undefined;
}

for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
  test(`${guarantee}: two instances split the partitions, and three SIGKILLs lose nothing`, { timeout: 420_000 }, async () => {
    const applicationId = uniqueName(guarantee === 'at_least_once' ? 'alos' : 'eos');
    const input = `${applicationId}-lines`;
    const output = `${applicationId}-counts`;
    await createTopics([{ topic: input, partitions }, { topic: output, partitions }]);
    const app = (name: string) => startApp(name, wordCountApp({ applicationId, input, output, guarantee, stateDir: temporaryDirectory(), commitIntervalMs: 200 }));
    const lines = sampleLines(3000, guarantee === 'at_least_once' ? 7 : 11);
    const waves = 8;
    const waveSize = Math.ceil(lines.length / waves);
    let produced = 0;
    const produceWave = async () => {
      const wave = lines.slice(produced, produced + waveSize);
      await produceRecords(await brokers(), input, wave.map((line, index) => ({ key: String(produced + index), value: line })));
      produced += wave.length;
    };

    let first = await app('first');
    let second = await app('second');
    // Two instances split the six tasks between them, each running some.
    await waitFor('the two instances to split the tasks', async () => {
      const [a, b] = [await first.activeTasks(), await second.activeTasks()];
      return a.length > 0 && b.length > 0 && (await allTasksCovered([first, second]));
    });
    await produceWave();
    await produceWave();

    // Kill 1: the first instance; the second takes every task.
    first.kill('SIGKILL');
    await first.waitExit();
    await produceWave();
    await waitFor('the survivor to own every task', () => allTasksCovered([second]), 90_000);
    // A third instance joins; the tasks spread again.
    const third = await app('third');
    await waitFor('rebalance onto the new instance', async () => (await third.activeTasks()).length > 0 && (await allTasksCovered([second, third])), 90_000);
    await produceWave();

    // Kill 2: the second instance.
    second.kill('SIGKILL');
    await second.waitExit();
    await produceWave();
    await waitFor('the third instance to own every task', () => allTasksCovered([third]), 90_000);
    first = await app('fourth');
    await waitFor('rebalance onto the fourth instance', async () => (await first.activeTasks()).length > 0 && (await allTasksCovered([third, first])), 90_000);
    await produceWave();

    // Kill 3: the third instance; the fourth survives and finishes.
    third.kill('SIGKILL');
    await third.waitExit();
    while (produced < lines.length) await produceWave();
    await waitFor('the last survivor to own every task', () => allTasksCovered([first]), 90_000);

    const expected = expectedCounts(lines);
    const done = (counts: Map<string, number>) => [...expected].every(([word, count]) => (counts.get(word) ?? 0) >= count);
    const records = await waitFor('every word counted', async () => {
      const read = await readAll(output);
      return done(finalCounts(read)) ? read : undefined;
    }, 180_000, 2000);
    second = first;
    assert.equal(await second.stop(), 0);

    const counts = finalCounts(records);
    assert.deepEqual([...counts.keys()].sort(), [...expected.keys()].sort(), 'every word, and only those');
    if (guarantee === 'exactly_once_v2') {
      assert.deepEqual(new Map([...counts].sort()), new Map([...expected].sort()), 'exact final counts');
      for (const [word, sequence] of countSequences(records)) {
        assert.deepEqual(sequence, Array.from({ length: expected.get(word)! }, (_, index) => index + 1), `committed updates of '${word}' are 1..n with no duplicate`);
      }
    } else {
      for (const [word, count] of expected) assert.ok(counts.get(word)! >= count, `no loss for '${word}': ${counts.get(word)} >= ${count}`);
    }
  });
}
