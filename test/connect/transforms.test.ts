// The built-in Single Message Transforms and predicates, one by one, on
// records with and without schemas, against the records Kafka's
// documentation and code say come out (transforms-reference.test.ts checks
// the same plugin against Kafka's classes themselves); then the chain a
// connector's properties declare: predicates and `negate`, configurations
// refused naming the key and its line, and a failing or trapping transform
// failing only its own task's chain, with the transform named.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nullSchemaAndValue, type ConnectRecordData, type SchemaAndValue } from '../../runtime/connect/connect-data.ts';
import { parseConnectorConfig } from '../../runtime/connect/connector-config.ts';
import { JsonConverter } from '../../runtime/connect/json-converter.ts';
import { parseProperties } from '../../runtime/connect/properties-file.ts';
import { builtComponent } from '../../runtime/connect/standalone-worker.ts';
import { TransformationChain } from '../../runtime/connect/transformation-chain.ts';
import { decodeRecord, encodeRecord } from '../../runtime/connect/transform-record.ts';
import { ConnectConfigError, EddyError } from '../../runtime/errors.ts';
import { TransformPlugin } from '../../runtime/plugin/plugin-transform.ts';
import { pluginPath } from '../support/plugins.ts';
import { mapRecordFor, personSchema, person, record, text, schemaless, transforms, type CaseRecord, type Envelope } from './transform-cases.ts';

const withSchemas = new JsonConverter(true);
const payloads = new JsonConverter(false);
const read = (envelope: Envelope): SchemaAndValue => (envelope === null ? nullSchemaAndValue : withSchemas.toConnectData('t', Buffer.from(JSON.stringify(envelope))));
const json = (data: SchemaAndValue): unknown => (data.value === null && data.schema === undefined ? null : JSON.parse(payloads.payloadJson(data)));
const schemaOf = (data: SchemaAndValue): unknown => (data.schema === undefined ? null : JSON.parse(withSchemas.schemaJson(data.schema)));

function input(r: CaseRecord): ConnectRecordData {
  return {
    topic: r.topic, partition: r.partition ?? undefined, key: read(r.key), value: read(r.value), timestamp: r.timestamp ?? undefined,
    headers: r.headers.map((header) => ({ key: header.key, ...read(header.value) })), kafkaOffset: r.offset ?? undefined,
  };
}

const pluginLoaded = TransformPlugin.load(pluginPath('connect-transforms-rust'));

/** Applies one built-in class; the record out, `undefined` when dropped. */
async function apply(className: string, config: Record<string, string>, r: CaseRecord = record()): Promise<ConnectRecordData | undefined> {
  const plugin = await pluginLoaded;
  const created = plugin.instance({ connector: 'unit', task: 'unit-0', log: () => undefined }).createTransform(`${transforms}${className}`, Object.entries(config), className);
  if ('issues' in created) throw new Error(`refused: ${JSON.stringify(created.issues)}`);
  const out = created.ok.apply(encodeRecord(input(r)));
  return out && decodeRecord(out, plugin.name);
}

async function refusal(className: string, config: Record<string, string>): Promise<Array<{ key: string; message: string }>> {
  const plugin = await pluginLoaded;
  const created = plugin.instance({ connector: 'unit', task: 'unit-0', log: () => undefined }).createTransform(`${transforms}${className}`, Object.entries(config), className);
  assert.ok('issues' in created, `${className} accepted ${JSON.stringify(config)}`);
  return created.issues;
}

async function failure(className: string, config: Record<string, string>, r: CaseRecord): Promise<string> {
  try {
    await apply(className, config, r);
  } catch (error) {
    return (error as EddyError).detail;
  }
  return assert.fail(`${className} did not fail`);
}

