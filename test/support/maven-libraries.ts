// Java reference implementations for differential tests: a classpath folder
// fetched with Maven from Maven Central once (a pom's runtime dependencies,
// copied into Eddy's cache folder), and the java command.
// Owns: fetching into a staging folder and moving it in place whole, so an
// interrupted fetch never leaves a half classpath behind.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDirectory } from '../../runtime/cache-directory.ts';

/**
 * The classpath folder `<cache>/<folder>/libs` with the runtime dependencies
 * of `pom`; fetched with Maven unless a jar named `<marker>…` is there already.
 * `what` names it in errors.
 */
export function mavenLibraries(options: { folder: string; pom: string; marker: string; what: string }): string {
  const libraries = join(cacheDirectory(), options.folder, 'libs');
  if (existsSync(libraries) && readdirSync(libraries).some((name) => name.startsWith(options.marker))) return libraries;
  const staging = `${libraries}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = spawnSync('mvn', ['-q', '-B', '-f', options.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`mvn could not fetch ${options.what} (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  rmSync(libraries, { recursive: true, force: true });
  mkdirSync(join(libraries, '..'), { recursive: true });
  renameSync(staging, libraries);
  return libraries;
}

/** The java command (JAVA_HOME's when set). */
export function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}
