// `eddy init --lang ts|js|rust` creates a project that builds and passes its own
// tests (`eddy test`), with real toolchains.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectLanguage } from '../../runtime/build/build-plugin.ts';
import { pluginDirectory, repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

function eddy(args: string[], cwd?: string) {
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), ...args], { encoding: 'utf8', cwd });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

for (const language of ['ts', 'js', 'rust'] as const) {
  test(`eddy init --lang ${language} makes a project that builds and passes its own tests`, { timeout: 600_000 }, () => {
    const directory = join(temporaryDirectory(), `my-${language}-plugin`);
    const created = eddy(['init', '--lang', language, directory]);
    assert.equal(created.code, 0, created.output);
    const tested = eddy(['test', directory]);
    assert.equal(tested.code, 0, tested.output);
    assert.match(tested.output, /ok - golden count-per-key/);
    if (language !== 'rust') assert.match(tested.output, /ok - node tests/);
    assert.match(tested.output, /[12] passed, 0 failed/);
    assert.ok(existsSync(join(directory, 'dist', `my-${language}-plugin.wasm`)));
    const again = eddy(['init', '--lang', language, directory]);
    assert.equal(again.code, 1);
    assert.match(again.output, /exists and is not empty/);
  });
}

for (const language of ['ts', 'js', 'rust'] as const) {
  test(`eddy init --lang ${language} --world functions makes a DSL functions plugin whose DSL word count passes its golden test`, { timeout: 600_000 }, () => {
    const directory = join(temporaryDirectory(), `my-${language}-functions`);
    const created = eddy(['init', '--lang', language, '--world', 'functions', directory]);
    assert.equal(created.code, 0, created.output);
    const tested = eddy(['test', directory]);
    assert.equal(tested.code, 0, tested.output);
    assert.match(tested.output, /ok - golden word-count/);
    assert.match(tested.output, /1 passed, 0 failed/);
  });
}

test('eddy init --lang js makes plain JavaScript whose JSDoc types check against the generated WIT types', { timeout: 600_000 }, () => {
  for (const world of ['processor', 'functions']) {
    const directory = join(temporaryDirectory(), `typed-js-${world}`);
    assert.equal(eddy(['init', '--lang', 'js', '--world', world, directory]).code, 0);
    const tsc = spawnSync(process.execPath, [join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-p', 'jsconfig.json'], { cwd: directory, encoding: 'utf8' });
    assert.equal(tsc.status, 0, `${world}: ${tsc.stdout}${tsc.stderr}`);
    // The checker is really on: a wrong type in the plugin is an error.
    const source = join(directory, 'src/index.js');
    writeFileSync(source, `${readFileSync(source, 'utf8')}\n/** @type {string} */\nexport const notText = bytes('x');\n`);
    const broken = spawnSync(process.execPath, [join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-p', 'jsconfig.json'], { cwd: directory, encoding: 'utf8' });
    assert.notEqual(broken.status, 0, `${world}: bytes typed as text are refused`);
    assert.match(broken.stdout, /src\/index\.js.*Type 'Uint8Array.*' is not assignable to type 'string'/);
  }
});

test('eddy build tells JavaScript from TypeScript by the entry', () => {
  assert.equal(detectLanguage(pluginDirectory('wordcount-js')), 'javascript');
  assert.equal(detectLanguage(pluginDirectory('wordcount-ts')), 'typescript');
  const built = eddy(['build', pluginDirectory('uppercase-js')]);
  assert.equal(built.code, 0, built.output);
  assert.match(built.output, /uppercase-js \(javascript\)/);
});

test('eddy test fails when the plugin output differs from the golden file', { timeout: 600_000 }, () => {
  const directory = join(temporaryDirectory(), 'broken-golden');
  assert.equal(eddy(['init', '--lang', 'rust', directory]).code, 0);
  spawnSync('sed', ['-i', 's/"value":"2"/"value":"20"/', join(directory, 'tests/count-per-key.expected.jsonl')]);
  const tested = eddy(['test', directory]);
  assert.equal(tested.code, 1);
  assert.match(tested.output, /not ok - golden count-per-key: output line 3: expected .*"20".*got .*"2"/);
});
