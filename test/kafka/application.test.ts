// `eddy run` on the real broker: depth-first to the sinks, graceful shutdown
// commits, a failing plugin stops only its task (or feeds the dead-letter
// queue), worker threads, and clear startup errors.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { pluginPath, repositoryRoot } from '../support/plugins.ts';
import { appHeader, brokers, createTopics, readAll, startApp, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { countSequences, expectedCounts, finalCounts, sampleLines, wordCountApp } from '../support/wordcount-app.ts';

const header = (record: { headers: Array<{ key: string; value: Uint8Array }> }, name: string) => {
  const found = record.headers.find((entry) => entry.key === name);
  return found ? new TextDecoder().decode(found.value) : undefined;
};

test('each record reaches every sink before the next record is processed (observed in Kafka)', { timeout: 120_000 }, async () => {
  const applicationId = uniqueName('depth');
  const input = `${applicationId}-in`;
  const output = `${applicationId}-out`;
  await createTopics([{ topic: input, partitions: 1 }, { topic: output, partitions: 1 }]);
  // in → upper → [sink A → out, pass → sink B → out]: both sinks write to one partition.
  const app = await startApp(applicationId, `
${appHeader(applicationId)}
topology:
  sources: [{ name: in, topics: [${input}] }]
  processors:
    - { name: upper, plugin: ${pluginPath('uppercase-ts')}, parents: [in] }
    - { name: pass, plugin: ${pluginPath('passthrough-rust')}, parents: [upper] }
  sinks:
    - { name: a, topic: ${output}, parents: [upper] }
    - { name: b, topic: ${output}, parents: [pass] }
`);
  await produceRecords(await brokers(), input, ['r1', 'r2', 'r3', 'r4'].map((value) => ({ key: 'k', value, partition: 0 })));
  const records = await waitFor('8 outputs', async () => {
    const read = await readAll(output);
    return read.length >= 8 ? read : undefined;
  });
  assert.deepEqual(records.map((record) => record.value), ['R1', 'R1', 'R2', 'R2', 'R3', 'R3', 'R4', 'R4']);
  assert.equal(await app.stop(), 0);
});

test('SIGTERM commits and closes: a restart processes nothing twice, even under at-least-once', { timeout: 180_000 }, async () => {
  const applicationId = uniqueName('graceful');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  const stateDir = temporaryDirectory();
  await createTopics([{ topic: input, partitions: 2 }, { topic: output, partitions: 2 }]);
  // A long commit interval: only the shutdown commit can save the work.
  const yaml = wordCountApp({ applicationId, input, output, stateDir, commitIntervalMs: 600_000 });
  const lines = sampleLines(300, 21);
  await produceRecords(await brokers(), input, lines.map((line, index) => ({ key: String(index), value: line })));
  const expected = expectedCounts(lines);
  const total = [...expected.values()].reduce((sum, count) => sum + count, 0);
  const first = await startApp('first', yaml);
  await waitFor('all counts', async () => (await readAll(output)).length >= total, 90_000, 500);
  assert.equal(await first.stop(), 0, 'exits 0 after SIGTERM');
  const second = await startApp('second', yaml);
  // Two sub-topologies (split, count) × two partitions.
  await waitFor('tasks to run', async () => (await second.activeTasks()).length === 4);
  await produceRecords(await brokers(), input, [{ key: 'z', value: 'eddy' }]);
  await waitFor('the new record', async () => (await readAll(output)).length >= total + 1, 60_000, 500);
  assert.equal(await second.stop(), 0);
  const records = await readAll(output);
  assert.equal(records.length, total + 1, 'no input was processed twice');
  assert.equal(finalCounts(records).get('eddy'), (expected.get('eddy') ?? 0) + 1);
});

test('a plugin that traps fails only its task; with a dead-letter queue, the record goes there', { timeout: 180_000 }, async () => {
  for (const withDeadLetterQueue of [false, true]) {
    const applicationId = uniqueName(withDeadLetterQueue ? 'dlq' : 'trap');
    const input = `${applicationId}-in`;
    const output = `${applicationId}-out`;
    const deadLetter = `${applicationId}-dlq`;
    await createTopics([{ topic: input, partitions: 2 }, { topic: output, partitions: 2 }, { topic: deadLetter, partitions: 1 }]);
    const app = await startApp(applicationId, `
${appHeader(applicationId)}
${withDeadLetterQueue ? `errors.dead.letter.queue.topic.name: ${deadLetter}` : ''}
topology:
  sources: [{ name: in, topics: [${input}] }]
  processors: [{ name: guard, plugin: ${pluginPath('misbehaving/trap')}, parents: [in] }]
  sinks: [{ name: out, topic: ${output}, parents: [guard] }]
`);
    await waitFor('tasks to run', async () => (await app.activeTasks()).length === 2);
    await produceRecords(await brokers(), input, [
      { key: 'a', value: 'before', partition: 0 },
      { key: 'b', value: 'panic', partition: 0 },
      { key: 'c', value: 'after', partition: 0 },
      { key: 'd', value: 'other', partition: 1 },
      { key: 'e', value: 'more', partition: 1 },
    ]);
    if (withDeadLetterQueue) {
      const dead = await waitFor('the dead letter', async () => {
        const read = await readAll(deadLetter);
        return read.length > 0 ? read : undefined;
      });
      assert.deepEqual(dead.map((record) => [record.key, record.value]), [['b', 'panic']]);
      assert.equal(header(dead[0]!, '__streams.errors.exception'), 'PluginTrapError');
      assert.match(header(dead[0]!, '__streams.errors.message') ?? '', /boom: asked to panic/);
      assert.equal(header(dead[0]!, '__streams.errors.offset'), '1');
      const outputs = await waitFor('the rest', async () => {
        const read = await readAll(output);
        return read.length >= 4 ? read : undefined;
      });
      assert.deepEqual(outputs.map((record) => record.value).sort(), ['after', 'before', 'more', 'other']);
      assert.equal((await app.activeTasks()).length, 2);
    } else {
      const status = await waitFor('task 0_0 to fail', async () => {
        const current = await app.status();
        const failed = current.threads.flatMap((thread) => thread.activeTasks).find((task) => task.state === 'failed');
        return failed ? current : undefined;
      });
      const tasks = status.threads.flatMap((thread) => thread.activeTasks);
      assert.match(tasks.find((task) => task.taskId === '0_0')!.failure ?? '', /PluginTrap|trapped.*boom: asked to panic.*offset=1/);
      assert.equal(tasks.find((task) => task.taskId === '0_1')!.state, 'running');
      const outputs = await waitFor('the other partition', async () => {
        const read = await readAll(output);
        return read.some((record) => record.value === 'more') ? read : undefined;
      });
      assert.ok(!outputs.some((record) => record.value === 'after'), 'the failed task stopped at the bad record');
      assert.match(app.output, /task 0_0 failed and stopped processing \(other tasks go on\)/);
      // Not left alone: the thread reopens it with backoff and says so.
      const retried = await waitFor('task 0_0 to be reopened', async () => {
        const task = (await app.status()).threads.flatMap((thread) => thread.activeTasks).find((entry) => entry.taskId === '0_0');
        return task && (task.retries ?? 0) >= 1 ? task : undefined;
      }, 30_000);
      assert.match(retried.lastError ?? '', /boom: asked to panic/);
      assert.match(app.output, /task 0_0: reopening in \d+ ms \(failure \d+ in a row\)/);
      const again = await readAll(output);
      assert.ok(!again.some((record) => record.value === 'after'), 'a reopened task fails again at the same record: nothing is skipped');
    }
    assert.equal(await app.stop(), 0);
  }
});

test('num.stream.threads: 2 runs tasks on two worker threads with the same results', { timeout: 180_000 }, async () => {
  const applicationId = uniqueName('threads');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  await createTopics([{ topic: input, partitions: 4 }, { topic: output, partitions: 4 }]);
  const lines = sampleLines(800, 17);
  await produceRecords(await brokers(), input, lines.map((line, index) => ({ key: String(index), value: line })));
  const app = await startApp(applicationId, wordCountApp({ applicationId, input, output, stateDir: temporaryDirectory(), threads: 2, guarantee: 'exactly_once_v2' }));
  const status = await waitFor('both threads to run tasks', async () => {
    const current = await app.status();
    const running = current.threads.flatMap((thread) => thread.activeTasks);
    return current.threads.length === 2 && current.threads.every((thread) => thread.activeTasks.length > 0) && running.length === 8 ? current : undefined;
  });
  // Two sub-topologies (split → repartition → count) × four partitions.
  assert.deepEqual(status.threads.flatMap((thread) => thread.activeTasks.map((task) => task.taskId)).sort(), ['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3']);
  const expected = expectedCounts(lines);
  await waitFor('exact counts', async () => {
    const counts = finalCounts(await readAll(output));
    return [...expected].every(([word, count]) => counts.get(word) === count);
  }, 120_000, 1000);
  assert.equal(await app.stop(), 0);
});

test('a stream thread that loses the broker half-way through starting is started again: the instance runs, exactly once', { timeout: 180_000 }, async () => {
  // EDDY_FAULT_THREAD_START_FAILURES: the stream thread's first start fails
  // after its producer and changelog reader opened, as a broker bounce during
  // startup did — which used to end the process with the client's error.
  const applicationId = uniqueName('startfail');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  await createTopics([{ topic: input, partitions: 2 }, { topic: output, partitions: 2 }]);
  const lines = sampleLines(300, 23);
  await produceRecords(await brokers(), input, lines.map((line, index) => ({ key: String(index), value: line })));
  const app = await startApp(applicationId, wordCountApp({ applicationId, input, output, stateDir: temporaryDirectory(), guarantee: 'exactly_once_v2' }), {
    env: { EDDY_FAULT_THREAD_START_FAILURES: '1' },
  });
  assert.match(app.output, /starting stream thread 0 failed \(injected fault.*trying again in \d+ ms/);
  const status = await waitFor('the thread running the four tasks', async () => {
    const current = await app.status();
    return current.threads.flatMap((thread) => thread.activeTasks).filter((task) => task.state === 'running').length === 4 ? current : undefined;
  });
  assert.equal(status.threads.length, 1, 'one thread: the half-started one was stopped, not kept beside the new one');
  const expected = expectedCounts(lines);
  const records = await waitFor('exact counts', async () => {
    const read = await readAll(output);
    const counts = finalCounts(read);
    return [...expected].every(([word, count]) => counts.get(word) === count) ? read : undefined;
  }, 120_000, 1000);
  for (const [word, sequence] of countSequences(records)) assert.deepEqual(sequence, Array.from({ length: expected.get(word)! }, (_, index) => index + 1), `'${word}' counted 1..n`);
  assert.equal(await app.stop(), 0);
});

test('an instance started while the broker cannot be reached waits for it, and says so, instead of exiting', { timeout: 60_000 }, async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve)); // nothing listens there now
  const applicationId = uniqueName('unreachable');
  const directory = temporaryDirectory();
  const file = join(directory, 'app.yaml');
  writeFileSync(file, wordCountApp({ applicationId, input: `${applicationId}-lines`, output: `${applicationId}-counts`, stateDir: join(directory, 'state') }));
  const child = spawn(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'run', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KAFKA_BROKERS: `127.0.0.1:${port}` },
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitFor('the waiting message', async () => (/cannot be reached yet .*; trying again in \d+ ms/.test(output) ? true : undefined), 45_000, 200);
    assert.equal(child.exitCode, null, 'still running, waiting for the broker');
  } finally {
    child.kill('SIGKILL');
  }
});

