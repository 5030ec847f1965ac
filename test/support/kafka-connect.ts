// Kafka Connect 4.4 as the reference for differential tests: connect-json's
// classpath (fetched with Maven from Maven Central once, into Eddy's cache
// folder) and running a Java program of test/connect/reference/ in
// single-file source mode.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDirectory } from '../../runtime/cache-directory.ts';
import { repositoryRoot } from './plugins.ts';

const version = '4.4.0';
const referenceDirectory = join(repositoryRoot, 'test/connect/reference');

/** The classpath folder of connect-json, fetched with Maven on first use. */
export function kafkaConnectLibraries(): string {
  const libraries = join(cacheDirectory(), `kafka-connect-${version}`, 'libs');
  if (existsSync(libraries) && readdirSync(libraries).some((name) => name.startsWith('connect-json-'))) return libraries;
  const staging = `${libraries}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = spawnSync('mvn', ['-q', '-B', '-f', join(referenceDirectory, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`mvn could not fetch Kafka Connect ${version} (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  rmSync(libraries, { recursive: true, force: true });
  mkdirSync(join(libraries, '..'), { recursive: true });
  renameSync(staging, libraries);
  return libraries;
}

/** Runs test/connect/reference/<program>.java with `input` on stdin; its stdout. */
export function runConnectReference(program: string, input: string): string {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const result = spawnSync(java, ['-Xmx256m', '-cp', `${kafkaConnectLibraries()}/*`, join(referenceDirectory, `${program}.java`)], {
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
  const libraries = join(cacheDirectory(), `kafka-connect-standalone-${standaloneVersion}`, 'libs');
  if (existsSync(libraries) && readdirSync(libraries).some((name) => name.startsWith('connect-file-'))) return libraries;
  const staging = `${libraries}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = spawnSync('mvn', ['-q', '-B', '-f', join(referenceDirectory, 'pom-runtime.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`mvn could not fetch Kafka Connect ${standaloneVersion} (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  rmSync(libraries, { recursive: true, force: true });
  mkdirSync(join(libraries, '..'), { recursive: true });
  renameSync(staging, libraries);
  return libraries;
}

/** Java's command line for Kafka's ConnectStandalone with these files. */
export function connectStandaloneCommand(files: string[]): { command: string; args: string[] } {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  return { command: java, args: ['-Xmx256m', '-cp', `${kafkaConnectStandaloneLibraries()}/*`, 'org.apache.kafka.connect.cli.ConnectStandalone', ...files] };
}
