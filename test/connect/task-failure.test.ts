// A task that fails stops alone: a sink whose converter cannot read the
// topic (JsonConverter over plain strings, written by a source
// whose value.converter override is StringConverter) is FAILED with Kafka's
// message and its trace, while the source keeps running and producing; a
// source whose transform fails is FAILED naming the transform, alone.

import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import type { ConnectConfigError } from '../../runtime/errors.ts';
import { brokers, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('a failing sink task fails alone; the per-connector converter override applies', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-failure');
  const topic = uniqueName('connect-failure');
  const input = join(directory, 'in.txt');
  writeFileSync(input, 'one\ntwo\n');
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\noffset.flush.interval.ms=500\n`);
  writeFileSync(join(directory, 'source.properties'), `name=${topic}-source\nconnector.class=FileStreamSource\nfile=${input}\ntopic=${topic}\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\n`);
  writeFileSync(join(directory, 'sink.properties'), `name=${topic}-sink\nconnector.class=FileStreamSink\nfile=${join(directory, 'out.txt')}\ntopics=${topic}\n`);
  const logs: string[] = [];
  const worker = await StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'source.properties'), join(directory, 'sink.properties')], {
    log: (level, where, message) => void logs.push(`${level} [${where}] ${message}`),
    sourceIdleMs: 100,
  });
  try {
    await waitFor('the sink task to fail', async () => worker.status()[1]!.tasks[0]!.state === 'FAILED', 60_000);
    const [source, sink] = worker.status();
    assert.equal(source!.tasks[0]!.state, 'RUNNING');
    assert.match(sink!.tasks[0]!.trace!, /Converting byte\[\] to Kafka Connect data failed due to serialization error/);
    assert.ok(logs.some((line) => line.startsWith('error') && line.includes(`${topic}-sink-0`)), logs.join('\n'));
    appendFileSync(input, 'three\n');
    await waitFor('the source to go on', async () => (await readAll(topic)).length === 3);
    assert.deepEqual((await readAll(topic)).map((record) => record.value), ['one', 'two', 'three']);
    assert.equal(worker.status()[0]!.tasks[0]!.state, 'RUNNING');
  } finally {
    await worker.stop();
  }
  assert.deepEqual(worker.status().map((connector) => connector.tasks[0]!.state), ['STOPPED', 'FAILED']);
});

test('a failing transform fails its task alone, naming the transform, after sending the records before it; a bad transform configuration is refused at start naming the key', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-transform-failure');
  const topic = uniqueName('connect-transform-failure');
  const numbers = join(directory, 'numbers.txt');
  const words = join(directory, 'words.txt');
  writeFileSync(numbers, '1\n2\nthree\n4\n');
  writeFileSync(words, 'a\n');
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\noffset.flush.interval.ms=500\nvalue.converter.schemas.enable=false\n`);
  writeFileSync(join(directory, 'numbers.properties'), [
    `name=${topic}-numbers`, 'connector.class=FileStreamSource', `file=${numbers}`, `topic=${topic}-numbers`,
    'transforms=hoist,num', 'transforms.hoist.type=HoistField$Value', 'transforms.hoist.field=n',
    'transforms.num.type=org.apache.kafka.connect.transforms.Cast$Value', 'transforms.num.spec=n:int32', '',
  ].join('\n'));
  writeFileSync(join(directory, 'words.properties'), `name=${topic}-words\nconnector.class=FileStreamSource\nfile=${words}\ntopic=${topic}-words\n`);
  const logs: string[] = [];
  const worker = await StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'numbers.properties'), join(directory, 'words.properties')], {
    log: (level, where, message) => void logs.push(`${level} [${where}] ${message}`),
    sourceIdleMs: 100,
  });
  try {
    await waitFor('the numbers task to fail', async () => worker.status()[0]!.tasks[0]!.state === 'FAILED', 60_000);
    assert.match(worker.status()[0]!.tasks[0]!.trace!, /transform 'num' \(org\.apache\.kafka\.connect\.transforms\.Cast\$Value\) failed: Value \(three\) was out of range for requested data type/);
    await waitFor('the records before the failing one', async () => (await readAll(`${topic}-numbers`)).length === 2);
    assert.deepEqual((await readAll(`${topic}-numbers`)).map((record) => record.value), ['{"n":1}', '{"n":2}']);
    appendFileSync(words, 'b\n');
    await waitFor('the other connector to go on', async () => (await readAll(`${topic}-words`)).length === 2);
    assert.equal(worker.status()[1]!.tasks[0]!.state, 'RUNNING');
  } finally {
    await worker.stop();
  }

  writeFileSync(join(directory, 'bad.properties'), `name=${topic}-bad\nconnector.class=FileStreamSource\nfile=${words}\ntopic=${topic}-bad\ntransforms=x\ntransforms.x.type=org.example.NoSuchTransform\n`);
  await assert.rejects(StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'bad.properties')]), (error: ConnectConfigError) => {
    assert.equal(error.code, 'unknown-transform-class');
    assert.deepEqual([error.context.field, error.context.line, error.context.file], ['transforms.x.type', 6, join(directory, 'bad.properties')]);
    return true;
  });
});

