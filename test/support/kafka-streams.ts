// Kafka Streams 4.4 as the reference for differential tests: its classpath
// (fetched with Maven from Maven Central once, into Eddy's cache folder) and
// running a Java program of test/kafka-streams/ in single-file source mode.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { javaCommand, mavenLibraries } from './maven-libraries.ts';
import { repositoryRoot } from './plugins.ts';

const version = '4.4.0';
const referenceDirectory = join(repositoryRoot, 'test/kafka-streams');

/** The classpath folder of kafka-streams and kafka-streams-test-utils, fetched with Maven on first use. */
export function kafkaStreamsLibraries(): string {
  return mavenLibraries({ folder: `kafka-streams-${version}`, pom: join(referenceDirectory, 'pom.xml'), marker: 'kafka-streams-test-utils-', what: `Kafka Streams ${version}` });
}

/** Runs test/kafka-streams/<program>.java with `input` on stdin; its stdout. */
export function runReference(program: string, input: string, args: string[] = []): string {
  const result = spawnSync(javaCommand(), ['-Xmx512m', '-cp', `${kafkaStreamsLibraries()}/*`, join(referenceDirectory, `${program}.java`), ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${program}.java failed (exit ${result.status}): ${result.stderr.slice(-3000)}`);
  return result.stdout;
}
