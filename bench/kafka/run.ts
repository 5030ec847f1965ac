// The Kafka benchmarks, all on one broker and the same data, in one run:
//   - raw kafkajs consume → produce pipe (the ceiling for a kafkajs host);
//   - Eddy pass-through and Eddy word count (Rust plugins, TS plugins),
//     at-least-once and exactly-once;
//   - Kafka Streams 4.4 WordCount (bench/kafka-streams, built here with Maven);
//   - p50/p99 end-to-end latency at a fixed input rate;
//   - changelog restore rate for a store of 1 M keys;
//   - num.stream.threads 1 vs 2;
//   - exactly-once with one producer per thread (the default) vs per task.
// Prints a table with ratios against Kafka Streams and the raw pipe.
//   npx tsx bench/kafka/run.ts [--lines 100000] [--ts-lines 10000] [--rate 1000] [--seconds 15] [--restore-keys 1000000]

import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { referenceWords } from '../wordcount-reference.ts';
import { benchmarkLines, formatRate, plugin, printTable, repositoryRoot } from '../support.ts';
import { createKafka, ensureTopics, produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { startLocalBroker } from '../../scripts/kafka/local-broker.ts';
import { countWords, measureLatency, watchOutput, type LatencyResult } from './measure.ts';
import { benchSystems, buildKafkaStreams, startEddy, type BenchSystem } from './systems.ts';
import { restoreReader } from './window-restore.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    'ts-lines': { type: 'string', default: '10000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
    'restore-keys': { type: 'string', default: '1000000' },
    only: { type: 'string' },
  },
});
const lineCount = Number(values.lines);
const tsLineCount = Number(values['ts-lines']);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const restoreKeys = Number(values['restore-keys']);
const partitions = 4;
const only = values.only?.split(',');
const wanted = (name: string) => !only || only.some((part) => name.includes(part));

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const broker = process.env.KAFKA_BROKERS
  ? { bootstrap: process.env.KAFKA_BROKERS, stop: async () => undefined }
  : await startLocalBroker({ directory: join(repositoryRoot, '.kafka/bench'), log });
const bootstrap = broker.bootstrap;
const run = Date.now().toString(36);
const scratch = mkdtempSync(join(tmpdir(), 'eddy-bench-'));

// ---- systems under test ------------------------------------------------------

const { eddySystem, kafkaStreamsSystem, rawPipe, stop } = benchSystems({ bootstrap, scratch });
type System = BenchSystem;

// ---- data --------------------------------------------------------------------

async function topics(specs: string[]): Promise<void> {
  const admin = createKafka(bootstrap, 'bench-admin').admin();
  await admin.connect();
  await ensureTopics(admin, specs.map((topic) => ({ topic, partitions })));
  await admin.disconnect();
}

const lines = benchmarkLines(lineCount);
const wordsOf = (list: string[]) => list.reduce((total, line) => total + referenceWords(line).length, 0);
const inputTopic = `bench-lines-${run}`;
const tsInputTopic = `bench-lines-ts-${run}`;
log(`producing ${lineCount} lines (${wordsOf(lines)} words) to ${inputTopic}, ${partitions} partitions`);
await topics([inputTopic, tsInputTopic]);
await produceRecords(bootstrap, inputTopic, lines.map((value, index) => ({ key: String(index), value })));
await produceRecords(bootstrap, tsInputTopic, lines.slice(0, tsLineCount).map((value, index) => ({ key: String(index), value })));

// ---- throughput ----------------------------------------------------------------

interface Throughput {
  system: System;
  lines: number;
  seconds: number;
  outputs: number;
  latest?: Map<string, string>;
}

