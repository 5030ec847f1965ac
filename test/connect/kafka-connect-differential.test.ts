// Side by side with Apache Kafka Connect: Kafka's ConnectStandalone (the
// complete 4.3.1 set from Maven Central — connect-file 4.4.0 is not there —
// against the 4.4 broker) and `eddy connect-standalone`, each with Kafka's
// quickstart files and the same test.txt, write byte-identical records, and
// their file sinks byte-identical files.
// Then both restart after more lines: Eddy resumes at the exact byte; what
// Kafka's FileStreamSource does there (it stores UTF-16 positions but seeks
// in bytes) is reported, not asserted.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppProcess, brokers, createTopics, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { connectStandaloneCommand, kafkaConnectStandaloneLibraries } from '../support/kafka-connect.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const fixtures = join(repositoryRoot, 'test/connect/fixtures/kafka-4.4');

const lines = [
  'plain ascii',
  'Café crème brûlée',
  'emoji 😀 and a flag 🇫🇷',
  'quotes " backslash \\ tab \t control \u0001',
  '',
  '中文 Ελληνικά',
];
// Every line ending Kafka's FileStreamSourceTask knows.
const content = `${lines[0]}\n${lines[1]}\r\n${lines[2]}\r${lines[3]}\n${lines[4]}\n${lines[5]}\n`;

interface Run {
  directory: string;
  topic: string;
  start(): AppProcess;
}

async function prepare(kind: 'kafka' | 'eddy', suffix: string): Promise<Run> {
  const directory = temporaryDirectory(`connect-${kind}`);
  const topic = `connect-test${suffix}-${kind}`;
  let worker = readFileSync(join(fixtures, 'connect-standalone.properties'), 'utf8')
    .replace(/^bootstrap\.servers=.*$/m, `bootstrap.servers=${await brokers()}`)
    .replace(/^offset\.storage\.file\.filename=.*$/m, `offset.storage.file.filename=${join(directory, 'connect.offsets')}`);
  // Kafka's REST server would take port 8083: any free port will do.
  worker += '\nlisteners=http://127.0.0.1:0\n';
  writeFileSync(join(directory, 'worker.properties'), worker);
  writeFileSync(join(directory, 'source.properties'), readFileSync(join(fixtures, 'connect-file-source.properties'), 'utf8')
    .replace(/^name=(.*)$/m, `name=$1${suffix}`)
    .replace(/^topic=connect-test$/m, `topic=${topic}`));
  writeFileSync(join(directory, 'sink.properties'), readFileSync(join(fixtures, 'connect-file-sink.properties'), 'utf8')
    .replace(/^name=(.*)$/m, `name=$1${suffix}-${kind}`)
    .replace(/^topics=connect-test$/m, `topics=${topic}`));
  writeFileSync(join(directory, 'test.txt'), content);
  const files = ['worker.properties', 'source.properties', 'sink.properties'];
  const start = () => {
    const { command, args } = kind === 'kafka'
      ? connectStandaloneCommand(files)
      : { command: process.execPath, args: [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', ...files] };
    return new AppProcess(spawn(command, args, { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] }), `connect-${kind}`);
  };
  return { directory, topic, start };
}

const sinkLines = (run: Run): string[] => {
  const file = join(run.directory, 'test.sink.txt');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(0, -1) : [];
};

const hex = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('hex'));

test('Kafka Connect and Eddy write byte-identical records and sink files from the quickstart files; Eddy resumes exactly', { timeout: 300_000 }, async (t) => {
  kafkaConnectStandaloneLibraries();
  const suffix = uniqueName('');
  const kafka = await prepare('kafka', suffix);
  const eddy = await prepare('eddy', suffix);
  // The test broker does not auto-create topics; Kafka Connect's producer would wait for one.
  await createTopics([{ topic: kafka.topic, partitions: 1 }, { topic: eddy.topic, partitions: 1 }]);

  const runs = [kafka, eddy].map((run) => ({ run, process: run.start() }));
  try {
    for (const { run, process } of runs) {
      await waitFor(`${lines.length} records in ${run.topic}`, async () => (await readAll(run.topic)).length >= lines.length || (process.child.exitCode !== null && assert.fail(process.output)), 120_000);
      await waitFor(`${lines.length} lines in ${run.directory}/test.sink.txt`, async () => sinkLines(run).length >= lines.length, 120_000);
    }
  } finally {
    for (const { process } of runs) await process.stop();
  }
  const kafkaRecords = await readAll(kafka.topic);
  const eddyRecords = await readAll(eddy.topic);
  assert.equal(kafkaRecords.length, lines.length);
  assert.deepEqual(eddyRecords.map((record) => hex(record.keyBytes)), kafkaRecords.map((record) => hex(record.keyBytes)));
  assert.deepEqual(eddyRecords.map((record) => record.value), kafkaRecords.map((record) => record.value));
  assert.deepEqual(eddyRecords.map((record) => hex(record.valueBytes)), kafkaRecords.map((record) => hex(record.valueBytes)));
  assert.deepEqual(eddyRecords.map((record) => JSON.parse(record.value!).payload), lines);
  // The file sinks wrote the same bytes.
  assert.equal(readFileSync(join(eddy.directory, 'test.sink.txt')).toString('hex'), readFileSync(join(kafka.directory, 'test.sink.txt')).toString('hex'));
  assert.deepEqual(sinkLines(eddy), lines);

  // A line more, and a restart of each.
  for (const run of [kafka, eddy]) appendFileSync(join(run.directory, 'test.txt'), 'after restart ✓\n');
  const restarted = [kafka, eddy].map((run) => ({ run, process: run.start() }));
  try {
    await waitFor('the line after the restart in Eddy\'s topic', async () => (await readAll(eddy.topic)).length > lines.length, 120_000);
    await waitFor('Kafka Connect to write after its restart', async () => (await readAll(kafka.topic)).length > lines.length, 30_000).catch(() => undefined);
    const kafkaAfter = (await readAll(kafka.topic)).slice(lines.length).map((record) => JSON.parse(record.value!).payload as string);
    t.diagnostic(`Kafka Connect after its restart wrote: ${JSON.stringify(kafkaAfter)}`);
  } finally {
    for (const { process } of restarted) await process.stop();
  }
  assert.deepEqual((await readAll(eddy.topic)).slice(lines.length).map((record) => JSON.parse(record.value!).payload), ['after restart ✓']);
});