test('task.restart.on.failure=all restarts a failed task with backoff until it succeeds; the default (kafka) leaves a plugin failure FAILED, as Kafka Connect; bad restart keys are refused', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-task-restart');
  const topic = uniqueName('connect-task-restart');
  const input = join(directory, 'in.txt');
  writeFileSync(input, 'one\ntwo\n');
  // The sinks' folders do not exist yet: appending fails, and the tasks fail.
  const restarted = join(directory, 'later-a', 'out.txt');
  const stays = join(directory, 'later-b', 'out.txt');
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\noffset.flush.interval.ms=500\n`);
  writeFileSync(join(directory, 'source.properties'), `name=${topic}-source\nconnector.class=FileStreamSource\nfile=${input}\ntopic=${topic}\n`);
  writeFileSync(join(directory, 'restarted.properties'), [
    `name=${topic}-restarted`, 'connector.class=FileStreamSink', `file=${restarted}`, `topics=${topic}`,
    'task.restart.on.failure=all', 'task.restart.backoff.initial.ms=100', 'task.restart.backoff.max.ms=400', '',
  ].join('\n'));
  writeFileSync(join(directory, 'stays.properties'), `name=${topic}-stays\nconnector.class=FileStreamSink\nfile=${stays}\ntopics=${topic}\n`);
  const logs: string[] = [];
  const worker = await StandaloneWorker.start(join(directory, 'worker.properties'), ['source', 'restarted', 'stays'].map((name) => join(directory, `${name}.properties`)), {
    log: (level, where, message) => void logs.push(`${level} [${where}] ${message}`),
    sourceIdleMs: 100,
  });
  try {
    await waitFor('both sink tasks to fail', async () => worker.status()[2]!.tasks[0]!.state === 'FAILED' && logs.some((line) => line.includes(`[${topic}-restarted-0] restarting in 400 ms`)), 60_000);
    // While it waits, its status says why it failed; the backoff doubles up to its longest delay.
    const waits = logs.filter((line) => line.includes(`[${topic}-restarted-0] restarting in`)).map((line) => Number(/restarting in (\d+) ms/.exec(line)![1]));
    assert.deepEqual(waits.slice(0, 3), [100, 200, 400], logs.join('\n'));
    assert.match(worker.status()[2]!.tasks[0]!.trace!, /later-b/);
    mkdirSync(dirname(restarted));
    mkdirSync(dirname(stays));
    await waitFor('the restarted sink to write every line', async () => existsSync(restarted) && readFileSync(restarted, 'utf8') === 'one\ntwo\n', 60_000);
    assert.equal(worker.status()[1]!.tasks[0]!.state, 'RUNNING');
    assert.equal(worker.status()[2]!.tasks[0]!.state, 'FAILED');
    assert.equal(existsSync(stays), false);
    assert.ok(!logs.some((line) => line.includes(`[${topic}-stays-0] restarting`)), 'a plugin failure is not restarted by default');
  } finally {
    await worker.stop();
  }

  writeFileSync(join(directory, 'bad.properties'), `name=${topic}-bad\nconnector.class=FileStreamSink\nfile=${stays}\ntopics=${topic}\ntask.restart.on.failure=sometimes\n`);
  await assert.rejects(StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'bad.properties')]), (error: ConnectConfigError) => {
    assert.match(error.message, /Invalid value sometimes for configuration task\.restart\.on\.failure: String must be one of \(case insensitive\): none, kafka, all/);
    assert.deepEqual([error.context.field, error.context.line], ['task.restart.on.failure', 5]);
    return true;
  });
});
