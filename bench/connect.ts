// Kafka Connect benchmark: `eddy connect-standalone` against Kafka Connect
// 4.4's ConnectStandalone (connect-runtime 4.4.0, connect-file 4.3.1 and the
// AppInfoParser shim, test/support/kafka-connect.ts), on the same broker in
// the same run, alternating (Eddy, Kafka, Eddy, Kafka, … one pair per round),
// each with Kafka's quickstart files (test/connect/fixtures/kafka-4.4/:
// JsonConverter with schemas for keys and values, offset.flush.interval.ms
// 10000) and `listeners=http://127.0.0.1:0`:
//   1. FileStreamSource → Kafka: a file of N lines (~60 bytes, accented) into
//      a fresh topic of 1 partition. Records/s = (N − 1) / (timestamp of the
//      last record − timestamp of the first), the CreateTime the worker's
//      producer stamps on each record; the wall time from spawning the worker
//      to the topic's end offset reaching N (JVM / Node start included) is
//      printed beside it.
//   2. Kafka → FileStreamSink: a fresh sink connector (a new name, so a new
//      consumer group) reads the first source run's topic into a file until
//      the file holds the N lines. Records/s = lines written after the first
//      sample that saw the file non-empty / time from that sample to the
//      sample that saw it complete (sampled every 20 ms).
//   Peak RSS: VmHWM of the worker process and its descendants, read from
//   /proc just before the worker is stopped (Linux only). CPU: user + system
//   time of the worker (every thread: the JVM's compiler and GC threads,
//   Node's GC helpers) per 1,000 records, from /proc, from the first sample
//   that saw output (records in the topic, lines in the file) to done, so
//   start-up is excluded; on a shared machine it varies less than records/s.
// Prints each run, then the medians per system and step.
//   npx tsx bench/connect.ts [--lines 200000] [--rounds 2] [--quick]
// Must never: assert on timings, or touch a broker it did not start beyond
// its own bench-connect-* topics and its workers' groups (KAFKA_BROKERS, if
// set, is used as is).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafka, ensureTopics } from '../runtime/kafka/kafka-client.ts';
import { startLocalBroker } from '../scripts/kafka/local-broker.ts';
import { connectStandalone44Command, kafkaConnect44StandaloneClasspath } from '../test/support/kafka-connect.ts';

/** Node's flags for Eddy: its executable's (`--max-semi-space-size=64`), or EDDY_BENCH_NODE_ARGS (space-separated) to try others. */
const eddyNodeArgs = process.env.EDDY_BENCH_NODE_ARGS === undefined ? ['--max-semi-space-size=64'] : process.env.EDDY_BENCH_NODE_ARGS.split(' ').filter((arg) => arg !== '');
import { formatRate, printTable, repositoryRoot } from './support.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string' },
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const lineCount = Number(values.lines ?? (values.quick ? 2000 : 200_000));
const rounds = Number(values.rounds ?? (values.quick ? 1 : 2));
const timeoutMs = 15 * 60_000;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
const broker = process.env.KAFKA_BROKERS
  ? { bootstrap: process.env.KAFKA_BROKERS, stop: async () => undefined }
  : await startLocalBroker({ directory: join(repositoryRoot, '.kafka/bench'), log });
const bootstrap = broker.bootstrap;
const run = Date.now().toString(36);
const scratch = mkdtempSync(join(tmpdir(), 'eddy-bench-connect-'));
const fixtures = join(repositoryRoot, 'test/connect/fixtures/kafka-4.4');
const kafka = createKafka(bootstrap, 'bench-connect');
const admin = kafka.admin();
await admin.connect();

// ---- data --------------------------------------------------------------------------

const lines = Array.from({ length: lineCount }, (_, index) => `line ${String(index).padStart(7, '0')}: café crème brûlée, the quick brown fox`);
const input = `${lines.join('\n')}\n`;
const inputBytes = Buffer.byteLength(input);
const inputFile = join(scratch, 'input.txt');
writeFileSync(inputFile, input);

