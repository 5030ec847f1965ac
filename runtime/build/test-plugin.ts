// `eddy test [plugin-dir]`: build a plugin project, then run its tests.
//
// Owns: the two kinds of plugin tests — golden dry-run files
// (tests/<name>.input.jsonl → tests/<name>.expected.jsonl, any language) and
// node:test files (test/*.test.ts or test/*.test.js, run with tsx) — and
// reporting each result.
// Must never: count a test as passed without comparing its output.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { messageOf } from '../errors.ts';
import { formatOutputLine, parseDryRunInput, runDryRun, singleComponentTopology } from '../testing/dry-run.ts';
import { loadPipelineFile } from '../topology/pipeline-file.ts';
import { buildPlugin } from './build-plugin.ts';

export interface TestSummary {
  passed: number;
  failed: number;
}

export async function testPlugin(directory: string, options: { onLine: (line: string) => void }): Promise<TestSummary> {
  const root = resolve(directory);
  const summary: TestSummary = { passed: 0, failed: 0 };
  const built = await buildPlugin(root);
  options.onLine(`build: ${built.output} (${built.built ? 'built' : 'up to date'})`);
  const goldenDirectory = join(root, 'tests');
  const goldenInputs = existsSync(goldenDirectory) ? readdirSync(goldenDirectory).filter((name) => name.endsWith('.input.jsonl')).sort() : [];
  for (const inputName of goldenInputs) {
    const name = inputName.replace(/\.input\.jsonl$/, '');
    const pipeline = join(goldenDirectory, `${name}.pipeline.yaml`);
    const failure = await runGolden(existsSync(pipeline) ? { pipeline } : { component: built.output }, join(goldenDirectory, inputName), join(goldenDirectory, `${name}.expected.jsonl`));
    if (failure) {
      summary.failed++;
      options.onLine(`not ok - golden ${name}: ${failure}`);
    } else {
      summary.passed++;
      options.onLine(`ok - golden ${name}`);
    }
  }
  const testDirectory = join(root, 'test');
  const testFiles = existsSync(testDirectory) ? readdirSync(testDirectory).filter((name) => /\.test\.[jt]s$/.test(name)).sort() : [];
  if (testFiles.length > 0) {
    const code = await runNodeTests(root, testFiles.map((name) => join('test', name)));
    if (code === 0) {
      summary.passed++;
      options.onLine(`ok - node tests (${testFiles.join(', ')})`);
    } else {
      summary.failed++;
      options.onLine(`not ok - node tests (${testFiles.join(', ')}) exited with ${code}`);
    }
  }
  if (goldenInputs.length === 0 && testFiles.length === 0) {
    summary.failed++;
    options.onLine('not ok - no tests found (add tests/<name>.input.jsonl + .expected.jsonl, or test/*.test.ts / *.test.js)');
  }
  return summary;
}

/** A golden test runs the plugin alone, or a pipeline (tests/<name>.pipeline.yaml, e.g. a DSL topology using a functions plugin). */
async function runGolden(target: { component: string } | { pipeline: string }, inputFile: string, expectedFile: string): Promise<string | undefined> {
  if (!existsSync(expectedFile)) return `missing ${expectedFile}`;
  const { inputs, errors } = parseDryRunInput(readFileSync(inputFile, 'utf8'), inputFile);
  if (errors.length > 0) return errors.map((error) => error.detail).join('; ');
  const actual: string[] = [];
  try {
    const topology = 'pipeline' in target ? loadPipelineFile(target.pipeline) : singleComponentTopology(target.component, []);
    await runDryRun(topology, inputs, { onOutput: (output) => { if (!topology.repartitionTopics.includes(output.topic)) actual.push(formatOutputLine(output)); } });
  } catch (error) {
    return `dry-run failed: ${messageOf(error)}`;
  }
  const expected = readFileSync(expectedFile, 'utf8').split('\n').filter((line) => line.trim() !== '');
  for (let index = 0; index < Math.max(expected.length, actual.length); index++) {
    if (!sameJson(expected[index], actual[index])) {
      return `output line ${index + 1}: expected ${expected[index] ?? '(nothing)'}, got ${actual[index] ?? '(nothing)'}`;
    }
  }
  return undefined;
}

function sameJson(expected: string | undefined, actual: string | undefined): boolean {
  if (expected === undefined || actual === undefined) return expected === actual;
  try {
    return JSON.stringify(JSON.parse(expected)) === actual;
  } catch {
    return false;
  }
}

function runNodeTests(cwd: string, files: string[]): Promise<number> {
  const tsx = import.meta.resolve('tsx');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, '--test', ...files], { cwd, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise(code ?? 1));
  });
}

