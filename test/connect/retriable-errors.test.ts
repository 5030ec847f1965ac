// Retriable errors (Kafka Connect's RetriableException, through
// `eddy:plugin/retriable-errors`), on a real broker with test-only plugins:
// - a source whose poll fails retriably three times in a row
//   (plugins/misbehaving/connector-rust, misbehave=retriable) goes on, as
//   Kafka's AbstractWorkerSourceTask.poll does, and loses nothing;
// - a transform that fails retriably twice per record
//   (plugins/testing/flaky-transform-rust) is retried with backoff within
//   errors.retry.timeout and every record arrives, unchanged and once; with
//   the default errors.retry.timeout=0 the failure counts at once (the task
//   fails with Kafka's "Tolerance exceeded", or with errors.tolerance=all
//   the records are skipped); a failure not marked retriable is never
//   retried;
// - a sink whose put fails retriably twice per batch
//   (plugins/testing/flaky-sink-rust) is given the same records again after
//   the wait it asked for (SinkTaskContext.timeout), and writes every record
//   once, in order; without a wait of its own, after the commit interval.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { brokers, createTopics, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const misbehaving = join(repositoryRoot, 'plugins/misbehaving/connector-rust');
const flakyTransform = join(repositoryRoot, 'plugins/testing/flaky-transform-rust');
const flakySink = join(repositoryRoot, 'plugins/testing/flaky-sink-rust');

interface Logged {
  level: string;
  message: string;
}

