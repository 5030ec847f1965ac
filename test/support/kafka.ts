// Kafka for tests: the broker `npm test` started (KAFKA_BROKERS), helpers to
// create topics, run `eddy run` processes, and wait for conditions.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after } from 'node:test';
import { join } from 'node:path';
import { createKafka, ensureTopics, readTopic, type ReadRecord } from '../../runtime/kafka/kafka-client.ts';
import { startLocalBroker } from '../../scripts/kafka/local-broker.ts';
import { repositoryRoot } from './plugins.ts';
import { temporaryDirectory } from './temporary.ts';

let bootstrap: Promise<string> | undefined;

/** The broker for this test run (a local one is started if KAFKA_BROKERS is unset). */
export function brokers(): Promise<string> {
  bootstrap ??= process.env.KAFKA_BROKERS
    ? Promise.resolve(process.env.KAFKA_BROKERS)
    : startLocalBroker({ directory: join(repositoryRoot, '.kafka/test') }).then((broker) => broker.bootstrap);
  return bootstrap;
}

let counter = 0;
/** A TCP port free on 127.0.0.1 right now (for a process that must be told its port up front). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** A running `eddy run` process. */
export class AppProcess {
  output = '';
  admin: string | undefined;
  private exited: Promise<number | null>;

  constructor(readonly child: ChildProcess, readonly name: string) {
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output += text;
      const admin = /\{"admin":"([^"]+)"/.exec(text);
      if (admin) this.admin = admin[1];
      if (process.env.EDDY_TEST_VERBOSE) process.stderr.write(`[${name}] ${text}`);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  async status(): Promise<AppStatus> {
    const response = await fetch(`${this.admin}/status`);
    return (await response.json()) as AppStatus;
  }

  async activeTasks(): Promise<string[]> {
    const status = await this.status();
    return status.threads.flatMap((thread) => thread.activeTasks.filter((task) => task.state === 'running').map((task) => task.taskId)).sort();
  }

  async swap(body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.admin}/swap`, { method: 'POST', body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }

  waitExit(): Promise<number | null> {
    return this.exited;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

export interface AppStatus {
  applicationId: string;
  processId: string;
  threads: Array<{
    thread: number;
    activeTasks: Array<{ taskId: string; state: string; processed: number; failure?: string; retries?: number; lastError?: string; nextRetryInMs?: number }>;
    standbyTasks: string[];
    restoring: string[];
  }>;
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
