// A Streams-DSL application (`topology: { dsl: … }`) on the real broker under
// exactly_once_v2, with two instances and a SIGKILL mid-stream: a table and a
// stream on co-partitioned topics, and three sub-topologies —
//   0: users (table) + clicks → leftJoin users (f.join-values) → enriched;
//      clicks → groupBy f.first-letter → letter-counts-repartition;
//      clicks → repartition (by-user, 2 partitions) → by-user-repartition
//   1: by-user-repartition (2 partitions, not the input's 3) → groupByKey → windowedBy 5 s → count → window-counts
//   2: letter-counts-repartition → count → letter-counts
// The committed output (read with Apache Kafka's Java consumer,
// read_committed, bytes as they are) must be what Kafka Streams 4.4 commits
// for the same input: one enriched record per click, and every count's
// updates exactly 1..n with the record cache off (statestore.cache.max.bytes:
// 0), or — with the default cache, which holds updates until a commit — a
// strictly increasing part of 1..n that ends at n. (test/dsl/differential.test.ts
// checks the per-record semantics against Kafka Streams itself; this checks
// exactly-once on the broker through a kill.)

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { produceRecords, type SimpleRecord } from '../../runtime/kafka/kafka-client.ts';
import { readCommittedBytes, type BytesRecord } from '../support/java-reader.ts';
import { AppProcess, brokers, createTopics, readAll, startApp, uniqueName, waitFor } from '../support/kafka.ts';
import { pluginDirectory, repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const partitions = 3;
/** The windowed count reads a repartition topic with its own partition count (Repartitioned.withNumberOfPartitions). */
const byUserPartitions = 2;
const windowSizeMs = 5000;

/** A Kafka LongSerde value: 8 bytes, big-endian. */
function long(bytes: Buffer | null, what: string): number {
  assert.ok(bytes !== null && bytes.length === 8, `${what}: a Long is 8 bytes, got ${bytes === null ? 'null' : `${bytes.length} bytes (${bytes.toString('hex')})`}`);
  return Number(bytes.readBigInt64BE(0));
}

/** For each key, its values in committed order (a key's updates all go to one partition: offset order). */
function sequences(records: BytesRecord[], keyOf: (record: BytesRecord) => string): Map<string, number[]> {
  const result = new Map<string, number[]>();
  for (const record of records) {
    const key = keyOf(record);
    const list = result.get(key) ?? [];
    list.push(long(record.value, `value of ${key}`));
    result.set(key, list);
  }
  return result;
}

const oneToN = (n: number) => Array.from({ length: n }, (_, index) => index + 1);

/** What Kafka Streams commits for a count that reaches n: every update (cache off), or a strictly increasing part of them ending at n (cache on). */
function assertCountUpdates(actual: number[] | undefined, n: number, cacheOff: boolean, what: string): void {
  if (cacheOff) {
    assert.deepEqual(actual, oneToN(n), `${what}: committed updates are exactly 1..${n}`);
    return;
  }
  assert.ok(actual && actual.length > 0, `${what}: no committed update`);
  assert.ok(actual.every((count, index) => count >= 1 && (index === 0 || count > actual[index - 1]!)), `${what}: committed updates ${JSON.stringify(actual)} are not strictly increasing`);
  assert.equal(actual[actual.length - 1], n, `${what}: the last committed update ${JSON.stringify(actual)} is not ${n}`);
}

/** A deterministic generator (LCG), as the other Kafka tests use. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
}

for (const cache of ['off', 'on'] as const) {
  test(`a DSL application (join, repartitioned count, windowed count) under exactly_once_v2, record cache ${cache}: a SIGKILL mid-stream changes no committed output`, { timeout: 300_000 }, async () => {
    const cacheOff = cache === 'off';
    const started = Date.now();
    const applicationId = uniqueName(`dsl-eos-cache-${cache}`);
    const topics = {
      users: `${applicationId}-users`,
      clicks: `${applicationId}-clicks`,
      enriched: `${applicationId}-enriched`,
      letterCounts: `${applicationId}-letter-counts`,
      windowCounts: `${applicationId}-window-counts`,
    };
    await createTopics(Object.values(topics).map((topic) => ({ topic, partitions })));
    const bootstrap = await brokers();

    const app = (stateDir: string) => `
application.id: ${applicationId}
bootstrap.servers: \${KAFKA_BROKERS}
processing.guarantee: exactly_once_v2
commit.interval.ms: 1000
${cacheOff ? 'statestore.cache.max.bytes: 0' : '# statestore.cache.max.bytes: the default (10 MiB)'}
session.timeout.ms: 6000
state.dir: ${stateDir}
admin.listener: 127.0.0.1:0
topology:
  dsl:
    functions:
      f: { plugin: ${pluginDirectory('dsl-functions-rust')} }
    streams:
      - table: ${topics.users}
        store: users
        as: users
      - stream: ${topics.clicks}
        as: clicks
      - from: clicks
        steps:
          - leftJoin: { table: users, joiner: f.join-values }
          - to: ${topics.enriched}
      - from: clicks
        steps:
          - groupBy: f.first-letter
          - count: { name: letter-counts }
          - toStream
          - to: ${topics.letterCounts}
      - from: clicks
        steps:
          - repartition: { name: by-user, partitions: ${byUserPartitions} }
          - groupByKey
          - windowedBy: { size: ${windowSizeMs}, grace: 60000 }
          - count: { name: window-counts }
          - toStream
          - to: ${topics.windowCounts}
  `;
    // Three sub-topologies (above): three partitions each, but two for the windowed count's.
    const allTasks = ['0', '1', '2'].flatMap((subTopology) => Array.from({ length: subTopology === '1' ? byUserPartitions : partitions }, (_, partition) => `${subTopology}_${partition}`)).sort();
    const covered = async (apps: AppProcess[]) => {
      const owned = (await Promise.all(apps.map((instance) => instance.activeTasks()))).flat().sort();
      return JSON.stringify(owned) === JSON.stringify(allTasks);
    };

    // ---- the input, and what Kafka Streams would commit for it ----------------
    // The table: u0…u9, u1 updated, u2 deleted (u10, u11 never exist). Produced
    // and processed before any click, so every join is deterministic.
    const users: SimpleRecord[] = [
      ...Array.from({ length: 10 }, (_, index) => ({ key: `u${index}`, value: `name-${index}` })),
      { key: 'u1', value: 'Ann' },
      { key: 'u2', value: null },
    ];
    const table = new Map<string, string>();
    for (const user of users) {
      if (user.value === null) table.delete(user.key!);
      else table.set(user.key!, user.value);
    }
    // Clicks: timestamps from a recent 5 s boundary, 40 ms apart (~5 windows per
    // user); the grace (60 s) exceeds their span, so no click is ever late, in
    // whatever order the repartitioned records arrive.
    const base = Math.floor((Date.now() - 120_000) / windowSizeMs) * windowSizeMs;
    const words = ['apple', 'avocado', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'kiwi', 'kumquat'];
    const next = generator(20261128);
    const clickCount = 600;
    const clicks: SimpleRecord[] = Array.from({ length: clickCount }, (_, index) => ({
      key: `u${(next() >>> 16) % 12}`, // the LCG's high bits: its low ones cycle
      value: `${words[(next() >>> 16) % words.length]}-${index}`,
      timestamp: base + index * 40,
    }));
    // A stream-table join's output keeps the click's key and timestamp.
    const expectedEnriched = clicks.map((click) => `${click.key}\t${click.value}+${table.get(click.key!) ?? 'null'}\t${click.timestamp}`).sort();
    const expectedLetters = new Map<string, number>();
    const expectedWindows = new Map<string, number>();
    for (const click of clicks) {
      const letter = click.value![0]!;
      expectedLetters.set(letter, (expectedLetters.get(letter) ?? 0) + 1);
      const window = `${click.key}@${click.timestamp! - (click.timestamp! % windowSizeMs)}`;
      expectedWindows.set(window, (expectedWindows.get(window) ?? 0) + 1);
    }

    const letterOf = (record: BytesRecord) => record.key?.toString('utf8') ?? '<null>';
    /** A windowed key: user key ‖ 8-byte big-endian window start. */
    const windowOf = (record: BytesRecord) => {
      assert.ok(record.key !== null && record.key.length > 8, `a windowed key is key ‖ 8-byte start, got ${record.key?.toString('hex')}`);
      return `${record.key.subarray(0, record.key.length - 8).toString('utf8')}@${record.key.readBigInt64BE(record.key.length - 8)}`;
    };

    // The input exercises what it should: updated, deleted and unknown users, several clicks per window.
    assert.ok(['+Ann\t', '+null\t', '+name-0\t'].every((part) => expectedEnriched.some((line) => line.includes(part))));
    assert.ok(expectedLetters.size >= 6 && expectedWindows.size >= 40 && [...expectedWindows.values()].some((n) => n >= 5));

    const stateDirs = [temporaryDirectory('eddy-dsl-a-'), temporaryDirectory('eddy-dsl-b-')];
    const instances: AppProcess[] = [];
    const start = async (name: string, index: number) => {
      const instance = await startApp(name, app(stateDirs[index]!));
      instances.push(instance);
      return instance;
    };
    // Progress: printed when the test fails (and as it goes with EDDY_TEST_VERBOSE).
    const progress: string[] = [];
    const log = (line: string) => {
      const entry = `[dsl-application ${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`;
      progress.push(entry);
      if (process.env.EDDY_TEST_VERBOSE) process.stderr.write(`${entry}\n`);
    };
    const produceChunks = async (records: SimpleRecord[], afterFirst?: () => Promise<void>) => {
      for (let offset = 0; offset < records.length; offset += 25) {
        await produceRecords(bootstrap, topics.clicks, records.slice(offset, offset + 25));
        if (offset === 0 && afterFirst) await afterFirst();
      }
    };
    // The committed output, and how far it is from the end: enriched records
    // missing, counts whose last committed update is not yet n.
    const readOutput = async () => {
      const [enriched, letterCounts, windowCounts] = await Promise.all([topics.enriched, topics.letterCounts, topics.windowCounts].map((topic) => readCommittedBytes(bootstrap, topic)));
      return { enriched: enriched!, letterCounts: letterCounts!, windowCounts: windowCounts! };
    };
    const lastLong = (sequence: number[] | undefined) => sequence?.[sequence.length - 1] ?? 0;
    const remaining = (output: Awaited<ReturnType<typeof readOutput>>) => {
      const letters = sequences(output.letterCounts, letterOf);
      const windows = sequences(output.windowCounts, windowOf);
      return {
        enriched: clickCount - output.enriched.length,
        letters: [...expectedLetters].filter(([letter, n]) => lastLong(letters.get(letter)) < n).length,
        windows: [...expectedWindows].filter(([window, n]) => lastLong(windows.get(window)) < n).length,
      };
    };

    try {
      let first = await start('first', 0);
      const second = await start('second', 1);
      await waitFor('the two instances to split the nine tasks', async () => (await first.activeTasks()).length > 0 && (await second.activeTasks()).length > 0 && (await covered([first, second])), 120_000);
      log('both instances run');

      // The table first; wait until its changelog (timestamp ‖ value) holds it, committed.
      await produceRecords(bootstrap, topics.users, users.map((user) => ({ ...user, timestamp: base - 1000 })));
      await waitFor('the users table to be processed and committed', async () => {
        const latest = new Map<string, string | null>();
        for (const record of await readAll(`${applicationId}-users-changelog`)) latest.set(record.key!, record.value);
        return [...new Set(users.map((user) => user.key!))].every((key) => {
          const name = table.get(key);
          const value = latest.get(key);
          return name === undefined ? value === null : value !== undefined && value !== null && value.endsWith(name);
        });
      }, 90_000, 500);
      log('the users table is committed');

      // A third of the clicks; once some are committed, more are produced and
      // the first instance is killed while they are, just after it processed
      // some of them (so, most likely, inside a transaction: commits are 1 s apart).
      const third = clickCount / 3;
      await produceChunks(clicks.slice(0, third));
      await waitFor('the first clicks to be committed', async () => (await readAll(topics.enriched)).length >= 25, 90_000, 200);
      const processed = async (instance: AppProcess) => (await instance.status()).threads.flatMap((thread) => thread.activeTasks).reduce((sum, task) => sum + task.processed, 0);
      await produceChunks(clicks.slice(third, 2 * third), async () => {
        const before = await processed(first);
        await waitFor('the first instance to process more', async () => (await processed(first)) > before, 30_000, 20).catch(() => log('the first instance processed nothing more in 30 s; killing it anyway'));
        first.kill('SIGKILL');
        await first.waitExit();
        log('SIGKILL of the first instance, while clicks are being produced');
      });
      await waitFor('the survivor to own every task', () => covered([second]), 120_000);
      log('the survivor owns every task');

      // The rest of the clicks while the first instance restarts (same state.dir) and rejoins.
      const rest = produceChunks(clicks.slice(2 * third));
      rest.catch(() => undefined); // awaited below; not unhandled if the restart fails first
      first = await start('first-restarted', 0);
      await rest;
      await waitFor('the restarted instance to take tasks again', async () => (await first.activeTasks()).length > 0 && (await covered([first, second])), 120_000);
      log('the restarted instance runs tasks; all clicks produced');

      let left: ReturnType<typeof remaining> | undefined;
      try {
        await waitFor('every output to be committed', async () => {
          left = remaining(await readOutput());
          return left.enriched <= 0 && left.letters === 0 && left.windows === 0;
        }, 120_000, 1000);
        log('every output is committed');
      } catch (error) {
        // Then the checks below say what is missing.
        const failed = (await Promise.all([first, second].map((instance) => instance.status().catch(() => undefined))))
          .flatMap((status) => status?.threads.flatMap((thread) => thread.activeTasks) ?? [])
          .filter((task) => task.state !== 'running');
        log(`${(error as Error).message}: still to come: ${JSON.stringify(left)} (enriched records, letters and windows not at their count); tasks not running: ${JSON.stringify(failed)}`);
      }
      assert.equal(await first.stop(), 0, 'the restarted instance stops cleanly');
      assert.equal(await second.stop(), 0, 'the second instance stops cleanly');

      // ---- the committed output, bytes as they are ------------------------------
      const { enriched, letterCounts, windowCounts } = await readOutput();
      log(`read committed: ${enriched.length} enriched, ${letterCounts.length} letter counts, ${windowCounts.length} window counts`);

      // enriched: exactly one record per click, `<click>+<name>` (or +null).
      const actualEnriched = enriched.map((record) => `${record.key?.toString('utf8')}\t${record.value?.toString('utf8')}\t${record.timestamp}`).sort();
      const counted = (list: string[]) => list.reduce((map, item) => map.set(item, (map.get(item) ?? 0) + 1), new Map<string, number>());
      const [want, got] = [counted(expectedEnriched), counted(actualEnriched)];
      const missing = [...want.keys()].filter((item) => !got.has(item));
      const duplicated = [...got].filter(([, count]) => count > 1).map(([item]) => item);
      const unexpected = [...got.keys()].filter((item) => !want.has(item));
      assert.deepEqual({ missing, duplicated, unexpected }, { missing: [], duplicated: [], unexpected: [] }, 'enriched: one output per click');
      assert.equal(enriched.length, clickCount);

      // letter-counts: key = the letter, Long values; updates 1..n (cache off).
      const letters = sequences(letterCounts, letterOf);
      assert.deepEqual([...letters.keys()].sort(), [...expectedLetters.keys()].sort(), 'letter-counts: every first letter, and only those');
      for (const [letter, n] of expectedLetters) assertCountUpdates(letters.get(letter), n, cacheOff, `letter-counts of '${letter}'`);

      // window-counts: key = user key ‖ 8-byte big-endian window start; updates 1..n (cache off).
      const windows = sequences(windowCounts, windowOf);
      assert.deepEqual([...windows.keys()].sort(), [...expectedWindows.keys()].sort(), 'window-counts: every (user, window), and only those');
      for (const [window, n] of expectedWindows) assertCountUpdates(windows.get(window), n, cacheOff, `window-counts of ${window}`);
      // An aggregate's timestamp is the largest that contributed: inside its window.
      for (const record of windowCounts) {
        const start = Number(record.key!.readBigInt64BE(record.key!.length - 8));
        assert.ok(record.timestamp >= start && record.timestamp < start + windowSizeMs, `window-counts record at ${record.partition}/${record.offset}: timestamp ${record.timestamp} outside [${start}, ${start + windowSizeMs})`);
      }
      // ---- the changelogs, as Kafka Streams 4.4 writes a timestamped store's ------
      // The plain Long count, with the aggregate's timestamp as the record
      // timestamp (not timestamp ‖ value); window keys: key ‖ start ‖ 4-byte sequence number.
      const [letterLog, windowLog] = await Promise.all([`${applicationId}-letter-counts-changelog`, `${applicationId}-window-counts-changelog`].map((topic) => readCommittedBytes(bootstrap, topic)));
      const inputTimes = { first: clicks[0]!.timestamp!, last: clicks[clicks.length - 1]!.timestamp! };
      const finalLetters = new Map<string, number>();
      for (const record of letterLog!) {
        const letter = letterOf(record);
        finalLetters.set(letter, long(record.value, `letter-counts changelog of '${letter}'`));
        assert.ok(record.timestamp >= inputTimes.first && record.timestamp <= inputTimes.last, `letter-counts changelog record at ${record.partition}/${record.offset}: timestamp ${record.timestamp} is not an input's`);
      }
      assert.deepEqual(finalLetters, expectedLetters, 'the letter-counts changelog ends at the counts');
      const finalWindows = new Map<string, number>();
      for (const record of windowLog!) {
        const key = record.key!;
        assert.equal(key.readInt32BE(key.length - 4), 0, 'a window changelog key ends with sequence number 0');
        const start = Number(key.readBigInt64BE(key.length - 12));
        const window = `${key.subarray(0, key.length - 12).toString('utf8')}@${start}`;
        finalWindows.set(window, long(record.value, `window-counts changelog of ${window}`));
        assert.ok(record.timestamp >= start && record.timestamp < start + windowSizeMs, `window-counts changelog record at ${record.partition}/${record.offset}: timestamp ${record.timestamp} outside its window`);
      }
      assert.deepEqual(finalWindows, expectedWindows, 'the window-counts changelog ends at the counts');
      log(`done: ${expectedLetters.size} letters, ${expectedWindows.size} windows, ${clickCount} clicks; ${letterCounts.length} letter and ${windowCounts.length} window updates committed`);
      if (process.env.EDDY_TEST_VERBOSE) {
        // Records of aborted transactions (the kill's open ones), seen only read_uncommitted.
        const aborted = await Promise.all([topics.enriched, topics.letterCounts, topics.windowCounts, `${applicationId}-letter-counts-repartition`, `${applicationId}-by-user-repartition`]
          .map(async (topic) => `${topic.slice(applicationId.length + 1)} ${(await readAll(topic, { readUncommitted: true })).length - (await readAll(topic)).length}`));
        log(`records in aborted transactions: ${aborted.join(', ')}`);
      }
    } catch (error) {
      process.stderr.write(`${progress.join('\n')}\n`);
      for (const instance of instances) {
        const notable = instance.output.split('\n').filter((line) => /warn|error|fail|fenc|abort/i.test(line));
        process.stderr.write(`---- ${instance.name}: ${notable.length} warning/error lines (last 60) ----\n${notable.slice(-60).join('\n')}\n`);
      }
      throw error;
    } finally {
      for (const instance of instances) instance.kill('SIGKILL');
    }
  });
}
