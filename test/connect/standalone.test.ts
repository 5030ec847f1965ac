// `eddy connect-standalone` with Kafka's own quickstart files on a real
// broker: lines of test.txt land in connect-test as Kafka's JsonConverter
// with schemas writes them, the file sink writes test.sink.txt, appended
// lines follow, and a restart resumes without repeating a line — in a file
// with accents and emoji.
//
// The files are Kafka's (test/connect/fixtures/kafka-4.4/); only what a user
// adapts to their machine is changed: bootstrap.servers and the offsets file,
// and — so runs on the shared test broker do not see each other's records —
// the connector names and the topic get a unique suffix.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConnectorConfig, readConnectorFile } from '../../runtime/connect/connector-config.ts';
import { readPropertiesFile } from '../../runtime/connect/properties-file.ts';
import { parseWorkerConfig } from '../../runtime/connect/worker-config.ts';
import { AppProcess, brokers, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const fixtures = join(repositoryRoot, 'test/connect/fixtures/kafka-4.4');

test('Kafka\'s quickstart files parse unchanged', () => {
  const worker = parseWorkerConfig(readPropertiesFile(join(fixtures, 'connect-standalone.properties')));
  assert.deepEqual(worker.bootstrapServers, ['localhost:9092']);
  assert.equal(worker.offsetStorageFile, '/tmp/connect.offsets');
  assert.equal(worker.offsetFlushIntervalMs, 10000);
  assert.equal(worker.keyConverter.schemasEnable, true);
  const source = readConnectorFile(join(fixtures, 'connect-file-source.properties'));
  assert.equal(source.name, 'local-file-source');
  assert.ok(source.plugin.path.endsWith('connect-file-source-rust'));
  const sink = readConnectorFile(join(fixtures, 'connect-file-sink.properties'));
  assert.deepEqual(sink.topics, ['connect-test']);
  // The JSON form the REST API takes works as a connector file too.
  assert.equal(parseConnectorConfig({ values: new Map([['name', 'j'], ['connector.class', 'FileStreamSink'], ['topics', 't']]) }, '.').name, 'j');
});

function adapt(file: string, replacements: Array<[RegExp, string]>): string {
  let text = readFileSync(join(fixtures, file), 'utf8');
  for (const [pattern, replacement] of replacements) {
    assert.match(text, pattern, `${file} has ${pattern}`);
    text = text.replace(pattern, replacement);
  }
  return text;
}

function startWorker(directory: string): AppProcess {
  const child = spawn(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', 'connect-standalone.properties', 'connect-file-source.properties', 'connect-file-sink.properties'], {
    cwd: directory,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new AppProcess(child, 'connect-standalone');
}

test('quickstart: test.txt → connect-test (JsonConverter with schemas) → test.sink.txt; appended lines follow; a restart resumes exactly', { timeout: 180_000 }, async () => {
  const directory = temporaryDirectory('connect-standalone');
  const suffix = uniqueName('');
  const topic = `connect-test${suffix}`;
  writeFileSync(join(directory, 'connect-standalone.properties'), adapt('connect-standalone.properties', [
    [/^bootstrap\.servers=localhost:9092$/m, `bootstrap.servers=${await brokers()}`],
    [/^offset\.storage\.file\.filename=\/tmp\/connect\.offsets$/m, `offset.storage.file.filename=${join(directory, 'connect.offsets')}\nlisteners=http://127.0.0.1:0`],
  ]));
  for (const file of ['connect-file-source.properties', 'connect-file-sink.properties']) {
    writeFileSync(join(directory, file), adapt(file, [[/^name=(.*)$/m, `name=$1${suffix}`], [/^(topics?)=connect-test$/m, `$1=${topic}`]]));
  }
  const firstLines = ['foo', 'bar', 'Café crème', 'emoji 😀 end'];
  writeFileSync(join(directory, 'test.txt'), `${firstLines.join('\n')}\n`);
  const sinkFile = join(directory, 'test.sink.txt');
  const sinkLines = () => (existsSync(sinkFile) ? readFileSync(sinkFile, 'utf8').split('\n').slice(0, -1) : []);

  let worker = startWorker(directory);
  try {
    await waitFor('the sink to write the first lines', async () => sinkLines().length >= firstLines.length, 90_000);
    assert.deepEqual(sinkLines(), firstLines);
    const records = await readAll(topic);
    assert.deepEqual(records.map((record) => record.keyBytes), firstLines.map(() => null), 'null keys: no key schema, no bytes');
    assert.deepEqual(records.map((record) => record.value), [
      '{"schema":{"type":"string","optional":false},"payload":"foo"}',
      '{"schema":{"type":"string","optional":false},"payload":"bar"}',
      '{"schema":{"type":"string","optional":false},"payload":"Café crème"}',
      '{"schema":{"type":"string","optional":false},"payload":"emoji \\uD83D\\uDE00 end"}',
    ]);

    appendFileSync(join(directory, 'test.txt'), 'appended ✓\r\nafter a crlf\n');
    await waitFor('appended lines in the sink', async () => sinkLines().length >= firstLines.length + 2, 30_000);
    assert.deepEqual(sinkLines().slice(firstLines.length), ['appended ✓', 'after a crlf']);
  } finally {
    assert.equal(await worker.stop(), 0, worker.output);
  }
  const offsets = JSON.parse(readFileSync(join(directory, 'connect.offsets'), 'utf8')) as { offsets: Array<{ key: string; offset: Record<string, string | number> }> };
  assert.deepEqual(offsets.offsets.map((entry) => [JSON.parse(entry.key), entry.offset]), [
    [[`local-file-source${suffix}`, { filename: 'test.txt' }], { position: readFileSync(join(directory, 'test.txt')).length }],
  ]);

  // Lines written while the worker is down, then a restart: nothing repeats, nothing is lost.
  appendFileSync(join(directory, 'test.txt'), 'while down: naïve 🇫🇷\n');
  worker = startWorker(directory);
  try {
    appendFileSync(join(directory, 'test.txt'), 'after restart\n');
    const expected = [...firstLines, 'appended ✓', 'after a crlf', 'while down: naïve 🇫🇷', 'after restart'];
    await waitFor('every line once in the sink', async () => sinkLines().length >= expected.length, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(sinkLines(), expected);
    const records = await readAll(topic);
    assert.deepEqual(records.map((record) => JSON.parse(record.value!).payload), expected);
  } finally {
    assert.equal(await worker.stop(), 0, worker.output);
  }
});

test('connect-standalone refuses malformed files and refused keys with the file, line and key', { timeout: 60_000 }, async () => {
  const directory = temporaryDirectory('connect-refused');
  const run = (args: string[]) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', ...args], { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\noffset.flush.interval.ms=\\\n  often\nlisteners=http://127.0.0.1:0\n`);
  writeFileSync(join(directory, 'good-worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\n`);
  writeFileSync(join(directory, 'source.properties'), 'name=s\nconnector.class=FileStreamSource\nfile=test.txt\n# no topic\nbatch.size=0\n');
  writeFileSync(join(directory, 'same-name.properties'), 'name=s\nconnector.class=FileStreamSink\ntopics=t\nfile=out.txt\n');

  const badValue = await run(['worker.properties', 'source.properties']);
  assert.equal(badValue.code, 1, badValue.stderr);
  assert.match(badValue.stderr, /offset\.flush\.interval\.ms/);
  assert.match(badValue.stderr, /file=worker\.properties line=3 field=offset\.flush\.interval\.ms/);

  const refused = await run(['good-worker.properties', 'source.properties']);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /connector-config-invalid/);
  assert.match(refused.stderr, /Missing required configuration "topic"/);
  assert.match(refused.stderr, /batch\.size/);

  const duplicate = await run(['good-worker.properties', 'same-name.properties', 'same-name.properties']);
  assert.equal(duplicate.code, 1, duplicate.stderr);
  assert.match(duplicate.stderr, /Connector s already exists/);

  // A worker file alone is a worker with no connectors yet (they come through the REST API); nothing at all is a usage error.
  const usage = await run([]);
  assert.equal(usage.code, 2);
});
