// The demo (`npm run demo`): a Streams-DSL application on a real Kafka broker.
// Starts the local broker unless KAFKA_BROKERS is set, creates the topics,
// produces scripts/demo/text.txt, a users table and a stream of clicks, runs
// scripts/demo/dsl-app.yaml (exactly-once, Rust DSL functions) and prints what
// it committed: the word counts (checked against counts computed here), the
// clicks per user in 10-second windows, and clicks joined with their users.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application } from '../../runtime/app/application.ts';
import { createKafka, ensureTopics, produceRecords, readTopic, type ReadRecord } from '../../runtime/kafka/kafka-client.ts';
import { startLocalBroker } from '../kafka/local-broker.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Kafka Streams' WordCountDemo split, as the split-words function: `line.toLowerCase().split("\\W+")`. */
function javaWords(line: string): string[] {
  const lower = line.toLowerCase();
  if (lower === '') return [''];
  const parts = lower.split(/[^a-zA-Z0-9_]+/);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const long = (bytes: Uint8Array | null) => (bytes ? Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0)) : 0);
/** The last value per key (the table's final state). */
function finals(records: ReadRecord[], keyOf: (record: ReadRecord) => string): Map<string, ReadRecord> {
  const last = new Map<string, ReadRecord>();
  for (const record of records) last.set(keyOf(record), record);
  return last;
}

const broker = process.env.KAFKA_BROKERS
  ? { bootstrap: process.env.KAFKA_BROKERS, stop: async () => undefined }
  : await startLocalBroker({ directory: join(here, '../../.kafka/demo'), log: say });
say(`kafka: ${broker.bootstrap}${process.env.KAFKA_BROKERS ? ' (from KAFKA_BROKERS)' : ''}`);
const run = `eddy-demo-${Date.now().toString(36)}`;
const topic = (name: string) => `${run}-${name}`;
Object.assign(process.env, {
  KAFKA_BROKERS: broker.bootstrap,
  APPLICATION_ID: run,
  INPUT_TOPIC: topic('text-lines'),
  OUTPUT_TOPIC: topic('word-counts'),
  USERS_TOPIC: topic('users'),
  CLICKS_TOPIC: topic('clicks'),
  ENRICHED_TOPIC: topic('enriched-clicks'),
  WINDOWS_TOPIC: topic('clicks-per-window'),
});
const stateDir = mkdtempSync(join(tmpdir(), 'eddy-demo-state-'));
process.env.STATE_DIR = stateDir;

