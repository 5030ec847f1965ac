// A member that receives a newer assignment while it is still applying an
// older one must not act on the older one. Regression test: a member used to
// open (and, under exactly-once, fence) every task of a stale assignment, so
// the real owner's task failed with "old epoch" and stayed failed. Task
// opening is slowed down (EDDY_FAULT_TASK_OPEN_DELAY_MS) so that the second
// instance's join always lands while the first is still opening the tasks of
// its first, all-tasks assignment.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { brokers, createTopics, readAll, startApp, uniqueName, waitFor, type AppProcess } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { countSequences, expectedCounts, finalCounts, sampleLines, wordCountApp } from '../support/wordcount-app.ts';

const partitions = 6;

test('a newer assignment stops the older one being applied: no task is opened on a stale word, none stays failed, counts exact (exactly-once)', { timeout: 300_000 }, async () => {
  const applicationId = uniqueName('race');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  await createTopics([{ topic: input, partitions }, { topic: output, partitions }]);
  const lines = sampleLines(1200, 5);
  await produceRecords(await brokers(), input, lines.slice(0, 600).map((line, index) => ({ key: String(index), value: line })));
  const start = (name: string) =>
    startApp(name, wordCountApp({ applicationId, input, output, guarantee: 'exactly_once_v2', stateDir: temporaryDirectory(), commitIntervalMs: 100 }), {
      env: { EDDY_FAULT_TASK_OPEN_DELAY_MS: '1500' },
    });
  const first = await start('first');
  // The first instance is alone: its first assignment holds all six tasks,
  // which take ~9 s to open; the second joins meanwhile.
  await waitFor('the first instance to start opening tasks', async () => /assigned active \[0_0, 0_1, 0_2, 0_3, 0_4, 0_5, 1_0, 1_1, 1_2, 1_3, 1_4, 1_5\]/.test(first.output), 60_000, 100);
  const second = await start('second');
  const apps: AppProcess[] = [first, second];
  const all = Array.from({ length: partitions }, (_, index) => [`0_${index}`, `1_${index}`]).flat().sort();
  await waitFor('every task running on exactly one instance', async () => {
    const owned = (await Promise.all(apps.map((app) => app.activeTasks()))).flat().sort();
    return JSON.stringify(owned) === JSON.stringify(all) && (await second.activeTasks()).length > 0 ? owned : undefined;
  }, 120_000, 500);
  await produceRecords(await brokers(), input, lines.slice(600).map((line, index) => ({ key: String(600 + index), value: line })));
  const expected = expectedCounts(lines);
  const records = await waitFor('every word counted', async () => {
    const read = await readAll(output);
    const counts = finalCounts(read);
    return [...expected].every(([word, count]) => (counts.get(word) ?? 0) >= count) ? read : undefined;
  }, 120_000, 1000);
  for (const [word, sequence] of countSequences(records)) {
    assert.deepEqual(sequence, Array.from({ length: expected.get(word)! }, (_, index) => index + 1), `committed updates of '${word}' are 1..n`);
  }
  for (const app of apps) {
    const tasks = (await app.status()).threads.flatMap((thread) => thread.activeTasks);
    assert.deepEqual(tasks.filter((task) => task.state === 'failed'), [], `${app.name} has no failed task`);
    assert.deepEqual(tasks.filter((task) => /epoch|fenc/i.test(task.lastError ?? '')), [], `${app.name}: no task of its was fenced by a stale owner`);
  }
  assert.doesNotMatch(second.output, /old epoch|fenced/i, 'the second instance was never fenced');
  await Promise.all(apps.map((app) => app.stop()));
});

// A task revoked by one assignment and handed back by the next, before the
// member applied the first: the member used to keep the task it still held —
// with the state and positions of before the revocation — and process again
// what the other member had committed meanwhile (counts went back and
// counted up again). Applying an assignment is slowed down on the first
// instance (EDDY_FAULT_RECONCILE_DELAY_MS) so that the second instance joins,
// processes and leaves before the first applied the assignment that took
// tasks away from it.
test('a task revoked and handed back before the revocation was applied restarts from what the other member committed (exactly-once)', { timeout: 300_000 }, async () => {
  const applicationId = uniqueName('handback');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  const twoPartitions = 2;
  await createTopics([{ topic: input, partitions: twoPartitions }, { topic: output, partitions: twoPartitions }]);
  const lines = sampleLines(900, 7);
  const produce = (from: number, to: number) => brokers().then((bootstrap) => produceRecords(bootstrap, input, lines.slice(from, to).map((line, index) => ({ key: String(from + index), value: line }))));
  const counted = (upTo: number) =>
    waitFor(`the first ${upTo} lines counted`, async () => {
      const counts = finalCounts(await readAll(output));
      return [...expectedCounts(lines.slice(0, upTo))].every(([word, count]) => (counts.get(word) ?? 0) >= count) ? true : undefined;
    }, 120_000, 500);
  const app = (name: string, env: Record<string, string> = {}) =>
    startApp(name, wordCountApp({ applicationId, input, output, guarantee: 'exactly_once_v2', stateDir: temporaryDirectory(), commitIntervalMs: 100 }), { env });
  const allTasks = ['0_0', '0_1', '1_0', '1_1'];
  const first = await app('first', { EDDY_FAULT_RECONCILE_DELAY_MS: '30000' });
  await waitFor('the first instance running every task', async () => (JSON.stringify((await first.activeTasks()).sort()) === JSON.stringify(allTasks) ? true : undefined), 60_000, 200);
  await produce(0, 300);
  await counted(300);
  // The second instance takes half the tasks; the first does not apply that
  // for 30 s, but must stop running the revoked tasks at once.
  const second = await app('second');
  await waitFor('the second instance running its tasks', async () => ((await second.activeTasks()).length > 0 ? true : undefined), 60_000, 200);
  await produce(300, 600);
  await counted(600);
  // The second leaves: the first gets every task back, before it applied the revocation.
  await second.stop();
  await waitFor('the first instance running every task again', async () => (JSON.stringify((await first.activeTasks()).sort()) === JSON.stringify(allTasks) ? true : undefined), 120_000, 200);
  await produce(600, 900);
  const expected = expectedCounts(lines);
  const records = await waitFor('every word counted', async () => {
    const read = await readAll(output);
    const counts = finalCounts(read);
    return [...expected].every(([word, count]) => (counts.get(word) ?? 0) >= count) ? read : undefined;
  }, 120_000, 1000);
  // The race took place: the first instance never applied the half assignment.
  const applied = [...first.output.matchAll(/thread 0 assigned active \[([^\]]*)\]/g)].map((match) => match[1]);
  assert.ok(applied.length >= 1, 'the first instance applied assignments');
  assert.deepEqual(applied.filter((tasks) => tasks !== allTasks.join(', ')), [], 'the assignment without the revoked tasks was superseded before the first instance applied it');
  for (const [word, sequence] of countSequences(records)) {
    assert.deepEqual(sequence, Array.from({ length: expected.get(word)! }, (_, index) => index + 1), `committed updates of '${word}' are 1..n`);
  }
  await first.stop();
});
