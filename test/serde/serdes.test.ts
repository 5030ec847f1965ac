// Serdes write the same bytes as Kafka's and Kafka Streams' (checked against
// the real ones, run from Maven Central's kafka-streams 4.4.0), read back what
// they wrote, keep null as null, and refuse what they cannot represent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SerdeError,
  booleanSerde,
  bytesSerde,
  doubleSerde,
  floatSerde,
  integerSerde,
  jsonSerde,
  longSerde,
  serdeByName,
  sessionWindowedSerde,
  shortSerde,
  stringSerde,
  timeWindowedSerde,
  uuidSerde,
  voidSerde,
  type Serde,
} from '../../runtime/serde/serdes.ts';
import { runReference } from '../support/kafka-streams.ts';

const hex = (bytes: Uint8Array | null) => (bytes === null ? 'null' : Buffer.from(bytes).toString('hex'));

test('every serde writes the bytes Kafka Streams 4.4 writes, and reads them back', { timeout: 300_000 }, () => {
  const cases: Array<[string, Serde<never>, unknown, string]> = [];
  const add = <T>(name: string, serde: Serde<T>, value: T, javaText: string) => cases.push([name, serde as Serde<never>, value, javaText]);
  for (const text of ['', 'hello', 'straße', 'οδυσσευς', '日本語', '🎉 emoji']) add('string', stringSerde, text, text);
  for (const value of [0, 1, -1, 255, 1_700_000_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) add('long', longSerde, value, String(value));
  for (const value of [0, 1, -2, 2 ** 31 - 1, -(2 ** 31)]) add('integer', integerSerde, value, String(value));
  for (const value of [0, -3, 32767, -32768]) add('short', shortSerde, value, String(value));
  for (const value of [0, 1.5, -0.1, 3.4e38]) add('float', floatSerde, value, String(value));
  for (const value of [0, 1.5, -0.1, 1e300, Number.MIN_VALUE]) add('double', doubleSerde, value, String(value));
  add('boolean', booleanSerde, true, 'true');
  add('boolean', booleanSerde, false, 'false');
  add('uuid', uuidSerde, '123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456-426614174000');
  for (const [key, start, size] of [['k', 0, 1000], ['word', 1_700_000_000_000, 60_000], ['', 5, 10]] as const) {
    add('time-windowed', timeWindowedSerde(stringSerde, size), { key, start, end: start + size }, `${key} ${start} ${size}`);
  }
  for (const [key, start, end] of [['k', 0, 0], ['user-1', 1_700_000_000_000, 1_700_000_300_000]] as const) {
    add('session-windowed', sessionWindowedSerde(stringSerde), { key, start, end }, `${key} ${start} ${end}`);
  }
  const java = runReference('SerdeBytes', cases.map(([name, , , text]) => `${name} ${text}`).join('\n') + '\n').split('\n').slice(0, -1);
  assert.equal(java.length, cases.length);
  cases.forEach(([name, serde, value], index) => {
    const bytes = serde.serialize(value as never);
    assert.equal(hex(bytes), java[index], `${name} ${JSON.stringify(value)}`);
    const back = serde.deserialize(bytes);
    if (name === 'float') assert.equal(back, Math.fround(value as number));
    else assert.deepEqual(back, value, `${name} reads back ${JSON.stringify(value)}`);
  });
});

test('null stays null, and bytes, void and json do what their names say', () => {
  for (const serde of [stringSerde, longSerde, integerSerde, doubleSerde, bytesSerde, jsonSerde, voidSerde] as Array<Serde<unknown>>) {
    assert.equal(serde.serialize(null), null, serde.name);
    assert.equal(serde.deserialize(null), null, serde.name);
  }
  assert.deepEqual(bytesSerde.serialize(new Uint8Array([1, 2])), new Uint8Array([1, 2]));
  assert.equal(Buffer.from(jsonSerde.serialize({ a: [1, 'x'] })!).toString(), '{"a":[1,"x"]}');
  assert.deepEqual(jsonSerde.deserialize(new TextEncoder().encode('{"a":1}')), { a: 1 });
  assert.throws(() => voidSerde.serialize('x' as never), SerdeError);
});

test('values a serde cannot hold are refused, not rounded', () => {
  assert.throws(() => longSerde.deserialize(Buffer.from('7fffffffffffffff', 'hex')), /beyond what a JavaScript number holds/);
  assert.throws(() => longSerde.serialize(1.5), /not an integer/);
  assert.throws(() => integerSerde.serialize(2 ** 31), /not an integer in/);
  assert.throws(() => integerSerde.deserialize(new Uint8Array(3)), /expected 4 bytes, got 3/);
  assert.throws(() => stringSerde.deserialize(new Uint8Array([0xff])), /not valid UTF-8/);
  assert.throws(() => jsonSerde.deserialize(new TextEncoder().encode('{')), /not valid JSON/);
});

test('serdes are named by short name or by Kafka class name', () => {
  assert.equal(serdeByName('string'), stringSerde);
  assert.equal(serdeByName('org.apache.kafka.common.serialization.Serdes$LongSerde'), longSerde);
  assert.equal(serdeByName('Serdes$ByteArraySerde'), bytesSerde);
  assert.equal(serdeByName('IntegerSerde'), integerSerde);
  assert.equal(serdeByName('nope'), undefined);
});
