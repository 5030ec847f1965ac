// Python plugins and `eddy`: `eddy init --lang python` makes a project (a
// processor, or DSL functions with `--world functions`) that builds with the
// pinned componentize-py and passes its own tests, and runs with `eddy
// dry-run`; `eddy build` detects Python, skips an unchanged
// project, names what is wrong (no toolchain, no module, a Python error); the
// WIT handed to componentize-py and the export rename are mechanical and
// checked; the SDK's typing stubs are what componentize-py generates today.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { buildPlugin } from '../../runtime/build/build-plugin.ts';
import { ComponentRewriteError, renameComponentExport } from '../../runtime/build/component-exports.ts';
import { componentizePyVersion, generatePythonBindings, pythonSdkDirectory, pythonWitSource } from '../../runtime/build/build-python.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { readComponentShape } from '../../runtime/plugin/world.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

function eddy(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), ...args], { encoding: 'utf8', input });
  return { code: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
}

test('eddy init --lang python makes a project that builds, passes its own tests and dry-runs', { timeout: 600_000 }, () => {
  const directory = join(temporaryDirectory(), 'my-python-plugin');
  const created = eddy(['init', '--lang', 'python', directory]);
  assert.equal(created.code, 0, created.output);
  assert.ok(existsSync(join(directory, 'pyproject.toml')));
  assert.ok(existsSync(join(directory, 'src', 'my_python_plugin.py')));
  const tested = eddy(['test', directory]);
  assert.equal(tested.code, 0, tested.output);
  assert.match(tested.output, /ok - golden count-per-key/);
  assert.match(tested.output, /1 passed, 0 failed/);
  assert.ok(existsSync(join(directory, 'dist', 'my-python-plugin.wasm')));
  const dryRun = eddy(['dry-run', directory], '{"key": "k", "value": "a", "timestamp": 5}\n{"key": "k", "value": "b", "timestamp": 6}\n');
  assert.equal(dryRun.code, 0, dryRun.output);
  assert.deepEqual(dryRun.stdout.trim().split('\n'), [
    '{"topic":"output","key":"k","value":"1","timestamp":5}',
    '{"topic":"output","key":"k","value":"2","timestamp":6}',
  ]);
  const again = eddy(['init', '--lang', 'python', directory]);
  assert.equal(again.code, 1);
  assert.match(again.output, /exists and is not empty/);
});

test('eddy init --lang python --world functions makes a DSL functions plugin whose DSL word count passes its golden test', { timeout: 600_000 }, async () => {
  const directory = join(temporaryDirectory(), 'my-python-functions');
  const created = eddy(['init', '--lang', 'python', '--world', 'functions', directory]);
  assert.equal(created.code, 0, created.output);
  assert.ok(existsSync(join(directory, 'src', 'my_python_functions.py')));
  const tested = eddy(['test', directory]);
  assert.equal(tested.code, 0, tested.output);
  assert.match(tested.output, /ok - golden word-count/);
  assert.equal((await PluginComponent.fromFile(join(directory, 'dist', 'my-python-functions.wasm'))).world, 'functions');
  writeFileSync(join(directory, 'pyproject.toml'), readFileSync(join(directory, 'pyproject.toml'), 'utf8').replace('world = "functions"', 'world = "transform"'));
  await assert.rejects(buildPlugin(directory, { force: true }), /world = "transform": Python plugins can be built for processor, functions/);
});

test('eddy build detects Python, restores the world\'s exports, and skips an unchanged project', { timeout: 600_000 }, async () => {
  const directory = join(repositoryRoot, 'plugins', 'uppercase-python');
  const built = await buildPlugin(directory);
  assert.equal(built.language, 'python');
  assert.equal(built.name, 'uppercase-python');
  const shape = await readComponentShape(readFileSync(built.output));
  assert.ok(shape.exports.includes('close: func()'), shape.exports.join('\n'));
  assert.ok(!shape.exports.some((declaration) => declaration.startsWith('close-processor')));
  const again = await buildPlugin(directory);
  assert.equal(again.built, false, 'up to date');
});

