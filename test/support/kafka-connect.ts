// Kafka Connect 4.4 as the reference for differential tests: connect-json's
// classpath (fetched with Maven from Maven Central once, into Eddy's cache
// folder) and running a Java program of test/connect/reference/ in
// single-file source mode.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { javaCommand, mavenLibraries } from './maven-libraries.ts';
import { repositoryRoot } from './plugins.ts';

const version = '4.4.0';
const referenceDirectory = join(repositoryRoot, 'test/connect/reference');

/** The classpath folder of connect-json, fetched with Maven on first use. */
export function kafkaConnectLibraries(): string {
  return mavenLibraries({ folder: `kafka-connect-${version}`, pom: join(referenceDirectory, 'pom.xml'), marker: 'connect-json-', what: `Kafka Connect ${version}` });
}

/** Runs test/connect/reference/<program>.java with `input` on stdin; its stdout. */
export function runConnectReference(program: string, input: string): string {
  const result = spawnSync(javaCommand(), ['-Xmx256m', '-cp', `${kafkaConnectLibraries()}/*`, join(referenceDirectory, `${program}.java`)], {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${program}.java failed (exit ${result.status}): ${result.stderr.slice(-3000)}`);
  return result.stdout;
}

const standaloneVersion = '4.3.1';

/**
 * The classpath folder of a complete Kafka Connect 4.3.1 (connect-runtime,
 * connect-json, connect-file; connect-file 4.4.0 is not on Maven Central),
 * fetched with Maven on first use, to run ConnectStandalone against the 4.4 broker.
 */
export function kafkaConnectStandaloneLibraries(): string {
  return mavenLibraries({ folder: `kafka-connect-standalone-${standaloneVersion}`, pom: join(referenceDirectory, 'pom-runtime.xml'), marker: 'connect-file-', what: `Kafka Connect ${standaloneVersion}` });
}

/** Java's command line for Kafka's ConnectStandalone with these files. */
export function connectStandaloneCommand(files: string[]): { command: string; args: string[] } {
  return { command: javaCommand(), args: ['-Xmx256m', '-cp', `${kafkaConnectStandaloneLibraries()}/*`, 'org.apache.kafka.connect.cli.ConnectStandalone', ...files] };
}