async function standalone(directory: string, connector: Record<string, string>, logged: Logged[], flushMs = 300): Promise<StandaloneWorker> {
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\noffset.flush.interval.ms=${flushMs}\n`);
  writeFileSync(join(directory, 'connector.properties'), Object.entries(connector).map(([key, value]) => `${key}=${value}`).join('\n'));
  return StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'connector.properties')], {
    log: (level, _where, message) => logged.push({ level, message }),
    sourceIdleMs: 50,
  });
}

/** The misbehaving source counting into `topic`, with a chain of one flaky transform. */
function countingSource(name: string, topic: string, extra: Record<string, string>): Record<string, string> {
  return {
    name, 'connector.class': misbehaving, topic, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    transforms: 'flaky', 'transforms.flaky.plugin': flakyTransform, 'transforms.flaky.type': 'Flaky', ...extra,
  };
}

const values = (records: Array<{ value: string | null }>) => records.map((record) => record.value);

test('a source poll that fails retriably is polled again; a transform that fails retriably is retried within errors.retry.timeout: every record arrives once, in order', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-retriable-source');
  const topic = uniqueName('retriable-source');
  await createTopics([{ topic, partitions: 1 }]);
  const logged: Logged[] = [];
  const worker = await standalone(directory, countingSource(topic, topic, {
    misbehave: 'retriable', after: '2', retries: '3',
    'transforms.flaky.fail.times': '2', 'errors.retry.timeout': '30000', 'errors.retry.delay.max.ms': '100',
  }), logged);
  try {
    await waitFor('8 records', async () => (await readAll(topic)).length >= 8, 60_000);
    const status = worker.status()[0]!.tasks[0]!;
    assert.equal(status.state, 'RUNNING', status.trace);
  } finally {
    await worker.stop();
  }
  const written = values(await readAll(topic));
  assert.deepEqual(written, written.map((_, index) => String(index)), 'the counter, once each, in order');
  const retriedPolls = logged.filter((entry) => entry.level === 'warn' && entry.message.startsWith('failed to poll records from SourceTask. Will retry operation'));
  assert.equal(retriedPolls.length, 3, JSON.stringify(retriedPolls));
  assert.match(retriedPolls[0]!.message, /retriable failure 1 of 3 on purpose/);
  assert.deepEqual(logged.filter((entry) => entry.level === 'error'), []);
});

test('errors.retry.timeout=0 (the default): a retriable transform failure counts at once — the task fails, or with errors.tolerance=all the record is skipped; a failure not marked retriable is never retried', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-retriable-timeout');
  const failing = uniqueName('retriable-none');
  const skipping = uniqueName('retriable-all');
  const plain = uniqueName('retriable-plain');
  await createTopics([{ topic: failing, partitions: 1 }, { topic: skipping, partitions: 1 }, { topic: plain, partitions: 1 }]);

  // tolerance none: the first record's first failure fails the task.
  let worker = await standalone(directory, countingSource(failing, failing, { misbehave: 'trap', after: '1000', 'transforms.flaky.fail.times': '1' }), []);
  try {
    await waitFor('the task to fail', async () => worker.status()[0]!.tasks[0]!.state === 'FAILED', 60_000);
    assert.match(worker.status()[0]!.tasks[0]!.trace!, /Tolerance exceeded in error handler[\s\S]*failure 1 of 1 on purpose/);
  } finally {
    await worker.stop();
  }
  assert.equal((await readAll(failing)).length, 0);

  // tolerance all: every other record fails once (fail.times=1: fail, pass, fail, pass…) and is skipped.
  worker = await standalone(temporaryDirectory('connect-retriable-all'), countingSource(skipping, skipping, { misbehave: 'trap', after: '1000', 'transforms.flaky.fail.times': '1', 'errors.tolerance': 'all' }), []);
  try {
    await waitFor('5 records', async () => (await readAll(skipping)).length >= 5, 60_000);
    assert.equal(worker.status()[0]!.tasks[0]!.state, 'RUNNING');
  } finally {
    await worker.stop();
  }
  const kept = values(await readAll(skipping)).map(Number);
  assert.deepEqual(kept.slice(0, 5), [1, 3, 5, 7, 9], 'the records whose first try failed are skipped, not retried');

  // Not marked retriable: not retried even with a long errors.retry.timeout.
  worker = await standalone(temporaryDirectory('connect-retriable-plain'), countingSource(plain, plain, {
    misbehave: 'trap', after: '1000', 'transforms.flaky.fail.times': '1', 'transforms.flaky.retriable': 'false', 'errors.retry.timeout': '30000',
  }), []);
  try {
    await waitFor('the task to fail', async () => worker.status()[0]!.tasks[0]!.state === 'FAILED', 60_000);
  } finally {
    await worker.stop();
  }
  assert.equal((await readAll(plain)).length, 0);
});

test('a sink put that fails retriably gets the same records again after the wait the task asked for (or the commit interval): every record written once, in order', { timeout: 120_000 }, async () => {
  for (const [label, extra, flushMs] of [['with retry.timeout.ms', { 'retry.timeout.ms': '150' }, 60_000], ['without', {}, 300]] as const) {
    const directory = temporaryDirectory('connect-retriable-sink');
    const topic = uniqueName('retriable-sink');
    await createTopics([{ topic, partitions: 1 }]);
    const lines = Array.from({ length: 20 }, (_, index) => `line ${index}`);
    await produceRecords(await brokers(), topic, lines.map((value) => ({ key: null, value })));
    const file = join(directory, 'out.txt');
    const logged: Logged[] = [];
    // With retry.timeout.ms the commit interval is a minute: only the task's own wait can bring the records back in time.
    const worker = await standalone(directory, {
      name: topic, 'connector.class': flakySink, topics: topic, file, 'fail.puts': '2', ...extra,
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    }, logged, flushMs);
    try {
      await waitFor(`${label}: every line written`, async () => {
        try {
          return readFileSync(file, 'utf8').split('\n').filter(Boolean).length >= lines.length;
        } catch {
          return false;
        }
      }, 60_000);
      assert.equal(worker.status()[0]!.tasks[0]!.state, 'RUNNING');
    } finally {
      await worker.stop();
    }
    assert.deepEqual(readFileSync(file, 'utf8').split('\n').filter(Boolean), lines, label);
    const retries = logged.filter((entry) => entry.level === 'error' && entry.message.startsWith('RetriableException from SinkTask'));
    assert.ok(retries.length >= 2, `${label}: ${retries.length} retries logged`);
    assert.match(retries[0]!.message, new RegExp(`the same \\d+ record\\(s\\) are put again in ${'retry.timeout.ms' in extra ? 150 : flushMs} ms`));
  }
});
