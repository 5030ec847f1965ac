// The DSL benchmark: the word count written in the Streams DSL (flatMapValues
// → groupBy → count → toStream → mapValues(to decimal) → to, Rust functions)
// against Kafka Streams 4.4's WordCount (bench/kafka-streams: the same
// topology in Java, the same word definition), on one broker with the same
// input, each with its record cache at the default (10 MiB) and off.
//
// Throughput is input lines ÷ the time from when the application is running
// (assigned its tasks) to when every word's final count is in the output
// topic — not first-to-last output record, which with a cache measures the
// bursts at commits, not the work.
//   npx tsx bench/kafka/dsl.ts [--lines 100000] [--guarantee exactly_once_v2|at_least_once]

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafka, ensureTopics, produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { startLocalBroker } from '../../scripts/kafka/local-broker.ts';
import { benchmarkLines, formatRate, printTable, repositoryRoot } from '../support.ts';
import { referenceWords } from '../wordcount-reference.ts';
import { watchOutput } from './measure.ts';
import { buildKafkaStreams, stop, waitForText } from './systems.ts';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '100000' }, guarantee: { type: 'string', default: 'exactly_once_v2' } } });
const lineCount = Number(values.lines);
const guarantee = values.guarantee!;
const partitions = 4;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const broker = process.env.KAFKA_BROKERS
  ? { bootstrap: process.env.KAFKA_BROKERS, stop: async () => undefined }
  : await startLocalBroker({ directory: join(repositoryRoot, '.kafka/bench'), log });
const bootstrap = broker.bootstrap;
const run = Date.now().toString(36);
const scratch = mkdtempSync(join(tmpdir(), 'eddy-dsl-bench-'));
const functions = join(repositoryRoot, 'plugins/dsl-functions-rust');

interface System {
  name: string;
  cacheBytes: number;
  start(input: string, output: string, id: string): Promise<ChildProcess>;
}

const eddy = (cacheBytes: number): System => ({
  name: 'Eddy DSL word count (Rust functions)',
  cacheBytes,
  start: async (input, output, id) => {
    const file = join(scratch, `${id}.yaml`);
    writeFileSync(
      file,
      `application.id: ${id}
bootstrap.servers: ${bootstrap}
processing.guarantee: ${guarantee}
statestore.cache.max.bytes: ${cacheBytes}
state.dir: ${join(scratch, id)}
topology:
  dsl:
    functions:
      f: { plugin: ${functions} }
    streams:
      - stream: ${input}
        steps:
          - flatMapValues: f.unicode-words
          - groupBy: { selector: f.value-as-key, name: words }
          - count: { name: counts }
          - toStream
          - mapValues: f.long-to-decimal
          - to: ${output}
`,
    );
    const child = spawn(process.execPath, ['--max-semi-space-size=64', join(repositoryRoot, 'runtime/bin/eddy.js'), 'run', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForText(child, /assigned active \[[0-9_, ]+\]/, 'Eddy');
    return child;
  },
});

const kafkaStreams = (cacheBytes: number): System => ({
  name: 'Kafka Streams 4.4 WordCount (Java, DSL)',
  cacheBytes,
  start: async (input, output, id) => {
    const directory = join(repositoryRoot, 'bench/kafka-streams/target');
    const child = spawn(
      'java',
      ['-Xmx1g', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', `${directory}/kafka-streams-wordcount-1.jar:${directory}/lib/*`, 'dev.eddy.bench.WordCount', bootstrap, id, input, output, guarantee, String(cacheBytes), join(scratch, id)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await waitForText(child, /-> RUNNING/, 'Kafka Streams');
    return child;
  },
});

buildKafkaStreams(log);
const lines = benchmarkLines(lineCount);
const finalCounts = new Map<string, number>();
for (const line of lines) for (const word of referenceWords(line)) finalCounts.set(word, (finalCounts.get(word) ?? 0) + 1);
const input = `bench-dsl-lines-${run}`;
const admin = createKafka(bootstrap, 'bench-dsl').admin();
await admin.connect();
await ensureTopics(admin, [{ topic: input, partitions }]);
await admin.disconnect();
log(`producing ${lineCount} lines to ${input}`);
await produceRecords(bootstrap, input, lines.map((value, index) => ({ key: String(index), value })));

const rows: string[][] = [];
const rates = new Map<string, number>();
for (const cacheBytes of [10 * 1024 * 1024, 0]) {
  for (const system of [kafkaStreams(cacheBytes), eddy(cacheBytes)]) {
    const id = `bench-dsl-${run}-${Math.random().toString(36).slice(2, 7)}`;
    const output = `${id}-out`;
    const topicAdmin = createKafka(bootstrap, 'bench-dsl').admin();
    await topicAdmin.connect();
    await ensureTopics(topicAdmin, [{ topic: output, partitions }]);
    await topicAdmin.disconnect();
    const watch = await watchOutput(bootstrap, output, { keepLatest: true });
    log(`${system.name}, cache ${cacheBytes} bytes, ${guarantee}…`);
    const child = await system.start(input, output, id);
    const started = Date.now();
    await watch.until((current) => [...finalCounts].every(([word, count]) => Number(current.latest.get(word) ?? 0) >= count), 900_000);
    const seconds = (Date.now() - started) / 1000;
    await stop(child);
    await watch.stop();
    const exact = [...finalCounts].every(([word, count]) => Number(watch.latest.get(word)) === count);
    rates.set(`${system.name}|${cacheBytes}`, lineCount / seconds);
    log(`  ${formatRate(lineCount / seconds)} lines/s to final values, ${watch.count} records out${exact ? '' : ' (COUNTS DIFFER)'}`);
    const ks = rates.get(`${kafkaStreams(cacheBytes).name}|${cacheBytes}`);
    rows.push([
      system.name,
      cacheBytes === 0 ? 'off' : '10 MiB',
      seconds.toFixed(1),
      formatRate(lineCount / seconds),
      formatRate(watch.count),
      system.name.startsWith('Eddy') && ks ? `${(lineCount / seconds / ks).toFixed(2)}×` : '',
      exact ? 'exact' : 'DIFFERENT',
    ]);
  }
}
console.log(`\nEddy DSL benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, Kafka 4.4.0 (local, 1 broker), ${partitions} partitions, ${guarantee}`);
printTable(
  `DSL word count, ${formatRate(lineCount)} lines: time from running to every final count in the output topic`,
  ['system', 'record cache', 'seconds', 'lines/s', 'records out', 'vs Kafka Streams', 'final counts'],
  rows,
);
await broker.stop();
setImmediate(() => process.exit(0));
