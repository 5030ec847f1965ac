// Distributed Connect workers for tests: `eddy connect-distributed` child
// processes of one group on the test broker, and REST calls to them.
// Owns: the worker file a test cluster uses (small timeouts, replication
// factor 1, a free port), starting a worker and waiting for its REST API,
// a REST call that retries 409s (a rebalance), as a Connect client must,
// and a file that keeps growing (input for file sources).
// Must never: reach into a worker other than through its REST API.

import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, freePort, waitFor } from './process.ts';
import { repositoryRoot } from './plugins.ts';

export interface Worker {
  url: string;
  id: string;
  process: AppProcess;
}

export async function startWorker(bootstrap: string, directory: string, group: string, index: number, extra: string[] = []): Promise<Worker> {
  const port = await freePort();
  const file = join(directory, `worker-${index}.properties`);
  writeFileSync(file, [
    `bootstrap.servers=${bootstrap}`,
    `group.id=${group}`,
    `config.storage.topic=${group}-configs`,
    `offset.storage.topic=${group}-offsets`,
    `status.storage.topic=${group}-status`,
    'config.storage.replication.factor=1',
    'offset.storage.replication.factor=1',
    'status.storage.replication.factor=1',
    'offset.flush.interval.ms=500',
    'session.timeout.ms=6000',
    'heartbeat.interval.ms=1000',
    `listeners=http://127.0.0.1:${port}`,
    ...extra,
  ].join('\n'));
  const child = spawn(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-distributed', file], { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
  const worker = { url: `http://127.0.0.1:${port}`, id: `127.0.0.1:${port}`, process: new AppProcess(child, `worker-${index}`) };
  try {
    await waitFor(`worker ${index} to serve its REST API`, async () => worker.process.output.includes('"rest":'), 120_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; its output:\n${worker.process.output.slice(-6000)}`);
  }
  return worker;
}

/** A REST call; a 409 (a rebalance in progress) is retried, as a Kafka Connect client must. */
export async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (response.status !== 409 || attempt > 120) return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Status {
  connector: { state: string; worker_id: string };
  tasks: Array<{ id: number; state: string; worker_id: string }>;
}


/** Appends numbered lines to a file, a few every few milliseconds, until stopped. */
export class LineAppender {
  written = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly file: string, private readonly prefix: string) {
    writeFileSync(file, '');
  }
  line(index: number): string {
    return `${this.prefix} ${index} · ünïcödé ${'🚀'.repeat(index % 3)}`;
  }
  start(): void {
    this.timer = setInterval(() => {
      const lines = Array.from({ length: 3 }, () => this.line(this.written++));
      appendFileSync(this.file, `${lines.join('\n')}\n`);
    }, 15);
  }
  stop(): void {
    clearInterval(this.timer);
  }
  expected(): string[] {
    return Array.from({ length: this.written }, (_, index) => this.line(index));
  }
}

/** The JsonConverter envelope's payload of each value (a worker's default converter, schemas enabled). */
export function payloads(values: Array<string | null>): string[] {
  return values.map((value) => (JSON.parse(value ?? 'null') as { payload: string }).payload);
}
