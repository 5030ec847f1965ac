// The FileStreamSource and FileStreamSink plugins (plugins/connect-file-*-rust)
// through the host's connector adapter, without Kafka: Kafka's line endings,
// growing files, exact resume in non-ASCII files, the sink's output, and the
// file capability refusing every path but the granted one.

import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileAccessImports } from '../../runtime/plugin/host/file-access.ts';
import { ConnectorPlugin, type Config, type SourceRecord } from '../../runtime/plugin/plugin-connector.ts';
import { pluginPath } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { dataRecords } from '../support/connector-records.ts';
import { javaToString, primitiveSchema, type ConnectData, type ConnectSchema } from '../../runtime/connect/connect-data.ts';
import { encodeRecord } from '../../runtime/connect/transform-record.ts';

const logs: string[] = [];
const host = { connector: 'test', log: (level: string, task: string, message: string) => void logs.push(`${level} ${task} ${message}`) };
const source = () => ConnectorPlugin.load(pluginPath('connect-file-source-rust'));
const sink = () => ConnectorPlugin.load(pluginPath('connect-file-sink-rust'));
const values = (records: SourceRecord[]) => records.map((record) => (record.value?.tag === 'text' ? record.value.val : `?${record.value?.tag}`));
const position = (record: SourceRecord) => record.sourceOffset.find(([key]) => key === 'position')?.[1];

test('the plugins declare their worlds; the source validates Kafka\'s keys', async () => {
  const plugin = await source();
  assert.equal(plugin.kind, 'source');
  assert.equal((await sink()).kind, 'sink');
  const connector = plugin.connector(host);
  assert.deepEqual(connector.validate([['file', 'a.txt'], ['topic', 'connect-test']]), []);
  assert.deepEqual(connector.validate([['file', 'a.txt']]).map((issue) => issue.key), ['topic']);
  assert.match(connector.validate([['file', 'a.txt'], ['topic', 'a,b']])[0]!.message, /single topic/);
  assert.deepEqual(connector.validate([['file', 'a.txt'], ['topic', 't'], ['batch.size', '0']]).map((issue) => issue.key), ['batch.size']);
  assert.equal(connector.taskConfigs([['file', 'a.txt'], ['topic', 't']], 4).length, 1, 'FileStreamSource makes one task');
  assert.equal((await sink()).connector(host).taskConfigs([['file', 'a.txt'], ['topics', 't']], 3).length, 3, 'FileStreamSink makes tasks.max tasks');
});

test('lines end at \\n, \\r\\n and a lone \\r; an unterminated line waits; the file is followed as it grows', async () => {
  const directory = temporaryDirectory('file-source');
  const file = join(directory, 'test.txt');
  writeFileSync(file, 'a\nb\r\nc\rd');
  const config: Config = [['file', file], ['topic', 'connect-test']];
  const task = (await source()).sourceTask(host, 0, { file: { file, mode: 'read' } });
  task.start(config, []);
  const first = task.poll();
  assert.deepEqual(values(first), ['a', 'b', 'c']);
  assert.deepEqual(first.map(position), ['2', '5', '7']);
  assert.deepEqual(first[0]!.sourcePartition, [['filename', file]]);
  assert.equal(first[0]!.topic, 'connect-test');
  assert.equal(first[0]!.key, undefined);
  assert.deepEqual(task.poll(), []);
  appendFileSync(file, '\r');
  assert.deepEqual(task.poll(), [], 'a \\r at the end may still be a \\r\\n');
  appendFileSync(file, '\ne\n\n');
  const next = task.poll();
  assert.deepEqual(values(next), ['d', 'e', '']);
  assert.deepEqual(next.map(position), ['10', '12', '13']);
  task.stop();
});

