// Application files: defaults as in Kafka Streams, environment substitution,
// and errors that name the field.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../runtime/errors.ts';
import { changelogTopic, loadAppConfig } from '../../runtime/app/app-config.ts';
import { pluginPath } from '../support/plugins.ts';
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
