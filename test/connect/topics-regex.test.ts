// A sink connector's `topics.regex` (Kafka's SinkConnectorConfig): the Java
// pattern a topic's whole name must match, its translation and refusals, the
// configuration rules Kafka checks (mutually exclusive with `topics`, a
// dead-letter topic it would match), and on a real broker a file sink that
// consumes every matching topic — internal ones and near misses not — and
// picks up a matching topic created while it runs (at the consumer's
// metadata refresh, consumer.metadata.max.age.ms), with its committed
// offsets listed by GET /connectors/{name}/offsets.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConnectorConfig } from '../../runtime/connect/connector-config.ts';
import { compileTopicPattern, dlqMatchesPattern, matchingTopics, TopicPatternError } from '../../runtime/connect/topic-pattern.ts';
import { ConnectConfigError } from '../../runtime/errors.ts';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { AppProcess, brokers, createTopics, freePort, uniqueName, waitFor } from '../support/kafka.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { writeProperties } from '../support/properties.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('a topics.regex matches whole names, as Java\'s Matcher.matches()', () => {
  const pattern = compileTopicPattern('orders-.*');
  assert.ok(pattern.test('orders-eu'));
  assert.ok(!pattern.test('old-orders-eu'), 'not a find: the whole name must match');
  assert.ok(compileTopicPattern('a|b').test('b'));
  assert.ok(!compileTopicPattern('a|b').test('ab'), 'alternatives are anchored as a group');
  assert.ok(compileTopicPattern('(?i)ORDERS\\..+').test('orders.eu'), 'a leading (?i) makes it case-insensitive');
  assert.ok(compileTopicPattern('\\Qa.b\\E-[0-9]+').test('a.b-12'));
  assert.ok(!compileTopicPattern('\\Qa.b\\E-[0-9]+').test('axb-12'), '\\Q…\\E quotes the dot');
  assert.ok(compileTopicPattern('t-\\p{Alpha}+\\p{Digit}').test('t-abc1'), 'POSIX classes');
  assert.ok(!compileTopicPattern('t-\\P{Digit}').test('t-1'));
  assert.ok(compileTopicPattern('\\Aevents\\z').test('events'));
  assert.ok(compileTopicPattern('logs\\.\\d+\\-\\w+').test('logs.42-eu_1'), 'escapes that mean the same in both');
  assert.ok(compileTopicPattern('(a)-\\1').test('a-a'), 'backreferences');
  assert.deepEqual(matchingTopics(compileTopicPattern('.*'), ['b', '__consumer_offsets', 'a', '__transaction_state']), ['a', 'b'], 'internal topics are never subscribed');
});

test('what JavaScript cannot run as Java would is refused with the reason', () => {
  for (const [source, reason] of [
    ['a++', /possessive/],
    ['(?>a|ab)c', /atomic groups/],
    ['a(?i)b', /only at the start/],
    ['\\p{javaLowerCase}', /not supported/],
    ['[a-z&&[^x]]', /nested|intersections/],
    ['(?x)a b', /inline flag 'x'/],
    ['a\\hb', /escape \\h/],
    ['\\x{41}', /\\x\{…\}/],
    ['orders-(', /Unterminated group/],
    ['*', /Nothing to repeat/],
  ] as const) {
    assert.throws(() => compileTopicPattern(source), (error: unknown) => error instanceof TopicPatternError && reason.test(error.message), source);
  }
});

