// A connector's client overrides (`producer.override.*`,
// `consumer.override.*`) that Eddy reads are declared as Kafka's clients
// declare them and parsed when a task starts, as Kafka's clients parse
// them: the connector is created, and a bad value fails its task with
// Kafka's message naming the client key.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../support/kafka.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('a bad producer or consumer override fails the task when it starts, with Kafka\'s message; the connector is created', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-client-overrides');
  const topic = uniqueName('client-overrides');
  await createTopics([{ topic, partitions: 1 }]);
  writeFileSync(join(directory, 'in.txt'), 'a line\n');
  writeFileSync(join(directory, 'worker.properties'), `bootstrap.servers=${await brokers()}\noffset.storage.file.filename=${join(directory, 'offsets')}\nlisteners=http://127.0.0.1:0\n`);
  writeFileSync(join(directory, 'source.properties'), `name=${topic}-source\nconnector.class=FileStreamSource\nfile=${join(directory, 'in.txt')}\ntopic=${topic}\nproducer.override.max.request.size=abc\n`);
  writeFileSync(join(directory, 'sink.properties'), `name=${topic}-sink\nconnector.class=FileStreamSink\nfile=${join(directory, 'out.txt')}\ntopics.regex=${topic}\nconsumer.override.metadata.max.age.ms=-5\n`);
  const worker = await StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'source.properties'), join(directory, 'sink.properties')], { log: () => undefined, sourceIdleMs: 50 });
  try {
    await waitFor('both tasks to fail', async () => worker.status().every((connector) => connector.tasks[0]?.state === 'FAILED'), 60_000);
    const trace = (name: string) => worker.status().find((connector) => connector.name === name)!.tasks[0]!.trace!;
    assert.match(trace(`${topic}-source`), /Invalid value abc for configuration max\.request\.size: Not a number of type INT/);
    assert.match(trace(`${topic}-sink`), /Invalid value -5 for configuration metadata\.max\.age\.ms: Value must be at least 0/);
    assert.equal(worker.status().length, 2, 'both connectors were created');
  } finally {
    await worker.stop();
  }
});
