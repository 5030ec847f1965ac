// Kafka Connect's REST API (Kafka Connect 4.4's ConnectorsResource,
// ConnectorPluginsResource and RootResource) over a herder: the same paths,
// methods, status codes and JSON bodies, so that curl scripts from Kafka's
// documentation and tools that speak the Connect REST API work unchanged.
//
// Owns: the HTTP listener (`listeners`, e.g. http://host:8083), routing
// (a declared table: method + path pattern → handler), decoding and checking
// request bodies (a malformed body is a 400 naming what is wrong — Kafka
// answers such bodies with a 500), query parameters (`expand`,
// `includeTasks`, `onlyFailed`, `connectorsOnly`), and error bodies
// `{"error_code": <status>, "message": …}` for every refusal, unknown path
// (404) and wrong method (405).
// Must never: change a connector except through the herder, or let a
// failing request take the listener down.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectConfigError, messageOf } from '../errors.ts';
import { HerderError, type ConfigMap, type ConnectorOffset, type Herder, type TargetState } from './herder.ts';

type Query = URLSearchParams;
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type Handler = (params: string[], query: Query, body: () => Promise<unknown>) => Promise<Reply> | Reply;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const maxBodyBytes = 16 * 1024 * 1024;

export class ConnectRestServer {
  private readonly routes: Route[];
  private server: Server | undefined;

  constructor(private readonly herder: Herder) {
    const name = '([^/]+)';
    const h = herder;
    this.routes = [
      route('GET', '', async () => ok(await h.serverInfo())),
      route('GET', '/connectors', async (_, query) => ok(await listConnectors(h, query))),
      route('POST', '/connectors', async (_, __, body) => {
        const request = createRequest(await body());
        const { info } = await h.putConnectorConfig(request.name, request.config, false, request.initialState);
        return { status: 201, body: info, headers: { location: `/connectors/${encodeURIComponent(request.name)}` } };
      }),
      route('GET', `/connectors/${name}`, async ([connector]) => ok(await h.connectorInfo(connector!))),
      route('DELETE', `/connectors/${name}`, async ([connector]) => (await h.deleteConnector(connector!), noContent)),
      route('GET', `/connectors/${name}/config`, async ([connector]) => ok(await h.connectorConfig(connector!))),
      route('PUT', `/connectors/${name}/config`, async ([connector], _, body) => {
        const { created, info } = await h.putConnectorConfig(connector!, configMap(await body(), 'the body'), true);
        return created ? { status: 201, body: info, headers: { location: `/connectors/${encodeURIComponent(connector!)}` } } : ok(info);
      }),
      route('PATCH', `/connectors/${name}/config`, async ([connector], _, body) => ok(await h.patchConnectorConfig(connector!, patchMap(await body())))),
      route('GET', `/connectors/${name}/status`, async ([connector]) => ok(await h.connectorStatus(connector!))),
      route('GET', `/connectors/${name}/tasks`, async ([connector]) => ok(await h.taskConfigs(connector!))),
      route('GET', `/connectors/${name}/tasks/([^/]+)/status`, async ([connector, task]) => ok(await h.taskStatus(connector!, taskNumber(task!)))),
      route('POST', `/connectors/${name}/tasks/([^/]+)/restart`, async ([connector, task]) => (await h.restartTask(connector!, taskNumber(task!)), noContent)),
      route('PUT', `/connectors/${name}/pause`, async ([connector]) => (await h.pauseConnector(connector!), accepted)),
      route('PUT', `/connectors/${name}/resume`, async ([connector]) => (await h.resumeConnector(connector!), accepted)),
      route('PUT', `/connectors/${name}/stop`, async ([connector]) => (await h.stopConnector(connector!), noContent)),
      route('POST', `/connectors/${name}/restart`, async ([connector], query) => {
        const status = await h.restartConnector({ connector: connector!, includeTasks: flag(query, 'includeTasks'), onlyFailed: flag(query, 'onlyFailed') });
        return status === undefined ? noContent : { status: 202, body: status };
      }),
      route('GET', `/connectors/${name}/topics`, async ([connector]) => ok({ [connector!]: { topics: await h.activeTopics(connector!) } })),
      route('PUT', `/connectors/${name}/topics/reset`, async ([connector]) => (await h.resetActiveTopics(connector!), accepted)),
      route('GET', `/connectors/${name}/offsets`, async ([connector]) => ok({ offsets: await h.connectorOffsets(connector!) })),
      route('PATCH', `/connectors/${name}/offsets`, async ([connector], _, body) => ok({ message: await h.alterConnectorOffsets(connector!, offsetsBody(await body())) })),
      route('DELETE', `/connectors/${name}/offsets`, async ([connector]) => ok({ message: await h.alterConnectorOffsets(connector!, undefined) })),
      route('GET', '/connector-plugins', async (_, query) => ok(await h.connectorPlugins(query.get('connectorsOnly')?.toLowerCase() !== 'false'))),
      route('GET', `/connector-plugins/${name}/config`, async ([plugin]) => ok(await h.connectorPluginConfig(plugin!))),
      route('PUT', `/connector-plugins/${name}/config/validate`, async ([plugin], _, body) => ok(await h.validateConnectorConfig(plugin!, configMap(await body(), 'the body')))),
    ];
  }

