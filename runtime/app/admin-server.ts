// The admin HTTP endpoint of a running application (admin.listener).
//
// Owns: GET /status (threads, tasks, standbys) and POST /swap
// {"node": …, "plugin": "<path to .wasm>", "config": {…}} (hot-swap; answers
// with each task's outcome: 200 when every task swapped, 409 when any kept the
// old version, 400/404 for bad requests). Errors are {"error_code", "message"}.
// Must never: listen beyond the configured address.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageOf } from '../errors.ts';
import type { SwapOutcome, ThreadStatus } from './stream-thread.ts';

export interface AdminTarget {
  swap(node: string, plugin: string, config?: Array<[string, string]>): Promise<SwapOutcome[]>;
  status(): Promise<{ applicationId: string; processId: string; threads: ThreadStatus[] }>;
}

export class AdminServer {
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(listener: string, target: AdminTarget): Promise<AdminServer> {
    const [host, port] = [listener.slice(0, listener.lastIndexOf(':')), Number(listener.slice(listener.lastIndexOf(':') + 1))];
    const server = createServer((request, response) => {
      handle(request, response, target).catch((error: unknown) => reply(response, 500, { error_code: 500, message: messageOf(error) }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return new AdminServer(server, `http://${host}:${address.port}`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function handle(request: IncomingMessage, response: ServerResponse, target: AdminTarget): Promise<void> {
  if (request.method === 'GET' && request.url === '/status') return reply(response, 200, await target.status());
  if (request.method === 'POST' && request.url === '/swap') {
    let body: { node?: unknown; plugin?: unknown; config?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      return reply(response, 400, { error_code: 400, message: 'the body must be JSON: {"node": …, "plugin": …, "config": {…}}' });
    }
    if (typeof body.node !== 'string' || typeof body.plugin !== 'string') {
      return reply(response, 400, { error_code: 400, message: '"node" and "plugin" (a path to a .wasm component) are required strings' });
    }
    const config = body.config === undefined ? undefined : Object.entries(body.config as Record<string, unknown>).map(([key, value]) => [key, String(value)] as [string, string]);
    try {
      const outcomes = await target.swap(body.node, body.plugin, config);
      const allSwapped = outcomes.every((outcome) => outcome.swapped);
      return reply(response, allSwapped ? 200 : 409, { swapped: allSwapped, tasks: outcomes });
    } catch (error) {
      return reply(response, 422, { error_code: 422, message: messageOf(error) });
    }
  }
  return reply(response, 404, { error_code: 404, message: `no route ${request.method} ${request.url}` });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
