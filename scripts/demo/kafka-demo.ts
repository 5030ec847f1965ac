// The demo (`npm run demo`): a real Kafka word count.
// Starts the local broker unless KAFKA_BROKERS is set, creates the topics,
// produces scripts/demo/text.txt, runs the word-count application
// (scripts/demo/wordcount-app.yaml, Rust plugins, exactly-once), and prints
// the top counts read back from the output topic.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceWords } from '../../bench/wordcount-reference.ts';
import { Application } from '../../runtime/app/application.ts';
import { createKafka, ensureTopics, produceRecords, readTopic } from '../../runtime/kafka/kafka-client.ts';
import { startLocalBroker } from '../kafka/local-broker.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

const broker = process.env.KAFKA_BROKERS
  ? { bootstrap: process.env.KAFKA_BROKERS, stop: async () => undefined }
  : await startLocalBroker({ directory: join(here, '../../.kafka/demo'), log: say });
say(`kafka: ${broker.bootstrap}${process.env.KAFKA_BROKERS ? ' (from KAFKA_BROKERS)' : ''}`);
const run = `eddy-demo-${Date.now().toString(36)}`;
process.env.KAFKA_BROKERS = broker.bootstrap;
process.env.APPLICATION_ID = run;
process.env.INPUT_TOPIC = `${run}-text-lines`;
process.env.OUTPUT_TOPIC = `${run}-word-counts`;
const stateDir = mkdtempSync(join(tmpdir(), 'eddy-demo-state-'));
process.env.STATE_DIR = stateDir;

try {
  const admin = createKafka(broker.bootstrap, 'eddy-demo').admin();
  await admin.connect();
  await ensureTopics(admin, [
    { topic: process.env.INPUT_TOPIC, partitions: 3 },
    { topic: process.env.OUTPUT_TOPIC, partitions: 3 },
  ]);
  await admin.disconnect();
  const lines = readFileSync(join(here, 'text.txt'), 'utf8').split('\n');
  await produceRecords(broker.bootstrap, process.env.INPUT_TOPIC, lines.map((line, index) => ({ key: String(index), value: line })));
  say(`produced ${lines.length} lines of scripts/demo/text.txt to ${process.env.INPUT_TOPIC}`);

  const started = Date.now();
  const application = await Application.start(join(here, 'wordcount-app.yaml'), { log: (level, message) => level !== 'info' && say(`[${level}] ${message}`) });
  say(`running application ${run} (exactly-once, Rust plugins split-words-rust → count-by-key-rust)…`);
  const expected = new Map<string, number>();
  for (const line of lines) for (const word of referenceWords(line)) expected.set(word, (expected.get(word) ?? 0) + 1);
  const total = [...expected.values()].reduce((sum, count) => sum + count, 0);
  const records = await readTopic(broker.bootstrap, process.env.OUTPUT_TOPIC, { until: (read) => read.length >= total, timeoutMs: 120_000 });
  await application.stop();
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record.key!, Math.max(counts.get(record.key!) ?? 0, Number(record.value)));
  const exact = [...expected].every(([word, count]) => counts.get(word) === count) && counts.size === expected.size;
  say(`read ${records.length} count updates back from ${process.env.OUTPUT_TOPIC} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${counts.size} distinct words; ${exact ? 'all counts exact' : 'COUNTS DIFFER from the expected'}`);
  say('top 10 words:');
  for (const [word, count] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10)) say(`  ${String(count).padStart(4)}  ${word}`);
  if (!exact) process.exitCode = 1;
} finally {
  await broker.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
// kafkajs leaves timers behind after disconnecting.
setImmediate(() => process.exit(process.exitCode ?? 0));
