// The DSL benchmark: Eddy's Streams DSL (Rust functions of
// plugins/dsl-functions-rust) against Kafka Streams 4.4 (bench/kafka-streams:
// the same topologies and word definition in Java), on one broker with the
// same input, each system with its record cache at the default (10 MiB) and
// off. Parts (all by default; pick with --only, comma-separated):
//   wordcount          throughput of the word count: flatMapValues(words) →
//                      groupBy(word) → count → toStream → mapValues(Long →
//                      decimal) → to;
//   windowed           throughput of the tumbling-window word count:
//                      flatMapValues → groupBy → windowedBy(size, grace) →
//                      count → toStream → to (time-windowed key, Long);
//   latency            p50/p99 end-to-end latency of both at a fixed rate
//                      (or latency-wordcount, latency-windowed);
//   restore            the window store's restore rate from a changelog.
//
// Throughput is input lines ÷ the time from when the application is running
// (assigned its tasks) to when every final value — each word's count, or each
// (word, window)'s — is in the output topic; not first-to-last output record,
// which with a cache measures the bursts at commits, not the work. The input's
// timestamps are spread evenly over --window-span ms (whole windows), and the
// windows' grace is the span, so no record is late whatever order the
// partitions are read in.
// Latency: lines produced at --rate lines/s for --seconds s with the send
// time as record timestamp; latency = arrival at a read_committed consumer
// of the output − the output record's timestamp (an aggregate's is the
// largest of its inputs'), over every output record, until every final value
// is out.
// Restore: --restore-records records in the windowed count's changelog
// (window-restore.ts) before the application starts with an empty state
// directory (cache off); the time from the first partition's restore start
// to the last one's end, then probe lines check the restored counts. The
// changelog is in Kafka Streams' format, which both systems write and read.
//   npx tsx bench/kafka/dsl.ts [--lines 100000] [--guarantee exactly_once_v2|at_least_once]
//     [--only wordcount,windowed,latency,restore] [--cache both|on|off]
//     [--window-size 60000] [--window-span 300000] [--rate 1000] [--seconds 15]
//     [--restore-records 1000000] [--systems both|eddy|kafka-streams]
// EDDY_BENCH_NODE_ARGS adds Node flags to Eddy's process (e.g. --cpu-prof --cpu-prof-dir=DIR).

import { appendFileSync, mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafka, ensureTopics, produceRecords, type TopicSpec } from '../../runtime/kafka/kafka-client.ts';
import { startLocalBroker } from '../../scripts/kafka/local-broker.ts';
import { benchmarkLines, formatRate, printTable, repositoryRoot } from '../support.ts';
import { countWords, countWordsPerWindow, exactlyFinal, measureLatency, reachedFinal, textOutput, watchOutput, windowedLongOutput, type OutputDecoder, type TimedLine } from './measure.ts';
import { buildKafkaStreams, dslSystems, stop, type DslSystem, type DslTopology, type Guarantee } from './systems.ts';
import { restoreProbes, restoreReader, writeWindowChangelog, type WindowChangelogPlan } from './window-restore.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    guarantee: { type: 'string', default: 'exactly_once_v2' },
    only: { type: 'string' },
    cache: { type: 'string', default: 'both' },
    systems: { type: 'string', default: 'both' },
    'window-size': { type: 'string', default: '60000' },
    'window-span': { type: 'string', default: '300000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
    'restore-records': { type: 'string', default: '1000000' },
  },
});
const lineCount = Number(values.lines);
const guarantee = values.guarantee as Guarantee;
if (guarantee !== 'exactly_once_v2' && guarantee !== 'at_least_once') throw new Error(`--guarantee: exactly_once_v2 or at_least_once, not ${values.guarantee}`);
const partNames = ['wordcount', 'windowed', 'latency-wordcount', 'latency-windowed', 'restore'] as const;
type Part = (typeof partNames)[number];
const parts = new Set<Part>(
  (values.only ?? partNames.join(','))
    .split(',')
    .map((part) => part.trim())
    .flatMap((part): Part[] => {
      if (part === 'latency') return ['latency-wordcount', 'latency-windowed'];
      if ((partNames as readonly string[]).includes(part)) return [part as Part];
      throw new Error(`--only: unknown part '${part}' (${partNames.join(', ')}, latency)`);
    }),
);
const defaultCache = 10 * 1024 * 1024;
const caches = ({ both: [defaultCache, 0], on: [defaultCache], off: [0] } as Record<string, number[]>)[values.cache!];
if (!caches) throw new Error(`--cache: both, on or off, not ${values.cache}`);
if (!['both', 'eddy', 'kafka-streams'].includes(values.systems!)) throw new Error(`--systems: both, eddy or kafka-streams, not ${values.systems}`);
const windowSizeMs = Number(values['window-size']);
const windowSpanMs = Math.max(windowSizeMs, Math.floor(Number(values['window-span']) / windowSizeMs) * windowSizeMs);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const restoreRecords = Number(values['restore-records']);
const partitions = 4;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const broker = process.env.KAFKA_BROKERS
  ? { bootstrap: process.env.KAFKA_BROKERS, stop: async () => undefined }
  : await startLocalBroker({ directory: join(repositoryRoot, '.kafka/bench'), log });
