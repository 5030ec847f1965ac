// Application files: defaults as in Kafka Streams, environment substitution,
// errors that name the field, and the Streams settings a DSL topology takes
// from the application (default serdes, the deserialization handler).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../runtime/errors.ts';
import { changelogTopic, loadAppConfig } from '../../runtime/app/app-config.ts';
import { SerdeConfigError } from '../../runtime/dsl/step-serdes.ts';
import { runDryRun, type DryRunInput } from '../../runtime/testing/dry-run.ts';
import { pluginPath, repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const topology = (stores = '[counts]') => `
topology:
  sources: [{ name: in, topics: [lines] }]
  processors: [{ name: count, plugin: ${pluginPath('count-by-key-rust')}, parents: [in], stores: ${stores} }]
  sinks: [{ name: out, topic: counts, parents: [count] }]
`;

function write(text: string): string {
  const file = join(temporaryDirectory(), 'app.yaml');
  writeFileSync(file, text);
  return file;
}

test('defaults follow Kafka Streams; exactly-once commits every 100 ms', () => {
  const alos = loadAppConfig(write(`application.id: wc\nbootstrap.servers: localhost:9092\n${topology()}`));
  assert.equal(alos.processingGuarantee, 'at_least_once');
  assert.equal(alos.commitIntervalMs, 30_000);
  assert.equal(alos.numStreamThreads, 1);
  assert.equal(alos.numStandbyReplicas, 0);
  const eos = loadAppConfig(write(`application.id: wc\nbootstrap.servers: localhost:9092\nprocessing.guarantee: exactly_once_v2\n${topology()}`));
  assert.equal(eos.commitIntervalMs, 100);
  assert.equal(eos.exactlyOnceProducer, 'per-thread', 'exactly-once v2: one producer per stream thread, as Kafka Streams');
  assert.equal(eos.transactionTimeoutMs, 10_000);
  assert.deepEqual([eos.acceptableRecoveryLag, eos.maxWarmupReplicas, eos.probingRebalanceIntervalMs], [10_000, 2, 600_000], "KIP-441's defaults");
  assert.equal(changelogTopic('wc', 'counts'), 'wc-counts-changelog');
});

test('${VAR} and ${VAR:-default} come from the environment', () => {
  const file = write(`application.id: \${APP:-fallback}\nbootstrap.servers: \${BROKERS}\nstate.dir: state\n${topology()}`);
  const config = loadAppConfig(file, { BROKERS: 'b1:9092,b2:9092' });
  assert.equal(config.applicationId, 'fallback');
  assert.equal(config.bootstrapServers, 'b1:9092,b2:9092');
  assert.equal(config.stateDir, join(file, '..', 'state'));
  assert.throws(() => loadAppConfig(file, {}), /environment variable BROKERS is not set/);
});

test('validation errors name the field', () => {
  const cases: Array<[string, RegExp]> = [
    [`bootstrap.servers: x\n${topology()}`, /is required.*field=application\.id/],
    [`application.id: a b\nbootstrap.servers: x\n${topology()}`, /field=application\.id/],
    [`application.id: a\nbootstrap.servers: x\nnum.stream.threads: 0\n${topology()}`, /must be an integer >= 1.*field=num\.stream\.threads/],
    [`application.id: a\nbootstrap.servers: x\ncommit.interval.ms: soon\n${topology()}`, /field=commit\.interval\.ms/],
    [`application.id: a\nbootstrap.servers: x\nnum.standby.replica: 1\n${topology()}`, /unknown field.*field=num\.standby\.replica/],
    [`application.id: a\nbootstrap.servers: x\nadmin.listener: 8080\n${topology()}`, /must be host:port.*field=admin\.listener/],
    [`application.id: a\nbootstrap.servers: x\nlimits: { memoryMb: -1 }\n${topology()}`, /field=limits\.memoryMb/],
    [`application.id: a\nbootstrap.servers: x\n${topology('"*"')}`, /list the stores each processor uses.*field=topology/],
    [`application.id: a\nbootstrap.servers: x\ntopology:\n  sources: [{ name: in, topics: [t] }]\n  sinks: [{ name: out, parents: [in] }]`, /field=topology\.sinks\[0\]\.topic/],
    [`application.id: a\nbootstrap.servers: x`, /is required.*field=topology/],
    [`application.id: a\nbootstrap.servers: x\nexactly.once.producer: per-partition\n${topology()}`, /must be per-thread or per-task.*field=exactly\.once\.producer/],
    [`application.id: a\nbootstrap.servers: x\nprocessing.guarantee: exactly_once_v2\ncommit.interval.ms: 30000\n${topology()}`, /lower than commit\.interval\.ms 30000.*field=producer\.transaction\.timeout\.ms/],
    [`application.id: a\nbootstrap.servers: x\nprobing.rebalance.interval.ms: 1000\n${topology()}`, /must be an integer >= 60000.*field=probing\.rebalance\.interval\.ms/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => loadAppConfig(write(text)), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, expected);
      assert.match(error.message, /file=.*app\.yaml/);
      return true;
    });
  }
});

const dslTopology = (dsl = '') => `
topology:
  dsl:
    functions: { f: { plugin: ${join(repositoryRoot, 'plugins/dsl-functions-rust')} } }
${dsl}    streams:
      - stream: amounts
        steps: [groupByKey, { reduce: f.sum }, toStream, { to: sums }]
`;

