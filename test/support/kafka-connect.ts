// Kafka Connect 4.4 as the reference for differential tests: connect-json's
// and connect-transforms' classpath (fetched with Maven from Maven Central
// once, into Eddy's cache folder) and running a Java program of
// test/connect/reference/ in single-file source mode (in UTC: Kafka formats
// some dates in the JVM's default time zone, Eddy in UTC).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { javaCommand, mavenLibraries } from './maven-libraries.ts';
import { repositoryRoot } from './plugins.ts';

const version = '4.4.0';
const referenceDirectory = join(repositoryRoot, 'test/connect/reference');

/** The classpath folder of connect-json and connect-transforms, fetched with Maven on first use. */
export function kafkaConnectLibraries(): string {
  return mavenLibraries({ folder: `kafka-connect-${version}`, pom: join(referenceDirectory, 'pom.xml'), marker: 'connect-transforms-', what: `Kafka Connect ${version}` });
}

/** Runs test/connect/reference/<program>.java with `input` on stdin (on connect-json and connect-transforms 4.4, or `classpath`); its stdout. */
export function runConnectReference(program: string, input: string, args: string[] = [], classpath = `${kafkaConnectLibraries()}/*`): string {
  const result = spawnSync(javaCommand(), ['-Xmx256m', '-Duser.timezone=UTC', '-cp', classpath, join(referenceDirectory, `${program}.java`), ...args], {
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

/**
 * The classpath of Kafka Connect 4.4's ConnectStandalone with connect-file
 * 4.3.1 (test/connect/reference/pom-runtime-4.4.xml), fetched on first use,
 * and the folder of the AppInfoParser shim those connectors need on 4.4
 * (compiled once with javac).
 */
export function kafkaConnect44StandaloneClasspath(): string {
  const libraries = mavenLibraries({ folder: `kafka-connect-standalone-${version}`, pom: join(referenceDirectory, 'pom-runtime-4.4.xml'), marker: 'connect-runtime-', what: `Kafka Connect ${version}` });
  const shim = join(dirname(libraries), 'shim');
  if (!existsSync(join(shim, 'org/apache/kafka/common/utils/AppInfoParser.class'))) {
    const staging = `${shim}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const javac = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'javac') : 'javac';
    const result = spawnSync(javac, ['-cp', `${libraries}/*`, '-d', staging, join(referenceDirectory, 'AppInfoParser.java')], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`javac could not compile the AppInfoParser shim (exit ${result.status}): ${result.stderr}`);
    rmSync(shim, { recursive: true, force: true });
    renameSync(staging, shim);
  }
  return `${shim}:${libraries}/*`;
}

/** Java's command line for Kafka Connect 4.4's ConnectStandalone with these files. */
export function connectStandalone44Command(files: string[]): { command: string; args: string[] } {
  return { command: javaCommand(), args: ['-Xmx256m', '-Duser.timezone=UTC', '-cp', kafkaConnect44StandaloneClasspath(), 'org.apache.kafka.connect.cli.ConnectStandalone', ...files] };
}

/** Java's command line for Kafka Connect 4.4's ConnectDistributed with this worker file. */
export function connectDistributed44Command(workerFile: string): { command: string; args: string[] } {
  return { command: javaCommand(), args: ['-Xmx512m', '-Duser.timezone=UTC', '-cp', kafkaConnect44StandaloneClasspath(), 'org.apache.kafka.connect.cli.ConnectDistributed', workerFile] };
}