async function throughput(system: System, input: string, inputLines: number, extra = ''): Promise<Throughput> {
  const id = `bench-${system.kind}-${run}-${Math.random().toString(36).slice(2, 7)}`;
  const output = `${id}-out`;
  await topics([output]);
  const expected = system.kind === 'pipe' ? inputLines : wordsOf(lines.slice(0, inputLines));
  const watch = await watchOutput(bootstrap, output, { keepLatest: system.kind === 'wordcount' });
  log(`${system.name} ${system.guarantee} ${extra}: ${inputLines} lines → ${expected} outputs…`);
  const child = await system.start(input, output, id);
  // Done when every word reached its final count (at-least-once may repeat
  // updates after a rebalance, so counting output records is not enough).
  const finalCounts = system.kind === 'wordcount' ? countWords(lines.slice(0, inputLines)) : undefined;
  await watch.until(
    (current) => (finalCounts ? [...finalCounts].every(([word, count]) => Number(current.latest.get(word) ?? 0) >= count) : current.count >= expected),
    900_000,
  );
  await stop(child);
  await watch.stop();
  const elapsed = (watch.lastAt! - watch.firstAt!) / 1000;
  log(`  ${formatRate(inputLines / elapsed)} lines/s (${formatRate(watch.count / elapsed)} records/s out)`);
  return { system, lines: inputLines, seconds: elapsed, outputs: watch.count, latest: watch.latest };
}

// ---- latency --------------------------------------------------------------------

async function latency(system: System): Promise<LatencyResult> {
  const id = `bench-latency-${run}-${Math.random().toString(36).slice(2, 7)}`;
  const input = `${id}-in`;
  const output = `${id}-out`;
  await topics([input, output]);
  let expected: number | undefined;
  const result = await measureLatency({
    bootstrap,
    input,
    output,
    lines,
    rate,
    seconds,
    start: () => system.start(input, output, id),
    done: (watch, sent) => watch.count >= (expected ??= system.kind === 'pipe' ? sent.length : wordsOf(sent.map((line) => line.value))),
  });
  log(`  ${system.name} ${system.guarantee} at ${rate} lines/s: p50 ${result.p50} ms, p99 ${result.p99} ms over ${result.records} records (${formatRate(result.sentPerSecond)} lines/s sent)`);
  return result;
}

// ---- restore ----------------------------------------------------------------------

async function restoreRate(keys: number): Promise<{ records: number; milliseconds: number }> {
  const id = `bench-restore-${run}`;
  const input = `${id}-in`;
  const output = `${id}-out`;
  const changelog = `${id}-counts-changelog`;
  const admin = createKafka(bootstrap, 'bench-admin').admin();
  await admin.connect();
  await ensureTopics(admin, [
    { topic: input, partitions: 1 },
    { topic: output, partitions: 1 },
    { topic: changelog, partitions: 1, config: { 'cleanup.policy': 'compact' } },
  ]);
  await admin.disconnect();
  log(`restore: writing ${keys} keys to ${changelog}…`);
  const chunk = 20_000;
  for (let start = 0; start < keys; start += chunk) {
    const records = Array.from({ length: Math.min(chunk, keys - start) }, (_, index) => ({ key: `key-${start + index}`, value: String(start + index), partition: 0 }));
    await produceRecords(bootstrap, changelog, records, chunk);
  }
  const yaml = `
application.id: ${id}
bootstrap.servers: ${bootstrap}
state.dir: ${join(scratch, id)}
topology:
  sources: [{ name: in, topics: [${input}] }]
  processors: [{ name: count, plugin: ${plugin('count-by-key-rust')}, parents: [in], stores: [counts] }]
  sinks: [{ name: out, topic: ${output}, parents: [count] }]
`;
  const file = join(scratch, `${id}.yaml`);
  writeFileSync(file, yaml);
  const reader = restoreReader('eddy');
  const child = await startEddy(file, 'restore app', (text) => reader.onText(text));
  try {
    await reader.until(1, 900_000, child);
  } finally {
    await stop(child);
  }
  const restored = reader.timing();
  log(`  restored ${restored.records} records in ${restored.milliseconds} ms`);
  return restored;
}

// ---- the run ------------------------------------------------------------------------

buildKafkaStreams(log);