test('InsertField: metadata and a static value, into a struct (schema grown) or a map', async () => {
  const out = (await apply('InsertField$Value', { 'topic.field': 'topic', 'timestamp.field': 'ts!', 'static.field': 'origin', 'static.value': 'eddy' }))!;
  assert.deepEqual(json(out.value), { ...person, active: true, topic: 'connect-test', ts: 1_718_000_000_123, origin: 'eddy' });
  const fields = (schemaOf(out.value) as { fields: Array<{ field: string; optional: boolean; name?: string }> }).fields.slice(-3);
  assert.deepEqual(fields.map((f) => [f.field, f.optional, f.name]), [['topic', true, undefined], ['ts', false, 'org.apache.kafka.connect.data.Timestamp'], ['origin', true, undefined]]);
  const map = (await apply('InsertField$Value', { 'topic.field': 't' }, mapRecordFor({ b: 1, a: 2 })))!;
  assert.deepEqual(json(map.value), { a: 2, b: 1, t: 'connect-test' }, 'a HashMap: Java\'s order');
  assert.equal(map.value.schema, undefined);
  const sink = (await apply('InsertField$Value', { 'offset.field': 'offset' }, record({ offset: 42, partition: 0 })))!;
  assert.equal((json(sink.value) as { offset: number }).offset, 42);
  assert.match(await failure('InsertField$Value', { 'offset.field': 'offset' }, record()), /Only SinkRecord supported for \[field insertion\], found: org\.apache\.kafka\.connect\.source\.SourceRecord/);
  assert.deepEqual(await refusal('InsertField$Value', {}), [{ key: '', message: 'No field insertion configured' }]);
});

test('ReplaceField: include, exclude, renames', async () => {
  const out = (await apply('ReplaceField$Value', { include: 'name,age,score', exclude: 'score', renames: 'name:full_name' }))!;
  assert.deepEqual(json(out.value), { full_name: 'Alice', age: 31 });
  assert.equal((schemaOf(out.value) as { name: string }).name, 'com.example.Person', 'name, version, doc kept');
  const map = (await apply('ReplaceField$Value', { exclude: 'b', renames: 'a:z' }, mapRecordFor({ a: 1, b: 2, c: 3 })))!;
  assert.deepEqual(json(map.value), { c: 3, z: 1 });
  assert.deepEqual(await refusal('ReplaceField$Value', { renames: 'a:b:c' }), [{ key: 'renames', message: 'Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c' }]);
});