const bootstrap = broker.bootstrap;
const run = Date.now().toString(36);
const scratch = mkdtempSync(join(tmpdir(), 'eddy-dsl-bench-'));
const newId = (part: string) => `bench-dsl-${part}-${run}-${Math.random().toString(36).slice(2, 7)}`;
const cacheLabel = (cacheBytes: number) => (cacheBytes === 0 ? 'off' : cacheBytes === defaultCache ? '10 MiB' : `${cacheBytes} B`);

async function topics(specs: TopicSpec[]): Promise<void> {
  const admin = createKafka(bootstrap, 'bench-dsl').admin();
  await admin.connect();
  await ensureTopics(admin, specs);
  await admin.disconnect();
}

// ---- the two topologies ------------------------------------------------------------

type Which = 'wordcount' | 'windowed';
const { eddy, kafkaStreams } = dslSystems({ bootstrap, scratch, guarantee });
const windowed: DslTopology = { kind: 'windowed', sizeMs: windowSizeMs, graceMs: windowSpanMs };
const topologies: Record<Which, { topology: DslTopology; label: string; decode: OutputDecoder; finals: (lines: readonly TimedLine[]) => Map<string, number> }> = {
  wordcount: { topology: { kind: 'wordcount' }, label: 'word count', decode: textOutput, finals: (lines) => countWords(lines.map((line) => line.value)) },
  windowed: { topology: windowed, label: `windowed count (${windowSizeMs / 1000} s tumbling)`, decode: windowedLongOutput, finals: (lines) => countWordsPerWindow(lines, windowSizeMs) },
};
/** Both systems with each cache setting, Kafka Streams first (the ratio's base). */
const systemsFor = (which: Which): DslSystem[] =>
  caches.flatMap((cacheBytes) => [kafkaStreams(topologies[which].topology, cacheBytes), eddy(topologies[which].topology, cacheBytes)]).filter((system) => values.systems === 'both' || system.engine === values.systems);
const ratio = (rows: Map<string, number>, system: DslSystem, value: number) => {
  const base = rows.get(`kafka-streams|${system.cacheBytes}`);
  return system.engine === 'eddy' && base ? `${(value / base).toFixed(2)}×` : '';
};

// ---- throughput ------------------------------------------------------------------------

const throughputRows: string[][] = [];

