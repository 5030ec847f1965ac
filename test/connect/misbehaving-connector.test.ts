// A connector whose plugin traps or breaks its limits fails alone and is
// restarted: plugins/misbehaving/connector-rust counts into a topic and, after
// `after` records of its task instance, traps, loops forever (the CPU guard
// stops it) or allocates without end (the memory cap stops it). Beside a
// healthy FileStreamSource on the same standalone worker, each such task is
// FAILED with a trace saying what happened while the file source goes on;
// with the default policy (kafka) it stays FAILED, as Kafka Connect; with
// task.restart.on.failure=all it restarts with backoff and counts on from
// its committed offset, past its first failure.

import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import { brokers, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { pluginPath } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

type Misbehaviour = 'trap' | 'loop' | 'memory';

/** What the host says about each misbehaviour (the task's trace, and its log line). */
const saysWhatHappened: Record<Misbehaviour, RegExp> = {
  trap: /PluginTrapError: the plugin trapped in poll: unreachable[^]*misbehaving on purpose: trap after \d+ records/,
  loop: /CpuLimitExceededError: poll ran past the CPU limit: stopped after \d+ ms \(limit 5000 ms\)/,
  memory: /MemoryLimitExceededError: the plugin ran out of memory in poll: it reached its cap \([\d.]+ MiB of the 256\.0 MiB memory cap in use\)/,
};

interface Setup {
  directory: string;
  topic: string;
  input: string;
  workerFile: string;
  /** The connector files, the healthy one first. */
  files: string[];
}

/** A worker file, a healthy FileStreamSource, and one misbehaving connector per entry (named `<topic>-<name>`, writing to that topic). */
async function setUp(prefix: string, misbehaving: Array<{ name: string; misbehave: Misbehaviour; after: number; extra?: string[] }>): Promise<Setup> {
  const directory = temporaryDirectory(prefix);
  const topic = uniqueName(prefix);
  const input = join(directory, 'in.txt');
  writeFileSync(input, 'one\ntwo\n');
  const workerFile = join(directory, 'worker.properties');
  writeFileSync(workerFile, `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\noffset.flush.interval.ms=500\n`);
  const stringValues = 'value.converter=org.apache.kafka.connect.storage.StringConverter';
  writeFileSync(join(directory, 'healthy.properties'), `name=${topic}-healthy\nconnector.class=FileStreamSource\nfile=${input}\ntopic=${topic}-healthy\n${stringValues}\n`);
  const files = [join(directory, 'healthy.properties')];
  for (const connector of misbehaving) {
    const file = join(directory, `${connector.name}.properties`);
    writeFileSync(file, [
      `name=${topic}-${connector.name}`, `connector.class=${pluginPath('misbehaving/connector-rust')}`, `topic=${topic}-${connector.name}`,
      `misbehave=${connector.misbehave}`, `after=${connector.after}`, stringValues, ...(connector.extra ?? []), '',
    ].join('\n'));
    files.push(file);
  }
  return { directory, topic, input, workerFile, files };
}

const counters = async (topic: string): Promise<number[]> => (await readAll(topic)).map((record) => Number(record.value));

test('a connector whose plugin traps, loops or exhausts its memory fails alone; with the default policy (kafka) it stays FAILED, as Kafka Connect', { timeout: 180_000 }, async () => {
  const modes: Misbehaviour[] = ['trap', 'loop', 'memory'];
  const { topic, input, workerFile, files } = await setUp('connect-misbehaving', modes.map((mode) => ({ name: mode, misbehave: mode, after: 2 })));
  const logs: string[] = [];
  const worker = await StandaloneWorker.start(workerFile, files, {
    log: (level, where, message) => void logs.push(`${level} [${where}] ${message}`),
    sourceIdleMs: 100,
  });
  const task = (name: string) => worker.status().find((connector) => connector.name === `${topic}-${name}`)!.tasks[0]!;
  try {
    await waitFor('every misbehaving task to fail', async () => modes.every((mode) => task(mode).state === 'FAILED'), 120_000);
    for (const mode of modes) {
      assert.match(task(mode).trace!, saysWhatHappened[mode], `${mode}: ${task(mode).trace}`);
      assert.ok(logs.some((line) => line.startsWith(`error [${topic}-${mode}-0] task failed:`)), logs.join('\n'));
      // What it emitted before it misbehaved is in Kafka, and nothing else.
      await waitFor(`the records ${mode} sent before it failed`, async () => (await counters(`${topic}-${mode}`)).length === 2);
      assert.deepEqual(await counters(`${topic}-${mode}`), [0, 1]);
    }
    // The healthy connector goes on beside them.
    assert.equal(task('healthy').state, 'RUNNING');
    appendFileSync(input, 'three\nfour\n');
    await waitFor('the healthy source to go on', async () => (await readAll(`${topic}-healthy`)).length === 4);
    assert.deepEqual((await readAll(`${topic}-healthy`)).map((record) => record.value), ['one', 'two', 'three', 'four']);
    assert.equal(task('healthy').state, 'RUNNING');
    // A trap or a broken limit is not a failure Kafka recovers from: nothing restarts them.
    for (const mode of modes) assert.equal(task(mode).state, 'FAILED');
    assert.ok(!logs.some((line) => line.includes('restarting in')), logs.join('\n'));
  } finally {
    await worker.stop();
  }
});

/**
 * Runs the misbehaving connectors with task.restart.on.failure=all beside a healthy FileStreamSource and
 * checks each restarts (every failure saying what happened) and counts on past two failures.
 */
async function restartsAndCountsOn(prefix: string, after: Partial<Record<Misbehaviour, number>>): Promise<void> {
  const restart = ['task.restart.on.failure=all', 'task.restart.backoff.initial.ms=100', 'task.restart.backoff.max.ms=500'];
  const modes = Object.keys(after) as Misbehaviour[];
  const { topic, input, workerFile, files } = await setUp(prefix, modes.map((mode) => ({ name: mode, misbehave: mode, after: after[mode]!, extra: restart })));
  const logs: string[] = [];
  const worker = await StandaloneWorker.start(workerFile, files, {
    log: (level, where, message) => void logs.push(`${level} [${where}] ${message}`),
    sourceIdleMs: 100,
  });
  const task = (name: string) => worker.status().find((connector) => connector.name === `${topic}-${name}`)!.tasks[0]!;
  const linesOf = (mode: Misbehaviour, text: string) => logs.filter((line) => line.includes(`[${topic}-${mode}-0] ${text}`));
  try {
    for (const mode of modes) {
      // Three instances' worth of counters: each restarted instance resumed after the last committed one.
      const wanted = 3 * after[mode]!;
      await waitFor(`${mode}: counters past two failures`, async () => new Set((await counters(`${topic}-${mode}`)).filter((counter) => counter < wanted)).size === wanted, 180_000, 500);
      const seen = await counters(`${topic}-${mode}`);
      // At least once: a counter may repeat, but none is skipped, and they go on past the first failure.
      assert.deepEqual([...new Set(seen)].sort((a, b) => a - b).slice(0, wanted), [...Array(wanted).keys()], `${mode}: ${seen.join(',')}`);
      assert.ok(linesOf(mode, 'restarting in').length >= 2, logs.join('\n'));
      assert.ok(linesOf(mode, 'task started').length >= 3, logs.join('\n'));
      assert.ok(linesOf(mode, `resuming after counter ${after[mode]! - 1}`).length >= 1, logs.join('\n'));
      // Every failure said what happened.
      const failures = linesOf(mode, 'task failed:');
      assert.ok(failures.length >= 2);
      for (const line of failures) assert.match(line, new RegExp(saysWhatHappened[mode].source.replace(/^\w+Error: /, '').replace('[^]*', '.*')), line);
      // Backoff between the first and the longest delay (a task that ran for the longest delay starts over at the first,
      // so how far it doubles depends on the machine's speed; test/connect/task-failure.test.ts checks the doubling).
      const delays = linesOf(mode, 'restarting in').map((line) => Number(/restarting in (\d+) ms/.exec(line)![1]));
      assert.ok(delays.every((delay) => [100, 200, 400, 500].includes(delay)), `${mode}: ${delays.join(',')}`);
    }
    // Between failures, a restarted task is RUNNING (caught while it sends its `after` records; the loop's own RUNNING
    // time is spent inside the guarded poll, when nothing can look).
    const observable = modes.filter((mode) => mode !== 'loop');
    if (observable.length > 0) {
      await waitFor('a restarted task RUNNING', async () => observable.some((mode) => linesOf(mode, 'task started').length >= 2 && task(mode).state === 'RUNNING'), 60_000, 5);
    }
    // An instance the CPU guard stopped midway is discarded, not called again to stop.
    assert.ok(!logs.some((line) => line.includes('stop failed')), logs.join('\n'));
    // The healthy connector went on all along.
    appendFileSync(input, 'three\n');
    await waitFor('the healthy source to go on', async () => (await readAll(`${topic}-healthy`)).length === 3);
    assert.deepEqual((await readAll(`${topic}-healthy`)).map((record) => record.value), ['one', 'two', 'three']);
    assert.equal(task('healthy').state, 'RUNNING');
    assert.ok(!logs.some((line) => line.includes(`[${topic}-healthy-0] task failed`)), logs.join('\n'));
  } finally {
    await worker.stop();
  }
}

test('task.restart.on.failure=all restarts a connector whose plugin trapped or ran out of memory, and it counts on from its committed offset', { timeout: 300_000 }, async () => {
  await restartsAndCountsOn('connect-misbehaving-restart', { trap: 10, memory: 3 });
});

// Apart: the CPU guard is synchronous, so a looping plugin holds the worker's thread for its whole limit (5 s) each
// time; beside it every other task only moves between the loop's restarts.
test('task.restart.on.failure=all restarts a connector whose plugin looped until the CPU limit stopped it', { timeout: 300_000 }, async () => {
  await restartsAndCountsOn('connect-misbehaving-loop', { loop: 2 });
});
