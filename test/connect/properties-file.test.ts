// Java .properties files as Kafka reads them, and the declared worker and
// connector schemas on top: separators, comments, continuations, escapes,
// errors naming file, line and key.

import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConnectorConfig } from '../../runtime/connect/connector-config.ts';
import { parseProperties, propertiesToMap, readPropertiesFile } from '../../runtime/connect/properties-file.ts';
import { advertisedWorkerId, parseWorkerConfig } from '../../runtime/connect/worker-config.ts';
import { ConnectConfigError } from '../../runtime/errors.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('separators, comments, blank lines and whitespace as java.util.Properties', () => {
  const text = [
    '# a comment',
    '! another comment',
    '',
    '   ',
    'a=1',
    'b: 2',
    'c 3',
    '  d   =   4  ',
    'e\t:\tfive',
    'f',
    'g=',
    'h = = x',
    'i:j=k',
    'a=last wins',
    '   # indented comment',
  ].join('\n');
  assert.deepEqual(Object.fromEntries(propertiesToMap(parseProperties(text))), {
    a: 'last wins', b: '2', c: '3', d: '4  ', e: 'five', f: '', g: '', h: '= x', i: 'j=k',
  });
});

test('continuations, escapes and every line ending', () => {
  const text = 'list=one,\\\n    two,\\\r\n\tthree\rkey\\ with\\:colon=v\\tw\\nx\\u00e9\\\\y\\z\nodd=ends with two \\\\\nnext=1\ncomment=# not a comment\n# comment \\\nafter=comment';
  const map = propertiesToMap(parseProperties(text));
  assert.equal(map.get('list'), 'one,two,three');
  assert.equal(map.get('key with:colon'), 'v\tw\nxé\\yz');
  assert.equal(map.get('odd'), 'ends with two \\');
  assert.equal(map.get('next'), '1');
  assert.equal(map.get('comment'), '# not a comment');
  // A comment line does not continue: 'after' is a key of its own.
  assert.equal(map.get('after'), 'comment');
});

test('the line of each key is kept, and a malformed \\u escape names file and line', () => {
  const parsed = parseProperties('# header\nname=x\n\nconnector.class=\\\n  FileStreamSource\n', 'c.properties');
  assert.equal(parsed.entries.get('name')!.line, 2);
  assert.equal(parsed.entries.get('connector.class')!.line, 4);
  assert.equal(parsed.entries.get('connector.class')!.value, 'FileStreamSource');
  assert.throws(
    () => parseProperties('a=1\nb=2\nbad=\\u12g4\n', 'broken.properties'),
    (error: unknown) => error instanceof ConnectConfigError && error.code === 'properties-malformed-escape' && error.context.file === 'broken.properties' && error.context.line === 3,
  );
});

test('a UTF-8 file is read as UTF-8, anything else as ISO-8859-1', () => {
  const directory = temporaryDirectory('properties');
  writeFileSync(join(directory, 'utf8.properties'), 'file=café😀.txt\n');
  writeFileSync(join(directory, 'latin1.properties'), Buffer.from('file=caf\xe9.txt\n', 'latin1'));
  assert.equal(readPropertiesFile(join(directory, 'utf8.properties')).entries.get('file')!.value, 'café😀.txt');
  assert.equal(readPropertiesFile(join(directory, 'latin1.properties')).entries.get('file')!.value, 'café.txt');
  assert.throws(() => readPropertiesFile(join(directory, 'missing.properties')), (error: unknown) => error instanceof ConnectConfigError && error.code === 'file-unreadable');
});

test('worker schema: Kafka defaults, unknown keys ignored, bad values refused with key and line', () => {
  const config = parseWorkerConfig(parseProperties('offset.storage.file.filename=/tmp/o\nsomething.unknown=1\ninternal.key.converter=x\n', 'w.properties'));
  assert.deepEqual(config.bootstrapServers, ['localhost:9092']);
  assert.equal(config.offsetFlushIntervalMs, 60000);
  assert.equal(config.valueConverter.className, 'org.apache.kafka.connect.json.JsonConverter');
  assert.equal(config.valueConverter.schemasEnable, true);
  assert.deepEqual(config.listeners, ['http://:8083']);
  const refused = (text: string, code: string, key: string, line: number) =>
    assert.throws(() => parseWorkerConfig(parseProperties(text, 'w.properties')), (error: unknown) => {
      assert.ok(error instanceof ConnectConfigError, String(error));
      assert.equal(error.code, code);
      assert.equal(error.context.field, key);
      assert.equal(error.context.line, line);
      assert.match(error.message, new RegExp(key.replace(/\./g, '\\.')));
      return true;
    });
  refused('bootstrap.servers=localhost:9092\n', 'missing-key', 'offset.storage.file.filename', undefined as unknown as number);
  refused('offset.storage.file.filename=/tmp/o\noffset.flush.interval.ms=soon\n', 'invalid-value', 'offset.flush.interval.ms', 2);
  refused('offset.storage.file.filename=/tmp/o\n\n\nbootstrap.servers=nohostport\n', 'invalid-value', 'bootstrap.servers', 4);
  refused('offset.storage.file.filename=/tmp/o\nlisteners=8083\n', 'invalid-value', 'listeners', 2);
  refused('offset.storage.file.filename=/tmp/o\nvalue.converter=io.confluent.connect.avro.AvroConverter\n', 'unknown-converter', 'value.converter', 2);
});

