// C plugins and `eddy`: `eddy init --lang c` makes a project that builds with
// clang + wasi-libc and passes its own golden test, and dry-runs; `eddy build`
// detects C by eddy-c.toml, skips an unchanged project and names what is
// wrong (no name, no sources, a compile error, a missing clang); the SDK's
// committed bindings were generated from today's wit/ (checked by a hash,
// without wit-bindgen; `npx tsx sdk/c/generate-bindings.ts --check`
// regenerates them with the pinned wit-bindgen and compares byte for byte).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPlugin, detectLanguage } from '../../runtime/build/build-plugin.ts';
import { cBindingsDirectory, readCProject } from '../../runtime/build/build-c.ts';
import { bindingsStamp, cWorldsWithBindings, witBindgenVersion } from '../../sdk/c/generate-bindings.ts';
import { readComponentShape } from '../../runtime/plugin/world.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

function eddy(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), ...args], { encoding: 'utf8', input });
  return { code: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
}

test('eddy init --lang c makes a processor and a functions project that build and pass their own tests; the processor dry-runs', { timeout: 300_000 }, () => {
  const directory = join(temporaryDirectory(), 'my-c-plugin');
  const created = eddy(['init', '--lang', 'c', directory]);
  assert.equal(created.code, 0, created.output);
  assert.ok(existsSync(join(directory, 'eddy-c.toml')));
  assert.ok(existsSync(join(directory, 'src', 'my-c-plugin.c')));
  const tested = eddy(['test', directory]);
  assert.equal(tested.code, 0, tested.output);
  assert.match(tested.output, /ok - golden count-per-key/);
  assert.match(tested.output, /1 passed, 0 failed/);
  assert.ok(existsSync(join(directory, 'dist', 'my-c-plugin.wasm')));
  const dryRun = eddy(['dry-run', directory], '{"key": "k", "value": "a", "timestamp": 5}\n{"key": "k", "value": "b", "timestamp": 6}\n');
  assert.equal(dryRun.code, 0, dryRun.output);
  assert.deepEqual(dryRun.stdout.trim().split('\n'), [
    '{"topic":"output","key":"k","value":"1","timestamp":5}',
    '{"topic":"output","key":"k","value":"2","timestamp":6}',
  ]);
  const functions = join(temporaryDirectory(), 'c-functions');
  const createdFunctions = eddy(['init', '--lang', 'c', '--world', 'functions', functions]);
  assert.equal(createdFunctions.code, 0, createdFunctions.output);
  const testedFunctions = eddy(['test', functions]);
  assert.equal(testedFunctions.code, 0, testedFunctions.output);
  assert.match(testedFunctions.output, /1 passed, 0 failed/);
});

test('eddy build detects C by eddy-c.toml, builds a component of the world, and skips an unchanged project', { timeout: 300_000 }, async () => {
  const directory = join(repositoryRoot, 'plugins', 'uppercase-c');
  assert.equal(detectLanguage(directory), 'c');
  const built = await buildPlugin(directory);
  assert.equal(built.language, 'c');
  assert.equal(built.name, 'uppercase-c');
  const shape = await readComponentShape(readFileSync(built.output));
  assert.deepEqual(shape.exports.sort(), [
    'close: func()',
    'init: func(config: config) -> result<_, string>',
    'process: func(r: %record) -> result<_, string>',
    'punctuate: func(id: u32, timestamp: s64) -> result<_, string>',
  ]);
  const again = await buildPlugin(directory);
  assert.equal(again.built, false, 'up to date');
  assert.throws(() => detectLanguage(temporaryDirectory()), /eddy-c\.toml \(C: a \[plugin\] table with name = "…"\)/);
});

test('eddy build names what is wrong with a C project: no name, no sources, a compile error, no clang', { timeout: 300_000 }, async () => {
  const directory = join(temporaryDirectory(), 'broken-c');
  mkdirSync(join(directory, 'src'), { recursive: true });
  writeFileSync(join(directory, 'eddy-c.toml'), '[plugin]\nworld = "processor"\n');
  await assert.rejects(buildPlugin(directory), /eddy-c\.toml needs \[plugin\] name = "…"/);
  writeFileSync(join(directory, 'eddy-c.toml'), '[plugin]\nname = "broken-c"\nworld = "connector"\n');
  await assert.rejects(buildPlugin(directory), /world = "connector" is not supported for C \(use one of: processor, functions\)/);
  writeFileSync(join(directory, 'eddy-c.toml'), '[plugin]\nname = "broken-c"\n');
  await assert.rejects(buildPlugin(directory), /no C sources: put \.c files under src\//);
  writeFileSync(join(directory, 'src', 'broken.c'), '#include "eddy.h"\nstatic bool process(const eddy_record *r) { return r->no_such_field; }\nEDDY_PROCESSOR(.process = process);\n');
  await assert.rejects(buildPlugin(directory), /clang failed \(exit 1\):[\s\S]*broken\.c:2:[\s\S]*no member named 'no_such_field'/);
  writeFileSync(join(directory, 'src', 'broken.c'), '#include "eddy.h"\nstatic bool process(const eddy_record *r) { return true; }\n');
  await assert.rejects(buildPlugin(directory), /clang failed[\s\S]*undefined symbol: eddy_plugin_processor/, 'a project without EDDY_PROCESSOR does not link');
  writeFileSync(join(directory, 'eddy-c.toml'), '[plugin]\nname = "broken-c"\nsources = ["src/missing.c"]\n');
  assert.throws(() => readCProject(directory), /source src\/missing\.c does not exist/);
  writeFileSync(join(directory, 'eddy-c.toml'), '[plugin]\nname = "broken-c"\n');
  const saved = process.env.EDDY_CLANG;
  process.env.EDDY_CLANG = join(directory, 'no-such-clang');
  try {
    // build-c.ts reads EDDY_CLANG when it loads: run a fresh process.
    const result = eddy(['build', directory]);
    assert.equal(result.code, 1);
    assert.match(result.output, /no-such-clang is missing: install the C toolchain .* with scripts\/install-toolchain\.sh, or set EDDY_CLANG/);
  } finally {
    if (saved === undefined) delete process.env.EDDY_CLANG;
    else process.env.EDDY_CLANG = saved;
  }
});

test('the SDK\'s bindings were generated from today\'s wit/ with the pinned wit-bindgen', () => {
  for (const world of cWorldsWithBindings) {
    const stamp = readFileSync(join(cBindingsDirectory(world), 'GENERATED'), 'utf8');
    assert.equal(stamp, bindingsStamp(), `sdk/c/bindings/${world} is stale: npx tsx sdk/c/generate-bindings.ts`);
    assert.match(readFileSync(join(cBindingsDirectory(world), `${world}.h`), 'utf8'), new RegExp(`^// Generated by \`wit-bindgen\` ${witBindgenVersion().replace(/\./g, '\\.')}\\. DO NOT EDIT!`));
  }
});
