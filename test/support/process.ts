// Child processes and conditions for tests and scripts, without node:test
// (the chaos scripts use them too): a free port, waiting on a condition, and
// an Eddy process whose output is collected (its admin endpoint read from
// it).
// Owns: nothing of Kafka.
// Must never: register node:test hooks (kafka.ts does, for test files).

import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (for a process that must be told its port up front). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
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