test('connector schema: Kafka class names and aliases resolve to the shipped plugins; tasks.max checked', () => {
  for (const [connectorClass, folder] of [
    ['FileStreamSource', 'connect-file-source-rust'],
    ['org.apache.kafka.connect.file.FileStreamSourceConnector', 'connect-file-source-rust'],
    ['FileStreamSink', 'connect-file-sink-rust'],
    ['org.apache.kafka.connect.file.FileStreamSinkConnector', 'connect-file-sink-rust'],
  ] as const) {
    const config = parseConnectorConfig(parseProperties(`name=c\nconnector.class=${connectorClass}\ntopics=a, b\n`, 'c.properties'), '.');
    assert.equal(config.plugin.kind, 'folder');
    assert.ok(config.plugin.path.endsWith(folder), config.plugin.path);
    assert.deepEqual(config.topics, ['a', 'b']);
    assert.equal(config.tasksMax, 1);
  }
  assert.throws(() => parseConnectorConfig(parseProperties('name=c\nconnector.class=com.example.Nope\n', 'c.properties'), '.'),
    (error: unknown) => error instanceof ConnectConfigError && error.code === 'unknown-connector-class' && error.context.line === 2);
  assert.throws(() => parseConnectorConfig(parseProperties('name=c\nconnector.class=FileStreamSink\ntasks.max=0\n', 'c.properties'), '.'),
    (error: unknown) => error instanceof ConnectConfigError && error.code === 'invalid-value' && error.context.field === 'tasks.max' && error.context.line === 3);
  assert.throws(() => parseConnectorConfig(parseProperties('connector.class=FileStreamSink\n', 'c.properties'), '.'),
    (error: unknown) => error instanceof ConnectConfigError && error.code === 'missing-key' && error.context.field === 'name');
});

test("a worker's id is the address others reach its REST API at: the advertised host and port, else the listener's (this machine's name on every interface)", () => {
  const config = (extra: string) => parseWorkerConfig(parseProperties(`offset.storage.file.filename=/tmp/o\n${extra}`, 'w.properties'));
  assert.equal(advertisedWorkerId(config(''), { host: '127.0.0.1', port: 8083, everyInterface: true }), `${hostname()}:8083`);
  assert.equal(advertisedWorkerId(config('listeners=http://10.0.0.5:8083\n'), { host: '10.0.0.5', port: 8083, everyInterface: false }), '10.0.0.5:8083');
  assert.equal(advertisedWorkerId(config('rest.advertised.host.name=connect-1.internal\nrest.advertised.port=18083\n'), { host: '127.0.0.1', port: 8083, everyInterface: true }), 'connect-1.internal:18083');
  assert.throws(() => config('rest.advertised.port=0\n'), (error: unknown) => error instanceof ConnectConfigError && error.code === 'invalid-value' && error.context.field === 'rest.advertised.port');
});

test("converters named by Kafka's aliases (PluginUtils.computeAliases: the simple name, and it without the type's suffix) resolve as Kafka's plugin class loader resolves them", () => {
  const config = parseWorkerConfig(
    parseProperties('offset.storage.file.filename=/tmp/o\nkey.converter=String\nvalue.converter=Json\nvalue.converter.schemas.enable=false\nheader.converter=Simple\n', 'w.properties'),
  );
  assert.equal(config.keyConverter.className, 'org.apache.kafka.connect.storage.StringConverter');
  assert.equal(config.valueConverter.className, 'org.apache.kafka.connect.json.JsonConverter');
  assert.equal(config.valueConverter.schemasEnable, false, "the alias' converter reads its own keys");
  assert.equal(config.headerConverter?.className, 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
  const longs = parseWorkerConfig(parseProperties('offset.storage.file.filename=/tmp/o\nkey.converter=LongConverter\nvalue.converter=ByteArray\nheader.converter=JsonConverter\n', 'w.properties'));
  assert.equal(longs.keyConverter.className, 'org.apache.kafka.connect.converters.LongConverter');
  assert.equal(longs.valueConverter.className, 'org.apache.kafka.connect.converters.ByteArrayConverter');
  assert.equal(longs.headerConverter?.className, 'org.apache.kafka.connect.json.JsonConverter');
  // Aliases are case-sensitive, and SimpleHeaderConverter is no key or value converter.
  for (const text of ['value.converter=json\n', 'value.converter=Simple\n']) {
    assert.throws(() => parseWorkerConfig(parseProperties(`offset.storage.file.filename=/tmp/o\n${text}`, 'w.properties')), (error: unknown) => error instanceof ConnectConfigError && error.code === 'unknown-converter');
  }
});
