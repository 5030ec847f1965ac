// State survives the machine: a deleted state.dir is restored from the
// changelog to the same store contents; standby replicas make a takeover
// need no full restore.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { createKafka, endOffsets, produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { brokers, createTopics, readAll, startApp, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { expectedCounts, finalCounts, sampleLines, wordCountApp } from '../support/wordcount-app.ts';

/** Every store row of every task under a state folder, as "task/key=value". */
function storeContents(stateDir: string, applicationId: string): string[] {
  const base = join(stateDir, applicationId);
  const rows: string[] = [];
  for (const task of readdirSync(base).filter((name) => /^\d+_\d+$/.test(name)).sort()) {
    const file = join(base, task, 'state.db');
    if (!existsSync(file)) continue;
    const database = new Database(file, { readonly: true });
    const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'kv_%'").all() as Array<{ name: string }>;
    for (const { name } of tables) {
      for (const row of database.prepare(`SELECT key, value FROM "${name}" ORDER BY key`).all() as Array<{ key: Buffer; value: Buffer }>) {
        rows.push(`${task}/${name}/${row.key.toString()}=${row.value.toString()}`);
      }
    }
    database.close();
  }
  return rows.sort();
}

/** Records in the given tasks' partitions of a changelog topic. */
async function changelogSize(topic: string, tasks: string[]): Promise<number> {
  const admin = createKafka(await brokers(), 'test-admin').admin();
  await admin.connect();
  try {
    const ends = await endOffsets(admin, topic);
    return tasks.reduce((total, task) => total + (ends.get(Number(task.slice(2))) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

test('a deleted state.dir is restored from the changelog to the same store contents', { timeout: 240_000 }, async () => {
  const applicationId = uniqueName('restore');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  const stateDir = temporaryDirectory();
  await createTopics([{ topic: input, partitions: 3 }, { topic: output, partitions: 3 }]);
  const lines = sampleLines(500, 3);
  await produceRecords(await brokers(), input, lines.map((line, index) => ({ key: String(index), value: line })));
  const appYaml = wordCountApp({ applicationId, input, output, stateDir });
  const expected = expectedCounts(lines);
  const complete = async () => {
    const counts = finalCounts(await readAll(output));
    return [...expected].every(([word, count]) => counts.get(word) === count);
  };

  const first = await startApp('first', appYaml);
  await waitFor('all counts', complete, 120_000, 1000);
  assert.equal(await first.stop(), 0);
  const before = storeContents(stateDir, applicationId);
  assert.ok(before.length >= expected.size, 'the stores hold the counts');

  rmSync(stateDir, { recursive: true, force: true });
  const second = await startApp('second', appYaml);
  // Two sub-topologies (split, count) × three partitions.
  await waitFor('every task to run', async () => (await second.activeTasks()).length === 6, 120_000);
  assert.match(second.output, /restored \d+ changelog records/);
  // More input continues from the restored counts.
  await produceRecords(await brokers(), input, [{ key: 'x', value: 'kafka kafka' }]);
  const kafkaCount = expected.get('kafka')! + 2;
  await waitFor('the new line counted on top of the restored state', async () => finalCounts(await readAll(output)).get('kafka') === kafkaCount, 60_000, 1000);
  assert.equal(await second.stop(), 0);
  const after = storeContents(stateDir, applicationId).filter((row) => !row.endsWith('/kafka=' + kafkaCount));
  const beforeWithoutKafka = before.filter((row) => !row.includes('/kv_counts/kafka='));
  assert.deepEqual(after, beforeWithoutKafka, 'restored contents equal the originals (apart from the new count)');
});

test('with a standby replica, the survivor takes over without a full restore', { timeout: 240_000 }, async () => {
  const applicationId = uniqueName('standby');
  const input = `${applicationId}-lines`;
  const output = `${applicationId}-counts`;
  await createTopics([{ topic: input, partitions: 2 }, { topic: output, partitions: 2 }]);
  const appYaml = (stateDir: string) => wordCountApp({ applicationId, input, output, stateDir, standbys: 1, guarantee: 'exactly_once_v2' });
  const first = await startApp('first', appYaml(temporaryDirectory()));
  const second = await startApp('second', appYaml(temporaryDirectory()));
  await waitFor('tasks split with a standby of each on the other instance', async () => {
    const [a, b] = [await first.status(), await second.status()];
    // Standbys are kept for stateful tasks only: the count sub-topology's (1_*).
    const activeA = a.threads.flatMap((thread) => thread.activeTasks.map((task) => task.taskId)).filter((task) => task.startsWith('1_'));
    const activeB = b.threads.flatMap((thread) => thread.activeTasks.map((task) => task.taskId)).filter((task) => task.startsWith('1_'));
    const standbyA = a.threads.flatMap((thread) => thread.standbyTasks);
    const standbyB = b.threads.flatMap((thread) => thread.standbyTasks);
    return activeA.length > 0 && activeB.length > 0 && JSON.stringify(standbyA.sort()) === JSON.stringify(activeB.sort()) && JSON.stringify(standbyB.sort()) === JSON.stringify(activeA.sort());
  }, 120_000);
  // Many distinct words, so the changelog is large next to what a warm standby lacks.
  const lines = sampleLines(1500, 5).map((line, index) => `${line} item${index}`);
  await produceRecords(await brokers(), input, lines.map((line, index) => ({ key: String(index), value: line })));
  const expected = expectedCounts(lines);
  const complete = async () => {
    const counts = finalCounts(await readAll(output));
    return [...expected].every(([word, count]) => counts.get(word) === count);
  };
  await waitFor('all counts', complete, 120_000, 1000);
  // Let the standby catch up with the last commits, then kill the first instance.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const taken = (await first.activeTasks()).filter((task) => task.startsWith('1_'));
  first.kill('SIGKILL');
  await first.waitExit();
  await waitFor('the survivor to run every task', async () => (await second.activeTasks()).length === 4, 90_000);
  const restoredLines = [...second.output.matchAll(/task (\d+_\d+): restored (\d+) changelog records/g)].filter((match) => taken.includes(match[1]!));
  const restored = restoredLines.reduce((total, match) => total + Number(match[2]), 0);
  const changelogRecords = await changelogSize(`${applicationId}-counts-changelog`, taken);
  assert.ok(changelogRecords > 50, `the changelog of ${taken.join(', ')} holds ${changelogRecords} records`);
  assert.ok(restored <= changelogRecords / 10, `the standby was warm: ${restored} of ${changelogRecords} changelog records restored on takeover of ${taken.join(', ')}`);
  await produceRecords(await brokers(), input, [{ key: 'y', value: 'eddy eddy eddy' }]);
  await waitFor('processing continues on the taken-over tasks', async () => finalCounts(await readAll(output)).get('eddy') === expected.get('eddy')! + 3, 60_000, 1000);
  assert.equal(await second.stop(), 0);
});
