// A source connector with its own offsets topic (`offsets.storage.topic`,
// KIP-618) on a distributed worker: the worker creates the topic, the
// task's offsets go there — and to the worker's offsets topic after it, as
// Kafka's ConnectorOffsetBackingStore writes them — a connector that gets
// its own topic later resumes from the offsets the worker's topic holds
// (nothing is read twice), and the offsets endpoint answers from both.
// Exactly once, the offsets commit with the records in the task's
// transactions to the connector's topic, then reach the worker's.

import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { call, startWorker, type Status } from '../support/connect-distributed.ts';
import { brokers, createTopics, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const text = (value: string | null) => value ?? '';
/** The file source's offset after `lines` (a JSON number, as Kafka's FileStreamSource stores its long). */
const bytes = (lines: string[]) => Buffer.byteLength(lines.map((line) => `${line}\n`).join(''));

/** The offset records of `connector` in an offsets topic: key `["<connector>",{partition}]`, value the offset. */
async function offsetRecords(topic: string, connector: string): Promise<Array<{ partition: unknown; offset: unknown }>> {
  return (await readAll(topic)).flatMap((record) => {
    const key = JSON.parse(text(record.key)) as [string, unknown];
    return key[0] === connector && record.value !== null ? [{ partition: key[1], offset: JSON.parse(record.value) as unknown }] : [];
  });
}

test('offsets.storage.topic: a source connector gets its own offsets topic, resumes from the offsets the worker topic held, and the worker topic gets them too', { timeout: 240_000 }, async () => {
  const directory = temporaryDirectory('connect-offsets-topic');
  const group = uniqueName('eddy-offsets-topic');
  const topic = `${group}-lines`;
  const ownTopic = `${group}-moving-offsets`;
  await createTopics([{ topic, partitions: 1 }]);
  const file = join(directory, 'in.txt');
  const first = Array.from({ length: 5 }, (_, index) => `first ${index}`);
  writeFileSync(file, `${first.join('\n')}\n`);
  const worker = await startWorker(await brokers(), directory, group, 1);
  try {
    const config: Record<string, string> = { 'connector.class': 'FileStreamSource', file, topic, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' };
    assert.equal((await call(worker.url, 'PUT', '/connectors/moving/config', config)).status, 201);
    await waitFor('the first lines', async () => (await readAll(topic)).length >= first.length, 60_000);
    await waitFor('their offset in the worker topic', async () => (await offsetRecords(`${group}-offsets`, 'moving')).some((record) => JSON.stringify(record.offset) === JSON.stringify({ position: bytes(first) })), 60_000);

    // Stopped, given its own offsets topic, resumed: it goes on after the offset the worker's topic holds.
    assert.equal((await call(worker.url, 'PUT', '/connectors/moving/stop')).status, 204);
    await waitFor('the connector STOPPED', async () => ((await call(worker.url, 'GET', '/connectors/moving/status')).body as Status).connector.state === 'STOPPED', 60_000);
    assert.equal((await call(worker.url, 'PUT', '/connectors/moving/config', { ...config, 'offsets.storage.topic': ownTopic })).status, 200);
    assert.equal((await call(worker.url, 'PUT', '/connectors/moving/resume')).status, 202);
    const second = Array.from({ length: 5 }, (_, index) => `second ${index} ✓`);
    appendFileSync(file, `${second.join('\n')}\n`);
    await waitFor('the second lines', async () => (await readAll(topic)).length >= first.length + second.length, 60_000);
    await waitFor('the offset in the connector topic', async () => (await offsetRecords(ownTopic, 'moving')).some((record) => JSON.stringify(record.offset) === JSON.stringify({ position: bytes([...first, ...second]) })), 60_000);
    // Then in the worker's, after the connector's (best effort, at the next flush).
    await waitFor('the offset in the worker topic too', async () => (await offsetRecords(`${group}-offsets`, 'moving')).some((record) => JSON.stringify(record.offset) === JSON.stringify({ position: bytes([...first, ...second]) })), 60_000);
    assert.deepEqual((await readAll(topic)).map((record) => record.value), [...first, ...second], 'every line once: the resumed task read its offset from the worker topic');
    const offsets = (await call(worker.url, 'GET', '/connectors/moving/offsets')).body as { offsets: Array<{ partition: unknown; offset: unknown }> };
    assert.deepEqual(offsets.offsets, [{ partition: { filename: file }, offset: { position: bytes([...first, ...second]) } }]);
  } finally {
    await worker.process.stop();
  }
});

test('offsets.storage.topic with exactly-once sources: the offsets are committed with the records to the connector topic, then written to the worker topic', { timeout: 240_000 }, async () => {
  const directory = temporaryDirectory('connect-offsets-topic-eos');
  const group = uniqueName('eddy-offsets-topic-eos');
  const topic = `${group}-lines`;
  const ownTopic = `${group}-eos-offsets`;
  await createTopics([{ topic, partitions: 1 }]);
  const file = join(directory, 'in.txt');
  const lines = Array.from({ length: 20 }, (_, index) => `line ${index}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const worker = await startWorker(await brokers(), directory, group, 1, ['exactly.once.source.support=enabled']);
  try {
    const created = await call(worker.url, 'POST', '/connectors', {
      name: 'eos', config: { 'connector.class': 'FileStreamSource', file, topic, 'offsets.storage.topic': ownTopic, 'exactly.once.support': 'required', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await waitFor('every line, committed', async () => (await readAll(topic)).length >= lines.length, 60_000);
    await waitFor('the offset, committed, in the connector topic', async () => (await offsetRecords(ownTopic, 'eos')).some((record) => JSON.stringify(record.offset) === JSON.stringify({ position: bytes(lines) })), 60_000);
    // After each commit the worker's topic gets them too (best effort, at its next flush).
    await waitFor('the offset in the worker topic too', async () => (await offsetRecords(`${group}-offsets`, 'eos')).some((record) => JSON.stringify(record.offset) === JSON.stringify({ position: bytes(lines) })), 60_000);
    assert.deepEqual((await readAll(topic)).map((record) => record.value), lines);
  } finally {
    await worker.process.stop();
  }
});
