// The dead-letter queue of SOURCE connectors (Eddy's extension: Kafka
// Connect has one for sinks only), on a real broker: a file source whose
// Cast transform refuses some lines. With errors.tolerance=all the refused
// lines land in the DLQ topic (created by the task) as polled — the value in
// JsonConverter's schema envelope — with Kafka's `__connect.errors.*` context
// headers (topic = the target topic, partition and offset -1) and Eddy's
// source partition and offset headers; the good lines reach the target
// topic, and after a restart nothing is sent again (the DLQ'd lines' offsets
// were stored). With tolerance none the failing line is copied before the
// task fails. Exactly once (a distributed worker, KIP-618): the copies
// commit with their batch's transaction (visible read_committed), and with
// tolerance none the failing line's copy goes down with the batch's
// aborted transaction (visible read_uncommitted only). The validate endpoint
// answers for a source as Kafka Connect's (no errors.deadletterqueue.* keys
// listed); creating the connector checks them.

import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import type { ReadRecord } from '../../runtime/kafka/kafka-client.ts';
import { call, startWorker, type Status } from '../support/connect-distributed.ts';
import { brokers, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const text = (value: Uint8Array | null) => (value === null ? null : Buffer.from(value).toString('utf8'));

/** The connector's keys: lines as strings, cast to int32 (a line that is not a number fails the TRANSFORMATION stage). */
function sourceProperties(topic: string, file: string, dlq: string, tolerance: 'all' | 'none'): Record<string, string> {
  return {
    name: topic, 'connector.class': 'FileStreamSource', file, topic,
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    transforms: 'cast', 'transforms.cast.type': 'org.apache.kafka.connect.transforms.Cast$Value', 'transforms.cast.spec': 'int32',
    'errors.tolerance': tolerance,
    'errors.deadletterqueue.topic.name': dlq, 'errors.deadletterqueue.topic.replication.factor': '1', 'errors.deadletterqueue.context.headers.enable': 'true',
  };
}

async function standalone(directory: string, connector: Record<string, string>): Promise<StandaloneWorker> {
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\noffset.flush.interval.ms=500\n`);
  writeFileSync(join(directory, 'source.properties'), Object.entries(connector).map(([key, value]) => `${key}=${value}`).join('\n'));
  return StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'source.properties')], { log: () => undefined, sourceIdleMs: 100 });
}

/** A dead letter's line (the payload of its JsonConverter envelope) and its headers as text. */
function letter(record: ReadRecord): { line: unknown; schema: unknown; headers: Map<string, string | null> } {
  const envelope = JSON.parse(text(record.valueBytes)!) as { schema: unknown; payload: unknown };
  return { line: envelope.payload, schema: envelope.schema, headers: new Map(record.headers.map((header) => [header.key, text(header.value)])) };
}

function assertContext(headers: Map<string, string | null>, expected: { topic: string; connector: string; file: string; position: number }): void {
  assert.deepEqual([...headers.keys()], [
    '__connect.errors.topic', '__connect.errors.partition', '__connect.errors.offset', '__connect.errors.connector.name', '__connect.errors.task.id',
    '__connect.errors.stage', '__connect.errors.class.name', '__connect.errors.exception.class.name', '__connect.errors.exception.message',
    '__connect.errors.exception.stacktrace', '__connect.errors.source.partition', '__connect.errors.source.offset',
  ]);
  assert.equal(headers.get('__connect.errors.topic'), expected.topic);
  assert.equal(headers.get('__connect.errors.partition'), '-1');
  assert.equal(headers.get('__connect.errors.offset'), '-1');
  assert.equal(headers.get('__connect.errors.connector.name'), expected.connector);
  assert.equal(headers.get('__connect.errors.task.id'), '0');
  assert.equal(headers.get('__connect.errors.stage'), 'TRANSFORMATION');
  assert.equal(headers.get('__connect.errors.class.name'), 'org.apache.kafka.connect.transforms.Cast$Value');
  assert.ok((headers.get('__connect.errors.exception.message') ?? '') !== '');
  assert.deepEqual(JSON.parse(headers.get('__connect.errors.source.partition')!), { filename: expected.file });
  assert.deepEqual(JSON.parse(headers.get('__connect.errors.source.offset')!), { position: expected.position });
}

test('source DLQ, errors.tolerance=all: refused lines go to the DLQ as polled with context headers, good ones to the topic; a restart sends nothing again', { timeout: 180_000 }, async () => {
  const directory = temporaryDirectory('connect-source-dlq');
  const topic = uniqueName('connect-source-dlq');
  const dlq = `${topic}-dlq`;
  const file = join(directory, 'in.txt');
  // Positions after each line: 2, 6, 8, 13 — the last line is refused, so a restart would resend it if its offset were not stored.
  writeFileSync(file, '1\ntwo\n3\nfour\n');
  const started = Date.now();
  let running = await standalone(directory, sourceProperties(topic, file, dlq, 'all'));
  try {
    await waitFor('two dead letters', async () => (await readAll(dlq)).length >= 2, 60_000);
    await waitFor('the good lines in the topic', async () => (await readAll(topic)).length >= 2, 60_000);
    const status = running.status()[0]!.tasks[0]!;
    assert.equal(status.state, 'RUNNING');
    assert.equal(status.skipped, 2);
  } finally {
    await running.stop();
  }
  assert.deepEqual((await readAll(topic)).map((record) => record.value), ['1', '3']);
  const letters = await readAll(dlq);
  assert.equal(letters.length, 2);
  for (const [index, [line, position]] of ([['two', 6], ['four', 13]] as const).entries()) {
    const record = letters[index]!;
    const dead = letter(record);
    assert.equal(dead.line, line);
    assert.deepEqual(dead.schema, { type: 'string', optional: false });
    assert.equal(record.keyBytes, null);
    assert.ok(record.timestamp >= started && record.timestamp <= Date.now(), `timestamp ${record.timestamp}: the time of the poll`);
    assertContext(dead.headers, { topic, connector: topic, file, position });
  }

  // Restarted with the same offsets file: only the new lines are sent.
  appendFileSync(file, '5\nsix\n');
  running = await standalone(directory, sourceProperties(topic, file, dlq, 'all'));
  try {
    await waitFor('the new good line', async () => (await readAll(topic)).length >= 3, 60_000);
    await waitFor('the new dead letter', async () => (await readAll(dlq)).length >= 3, 60_000);
  } finally {
    await running.stop();
  }
  assert.deepEqual((await readAll(topic)).map((record) => record.value), ['1', '3', '5']);
  const after = await readAll(dlq);
  assert.deepEqual(after.map((record) => letter(record).line), ['two', 'four', 'six']);
  assertContext(letter(after[2]!).headers, { topic, connector: topic, file, position: 19 });
});

test('source DLQ, errors.tolerance=none: the refused line is copied to the DLQ before the task fails; the lines before it are sent', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-source-dlq-none');
  const topic = uniqueName('connect-source-dlq-none');
  const dlq = `${topic}-dlq`;
  const file = join(directory, 'in.txt');
  writeFileSync(file, '1\ntwo\n3\n');
  const running = await standalone(directory, sourceProperties(topic, file, dlq, 'none'));
  try {
    await waitFor('the task to fail', async () => running.status()[0]!.tasks[0]!.state === 'FAILED', 60_000);
    assert.match(running.status()[0]!.tasks[0]!.trace!, /Tolerance exceeded in error handler \(stage TRANSFORMATION, class org\.apache\.kafka\.connect\.transforms\.Cast\$Value\)/);
  } finally {
    await running.stop();
  }
  assert.deepEqual((await readAll(topic)).map((record) => record.value), ['1']);
  const letters = await readAll(dlq);
  assert.deepEqual(letters.map((record) => letter(record).line), ['two']);
  assertContext(letter(letters[0]!).headers, { topic, connector: topic, file, position: 6 });
});

test('source DLQ, exactly once (distributed, transaction per poll): the dead letters commit with their batch, or abort with it', { timeout: 240_000 }, async () => {
  const directory = temporaryDirectory('connect-source-dlq-eos');
  const group = uniqueName('eddy-source-dlq-eos');
  const topic = `${group}-out`;
  const dlq = `${group}-dlq`;
  const file = join(directory, 'in.txt');
  writeFileSync(file, '1\ntwo\n3\nfour\n');
  // Tolerance none: '1' and the copy of 'two' are in the transaction the failing task never commits.
  const failing = { topic: `${group}-none-out`, dlq: `${group}-none-dlq`, file: join(directory, 'none.txt') };
  writeFileSync(failing.file, '1\ntwo\n3\n');
  const worker = await startWorker(await brokers(), directory, group, 1, ['exactly.once.source.support=enabled']);
  const state = async (name: string) => ((await call(worker.url, 'GET', `/connectors/${name}/status`)).body as Status).tasks[0]?.state;
  try {
    // Validation answers as Kafka Connect 4.4's for a source (which has no errors.deadletterqueue.* keys): they are not listed;
    // creating the connector checks them (Eddy's extension).
    const validated = await call(worker.url, 'PUT', '/connector-plugins/FileStreamSource/config/validate', sourceProperties(topic, file, dlq, 'all'));
    const infos = validated.body as { error_count: number; configs: Array<{ definition: { name: string } }> };
    assert.equal(infos.error_count, 0, JSON.stringify(validated.body));
    assert.deepEqual(infos.configs.filter((config) => config.definition.name.startsWith('errors.deadletterqueue.')), []);
    assert.ok(infos.configs.some((config) => config.definition.name === 'errors.tolerance'));
    const refused = await call(worker.url, 'POST', '/connectors', { name: 'bad', config: { ...sourceProperties('bad', file, dlq, 'all'), 'errors.deadletterqueue.context.headers.enable': 'maybe' } });
    assert.equal(refused.status, 400);
    assert.match((refused.body as { message: string }).message, /errors\.deadletterqueue\.context\.headers\.enable/);
    const created = await call(worker.url, 'POST', '/connectors', { name: topic, config: sourceProperties(topic, file, dlq, 'all') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await waitFor('the task RUNNING', async () => (await state(topic)) === 'RUNNING', 120_000);
    // readAll reads read_committed: the copies are visible once their transaction committed.
    await waitFor('two committed dead letters', async () => (await readAll(dlq)).length >= 2, 120_000);
    await waitFor('the good lines committed', async () => (await readAll(topic)).length >= 2, 60_000);
    const none = await call(worker.url, 'POST', '/connectors', { name: failing.topic, config: sourceProperties(failing.topic, failing.file, failing.dlq, 'none') });
    assert.equal(none.status, 201, JSON.stringify(none.body));
    await waitFor('the tolerance-none task FAILED', async () => (await state(failing.topic)) === 'FAILED', 120_000);
  } finally {
    await worker.process.stop();
  }
  // The stopping worker aborts the failed task's open transaction (or the broker does, at its timeout); until then the
  // partition's last stable offset stays before it and no reader gets past it.
  await waitFor('the failed task\'s transaction to end', async () => (await readAll(failing.dlq, { readUncommitted: true })).length >= 1, 120_000, 1000);
  assert.deepEqual((await readAll(failing.dlq, { readUncommitted: true })).map((record) => letter(record).line), ['two']);
  assert.deepEqual((await readAll(failing.topic, { readUncommitted: true })).map((record) => record.value), ['1']);
  assert.deepEqual(await readAll(failing.dlq), []);
  assert.deepEqual(await readAll(failing.topic), []);
  assert.deepEqual((await readAll(topic)).map((record) => record.value), ['1', '3']);
  const letters = await readAll(dlq);
  assert.deepEqual(letters.map((record) => letter(record).line), ['two', 'four']);
  assertContext(letter(letters[1]!).headers, { topic, connector: topic, file, position: 13 });
  // Nothing aborted: read_uncommitted sees the same two copies (control records aside).
  assert.equal((await readAll(dlq, { readUncommitted: true })).length, 2);
});
