// Side by side with Apache Kafka Connect: Kafka's ConnectStandalone (the
// complete 4.3.1 set from Maven Central — connect-file 4.4.0 is not there —
// against the 4.4 broker) and `eddy connect-standalone`, each with Kafka's
// quickstart files and the same test.txt, write byte-identical records, and
// their file sinks byte-identical files.
// Then both restart after more lines: Eddy resumes at the exact byte; what
// Kafka's FileStreamSource does there (it stores UTF-16 positions but seeks
// in bytes) is reported, not asserted.
// Second: the same Single Message Transform chains (every built-in class
// Kafka ships but Cast and TimestampConverter's number forms, with
// predicates and negate) in the same properties files, on a source and two
// sinks, run by Kafka Connect 4.4 (connect-runtime and connect-transforms
// 4.4.0, connect-file 4.3.1) and by Eddy: byte-identical keys, values and
// headers in Kafka, byte-identical sink files.
// Third: error handling (KIP-298) — the same sink properties with
// errors.tolerance=all and a dead-letter queue with context headers, over
// the same records (some malformed JSON, one a transform cannot cast), in
// Kafka Connect 4.4 and in Eddy: the same sink file, the same dead letters
// (key, value, timestamp, header keys and values; the exception's class,
// message and trace compared for presence only, since Java's differ).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nullHeaderValue } from '../../runtime/record.ts';
import { AppProcess, brokers, createTopics, freePort, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { connectStandalone44Command, connectStandaloneCommand, kafkaConnect44StandaloneClasspath, kafkaConnectStandaloneLibraries } from '../support/kafka-connect.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { errorInput, errorSinkProperties, produceErrorInput } from './error-cases.ts';

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

/** Kafka's quickstart worker file in `directory`, on the test broker, offsets in the directory, flushed every second, REST on any free port. */
async function writeWorkerProperties(directory: string): Promise<void> {
  const worker = readFileSync(join(fixtures, 'connect-standalone.properties'), 'utf8')
    .replace(/^bootstrap\.servers=.*$/m, `bootstrap.servers=${await brokers()}`)
    .replace(/^offset\.storage\.file\.filename=.*$/m, `offset.storage.file.filename=${join(directory, 'connect.offsets')}`)
    .replace(/^offset\.flush\.interval\.ms=.*$/m, 'offset.flush.interval.ms=1000');
  writeFileSync(join(directory, 'worker.properties'), `${worker}\nlisteners=http://127.0.0.1:0\n`);
}

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

/** The source's chain: every value becomes a struct, renamed, nested, flattened, named; headers added; the topic routed twice. */
const sourceTransforms = [
  'transforms=hoist,insert,era,key,extractKey,castKey,mask,rename,nest,flatten,meta,origin,count,list,dropList,copy,route,stamp,keep',
  'transforms.hoist.type=org.apache.kafka.connect.transforms.HoistField$Value',
  'transforms.hoist.field=line',
  'transforms.insert.type=org.apache.kafka.connect.transforms.InsertField$Value',
  'transforms.insert.static.field=source',
  'transforms.insert.static.value=file',
  'transforms.insert.timestamp.field=ts',
  // The era of the record's time: a TimestampConverter whose output does not depend on when the test runs.
  'transforms.era.type=org.apache.kafka.connect.transforms.TimestampConverter$Value',
  'transforms.era.field=ts',
  'transforms.era.target.type=string',
  'transforms.era.format=G',
  'transforms.key.type=org.apache.kafka.connect.transforms.ValueToKey',
  'transforms.key.fields=line,ts',
  'transforms.extractKey.type=org.apache.kafka.connect.transforms.ExtractField$Key',
  'transforms.extractKey.field=line',
  'transforms.castKey.type=org.apache.kafka.connect.transforms.Cast$Key',
  'transforms.castKey.spec=string',
  'transforms.mask.type=org.apache.kafka.connect.transforms.MaskField$Value',
  'transforms.mask.fields=source',
  'transforms.mask.replacement=***',
  'transforms.rename.type=org.apache.kafka.connect.transforms.ReplaceField$Value',
  'transforms.rename.renames=line:text,ts:era',
  'transforms.nest.type=org.apache.kafka.connect.transforms.HoistField$Value',
  'transforms.nest.field=record',
  'transforms.flatten.type=org.apache.kafka.connect.transforms.Flatten$Value',
  'transforms.flatten.delimiter=_',
  'transforms.meta.type=org.apache.kafka.connect.transforms.SetSchemaMetadata$Value',
  'transforms.meta.schema.name=com.example.Line',
  'transforms.meta.schema.version=3',
  'transforms.origin.type=org.apache.kafka.connect.transforms.InsertHeader',
  'transforms.origin.header=origin',
  'transforms.origin.value.literal=file-source',
  'transforms.count.type=org.apache.kafka.connect.transforms.InsertHeader',
  'transforms.count.header=count',
  'transforms.count.value.literal=42',
  'transforms.list.type=org.apache.kafka.connect.transforms.InsertHeader',
  'transforms.list.header=list',
  'transforms.list.value.literal=[1, 2.5]',
  'transforms.dropList.type=org.apache.kafka.connect.transforms.DropHeaders',
  'transforms.dropList.headers=list',
  'transforms.copy.type=org.apache.kafka.connect.transforms.HeaderFrom$Value',
  'transforms.copy.fields=record_source,record_era',
  'transforms.copy.headers=source,era',
  'transforms.copy.operation=copy',
  'transforms.route.type=org.apache.kafka.connect.transforms.RegexRouter',
  'transforms.route.regex=(.*)-(kafka|eddy)',
  'transforms.route.replacement=$1-$2-routed',
  'transforms.route.predicate=isSmt',
  'transforms.stamp.type=org.apache.kafka.connect.transforms.TimestampRouter',
  'transforms.stamp.topic.format=${topic}-${timestamp}',
  'transforms.stamp.timestamp.format=G',
  // Drops what the predicate does not match: nothing here, but the path is taken.
  'transforms.keep.type=org.apache.kafka.connect.transforms.Filter',
  'transforms.keep.predicate=isSmt',
  'transforms.keep.negate=true',
  'predicates=isSmt',
  'predicates.isSmt.type=org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
  'predicates.isSmt.pattern=connect-smt.*',
].join('\n');

/** The first sink keeps the records with an `origin` header and writes their text. */
const textSinkTransforms = [
  'transforms=onlyOrigin,text',
  'transforms.onlyOrigin.type=org.apache.kafka.connect.transforms.Filter',
  'transforms.onlyOrigin.predicate=hasOrigin',
  'transforms.onlyOrigin.negate=true',
  'transforms.text.type=org.apache.kafka.connect.transforms.ExtractField$Value',
  'transforms.text.field=record_text',
  'predicates=hasOrigin',
  'predicates.hasOrigin.type=org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
  'predicates.hasOrigin.name=origin',
].join('\n');

/** The second sink writes each record's partition and offset (InsertField of a sink record), dropping tombstones. */
const offsetSinkTransforms = [
  'transforms=dropTombstones,where,pick',
  'transforms.dropTombstones.type=org.apache.kafka.connect.transforms.Filter',
  'transforms.dropTombstones.predicate=isTombstone',
  'transforms.where.type=org.apache.kafka.connect.transforms.InsertField$Value',
  'transforms.where.offset.field=offset',
  'transforms.where.partition.field=partition',
  'transforms.pick.type=org.apache.kafka.connect.transforms.ExtractField$Value',
  'transforms.pick.field=offset',
  'predicates=isTombstone',
  'predicates.isTombstone.type=org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
].join('\n');

const smtLines = ['plain ascii', 'Café crème brûlée', 'emoji 😀', 'quotes " and \\ backslash', '', '中文 Ελληνικά'];

test('Kafka Connect 4.4 and Eddy apply the same SMT chains from the same files: byte-identical records, headers and sink files', { timeout: 300_000 }, async () => {
  kafkaConnect44StandaloneClasspath();
  const suffix = uniqueName('');
  const runs = await Promise.all((['kafka', 'eddy'] as const).map(async (kind) => {
    const directory = temporaryDirectory(`connect-smt-${kind}`);
    const topic = `connect-smt${suffix}-${kind}`;
    const routed = `${topic}-routed-AD`;
    await writeWorkerProperties(directory);
    writeFileSync(join(directory, 'source.properties'), `name=smt-source${suffix}-${kind}\nconnector.class=FileStreamSource\ntasks.max=1\nfile=test.txt\ntopic=${topic}\n${sourceTransforms}\n`);
    writeFileSync(join(directory, 'text-sink.properties'), `name=smt-text${suffix}-${kind}\nconnector.class=FileStreamSink\ntasks.max=1\nfile=text.sink.txt\ntopics=${routed}\n${textSinkTransforms}\n`);
    writeFileSync(join(directory, 'offset-sink.properties'), `name=smt-offset${suffix}-${kind}\nconnector.class=FileStreamSink\ntasks.max=1\nfile=offset.sink.txt\ntopics=${routed}\n${offsetSinkTransforms}\n`);
    // No transform: the struct itself (Struct.toString), and with schemas off the envelope as nested Java HashMaps (HashMap.toString, hash order).
    writeFileSync(join(directory, 'struct-sink.properties'), `name=smt-struct${suffix}-${kind}\nconnector.class=FileStreamSink\ntasks.max=1\nfile=struct.sink.txt\ntopics=${routed}\n`);
    writeFileSync(join(directory, 'map-sink.properties'), `name=smt-map${suffix}-${kind}\nconnector.class=FileStreamSink\ntasks.max=1\nfile=map.sink.txt\ntopics=${routed}\nvalue.converter=org.apache.kafka.connect.json.JsonConverter\nvalue.converter.schemas.enable=false\n`);
    writeFileSync(join(directory, 'test.txt'), `${smtLines.join('\n')}\n`);
    return { kind, directory, topic, routed };
  }));
  // The test broker does not auto-create topics; Kafka Connect's producer and consumers would wait for them.
  await createTopics(runs.flatMap((run) => [{ topic: run.topic, partitions: 1 }, { topic: run.routed, partitions: 1 }]));
  const files = ['worker.properties', 'source.properties', 'text-sink.properties', 'offset-sink.properties', 'struct-sink.properties', 'map-sink.properties'];
  const sinkFiles = ['text.sink.txt', 'offset.sink.txt', 'struct.sink.txt', 'map.sink.txt'];
  const processes = runs.map((run) => {
    const { command, args } = run.kind === 'kafka'
      ? connectStandalone44Command(files)
      : { command: process.execPath, args: [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', ...files] };
    return new AppProcess(spawn(command, args, { cwd: run.directory, stdio: ['ignore', 'pipe', 'pipe'] }), `smt-${run.kind}`);
  });
  const lines = (run: (typeof runs)[number], file: string) => (existsSync(join(run.directory, file)) ? readFileSync(join(run.directory, file), 'utf8').split('\n').slice(0, -1) : []);
  try {
    for (const [index, run] of runs.entries()) {
      const child = processes[index]!;
      await waitFor(`${smtLines.length} records in ${run.routed}`, async () => (await readAll(run.routed)).length >= smtLines.length || (child.child.exitCode !== null && assert.fail(child.output)), 120_000);
      await waitFor(`${smtLines.length} lines in each sink file of ${run.directory}`, async () => sinkFiles.every((file) => lines(run, file).length >= smtLines.length), 120_000);
    }
  } finally {
    for (const child of processes) await child.stop();
  }
  const [kafka, eddy] = runs as [(typeof runs)[number], (typeof runs)[number]];
  const kafkaRecords = await readAll(kafka.routed);
  const eddyRecords = await readAll(eddy.routed);
  assert.equal((await readAll(kafka.topic)).length, 0, 'every record was routed away from the source topic');
  assert.equal((await readAll(eddy.topic)).length, 0);
  assert.equal(eddyRecords.length, kafkaRecords.length);
  const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));
  assert.deepEqual(eddyRecords.map((record) => hex(record.keyBytes)), kafkaRecords.map((record) => hex(record.keyBytes)));
  assert.deepEqual(eddyRecords.map((record) => text(record.valueBytes)), kafkaRecords.map((record) => text(record.valueBytes)));
  assert.deepEqual(eddyRecords.map((record) => hex(record.valueBytes)), kafkaRecords.map((record) => hex(record.valueBytes)));
  const headers = (records: typeof kafkaRecords) => records.map((record) => record.headers.map((header) => [header.key, text(header.value)]));
  assert.deepEqual(headers(eddyRecords), headers(kafkaRecords));
  // What the chain makes of the first line, as Kafka wrote it.
  assert.deepEqual(JSON.parse(text(kafkaRecords[0]!.valueBytes)!), {
    schema: {
      type: 'struct',
      fields: [{ type: 'string', optional: false, field: 'record_text' }, { type: 'string', optional: true, field: 'record_era' }, { type: 'string', optional: true, field: 'record_source' }],
      optional: false,
      name: 'com.example.Line',
      version: 3,
    },
    payload: { record_text: 'plain ascii', record_era: 'AD', record_source: '***' },
  });
  assert.deepEqual(headers(kafkaRecords)[0], [['origin', 'file-source'], ['count', '42'], ['source', '***'], ['era', 'AD']]);
  assert.equal(text(kafkaRecords[0]!.keyBytes), '{"schema":{"type":"string","optional":false},"payload":"plain ascii"}');
  for (const file of sinkFiles) {
    assert.equal(readFileSync(join(eddy.directory, file), 'utf8'), readFileSync(join(kafka.directory, file), 'utf8'), file);
    assert.equal(readFileSync(join(eddy.directory, file)).toString('hex'), readFileSync(join(kafka.directory, file)).toString('hex'), file);
  }
  assert.equal(lines(kafka, 'struct.sink.txt')[0], 'Struct{record_text=plain ascii,record_era=AD,record_source=***}');
  assert.match(lines(kafka, 'map.sink.txt')[0]!, /^\{schema=\{name=com.example.Line, /);
  assert.deepEqual(lines(eddy, 'text.sink.txt'), smtLines);
  assert.deepEqual(lines(eddy, 'offset.sink.txt'), smtLines.map((_, index) => String(index)));
});

test('Kafka Connect 4.4 and Eddy write the same header bytes with each header converter (Simple, Json with and without schemas, String), and sinks read them back', { timeout: 300_000 }, async () => {
  kafkaConnect44StandaloneClasspath();
  const suffix = uniqueName('');
  const converters = {
    simple: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    json: 'org.apache.kafka.connect.json.JsonConverter',
    plain: 'org.apache.kafka.connect.json.JsonConverter\nheader.converter.schemas.enable=false',
    string: 'org.apache.kafka.connect.storage.StringConverter',
  };
  // Headers of several schemas: a string literal, and a struct's string fields and a null optional int copied (HeaderFrom; a source record has no Kafka partition yet, so InsertField's partition field is null).
  const sourceTransforms = [
    'transforms=hoist,stamp,copy,again',
    'transforms.hoist.type=org.apache.kafka.connect.transforms.HoistField$Value',
    'transforms.hoist.field=line',
    'transforms.stamp.type=org.apache.kafka.connect.transforms.InsertField$Value',
    'transforms.stamp.static.field=origin',
    'transforms.stamp.static.value=file',
    'transforms.stamp.partition.field=p',
    'transforms.copy.type=org.apache.kafka.connect.transforms.HeaderFrom$Value',
    'transforms.copy.fields=line,origin,p',
    'transforms.copy.headers=h-line,h-origin,h-p',
    'transforms.copy.operation=copy',
    // A repeated key after another: Kafka keeps the order h-line, h-origin, h-line.
    'transforms.again.type=org.apache.kafka.connect.transforms.InsertHeader',
    'transforms.again.header=h-line',
    'transforms.again.value.literal=again',
  ].join('\n');
  const runs = await Promise.all((['kafka', 'eddy'] as const).map(async (kind) => {
    const directory = temporaryDirectory(`connect-headers-${kind}`);
    await writeWorkerProperties(directory);
    writeFileSync(join(directory, 'test.txt'), `${smtLines.filter((line) => line !== '').join('\n')}\n`);
    const topics = Object.fromEntries(Object.keys(converters).map((name) => [name, `connect-headers${suffix}-${name}-${kind}`])) as Record<keyof typeof converters, string>;
    const files: string[] = ['worker.properties'];
    for (const [name, converter] of Object.entries(converters) as Array<[keyof typeof converters, string]>) {
      writeFileSync(join(directory, `source-${name}.properties`), `name=headers-${name}${suffix}-${kind}\nconnector.class=FileStreamSource\ntasks.max=1\nfile=test.txt\ntopic=${topics[name]}\nheader.converter=${converter}\n${sourceTransforms}\n`);
      // The sink reads the headers back with the same converter (a failure would fail it) and writes the values.
      writeFileSync(join(directory, `sink-${name}.properties`), `name=headers-sink-${name}${suffix}-${kind}\nconnector.class=FileStreamSink\ntasks.max=1\nfile=${name}.sink.txt\ntopics=${topics[name]}\nheader.converter=${converter}\n`);
      files.push(`source-${name}.properties`, `sink-${name}.properties`);
    }
    return { kind, directory, topics, files };
  }));
  await createTopics(runs.flatMap((run) => Object.values(run.topics).map((topic) => ({ topic, partitions: 1 }))));
  const expected = smtLines.filter((line) => line !== '').length;
  const processes = runs.map((run) => {
    const { command, args } = run.kind === 'kafka'
      ? connectStandalone44Command(run.files)
      : { command: process.execPath, args: [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', ...run.files] };
    return new AppProcess(spawn(command, args, { cwd: run.directory, stdio: ['ignore', 'pipe', 'pipe'] }), `headers-${run.kind}`);
  });
  const lines = (run: (typeof runs)[number], file: string) => (existsSync(join(run.directory, file)) ? readFileSync(join(run.directory, file), 'utf8').split('\n').slice(0, -1) : []);
  try {
    for (const [index, run] of runs.entries()) {
      const child = processes[index]!;
      for (const topic of Object.values(run.topics)) {
        await waitFor(`${expected} records in ${topic}`, async () => (await readAll(topic)).length >= expected || (child.child.exitCode !== null && assert.fail(child.output)), 120_000);
      }
      await waitFor(`${expected} lines in each sink file of ${run.directory}`, async () => Object.keys(converters).every((name) => lines(run, `${name}.sink.txt`).length >= expected), 120_000);
    }
  } finally {
    for (const child of processes) await child.stop();
  }
  const [kafka, eddy] = runs as [(typeof runs)[number], (typeof runs)[number]];
  // (A null header value is read as nullHeaderValue; an empty one as any other empty array.)
  const headerBytes = (records: Awaited<ReturnType<typeof readAll>>) => records.map((record) => record.headers.map((header) => [header.key, header.value === nullHeaderValue ? null : Buffer.from(header.value).toString('utf8')]));
  for (const name of Object.keys(converters) as Array<keyof typeof converters>) {
    const [fromKafka, fromEddy] = [await readAll(kafka.topics[name]), await readAll(eddy.topics[name])];
    assert.deepEqual(headerBytes(fromEddy), headerBytes(fromKafka), `headers with ${name}`);
    assert.deepEqual(fromEddy.map((record) => hex(record.valueBytes)), fromKafka.map((record) => hex(record.valueBytes)), `values with ${name}`);
    assert.equal(readFileSync(join(eddy.directory, `${name}.sink.txt`), 'utf8'), readFileSync(join(kafka.directory, `${name}.sink.txt`), 'utf8'), `${name}.sink.txt`);
  }
  // What each converter wrote for the first record's headers, as Kafka wrote it (the null partition: a null header value with Simple and String).
  const firstHeaders = async (name: keyof typeof converters) => headerBytes(await readAll(kafka.topics[name]))[0]!;
  assert.deepEqual((await firstHeaders('simple')).find(([key]) => key === 'h-p'), ['h-p', null]);
  assert.deepEqual((await firstHeaders('string')).find(([key]) => key === 'h-p'), ['h-p', null]);
  assert.deepEqual((await firstHeaders('plain')).find(([key]) => key === 'h-p'), ['h-p', 'null']);
  const withoutNull = async (name: keyof typeof converters) => (await firstHeaders(name)).filter(([key]) => key !== 'h-p');
  assert.deepEqual(await withoutNull('json'), [['h-line', '{"schema":{"type":"string","optional":false},"payload":"plain ascii"}'], ['h-origin', '{"schema":{"type":"string","optional":true},"payload":"file"}'], ['h-line', '{"schema":{"type":"string","optional":false},"payload":"again"}']]);
  assert.deepEqual(await withoutNull('plain'), [['h-line', '"plain ascii"'], ['h-origin', '"file"'], ['h-line', '"again"']]);
  assert.deepEqual(await withoutNull('string'), [['h-line', 'plain ascii'], ['h-origin', 'file'], ['h-line', 'again']]);
});

test('Kafka Connect 4.4 and Eddy tolerate the same bad records: the same sink file and the same dead-letter records with context headers', { timeout: 600_000 }, async () => {
  kafkaConnect44StandaloneClasspath();
  const suffix = uniqueName('');
  const runs = await Promise.all((['kafka', 'eddy'] as const).map(async (kind) => {
    const directory = temporaryDirectory(`connect-errors-${kind}`);
    const topic = `connect-errors${suffix}-${kind}`;
    const dlq = `${topic}-dlq`;
    await writeWorkerProperties(directory);
    writeFileSync(join(directory, 'sink.properties'), `name=errors${suffix}-${kind}\nfile=sink.txt\n${errorSinkProperties(topic, dlq)}`);
    return { kind, directory, topic, dlq };
  }));
  // The DLQ topics are left for each worker to create.
  await createTopics(runs.map((run) => ({ topic: run.topic, partitions: 1 })));
  for (const run of runs) await produceErrorInput(run.topic);
  const processes = runs.map((run) => {
    const { command, args } = run.kind === 'kafka'
      ? connectStandalone44Command(['worker.properties', 'sink.properties'])
      : { command: process.execPath, args: [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', 'worker.properties', 'sink.properties'] };
    return new AppProcess(spawn(command, args, { cwd: run.directory, stdio: ['ignore', 'pipe', 'pipe'] }), `errors-${run.kind}`);
  });
  const sinkFile = (run: (typeof runs)[number]) => (existsSync(join(run.directory, 'sink.txt')) ? readFileSync(join(run.directory, 'sink.txt'), 'utf8') : '');
  const good = errorInput.length - 3;
  try {
    for (const [index, run] of runs.entries()) {
      const child = processes[index]!;
      try {
        // Generous: a Kafka Connect worker starting on a loaded 2-core machine took over two minutes once.
        await waitFor(`3 dead letters in ${run.dlq}`, async () => (await readAll(run.dlq)).length >= 3 || (child.child.exitCode !== null && assert.fail(child.output)), 240_000);
        await waitFor(`${good} lines in ${run.directory}/sink.txt`, async () => sinkFile(run).split('\n').length > good, 240_000);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${run.kind}'s output:\n${child.output.slice(-6000)}`);
      }
    }
  } finally {
    for (const child of processes) await child.stop();
  }
  const [kafka, eddy] = runs as [(typeof runs)[number], (typeof runs)[number]];
  assert.equal(sinkFile(eddy), sinkFile(kafka));
  assert.equal(sinkFile(eddy), '12\n34\n56\n');
  const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));
  const presenceOnly = new Set(['__connect.errors.exception.class.name', '__connect.errors.exception.message', '__connect.errors.exception.stacktrace']);
  const letters = async (run: (typeof runs)[number]) => (await readAll(run.dlq)).map((record) => ({
    key: text(record.keyBytes),
    value: text(record.valueBytes),
    timestamp: record.timestamp,
    headers: record.headers.map((header) => {
      const value = text(header.value);
      if (presenceOnly.has(header.key)) return [header.key, value !== null && value !== '' ? 'present' : 'absent'];
      return [header.key, value?.replace(`-${run.kind}`, '-<kind>') ?? null];
    }),
  }));
  const kafkaLetters = await letters(kafka);
  assert.equal(kafkaLetters.length, 3);
  assert.deepEqual(await letters(eddy), kafkaLetters);
});

test('Kafka Connect 4.4 and Eddy refuse a source record over max.request.size alike: skipped with errors.tolerance=all (the lines around it written, byte-identical), the task failed without; Java\'s size in both, also under a connector\'s producer.override.max.request.size', { timeout: 600_000 }, async () => {
  kafkaConnect44StandaloneClasspath();
  const suffix = uniqueName('');
  // 1,200,000 bytes of value: Java's producer estimates 61 + 21 + 1 (null key) + 4 (the zigzag varint of the length) + 1,200,000 + 1 (no headers) = 1,200,088 bytes.
  const big = 'x'.repeat(1_200_000);
  const runs = await Promise.all((['kafka', 'eddy'] as const).map(async (kind) => {
    const directory = temporaryDirectory(`connect-too-large-${kind}`);
    const tolerant = `connect-too-large${suffix}-all-${kind}`;
    const strict = `connect-too-large${suffix}-none-${kind}`;
    const overridden = `connect-too-large${suffix}-override-${kind}`;
    let worker = readFileSync(join(fixtures, 'connect-standalone.properties'), 'utf8')
      .replace(/^bootstrap\.servers=.*$/m, `bootstrap.servers=${await brokers()}`)
      .replace(/^offset\.storage\.file\.filename=.*$/m, `offset.storage.file.filename=${join(directory, 'connect.offsets')}`)
      .replace(/^value\.converter=.*$/m, 'value.converter=org.apache.kafka.connect.storage.StringConverter');
    const port = await freePort();
    worker += `\nlisteners=http://127.0.0.1:${port}\n`;
    writeFileSync(join(directory, 'worker.properties'), worker);
    for (const [name, topic, tolerance] of [['all', tolerant, 'all'], ['none', strict, 'none']] as const) {
      writeFileSync(join(directory, `${name}.txt`), `before\n${big}\nafter\n`);
      writeFileSync(join(directory, `${name}.properties`), `name=${topic}\nconnector.class=FileStreamSource\nfile=${name}.txt\ntopic=${topic}\nerrors.tolerance=${tolerance}\n`);
    }
    // A connector's own producer limit (Kafka's client override, allowed by the default policy All): a 2,000-byte line is too large for 1,000.
    writeFileSync(join(directory, 'override.txt'), `${'y'.repeat(2000)}\n`);
    writeFileSync(join(directory, 'override.properties'), `name=${overridden}\nconnector.class=FileStreamSource\nfile=override.txt\ntopic=${overridden}\nproducer.override.max.request.size=1000\n`);
    return { kind, directory, tolerant, strict, overridden, port };
  }));
  await createTopics(runs.flatMap((run) => [{ topic: run.tolerant, partitions: 1 }, { topic: run.strict, partitions: 1 }, { topic: run.overridden, partitions: 1 }]));
  const processes = runs.map((run) => {
    const files = ['worker.properties', 'all.properties', 'none.properties', 'override.properties'];
    const { command, args } = run.kind === 'kafka'
      ? connectStandalone44Command(files)
      : { command: process.execPath, args: [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', ...files] };
    return new AppProcess(spawn(command, args, { cwd: run.directory, stdio: ['ignore', 'pipe', 'pipe'] }), `too-large-${run.kind}`);
  });
  const status = async (run: (typeof runs)[number], name: string) => {
    try {
      const response = await fetch(`http://127.0.0.1:${run.port}/connectors/${name}/status`);
      return response.ok ? ((await response.json()) as { tasks: Array<{ state: string; trace?: string }> }).tasks[0] : undefined;
    } catch {
      return undefined; // the REST server is not up yet
    }
  };
  const strictTask = (run: (typeof runs)[number]) => status(run, run.strict);
  const tolerantTask = (run: (typeof runs)[number]) => status(run, run.tolerant);
  const refusal = 'The message is 1200088 bytes when serialized which is larger than 1048576, which is the value of the max.request.size configuration.';
  try {
    for (const [index, run] of runs.entries()) {
      const child = processes[index]!;
      try {
        await waitFor(`the lines around the big one in ${run.tolerant}`, async () => (await readAll(run.tolerant)).length >= 2 || (child.child.exitCode !== null && assert.fail(child.output)), 240_000);
        // The strict task fails, with the producer's refusal (Java's size) as the cause, in the REST status of both.
        await waitFor(`${run.kind}'s strict task to fail`, async () => (await strictTask(run))?.state === 'FAILED', 120_000);
        const trace = (await strictTask(run))!.trace!;
        assert.match(trace, /Unrecoverable exception from producer send callback/);
        assert.ok(trace.includes(`RecordTooLargeException: ${refusal}`), trace);
        assert.equal((await tolerantTask(run))?.state, 'RUNNING');
        await waitFor(`${run.kind}'s overridden task to fail`, async () => (await status(run, run.overridden))?.state === 'FAILED', 120_000);
        const overriddenTrace = (await status(run, run.overridden))!.trace!;
        assert.ok(overriddenTrace.includes('RecordTooLargeException: The message is 2086 bytes when serialized which is larger than 1000, which is the value of the max.request.size configuration.'), overriddenTrace);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${run.kind}'s output:\n${child.output.slice(-6000)}`);
      }
    }
  } finally {
    for (const child of processes) await child.stop();
  }
  const [kafka, eddy] = runs as [(typeof runs)[number], (typeof runs)[number]];
  const values = async (topic: string) => (await readAll(topic)).map((record) => hex(record.valueBytes));
  assert.deepEqual(await values(eddy.tolerant), await values(kafka.tolerant));
  assert.deepEqual((await readAll(eddy.tolerant)).map((record) => record.value), ['before', 'after']);
  assert.ok(!(await readAll(eddy.strict)).some((record) => record.value === big));
});