  /** Listens on `listener` (http://host:port; port 0 picks a free one; no host: every interface); resolves with the address actually bound. */
  async listen(listener: string): Promise<{ host: string; port: number; url: string; everyInterface: boolean }> {
    const match = /^http:\/\/([^:/]*):(\d+)\/?$/.exec(listener);
    if (!match) throw new ConnectConfigError('invalid-value', `Unsupported listener ${listener}: Eddy serves http://host:port`, { field: 'listeners' });
    const host = match[1] === '' ? '0.0.0.0' : match[1]!;
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(new ConnectConfigError('listener-unavailable', `cannot serve the REST API on ${listener}: ${error.code === 'EADDRINUSE' ? 'the port is in use (another worker?)' : messageOf(error)}`, { field: 'listeners' }, { cause: error }));
      });
      server.listen(Number(match[2]), host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
    return { host: shown, port, url: `http://${shown}:${port}`, everyInterface: host === '0.0.0.0' };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.dispatch(request);
    } catch (error) {
      reply = error instanceof HerderError
        ? { status: error.status, body: { error_code: error.status, message: error.detail } }
        : { status: 500, body: { error_code: 500, message: messageOf(error) } };
    }
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body !== undefined) headers['content-type'] = 'application/json';
    response.writeHead(reply.status, headers);
    response.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  private async dispatch(request: IncomingMessage): Promise<Reply> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    const matching = this.routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((entry) => entry.match !== null);
    if (matching.length === 0) {
      await drain(request);
      return { status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' } };
    }
    const found = matching.find((entry) => entry.route.method === request.method);
    if (!found) {
      await drain(request);
      return { status: 405, body: { error_code: 405, message: 'HTTP 405 Method Not Allowed' } };
    }
    let params: string[];
    try {
      params = found.match!.slice(1).map((part) => decodeURIComponent(part));
    } catch {
      throw new HerderError(400, `The path ${url.pathname} is not valid URL encoding`);
    }
    return found.route.handler(params, url.searchParams, () => readJson(request));
  }
}

