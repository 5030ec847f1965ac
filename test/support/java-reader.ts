// An independent reader for tests: Apache Kafka's own Java consumer
// (scripts/chaos/ReadCommitted.java on the broker's kafka-clients jar,
// compiled once per test process), isolation.level=read_committed, reading
// a topic from the beginning to its last stable offset with the bytes as
// they are.
// Owns: compiling and running the reader and parsing its output.
// Must never: use Eddy's own Kafka client (the point is a second opinion).

import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brokerLibraries } from '../../scripts/kafka/local-broker.ts';
import { repositoryRoot } from './plugins.ts';
import { temporaryDirectory } from './temporary.ts';

export interface BytesRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

const jdk = (tool: string) => (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', tool) : tool);
let javaReaderClasses: string | undefined;

/**
 * Reads a topic read_committed with Apache Kafka's Java consumer
 * (scripts/chaos/ReadCommitted.java, compiled once), keeping the bytes:
 * kafkajs' readAll gives UTF-8 strings, which Longs and windowed keys are not.
 */
export async function readCommittedBytes(bootstrap: string, topic: string): Promise<BytesRecord[]> {
  const classpath = `${brokerLibraries()}/*`;
  if (!javaReaderClasses) {
    const classes = temporaryDirectory('eddy-read-committed-');
    const compiled = spawnSync(jdk('javac'), ['-d', classes, '-cp', classpath, join(repositoryRoot, 'scripts/chaos/ReadCommitted.java')], { encoding: 'utf8' });
    if (compiled.status !== 0) throw new Error(`javac ReadCommitted.java failed (exit ${compiled.status}): ${compiled.stderr}${compiled.error ?? ''}`);
    javaReaderClasses = classes;
  }
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(jdk('java'), ['-Xmx256m', '-cp', `${javaReaderClasses}:${classpath}`, 'ReadCommitted', bootstrap, topic], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 360_000,
    }));
  } catch (error) {
    throw new Error(`the Java reader failed on ${topic}: ${String((error as { stderr?: string }).stderr ?? error).slice(-2000)}`);
  }
  const decode = (text: string) => (text === '-' ? null : Buffer.from(text, 'base64'));
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((row) => {
      const [partition, offset, timestamp, key, value] = row.split(' ');
      return { partition: Number(partition), offset: Number(offset), timestamp: Number(timestamp), key: decode(key!), value: decode(value!) };
    })
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

