// Host side of `eddy:plugin/http-client` (contract 0.2.0): the HTTP
// capability of connectors, asynchronous so that a slow or unreachable
// server holds up nobody.
//
// Owns: the one origin a connector is granted (scheme, host and port of the
// URL its `http.api.url` names, resolved once by the worker), performing
// each request the guest sends with Node's fetch — after its `delay-ms`, at
// most 8 of a task's requests on the wire at once (the rest wait, in the
// order sent), redirects not followed, within its timeout — keeping each
// outcome until the guest takes it, and telling the task's driver when one
// completes (so it can call the task again) and how many are outstanding
// (so it can wait before a flush, or before handing over more records).
// Must never: send a request to another origin, block the calling thread
// (a call only starts or hands over work), deliver an outcome twice, or
// throw anything but an `http-error` payload at the guest.

import type * as HttpClient from './wit/0.2.0/interfaces/eddy-plugin-http-client.js';

/** What a connector may reach: one origin (or nothing). */
export interface HttpGrant {
  /** `scheme://host[:port]`, as WHATWG's URL gives it. */
  origin: string;
}

export const httpCapabilityName = 'http-client';
/** The configuration key whose URL grants its origin. */
export const httpGrantKey = 'http.api.url';

/** The grant an `http.api.url` value makes: the origin of an absolute http(s) URL; anything else grants nothing. */
export function httpGrantOf(url: string): HttpGrant | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? { origin: parsed.origin } : undefined;
  } catch {
    return undefined;
  }
}

/** A request's longest time from sending to the end of its response; also what `timeout-ms` 0 means. */
export const maxRequestTimeoutMs = 120_000;
/** Requests of one task on the wire at once; more wait, in the order sent. */
export const maxConcurrentRequests = 8;
/** Response bodies are cut here. */
export const maxResponseBodyBytes = 1024 * 1024;

/** The HTTP capability of one plugin instance. */
export interface HttpClientCapability {
  imports: typeof HttpClient;
  /** Requests sent and not yet taken by the guest: waiting on their delay, in flight, or completed. */
  outstanding(): number;
  /** Requests sent and not completed yet (waiting on their delay, or in flight). */
  inFlight(): number;
  /** Requests completed and not yet taken. */
  completed(): number;
  /** Resolves when the next request in flight completes; at once when none is in flight. */
  nextCompletion(): Promise<void>;
  /** Aborts every request still in flight; their outcomes are dropped. */
  close(): void;
}

/** A thrown `payload` becomes the `err` of the call's result in the guest. */
function fail(error: HttpClient.HttpError): never {
  throw { payload: error };
}

export function httpClientImports(grant: HttpGrant | undefined): HttpClientCapability {
  const completions: HttpClient.HttpCompletion[] = [];
  const closing = new AbortController();
  let nextId = 1n;
  let running = 0;
  let waiters: Array<() => void> = [];
  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };
  // Connection slots: a request waits for one, in the order sent.
  let onWire = 0;
  const slotWaiters: Array<() => void> = [];
  const slot = (): Promise<void> => {
    if (closing.signal.aborted) return Promise.reject(closing.signal.reason);
    if (onWire < maxConcurrentRequests) {
      onWire++;
      return Promise.resolve();
    }
    return new Promise((resolve) => slotWaiters.push(resolve));
  };
  const releaseSlot = () => {
    const next = slotWaiters.shift();
    if (next) next(); // the slot passes on
    else onWire--;
  };
  const finish = (id: bigint, outcome: HttpClient.HttpCompletion['outcome']) => {
    running--;
    if (!closing.signal.aborted) completions.push({ id, outcome });
    wake();
  };

  const imports: typeof HttpClient = {
    send(request: HttpClient.HttpRequest): bigint {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        fail({ tag: 'not-granted', val: `capability '${httpCapabilityName}' takes absolute http(s) URLs; refused: ${request.url}` });
      }
      if (grant === undefined) {
        fail({ tag: 'not-granted', val: `capability '${httpCapabilityName}' was not granted to this connector (its configuration names no '${httpGrantKey}'); refused: ${request.url}` });
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== grant.origin) {
        fail({ tag: 'not-granted', val: `capability '${httpCapabilityName}' grants only the origin ${grant.origin} (the connector's '${httpGrantKey}'); refused: ${request.url}` });
      }
      if (closing.signal.aborted) fail({ tag: 'failed', val: 'the task is stopping' });
      const id = nextId++;
      running++;
      const timeoutMs = request.timeoutMs === 0 ? maxRequestTimeoutMs : Math.min(request.timeoutMs, maxRequestTimeoutMs);
      // Its delay first (holding no connection slot), then a slot: at most maxConcurrentRequests are on the wire.
      void (request.delayMs > 0 ? delay(request.delayMs, closing.signal) : Promise.resolve())
        .then(() => slot())
        .then(() => perform(url, request, timeoutMs, closing.signal).finally(releaseSlot))
        .catch((error: unknown) => failure(error))
        .then((outcome) => finish(id, outcome));
      return id;
    },
    takeCompleted(): HttpClient.HttpCompletion[] {
      return completions.splice(0);
    },
  };

  return {
    imports,
    outstanding: () => running + completions.length,
    inFlight: () => running,
    completed: () => completions.length,
    nextCompletion: () => (running === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: () => {
      closing.abort();
      completions.length = 0;
      // Requests still waiting for a slot fail at once (their outcomes are dropped).
      for (const waiter of slotWaiters.splice(0)) waiter();
      wake();
    },
  };
}

/** Sends the request and reads the response (cut at the body limit); never rejects. */
async function perform(url: URL, request: HttpClient.HttpRequest, timeoutMs: number, closing: AbortSignal): Promise<HttpClient.HttpCompletion['outcome']> {
  try {
    if (closing.aborted) throw closing.reason;
    const timeout = AbortSignal.timeout(timeoutMs);
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body.length > 0 ? new Uint8Array(request.body.buffer as ArrayBuffer, request.body.byteOffset, request.body.byteLength) : undefined,
      redirect: 'manual',
      signal: AbortSignal.any([timeout, closing]),
    });
    const body = await readBody(response);
    const headers: Array<[string, string]> = [];
    response.headers.forEach((value, name) => headers.push([name, value]));
    return { tag: 'ok', val: { status: response.status, headers, body } };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): HttpClient.HttpCompletion['outcome'] {
  if (error instanceof DOMException && error.name === 'TimeoutError') return { tag: 'err', val: { tag: 'timeout' } };
  return { tag: 'err', val: { tag: 'failed', val: describe(error) } };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** The body up to the limit; the rest is not read. */
async function readBody(response: Response): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxResponseBodyBytes - size;
    chunks.push(value.length > room ? value.subarray(0, room) : value);
    size += Math.min(value.length, room);
    if (size >= maxResponseBodyBytes) {
      await reader.cancel();
      break;
    }
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** fetch's "fetch failed" says nothing; its cause (ECONNREFUSED 127.0.0.1:8080, …) does. */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error && parts.length < 4; current = current.cause) {
    parts.push(current.message);
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}
