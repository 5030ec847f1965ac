// The HTTP sink (plugins/connect-http-sink-rust) alone through the plugin
// loader: its keys refused naming the key, and the bodies it writes for
// every kind of value (json and string formats, bytes as base64), a value
// JSON cannot hold and a tombstone reported errant. Then in a standalone
// worker on Kafka, against a real local HTTP server: batches POSTed in offset order,
// a 503 retried with backoff, a 400's records in the dead-letter queue as
// consumed (KIP-610's errant record reporter, stage TASK_PUT), offsets
// committed only once the server has answered — and a response the server
// holds back blocks no other connector on the worker. Without a reporter
// (no DLQ, no error log), a 400 fails the task saying so.

import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import { SimpleHeaderConverter } from '../../runtime/connect/header-converter.ts';
import { StringConverter } from '../../runtime/connect/string-converter.ts';
import { TaskTransformationChain } from '../../runtime/connect/transformation-chain.ts';
import { WorkerSinkTask } from '../../runtime/connect/worker-sink-task.ts';
import { connectKafka } from '../../runtime/kafka/connection.ts';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { ConnectorPlugin, connectorGrants, type Config, type SinkRecord } from '../../runtime/plugin/plugin-connector.ts';
import { pluginPath } from '../support/plugins.ts';
import { brokers, createTopics, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { writeProperties } from '../support/properties.ts';

interface Exchange {
  body: string;
  status: number;
  contentType: string | undefined;
  token: string | undefined;
}

/** A local HTTP server; `respond` picks the status of each request by its body (or holds it: undefined). */
async function httpServer(respond: (body: string, index: number) => number | undefined) {
  const exchanges: Exchange[] = [];
  const held: Array<{ body: string; answer(status: number): void }> = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const exchange: Exchange = { body, status: 0, contentType: request.headers['content-type'], token: request.headers['x-token'] as string | undefined };
      const answer = (status: number) => {
        exchange.status = status;
        exchanges.push(exchange);
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? `refused: ${body}` : 'ok');
      };
      const status = respond(body, exchanges.length + held.length);
      if (status === undefined) held.push({ body, answer });
      else answer(status);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`,
    exchanges,
    held,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}


/** The group's committed offset of partition 0 (-1: none yet). */
async function committed(bootstrap: string, group: string, topic: string): Promise<number> {
  const connection = connectKafka(bootstrap, 'http-sink-test');
  const admin = await connection.admin();
  try {
    return (await admin.committedOffsets(group, [topic])).find((entry) => entry.partition === 0)?.offset ?? -1;
  } finally {
    await admin.disconnect();
  }
}

test('the HTTP sink in a standalone worker: batches in order, a 503 retried, a 400\'s records in the DLQ as consumed; nothing committed past a held request, and a held request blocks no other connector', { timeout: 240_000 }, async () => {
  const directory = temporaryDirectory('http-sink');
  const bootstrap = await brokers();
  const orders = uniqueName('http-orders');
  const dlq = `${orders}-dlq`;
  const lines = uniqueName('http-lines');
  await createTopics([{ topic: orders, partitions: 1 }]);
  // The first request gets a 503; a body with "bad" a 400; one with "hold" waits until the test answers it.
  const http = await httpServer((body, index) => (index === 0 ? 503 : body.includes('"bad"') ? 400 : body.includes('"hold"') ? undefined : 200));
  const values = ['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3,"tag":"bad"}', '{"n":4}', '{"n":5}', '{"n":6,"tag":"hold"}', '{"n":7}', '{"n":8}'];
  await produceRecords(bootstrap, orders, values.map((value, n) => ({ key: `k${n}`, value, headers: { origin: `h${n}` } })));

  const worker = join(directory, 'worker.properties');
  writeProperties(worker, {
    'bootstrap.servers': bootstrap, 'offset.storage.file.filename': join(directory, 'offsets'), 'offset.flush.interval.ms': '300', listeners: 'http://127.0.0.1:0',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
  });
  const sink = join(directory, 'http.properties');
  writeProperties(sink, {
    name: orders, 'connector.class': 'HttpSink', topics: orders, 'http.api.url': http.url, headers: 'X-Token:secret', 'batch.max.size': '3',
    'retry.backoff.ms': '50', 'max.retries': '3', 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': dlq,
    'errors.deadletterqueue.topic.replication.factor': '1', 'errors.deadletterqueue.context.headers.enable': 'true',
  });
  const source = join(directory, 'source.properties');
  const input = join(directory, 'lines.txt');
  writeFileSync(input, 'first\n');
  writeProperties(source, { name: lines, 'connector.class': 'FileStreamSource', file: input, topic: lines, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' });

  const logs: string[] = [];
  const running = await StandaloneWorker.start(worker, [sink, source], { log: (level, where, message) => void logs.push(`${level} [${where}] ${message}`) });
  try {
    await waitFor('the request with "hold" to reach the server', async () => http.held.length === 1, 90_000);
    // While its response is held: the file source on the same worker goes on…
    appendFileSync(input, 'second\nthird\n');
    await waitFor('the file source\'s lines in Kafka', async () => (await readAll(lines)).length === 3, 60_000);
    assert.equal(http.held.length, 1, 'the held request was still unanswered while the source produced');
    // …and no offset at or past the held batch is committed (the task flushes only once no request is outstanding).
    const heldFirst = Number((JSON.parse(http.held[0]!.body) as Array<{ n: number }>)[0]!.n);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // several commit intervals
    assert.ok(await committed(bootstrap, `connect-${orders}`, orders) <= heldFirst, 'nothing past the held request committed');
    http.held[0]!.answer(200);
    await waitFor('every offset committed', async () => (await committed(bootstrap, `connect-${orders}`, orders)) === values.length, 60_000);

    // Accepted bodies: every value not in a refused batch, once, in offset order; JSON arrays with the connector's headers.
    const accepted = http.exchanges.filter((exchange) => exchange.status === 200);
    const refused = http.exchanges.filter((exchange) => exchange.status === 400);
    const parse = (exchange: Exchange) => (JSON.parse(exchange.body) as Array<{ n: number }>).map((value) => value.n);
    assert.ok(accepted.every((exchange) => exchange.contentType === 'application/json' && exchange.token === 'secret'));
    assert.ok(accepted.every((exchange) => parse(exchange).length <= 3), 'batch.max.size');
    const refusedNumbers = refused.flatMap(parse);
    assert.ok(refusedNumbers.includes(3));
    assert.deepEqual(accepted.flatMap(parse), values.map((_, n) => n).filter((n) => !refusedNumbers.includes(n)));
    // The 503'd first request was sent again with the same body.
    assert.equal(http.exchanges[0]!.status, 503);
    assert.ok(accepted.some((exchange) => exchange.body === http.exchanges[0]!.body));
    assert.ok(logs.some((line) => /^warn .* retrying POST http:\/\/127\.0\.0\.1:\d+\/ingest \(attempt 1 of 3\): HTTP 503 Service Unavailable/.test(line)), logs.join('\n'));

    // The refused batch's records in the DLQ, as consumed, with Kafka's context headers (stage TASK_PUT, SinkTask).
    const letters = await readAll(dlq);
    const text = (value: Uint8Array | null | undefined) => (value ? Buffer.from(value).toString('utf8') : null);
    assert.deepEqual(letters.map((letter) => letter.value), refusedNumbers.map((n) => values[n]));
    for (const letter of letters) {
      const n = (JSON.parse(letter.value!) as { n: number }).n;
      const header = (name: string) => text(letter.headers.find((entry) => entry.key === name)?.value);
      assert.equal(letter.key, `k${n}`);
      assert.equal(header('origin'), `h${n}`);
      assert.equal(header('__connect.errors.topic'), orders);
      assert.equal(header('__connect.errors.offset'), String(n));
      assert.equal(header('__connect.errors.stage'), 'TASK_PUT');
      assert.equal(header('__connect.errors.class.name'), 'org.apache.kafka.connect.sink.SinkTask');
      assert.match(header('__connect.errors.exception.message')!, /^HTTP 400 Bad Request from POST http:\/\/127\.0\.0\.1:\d+\/ingest: refused: \[/);
    }
    assert.deepEqual(running.status().flatMap((connector) => connector.tasks.map((task) => task.state)), ['RUNNING', 'RUNNING'], logs.join('\n'));
  } finally {
    await running.stop();
    await http.close();
  }
});

test('the HTTP sink without an errant record reporter: a 400 fails the task, naming the response and the missing reporter; retries that run out fail it too', { timeout: 180_000 }, async () => {
  const directory = temporaryDirectory('http-sink-fail');
  const bootstrap = await brokers();
  const refusedTopic = uniqueName('http-refused');
  const downTopic = uniqueName('http-down');
  await createTopics([{ topic: refusedTopic, partitions: 1 }, { topic: downTopic, partitions: 1 }]);
  const http = await httpServer((body) => (body.includes('down') ? 503 : 400));
  await produceRecords(bootstrap, refusedTopic, [{ key: null, value: 'nope' }]);
  await produceRecords(bootstrap, downTopic, [{ key: null, value: 'down' }]);
  const worker = join(directory, 'worker.properties');
  writeProperties(worker, {
    'bootstrap.servers': bootstrap, 'offset.storage.file.filename': join(directory, 'offsets'), listeners: 'http://127.0.0.1:0',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    // The tasks must stay FAILED for the test to read why.
    'task.restart.on.failure': 'none',
  });
  const refusedSink = join(directory, 'refused.properties');
  writeProperties(refusedSink, { name: refusedTopic, 'connector.class': 'HttpSink', topics: refusedTopic, 'http.api.url': http.url, 'request.body.format': 'string' });
  const downSink = join(directory, 'down.properties');
  writeProperties(downSink, { name: downTopic, 'connector.class': 'HttpSink', topics: downTopic, 'http.api.url': http.url, 'max.retries': '2', 'retry.backoff.ms': '20' });
  const running = await StandaloneWorker.start(worker, [refusedSink, downSink], { log: () => undefined });
  try {
    const trace = (name: string) => running.status().find((connector) => connector.name === name)?.tasks[0];
    await waitFor('both tasks to fail', async () => trace(refusedTopic)?.state === 'FAILED' && trace(downTopic)?.state === 'FAILED', 90_000);
    assert.match(trace(refusedTopic)!.trace!, /HTTP 400 Bad Request from POST http:\/\/127\.0\.0\.1:\d+\/ingest: refused: nope \(the record at offset 0 of .*-0, not reported errant: the connector has no errant record reporter \(Kafka Connect gives one only with errors\.deadletterqueue\.topic\.name or errors\.log\.enable\)\)/);
    assert.match(trace(downTopic)!.trace!, /POST http:\/\/127\.0\.0\.1:\d+\/ingest failed after 3 attempts: HTTP 503 Service Unavailable/);
    assert.equal(http.exchanges.filter((exchange) => exchange.body === '["down"]').length, 3, 'the first attempt and two retries');
    assert.equal(await committed(bootstrap, `connect-${refusedTopic}`, refusedTopic), -1, 'nothing committed for a record the sink could not write');
  } finally {
    await running.stop();
    await http.close();
  }
});

test('the HTTP sink alone: keys refused naming the key; json and string bodies for every kind of value; NaN and a tombstone reported errant', { timeout: 60_000 }, async () => {
  const plugin = await ConnectorPlugin.load(pluginPath('connect-http-sink-rust'));
  assert.equal(plugin.kind, 'sink');
  assert.deepEqual(plugin.configDef.map((key) => key.name), ['http.api.url', 'request.method', 'headers', 'header.separator', 'request.timeout.ms', 'request.body.format', 'batch.separator', 'batch.max.size', 'behavior.on.null.values', 'max.retries', 'retry.backoff.ms']);
  const half = plugin.connector({ connector: 'http', log: () => undefined });
  try {
    assert.deepEqual(half.validate([['http.api.url', 'ftp://example.com/x'], ['request.method', 'PATCH'], ['batch.max.size', '0']]), [
      { key: 'http.api.url', message: 'Invalid value ftp://example.com/x for configuration http.api.url: must be an absolute http:// or https:// URL' },
      { key: 'request.method', message: 'Invalid value PATCH for configuration request.method: String must be one of: POST, PUT' },
      { key: 'batch.max.size', message: 'Invalid value 0 for configuration batch.max.size: Value must be at least 1' },
    ]);
    assert.deepEqual(half.validate([]), [{ key: 'http.api.url', message: 'Missing required configuration "http.api.url" which has no default value.' }]);
  } finally {
    half.close();
  }

  const http = await httpServer(() => 200);
  const record = (offset: number, value: SinkRecord['value']): SinkRecord => ({ topic: 't', partition: 0, offset: BigInt(offset), key: undefined, value, timestamp: 0n });
  const values: Array<SinkRecord['value']> = [
    { tag: 'json', val: '{"a":[1,2]}' }, { tag: 'text', val: 'he said "hi"\n' }, { tag: 'bytes', val: new Uint8Array([0, 1, 2, 255]) },
    { tag: 'int64', val: -9007199254740993n }, { tag: 'float64', val: 1.5 }, { tag: 'boolean', val: true },
  ];
  const run = async (config: Config, records: SinkRecord[]) => {
    const reports: string[] = [];
    const task = plugin.sinkTask({ connector: 'http', log: () => undefined }, 0, connectorGrants(config, 'sink'));
    task.reportErrantRecordsTo((_topic, _partition, offset, message) => void reports.push(`${offset}: ${message}`));
    task.start(config);
    task.put(records);
    while (task.outstandingIo > 0) {
      if (task.completedIo > 0) task.put([]);
      else await task.nextIoCompletion();
    }
    task.flush([]);
    task.stop();
    return reports;
  };
  try {
    const json = await run([['http.api.url', http.url], ['batch.max.size', '10'], ['behavior.on.null.values', 'fail']],
      [...values.map((value, offset) => record(offset, value)), record(6, { tag: 'float64', val: Number.NaN }), record(7, undefined)]);
    assert.deepEqual(http.exchanges.map((exchange) => [exchange.contentType, exchange.body]), [
      ['application/json', '[{"a":[1,2]},"he said \\"hi\\"\\n","AAEC/w==",-9007199254740993,1.5,true]'],
    ]);
    assert.deepEqual(json, ['6: its value NaN is not a finite number, which JSON cannot write', '7: the record has a null value, and behavior.on.null.values=fail']);
    http.exchanges.length = 0;
    const text = await run([['http.api.url', http.url], ['batch.max.size', '3'], ['request.body.format', 'string'], ['batch.separator', '|'], ['request.method', 'put']],
      [...values.map((value, offset) => record(offset, value)), record(6, undefined)]);
    assert.deepEqual(http.exchanges.map((exchange) => [exchange.contentType, exchange.body]), [
      ['text/plain; charset=utf-8', '{"a":[1,2]}|he said "hi"\n|AAEC/w=='],
      ['text/plain; charset=utf-8', '-9007199254740993|1.5|true'],
    ]);
    assert.deepEqual(text, [], 'a tombstone is skipped by default');
  } finally {
    await http.close();
  }
});

test('a sink task that keeps what it put for errant reports commits early once it keeps too much, not at the next interval', { timeout: 120_000 }, async () => {
  const bootstrap = await brokers();
  const topic = uniqueName('http-early');
  await createTopics([{ topic, partitions: 1 }]);
  await produceRecords(bootstrap, topic, Array.from({ length: 200 }, (_, n) => ({ key: null, value: `value ${n} ${'x'.repeat(100)}` })));
  const http = await httpServer(() => 200);
  const plugin = await ConnectorPlugin.load(pluginPath('connect-http-sink-rust'));
  const config: Config = [['http.api.url', http.url], ['batch.max.size', '50'], ['request.body.format', 'string']];
  const connection = connectKafka(bootstrap, 'http-early');
  const instance = plugin.sinkTask({ connector: topic, log: () => undefined }, 0, connectorGrants(config, 'sink'));
  assert.ok(instance.reportsErrantRecords);
  const task = new WorkerSinkTask({
    connector: topic, task: 0, instance, config, subscription: { topics: [topic] },
    keyConverter: new StringConverter(), valueConverter: new StringConverter(), headerConverter: new SimpleHeaderConverter(),
    transforms: () => new TaskTransformationChain([], []), connection,
    commitIntervalMs: 600_000, // no commit by the interval within this test
    log: () => undefined,
    errors: { tolerance: 'all', retryTimeoutMs: 0, retryDelayMaxMs: 60_000, logEnable: true, logIncludeMessages: false, deadLetterQueueTopic: undefined, deadLetterQueueReplicationFactor: 1, deadLetterQueueContextHeaders: false },
    maxKeptBytes: 4096,
  });
  await task.start();
  try {
    await waitFor('every record sent and committed early', async () => (await committed(bootstrap, `connect-${topic}`, topic)) === 200, 60_000);
    assert.equal(http.exchanges.flatMap((exchange) => exchange.body.split('\n')).length, 200);
    assert.equal(task.state.status, 'RUNNING');
  } finally {
    await task.stop();
    await connection.close();
    await http.close();
  }
});
