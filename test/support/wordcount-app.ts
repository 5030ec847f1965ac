// The two-stage word-count application the Kafka tests run (as Kafka
// Streams' WordCount: split → repartition by word → count).

import { referenceWords } from '../../bench/wordcount-reference.ts';
import type { ReadRecord } from '../../runtime/kafka/kafka-client.ts';
import { pluginDirectory } from './plugins.ts';

export interface WordCountAppOptions {
  applicationId: string;
  input: string;
  output: string;
  stateDir: string;
  guarantee?: 'at_least_once' | 'exactly_once_v2';
  standbys?: number;
  threads?: number;
  commitIntervalMs?: number;
  countPlugin?: string;
  repartitionPurgeIntervalMs?: number;
}

export function wordCountApp(options: WordCountAppOptions): string {
  return `
application.id: ${options.applicationId}
bootstrap.servers: \${KAFKA_BROKERS}
processing.guarantee: ${options.guarantee ?? 'at_least_once'}
num.stream.threads: ${options.threads ?? 1}
num.standby.replicas: ${options.standbys ?? 0}
commit.interval.ms: ${options.commitIntervalMs ?? 200}
${options.repartitionPurgeIntervalMs ? `repartition.purge.interval.ms: ${options.repartitionPurgeIntervalMs}` : ''}
session.timeout.ms: 6000
state.dir: ${options.stateDir}
admin.listener: 127.0.0.1:0
topology:
  sources:
    - { name: lines, topics: [${options.input}] }
    - { name: words, topics: [${options.applicationId}-words-repartition] }
  processors:
    - { name: split, plugin: ${pluginDirectory('split-words-rust')}, parents: [lines] }
    - { name: count, plugin: ${options.countPlugin ?? pluginDirectory('count-by-key-rust')}, parents: [words], stores: [counts] }
  sinks:
    - { name: to-words, topic: ${options.applicationId}-words-repartition, parents: [split] }
    - { name: out, topic: ${options.output}, parents: [count] }
`;
}

export function expectedCounts(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of referenceWords(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** The highest count seen per word in the output. */
export function finalCounts(records: ReadRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record.key!, Math.max(counts.get(record.key!) ?? 0, Number(record.value)));
  return counts;
}

/** For each word, the counts in output order (exactly-once: must be 1, 2, …, n). */
export function countSequences(records: ReadRecord[]): Map<string, number[]> {
  const sequences = new Map<string, number[]>();
  for (const record of records) {
    const list = sequences.get(record.key!) ?? [];
    list.push(Number(record.value));
    sequences.set(record.key!, list);
  }
  return sequences;
}

/** Deterministic text lines of a small vocabulary. */
export function sampleLines(count: number, seed = 1): string[] {
  const vocabulary = ['kafka', 'stream', 'eddy', 'wasm', 'plugin', 'state', 'table', 'topic', 'record', 'count', 'word', 'alpha', 'beta', 'gamma', 'delta'];
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  return Array.from({ length: count }, () => {
    const words = 3 + (next() % 6);
    return Array.from({ length: words }, () => vocabulary[next() % vocabulary.length]).join(next() % 3 === 0 ? ', ' : ' ');
  });
}