function refusedWith(text: string, code: string, field: string, message: RegExp): void {
  const file = write(text);
  assert.throws(() => loadAppConfig(file), (error: unknown) => {
    assert.ok(error instanceof SerdeConfigError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.context.file, file);
    assert.equal(error.context.field, field);
    assert.match(error.message, message);
    return true;
  });
}

test('default.key.serde, default.value.serde and deserialization.exception.handler: read with Kafka class names, handed to the DSL topology; bad values and conflicts refused with stable codes, the file and the field', async () => {
  const head = 'application.id: a\nbootstrap.servers: x\n';
  const config = loadAppConfig(write(`${head}default.key.serde: string\ndefault.value.serde: org.apache.kafka.common.serialization.Serdes$LongSerde\ndeserialization.exception.handler: org.apache.kafka.streams.errors.LogAndContinueExceptionHandler\n${dslTopology()}`));
  assert.equal(config.defaultKeySerde?.name, 'string');
  assert.equal(config.defaultValueSerde?.name, 'long');
  assert.equal(config.deserializationExceptionHandler, 'log-and-continue');
  // The topology uses them: the source reads with the Long default, the handler skips what it cannot read.
  const long = (value: number) => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64BE(BigInt(value));
    return bytes;
  };
  const inputs: DryRunInput[] = [long(2), Buffer.from('oops'), long(3)].map((value, index) => ({ line: index + 1, topic: 'amounts', record: { key: Buffer.from('k'), value: new Uint8Array(value), timestamp: index, headers: [] } }));
  const sums: number[] = [];
  await runDryRun(config.topology, inputs, { onOutput: ({ record }) => sums.push(Number(Buffer.from(record.value!).readBigInt64BE())) });
  assert.deepEqual(sums, [2, 5], 'the unreadable value was skipped (log-and-continue), the others summed');
  const none = loadAppConfig(write(`${head}${dslTopology()}`));
  assert.deepEqual([none.defaultKeySerde, none.defaultValueSerde, none.deserializationExceptionHandler], [undefined, undefined, undefined]);
  // Set in both places to the same value: accepted.
  loadAppConfig(write(`${head}deserialization.exception.handler: log-and-continue\ndefault.value.serde: long\n${dslTopology('    deserialization.exception.handler: LogAndContinueExceptionHandler\n    default.value.serde: Serdes$LongSerde\n')}`));

  refusedWith(`${head}default.key.serde: strin\n${dslTopology()}`, 'dsl-serde-unknown', 'default.key.serde', /unknown serde 'strin' \(expected string, long/);
  refusedWith(`${head}default.value.serde: Serdes$NopeSerde\n${dslTopology()}`, 'dsl-serde-unknown', 'default.value.serde', /unknown serde/);
  refusedWith(`${head}deserialization.exception.handler: log-and-ignore\n${dslTopology()}`, 'dsl-deserialization-handler-unknown', 'deserialization.exception.handler', /expected log-and-fail, log-and-continue/);
  refusedWith(
    `${head}deserialization.exception.handler: log-and-fail\ndefault.deserialization.exception.handler: log-and-continue\n${dslTopology()}`,
    'dsl-setting-conflict',
    'default.deserialization.exception.handler',
    /log-and-continue here, but log-and-fail in deserialization\.exception\.handler/,
  );
  refusedWith(
    `${head}deserialization.exception.handler: log-and-fail\n${dslTopology('    deserialization.exception.handler: log-and-continue\n')}`,
    'dsl-setting-conflict',
    'topology.dsl.deserialization.exception.handler',
    /log-and-continue here, but log-and-fail in the application file's deserialization\.exception\.handler/,
  );
  refusedWith(`${head}default.value.serde: long\n${dslTopology('    default.value.serde: string\n')}`, 'dsl-setting-conflict', 'topology.dsl.default.value.serde', /string here, but long in the application file's default\.value\.serde/);
  // Through topology.file too: the pipeline file's dsl: section is checked against the application file.
  const directory = temporaryDirectory();
  writeFileSync(join(directory, 'pipeline.yaml'), dslTopology('    default.key.serde: integer\n').replace('topology:\n', '').replace(/^ {2}/gm, ''));
  const app = join(directory, 'app.yaml');
  writeFileSync(app, `${head}default.key.serde: string\ntopology: { file: pipeline.yaml }\n`);
  assert.throws(() => loadAppConfig(app), (error: unknown) => error instanceof SerdeConfigError && error.code === 'dsl-setting-conflict' && error.context.file === join(directory, 'pipeline.yaml') && error.context.field === 'dsl.default.key.serde');
});

test('heartbeat.interval.ms: 500 by default (a third of a shorter session timeout), settable, and refused unless below session.timeout.ms', () => {
  const base = `application.id: wc\nbootstrap.servers: localhost:9092\n`;
  assert.equal(loadAppConfig(write(`${base}${topology()}`)).heartbeatIntervalMs, 500);
  assert.equal(loadAppConfig(write(`${base}session.timeout.ms: 1200\n${topology()}`)).heartbeatIntervalMs, 400);
  assert.equal(loadAppConfig(write(`${base}heartbeat.interval.ms: 3000\n${topology()}`)).heartbeatIntervalMs, 3000);
  assert.throws(
    () => loadAppConfig(write(`${base}session.timeout.ms: 10000\nheartbeat.interval.ms: 10000\n${topology()}`)),
    (error: unknown) => error instanceof ConfigError && /heartbeat\.interval\.ms/.test(error.message) && /lower than session\.timeout\.ms 10000/.test(error.message),
  );
});
