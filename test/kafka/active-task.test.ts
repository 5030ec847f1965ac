// An active task on a real broker, driven directly (no group consumer):
//   - the task is the authority on what it has processed: records a consumer
//     delivers again (a seek to the task's position issued while a batch was
//     in flight, during a broker outage or a rejoin) are not processed twice
//     inside its transaction;
//   - a window store's changelog (Kafka Streams' keys) restores into a new
//     state folder;
//   - a task with two input topics processes in timestamp order and honours
//     max.task.idle.ms.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ActiveTask } from '../../runtime/app/active-task.ts';
import { appConfigFromDocument, changelogTopic, type AppConfig } from '../../runtime/app/app-config.ts';
import { connectKafka } from '../../runtime/kafka/connection.ts';
import type { ChangelogReader, ChangelogStore, ConsumedRecord, KafkaConnection } from '../../runtime/kafka/ports.ts';
import { TaskId } from '../../runtime/task/task-id.ts';
import { TopologyBuilder, type Topology } from '../../runtime/topology/topology.ts';
import { brokers, createTopics, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { pluginDirectory } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { WindowCountProcessor, hostSupplier } from '../support/window-count-processor.ts';

/**
 * Task 0_0 of `config`'s application (or of `topology`), driven directly:
 * exactly-once offsets go to the group named by the application id.
 */
function openTask(
  connection: KafkaConnection,
  config: AppConfig,
  reader: ChangelogReader,
  options: { topology?: Topology; stores?: ChangelogStore[]; log?: (message: string) => void } = {},
): Promise<ActiveTask> {
  return ActiveTask.open({
    config,
    topology: options.topology ?? config.topology,
    taskId: TaskId.of(0, 0),
    connection,
    sharedProducer: undefined,
    reader,
    stores: options.stores ?? [],
    commitOffsets: async () => undefined,
    groupMetadata: () => ({ groupId: config.applicationId }),
    // These tests position the task themselves (startAt).
    readCommittedOffsets: async () => [],
    onLog: () => undefined,
    log: (_level, message) => options.log?.(message),
  });
}

/**
 * The committed records of `topic` once there are at least `count`: a
 * transaction's markers land just after its commit returns, and a
 * read_committed reader sees its records only then.
 */
function committedRecords(topic: string, count: number) {
  return waitFor(`${count} committed records in ${topic}`, async () => {
    const read = await readAll(topic);
    return read.length >= count ? read : undefined;
  });
}

test('records delivered again before the task position are processed once (exactly_once_v2, read_committed)', { timeout: 120_000 }, async () => {
  const bootstrap = await brokers();
  const applicationId = uniqueName('redelivery');
  const input = `${applicationId}-in`;
  const output = `${applicationId}-out`;
  await createTopics([{ topic: input, partitions: 1 }, { topic: output, partitions: 1 }]);
  const document = parse(`
application.id: ${applicationId}
bootstrap.servers: ${bootstrap}
processing.guarantee: exactly_once_v2
state.dir: ${temporaryDirectory()}
topology:
  sources: [{ name: in, topics: [${input}] }]
  processors: [{ name: pass, plugin: ${pluginDirectory('passthrough-rust')}, parents: [in] }]
  sinks: [{ name: out, topic: ${output}, parents: [pass] }]
`) as unknown;
  const config = appConfigFromDocument(document, 'redelivery.yaml');
  const connection = connectKafka(bootstrap, applicationId);
  const logs: string[] = [];
  const task = await openTask(connection, config, await connection.changelogReader(`${applicationId}-restore`, []), { log: (message) => logs.push(message) });
  try {
    const records = (from: number, to: number): ConsumedRecord[] =>
      Array.from({ length: to - from }, (_, index) => ({
        offset: from + index,
        record: { key: Buffer.from(`k${from + index}`), value: Buffer.from(`v${from + index}`), timestamp: 1_000 + from + index, headers: [] },
      }));
    // Where a stream thread positions a new task: the group's committed offsets.
    const admin = await connection.admin();
    const committedOffsets = await admin.committedOffsets(applicationId, [input]);
    await admin.disconnect();
    task.startAt(input, committedOffsets.find((entry) => entry.partition === 0)?.offset ?? 0);
    await task.processBatch(input, records(0, 10));
    // The consumer was seeked to 5 while the first batch was in flight: 5..9 come again.
    await task.processBatch(input, records(5, 15));
    // A whole batch from before the position.
    await task.processBatch(input, records(0, 15));
    await task.commit();
    assert.equal(task.failure, undefined);
    assert.equal(task.redeliveredRecords, 5 + 15);
    assert.deepEqual(task.positions().get(input), 15);
    assert.ok(logs.some((line) => line.includes('delivered again')), 'the drop is logged');
    const committed = await committedRecords(output, 15);
    assert.deepEqual(
      committed.map((record) => record.value),
      Array.from({ length: 15 }, (_, index) => `v${index}`),
    );
  } finally {
    await task.close(false);
    await connection.close();
  }
});

test('a window store is changelogged with Kafka Streams keys and restored into a new state folder', { timeout: 120_000 }, async () => {
  const bootstrap = await brokers();
  const applicationId = uniqueName('windows');
  const input = `${applicationId}-in`;
  const output = `${applicationId}-out`;
  const changelog = changelogTopic(applicationId, 'windows');
  await createTopics([{ topic: input, partitions: 1 }, { topic: output, partitions: 1 }, { topic: changelog, partitions: 1 }]);
  const topology = new TopologyBuilder()
    .addSource('in', input)
    .addProcessor('count', hostSupplier('window-count', () => new WindowCountProcessor()), {}, 'in')
    .addStateStore({ name: 'windows', kind: 'window', retentionMs: 3_600_000, windowSizeMs: 10_000, retainDuplicates: false }, 'count')
    .addSink('out', output, 'count')
    .build();
  const connection = connectKafka(bootstrap, applicationId);
  // What the tasks log, shown when an assertion fails (a task that fails does not throw).
  const logs: string[] = [];
  let opened = 0;
  const open = async (stateDir: string) => {
    const config = { ...appConfigFromDocument(parse(`application.id: ${applicationId}\nbootstrap.servers: ${bootstrap}\nprocessing.guarantee: exactly_once_v2\nstate.dir: ${stateDir}\ntopology: { sources: [{ name: in, topics: [${input}] }] }`), 'windows.yaml'), topology };
    const reader = await connection.changelogReader(`${applicationId}-restore-${opened++}`, [changelog]);
    await reader.start();
    const task = await openTask(connection, config, reader, { topology, stores: [{ store: 'windows', topic: changelog }], log: (message) => logs.push(message) });
    return { task, reader };
  };
  const record = (offset: number, key: string, timestamp: number): ConsumedRecord => ({ offset, record: { key: Buffer.from(key), value: Buffer.from('x'), timestamp, headers: [] } });
  const admin = await connection.admin();
  await admin.committedOffsets(applicationId, [input]);
  await admin.disconnect();
  try {
    const first = await open(temporaryDirectory());
    first.task.startAt(input, 0);
    await first.task.processBatch(input, [record(0, 'a', 1_000), record(1, 'a', 2_000), record(2, 'b', 15_000)]);
    assert.equal(first.task.failure, undefined, `the first task failed; it logged:\n${logs.join('\n')}`);
    await first.task.close(true);
    await first.reader.stop();
    // The changelog holds Kafka Streams' window keys: key ‖ start (8 bytes) ‖ sequence (4 bytes) — one
    // record per window and commit, with its latest value (the store's write cache; a@0 was updated twice).
    const logged = await committedRecords(changelog, 2);
    assert.deepEqual(
      logged.map((entry) => Buffer.from(entry.key!, 'latin1').length),
      [13, 13],
    );
    // A fresh state folder restores the windows and counts on from them.
    const second = await open(temporaryDirectory());
    assert.ok(second.task.restoredRecords >= 2, `restored ${second.task.restoredRecords} changelog records`);
    second.task.startAt(input, 3);
    await second.task.processBatch(input, [record(3, 'a', 3_000), record(4, 'b', 19_999)]);
    assert.equal(second.task.failure, undefined, `the second task failed; it logged:\n${logs.join('\n')}`);
    await second.task.close(true);
    await second.reader.stop();
    assert.deepEqual(
      (await committedRecords(output, 5).catch((error: unknown) => assert.fail(`${String(error)}; the tasks logged:\n${logs.join('\n')}`))).map((entry) => entry.value),
      ['a@0=1', 'a@0=2', 'b@10000=1', 'a@0=3', 'b@10000=2'],
    );
  } finally {
    await connection.close();
  }
});

test('a task with two input topics processes in timestamp order, waits for a lagging one, and honours max.task.idle.ms', { timeout: 120_000 }, async () => {
  const bootstrap = await brokers();
  const applicationId = uniqueName('order');
  const [left, right, output] = [`${applicationId}-left`, `${applicationId}-right`, `${applicationId}-out`];
  await createTopics([{ topic: left, partitions: 1 }, { topic: right, partitions: 1 }, { topic: output, partitions: 1 }]);
  const connection = connectKafka(bootstrap, applicationId);
  const admin = await connection.admin();
  await admin.committedOffsets(applicationId, [left]);
  await admin.disconnect();
  const open = async (maxTaskIdleMs: number) => {
    const config = appConfigFromDocument(
      parse(`
application.id: ${applicationId}
bootstrap.servers: ${bootstrap}
processing.guarantee: exactly_once_v2
max.task.idle.ms: ${maxTaskIdleMs}
state.dir: ${temporaryDirectory()}
topology:
  sources: [{ name: l, topics: [${left}] }, { name: r, topics: [${right}] }]
  processors: [{ name: pass, plugin: ${pluginDirectory('passthrough-rust')}, parents: [l, r] }]
  sinks: [{ name: out, topic: ${output}, parents: [pass] }]
`) as unknown,
      'order.yaml',
    );
    const task = await openTask(connection, config, await connection.changelogReader(`${applicationId}-restore-${maxTaskIdleMs}`, []));
    task.startAt(left, 0);
    task.startAt(right, 0);
    return task;
  };
  const records = (tag: string, timestamps: number[], first = 0): ConsumedRecord[] =>
    timestamps.map((timestamp, index) => ({ offset: first + index, record: { key: Buffer.from(tag), value: Buffer.from(`${tag}${timestamp}`), timestamp, headers: [] } }));
  try {
    // max.task.idle.ms 0: the right topic is known to lag, so the left waits for it; then both merge by time.
    const merging = await open(0);
    await merging.processBatch(right, [], false);
    await merging.processBatch(left, records('L', [10, 30, 50]), true);
    assert.equal(merging.processedRecords, 0, 'waits for the lagging partition');
    await merging.processBatch(right, records('R', [20, 40]), true);
    assert.equal(merging.processedRecords, 5);
    await merging.close(true);
    assert.deepEqual((await committedRecords(output, 5)).map((entry) => entry.value), ['L10', 'R20', 'L30', 'R40', 'L50']);

    // Lag known when the task opens (the partition's offsets) is waited for as a fetched one.
    const known = await open(0);
    known.knowLag(right, true);
    await known.processBatch(left, records('L', [110, 130], 5), true);
    assert.equal(known.processedRecords, 0, 'waits for the input known to have records');
    await known.processBatch(right, records('R', [120], 2), true);
    assert.equal(known.processedRecords, 3);
    await known.close(true);

    // max.task.idle.ms 300: an empty partition with no known lag is waited for that long.
    const idle = await open(300);
    await idle.processBatch(left, records('L', [60], 3), true);
    assert.equal(idle.processedRecords, 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await idle.commitIfDue();
    assert.equal(idle.processedRecords, 1, 'processed once max.task.idle.ms passed');
    await idle.close(true);

    // max.task.idle.ms -1: never waits, even for a known lag.
    const eager = await open(-1);
    await eager.processBatch(right, [], false);
    await eager.processBatch(left, records('L', [70], 4), true);
    assert.equal(eager.processedRecords, 1);
    await eager.close(true);
  } finally {
    await connection.close();
  }
});
