// Kafka Connect's error handling (KIP-298) in a standalone worker, on a real
// broker: with errors.tolerance=none a malformed record fails the sink task
// with "Tolerance exceeded in error handler", the stage and the cause; with
// errors.tolerance=all the malformed JSON records (schemas.enable) and a
// record a transform cannot cast are skipped and counted, the good ones land
// in the sink file, and the dead-letter queue (created by the worker) holds
// the original records — key, value, headers, timestamp as consumed — with
// Kafka's `__connect.errors.*` context headers.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import type { ConnectConfigError } from '../../runtime/errors.ts';
import { brokers, createTopics, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { errorInput, errorInputTimestamp, errorSinkProperties, produceErrorInput } from './error-cases.ts';

const text = (value: Uint8Array | null) => (value === null ? null : Buffer.from(value).toString('utf8'));

async function worker(directory: string, connector: string): Promise<{ worker: StandaloneWorker; logs: string[] }> {
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\noffset.flush.interval.ms=500\n`);
  writeFileSync(join(directory, 'sink.properties'), connector);
  const logs: string[] = [];
  const started = await StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'sink.properties')], { log: (level, where, message) => void logs.push(`${level} [${where}] ${message}`) });
  return { worker: started, logs };
}

test('errors.tolerance=none (the default): a malformed record fails the sink task with Kafka\'s message, the stage and the cause', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-errors-none');
  const topic = uniqueName('connect-errors-none');
  await createTopics([{ topic, partitions: 1 }]);
  await produceErrorInput(topic);
  const { worker: running } = await worker(directory, `name=${topic}\nconnector.class=FileStreamSink\nfile=${join(directory, 'out.txt')}\ntopics=${topic}\nkey.converter=org.apache.kafka.connect.storage.StringConverter\n`);
  try {
    await waitFor('the sink task to fail', async () => running.status()[0]!.tasks[0]!.state === 'FAILED', 60_000);
    const trace = running.status()[0]!.tasks[0]!.trace!;
    assert.match(trace, /Tolerance exceeded in error handler/);
    assert.match(trace, /VALUE_CONVERTER/);
    assert.match(trace, /org\.apache\.kafka\.connect\.json\.JsonConverter/);
    assert.match(trace, /Caused by: .*Converting byte\[\] to Kafka Connect data failed due to serialization error/);
  } finally {
    await running.stop();
  }
  // The batch failed as a whole: nothing was put.
  assert.equal(existsSync(join(directory, 'out.txt')) ? readFileSync(join(directory, 'out.txt'), 'utf8') : '', '');
});

test('errors.tolerance=all: bad records are skipped and counted, good ones reach the sink file, the DLQ holds the originals with context headers', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-errors-all');
  const topic = uniqueName('connect-errors-all');
  const dlq = `${topic}-dlq`;
  await createTopics([{ topic, partitions: 1 }]);
  await produceErrorInput(topic);
  const out = join(directory, 'out.txt');
  const { worker: running, logs } = await worker(directory, `name=${topic}\nfile=${out}\n${errorSinkProperties(topic, dlq)}`);
  try {
    await waitFor('three dead letters', async () => (await readAll(dlq)).length >= 3, 60_000);
    await waitFor('the good records in the sink file', async () => existsSync(out) && readFileSync(out, 'utf8') === '12\n34\n56\n', 60_000);
    const status = running.status()[0]!.tasks[0]!;
    assert.equal(status.state, 'RUNNING');
    assert.equal(status.skipped, 3);
  } finally {
    await running.stop();
  }
  const letters = await readAll(dlq);
  assert.equal(letters.length, 3);
  const bad = [errorInput[1]!, errorInput[3]!, errorInput[4]!];
  assert.deepEqual(letters.map((letter) => [text(letter.keyBytes), text(letter.valueBytes), letter.timestamp]), bad.map((record) => [record.key, record.value, errorInputTimestamp + errorInput.indexOf(record)]));
  const headers = letters.map((letter) => letter.headers.map((header) => [header.key, text(header.value)] as [string, string | null]));
  const expected = [
    { offset: 1, stage: 'VALUE_CONVERTER', className: 'org.apache.kafka.connect.json.JsonConverter' },
    { offset: 3, stage: 'TRANSFORMATION', className: 'org.apache.kafka.connect.transforms.Cast$Value' },
    { offset: 4, stage: 'VALUE_CONVERTER', className: 'org.apache.kafka.connect.json.JsonConverter' },
  ];
  for (const [index, letter] of headers.entries()) {
    const { offset, stage, className } = expected[index]!;
    // The original headers first, as consumed, then Kafka's context headers in Kafka's order.
    assert.deepEqual(letter.slice(0, bad[index]!.headers.length), bad[index]!.headers);
    const context = letter.slice(bad[index]!.headers.length);
    assert.deepEqual(context.slice(0, 7), [
      ['__connect.errors.topic', topic], ['__connect.errors.partition', '0'], ['__connect.errors.offset', String(offset)],
      ['__connect.errors.connector.name', topic], ['__connect.errors.task.id', '0'], ['__connect.errors.stage', stage], ['__connect.errors.class.name', className],
    ]);
    assert.deepEqual(context.slice(7).map(([key]) => key), ['__connect.errors.exception.class.name', '__connect.errors.exception.message', '__connect.errors.exception.stacktrace']);
    assert.ok(context.slice(7).every(([, value]) => value !== null && value !== ''));
  }
  assert.equal(headers[0]!.find(([key]) => key === '__connect.errors.exception.class.name')![1], 'org.apache.kafka.connect.errors.DataException');
  assert.ok(logs.some((line) => line.includes(`Error encountered in task ${topic}-0. Executing stage 'TRANSFORMATION' with class 'org.apache.kafka.connect.transforms.Cast$Value', where consumed record is {topic='${topic}', partition=0, offset=3`)), logs.join('\n'));
});

test('the errors.* keys are validated with stable codes; the DLQ topic may not be a consumed topic', { timeout: 60_000 }, async () => {
  const directory = temporaryDirectory('connect-errors-config');
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\n`);
  const start = (extra: string) => {
    writeFileSync(join(directory, 'sink.properties'), `name=bad\nconnector.class=FileStreamSink\nfile=out.txt\ntopics=t\n${extra}\n`);
    return StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'sink.properties')]);
  };
  await assert.rejects(start('errors.tolerance=some'), (error: ConnectConfigError) => {
    assert.equal(error.code, 'invalid-value');
    assert.deepEqual([error.context.field, error.context.line], ['errors.tolerance', 5]);
    assert.match(error.message, /String must be one of \(case insensitive\): none, all/);
    return true;
  });
  await assert.rejects(start('errors.log.enable=maybe'), (error: ConnectConfigError) => error.code === 'invalid-value' && error.context.field === 'errors.log.enable');
  await assert.rejects(start('errors.deadletterqueue.topic.name=t'), (error: ConnectConfigError) => {
    assert.equal(error.code, 'invalid-value');
    assert.equal(error.context.field, 'errors.deadletterqueue.topic.name');
    assert.match(error.message, /The DLQ topic 't' may not be included in the list of topics/);
    return true;
  });
});