async function throughput(which: Which, input: string, lines: readonly TimedLine[]): Promise<void> {
  const { label, decode, finals } = topologies[which];
  const expected = finals(lines);
  const rates = new Map<string, number>();
  for (const system of systemsFor(which)) {
    const id = newId(which);
    const output = `${id}-out`;
    await topics([{ topic: output, partitions }]);
    const watch = await watchOutput(bootstrap, output, { decode });
    log(`${system.name}, cache ${cacheLabel(system.cacheBytes)}, ${guarantee}: ${lines.length} lines → ${expected.size} final values…`);
    const child = await system.start(input, output, id);
    const started = Date.now();
    let elapsed: number;
    try {
      await watch.until((current) => reachedFinal(expected, current.latest), 900_000);
      elapsed = (Date.now() - started) / 1000;
    } finally {
      await stop(child);
      await watch.stop();
    }
    const exact = exactlyFinal(expected, watch.latest);
    const linesPerSecond = lines.length / elapsed;
    rates.set(`${system.engine}|${system.cacheBytes}`, linesPerSecond);
    log(`  ${formatRate(linesPerSecond)} lines/s to final values, ${watch.count} records out${exact ? '' : ' (FINAL VALUES DIFFER)'}`);
    throughputRows.push([label, system.name, cacheLabel(system.cacheBytes), elapsed.toFixed(1), formatRate(linesPerSecond), formatRate(watch.count), ratio(rates, system, linesPerSecond), exact ? 'exact' : 'DIFFERENT']);
  }
}

// ---- latency ---------------------------------------------------------------------------

const latencyRows: string[][] = [];

async function latency(which: Which, lines: readonly string[]): Promise<void> {
  const { label, decode, finals } = topologies[which];
  for (const system of systemsFor(which)) {
    const id = newId(`latency-${which}`);
    const input = `${id}-in`;
    const output = `${id}-out`;
    await topics([input, output].map((topic) => ({ topic, partitions })));
    log(`latency: ${system.name}, cache ${cacheLabel(system.cacheBytes)}, ${guarantee}, ${rate} lines/s for ${seconds} s…`);
    let expected: Map<string, number> | undefined;
    const result = await measureLatency({
      bootstrap,
      input,
      output,
      lines,
      rate,
      seconds,
      start: () => system.start(input, output, id),
      watch: { decode },
      done: (watch, sent) => reachedFinal((expected ??= finals(sent)), watch.latest),
    });
    log(`  p50 ${result.p50} ms, p99 ${result.p99} ms over ${result.records} records (${result.sent} lines sent, ${formatRate(result.sentPerSecond)} lines/s)`);
    latencyRows.push([label, system.name, cacheLabel(system.cacheBytes), String(result.p50), String(result.p99), formatRate(result.records), formatRate(result.sentPerSecond)]);
  }
}

// ---- window-store restore ----------------------------------------------------------------

const restoreRows: string[][] = [];

async function restore(): Promise<void> {
  const rates = new Map<string, number>();
  const latestStart = Date.now() - (Date.now() % windowSizeMs) - windowSizeMs;
  const windows = Math.max(1, Math.min(5, windowSpanMs / windowSizeMs));
  // Every window within the store's retention (size + grace) of the latest, so none is dropped as expired.
  const windowStarts = Array.from({ length: windows }, (_, index) => latestStart - (windows - 1 - index) * windowSizeMs);
  const retentionMs = windowSizeMs + windowSpanMs;
  for (const system of [kafkaStreams(windowed, 0), eddy(windowed, 0)]) {
    const plan: WindowChangelogPlan = { records: restoreRecords, windowStarts, partitions };
    const id = newId('restore');
    const input = `${id}-in`;
    const output = `${id}-out`;
    const changelog = `${id}-counts-changelog`;
    await topics([
      { topic: input, partitions },
      { topic: output, partitions },
      // As both systems create a window store's changelog: compacted and deleted after retention + 1 day.
      { topic: changelog, partitions, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(retentionMs + 86_400_000) } },
    ]);
    log(`restore: writing ${restoreRecords} window-store records (${windows} windows) to ${changelog}…`);
    await writeWindowChangelog(bootstrap, changelog, plan);
    const reader = restoreReader(system.engine);
    log(`restore: ${system.name}, empty state directory…`);
    const watch = await watchOutput(bootstrap, output, { decode: windowedLongOutput });
    const logFile = join(scratch, `${id}.log`);
    const child = await system.start(input, output, id, (text) => {
      reader.onText(text);
      appendFileSync(logFile, text);
    });
    let exact = false;
    try {
      await reader.until(restoreRecords, 900_000, child);
      const probes = restoreProbes(plan, 50);
      await produceRecords(bootstrap, input, probes.lines.map((line, index) => ({ key: String(index), value: line.value, timestamp: line.timestamp })));
      await watch.until((current) => reachedFinal(probes.expected, current.latest), 120_000).catch((error: unknown) => log(`  ${String(error)}`));
      exact = [...probes.expected].every(([key, count]) => Number(watch.latest.get(key)) === count);
    } finally {
      await stop(child);
      await watch.stop();
    }
    const timing = reader.timing();
    const perSecond = timing.records / (timing.milliseconds / 1000);
    rates.set(`${system.engine}|${system.cacheBytes}`, perSecond);
    log(`  restored ${timing.records} records (${timing.restores} restores) in ${timing.milliseconds} ms = ${formatRate(perSecond)} records/s; probed counts ${exact ? 'exact' : `DIFFERENT (its output: ${logFile})`}`);
    restoreRows.push([system.name, formatRate(timing.records), String(timing.restores), (timing.milliseconds / 1000).toFixed(2), formatRate(perSecond), ratio(rates, system, perSecond), exact ? 'exact' : 'DIFFERENT']);
  }
}

