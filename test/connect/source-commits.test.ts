// Source tasks hear what became of their records (Kafka Connect's
// SourceTask.commitRecord and commit), through `eddy:plugin/source-commits`,
// on a real broker, with the test-only plugin plugins/testing/source-commits-rust
// (it logs every piece of news). Its records are keyed k0…k3 over a topic of
// three partitions, and every fifth is a tombstone that a Filter transform
// (predicate RecordIsTombstone) drops. The news must say, for every record
// polled, exactly once and in poll order: where Kafka put it — the topic,
// partition, offset and timestamp a consumer reads it at — or, for the
// dropped ones, that it was not written; and that offsets were committed.
// At-least-once on a standalone worker (a record is committed once
// acknowledged, offset commits at each offset flush), and exactly once on a
// distributed worker (a record is committed once its transaction has
// committed, read read_committed).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import type { ReadRecord } from '../../runtime/kafka/kafka-client.ts';
import { call, startWorker, type Status } from '../support/connect-distributed.ts';
import { brokers, createTopics, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const plugin = join(repositoryRoot, 'plugins/testing/source-commits-rust');
const count = 30;
const tombstone = (position: number) => (position + 1) % 5 === 0;

function connector(name: string, topic: string): Record<string, string> {
  return {
    name, 'connector.class': plugin, topic, count: String(count), keys: '4', 'tombstone.every': '5', 'per.poll': '7',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    transforms: 'dropTombstones', 'transforms.dropTombstones.type': 'org.apache.kafka.connect.transforms.Filter', 'transforms.dropTombstones.predicate': 'isTombstone',
    predicates: 'isTombstone', 'predicates.isTombstone.type': 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
  };
}

interface News {
  /** `committed …` lines by sequence number (each must appear once). */
  committed: Map<number, string[]>;
  offsetCommits: number;
}

function news(lines: string[]): News {
  const committed = new Map<number, string[]>();
  let offsetCommits = 0;
  for (const line of lines) {
    const record = /committed (\d+) (position=\d+ .*)$/.exec(line);
    if (record) {
      const sequence = Number(record[1]);
      committed.set(sequence, [...(committed.get(sequence) ?? []), record[2]!]);
    }
    const commits = /offset commits (\d+)$/.exec(line);
    if (commits) offsetCommits += Number(commits[1]);
  }
  return { committed, offsetCommits };
}

/** Every record polled is told once, in poll order, with where the consumer finds it (or as not written). */
function assertNews(told: News, topic: string, records: ReadRecord[]): void {
  const written = new Map<number, ReadRecord>();
  for (const record of records) written.set(Number(Buffer.from(record.valueBytes!).toString('utf8').slice(1)), record);
  assert.equal(written.size, count - count / 5, 'the topic holds every record but the tombstones');
  assert.deepEqual([...told.committed.keys()].sort((a, b) => a - b), Array.from({ length: count }, (_, index) => index));
  for (let position = 0; position < count; position++) {
    const lines = told.committed.get(position)!;
    assert.equal(lines.length, 1, `record ${position} was told ${lines.length} times: ${lines.join(' | ')}`);
    const record = written.get(position);
    if (tombstone(position)) {
      assert.equal(record, undefined);
      assert.equal(lines[0], `position=${position} not written`);
    } else {
      assert.ok(record, `record ${position} is in ${topic}`);
      assert.equal(lines[0], `position=${position} at ${topic}/${record.partition}/${record.offset} timestamp=${record.timestamp}`);
    }
  }
  assert.ok(new Set(records.map((record) => record.partition)).size > 1, 'the records went to more than one partition');
}

test('at-least-once: a source task hears each record acknowledged, with its partition, offset and timestamp, dropped ones as not written, and each offset flush', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-source-commits');
  const topic = uniqueName('source-commits');
  await createTopics([{ topic, partitions: 3 }]);
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\noffset.flush.interval.ms=300\n`);
  writeFileSync(join(directory, 'source.properties'), Object.entries(connector(topic, topic)).map(([key, value]) => `${key}=${value}`).join('\n'));
  const lines: string[] = [];
  const worker = await StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'source.properties')], {
    log: (level, _where, message) => {
      if (level === 'info') lines.push(message);
    },
    sourceIdleMs: 50,
  });
  try {
    // The plugin takes its news at each poll: every record is told once the polls go on after the last batch.
    await waitFor('every record told, and an offset commit', async () => {
      const told = news(lines);
      return told.committed.size >= count && told.offsetCommits > 0;
    }, 60_000);
  } finally {
    await worker.stop();
  }
  assertNews(news(lines), topic, await readAll(topic));
});

test('exactly once: a source task hears its records once their transaction has committed, with where read_committed finds them, and each transaction as an offset commit', { timeout: 180_000 }, async () => {
  const directory = temporaryDirectory('connect-source-commits-eos');
  const group = uniqueName('source-commits-eos');
  const topic = `${group}-out`;
  await createTopics([{ topic, partitions: 3 }]);
  const worker = await startWorker(await brokers(), directory, group, 1, ['exactly.once.source.support=enabled']);
  try {
    assert.equal((await call(worker.url, 'POST', '/connectors', { name: 'listener', config: connector('listener', topic) })).status, 201);
    await waitFor('the task RUNNING', async () => ((await call(worker.url, 'GET', '/connectors/listener/status')).body as Status).tasks[0]?.state === 'RUNNING', 60_000);
    const output = () => worker.process.output.split('\n');
    await waitFor('every record told', async () => news(output()).committed.size >= count, 60_000);
    const told = news(output());
    // One transaction per poll batch: at least one offset commit for each batch of 7.
    assert.ok(told.offsetCommits >= Math.ceil(count / 7), `offset commits ${told.offsetCommits}`);
    assertNews(told, topic, await readAll(topic));
  } finally {
    await worker.process.stop();
  }
});
