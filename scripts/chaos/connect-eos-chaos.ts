// Chaos for exactly-once source connectors (KIP-618): a cluster of
// `eddy connect-distributed` workers with exactly.once.source.support=enabled
// runs two file sources (a transaction per poll batch, and one per 300 ms
// interval) while their input files grow the whole time; on a seeded
// schedule a random worker is killed with SIGKILL and replaced, and the
// broker is bounced (killed, kept down, restarted on the same port). Then it
// waits for the cluster to settle and checks both topics with Apache Kafka's
// own Java consumer (read_committed): every line exactly once, in order —
// and that both tasks end RUNNING.
//
//   npx tsx scripts/chaos/connect-eos-chaos.ts --seed 7 [--workers 3] [--kills 8] [--bounces 1]
//     [--bounce-down-ms 15000] [--duration-s 60] [--json]
// Prints a report; with --json, one JSON line. Exit 0 when the run is exact.
// It starts its own broker (in .kafka/connect-chaos-<seed>-<pid>), since it bounces it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createKafka, ensureTopics } from '../../runtime/kafka/kafka-client.ts';
import { call, LineAppender, payloads, startWorker, type Status, type Worker } from '../../test/support/connect-distributed.ts';
import { random } from '../../test/support/dsl-inputs.ts';
import { readCommittedBytes } from '../../test/support/java-reader.ts';
import { waitFor } from '../../test/support/process.ts';
import { restartLocalBroker, startLocalBroker, stopLocalBroker } from '../kafka/local-broker.ts';

const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export interface ConnectChaosOptions {
  seed: number;
  workers: number;
  kills: number;
  bounces: number;
  bounceDownMs: number;
  durationS: number;
  log: (line: string) => void;
}

export interface ConnectorOutcome {
  lines: number;
  committed: number;
  duplicates: number;
  missing: number;
  inOrder: boolean;
  taskState: string;
}

