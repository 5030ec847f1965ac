// How long a scale-out stops processing: Eddy vs Kafka Streams 4.4 on the
// same broker, in the same run. Each system runs the two-stage word count as
// one instance under a steady input rate; a second instance then joins, and
// the watch on the output topic (read_committed) measures what readers see:
//   - the longest gap between output records from the join on (the pause);
//   - the end-to-end latency of the records produced after the join (p99, max),
//     against the latency before it (p50).
//   npx tsx bench/kafka/rebalance.ts [--rate 400] [--partitions 6] [--before-s 15] [--after-s 30]
//     [--guarantee exactly_once_v2|at_least_once] [--systems eddy,kafka-streams]

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchmarkLines, printTable, repositoryRoot } from '../support.ts';
import { createKafka, ensureTopics } from '../../runtime/kafka/kafka-client.ts';
import { startLocalBroker } from '../../scripts/kafka/local-broker.ts';
import { percentile, watchOutput } from './measure.ts';
import { benchSystems, buildKafkaStreams, stop, type BenchSystem, type Guarantee } from './systems.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '400' },
    partitions: { type: 'string', default: '6' },
    'before-s': { type: 'string', default: '15' },
    'after-s': { type: 'string', default: '30' },
    guarantee: { type: 'string', default: 'exactly_once_v2' },
    systems: { type: 'string', default: 'eddy,kafka-streams' },
  },
});
const rate = Number(values.rate);
const partitions = Number(values.partitions);
const beforeMs = Number(values['before-s']) * 1000;
const afterMs = Number(values['after-s']) * 1000;
const guarantee = values.guarantee as Guarantee;
const log = (line: string) => process.stderr.write(`[rebalance] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const broker = process.env.KAFKA_BROKERS
  ? { bootstrap: process.env.KAFKA_BROKERS, stop: async () => undefined }
  : await startLocalBroker({ directory: join(repositoryRoot, '.kafka/bench'), log });
const bootstrap = broker.bootstrap;
const scratch = mkdtempSync(join(tmpdir(), 'eddy-rebalance-'));
const { eddySystem, kafkaStreamsSystem } = benchSystems({ bootstrap, scratch });
buildKafkaStreams(log);
const lines = benchmarkLines(20_000);

interface Result {
  system: string;
  pauseMs: number;
  baselineP50: number;
  afterP99: number;
  afterMax: number;
  records: number;
}

async function scaleOut(system: BenchSystem): Promise<Result> {
  const id = `rebalance-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const input = `${id}-lines`;
  const output = `${id}-out`;
  const admin = createKafka(bootstrap, 'rebalance-admin').admin();
  await admin.connect();
  await ensureTopics(admin, [input, output].map((topic) => ({ topic, partitions })));
  await admin.disconnect();
  const watch = await watchOutput(bootstrap, output, { latency: true });
  const first = await system.start(input, output, id, 0);
  const producer = createKafka(bootstrap, 'rebalance-rate').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let producing = true;
  let next = 0;
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const feeding = (async () => {
    while (producing) {
      const started = Date.now();
      const messages = Array.from({ length: perTick }, () => ({ key: String(next), value: lines[next++ % lines.length]!, timestamp: String(Date.now()) }));
      await producer.send({ topic: input, messages });
      await sleep(Math.max(0, tickMs - (Date.now() - started)));
    }
  })();
  await sleep(beforeMs);
  const joinedAt = Date.now();
  log(`${system.name}: second instance joins`);
  const second = await system.start(input, output, id, 1);
  await sleep(afterMs);
  producing = false;
  await feeding;
  await sleep(3000);
  await producer.disconnect();
  await Promise.all([stop(first), stop(second)]);
  await watch.stop();
  // The pause: the longest gap between arrivals from the join on.
  let previous = watch.arrivals.filter((at) => at < joinedAt).at(-1) ?? joinedAt;
  let pauseMs = 0;
  let pauseEnd = joinedAt;
  const windowEnd = joinedAt + afterMs;
  for (const at of watch.arrivals) {
    if (at < joinedAt || at > windowEnd) continue;
    if (at - previous > pauseMs) {
      pauseMs = at - previous;
      pauseEnd = at;
    }
    previous = at;
  }
  log(`${system.name}: the longest gap ended ${new Date(pauseEnd).toISOString()} (${pauseEnd - joinedAt} ms after the second instance was started)`);
  const before = watch.latencies.filter((_, index) => watch.arrivals[index]! < joinedAt);
  const after = watch.latencies.filter((_, index) => watch.arrivals[index]! >= joinedAt && watch.arrivals[index]! <= windowEnd);
  const result = {
    system: `${system.name} ${system.guarantee}`,
    pauseMs,
    baselineP50: percentile(before, 0.5),
    afterP99: percentile(after, 0.99),
    afterMax: after.reduce((max, value) => Math.max(max, value), 0),
    records: watch.latencies.length,
  };
  log(`${result.system}: pause ${result.pauseMs} ms, latency p50 before ${result.baselineP50} ms, after the join p99 ${result.afterP99} ms, max ${result.afterMax} ms`);
  return result;
}

const results: Result[] = [];
const chosen = new Set(values.systems.split(','));
const systems = [
  ...(chosen.has('eddy') ? [eddySystem('Eddy word count (Rust)', guarantee, 'wordcount', 'rust', 1, 'session.timeout.ms: 10000')] : []),
  ...(chosen.has('kafka-streams') ? [kafkaStreamsSystem(guarantee)] : []),
];
for (const system of systems) {
  results.push(await scaleOut(system));
}
printTable(
  `Scale-out from 1 to 2 instances at ${rate} lines/s, ${partitions} partitions (${guarantee}); pause = longest gap between output records after the join`,
  ['system', 'pause (ms)', 'p50 before (ms)', 'p99 after (ms)', 'max after (ms)', 'records'],
  results.map((result) => [result.system, String(result.pauseMs), String(result.baselineP50), String(result.afterP99), String(result.afterMax), String(result.records)]),
);
await broker.stop();
