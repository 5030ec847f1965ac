// Exactly-once v2 with one transactional producer per stream thread: when one
// task of the thread fails, the thread's transaction — which holds the other
// tasks' uncommitted work too — aborts, every task rolls back to its last
// commit and reopens, and the committed output still has every record of the
// healthy partition exactly once and nothing of the aborted work.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { pluginPath } from '../support/plugins.ts';
import { appHeader, brokers, createTopics, readAll, startApp, uniqueName, waitFor } from '../support/kafka.ts';

test('a task that fails in the thread transaction rolls its thread back; the other partition is still exactly once', { timeout: 240_000 }, async () => {
  const applicationId = uniqueName('thread-txn');
  const input = `${applicationId}-in`;
  const output = `${applicationId}-out`;
  await createTopics([{ topic: input, partitions: 2 }, { topic: output, partitions: 2 }]);
  const app = await startApp(applicationId, `
${appHeader(applicationId)}
processing.guarantee: exactly_once_v2
topology:
  sources: [{ name: in, topics: [${input}] }]
  processors: [{ name: guard, plugin: ${pluginPath('misbehaving/trap')}, parents: [in] }]
  sinks: [{ name: out, topic: ${output}, parents: [guard] }]
`);
  await waitFor('tasks to run', async () => (await app.activeTasks()).length === 2);
  const bootstrap = await brokers();
  const healthy: string[] = [];
  const produceHealthy = async (count: number) => {
    const values = Array.from({ length: count }, (_, index) => `h${healthy.length + index}`);
    healthy.push(...values);
    await produceRecords(bootstrap, input, values.map((value) => ({ key: value, value, partition: 1 })));
  };
  await produceHealthy(20);
  // One produce request: 'before' and 'panic' reach task 0_0 in one batch, so
  // the output of 'before' is in the transaction that 'panic' aborts.
  await produceRecords(bootstrap, input, [
    { key: 'a', value: 'before', partition: 0 },
    { key: 'b', value: 'panic', partition: 0 },
    { key: 'c', value: 'after', partition: 0 },
  ]);
  // Keep the healthy partition busy while task 0_0 fails, rolls the thread
  // back and is retried.
  const retried = await waitFor('task 0_0 to be retried twice', async () => {
    await produceHealthy(10);
    const task = (await app.status()).threads.flatMap((thread) => thread.activeTasks).find((entry) => entry.taskId === '0_0');
    return task && (task.retries ?? 0) >= 2 ? task : undefined;
  }, 120_000, 500);
  assert.match(retried.lastError ?? '', /boom: asked to panic/);
  await produceHealthy(10);

  const records = await waitFor('every healthy record committed', async () => {
    const read = await readAll(output);
    const values = new Set(read.map((record) => record.value));
    return healthy.every((value) => values.has(value)) ? read : undefined;
  }, 120_000, 1000);
  const values = records.map((record) => record.value ?? '');
  const committedHealthy = values.filter((value) => value.startsWith('h'));
  assert.deepEqual([...committedHealthy].sort(), [...healthy].sort(), 'every record of the healthy partition exactly once, although its work was rolled back with the thread');
  assert.deepEqual(values.filter((value) => !value.startsWith('h')), [], "nothing of the failing task commits: 'before' was in the aborted transaction, 'after' is never reached");
  assert.match(app.output, /task 0_0 failed and stopped processing \(its thread's transaction aborts\)/);
  assert.match(app.output, /rolled back with the thread's transaction: task 0_0 failed/);
  const status = (await app.status()).threads.flatMap((thread) => thread.activeTasks);
  assert.equal(status.find((task) => task.taskId === '0_1')?.state, 'running', 'the healthy task is running again');
  assert.equal(await app.stop(), 0);
});