function route(method: string, path: string, handler: Handler): Route {
  return { method, pattern: new RegExp(`^${path}$`), handler };
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const noContent: Reply = { status: 204 };
const accepted: Reply = { status: 202 };

async function listConnectors(herder: Herder, query: Query): Promise<unknown> {
  if (!query.has('expand')) return herder.connectors();
  const expansions = query.getAll('expand');
  const out: Record<string, Record<string, unknown>> = {};
  for (const connector of await herder.connectors()) {
    try {
      const entry: Record<string, unknown> = {};
      for (const expansion of expansions) {
        if (expansion === 'status') entry.status = await herder.connectorStatus(connector);
        else if (expansion === 'info') entry.info = await herder.connectorInfo(connector);
      }
      out[connector] = entry;
    } catch (error) {
      // Deleted while it was being looked up: left out, as Kafka's.
      if (!(error instanceof HerderError && error.status === 404)) throw error;
    }
  }
  return out;
}

function flag(query: Query, name: string): boolean {
  return query.get(name)?.toLowerCase() === 'true';
}

function taskNumber(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new HerderError(404, 'HTTP 404 Not Found');
  return Number(text);
}

async function drain(request: IncomingMessage): Promise<void> {
  for await (const _ of request) {
    // discarded
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new HerderError(413, `The request body is larger than ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HerderError(400, 'The request needs a JSON body');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HerderError(400, `The request body is not valid JSON: ${messageOf(error)}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A configuration map: string values; numbers and booleans taken as their text (as Kafka's JSON reader does). */
function configMap(value: unknown, where: string): ConfigMap {
  if (!isObject(value)) throw new HerderError(400, `${where} must be a JSON object of configuration keys and string values`);
  const out: ConfigMap = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') out[key] = entry;
    else if (typeof entry === 'number' || typeof entry === 'boolean') out[key] = String(entry);
    else throw new HerderError(400, `Configuration values must be strings: '${key}' in ${where} is ${JSON.stringify(entry)}`, { field: key });
  }
  return out;
}

function patchMap(value: unknown): Record<string, string | null> {
  if (!isObject(value)) throw new HerderError(400, 'The body must be a JSON object of configuration keys and string values (null removes a key)');
  const out: Record<string, string | null> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === null) out[key] = null;
    else Object.assign(out, configMap({ [key]: entry }, 'the body'));
  }
  return out;
}

/** Kafka's initial_state values → target states. */
const initialStates = new Map<string, TargetState>([['RUNNING', 'STARTED'], ['PAUSED', 'PAUSED'], ['STOPPED', 'STOPPED']]);

/** Kafka's CreateConnectorRequest: {"name", "config", "initial_state"?}. */
function createRequest(value: unknown): { name: string; config: ConfigMap; initialState?: TargetState } {
  if (!isObject(value)) throw new HerderError(400, 'The body must be a JSON object {"name": …, "config": {…}}');
  if (value.name !== undefined && value.name !== null && typeof value.name !== 'string') throw new HerderError(400, "'name' must be a string", { field: 'name' });
  if (value.config === undefined || value.config === null) throw new HerderError(400, "The body has no 'config' object", { field: 'config' });
  const config = configMap(value.config, "'config'");
  const name = typeof value.name === 'string' ? value.name.trim() : '';
  const initial = value.initial_state;
  if (initial === undefined || initial === null) return { name, config };
  const initialState = typeof initial === 'string' ? initialStates.get(initial.toUpperCase()) : undefined;
  if (initialState === undefined) throw new HerderError(400, `'initial_state' must be one of RUNNING, PAUSED, STOPPED, not ${JSON.stringify(initial)}`, { field: 'initial_state' });
  return { name, config, initialState };
}

/** The body of PATCH /offsets: {"offsets": [{"partition": {…}, "offset": {…}|null}, …]}. */
function offsetsBody(value: unknown): ConnectorOffset[] {
  const list = isObject(value) ? value.offsets : undefined;
  if (!Array.isArray(list) || list.length === 0) throw new HerderError(400, 'Partitions / offsets need to be provided for an alter offsets request');
  return list.map((entry, index) => {
    if (!isObject(entry) || !isObject(entry.partition)) throw new HerderError(400, `offsets[${index}] needs a 'partition' object`, { field: `offsets[${index}].partition` });
    if (entry.offset !== null && !isObject(entry.offset)) throw new HerderError(400, `offsets[${index}].offset must be an object or null`, { field: `offsets[${index}].offset` });
    return { partition: entry.partition, offset: entry.offset as Record<string, unknown> | null };
  });
}