// ---- the systems ---------------------------------------------------------------------

type Kind = 'eddy' | 'kafka';
const systems: Record<Kind, string> = { eddy: 'Eddy connect-standalone', kafka: 'Kafka Connect 4.4 ConnectStandalone' };

/** Writes the worker and connector files into a fresh folder and spawns the worker there. */
function startWorker(kind: Kind, connector: 'source' | 'sink', topic: string, name: string): { child: ChildProcess; directory: string; output: () => string } {
  const directory = mkdtempSync(join(scratch, `${kind}-${connector}-`));
  const worker = readFileSync(join(fixtures, 'connect-standalone.properties'), 'utf8')
    .replace(/^bootstrap\.servers=.*$/m, `bootstrap.servers=${bootstrap}`)
    .replace(/^offset\.storage\.file\.filename=.*$/m, `offset.storage.file.filename=${join(directory, 'connect.offsets')}`);
  writeFileSync(join(directory, 'worker.properties'), `${worker}\nlisteners=http://127.0.0.1:0\n`);
  const connectorFile = connector === 'source'
    ? readFileSync(join(fixtures, 'connect-file-source.properties'), 'utf8')
      .replace(/^name=.*$/m, `name=${name}`)
      .replace(/^file=.*$/m, `file=${inputFile}`)
      .replace(/^topic=.*$/m, `topic=${topic}`)
    : readFileSync(join(fixtures, 'connect-file-sink.properties'), 'utf8')
      .replace(/^name=.*$/m, `name=${name}`)
      .replace(/^file=.*$/m, `file=${join(directory, 'test.sink.txt')}`)
      .replace(/^topics=.*$/m, `topics=${topic}`);
  writeFileSync(join(directory, `${connector}.properties`), connectorFile);
  const files = ['worker.properties', `${connector}.properties`];
  const { command, args } = kind === 'kafka'
    ? connectStandalone44Command(files)
    // The flag the `eddy` executable's shebang passes (`npx eddy` runs it so).
    : { command: process.execPath, args: [...eddyNodeArgs, join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', ...files] };
  const child = spawn(command, args, { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, directory, output: () => output };
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

// ---- measuring -------------------------------------------------------------------------

function descendants(pid: number): number[] {
  const found = [pid];
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return found;
  for (const task of readdirSync(tasks)) {
    const children = readFileSync(join(tasks, task, 'children'), 'utf8').trim();
    for (const child of children ? children.split(/\s+/).map(Number) : []) found.push(...descendants(child));
  }
  return found;
}

/** CPU time (user + system, ms) a process and its descendants have used so far, all threads. */
function cpuMs(pid: number): number {
  let total = 0;
  for (const each of descendants(pid)) {
    // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th (clock ticks, 100 per second on Linux).
    const fields = readFileSync(`/proc/${each}/stat`, 'utf8').split(') ')[1]!.split(' ');
    total += (Number(fields[11]) + Number(fields[12])) * 10;
  }
  return total;
}

/** Peak resident set (VmHWM, bytes) of a process and its descendants. */
function peakRss(pid: number): number {
  let total = 0;
  for (const each of descendants(pid)) {
    const status = readFileSync(`/proc/${each}/status`, 'utf8');
    total += Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  }
  return total;
}

async function until<T>(what: string, child: ChildProcess, output: () => string, probe: () => Promise<T | undefined> | T | undefined, everyMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null) throw new Error(`${what}: the worker exited with ${child.exitCode}:\n${output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs} ms:\n${output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function endOffset(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((total, entry) => total + Number(entry.offset), 0);
}

/** The timestamps of the records at offsets 0 and `last` of partition 0. */
async function firstAndLastTimestamps(topic: string, last: number): Promise<[number, number]> {
  const groupId = `bench-connect-read-${run}-${Math.random().toString(36).slice(2)}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  let first: number | undefined;
  let final: number | undefined;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let sought = false;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (Number(message.offset) === 0) first = Number(message.timestamp);
        if (Number(message.offset) === last) final = Number(message.timestamp);
      }
      if (first !== undefined && final !== undefined) done();
      else if (first !== undefined && !sought) {
        sought = true;
        consumer.seek({ topic, partition: 0, offset: String(last) });
      }
    },
  });
  await finished;
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  return [first!, final!];
}