try {
  const admin = createKafka(broker.bootstrap, 'eddy-demo').admin();
  await admin.connect();
  await ensureTopics(admin, ['text-lines', 'word-counts', 'users', 'clicks', 'enriched-clicks', 'clicks-per-window'].map((name) => ({ topic: topic(name), partitions: 3 })));
  await admin.disconnect();

  const lines = readFileSync(join(here, 'text.txt'), 'utf8').split('\n');
  await produceRecords(broker.bootstrap, topic('text-lines'), lines.map((line, index) => ({ key: String(index), value: line })));
  const windowStart = Math.floor(Date.now() / 10_000) * 10_000 - 60_000;
  const users = [['alice', 'Alice'], ['bob', 'Bob']];
  await produceRecords(broker.bootstrap, topic('users'), users.map(([key, value]) => ({ key: key!, value: value!, timestamp: windowStart - 1000 })));
  const pages = ['home', 'docs', 'pricing', 'blog'];
  const people = ['alice', 'bob', 'carol'];
  const clicks = Array.from({ length: 30 }, (_, index) => ({ key: people[(index * 7) % 3]!, value: pages[index % 4]!, timestamp: windowStart + index * 1500 }));

  const started = Date.now();
  const application = await Application.start(join(here, 'dsl-app.yaml'), { log: (level, message) => level !== 'info' && say(`[${level}] ${message}`) });
  say(`running DSL application ${run} (exactly-once, 4 sub-topologies, Rust DSL functions)…`);
  // The clicks join the users as the table holds them when each click is
  // processed: produce the clicks once the table has every user (its
  // changelog has them, committed).
  await readTopic(broker.bootstrap, `${run}-users-store-changelog`, { until: (read) => read.length >= users.length, timeoutMs: 120_000 });
  await produceRecords(broker.bootstrap, topic('clicks'), clicks);
  say(`produced ${lines.length} lines of scripts/demo/text.txt, ${users.length} users, then (once the users table had them) ${clicks.length} clicks, one every 1.5 s of event time`);

  const expected = new Map<string, number>();
  for (const line of lines) for (const word of javaWords(line)) expected.set(word, (expected.get(word) ?? 0) + 1);
  const countsOf = (records: ReadRecord[]) => new Map([...finals(records, (record) => record.key ?? '')].map(([word, record]) => [word, long(record.valueBytes)]));
  const wordRecords = await readTopic(broker.bootstrap, topic('word-counts'), {
    until: (read) => [...expected].every(([word, count]) => countsOf(read).get(word) === count),
    timeoutMs: 180_000,
  });
  const enriched = await readTopic(broker.bootstrap, topic('enriched-clicks'), { until: (read) => read.length >= clicks.length, timeoutMs: 120_000 });
  const windowKey = (record: ReadRecord) => `${new TextDecoder().decode(record.keyBytes!.subarray(0, record.keyBytes!.length - 8))} ${long(record.keyBytes!.subarray(record.keyBytes!.length - 8))}`;
  const expectedWindows = new Map<string, number>();
  for (const click of clicks) {
    const key = `${click.key} ${Math.floor(click.timestamp / 10_000) * 10_000}`;
    expectedWindows.set(key, (expectedWindows.get(key) ?? 0) + 1);
  }
  const windowRecords = await readTopic(broker.bootstrap, topic('clicks-per-window'), {
    until: (read) => [...expectedWindows].every(([key, count]) => long(finals(read, windowKey).get(key)?.valueBytes ?? null) === count),
    timeoutMs: 120_000,
  });
  await application.stop();

  const counts = countsOf(wordRecords);
  const exact = [...expected].every(([word, count]) => counts.get(word) === count) && counts.size === expected.size;
  say(`\nword count: ${wordRecords.length} committed updates for ${counts.size} distinct words in ${((Date.now() - started) / 1000).toFixed(1)} s (the record cache holds back repeats); ${exact ? 'all counts exact' : 'COUNTS DIFFER from the expected'}`);
  say('  top 10 words:');
  for (const [word, count] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10)) say(`  ${String(count).padStart(6)}  ${word === '' ? '(empty: lines starting with a separator)' : word}`);

  const windows = finals(windowRecords, windowKey);
  const windowsExact = [...expectedWindows].every(([key, count]) => long(windows.get(key)?.valueBytes ?? null) === count) && windows.size === expectedWindows.size;
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  say(`\nclicks per user in 10 s tumbling windows (final values; ${windowsExact ? 'all exact' : 'DIFFER from the expected'}):`);
  for (const [key, record] of [...windows].sort((a, b) => a[0].localeCompare(b[0]))) {
    const [user, start] = key.split(' ');
    say(`  ${user!.padEnd(6)} [${clock(Number(start))}, ${clock(Number(start) + 10_000)})  ${long(record.valueBytes)} click(s)`);
  }

  const joinedExact = enriched.length === clicks.length && enriched.every((record) => {
    const user = users.find(([key]) => key === record.key)?.[1] ?? 'null';
    return record.value?.endsWith(`+${user}`);
  });
  say(`\nclicks left-joined with the users table (${enriched.length} of ${clicks.length}; ${joinedExact ? 'all joined as expected' : 'UNEXPECTED join results'}), the first 6:`);
  for (const record of enriched.slice(0, 6)) say(`  ${String(record.key).padEnd(6)} → ${record.value}`);
  if (!exact || !windowsExact || !joinedExact) process.exitCode = 1;
} finally {
  await broker.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
// kafkajs leaves timers behind after disconnecting.
setImmediate(() => process.exit(process.exitCode ?? 0));
