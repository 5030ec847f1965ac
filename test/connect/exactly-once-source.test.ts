// Exactly-once source connectors (KIP-618) on distributed workers with
// `exactly.once.source.support=enabled`: three workers run two file sources
// — one committing a transaction per poll batch, one per interval — while
// their input files grow; the worker running each source task is killed
// with SIGKILL mid-stream (lines are still being appended), the task moves,
// fences the dead worker's producer and resumes from the offsets committed
// with its records. Apache Kafka's Java consumer (read_committed) then
// reads every line exactly once, in order, from both topics. The preflight
// checks refuse what Kafka's distributed herder refuses, with its messages,
// and accept `exactly.once.support=required` for the file source.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { call, LineAppender, payloads, startWorker, type Status, type Worker } from '../support/connect-distributed.ts';
import { readCommittedBytes } from '../support/java-reader.ts';
import { brokers, createTopics, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('exactly-once sources: SIGKILL of the worker running each source task mid-stream; the Java read_committed consumer reads every line once, in order', { timeout: 420_000 }, async () => {
  const directory = temporaryDirectory('connect-exactly-once');
  const group = uniqueName('eddy-eos');
  const topics = { poll: `${group}-poll`, interval: `${group}-interval` };
  await createTopics([{ topic: topics.poll, partitions: 1 }, { topic: topics.interval, partitions: 1 }]);
  const enabled = ['exactly.once.source.support=enabled'];
  const workers: Worker[] = [];
  for (let index = 1; index <= 3; index++) workers.push(await startWorker(await brokers(), directory, group, index, enabled));
  const appenders = { poll: new LineAppender(join(directory, 'poll.txt'), 'poll'), interval: new LineAppender(join(directory, 'interval.txt'), 'interval') };
  try {
    const url = () => workers.find((worker) => worker.process.child.exitCode === null && worker.process.child.signalCode === null)!.url;

    // Refused as Kafka's distributed herder refuses them.
    const refused = await call(url(), 'POST', '/connectors', { name: 'bad', config: { 'connector.class': 'FileStreamSource', file: join(directory, 'x'), topic: 'x', 'transaction.boundary': 'connector', 'exactly.once.support': 'sometimes' } });
    assert.equal(refused.status, 400);
    assert.match((refused.body as { message: string }).message, /Invalid value sometimes for configuration exactly\.once\.support: String must be one of \(case insensitive\): requested, required/);
    const boundary = await call(url(), 'POST', '/connectors', { name: 'bad', config: { 'connector.class': 'FileStreamSource', file: join(directory, 'x'), topic: 'x', 'transaction.boundary': 'connector' } });
    assert.equal(boundary.status, 400);
    assert.match((boundary.body as { message: string }).message, /The connector does not support connector-defined transaction boundaries with the given configuration\./);

    // exactly.once.support=required: the file source says it supports it (as Kafka's), and this worker has it enabled.
    const required = await call(url(), 'PUT', '/connector-plugins/FileStreamSource/config/validate', { 'connector.class': 'FileStreamSource', name: 'required', file: join(directory, 'x'), topic: 'x', 'exactly.once.support': 'required' });
    assert.equal((required.body as { error_count: number }).error_count, 0, JSON.stringify(required.body));

    appenders.poll.start();
    appenders.interval.start();
    assert.equal((await call(url(), 'POST', '/connectors', { name: 'poll', config: { 'connector.class': 'FileStreamSource', file: join(directory, 'poll.txt'), topic: topics.poll, 'batch.size': '50' } })).status, 201);
    assert.equal((await call(url(), 'POST', '/connectors', {
      name: 'interval',
      config: { 'connector.class': 'FileStreamSource', file: join(directory, 'interval.txt'), topic: topics.interval, 'transaction.boundary': 'interval', 'transaction.boundary.interval.ms': '300' },
    })).status, 201);

    let next = 4;
    for (const connector of ['poll', 'interval'] as const) {
      const topic = topics[connector];
      // Lines are flowing into the topic: the kill lands mid-stream.
      await waitFor(`${connector}: lines in ${topic}`, async () => (await readAll(topic)).length > 100, 120_000);
      const status = await waitFor(`${connector}: its task RUNNING`, async () => {
        const body = (await call(url(), 'GET', `/connectors/${connector}/status`)).body as Status;
        return body.tasks[0]?.state === 'RUNNING' ? body : undefined;
      });
      const victim = workers.find((worker) => worker.id === status.tasks[0]!.worker_id);
      assert.ok(victim, `a worker runs ${connector}'s task (${status.tasks[0]!.worker_id})`);
      victim.process.child.kill('SIGKILL');
      workers.splice(workers.indexOf(victim), 1);
      // A replacement keeps three workers in the group.
      workers.push(await startWorker(await brokers(), directory, group, next++, enabled));
      await waitFor(`${connector}: its task RUNNING on another worker`, async () => {
        const body = (await call(url(), 'GET', `/connectors/${connector}/status`)).body as Status;
        return body.tasks[0]?.state === 'RUNNING' && body.tasks[0].worker_id !== victim.id;
      }, 180_000);
    }

    appenders.poll.stop();
    appenders.interval.stop();
    const bootstrap = await brokers();
    for (const connector of ['poll', 'interval'] as const) {
      const expected = appenders[connector].expected();
      await waitFor(`${connector}: all ${expected.length} lines committed`, async () => new Set(payloads((await readAll(topics[connector])).map((record) => record.value))).size >= expected.length, 180_000, 1000);
      const committed = payloads((await readCommittedBytes(bootstrap, topics[connector])).map((record) => record.value?.toString('utf8') ?? null));
      const repeated = committed.length - new Set(committed).size;
      assert.equal(repeated, 0, `${connector}: ${repeated} line(s) committed twice`);
      assert.deepEqual(committed, expected, `${connector}: every line once, in order`);
    }
  } finally {
    appenders.poll.stop();
    appenders.interval.stop();
    await Promise.all(workers.map((worker) => worker.process.stop()));
  }
});
