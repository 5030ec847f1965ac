// JsonConverter bytes: Eddy's against Kafka Connect 4.4's own JsonConverter
// (connect-json from Maven Central, run in Java), with and without schemas.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectValue } from '../../runtime/connect/connect-data.ts';
import { fromConnectorValue, toConnectorValue } from '../../runtime/connect/connector-data.ts';
import { createConverter, converterSettings } from '../../runtime/connect/converter.ts';
import { JsonConverter } from '../../runtime/connect/json-converter.ts';
import { parseProperties } from '../../runtime/connect/properties-file.ts';
import { runConnectReference } from '../support/kafka-connect.ts';

const strings = [
  'hello',
  '',
  'Café crème brûlée',
  'emoji 😀 and 🇫🇷 flags',
  'quotes " and \\ backslash \\u0041 literal',
  'controls \u0000 \u0001 \u001f \b \f \t \r \n \u007f',
  'unicode separators \u2028 \u2029 and nbsp \u00a0',
  '中文 日本語 한국어',
  'html </script> & <b>',
  '{"looks":"like json"}',
];

const values: Array<{ line: string; value: ConnectValue | undefined }> = [
  ...strings.map((text) => ({ line: `string:${Buffer.from(text).toString('base64')}`, value: { tag: 'text', val: text } as ConnectValue })),
  { line: `bytes:${Buffer.from([0, 1, 2, 250, 255]).toString('base64')}`, value: { tag: 'bytes', val: new Uint8Array([0, 1, 2, 250, 255]) } },
  ...[0n, 42n, -7n, 9007199254740993n, -9223372036854775808n].map((n) => ({ line: `int64:${n}`, value: { tag: 'int64', val: n } as ConnectValue })),
  ...[1, 0.5, -0, 1e7, 123456789.125, 1e-5, 0.001, 3.141592653589793, 1e300].map((x) => ({ line: `double:${Object.is(x, -0) ? "-0.0" : x}`, value: { tag: 'float64', val: x } as ConnectValue })),
  { line: 'boolean:true', value: { tag: 'boolean', val: true } },
  { line: 'boolean:false', value: { tag: 'boolean', val: false } },
  { line: 'null:', value: undefined },
];

test('JsonConverter writes the bytes Kafka Connect 4.4 writes, with and without schemas', () => {
  const reference = runConnectReference('JsonConverterBytes', `${values.map((entry) => entry.line).join('\n')}\n`).trimEnd().split('\n');
  assert.equal(reference.length, values.length);
  const withSchemas = new JsonConverter(true);
  const withoutSchemas = new JsonConverter(false);
  const encode = (bytes: Uint8Array | undefined) => (bytes === undefined ? 'null' : Buffer.from(bytes).toString('base64'));
  for (const [index, entry] of values.entries()) {
    const [expectedWith, expectedWithout] = reference[index]!.split('\t');
    const decode = (base64: string) => (base64 === 'null' ? 'null' : Buffer.from(base64, 'base64').toString('utf8'));
    const data = fromConnectorValue(entry.value);
    assert.equal(decode(encode(withSchemas.fromConnectData('t', data))), decode(expectedWith!), `schemas.enable=true: ${entry.line}`);
    assert.equal(encode(withSchemas.fromConnectData('t', data)), expectedWith, `schemas.enable=true bytes: ${entry.line}`);
    assert.equal(encode(withoutSchemas.fromConnectData('t', data)), expectedWithout, `schemas.enable=false bytes: ${entry.line}`);
  }
});

test('the schema envelope of a string, as in Kafka\'s quickstart', () => {
  const bytes = new JsonConverter(true).fromConnectData('connect-test', fromConnectorValue({ tag: 'text', val: 'foo' }));
  assert.equal(Buffer.from(bytes!).toString(), '{"schema":{"type":"string","optional":false},"payload":"foo"}');
});

test('JsonConverter reads back what it wrote, and refuses plain JSON with schemas enabled with Kafka\'s message', () => {
  const converter = new JsonConverter(true);
  for (const entry of values) {
    assert.deepEqual(toConnectorValue(converter.toConnectData('t', converter.fromConnectData('t', fromConnectorValue(entry.value)))), entry.value, entry.line);
  }
  assert.throws(() => converter.toConnectData('t', Buffer.from('"plain"')), /JsonConverter with schemas.enable requires "schema" and "payload" fields/);
  assert.deepEqual(toConnectorValue(new JsonConverter(false).toConnectData('t', Buffer.from('{"a":1}'))), { tag: 'json', val: '{"a":1}' });
  assert.deepEqual(toConnectorValue(new JsonConverter(false).toConnectData('t', Buffer.from('"x"'))), { tag: 'text', val: 'x' });
});

test('StringConverter and converter settings from worker properties', () => {
  const properties = parseProperties('value.converter=org.apache.kafka.connect.storage.StringConverter\nkey.converter=JsonConverter\nkey.converter.schemas.enable=false\nvalue.converter.schemas.enable=maybe\n', 'worker.properties');
  const key = converterSettings(properties, 'key.converter', 'JsonConverter', true);
  assert.deepEqual(key, { className: 'org.apache.kafka.connect.json.JsonConverter', schemasEnable: false, isKey: true });
  assert.equal(Buffer.from(createConverter(key).fromConnectData('t', fromConnectorValue({ tag: 'text', val: 'x' }))!).toString(), '"x"');
  assert.throws(() => converterSettings(properties, 'value.converter', 'StringConverter', false), (error: Error) => /value\.converter\.schemas\.enable/.test(error.message) && /line=4/.test(error.message));
  const string = createConverter({ className: 'org.apache.kafka.connect.storage.StringConverter', schemasEnable: true, isKey: false });
  assert.equal(Buffer.from(string.fromConnectData('t', fromConnectorValue({ tag: 'text', val: 'é😀' }))!).toString(), 'é😀');
  assert.equal(Buffer.from(string.fromConnectData('t', fromConnectorValue({ tag: 'float64', val: 1 }))!).toString(), '1.0');
  assert.deepEqual(toConnectorValue(string.toConnectData('t', Buffer.from('é'))), { tag: 'text', val: 'é' });
  assert.equal(string.fromConnectData('t', fromConnectorValue(undefined)), undefined);
  assert.throws(() => converterSettings(properties, 'value.converter', 'com.example.AvroConverter', false), /unknown-converter/);
});