const results: Throughput[] = [];
const latencies = new Map<string, { p50: number; p99: number }>();
const key = (system: System) => `${system.name}|${system.guarantee}`;
const systems: Array<[System, string, number]> = [
  [rawPipe, inputTopic, lineCount],
  [eddySystem('Eddy pass-through (Rust)', 'at_least_once', 'pipe', 'rust'), inputTopic, lineCount],
  [eddySystem('Eddy pass-through (Rust)', 'exactly_once_v2', 'pipe', 'rust'), inputTopic, lineCount],
  [eddySystem('Eddy pass-through (Rust), producer per task', 'exactly_once_v2', 'pipe', 'rust', 1, 'exactly.once.producer: per-task'), inputTopic, lineCount],
  [kafkaStreamsSystem('at_least_once'), inputTopic, lineCount],
  [kafkaStreamsSystem('exactly_once_v2'), inputTopic, lineCount],
  [eddySystem('Eddy word count (Rust)', 'at_least_once', 'wordcount', 'rust'), inputTopic, lineCount],
  [eddySystem('Eddy word count (Rust)', 'exactly_once_v2', 'wordcount', 'rust'), inputTopic, lineCount],
  [eddySystem('Eddy word count (Rust), producer per task', 'exactly_once_v2', 'wordcount', 'rust', 1, 'exactly.once.producer: per-task'), inputTopic, lineCount],
  [eddySystem('Eddy word count (Rust), 2 stream threads', 'at_least_once', 'wordcount', 'rust', 2), inputTopic, lineCount],
  [eddySystem('Eddy word count (Rust), 2 stream threads', 'exactly_once_v2', 'wordcount', 'rust', 2), inputTopic, lineCount],
  [eddySystem('Eddy word count (TS)', 'at_least_once', 'wordcount', 'ts'), tsInputTopic, tsLineCount],
  [eddySystem('Eddy word count (TS)', 'exactly_once_v2', 'wordcount', 'ts'), tsInputTopic, tsLineCount],
];
for (const [system, input, count] of systems) {
  if (!wanted(`${system.name} ${system.guarantee}`)) continue;
  results.push(await throughput(system, input, count));
}
for (const [system] of systems) {
  if (system.name.includes('2 stream threads') || system.name.includes('producer per task') || system.name.includes('(TS)') || !wanted(`latency ${system.name} ${system.guarantee}`)) continue;
  latencies.set(key(system), await latency(system));
}
const restore = wanted('restore') ? await restoreRate(restoreKeys) : undefined;

// ---- report --------------------------------------------------------------------------

const find = (name: string, guarantee: string) => results.find((result) => result.system.name.startsWith(name) && result.system.guarantee === guarantee);
const rateOf = (result: Throughput | undefined) => (result ? result.lines / result.seconds : Number.NaN);
const rawRate = rateOf(find('raw kafkajs', '-'));
const rows = results.map((result) => {
  const linesPerSecond = result.lines / result.seconds;
  const ks = result.system.guarantee === '-' ? undefined : find('Kafka Streams', result.system.guarantee);
  const latencyEntry = latencies.get(key(result.system));
  return [
    result.system.name,
    result.system.guarantee,
    formatRate(result.lines),
    formatRate(linesPerSecond),
    formatRate(result.outputs / result.seconds),
    result.system.kind === 'wordcount' && ks ? `${(linesPerSecond / rateOf(ks)).toFixed(2)}×` : '',
    Number.isNaN(rawRate) ? '' : `${(linesPerSecond / rawRate).toFixed(2)}×`,
    latencyEntry ? `${latencyEntry.p50}` : '',
    latencyEntry ? `${latencyEntry.p99}` : '',
  ];
});
console.log(`\nEddy Kafka benchmarks — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, Kafka 4.4.0 (local, 1 broker), ${partitions} partitions`);
printTable(
  `Throughput (${formatRate(lineCount)} lines; TS rows ${formatRate(tsLineCount)}) and end-to-end latency at ${rate} lines/s for ${seconds} s`,
  ['system', 'guarantee', 'lines', 'lines/s', 'records out/s', 'vs Kafka Streams', 'vs raw pipe', 'p50 ms', 'p99 ms'],
  rows,
);
const eddyExact = find('Eddy word count (Rust)', 'exactly_once_v2');
const ksExact = find('Kafka Streams', 'exactly_once_v2');
if (eddyExact?.latest && ksExact?.latest) {
  const same = eddyExact.latest.size === ksExact.latest.size && [...eddyExact.latest].every(([word, count]) => ksExact.latest!.get(word) === count);
  console.log(`\nSame answers: Eddy and Kafka Streams final word counts (exactly-once) are ${same ? 'identical' : 'DIFFERENT'} (${eddyExact.latest.size} words).`);
}
if (restore) {
  console.log(`\nChangelog restore: ${formatRate(restore.records)} records in ${(restore.milliseconds / 1000).toFixed(1)} s = ${formatRate(restore.records / (restore.milliseconds / 1000))} records/s (one partition, into SQLite).`);
}
await broker.stop();
setImmediate(() => process.exit(0));
