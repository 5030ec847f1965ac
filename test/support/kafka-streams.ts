// Kafka Streams 4.4 as the reference for differential tests: its classpath
// (fetched with Maven from Maven Central once, into Eddy's cache folder) and
// running a Java program of test/kafka-streams/ in single-file source mode.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDirectory } from '../../runtime/cache-directory.ts';
import { repositoryRoot } from './plugins.ts';

const version = '4.4.0';
const referenceDirectory = join(repositoryRoot, 'test/kafka-streams');

/** The classpath folder of kafka-streams and kafka-streams-test-utils, fetched with Maven on first use. */
export function kafkaStreamsLibraries(): string {
  const libraries = join(cacheDirectory(), `kafka-streams-${version}`, 'libs');
  if (existsSync(libraries) && readdirSync(libraries).some((name) => name.startsWith('kafka-streams-test-utils-'))) return libraries;
  const staging = `${libraries}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = spawnSync('mvn', ['-q', '-B', '-f', join(referenceDirectory, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`mvn could not fetch Kafka Streams ${version} (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  rmSync(libraries, { recursive: true, force: true });
  mkdirSync(join(libraries, '..'), { recursive: true });
  renameSync(staging, libraries);
  return libraries;
}

/** Runs test/kafka-streams/<program>.java with `input` on stdin; its stdout. */
export function runReference(program: string, input: string, args: string[] = []): string {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const result = spawnSync(java, ['-Xmx512m', '-cp', `${kafkaStreamsLibraries()}/*`, join(referenceDirectory, `${program}.java`), ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${program}.java failed (exit ${result.status}): ${result.stderr.slice(-3000)}`);
  return result.stdout;
}