interface Result {
  kind: Kind;
  step: 'source' | 'sink';
  round: number;
  perSecond: number;
  /** Spawn to done, seconds. */
  wall: number;
  rss: number;
  /** CPU time of the worker (all its threads) per 1,000 records, from the first sample that saw output (records in the topic, lines in the file) to done. */
  cpuPerThousand: number;
  load: string;
}

async function source(kind: Kind, round: number): Promise<{ result: Result; topic: string }> {
  const topic = `bench-connect-${run}-${round}-${kind}`;
  await ensureTopics(admin, [{ topic, partitions: 1 }]);
  log(`round ${round}: ${systems[kind]} FileStreamSource → ${topic}…`);
  const started = Date.now();
  const { child, output } = startWorker(kind, 'source', topic, `bench-source-${run}-${round}-${kind}`);
  let rss = 0;
  /** CPU from the first sample that saw records in the topic to done, and how many there were then. */
  let cpu = 0;
  let cpuAtFirst: number | undefined;
  let producedAtFirst = 0;
  try {
    await until(`${kind} source`, child, output, async () => {
      const produced = await endOffset(topic);
      if (produced > 0 && cpuAtFirst === undefined) [cpuAtFirst, producedAtFirst] = [cpuMs(child.pid!), produced];
      if (produced < lineCount) return undefined;
      cpu = cpuMs(child.pid!) - (cpuAtFirst ?? 0);
      return true;
    }, 100);
    rss = peakRss(child.pid!);
  } finally {
    await stopWorker(child);
  }
  const wall = (Date.now() - started) / 1000;
  const [first, last] = await firstAndLastTimestamps(topic, lineCount - 1);
  const perSecond = ((lineCount - 1) * 1000) / Math.max(1, last - first);
  const cpuPerThousand = (cpu * 1000) / Math.max(1, lineCount - producedAtFirst);
  const result: Result = { kind, step: 'source', round, perSecond, wall, rss, cpuPerThousand, load: load() };
  log(`  ${formatRate(perSecond)} records/s over ${last - first} ms; ${wall.toFixed(1)} s from spawn; peak RSS ${mib(rss)} MiB; CPU ${cpu} ms for the last ${lineCount - producedAtFirst} records; load ${result.load}`);
  return { result, topic };
}