test('batch.size bounds a poll; a missing file is waited for', async () => {
  const directory = temporaryDirectory('file-source');
  const file = join(directory, 'later.txt');
  const task = (await source()).sourceTask(host, 0, { file: { file, mode: 'read' } });
  task.start([['file', file], ['topic', 't'], ['batch.size', '2']], []);
  assert.deepEqual(task.poll(), []);
  writeFileSync(file, '1\n2\n3\n4\n5\n');
  assert.deepEqual(values(task.poll()), ['1', '2']);
  assert.deepEqual(values(task.poll()), ['3', '4']);
  assert.deepEqual(values(task.poll()), ['5']);
  task.stop();
});

test('resuming from a stored byte position is exact with accents and emoji (Kafka\'s own is not)', async () => {
  const directory = temporaryDirectory('file-source');
  const file = join(directory, 'unicode.txt');
  const lines = ['Café crème', '😀 emoji 🇫🇷', 'naïve façade', 'Ελληνικά', 'last ✓'];
  writeFileSync(file, `${lines.join('\n')}\n`);
  const config: Config = [['file', file], ['topic', 't']];
  const plugin = await source();
  const first = plugin.sourceTask(host, 0, { file: { file, mode: 'read' } });
  first.start(config, []);
  const all = first.poll();
  first.stop();
  assert.deepEqual(values(all), lines);
  assert.equal(Number(position(all.at(-1)!)), Buffer.byteLength(`${lines.join('\n')}\n`));
  for (let stored = 0; stored < lines.length; stored++) {
    const resumed = plugin.sourceTask(host, 0, { file: { file, mode: 'read' } });
    resumed.start(config, [{ sourcePartition: all[stored]!.sourcePartition, sourceOffset: all[stored]!.sourceOffset }]);
    assert.deepEqual(values(resumed.poll()), lines.slice(stored + 1), `resumed after line ${stored + 1}`);
    resumed.stop();
  }
});

