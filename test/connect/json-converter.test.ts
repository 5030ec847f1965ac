// JsonConverter bytes: Eddy's against Kafka Connect 4.4's own JsonConverter
// (connect-json from Maven Central, run in Java), with and without schemas.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bigDecimalToString, primitiveSchema, type ConnectValue } from '../../runtime/connect/connect-data.ts';
import { fromConnectorValue, toConnectorValue } from '../../runtime/connect/connector-data.ts';
import { createConverter, createHeaderConverter, converterSettings, simpleHeaderConverterClass } from '../../runtime/connect/converter.ts';
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
  assert.deepEqual(key, { className: 'org.apache.kafka.connect.json.JsonConverter', schemasEnable: false, replaceNullWithDefault: true, decimalFormat: 'BASE64', isKey: true });
  assert.equal(Buffer.from(createConverter(key).fromConnectData('t', fromConnectorValue({ tag: 'text', val: 'x' }))!).toString(), '"x"');
  // JsonConverter's keys are read for a JsonConverter only (Kafka's other converters ignore them), with the line of a bad value.
  assert.equal(converterSettings(properties, 'value.converter', 'StringConverter', false).className, 'org.apache.kafka.connect.storage.StringConverter');
  assert.throws(() => converterSettings(properties, 'value.converter', 'JsonConverter', false), (error: Error) => /Invalid value maybe for configuration value\.converter\.schemas\.enable: Expected value to be either true or false/.test(error.message) && /line=4/.test(error.message));
  const numeric = parseProperties('value.converter.decimal.format=numeric\nvalue.converter.replace.null.with.default=false\nkey.converter.decimal.format=hex\n', 'worker.properties');
  assert.deepEqual(converterSettings(numeric, 'value.converter', 'JsonConverter', false), { className: 'org.apache.kafka.connect.json.JsonConverter', schemasEnable: true, replaceNullWithDefault: false, decimalFormat: 'NUMERIC', isKey: false });
  assert.throws(() => converterSettings(numeric, 'key.converter', 'JsonConverter', true), /Invalid value hex for configuration key\.converter\.decimal\.format: String must be one of \(case insensitive\): NUMERIC, BASE64/);
  const string = createConverter({ className: 'org.apache.kafka.connect.storage.StringConverter', schemasEnable: true, isKey: false });
  assert.equal(Buffer.from(string.fromConnectData('t', fromConnectorValue({ tag: 'text', val: 'é😀' }))!).toString(), 'é😀');
  assert.equal(Buffer.from(string.fromConnectData('t', fromConnectorValue({ tag: 'float64', val: 1 }))!).toString(), '1.0');
  assert.deepEqual(toConnectorValue(string.toConnectData('t', Buffer.from('é'))), { tag: 'text', val: 'é' });
  assert.equal(string.fromConnectData('t', fromConnectorValue(undefined)), undefined);
  assert.throws(() => converterSettings(properties, 'value.converter', 'com.example.AvroConverter', false), /unknown-converter/);
  // header.converter: SimpleHeaderConverter (Kafka's default) or a converter, which is a HeaderConverter too; nothing else.
  const headers = parseProperties('header.converter.schemas.enable=false\n', 'worker.properties');
  assert.equal(converterSettings(headers, 'header.converter', 'org.apache.kafka.connect.storage.SimpleHeaderConverter', false).className, simpleHeaderConverterClass);
  assert.equal(converterSettings(headers, 'header.converter', 'SimpleHeaderConverter', false).className, simpleHeaderConverterClass);
  assert.throws(() => converterSettings(headers, 'value.converter', 'SimpleHeaderConverter', false), /unknown-converter/);
  assert.throws(() => converterSettings(headers, 'header.converter', 'com.example.AvroConverter', false), (error: Error) => /unknown-converter/.test(String((error as { code?: string }).code)) && /SimpleHeaderConverter/.test(error.message));
  const jsonHeaders = createHeaderConverter(converterSettings(headers, 'header.converter', 'JsonConverter', false));
  const header = { key: 'h', schema: primitiveSchema('int32'), value: { type: 'int32', value: 7 } } as const;
  assert.deepEqual(jsonHeaders.fromConnectHeaders([header]).map((written) => [written.key, Buffer.from(written.value).toString()]), [['h', '7']]);
  assert.deepEqual(jsonHeaders.toConnectHeaders([{ key: 'h', value: new Uint8Array(Buffer.from('7')) }]), [{ key: 'h', schema: undefined, value: { type: 'int64', value: 7n } }]);
  assert.deepEqual(createHeaderConverter(undefined).fromConnectHeaders([header]).map((written) => Buffer.from(written.value).toString()), ['7']);
});