async function sink(kind: Kind, round: number, topic: string): Promise<Result> {
  log(`round ${round}: ${systems[kind]} FileStreamSink ← ${topic}…`);
  const started = Date.now();
  const { child, directory, output } = startWorker(kind, 'sink', topic, `bench-sink-${run}-${round}-${kind}`);
  const file = join(directory, 'test.sink.txt');
  const size = () => (existsSync(file) ? statSync(file).size : 0);
  let rss = 0;
  let firstAt = 0;
  let linesAtFirst = 0;
  let doneAt = 0;
  let cpuAtFirst = 0;
  let cpuAtDone = 0;
  try {
    await until(`${kind} sink`, child, output, () => {
      const now = Date.now();
      const bytes = size();
      if (bytes > 0 && firstAt === 0) {
        firstAt = now;
        cpuAtFirst = cpuMs(child.pid!);
        linesAtFirst = readFileSync(file).reduce((count, byte) => count + (byte === 10 ? 1 : 0), 0);
      }
      if (bytes >= inputBytes) {
        doneAt = now;
        cpuAtDone = cpuMs(child.pid!);
        return true;
      }
      return undefined;
    }, 20);
    rss = peakRss(child.pid!);
  } finally {
    await stopWorker(child);
  }
  if (readFileSync(file, 'utf8') !== input) throw new Error(`${kind} sink: ${file} differs from the input`);
  const wall = (doneAt - started) / 1000;
  const perSecond = linesAtFirst >= lineCount ? Number.NaN : ((lineCount - linesAtFirst) * 1000) / Math.max(1, doneAt - firstAt);
  const cpuPerThousand = ((cpuAtDone - cpuAtFirst) * 1000) / Math.max(1, lineCount - linesAtFirst);
  const result: Result = { kind, step: 'sink', round, perSecond, wall, rss, cpuPerThousand, load: load() };
  log(`  ${formatRate(perSecond)} records/s (${lineCount - linesAtFirst} lines over ${doneAt - firstAt} ms); ${wall.toFixed(1)} s from spawn; peak RSS ${mib(rss)} MiB; CPU ${cpuAtDone - cpuAtFirst} ms in that window; load ${result.load}`);
  return result;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

// ---- the run --------------------------------------------------------------------------

kafkaConnect44StandaloneClasspath();
console.log(`Eddy Kafka Connect benchmark — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
console.log(`${formatRate(lineCount)} lines, ${formatRate(inputBytes)} bytes (${(inputBytes / lineCount).toFixed(1)} bytes/line), ${rounds} round(s), broker ${bootstrap}; load average at start ${load()}`);
const results: Result[] = [];
let sinkTopic: string | undefined;
try {
  for (let round = 1; round <= rounds; round++) {
    for (const kind of ['eddy', 'kafka'] as const) {
      const { result, topic } = await source(kind, round);
      results.push(result);
      sinkTopic ??= topic;
    }
    for (const kind of ['eddy', 'kafka'] as const) results.push(await sink(kind, round, sinkTopic!));
  }
} finally {
  await admin.disconnect();
  await broker.stop();
}

const rows = (step: 'source' | 'sink') => results.filter((result) => result.step === step)
  .map((result) => [String(result.round), systems[result.kind], formatRate(result.perSecond), result.cpuPerThousand.toFixed(1), result.wall.toFixed(1), mib(result.rss), result.load]);
const header = ['round', 'system', 'records/s', 'CPU ms / 1k records', 's from spawn', 'peak RSS MiB', 'load avg after (1/5/15 min)'];
printTable(`FileStreamSource → Kafka (${formatRate(lineCount)} lines, JsonConverter with schemas)`, header, rows('source'));
printTable(`Kafka → FileStreamSink (${formatRate(lineCount)} records)`, header, rows('sink'));
const medians: string[][] = [];
for (const step of ['source', 'sink'] as const) {
  const of = (kind: Kind) => results.filter((result) => result.step === step && result.kind === kind);
  const [eddy, kafkaConnect] = [of('eddy'), of('kafka')];
  const rate = (list: Result[]) => median(list.map((result) => result.perSecond));
  const rss = (list: Result[]) => median(list.map((result) => result.rss));
  const cpu = (list: Result[]) => median(list.map((result) => result.cpuPerThousand));
  for (const [kind, list] of [['eddy', eddy], ['kafka', kafkaConnect]] as const) {
    medians.push([step, systems[kind], formatRate(rate(list)), cpu(list).toFixed(1), mib(rss(list)), `${(rate(list) / rate(kafkaConnect)).toFixed(2)}×`, `${(cpu(list) / cpu(kafkaConnect)).toFixed(2)}×`, `${(rss(list) / rss(kafkaConnect)).toFixed(2)}×`]);
  }
}
printTable(`Medians over ${rounds} round(s)`, ['step', 'system', 'records/s', 'CPU ms / 1k records', 'peak RSS MiB', 'throughput vs Kafka', 'CPU vs Kafka', 'RSS vs Kafka'], medians);
console.log(`\nload average at the end: ${load()}`);
