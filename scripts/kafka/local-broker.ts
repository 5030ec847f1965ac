// The local Kafka broker for tests, the demo and benchmarks.
//
// Fetches Apache Kafka (org.apache.kafka:kafka_2.13, see pom.xml) and its
// dependencies from Maven Central with Maven into the Eddy cache (once; later
// starts reuse the jars), formats KRaft storage, and starts one combined
// broker/controller on loopback with a small heap. Stops it cleanly.
//
//   npx tsx scripts/kafka/local-broker.ts start [--dir .kafka] [--port 9092]   prints the bootstrap address
//   npx tsx scripts/kafka/local-broker.ts stop  [--dir .kafka]
//   npx tsx scripts/kafka/local-broker.ts status [--dir .kafka]
//   npx tsx scripts/kafka/local-broker.ts restart [--dir .kafka] [--down-ms 30000] [--graceful]   a bounce: kill, stay down, start on the same port and data

import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { waitForBroker } from '../../runtime/kafka/kafka-client.ts';
import { cacheDirectory } from '../../runtime/cache-directory.ts';
import { isProcessAlive } from '../../runtime/process-alive.ts';

export const kafkaVersion = '4.4.0';
const here = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = resolve(here, '../..');
export const defaultBrokerDirectory = join(repositoryRoot, '.kafka');

interface BrokerState {
  pid: number;
  bootstrap: string;
  directory: string;
  heapMb?: number;
}

export interface LocalBroker {
  bootstrap: string;
  /** Stops the broker if this call started it. */
  stop(): Promise<void>;
}