test('the connector configuration: an invalid regex, both keys, neither, a dead-letter topic it matches', () => {
  const parse = (entries: Record<string, string>) => parseConnectorConfig({ values: new Map(Object.entries({ name: 'r', 'connector.class': 'FileStreamSink', ...entries })) }, '.');
  assert.equal(parse({ 'topics.regex': ' logs-.* ' }).topicsRegex, 'logs-.*');
  assert.equal(parse({ topics: 'a' }).topicsRegex, undefined);
  assert.throws(() => parse({ 'topics.regex': 'logs-(' }), (error: unknown) =>
    error instanceof ConnectConfigError && /^Invalid value logs-\( for configuration topics\.regex: Invalid regex: /.test(error.message));
  assert.ok(dlqMatchesPattern('logs-.*', 'logs-dlq'));
  assert.ok(!dlqMatchesPattern('logs-.*', 'dlq-logs'));
  assert.ok(!dlqMatchesPattern('logs-(', 'logs-('), 'a pattern that does not compile is reported on its own');
});

test('on a broker: a file sink with topics.regex consumes every matching topic, picks up a new one, and lists their offsets', { timeout: 180_000 }, async () => {
  const directory = temporaryDirectory('topics-regex');
  const suffix = uniqueName('');
  const name = `regex-sink${suffix}`;
  const topic = (letter: string) => `regex${suffix}-${letter}`;
  await createTopics([{ topic: topic('a'), partitions: 2 }, { topic: topic('b'), partitions: 1 }, { topic: `x-${topic('a')}`, partitions: 1 }, { topic: `other${suffix}`, partitions: 1 }]);
  const bootstrap = await brokers();
  await produceRecords(bootstrap, topic('a'), ['a1', 'a2', 'a3'].map((value) => ({ key: value, value })));
  await produceRecords(bootstrap, topic('b'), [{ key: null, value: 'b1' }]);
  await produceRecords(bootstrap, `x-${topic('a')}`, [{ key: null, value: 'near miss' }]);
  await produceRecords(bootstrap, `other${suffix}`, [{ key: null, value: 'other' }]);

  const port = await freePort();
  const sinkFile = join(directory, 'sink.txt');
  writeProperties(join(directory, 'worker.properties'), {
    'bootstrap.servers': bootstrap,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.storage.file.filename': join(directory, 'connect.offsets'),
    'offset.flush.interval.ms': '500',
    'consumer.metadata.max.age.ms': '1000',
    listeners: `http://127.0.0.1:${port}`,
  });
  writeProperties(join(directory, 'sink.properties'), {
    name,
    'connector.class': 'FileStreamSink',
    'tasks.max': '1',
    file: sinkFile,
    'topics.regex': `regex${suffix.replace(/[.-]/g, '\\$&')}-[a-z]`,
  });
  const lines = () => (existsSync(sinkFile) ? readFileSync(sinkFile, 'utf8').split('\n').slice(0, -1) : []);
  const worker = new AppProcess(spawn(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', 'worker.properties', 'sink.properties'], { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] }), 'connect-standalone');
  try {
    await waitFor('the sink to write the matching topics\' records', async () => lines().length >= 4, 90_000);
    assert.deepEqual(lines().sort(), ['a1', 'a2', 'a3', 'b1'], 'neither x-… (no whole match) nor other… is consumed');

    // A matching topic created while the sink runs is consumed after the next metadata refresh.
    await createTopics([{ topic: topic('c'), partitions: 1 }]);
    await produceRecords(bootstrap, topic('c'), [{ key: null, value: 'c1' }, { key: null, value: 'c2' }]);
    await waitFor('the new topic\'s records in the sink', async () => lines().length >= 6, 60_000);
    assert.deepEqual(lines().sort(), ['a1', 'a2', 'a3', 'b1', 'c1', 'c2']);

    type Offsets = { offsets: Array<{ partition: { kafka_topic: string; kafka_partition: number }; offset: { kafka_offset: number } }> };
    let listed: Offsets | undefined;
    await waitFor('committed offsets of every matching topic', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/connectors/${name}/offsets`);
      listed = (await response.json()) as Offsets;
      const total = listed.offsets.reduce((sum, entry) => sum + entry.offset.kafka_offset, 0);
      return total === 6;
    }, 30_000);
    assert.deepEqual(new Set(listed!.offsets.map((entry) => entry.partition.kafka_topic)), new Set([topic('a'), topic('b'), topic('c')]));
    assert.doesNotMatch(worker.output, /\berror\b/i);
  } finally {
    assert.equal(await worker.stop(), 0, worker.output);
  }
  assert.equal(lines().length, 6, 'nothing was put twice');
});
