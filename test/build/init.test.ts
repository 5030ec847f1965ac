// `eddy init --lang ts|rust` creates a project that builds and passes its own
// tests (`eddy test`), with real toolchains.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

function eddy(args: string[], cwd?: string) {
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), ...args], { encoding: 'utf8', cwd });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

for (const language of ['ts', 'rust'] as const) {
  test(`eddy init --lang ${language} makes a project that builds and passes its own tests`, { timeout: 600_000 }, () => {
    const directory = join(temporaryDirectory(), `my-${language}-plugin`);
    const created = eddy(['init', '--lang', language, directory]);
    assert.equal(created.code, 0, created.output);
    const tested = eddy(['test', directory]);
    assert.equal(tested.code, 0, tested.output);
    assert.match(tested.output, /ok - golden count-per-key/);
    if (language === 'ts') assert.match(tested.output, /ok - node tests/);
    assert.match(tested.output, /[12] passed, 0 failed/);
    assert.ok(existsSync(join(directory, 'dist', `my-${language}-plugin.wasm`)));
    const again = eddy(['init', '--lang', language, directory]);
    assert.equal(again.code, 1);
    assert.match(again.output, /exists and is not empty/);
  });
}

for (const language of ['ts', 'rust'] as const) {
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

test('eddy test fails when the plugin output differs from the golden file', { timeout: 600_000 }, () => {
  const directory = join(temporaryDirectory(), 'broken-golden');
  assert.equal(eddy(['init', '--lang', 'rust', directory]).code, 0);
  spawnSync('sed', ['-i', 's/"value":"2"/"value":"20"/', join(directory, 'tests/count-per-key.expected.jsonl')]);
  const tested = eddy(['test', directory]);
  assert.equal(tested.code, 1);
  assert.match(tested.output, /not ok - golden count-per-key: output line 3: expected .*"20".*got .*"2"/);
});