test('MaskField: each type\'s empty value, or a replacement converted to the field\'s type', async () => {
  const out = (await apply('MaskField$Value', { fields: 'name,age,active,score,seen' }))!;
  const masked = json(out.value) as Record<string, unknown>;
  assert.deepEqual([masked.name, masked.age, masked.active, masked.score, masked.seen], ['', 0, false, 0.0, 0]);
  const replaced = (await apply('MaskField$Value', { fields: 'name,age', replacement: '7' }))!;
  assert.deepEqual([(json(replaced.value) as Record<string, unknown>).name, (json(replaced.value) as Record<string, unknown>).age], ['7', 7]);
  assert.match(await failure('MaskField$Value', { fields: 'photo' }, record()), /Cannot mask value of type: class \[B/);
  assert.deepEqual(await refusal('MaskField$Value', {}), [{ key: 'fields', message: 'Missing required configuration "fields" which has no default value.' }]);
});

test('ValueToKey, ExtractField, HoistField', async () => {
  const keyed = (await apply('ValueToKey', { fields: 'name,address.city', 'field.syntax.version': 'V2' }))!;
  assert.deepEqual(json(keyed.key), { name: 'Alice', 'address.city': 'Zürich' });
  assert.deepEqual(json(keyed.value), { ...person, active: true });
  const extracted = (await apply('ExtractField$Value', { field: 'address' }))!;
  assert.deepEqual(json(extracted.value), { city: 'Zürich', zip: 8001 });
  assert.equal((schemaOf(extracted.value) as { name: string }).name, 'address');
  assert.match(await failure('ExtractField$Value', { field: 'nope' }, record()), /failed: Unknown field: nope/);
  const hoisted = (await apply('HoistField$Value', { field: 'line' }, record({ value: text('hello') })))!;
  assert.deepEqual(schemaOf(hoisted.value), { type: 'struct', fields: [{ type: 'string', optional: false, field: 'line' }], optional: false });
  assert.deepEqual(json(hoisted.value), { line: 'hello' });
  const hoistedMap = (await apply('HoistField$Key', { field: 'k' }, record({ key: schemaless('x') })))!;
  assert.deepEqual(json(hoistedMap.key), { k: 'x' });
});

test('Cast: fields or the whole value, Java\'s conversions and errors', async () => {
  const out = (await apply('Cast$Value', { spec: 'age:string,score:int8,active:int32,seen:string' }))!;
  const value = json(out.value) as Record<string, unknown>;
  assert.deepEqual([value.age, value.score, value.active, value.seen], ['31', 9, 1, '2024-06-10T06:13:20.123Z']);
  const whole = (await apply('Cast$Value', { spec: 'float32' }, record({ value: text('0.1') })))!;
  assert.deepEqual(schemaOf(whole.value), { type: 'float', optional: false });
  assert.equal(Buffer.from(withSchemas.fromConnectData('t', whole.value)!).toString(), '{"schema":{"type":"float","optional":false},"payload":0.1}');
  assert.match(await failure('Cast$Value', { spec: 'int8' }, record({ value: text('300') })), /failed: Value \(300\) was out of range for requested data type/);
  assert.match((await refusal('Cast$Value', { spec: 'age:bytes' }))[0]!.message, /does not support casting to BYTES/);
});

test('TimestampRouter, RegexRouter, Filter', async () => {
  assert.equal((await apply('TimestampRouter', {}))!.topic, 'connect-test-20240610');
  assert.equal((await apply('TimestampRouter', { 'topic.format': '${timestamp}/${topic}', 'timestamp.format': "yyyy-'W'ww EEE HH:mm" }))!.topic, '2024-W24 Mon 06:13/connect-test');
  assert.equal((await apply('RegexRouter', { regex: '(.*)-test', replacement: '$1-routed' }))!.topic, 'connect-routed');
  assert.equal((await apply('RegexRouter', { regex: 'test', replacement: 'x' }))!.topic, 'connect-test', 'the whole name must match');
  assert.equal(await apply('Filter', {}), undefined);
});

test('Flatten, SetSchemaMetadata, TimestampConverter', async () => {
  const flat = (await apply('Flatten$Value', { delimiter: '_' }))!;
  assert.deepEqual(Object.keys(json(flat.value) as object).slice(-2), ['address_city', 'address_zip']);
  const flatMap = (await apply('Flatten$Value', {}, mapRecordFor({ a: { b: { c: 1 } }, d: [1] })))!;
  assert.deepEqual(json(flatMap.value), { 'a.b.c': 1, d: [1] });
  const renamed = (await apply('SetSchemaMetadata$Value', { 'schema.name': 'com.example.V2', 'schema.version': '3' }))!;
  assert.deepEqual([(schemaOf(renamed.value) as { name: string }).name, (schemaOf(renamed.value) as { version: number }).version], ['com.example.V2', 3]);
  const formatted = (await apply('TimestampConverter$Value', { field: 'seen', 'target.type': 'string', format: 'yyyy-MM-dd HH:mm:ss' }))!;
  assert.equal((json(formatted.value) as { seen: string }).seen, '2024-06-10 06:13:20');
  const parsed = (await apply('TimestampConverter$Value', { 'target.type': 'unix', 'unix.precision': 'seconds', format: 'dd/MM/yyyy' }, record({ value: text('29/02/2024') })))!;
  assert.equal(json(parsed.value), 1_709_164_800);
  assert.deepEqual(await refusal('TimestampConverter$Value', { 'target.type': 'string' }), [{ key: 'format', message: 'TimestampConverter requires format option to be specified when using string timestamps' }]);
});

test('InsertHeader (a literal read as Kafka\'s Values), DropHeaders, HeaderFrom', async () => {
  const inserted = (await apply('InsertHeader', { header: 'n', 'value.literal': '42' }))!;
  assert.deepEqual(inserted.headers.map((h) => [h.key, h.schema?.type, h.value]), [['n', 'int8', { type: 'int8', value: 42 }]]);
  const dropped = (await apply('DropHeaders', { headers: 'a' }, record({ headers: [{ key: 'a', value: text('1') }, { key: 'b', value: text('2') }] })))!;
  assert.deepEqual(dropped.headers.map((h) => h.key), ['b']);
  const moved = (await apply('HeaderFrom$Value', { fields: 'name', headers: 'who', operation: 'move' }))!;
  assert.equal('name' in (json(moved.value) as object), false);
  assert.deepEqual(moved.headers.map((h) => [h.key, h.value]), [['who', { type: 'string', value: 'Alice' }]]);
});

test('the predicates: TopicNameMatches, HasHeaderKey, RecordIsTombstone', async () => {
  const plugin = await pluginLoaded;
  const instance = plugin.instance({ connector: 'unit', task: 'unit-0', log: () => undefined });
  const test = (className: string, config: Record<string, string>, r: CaseRecord) => {
    const created = instance.createPredicate(`${transforms}predicates.${className}`, Object.entries(config), className);
    assert.ok('ok' in created);
    return created.ok.test(encodeRecord(input(r)));
  };
  assert.equal(test('TopicNameMatches', { pattern: 'connect-.*' }, record()), true);
  assert.equal(test('TopicNameMatches', { pattern: 'connect' }, record()), false);
  assert.equal(test('HasHeaderKey', { name: 'h' }, record({ headers: [{ key: 'h', value: null }] })), true);
  assert.equal(test('RecordIsTombstone', {}, record({ value: null })), true);
  assert.equal(test('RecordIsTombstone', {}, record()), false);
});

function connector(properties: string) {
  return parseConnectorConfig(parseProperties(`name=c\nconnector.class=FileStreamSource\n${properties}`, 'c.properties'), '/tmp');
}

const quiet = () => undefined;

test('a chain from properties: predicates with negate apply a transform to some records only', async () => {
  const config = connector([
    'transforms=drop,hoist,tag',
    'transforms.hoist.type=org.apache.kafka.connect.transforms.HoistField$Value',
    'transforms.hoist.field=line',
    'transforms.tag.type=InsertField$Value',
    'transforms.tag.static.field=kind',
    'transforms.tag.static.value=other',
    'transforms.tag.predicate=isImportant',
    'transforms.tag.negate=true',
    'transforms.drop.type=Filter',
    'transforms.drop.predicate=isTombstone',
    'predicates=isImportant,isTombstone',
    'predicates.isImportant.type=org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    'predicates.isImportant.pattern=important-.*',
    'predicates.isTombstone.type=RecordIsTombstone',
  ].join('\n'));
  const chain = (await TransformationChain.prepare(config.transforms, 'c', builtComponent, quiet)).forTask({ connector: 'c', task: 'c-0', log: quiet });
  const line = (topic: string) => input(record({ topic, key: null, value: text('x') }));
  assert.deepEqual(json(chain.apply(line('important-1'))!.value), { line: 'x' });
  assert.deepEqual(json(chain.apply(line('other'))!.value), { line: 'x', kind: 'other' });
  assert.equal(chain.apply(input(record({ value: { schema: { type: 'string', optional: true }, payload: null } }))), undefined, 'a tombstone is filtered');
});

async function refused(properties: string): Promise<ConnectConfigError> {
  try {
    const config = connector(properties);
    await TransformationChain.prepare(config.transforms, 'c', builtComponent, quiet);
  } catch (error) {
    assert.ok(error instanceof ConnectConfigError, String(error));
    return error;
  }
  return assert.fail('accepted');
}

test('a bad transform configuration is refused naming the key, its line and a stable code', async () => {
  let error = await refused('transforms=a\ntransforms.a.type=org.example.Nope\n');
  assert.equal(error.code, 'unknown-transform-class');
  assert.deepEqual([error.context.field, error.context.line], ['transforms.a.type', 4]);
  assert.match(error.message, /Invalid value org\.example\.Nope for configuration transforms\.a\.type: Class org\.example\.Nope could not be found/);
  error = await refused('transforms=a\n');
  assert.deepEqual([error.code, error.context.field], ['missing-key', 'transforms.a.type']);
  assert.match(error.message, /Missing required configuration "transforms\.a\.type" which has no default value/);
  error = await refused('transforms=mask\ntransforms.mask.type=MaskField$Value\n');
  assert.deepEqual([error.code, error.context.field], ['transform-config-invalid', 'transforms.mask.fields']);
  assert.match(error.message, /transforms\.mask\.fields: Missing required configuration "fields" which has no default value/);
  error = await refused('transforms=cast\ntransforms.cast.type=Cast$Value\ntransforms.cast.spec=age:bytes\n');
  assert.deepEqual([error.code, error.context.field, error.context.line], ['transform-config-invalid', 'transforms.cast.spec', 5]);
  error = await refused('transforms=a,a\n');
  assert.deepEqual([error.code, error.context.field], ['duplicate-alias', 'transforms']);
  error = await refused('transforms=f\ntransforms.f.type=Filter\ntransforms.f.predicate=p\n');
  assert.deepEqual([error.code, error.context.field], ['unknown-predicate', 'transforms.f.predicate']);
  error = await refused('transforms=f\ntransforms.f.type=Filter\ntransforms.f.negate=true\n');
  assert.match(error.message, /Config 'transforms\.f\.negate' was provided but there is no config 'transforms\.f\.predicate' defining a predicate to be negated/);
  error = await refused('transforms=f\ntransforms.f.type=Filter\ntransforms.f.predicate=p\npredicates=p\npredicates.p.type=TopicNameMatches\n');
  assert.deepEqual([error.code, error.context.field], ['transform-config-invalid', 'predicates.p.pattern']);
  error = await refused('transforms=f\ntransforms.f.type=Filter\ntransforms.f.predicate=p\npredicates=p\npredicates.p.type=InsertField$Value\n');
  assert.deepEqual([error.code, error.context.field], ['unknown-predicate-class', 'predicates.p.type']);
});

test('a failing transform fails its task\'s chain naming the transform; a trapping one only its own instance', async () => {
  const config = connector('transforms=hoist,num\ntransforms.hoist.type=HoistField$Value\ntransforms.hoist.field=line\ntransforms.num.type=Cast$Value\ntransforms.num.spec=line:int32\n');
  const chain = await TransformationChain.prepare(config.transforms, 'c', builtComponent, quiet);
  const task = chain.forTask({ connector: 'c', task: 'c-0', log: quiet });
  assert.deepEqual(json(task.apply(input(record({ value: text('12') })))!.value), { line: 12 });
  assert.throws(() => task.apply(input(record({ value: text('twelve') }))), (error: Error) => {
    assert.match(error.message, /transform 'num' \(org\.apache\.kafka\.connect\.transforms\.Cast\$Value\) failed: Value \(twelve\) was out of range for requested data type/);
    return true;
  });
  assert.deepEqual(json(task.apply(input(record({ value: text('13') })))!.value), { line: 13 }, 'an error result leaves the instance usable');

  // A plugin instance that runs out of memory traps: that task's chain is done, another task's goes on.
  const small = await TransformationChain.prepare(config.transforms, 'c', builtComponent, quiet, { memoryBytes: 4 * 1024 * 1024 });
  const doomed = small.forTask({ connector: 'c', task: 'c-0', log: quiet });
  const other = small.forTask({ connector: 'c', task: 'c-1', log: quiet });
  const big = input(record({ value: text('x'.repeat(6 * 1024 * 1024)) }));
  assert.throws(() => doomed.apply(big), (error: Error) => {
    assert.match(error.message, /transform 'hoist' \(org\.apache\.kafka\.connect\.transforms\.HoistField\$Value\)/);
    assert.match(error.message, /memory/);
    return true;
  });
  assert.throws(() => doomed.apply(input(record({ value: text('1') }))), /discarded/);
  assert.deepEqual(json(other.apply(input(record({ value: text('1') })))!.value), { line: 1 });
});