test('the sink appends each value as Java\'s String.valueOf and a newline: null, structs, maps, lists, Java\'s doubles, decimals, dates', async () => {
  const directory = temporaryDirectory('file-sink');
  const file = join(directory, 'test.sink.txt');
  const task = (await sink()).sinkTask(host, 0, { file: { file, mode: 'append' } });
  task.start([['file', file], ['topics', 't']]);
  const address: ConnectSchema = { type: 'struct', optional: true, name: 'Address', fields: [{ name: 'city', schema: primitiveSchema('string') }, { name: 'zip', schema: primitiveSchema('int32', true) }] };
  const person: ConnectSchema = { type: 'struct', optional: false, name: 'Person', fields: [{ name: 'name', schema: primitiveSchema('string') }, { name: 'age', schema: primitiveSchema('int8', true) }, { name: 'address', schema: address }, { name: 'tags', schema: { type: 'array', optional: true, valueSchema: primitiveSchema('string') } }] };
  const string = (value: string): ConnectData => ({ type: 'string', value });
  const values: Array<ConnectData | null> = [
    string('café 😀'),
    null,
    { type: 'int64', value: 42n },
    { type: 'int32', value: -7 },
    { type: 'boolean', value: true },
    ...[2, 0.5, 1e7, 1.5e-5, 123456.789, -0.001, 3.07, Number.MAX_VALUE, -0, Number.NaN, Number.NEGATIVE_INFINITY].map((value): ConnectData => ({ type: 'float64', value })),
    ...[0.1, 1e10, 16777216].map((value): ConnectData => ({ type: 'float32', value: Math.fround(value) })),
    { type: 'struct', schema: person, value: [string('Ada'), { type: 'int8', value: 36 }, { type: 'struct', schema: address, value: [string('London'), null] }, { type: 'array', value: [string('a'), string('b')] }] },
    { type: 'struct', schema: person, value: [string('Bob'), null, null, null] },
    { type: 'map', value: [[string('b'), { type: 'int64', value: 1n }], [string('a'), { type: 'array', value: [{ type: 'float64', value: 1 }, null] }]] },
    { type: 'array', value: [] },
    ...[[12345n, 2], [-5n, 3], [1n, 10], [123n, -2], [-(2n ** 70n), 0], [0n, 4]].map(([unscaled, scale]): ConnectData => ({ type: 'decimal', unscaled: unscaled as bigint, scale: scale as number })),
    ...[0n, 1_700_000_000_123n, -86_400_001n, 951_782_400_000n].map((value): ConnectData => ({ type: 'date', value })),
  ];
  const record = (offset: number, value: ConnectData | null) => encodeRecord({ topic: 't', partition: 0, key: { schema: undefined, value: null }, value: { schema: undefined, value }, timestamp: 0, headers: [], kafkaOffset: offset });
  // A 0.3.0 sink takes Connect records: 0.2.0's small values are refused, naming the plugin.
  assert.throws(() => task.put([{ topic: 't', partition: 0, offset: 0n, value: { tag: 'text', val: 'x' }, timestamp: 0n }]), /records of shape connect-value for '[^']*connect-file-sink-rust[^']*', which takes connect-record/);
  task.putRecords(dataRecords(values.slice(0, 10).map((value, index) => record(index, value))));
  task.putRecords(dataRecords(values.slice(10).map((value, index) => record(10 + index, value))));
  task.flush([{ topic: 't', partition: 0, offset: BigInt(values.length) }]);
  task.stop();
  const written = readFileSync(file, 'utf8').split('\n').slice(0, -1);
  // The host's javaToString is Java's (StringConverter's output, checked against Kafka's elsewhere).
  assert.deepEqual(written, values.map(javaToString));
  assert.deepEqual(written.slice(0, 5), ['café 😀', 'null', '42', '-7', 'true']);
  assert.deepEqual(written.slice(5, 16), ['2.0', '0.5', '1.0E7', '1.5E-5', '123456.789', '-0.001', '3.07', '1.7976931348623157E308', '-0.0', 'NaN', '-Infinity']);
  assert.deepEqual(written.slice(16, 19), ['0.1', '1.0E10', '1.6777216E7']);
  assert.equal(written[19], 'Struct{name=Ada,age=36,address=Struct{city=London},tags=[a, b]}');
  assert.equal(written[20], 'Struct{name=Bob}');
  assert.equal(written[21], '{b=1, a=[1.0, null]}');
  assert.deepEqual(written.slice(23, 29), ['123.45', '-0.005', '1E-10', '1.23E+4', '-1180591620717411303424', '0.0000']);
  assert.deepEqual(written.slice(29), ['Thu Jan 01 00:00:00 UTC 1970', 'Tue Nov 14 22:13:20 UTC 2023', 'Tue Dec 30 23:59:59 UTC 1969', 'Tue Feb 29 00:00:00 UTC 2000']);
});

test('the file capability refuses every path but the granted one, naming the capability', async () => {
  const directory = temporaryDirectory('file-capability');
  const granted = join(directory, 'granted.txt');
  writeFileSync(granted, 'ok\n');
  const files = fileAccessImports({ file: granted, mode: 'read' });
  assert.equal(Buffer.from(files.imports.read(granted, 0n, 10)).toString(), 'ok\n');
  const refusal = (call: () => unknown) => {
    try {
      call();
    } catch (error) {
      return (error as { payload: { tag: string; val?: string } }).payload;
    }
    assert.fail('not refused');
  };
  for (const path of ['/etc/passwd', join(directory, 'other.txt'), `${granted}/../granted.txt.bak`]) {
    const payload = refusal(() => files.imports.read(path, 0n, 10));
    assert.equal(payload.tag, 'not-granted');
    assert.match(payload.val!, /capability 'file-access'/);
  }
  assert.match(refusal(() => files.imports.append(granted, new Uint8Array([1])))!.val!, /for reading only/);
  assert.match(refusal(() => fileAccessImports(undefined).imports.read(granted, 0n, 1))!.val!, /was not granted/);
  files.close();

  // Through a plugin: the grant follows the connector's `file`, not what the task is told.
  const task = (await source()).sourceTask(host, 0, { file: { file: granted, mode: 'read' } });
  task.start([['file', '/etc/passwd'], ['topic', 't']], []);
  assert.throws(() => task.poll(), /capability 'file-access' grants only/);
  task.stop();
});
