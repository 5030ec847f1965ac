// Benchmark: what the asynchronous HTTP capability costs, and that it keeps
// the worker's thread free. The HTTP sink plugin (connect-http-sink-rust)
// driven as a sink task drives it (put batches of 1000 records, put([]) as
// outcomes arrive, at most 8 requests in flight, flush once none is
// outstanding) against the same requests sent by plain Node fetch with the
// same concurrency — the baseline — to a local server in a worker thread
// that answers after a set latency. Per variant: records/s and the main
// thread's event-loop delay (p99 and max) while requests are in flight.
//   npx tsx bench/http-sink.ts

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ConnectorPlugin, connectorGrants, type Config, type SinkRecord } from '../runtime/plugin/plugin-connector.ts';
import { formatRate, plugin, printTable } from './support.ts';

const records = 20_000;
const putSize = 1000;
const maxInFlight = 8;

/** A local server in a worker thread: reads each body, answers 200 after `latencyMs`. */
async function startServer(latencyMs: number): Promise<{ url: string; stop(): Promise<number> }> {
  const source = `
    const { createServer } = require('node:http');
    const { parentPort, workerData } = require('node:worker_threads');
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => setTimeout(() => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), workerData.latencyMs));
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
    parentPort.on('message', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
  `;
  const worker = new Worker(source, { eval: true, workerData: { latencyMs } });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return {
    url: `http://127.0.0.1:${port}/ingest`,
    stop: () => new Promise((resolve) => {
      worker.once('exit', resolve);
      worker.postMessage('stop');
    }),
  };
}

const value = (n: number): SinkRecord['value'] => ({ tag: 'json', val: `{"id":${n},"name":"customer ${n}","city":"Zürich","visits":${n % 97}}` });

/** The plugin, driven as WorkerSinkTask drives a sink task with outstanding work. */
async function viaPlugin(url: string, batchSize: number): Promise<void> {
  const connector = await ConnectorPlugin.load(plugin('connect-http-sink-rust'));
  const config: Config = [['http.api.url', url], ['batch.max.size', String(batchSize)], ['max.retries', '0']];
  const task = connector.sinkTask({ connector: 'bench', log: () => undefined }, 0, connectorGrants(config, 'sink'));
  task.start(config);
  for (let start = 0; start < records; start += putSize) {
    while (task.inFlightIo >= maxInFlight) await task.nextIoCompletion();
    task.put(Array.from({ length: putSize }, (_, index) => ({ topic: 't', partition: 0, offset: BigInt(start + index), key: undefined, value: value(start + index), timestamp: 0n })));
  }
  while (task.outstandingIo > 0) {
    if (task.completedIo > 0) task.put([]);
    else await task.nextIoCompletion();
  }
  task.flush([]);
  task.stop();
}

/** The baseline: the same JSON-array bodies, sent by Node's fetch with the same concurrency. */
async function viaFetch(url: string, batchSize: number): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for (let start = 0; start < records; start += batchSize) {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const body = `[${Array.from({ length: Math.min(batchSize, records - start) }, (_, index) => (value(start + index) as { val: string }).val).join(',')}]`;
    const request: Promise<void> = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, redirect: 'manual' })
      .then(async (response) => {
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
}

async function measure(run: () => Promise<void>): Promise<{ perSecond: number; p99Ms: number; maxMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  return { perSecond: records / seconds, p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 };
}

export async function httpSinkBenchmark(): Promise<string[][]> {
  const rows: string[][] = [];
  for (const latencyMs of [0, 20]) {
    const server = await startServer(latencyMs);
    try {
      for (const batchSize of [1, 100, 500]) {
        if (batchSize === 1 && latencyMs > 0) continue; // 20 000 requests at 8 in flight and 20 ms each: minutes of waiting that show nothing new
        // Warm-up (compiling the plugin, the server's keep-alive connections), then the best of three rounds each.
        await viaPlugin(server.url, batchSize);
        await viaFetch(server.url, batchSize);
        for (const [variant, run] of [['plain fetch (baseline)', viaFetch], ['HTTP sink plugin', viaPlugin]] as const) {
          const results = [];
          for (let round = 0; round < 3; round++) results.push(await measure(() => run(server.url, batchSize)));
          const best = results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
          rows.push([`${latencyMs} ms`, String(batchSize), variant, formatRate(best.perSecond), best.p99Ms.toFixed(1), best.maxMs.toFixed(1)]);
        }
      }
    } finally {
      await server.stop();
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(`HTTP sink: ${records} records, ${maxInFlight} requests in flight, server in a worker thread`, ['server latency', 'batch.max.size', 'variant', 'records/s', 'loop delay p99 ms', 'loop delay max ms'], await httpSinkBenchmark());
}
