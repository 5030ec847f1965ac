// The ceiling for a kafkajs host: consume → produce with no processing, in a
// consumer group, committing after each produced batch (at-least-once, like
// Eddy's at-least-once path minus the engine).
//   npx tsx bench/kafka/raw-pipe.ts <bootstrap> <group> <input> <output>

import { createKafka } from '../../runtime/kafka/kafka-client.ts';

const [bootstrap, groupId, input, output] = process.argv.slice(2) as [string, string, string, string];
const kafka = createKafka(bootstrap, 'bench-raw-pipe');
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topic: input, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    await producer.sendBatch({
      acks: -1,
      topicMessages: [{ topic: output, messages: batch.messages.map((message) => ({ key: message.key, value: message.value, timestamp: message.timestamp })) }],
    });
    const next = String(Number(batch.lastOffset()) + 1);
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    resolveOffset(batch.lastOffset());
    await heartbeat();
  },
});
process.stderr.write('raw-pipe running\n');
process.on('SIGTERM', () => {
  void Promise.all([consumer.disconnect(), producer.disconnect()]).finally(() => process.exit(0));
});