test('startup errors name the problem: missing topics, bad fields', { timeout: 60_000 }, async () => {
  const directory = temporaryDirectory();
  const run = (yaml: string) => {
    const file = join(directory, `${uniqueName('app')}.yaml`);
    writeFileSync(file, yaml);
    return spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'run', file], { encoding: 'utf8', env: { ...process.env }, timeout: 60_000 });
  };
  const bootstrap = await brokers();
  const missing = run(`
application.id: missing-topics
bootstrap.servers: ${bootstrap}
topology:
  sources: [{ name: in, topics: [does-not-exist] }]
  sinks: [{ name: out, topic: nor-this, parents: [in] }]
`);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /topic\(s\) does-not-exist, nor-this do not exist/);
  const badField = run(`
application.id: bad
bootstrap.servers: ${bootstrap}
processing.guarantee: exactly_once
topology: { sources: [{ name: in, topics: [x] }] }
`);
  assert.equal(badField.status, 1);
  assert.match(badField.stderr, /must be at_least_once or exactly_once_v2, got 'exactly_once'.*field=processing\.guarantee/);
});

test('a rebalance commits before the tasks move: a joining instance repeats nothing (at-least-once)', { timeout: 180_000 }, async () => {
  const applicationId = uniqueName('rejoin');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  await createTopics([{ topic: input, partitions: 4 }, { topic: output, partitions: 4 }]);
  // Only the commit before rejoining can save the first instance's work.
  const yaml = () => wordCountApp({ applicationId, input, output, stateDir: temporaryDirectory(), commitIntervalMs: 600_000 });
  const lines = sampleLines(400, 29);
  await produceRecords(await brokers(), input, lines.map((line, index) => ({ key: String(index), value: line })));
  const expected = expectedCounts(lines);
  const total = [...expected.values()].reduce((sum, count) => sum + count, 0);
  const first = await startApp('first', yaml());
  await waitFor('the first instance to count everything', async () => (await readAll(output)).length >= total, 90_000, 500);
  const second = await startApp('second', yaml());
  await waitFor('the tasks to spread over both instances', async () => (await second.activeTasks()).length > 0 && (await first.activeTasks()).length > 0, 90_000);
  const more = sampleLines(100, 31);
  await produceRecords(await brokers(), input, more.map((line, index) => ({ key: `m${index}`, value: line })));
  const all = expectedCounts([...lines, ...more]);
  const allTotal = [...all.values()].reduce((sum, count) => sum + count, 0);
  const records = await waitFor('every count', async () => {
    const read = await readAll(output);
    return read.length >= allTotal ? read : undefined;
  }, 90_000, 500);
  await second.stop();
  await first.stop();
  assert.equal(records.length, allTotal, 'no update was repeated after the rebalance');
  assert.deepEqual(new Map([...finalCounts(records)].sort()), new Map([...all].sort()));
});
