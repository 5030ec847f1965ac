// The HTTP capability's host side (runtime/plugin/host/http-client.ts),
// against a real local HTTP server: one origin granted and every other
// refused naming the capability; requests run asynchronously (a held
// response blocks nothing) and their outcomes are taken once each; delays,
// timeouts, redirects not followed, bodies cut at 1 MiB, connection failures
// described, and close() dropping what is in flight.

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { connectorGrants } from '../../runtime/plugin/plugin-connector.ts';
import { httpClientImports, httpGrantOf, maxResponseBodyBytes } from '../../runtime/plugin/host/http-client.ts';
import type { HttpCompletion, HttpRequest } from '../../runtime/plugin/host/wit/0.2.0/interfaces/eddy-plugin-http-client.js';
import { freePort, waitFor } from '../support/process.ts';
import { refusal } from '../support/host-imports.ts';

async function server(handle: (request: IncomingMessage, body: Buffer, response: ServerResponse) => void): Promise<{ origin: string; close(): Promise<void> }> {
  const http = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}

const request = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({ method: 'POST', url, headers: [], body: new Uint8Array(0), timeoutMs: 5_000, delayMs: 0, ...extra });

/** Takes outcomes until every id in `ids` has one. */
async function outcomes(capability: ReturnType<typeof httpClientImports>, ids: bigint[]): Promise<Map<bigint, HttpCompletion['outcome']>> {
  const taken = new Map<bigint, HttpCompletion['outcome']>();
  while (!ids.every((id) => taken.has(id))) {
    await capability.nextCompletion();
    for (const completion of capability.imports.takeCompleted()) {
      assert.ok(!taken.has(completion.id), `outcome of ${completion.id} given twice`);
      taken.set(completion.id, completion.outcome);
    }
  }
  return taken;
}

test('http-client grants the origin of http.api.url and refuses every other, naming the capability', () => {
  assert.deepEqual(httpGrantOf('http://127.0.0.1:8080/api/v1?x=1'), { origin: 'http://127.0.0.1:8080' });
  assert.deepEqual(httpGrantOf('https://example.com/a'), { origin: 'https://example.com' });
  for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'example.com/a', '']) assert.equal(httpGrantOf(url), undefined, url);
  assert.deepEqual(connectorGrants([['http.api.url', 'http://localhost:9/x'], ['topics', 't']], 'sink'), { http: { origin: 'http://localhost:9' } });

  const capability = httpClientImports({ origin: 'http://127.0.0.1:8080' });
  for (const url of ['http://127.0.0.1:8081/a', 'https://127.0.0.1:8080/a', 'http://localhost:8080/a', 'http://127.0.0.1:8080@evil.example/a']) {
    assert.deepEqual(refusal(() => capability.imports.send(request(url))), {
      tag: 'not-granted', val: `capability 'http-client' grants only the origin http://127.0.0.1:8080 (the connector's 'http.api.url'); refused: ${url}`,
    });
  }
  assert.deepEqual(refusal(() => capability.imports.send(request('not a url'))), { tag: 'not-granted', val: "capability 'http-client' takes absolute http(s) URLs; refused: not a url" });
  assert.equal(capability.outstanding(), 0, 'a refused request is not outstanding');
  assert.deepEqual(refusal(() => httpClientImports(undefined).imports.send(request('http://127.0.0.1:8080/'))), {
    tag: 'not-granted', val: "capability 'http-client' was not granted to this connector (its configuration names no 'http.api.url'); refused: http://127.0.0.1:8080/",
  });
});

