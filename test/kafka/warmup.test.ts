// Scale-out without restoring (Kafka Streams' KIP-441): when an instance
// joins, stateful tasks do not move to it while their owner is caught up —
// it first keeps warm-up copies of them, asks for a (probing) rebalance once
// the copies have caught up, and only then takes the tasks over, from its own
// copies. Stateless tasks move at once. Counts stay exact (exactly-once).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { brokers, createTopics, readAll, startApp, uniqueName, waitFor, type AppProcess } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { countSequences, expectedCounts, finalCounts, sampleLines, wordCountApp } from '../support/wordcount-app.ts';

const statefulTasks = (tasks: string[]) => tasks.filter((task) => task.startsWith('1_'));

async function tasksOf(app: AppProcess): Promise<{ active: string[]; standby: string[] }> {
  const status = await app.status();
  return {
    active: status.threads.flatMap((thread) => thread.activeTasks.filter((task) => task.state === 'running').map((task) => task.taskId)).sort(),
    standby: status.threads.flatMap((thread) => thread.standbyTasks).sort(),
  };
}

test('a joining instance warms up copies of stateful tasks and takes them over only once caught up, restoring nothing', { timeout: 240_000 }, async () => {
  const applicationId = uniqueName('warmup');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  await createTopics([{ topic: input, partitions: 4 }, { topic: output, partitions: 4 }]);
  // acceptable.recovery.lag 0: a copy is caught up only when it has every changelog record.
  const appYaml = () => `${wordCountApp({ applicationId, input, output, guarantee: 'exactly_once_v2', stateDir: temporaryDirectory() })}acceptable.recovery.lag: 0\n`;
  const lines = sampleLines(1200, 5);
  const bootstrap = await brokers();
  const produce = (from: number, to: number) => produceRecords(bootstrap, input, lines.slice(from, to).map((line, index) => ({ key: String(from + index), value: line })));

  const first = await startApp('first', appYaml());
  await waitFor('the first instance to run every task', async () => ((await tasksOf(first)).active.length === 8 ? true : undefined));
  await produce(0, 600);
  await waitFor('the first half counted', async () => {
    const counts = finalCounts(await readAll(output));
    return [...expectedCounts(lines.slice(0, 600))].every(([word, count]) => counts.get(word) === count) ? true : undefined;
  });

  const second = await startApp('second', appYaml());
  // Its first assignment: stateless split tasks at once, stateful count tasks only as warm-up copies.
  const warming = await waitFor('warm-up copies on the second instance', async () => (/warming up \[(1_\d(, )?)+\]/.test(second.output) ? second.output : undefined), 90_000);
  const warmed = /warming up \[([^\]]+)\]/.exec(warming)![1]!.split(', ');
  assert.equal(warmed.length, 2, 'max.warmup.replicas (2) copies');
  assert.ok(warmed.every((task) => task.startsWith('1_')), `only stateful tasks warm up: ${warmed.join(', ')}`);
  // Once caught up, it asks for a rebalance and takes the warmed tasks over.
  await waitFor('the second instance to take over its warmed tasks', async () => {
    const { active } = await tasksOf(second);
    return warmed.every((task) => active.includes(task)) ? true : undefined;
  }, 120_000);
  assert.match(second.output, /warm-up copies \[[^\]]+\] caught up; asking for a rebalance/);
  const restoredOnSecond = [...second.output.matchAll(/task (1_\d): restored (\d+) changelog records/g)].filter(([, task]) => warmed.includes(task!));
  assert.deepEqual(restoredOnSecond, [], 'the warmed tasks open from their copies: no restore from the changelog');
  const both = [...(await tasksOf(first)).active, ...(await tasksOf(second)).active].sort();
  assert.deepEqual(both, ['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3'], 'every task runs exactly once');
  assert.equal(statefulTasks((await tasksOf(second)).active).length, 2, 'balanced: two count tasks each');

  await produce(600, lines.length);
  const expected = expectedCounts(lines);
  const records = await waitFor('every word counted', async () => {
    const read = await readAll(output);
    const counts = finalCounts(read);
    return [...expected].every(([word, count]) => counts.get(word) === count) ? read : undefined;
  }, 120_000);
  for (const [word, sequence] of countSequences(records)) {
    assert.deepEqual(sequence, Array.from({ length: expected.get(word)! }, (_, index) => index + 1), `committed updates of '${word}' are 1..n`);
  }
  assert.equal(await second.stop(), 0);
  assert.equal(await first.stop(), 0);
});
