// Kafka Connect's number and boolean converters (LongConverter,
// IntegerConverter, ShortConverter, FloatConverter, DoubleConverter,
// BooleanConverter) against Kafka Connect 4.4's own (connect-runtime, run
// by test/connect/reference/NumberConverters.java): the same values read
// from the same bytes, the same bytes written back, the same refusals; and
// what Kafka refuses when writing (a value of another class, another schema).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaToString, primitiveSchema } from '../../runtime/connect/connect-data.ts';
import { createConverter, converterClassName } from '../../runtime/connect/converter.ts';
import { kafkaConnect44StandaloneClasspath, runConnectReference } from '../support/kafka-connect.ts';

const converters = ['Long', 'Integer', 'Short', 'Float', 'Double', 'Boolean'].map((type) => `org.apache.kafka.connect.converters.${type}Converter`);
/** Base64, `~` for no bytes (a line cannot end in an empty field). */
const samples = (bytes: number[][]) => bytes.map((list) => (list.length === 0 ? '~' : Buffer.from(list).toString('base64')));
const inputs = [
  '-', // null
  ...samples([[], [0], [1], [2], [0xff], [0, 1], [0x80, 0], [0x7f, 0xff, 0xff, 0xff], [0x80, 0, 0, 0], [0x3f, 0x80, 0, 0], [0x7f, 0xc0, 0, 0], [0xff, 0x80, 0, 0], [0xff, 0xff, 0xff, 0xfe]]),
  // Not compared: a float's signaling NaN ([0x7f, 0x80, 0, 1]), which Kafka writes back as it read it and Eddy quiet (number-converters.ts).
  ...samples([[0, 0, 0, 0, 0, 0, 0, 42], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], [0x7f, 0xef, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18], [0, 0, 0, 0, 0, 0, 0, 0, 0]]),
];

test('the number and boolean converters read and write what Kafka Connect 4.4\'s read and write, and refuse the same bytes', () => {
  const lines = converters.flatMap((className) => inputs.map((input) => `${className} ${input}`));
  const kafka = runConnectReference('NumberConverters', `${lines.join('\n')}\n`, [], kafkaConnect44StandaloneClasspath()).trim().split('\n');
  assert.equal(kafka.length, lines.length);
  for (const [index, line] of lines.entries()) {
    const [className, input] = line.split(' ') as [string, string];
    const converter = createConverter({ className: converterClassName(className)!, schemasEnable: true, isKey: false });
    let eddy: string;
    try {
      const read = converter.toConnectData('t', input === '-' ? undefined : input === '~' ? new Uint8Array(0) : new Uint8Array(Buffer.from(input, 'base64')));
      const written = converter.fromConnectData('t', read);
      eddy = `${read.schema!.type.toUpperCase()} ${read.schema!.optional} ${javaToString(read.value)} ${written === undefined ? '-' : Buffer.from(written).toString('base64')}`;
    } catch (error) {
      // Eddy's errors end with their context (the topic); Kafka's message is what precedes it.
      eddy = `error:${(error as Error).message.replace(/ \[topic=t\]$/, '')}`;
    }
    assert.equal(eddy, kafka[index], line);
  }
  assert.ok(kafka.some((output) => output.startsWith('error:')) && kafka.some((output) => !output.startsWith('error:')), 'both reads and refusals compared');
});

test('writing: Kafka casts, so a value of another class is refused with its class; BooleanConverter (and ByteArrayConverter) also refuse a schema of another type', () => {
  const long = createConverter({ className: 'org.apache.kafka.connect.converters.LongConverter', schemasEnable: true, isKey: true });
  assert.deepEqual([...long.fromConnectData('t', { schema: primitiveSchema('int64'), value: { type: 'int64', value: -2n } })!], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
  assert.throws(() => long.fromConnectData('t', { schema: primitiveSchema('int32'), value: { type: 'int32', value: 7 } }), /Failed to serialize to long \(was class java\.lang\.Integer\): /);
  const double = createConverter({ className: 'org.apache.kafka.connect.converters.DoubleConverter', schemasEnable: true, isKey: false });
  assert.throws(() => double.fromConnectData('t', { schema: undefined, value: { type: 'string', value: '1.5' } }), /Failed to serialize to double \(was class java\.lang\.String\): /);
  const boolean = createConverter({ className: 'org.apache.kafka.connect.converters.BooleanConverter', schemasEnable: true, isKey: false });
  assert.throws(() => boolean.fromConnectData('t', { schema: primitiveSchema('int8'), value: { type: 'int8', value: 1 } }), /Invalid schema type for BooleanConverter: INT8/);
  assert.throws(() => boolean.fromConnectData('t', { schema: undefined, value: { type: 'int8', value: 1 } }), /BooleanConverter is not compatible with objects of type class java\.lang\.Byte/);
  assert.equal(boolean.fromConnectData('t', { schema: primitiveSchema('boolean', true), value: null }), undefined);
  assert.deepEqual([...boolean.fromConnectData('t', { schema: undefined, value: { type: 'boolean', value: true } })!], [1]);
  // ByteArrayConverter makes the same check, with its own name (Kafka's messages).
  const bytes = createConverter({ className: 'org.apache.kafka.connect.converters.ByteArrayConverter', schemasEnable: true, isKey: false });
  assert.throws(() => bytes.fromConnectData('t', { schema: primitiveSchema('string'), value: { type: 'string', value: 'x' } }), /Invalid schema type for ByteArrayConverter: STRING/);
  assert.throws(() => bytes.fromConnectData('t', { schema: undefined, value: { type: 'string', value: 'x' } }), /ByteArrayConverter is not compatible with objects of type class java\.lang\.String/);
  assert.deepEqual([...bytes.fromConnectData('t', { schema: primitiveSchema('bytes', true), value: { type: 'bytes', value: Uint8Array.of(7, 8) } })!], [7, 8]);
  assert.equal(bytes.fromConnectData('t', { schema: primitiveSchema('bytes', true), value: null }), undefined);
  assert.equal(converterClassName('LongConverter'), 'org.apache.kafka.connect.converters.LongConverter');
});
