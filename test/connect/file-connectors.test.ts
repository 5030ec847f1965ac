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

test('the sink appends each value and a newline, null as "null"', async () => {
  const directory = temporaryDirectory('file-sink');
  const file = join(directory, 'test.sink.txt');
  const task = (await sink()).sinkTask(host, 0, { file: { file, mode: 'append' } });
  task.start([['file', file], ['topics', 't']]);
  const record = (offset: number, value: SourceRecord['value']) => ({ topic: 't', partition: 0, offset: BigInt(offset), value, timestamp: 0n });
  task.put([record(0, { tag: 'text', val: 'café 😀' }), record(1, undefined), record(2, { tag: 'int64', val: 42n })]);
  task.put([record(3, { tag: 'json', val: '{"a":1}' }), record(4, { tag: 'float64', val: 2 }), record(5, { tag: 'boolean', val: true })]);
  task.flush([{ topic: 't', partition: 0, offset: 6n }]);
  task.stop();
  assert.equal(readFileSync(file, 'utf8'), 'café 😀\nnull\n42\n{"a":1}\n2.0\ntrue\n');
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