test('schema.content (Kafka 4.4): with schemas enabled every record is the payload of that schema, as Kafka\'s JsonConverter reads and writes it; a bad schema is refused naming the key', () => {
  const cases: Array<{ schema: unknown; lines: string[] }> = [
    {
      schema: { type: 'struct', fields: [{ type: 'int32', optional: false, field: 'a' }, { type: 'string', optional: true, field: 'b' }], optional: false, name: 'S' },
      lines: ['{"a":1,"b":"x"}', '{"a":2}', '{"b":"no a"}', '{"schema":{"type":"string","optional":false},"payload":"p"}', '{"a":3,"b":null,"c":"extra"}'],
    },
    { schema: { type: 'int64', optional: false }, lines: ['42', '-9007199254740993', 'null', '"x"', '1.5'] },
    { schema: { type: 'array', items: { type: 'string', optional: true }, optional: true }, lines: ['["a",null,"é😀"]', 'null', '[]'] },
  ];
  for (const { schema, lines } of cases) {
    const content = JSON.stringify(schema);
    const encoded = lines.map((line) => Buffer.from(line).toString('base64'));
    const kafka = runConnectReference('JsonConverterRoundTrip', `${encoded.join('\n')}\n`, [`schema.content=${content}`]).trim().split('\n');
    const converter = createConverter(converterSettings(parseProperties(`value.converter.schema.content=${content}\n`, 'c.properties'), 'value.converter', 'JsonConverter', false));
    for (const [index, line] of encoded.entries()) {
      let eddy: string;
      try {
        const written = converter.fromConnectData('t', converter.toConnectData('t', Buffer.from(line, 'base64')));
        eddy = written === undefined ? 'null' : Buffer.from(written).toString('utf8');
      } catch (error) {
        eddy = `error:${(error as Error).message}`;
      }
      const expected = kafka[index]!.startsWith('error:') || kafka[index] === 'null' ? kafka[index]! : Buffer.from(kafka[index]!, 'base64').toString('utf8');
      if (expected.startsWith('error:')) assert.match(eddy, /^error:/, `${content} ${lines[index]}: Kafka refused it (${expected})`);
      else assert.equal(eddy, expected, `${content} ${lines[index]}`);
    }
  }
  // Kafka's configure refuses a schema it cannot read, schemas enabled or not; Eddy when the worker or connector is read.
  for (const enabled of ['true', 'false']) {
    const properties = parseProperties(`value.converter.schemas.enable=${enabled}\nvalue.converter.schema.content={"type":"nope"}\n`, 'c.properties');
    assert.throws(() => converterSettings(properties, 'value.converter', 'JsonConverter', false), (error: Error) => /invalid-value/.test(String((error as { code?: string }).code)) && /schema\.content: Unknown schema type: nope/.test(error.message) && /line=2/.test(error.message));
  }
  assert.throws(() => converterSettings(parseProperties('value.converter.schema.content={oops\n', 'c.properties'), 'value.converter', 'JsonConverter', false), /Failed to parse schema in converter config due to serialization error/);
});

/** An envelope's bytes, base64, as the Java reference reads them. */
const envelope = (schema: unknown, payload: unknown) => Buffer.from(JSON.stringify({ schema, payload })).toString('base64');
const decimalSchema = (scale: number) => ({ type: 'bytes', optional: false, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: String(scale) } });
/** The unscaled value's two's-complement bytes, base64 (Kafka's Decimal encoding). */
function unscaledBase64(unscaled: bigint): string {
  let hex = (unscaled < 0n ? (1n << 128n) + unscaled : unscaled).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (unscaled < 0n) while (bytes.length > 1 && bytes[0] === 0xff && (bytes[1]! & 0x80)) bytes = bytes.subarray(1);
  else if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return bytes.toString('base64');
}

test("decimal.format and replace.null.with.default: the same bytes as Kafka Connect 4.4's JsonConverter reading and writing envelopes", () => {
  const decimals: Array<[bigint, number]> = [[12345n, 2], [0n, 2], [-1n, 2], [1n, 10], [123456789012345678901234567890n, 5], [-42n, 0], [5n, 7], [1234n, 9]];
  const structSchema = { type: 'struct', optional: false, fields: [
    { field: 'name', type: 'string', optional: true, default: 'anonymous' },
    { field: 'count', type: 'int32', optional: true, default: 7 },
    { field: 'note', type: 'string', optional: true },
  ] };
  const lines = [
    ...decimals.map(([unscaled, scale]) => envelope(decimalSchema(scale), unscaledBase64(unscaled))),
    envelope(structSchema, { name: null, count: null, note: null }),
    envelope(structSchema, { name: 'x', count: 3, note: 'y' }),
    envelope({ type: 'int32', optional: true, default: 5 }, null),
  ];
  for (const settings of [[], ['decimal.format=NUMERIC'], ['replace.null.with.default=false'], ['decimal.format=numeric', 'replace.null.with.default=false']]) {
    const kafka = runConnectReference('JsonConverterRoundTrip', `${lines.join('\n')}\n`, settings).trim().split('\n');
    const options = new Map(settings.map((setting) => setting.split('=') as [string, string]));
    const converter = new JsonConverter(true, options.get('replace.null.with.default') !== 'false', options.get('decimal.format')?.toUpperCase() === 'NUMERIC' ? 'NUMERIC' : 'BASE64');
    const eddy = lines.map((line) => {
      try {
        const written = converter.fromConnectData('t', converter.toConnectData('t', Buffer.from(line, 'base64')));
        return written === undefined ? 'null' : Buffer.from(written).toString('base64');
      } catch (error) {
        return `error:${(error as Error).message}`;
      }
    });
    for (const [index, line] of lines.entries()) {
      const decoded = (text: string) => (text.startsWith('error:') || text === 'null' ? text : Buffer.from(text, 'base64').toString('utf8'));
      assert.ok(!kafka[index]!.startsWith('error:'), `Kafka refused ${Buffer.from(line, 'base64').toString()}: ${kafka[index]}`);
      assert.equal(decoded(eddy[index]!), decoded(kafka[index]!), `${settings.join(' ') || 'defaults'}: ${Buffer.from(line, 'base64').toString()}`);
    }
  }
  // Java's BigDecimal.toString, as Jackson writes a NUMERIC decimal.
  assert.deepEqual([[12345n, 2], [1n, 10], [-5n, 0], [5n, -3], [100n, 8], [1n, 6]].map(([unscaled, scale]) => bigDecimalToString(unscaled as bigint, scale as number)), ['123.45', '1E-10', '-5', '5E+3', '0.00000100', '0.000001']);
});
