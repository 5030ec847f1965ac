// Eddy's built-in transforms (plugins/connect-transforms-rust) against
// Kafka Connect 4.4's own classes (connect-transforms from Maven Central,
// run in Java): every case of transform-cases.ts goes through both, and the
// records that come out — keys, values and headers as JsonConverter writes
// them — the predicates' answers, the configuration errors and the record
// errors must be the same, to the byte and to the message.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nullSchemaAndValue, type ConnectRecordData, type SchemaAndValue } from '../../runtime/connect/connect-data.ts';
import { SimpleHeaderConverter } from '../../runtime/connect/header-converter.ts';
import { JsonConverter } from '../../runtime/connect/json-converter.ts';
import { decodeRecord, encodeRecord } from '../../runtime/connect/transform-record.ts';
import { EddyError } from '../../runtime/errors.ts';
import { TransformPlugin } from '../../runtime/plugin/plugin-transform.ts';
import { runConnectReference } from '../support/kafka-connect.ts';
import { pluginPath } from '../support/plugins.ts';
import { referenceCases, type CaseRecord, type Envelope, type TransformCase } from './transform-cases.ts';

const converter = new JsonConverter(true);
const headerConverter = new SimpleHeaderConverter();
const read = (envelope: Envelope): SchemaAndValue => (envelope === null ? nullSchemaAndValue : converter.toConnectData('t', Buffer.from(JSON.stringify(envelope))));
const write = (data: SchemaAndValue): string | null => {
  const bytes = converter.fromConnectData('t', data);
  return bytes === undefined ? null : Buffer.from(bytes).toString('utf8');
};

function input(record: CaseRecord): ConnectRecordData {
  return {
    topic: record.topic,
    partition: record.partition ?? (record.offset === null ? undefined : 0),
    key: read(record.key),
    value: read(record.value),
    timestamp: record.timestamp ?? undefined,
    headers: record.headers.map((header) => ({ key: header.key, ...read(header.value) })),
    kafkaOffset: record.offset ?? undefined,
  };
}

function messageOf(error: unknown): string {
  if (error instanceof EddyError) return error.detail.replace(/^T failed: /, '');
  return (error as Error).message;
}

/** What Eddy makes of a case, in the reference program's output shape. */
export function runEddy(plugin: TransformPlugin, testCase: TransformCase): unknown {
  const instance = plugin.instance({ connector: 'reference', task: 'reference-0', log: () => undefined });
  const entries = Object.entries(testCase.config);
  const predicate = testCase.class.includes('.predicates.');
  try {
    const record = encodeRecord(input(testCase.record));
    if (predicate) {
      const created = instance.createPredicate(testCase.class, entries, 'T');
      if ('issues' in created) return { configError: created.issues[0]!.message };
      return { test: created.ok.test(record) };
    }
    const created = instance.createTransform(testCase.class, entries, 'T');
    if ('issues' in created) return { configError: created.issues[0]!.message };
    const result = created.ok.apply(record);
    if (result === undefined) return { dropped: true };
    const out = decodeRecord(result, plugin.name);
    return {
      record: {
        topic: out.topic,
        partition: out.partition ?? null,
        key: write(out.key),
        value: write(out.value),
        timestamp: out.timestamp ?? null,
        headers: out.headers.map((header) => {
          if (header.value === null) return { key: header.key, value: write(header), text: null, read: null };
          const [bytes] = headerConverter.fromConnectHeaders([header]);
          const [read] = headerConverter.toConnectHeaders([bytes!]);
          return { key: header.key, value: write(header), text: Buffer.from(bytes!.value).toString('utf8'), read: write(read!) };
        }),
      },
    };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

test('each built-in transform and predicate gives what Kafka Connect 4.4 gives: records, answers, errors', { timeout: 300_000 }, async (t) => {
  const plugin = await TransformPlugin.load(pluginPath('connect-transforms-rust'));
  const lines = referenceCases.map((testCase) => JSON.stringify({ class: testCase.class, config: testCase.config, record: testCase.record }));
  const reference = runConnectReference('TransformsReference', `${lines.join('\n')}\n`).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(reference.length, referenceCases.length);
  const failures: string[] = [];
  for (const [index, testCase] of referenceCases.entries()) {
    const expected = reference[index]!;
    const actual = runEddy(plugin, testCase) as Record<string, unknown>;
    if (testCase.messageDiffers) {
      assert.deepEqual(Object.keys(actual), Object.keys(expected), `${testCase.name}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
      t.diagnostic(`${testCase.name}: Kafka says ${JSON.stringify(expected)}, Eddy ${JSON.stringify(actual)}`);
      continue;
    }
    try {
      assert.deepEqual(actual, expected);
    } catch {
      failures.push(`${testCase.name}\n  kafka: ${JSON.stringify(expected)}\n  eddy:  ${JSON.stringify(actual)}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} of ${referenceCases.length} cases differ:\n${failures.join('\n')}`);
});