export interface ConnectChaosReport {
  seed: number;
  workers: number;
  kills: number;
  bounces: number;
  durationS: number;
  seconds: number;
  connectors: Record<string, ConnectorOutcome>;
  exact: boolean;
  failure?: string;
  /** Where the workers' output was kept (a run that was not exact). */
  logs?: string;
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
const alive = (worker: Worker) => worker.process.child.exitCode === null && worker.process.child.signalCode === null;

export async function runConnectChaos(options: ConnectChaosOptions): Promise<ConnectChaosReport> {
  const started = Date.now();
  const next = random(options.seed);
  const brokerDirectory = join(repositoryRoot, '.kafka', `connect-chaos-${options.seed}-${process.pid}`);
  const broker = await startLocalBroker({ directory: brokerDirectory, heapMb: 512 });
  const work = mkdtempSync(join(tmpdir(), `eddy-connect-chaos-${options.seed}-`));
  const group = `connect-chaos-${options.seed}-${Date.now().toString(36)}`;
  const connectors = { poll: { topic: `${group}-poll`, extra: {} }, interval: { topic: `${group}-interval`, extra: { 'transaction.boundary': 'interval', 'transaction.boundary.interval.ms': '300' } } };
  const appenders = { poll: new LineAppender(join(work, 'poll.txt'), 'poll'), interval: new LineAppender(join(work, 'interval.txt'), 'interval') };
  const workers: Worker[] = [];
  /** Every worker started, killed ones included: their output is kept when the run is not exact. */
  const everyWorker: Worker[] = [];
  const enabled = ['exactly.once.source.support=enabled'];
  let index = 0;
  const report: ConnectChaosReport = {
    seed: options.seed, workers: options.workers, kills: options.kills, bounces: options.bounces, durationS: options.durationS, seconds: 0, connectors: {}, exact: false,
  };
  try {
    const admin = createKafka(broker.bootstrap, 'connect-chaos-admin').admin();
    await admin.connect();
    await ensureTopics(admin, Object.values(connectors).map(({ topic }) => ({ topic, partitions: 1 })));
    await admin.disconnect();
    const start = async () => {
      const worker = await startWorker(broker.bootstrap, work, group, ++index, enabled);
      everyWorker.push(worker);
      workers.push(worker);
    };
    for (let count = 0; count < options.workers; count++) await start();
    const url = () => workers.find(alive)!.url;
    for (const [name, { topic, extra }] of Object.entries(connectors)) {
      const created = await call(url(), 'POST', '/connectors', { name, config: { 'connector.class': 'FileStreamSource', file: join(work, `${name}.txt`), topic, 'batch.size': '50', ...extra } });
      if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${JSON.stringify(created.body)}`);
    }
    appenders.poll.start();
    appenders.interval.start();

    // The schedule: kills and bounces at seeded moments of the run.
    const events = [
      ...Array.from({ length: options.kills }, () => ({ at: next() * options.durationS * 1000, kind: 'kill' as const })),
      ...Array.from({ length: options.bounces }, () => ({ at: (0.2 + next() * 0.6) * options.durationS * 1000, kind: 'bounce' as const })),
    ].sort((a, b) => a.at - b.at);
    const begin = Date.now();
    for (const event of events) {
      await sleep(Math.max(0, begin + event.at - Date.now()));
      if (event.kind === 'kill') {
        const live = workers.filter(alive);
        const victim = live[Math.floor(next() * live.length)]!;
        options.log(`${((Date.now() - begin) / 1000).toFixed(1)} s: SIGKILL ${victim.id}`);
        victim.process.child.kill('SIGKILL');
        workers.splice(workers.indexOf(victim), 1);
        await sleep(1000 + next() * 2000);
        await start();
      } else {
        options.log(`${((Date.now() - begin) / 1000).toFixed(1)} s: broker down for ${options.bounceDownMs} ms`);
        await restartLocalBroker(brokerDirectory, { downMs: options.bounceDownMs });
      }
    }
    await sleep(Math.max(0, begin + options.durationS * 1000 - Date.now()));
    appenders.poll.stop();
    appenders.interval.stop();
    options.log(`input stopped: ${appenders.poll.written} + ${appenders.interval.written} lines; settling`);

    for (const [name, { topic }] of Object.entries(connectors) as Array<[keyof typeof connectors, (typeof connectors)['poll']]>) {
      const expected = appenders[name].expected();
      let committed: string[] = [];
      try {
        await waitFor(`${name}: every line committed`, async () => {
          committed = payloads((await readCommittedBytes(broker.bootstrap, topic)).map((record) => record.value?.toString('utf8') ?? null));
          return new Set(committed).size >= expected.length;
        }, 240_000, 3000);
      } catch (error) {
        report.failure ??= (error as Error).message;
      }
      const status = (await call(url(), 'GET', `/connectors/${name}/status`).catch(() => ({ body: undefined }))).body as Status | undefined;
      const distinct = new Set(committed);
      report.connectors[name] = {
        lines: expected.length,
        committed: committed.length,
        duplicates: committed.length - distinct.size,
        missing: expected.filter((line) => !distinct.has(line)).length,
        inOrder: committed.every((line, position) => line === expected[position]),
        taskState: status?.tasks[0]?.state ?? 'UNKNOWN',
      };
    }
    report.exact = Object.values(report.connectors).every((outcome) => outcome.duplicates === 0 && outcome.missing === 0 && outcome.inOrder && outcome.committed === outcome.lines && outcome.taskState === 'RUNNING');
  } catch (error) {
    report.failure = (error as Error).stack ?? String(error);
  } finally {
    appenders.poll.stop();
    appenders.interval.stop();
    await Promise.all(workers.map((worker) => worker.process.stop().catch(() => undefined)));
    if (!report.exact) {
      const logs = mkdtempSync(join(tmpdir(), `eddy-connect-chaos-${options.seed}-logs-`));
      for (const worker of everyWorker) writeFileSync(join(logs, `${worker.process.name}.log`), worker.process.output);
      report.logs = logs;
    }
    await stopLocalBroker(brokerDirectory).catch(() => undefined);
    rmSync(brokerDirectory, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    report.seconds = Math.round((Date.now() - started) / 1000);
  }
  return report;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      workers: { type: 'string', default: '3' },
      kills: { type: 'string', default: '8' },
      bounces: { type: 'string', default: '1' },
      'bounce-down-ms': { type: 'string', default: '15000' },
      'duration-s': { type: 'string', default: '60' },
      json: { type: 'boolean', default: false },
    },
  });
  const report = await runConnectChaos({
    seed: Number(values.seed), workers: Number(values.workers), kills: Number(values.kills), bounces: Number(values.bounces),
    bounceDownMs: Number(values['bounce-down-ms']), durationS: Number(values['duration-s']),
    log: values.json ? () => undefined : (line) => console.error(line),
  });
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
  process.exit(report.exact ? 0 : 1);
}