test('eddy build names what is wrong: no toolchain, no module, a Python error', { timeout: 600_000 }, async () => {
  const directory = join(temporaryDirectory(), 'broken-python');
  mkdirSync(join(directory, 'src'), { recursive: true });
  writeFileSync(join(directory, 'pyproject.toml'), '[project]\nname = "broken-python"\n\n[tool.eddy]\nmodule = "missing"\n');
  await assert.rejects(buildPlugin(directory), /module 'missing' not found: expected .*missing\.py/);

  writeFileSync(join(directory, 'pyproject.toml'), '[project]\nname = "broken-python"\n');
  writeFileSync(join(directory, 'src', 'broken_python.py'), 'from eddy_plugin import Processor\n\nclass Broken(Processor):\n    def process(self, record)\n        pass\n');
  const saved = process.env.EDDY_COMPONENTIZE_PY;
  process.env.EDDY_COMPONENTIZE_PY = join(directory, 'no-such-componentize-py');
  try {
    await assert.rejects(buildPlugin(directory), /no-such-componentize-py is missing: install the Python toolchain \(componentize-py \d+\.\d+\.\d+\) with scripts\/install-toolchain\.sh/);
  } finally {
    if (saved === undefined) delete process.env.EDDY_COMPONENTIZE_PY;
    else process.env.EDDY_COMPONENTIZE_PY = saved;
  }
  await assert.rejects(buildPlugin(directory), /componentize-py failed .*[\s\S]*SyntaxError/);

  writeFileSync(join(directory, 'src', 'broken_python.py'), 'from eddy_plugin import Processor\n\nclass Forgotten(Processor):\n    pass\n');
  await assert.rejects(buildPlugin(directory), /exports no processor: call eddy_plugin\.export_processor\(YourProcessor\)/);
});

test('the WIT for componentize-py: reserved names escaped, the world\'s close renamed, nothing else changed', () => {
  const wit = `package a:b@0.1.0;
interface i {
    /// map: a doc comment keeps its words
    map: func(m: list<u8>) -> list<u8>;
    map-value: func();
    enum kind { map, other }
    variant v { map(list<u8>) }
}
world processor {
    export init: func();
    export close: func();
}
world other {
    export close: func();
}
`;
  const rewritten = pythonWitSource(wit, 'processor');
  assert.equal(
    rewritten,
    wit
      .replace('    map: func', '    %map: func')
      .replace('{ map, other }', '{ %map, other }')
      .replace('{ map(list', '{ %map(list')
      .replace('world processor {\n    export init: func();\n    export close: func();', 'world processor {\n    export init: func();\n    export close-processor: func();'),
  );
  assert.throws(() => pythonWitSource(wit.replace('world processor {\n    export init: func();\n    export close: func();', 'world processor {\n    export init: func();'), 'processor'), /no longer exports 'close'/);
  // The real contract parses as componentize-py needs it (the builds of plugins/*-python prove it); here: one rename.
  const real = readFileSync(join(repositoryRoot, 'wit/eddy-plugin.wit'), 'utf8');
  assert.equal(pythonWitSource(real, 'processor').split('\n').filter((line) => line.includes('close-processor')).length, 1);
});

test('renameComponentExport renames one top-level export and refuses anything else', async () => {
  const witSource = 'package a:b@0.1.0;\nworld w {\n  export close-processor: func();\n  export other: func();\n}\n';
  const component = await componentNew(await componentEmbed({ witSource, world: 'w', dummy: true }), undefined);
  const renamed = renameComponentExport(component, 'close-processor', 'close');
  assert.deepEqual((await readComponentShape(renamed)).exports.sort(), ['close: func()', 'other: func()']);
  assert.throws(() => renameComponentExport(component, 'absent', 'x'), (error: unknown) => error instanceof ComponentRewriteError && /found 0/.test(error.message));
  assert.throws(() => renameComponentExport(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 'a', 'b'), /not a WebAssembly component/);
});

test('the SDK\'s typing stubs are what componentize-py generates from wit/ today', { timeout: 300_000 }, async () => {
  const generated = join(temporaryDirectory(), 'bindings');
  await generatePythonBindings(generated);
  const committed = join(pythonSdkDirectory, 'bindings');
  const files = (root: string): string[] =>
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.parentPath.includes('__pycache__'))
      .map((entry) => relative(root, join(entry.parentPath, entry.name)))
      .sort();
  assert.deepEqual(files(committed), files(generated), `regenerate with: npx tsx sdk/python/generate-bindings.ts (componentize-py ${componentizePyVersion()})`);
  for (const file of files(generated)) {
    assert.equal(readFileSync(join(committed, file), 'utf8'), readFileSync(join(generated, file), 'utf8'), `${file} is stale: npx tsx sdk/python/generate-bindings.ts`);
  }
});