/** The broker's classpath folder, downloading it with Maven on first use. */
export function brokerLibraries(log: (line: string) => void = () => undefined): string {
  const libraries = join(cacheDirectory(), `kafka-${kafkaVersion}`, 'libs');
  if (existsSync(libraries) && readdirSync(libraries).some((name) => name.startsWith('kafka_2.13-'))) return libraries;
  log(`kafka: fetching org.apache.kafka:kafka_2.13:${kafkaVersion} and its dependencies with Maven (once)…`);
  const staging = `${libraries}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', join(here, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`mvn could not fetch Kafka (exit ${result.status}):\n${result.stdout}${result.stderr}${result.error ? String(result.error) : ''}`);
  }
  rmSync(libraries, { recursive: true, force: true });
  mkdirSync(join(libraries, '..'), { recursive: true });
  renameSync(staging, libraries);
  return libraries;
}

/**
 * `count` distinct free loopback ports: every listener is held open until all
 * are known, so the same port cannot be handed out twice.
 */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let index = 0; index < count; index++) {
      const server = createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolvePort, reject) => {
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            resolvePort(typeof address === 'object' && address ? address.port : 0);
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolveClose) => server.close(resolveClose))));
  }
}

function readState(directory: string): BrokerState | undefined {
  const file = join(directory, 'broker.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BrokerState;
  } catch {
    return undefined;
  }
}


/**
 * Starts a fresh single-node KRaft broker in `directory` (its data is wiped),
 * or returns the one already running there.
 */
export async function startLocalBroker(
  options: { directory?: string; port?: number; heapMb?: number; log?: (line: string) => void } = {},
): Promise<LocalBroker> {
  const directory = resolve(options.directory ?? defaultBrokerDirectory);
  const log = options.log ?? (() => undefined);
  const running = readState(directory);
  if (running && isProcessAlive(running.pid)) {
    await waitForBroker(running.bootstrap, 30_000);
    return { bootstrap: running.bootstrap, stop: async () => undefined };
  }
  const libraries = brokerLibraries(log);
  const ports = await freePorts(2);
  const port = options.port ?? ports[0]!;
  const controllerPort = ports.find((candidate) => candidate !== port)!;
  const bootstrap = `127.0.0.1:${port}`;
  rmSync(join(directory, 'data'), { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const properties = join(directory, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${join(directory, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=10',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'group.min.session.timeout.ms=1000',
      'auto.create.topics.enable=false',
      'log.cleaner.backoff.ms=1000',
      // No time-based retention: tests and demos write records with fixed, old timestamps (Kafka Streams
      // windows, Connect's error cases), which the default 7 days would delete at the next 5-minute retention
      // check — between a write and its read, at random (a DLQ once read as empty in a clean-clone run).
      // Topics that set retention.ms themselves (window changelogs) keep it.
      'log.retention.ms=-1',
      '',
    ].join('\n'),
  );
  const classpath = `${libraries}/*`;
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const format = spawnSync(java, ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', randomUUID().replace(/-/g, '').slice(0, 22), '-c', properties], {
    encoding: 'utf8',
  });
  if (format.status !== 0) throw new Error(`formatting KRaft storage failed:\n${format.stdout}${format.stderr}`);
  writeFileSync(join(directory, 'broker.log'), '');
  const state = await launch(directory, bootstrap, options.heapMb ?? 768);
  log(`kafka: broker ${kafkaVersion} running at ${bootstrap} (pid ${state.pid}, data in ${directory})`);
  return { bootstrap, stop: () => stopLocalBroker(directory) };
}

/** Starts the JVM on the formatted storage in `directory` and waits until it answers. */
async function launch(directory: string, bootstrap: string, heapMb: number): Promise<BrokerState> {
  const classpath = `${brokerLibraries()}/*`;
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const logFile = openSync(join(directory, 'broker.log'), 'a');
  const broker = spawn(
    java,
    [
      `-Xmx${heapMb}m`,
      `-Xms${heapMb}m`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp',
      classpath,
      'kafka.Kafka',
      join(directory, 'server.properties'),
    ],
    { detached: true, stdio: ['ignore', logFile, logFile] },
  );
  broker.unref();
  const state: BrokerState = { pid: broker.pid!, bootstrap, directory, heapMb };
  writeFileSync(join(directory, 'broker.json'), JSON.stringify(state));
  try {
    await waitForBroker(bootstrap, 90_000);
  } catch (error) {
    await stopLocalBroker(directory);
    throw new Error(`the broker did not start; see ${join(directory, 'broker.log')}: ${(error as Error).message}`);
  }
  return state;
}

/**
 * Bounces the broker running in `directory`: kills it (SIGKILL, as a crash,
 * unless `graceful`), keeps it down for `downMs`, then starts it again on the
 * same port and data. Clients see the broker vanish and come back.
 */
export async function restartLocalBroker(directory = defaultBrokerDirectory, options: { downMs?: number; graceful?: boolean } = {}): Promise<void> {
  const resolved = resolve(directory);
  const state = readState(resolved);
  if (!state) throw new Error(`no broker was started in ${resolved}`);
  if (isProcessAlive(state.pid)) {
    process.kill(state.pid, options.graceful ? 'SIGTERM' : 'SIGKILL');
    const deadline = Date.now() + 60_000;
    while (isProcessAlive(state.pid) && Date.now() < deadline) await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  if (options.downMs) await new Promise((resolveWait) => setTimeout(resolveWait, options.downMs));
  await launch(resolved, state.bootstrap, state.heapMb ?? 768);
}

/** Stops the broker running in `directory` (SIGTERM, then SIGKILL after 30 s). */
export async function stopLocalBroker(directory = defaultBrokerDirectory): Promise<void> {
  const state = readState(resolve(directory));
  if (!state) return;
  if (isProcessAlive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (isProcessAlive(state.pid) && Date.now() < deadline) await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    if (isProcessAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  }
  rmSync(join(resolve(directory), 'broker.json'), { force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { dir: { type: 'string' }, port: { type: 'string' }, 'down-ms': { type: 'string' }, graceful: { type: 'boolean' } },
  });
  const directory = values.dir ?? defaultBrokerDirectory;
  const command = positionals[0];
  if (command === 'start') {
    const broker = await startLocalBroker({
      directory,
      port: values.port ? Number(values.port) : undefined,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${broker.bootstrap}\n`);
  } else if (command === 'restart') {
    await restartLocalBroker(directory, { downMs: values['down-ms'] ? Number(values['down-ms']) : 0, graceful: values.graceful ?? false });
  } else if (command === 'stop') {
    await stopLocalBroker(directory);
  } else if (command === 'status') {
    const state = readState(resolve(directory));
    process.stdout.write(state && isProcessAlive(state.pid) ? `running at ${state.bootstrap} (pid ${state.pid})\n` : 'not running\n');
  } else {
    process.stderr.write('usage: local-broker.ts start|stop|status|restart [--dir DIR] [--port N] [--down-ms N] [--graceful]\n');
    process.exitCode = 2;
  }
}
