// Kafka for tests: the broker `npm test` started (KAFKA_BROKERS), helpers to
// create topics, run `eddy run` processes, and wait for conditions.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after } from 'node:test';
import { join } from 'node:path';
import { createKafka, ensureTopics, readTopic, type ReadRecord } from '../../runtime/kafka/kafka-client.ts';
import { startLocalBroker } from '../../scripts/kafka/local-broker.ts';
import { repositoryRoot } from './plugins.ts';
import { temporaryDirectory } from './temporary.ts';
import { AppProcess, waitFor } from './process.ts';

export { AppProcess, freePort, waitFor, type AppStatus } from './process.ts';

let bootstrap: Promise<string> | undefined;

/** The broker for this test run (a local one is started if KAFKA_BROKERS is unset). */
export function brokers(): Promise<string> {
  bootstrap ??= process.env.KAFKA_BROKERS
    ? Promise.resolve(process.env.KAFKA_BROKERS)
    : startLocalBroker({ directory: join(repositoryRoot, '.kafka/test') }).then((broker) => broker.bootstrap);
  return bootstrap;
}

let counter = 0;
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

export async function createTopics(topics: Array<{ topic: string; partitions: number }>): Promise<void> {
  const admin = createKafka(await brokers(), 'test-admin').admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

export async function readAll(topic: string, options: { readUncommitted?: boolean } = {}): Promise<ReadRecord[]> {
  return readTopic(await brokers(), topic, options);
}

/** The lines every test application starts with: id, broker, a fresh state folder, admin endpoint. */
export function appHeader(applicationId: string, commitIntervalMs = 100): string {
  return `application.id: ${applicationId}
bootstrap.servers: \${KAFKA_BROKERS}
state.dir: ${temporaryDirectory()}
admin.listener: 127.0.0.1:0
commit.interval.ms: ${commitIntervalMs}`;
}

/** Writes an app file and starts `eddy run` on it; resolves once its admin endpoint answers. */
export async function startApp(name: string, appYaml: string, options: { directory?: string; env?: Record<string, string> } = {}): Promise<AppProcess> {
  const directory = options.directory ?? temporaryDirectory('eddy-app-');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${name}.yaml`);
  writeFileSync(file, appYaml);
  const child = spawn(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'run', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KAFKA_BROKERS: await brokers(), ...options.env },
  });
  const app = new AppProcess(child, name);
  running.add(app);
  child.on('exit', () => running.delete(app));
  await waitFor(`${name} to start`, async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${app.output}`);
    return app.admin !== undefined;
  }, 60_000);
  return app;
}

const running = new Set<AppProcess>();
// A failed test must not leave its applications running (nor hang the file).
after(() => {
  for (const app of running) app.kill('SIGKILL');
});
process.on('exit', () => {
  for (const app of running) app.kill('SIGKILL');
});

export { pluginDirectory } from './plugins.ts';