test('http-client runs requests while the caller goes on: outcomes come once each, with status, headers and body; delays, timeouts, redirects and failures', async () => {
  let release: (() => void) | undefined;
  const seen: string[] = [];
  const http = await server((incoming, body, response) => {
    seen.push(`${incoming.method} ${incoming.url} ${incoming.headers['x-test'] ?? ''} ${body.toString()}`);
    if (incoming.url === '/held') {
      release = () => response.writeHead(201, { 'x-answer': 'yes' }).end('held body');
    } else if (incoming.url === '/redirect') {
      response.writeHead(307, { location: 'http://example.com/elsewhere' }).end();
    } else if (incoming.url === '/big') {
      response.writeHead(200).end(Buffer.alloc(maxResponseBodyBytes + 1000, 7));
    } else if (incoming.url === '/slow') {
      setTimeout(() => response.writeHead(200).end('late'), 3_000).unref();
    } else {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('broken');
    }
  });
  const capability = httpClientImports(httpGrantOf(http.origin));
  try {
    const held = capability.imports.send(request(`${http.origin}/held`, { headers: [['x-test', 'h']], body: new Uint8Array(Buffer.from('ping')) }));
    const failing = capability.imports.send(request(`${http.origin}/fail`, { method: 'PUT' }));
    assert.deepEqual([held, failing], [1n, 2n]);
    // send returned at once; the held request is outstanding while its response is held.
    const first = await outcomes(capability, [failing]);
    const failed = first.get(failing) as { tag: 'ok'; val: { status: number; headers: Array<[string, string]>; body: Uint8Array } };
    assert.equal(failed.tag, 'ok', 'a 500 is a response');
    assert.equal(failed.val.status, 500);
    assert.ok(failed.val.headers.some(([name, value]) => name === 'content-type' && value === 'text/plain'));
    assert.equal(Buffer.from(failed.val.body).toString(), 'broken');
    assert.equal(capability.outstanding(), 1);
    assert.equal(capability.inFlight(), 1);
    await waitFor('the held request to reach the server', async () => release !== undefined, 10_000);
    release!();
    const second = await outcomes(capability, [held]);
    const answer = second.get(held) as { tag: 'ok'; val: { status: number; headers: Array<[string, string]>; body: Uint8Array } };
    assert.equal(answer.val.status, 201);
    assert.ok(answer.val.headers.some(([name, value]) => name === 'x-answer' && value === 'yes'));
    assert.equal(Buffer.from(answer.val.body).toString(), 'held body');
    assert.deepEqual(seen.slice(0, 2).sort(), ['POST /held h ping', 'PUT /fail  ']);
    assert.equal(capability.outstanding(), 0);
    assert.deepEqual(capability.imports.takeCompleted(), [], 'each outcome is given once');

    // A redirect is a response, not followed; a big body is cut at 1 MiB; a timeout and a refused connection are errors.
    const closedPort = await freePort();
    const started = Date.now();
    const ids = [
      capability.imports.send(request(`${http.origin}/redirect`)),
      capability.imports.send(request(`${http.origin}/big`, { method: 'GET' })),
      capability.imports.send(request(`${http.origin}/slow`, { timeoutMs: 200 })),
      capability.imports.send(request(`${http.origin}/delayed`, { delayMs: 300 })),
    ];
    const unreachable = httpClientImports(httpGrantOf(`http://127.0.0.1:${closedPort}`));
    const refused = unreachable.imports.send(request(`http://127.0.0.1:${closedPort}/x`));
    const results = await outcomes(capability, ids);
    assert.equal((results.get(ids[0]!) as { val: { status: number } }).val.status, 307);
    assert.equal((results.get(ids[1]!) as { val: { body: Uint8Array } }).val.body.length, maxResponseBodyBytes);
    assert.deepEqual(results.get(ids[2]!), { tag: 'err', val: { tag: 'timeout' } });
    assert.equal((results.get(ids[3]!) as { val: { status: number } }).val.status, 500);
    assert.ok(Date.now() - started >= 300, 'the delayed request waited its delay');
    assert.ok(!seen.some((line) => line.includes('elsewhere')), 'the redirect was not followed');
    const failure = (await outcomes(unreachable, [refused])).get(refused) as { tag: 'err'; val: { tag: string; val: string } };
    assert.equal(failure.val.tag, 'failed');
    assert.match(failure.val.val, /ECONNREFUSED/);

    // close() drops what is in flight: nothing is given afterwards, and nothing more can be sent.
    capability.imports.send(request(`${http.origin}/slow`));
    assert.equal(capability.inFlight(), 1);
    capability.close();
    await capability.nextCompletion();
    assert.equal(capability.inFlight(), 0);
    assert.deepEqual(capability.imports.takeCompleted(), []);
    assert.deepEqual(refusal(() => capability.imports.send(request(`${http.origin}/x`))), { tag: 'failed', val: 'the task is stopping' });
  } finally {
    capability.close();
    await http.close();
  }
});
