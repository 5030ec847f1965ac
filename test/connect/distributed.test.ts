// Distributed Connect workers (`eddy connect-distributed`): three workers
// with one group.id share a file source and a file sink created through the
// REST API of one of them; every worker answers for every connector; the
// worker running the source task is killed with SIGKILL mid-stream, the task
// moves to another worker after the group notices, resumes from the offsets
// topic, and the sink file ends up with every line (at least once, in
// order of first appearance); a new sink configuration restarts its task
// with the new converter; a worker that joins later reads every
// configuration from the config topic.

import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { call, startWorker, type Status, type Worker } from '../support/connect-distributed.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('three distributed workers share connectors; the worker running the source is killed: its task moves and the sink has every line', { timeout: 300_000 }, async () => {
  const directory = temporaryDirectory('connect-distributed');
  const group = uniqueName('eddy-connect');
  const topic = `${group}-lines`;
  await createTopics([{ topic, partitions: 1 }]);
  const input = join(directory, 'input.txt');
  const output = join(directory, 'output.txt');
  const first = Array.from({ length: 50 }, (_, index) => `line ${index} · ünïcödé ${'x'.repeat(index % 7)}`);
  writeFileSync(input, `${first.join('\n')}\n`);
  const workers = [await startWorker(await brokers(), directory, group, 1), await startWorker(await brokers(), directory, group, 2), await startWorker(await brokers(), directory, group, 3)];
  try {
    const [a, b, c] = workers as [Worker, Worker, Worker];
    assert.equal((await call(a.url, 'POST', '/connectors', { name: 'source', config: { 'connector.class': 'FileStreamSource', file: input, topic } })).status, 201);
    assert.equal((await call(b.url, 'PUT', '/connectors/sink/config', { 'connector.class': 'FileStreamSink', file: output, topics: topic })).status, 201);

    // Without exactly.once.source.support=enabled, a connector that requires exactly-once is refused (Kafka's message).
    const required = (await call(a.url, 'PUT', '/connector-plugins/FileStreamSource/config/validate', { 'connector.class': 'FileStreamSource', name: 'eos', file: input, topic, 'exactly.once.support': 'required' })).body as { configs: Array<{ value: { name: string; errors: string[] } }> };
    assert.deepEqual(required.configs.find(({ value }) => value.name === 'exactly.once.support')!.value.errors, ['This worker does not have exactly-once source support enabled.']);

    // Every worker knows both connectors and answers for them.
    for (const worker of workers) {
      await waitFor('every worker to list both connectors', async () => JSON.stringify(((await call(worker.url, 'GET', '/connectors')).body as string[]).sort()) === '["sink","source"]');
    }
    const lines = () => (existsSync(output) ? readFileSync(output, 'utf8').split('\n').slice(0, -1) : []);
    await waitFor('the first lines in the sink file', async () => lines().length >= first.length, 120_000);
    assert.deepEqual(lines(), first);

    const running = async (worker: Worker) => (await call(worker.url, 'GET', '/connectors/source/status')).body as Status;
    const before = await waitFor('the source task to report RUNNING', async () => {
      const status = await running(c);
      return status.tasks[0]?.state === 'RUNNING' ? status : undefined;
    });
    const victim = workers.find((worker) => worker.id === before.tasks[0]!.worker_id)!;
    assert.ok(victim, `a worker runs the source task (${before.tasks[0]!.worker_id})`);
    victim.process.child.kill('SIGKILL');
    const survivors = workers.filter((worker) => worker !== victim);

    const more = Array.from({ length: 30 }, (_, index) => `after the kill ${index} 🚀`);
    appendFileSync(input, `${more.join('\n')}\n`);
    const after = await waitFor('the source task to run on a surviving worker', async () => {
      const status = await running(survivors[0]!);
      const task = status.tasks[0];
      return task && task.state === 'RUNNING' && task.worker_id !== victim.id ? status : undefined;
    }, 120_000);
    assert.ok(survivors.some((worker) => worker.id === after.tasks[0]!.worker_id));

    await waitFor('every line in the sink file', async () => [...first, ...more].every((line) => lines().includes(line)), 120_000);
    // At least once: lines may repeat after the kill, but none is missing and none is out of order.
    const seen = lines();
    const firstSeen = [...new Set(seen)];
    assert.deepEqual(firstSeen, [...first, ...more]);

    // A new configuration restarts the connector's tasks with it: the sink now reads values with the
    // StringConverter, so it writes the JSON envelope as text.
    assert.equal((await call(survivors[0]!.url, 'PUT', '/connectors/sink/config', { 'connector.class': 'FileStreamSink', file: output, topics: topic, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' })).status, 200);
    await waitFor('the sink task to restart with the new converter', async () => {
      appendFileSync(input, 'reconfigured\n');
      return lines().includes('{"schema":{"type":"string","optional":false},"payload":"reconfigured"}');
    }, 120_000, 2000);

    // A worker that joins now reads every configuration from the config topic.
    const late = await startWorker(await brokers(), directory, group, 4);
    workers.push(late);
    assert.equal((await call(late.url, 'GET', '/connectors/sink/config')).body instanceof Object, true);
    assert.equal(((await call(late.url, 'GET', '/connectors/source/config')).body as Record<string, string>).topic, topic);
    const status = (await call(late.url, 'GET', '/connectors/sink/status')).body as Status;
    assert.equal(status.tasks.length, 1);
  } finally {
    await Promise.all(workers.map((worker) => worker.process.stop()));
  }
});

test('incremental cooperative rebalancing (KIP-415): a worker that joins takes half the tasks, and only the tasks that move stop; when it leaves, its tasks come back', { timeout: 300_000 }, async () => {
  const directory = temporaryDirectory('connect-cooperative');
  const group = uniqueName('eddy-cooperative');
  const topic = `${group}-orders`;
  await createTopics([{ topic, partitions: 4 }]);
  const first = await startWorker(await brokers(), directory, group, 1);
  let second: Worker | undefined;
  try {
    assert.equal((await call(first.url, 'POST', '/connectors', {
      name: 'gen', config: { 'connector.class': 'DatagenConnector', 'kafka.topic': topic, quickstart: 'orders', 'max.interval': '200', 'tasks.max': '4' },
    })).status, 201);
    const status = async (worker: Worker) => (await call(worker.url, 'GET', '/connectors/gen/status')).body as Status;
    const placed = async (worker: Worker, expected: (tasks: Status['tasks']) => boolean) => waitFor('the tasks to settle', async () => {
      const tasks = (await status(worker)).tasks;
      return tasks.length === 4 && tasks.every((task) => task.state === 'RUNNING') && expected(tasks) ? tasks : undefined;
    }, 120_000);
    await placed(first, (tasks) => tasks.every((task) => task.worker_id === first.id));
    const stoppedOn = (worker: Worker) => worker.process.output.split('\n').filter((line) => /\[gen-\d\] task stopped/.test(line)).map((line) => /\[(gen-\d)\]/.exec(line)![1]!);
    assert.deepEqual(stoppedOn(first), []);

    second = await startWorker(await brokers(), directory, group, 2);
    const shared = await placed(first, (tasks) => tasks.filter((task) => task.worker_id === second!.id).length === 2 && tasks.filter((task) => task.worker_id === first.id).length === 2);
    const moved = shared.filter((task) => task.worker_id === second!.id).map((task) => `gen-${task.id}`).sort();
    // Only the two tasks that moved were stopped on the first worker; the other two ran through the rebalances.
    assert.deepEqual(stoppedOn(first).sort(), moved);
    assert.match(first.process.output, /2 revoked/);

    // The second worker leaves: its tasks come back to the first, and nothing else stops there.
    await second.process.stop();
    second = undefined;
    await placed(first, (tasks) => tasks.every((task) => task.worker_id === first.id));
    assert.deepEqual(stoppedOn(first).sort(), moved);
  } finally {
    await second?.process.stop();
    await first.process.stop();
  }
});
