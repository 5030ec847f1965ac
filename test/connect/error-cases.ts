// The records and connector keys of the error-handling tests
// (errors.test.ts and the side-by-side run in
// kafka-connect-differential.test.ts): good records, malformed JSON, JSON
// without the schema envelope, and a value the Cast transform refuses.
// Must never: register tests (it is imported by test files).

import { connectKafka } from '../../runtime/kafka/kafkajs-connection.ts';
import type { Header } from '../../runtime/record.ts';
import { brokers } from '../support/kafka.ts';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const envelope = (payload: string) => JSON.stringify({ schema: { type: 'string', optional: false }, payload });

/** The input: good records, malformed JSON, JSON without the envelope, and a value the Cast transform refuses. */
export const errorInput: Array<{ key: string; value: string; headers: Array<[string, string]> }> = [
  { key: 'k1', value: envelope('12'), headers: [] },
  { key: 'k2', value: '{not json', headers: [['trace-id', 'abc']] },
  { key: 'k3', value: envelope('34'), headers: [] },
  { key: 'k4', value: envelope('not a number'), headers: [['h', 'x'], ['h', 'y']] },
  { key: 'k5', value: '"plain"', headers: [] },
  { key: 'k6', value: envelope('56'), headers: [] },
];
/** Fixed for the run (the Kafka Connect and Eddy runs of a differential test compare them), and recent: a broker's time retention (7 days by default) would delete older records at its next check. */
export const errorInputTimestamp = Math.floor(Date.now() / 1000) * 1000;

export async function produceErrorInput(topic: string): Promise<void> {
  const connection = connectKafka(await brokers(), 'errors-test');
  const producer = await connection.producer();
  try {
    await producer.send(errorInput.map((record, index) => ({
      topic, partition: 0,
      record: { key: bytes(record.key), value: bytes(record.value), timestamp: errorInputTimestamp + index, headers: record.headers.map(([key, value]): Header => ({ key, value: bytes(value) })) },
    })));
  } finally {
    await producer.disconnect();
    await connection.close();
  }
}

/** The sink connector's keys (without name and file): StringConverter keys, the value cast to an int32. */
export function errorSinkProperties(topic: string, dlq: string): string {
  return [
    'connector.class=FileStreamSink', 'tasks.max=1', `topics=${topic}`,
    'key.converter=org.apache.kafka.connect.storage.StringConverter',
    'transforms=cast', 'transforms.cast.type=org.apache.kafka.connect.transforms.Cast$Value', 'transforms.cast.spec=int32',
    'errors.tolerance=all', 'errors.log.enable=true', 'errors.log.include.messages=true',
    `errors.deadletterqueue.topic.name=${dlq}`, 'errors.deadletterqueue.topic.replication.factor=1', 'errors.deadletterqueue.context.headers.enable=true', '',
  ].join('\n');
}

