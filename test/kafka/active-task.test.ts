// An active task on a real broker, driven directly (no group consumer): the
// task is the authority on what it has processed. A consumer may deliver
// records again — a seek to the task's position issued while a batch was in
// flight, during a broker outage or a rejoin — and the task must not
// process them twice inside its transaction.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ActiveTask } from '../../runtime/app/active-task.ts';
import { appConfigFromDocument } from '../../runtime/app/app-config.ts';
import { connectKafka } from '../../runtime/kafka/connection.ts';
import { TaskId } from '../../runtime/task/task-id.ts';
import type { ConsumedRecord } from '../../runtime/kafka/ports.ts';
import { brokers, createTopics, readAll, uniqueName } from '../support/kafka.ts';
import { pluginDirectory } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

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
  const task = await ActiveTask.open({
    config,
    topology: config.topology,
    taskId: TaskId.of(0, 0),
    connection,
    sharedProducer: undefined,
    reader: await connection.changelogReader(`${applicationId}-restore`, []),
    stores: [],
    commitOffsets: async () => undefined,
    groupMetadata: () => ({ groupId: applicationId }),
    onLog: () => undefined,
    log: (_level, message) => logs.push(message),
  });
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
    const committed = await readAll(output);
    assert.deepEqual(
      committed.map((record) => record.value),
      Array.from({ length: 15 }, (_, index) => `v${index}`),
    );
  } finally {
    await task.close(false);
    await connection.close();
  }
});