// ---- the run ----------------------------------------------------------------------------

buildKafkaStreams(log);
if (parts.has('wordcount') || parts.has('windowed')) {
  const firstWindow = Date.now() - (Date.now() % windowSizeMs) - windowSpanMs;
  const lines: TimedLine[] = benchmarkLines(lineCount).map((value, index) => ({ value, timestamp: firstWindow + Math.floor((index * windowSpanMs) / lineCount) }));
  const input = `bench-dsl-lines-${run}`;
  await topics([{ topic: input, partitions }]);
  log(`producing ${lineCount} lines to ${input}, timestamps over ${windowSpanMs / 1000} s`);
  await produceRecords(bootstrap, input, lines.map(({ value, timestamp }, index) => ({ key: String(index), value, timestamp })));
  if (parts.has('wordcount')) await throughput('wordcount', input, lines);
  if (parts.has('windowed')) await throughput('windowed', input, lines);
}
if (parts.has('latency-wordcount') || parts.has('latency-windowed')) {
  const lines = benchmarkLines(Math.max(1, Math.ceil(rate * seconds)));
  if (parts.has('latency-wordcount')) await latency('wordcount', lines);
  if (parts.has('latency-windowed')) await latency('windowed', lines);
}
if (parts.has('restore')) await restore();

console.log(
  `\nEddy DSL benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, Kafka 4.4.0 (local, 1 broker), ${partitions} partitions, ${guarantee}; windows ${windowSizeMs} ms, grace ${windowSpanMs} ms`,
);
if (throughputRows.length > 0) {
  printTable(
    `Throughput, ${formatRate(lineCount)} lines (timestamps over ${windowSpanMs / 1000} s): time from running to every final value in the output topic`,
    ['topology', 'system', 'record cache', 'seconds', 'lines/s', 'records out', 'vs Kafka Streams', 'final values'],
    throughputRows,
  );
}
if (latencyRows.length > 0) {
  printTable(`End-to-end latency at ${formatRate(rate)} lines/s for ${seconds} s (record timestamp = send time; read_committed consumer)`, ['topology', 'system', 'record cache', 'p50 ms', 'p99 ms', 'output records', 'lines/s sent'], latencyRows);
}
if (restoreRows.length > 0) {
  printTable(
    `Window-store restore: ${formatRate(restoreRecords)} changelog records over ${partitions} partitions, empty state directory (first restore start → last restore end)`,
    ['system', 'records', 'restores', 'seconds', 'records/s', 'vs Kafka Streams', 'restored counts (probes)'],
    restoreRows,
  );
}
await broker.stop();
setImmediate(() => process.exit(0));
