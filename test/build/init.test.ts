// `eddy init --lang ts|js|rust` creates a project that builds and passes its own
// tests (`eddy test`), with real toolchains; so does `eddy init --lang rust|ts|js
// --kind source|sink|transform`, whose tests run the built component through
// the host's connector and transform plugin loaders — and the TypeScript
// source runs in a standalone worker on Kafka.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectLanguage } from '../../runtime/build/build-plugin.ts';
import { javascriptBuildTarget, javascriptWorlds } from '../../runtime/build/javascript-worlds.ts';
import { PluginComponent } from '../../runtime/plugin/component.ts';
import { ConnectorPlugin } from '../../runtime/plugin/plugin-connector.ts';
import { TransformPlugin } from '../../runtime/plugin/plugin-transform.ts';
import { AppProcess, brokers, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { pluginDirectory, repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

/**
 * Every Rust project here builds into the plugins' own cargo target folder,
 * where `npm test` has built std (build-std) and wit-bindgen with the same
 * flags already: a template then builds in seconds instead of compiling std
 * again (minutes) for each test.
 */
const rustTarget = { CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? join(repositoryRoot, 'plugins', 'target') };

function eddy(args: string[], cwd?: string, env?: Record<string, string>) {
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), ...args], { encoding: 'utf8', cwd, env: env && { ...process.env, ...env } });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

for (const language of ['ts', 'js', 'rust'] as const) {
  test(`eddy init --lang ${language} makes a project that builds and passes its own tests`, { timeout: 600_000 }, () => {
    const directory = join(temporaryDirectory(), `my-${language}-plugin`);
    const created = eddy(['init', '--lang', language, directory]);
    assert.equal(created.code, 0, created.output);
    const tested = eddy(['test', directory], undefined, language === 'rust' ? rustTarget : undefined);
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
    const tested = eddy(['test', directory], undefined, language === 'rust' ? rustTarget : undefined);
    assert.equal(tested.code, 0, tested.output);
    assert.match(tested.output, /ok - golden word-count/);
    assert.match(tested.output, /1 passed, 0 failed/);
  });
}


/** The TypeScript source project the kind test made and built (the worker test below reuses it). */
let typescriptSource: string | undefined;

for (const language of ['rust', 'ts', 'js'] as const) {
  for (const kind of ['source', 'sink', 'transform'] as const) {
    test(`eddy init --lang ${language} --kind ${kind} makes a ${kind} plugin that builds and passes its own tests through the plugin loader`, { timeout: 900_000 }, async () => {
      const directory = join(temporaryDirectory(), `my-${language}-${kind}`);
      const created = eddy(['init', '--lang', language, '--kind', kind, directory]);
      assert.equal(created.code, 0, created.output);
      const tested = eddy(['test', directory], undefined, language === 'rust' ? rustTarget : undefined);
      assert.equal(tested.code, 0, tested.output);
      assert.match(tested.output, /ok - node tests/);
      assert.match(tested.output, /1 passed, 0 failed/);
      const component = join(directory, 'dist', `my-${language}-${kind}.wasm`);
      if (kind === 'transform') assert.deepEqual([...(await TransformPlugin.load(component)).classes.keys()], ['example.Uppercase', 'example.ValueIsString']);
      else assert.equal((await ConnectorPlugin.load(component)).kind, kind);
      const loaded = await PluginComponent.fromFile(component);
      assert.equal(loaded.world, kind === 'transform' ? 'transform' : `${kind}-connector`);
      if (language !== 'rust') {
        assert.equal(loaded.contractVersion, '0.2.0');
        // Built against contract 0.2.0: a connector declares its keys (GET /connector-plugins/{plugin}/config).
        if (kind === 'source') {
          if (language === 'ts') typescriptSource = directory;
          assert.deepEqual((await ConnectorPlugin.load(component)).configDef.map((key) => [key.name, key.type, key.default]), [
            ['topic', 'string', { tag: 'required' }],
            ['count', 'long', { tag: 'value', val: '1000' }],
            ['batch.size', 'int', { tag: 'value', val: '100' }],
          ]);
        }
        if (kind === 'sink') assert.deepEqual((await ConnectorPlugin.load(component)).configDef.map((key) => key.name), ['file']);
        // The plugin's code (TypeScript, or JavaScript with JSDoc) checks against the types generated from wit/.
        const tsc = spawnSync(process.execPath, [join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-p', language === 'ts' ? 'tsconfig.json' : 'jsconfig.json'], { cwd: directory, encoding: 'utf8' });
        assert.equal(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`);
      }
    });
  }
}

test('eddy init --lang ts --kind source: the template runs in a standalone worker on Kafka, and a restart resumes after its stored offset', { timeout: 600_000 }, async () => {
  const directory = typescriptSource ?? join(temporaryDirectory(), 'my-ts-source');
  if (!typescriptSource) assert.equal(eddy(['init', '--lang', 'ts', '--kind', 'source', directory]).code, 0);
  const topic = uniqueName('ts-numbers');
  // The template's files, with this run's broker, topic and a REST port of its own.
  writeFileSync(join(directory, 'worker.properties'), readFileSync(join(directory, 'worker.properties'), 'utf8').replace('localhost:9092', await brokers()) + 'listeners=http://127.0.0.1:0\n');
  const connector = readFileSync(join(directory, 'connector.properties'), 'utf8');
  assert.match(connector, /^connector\.class=\.$/m);
  writeFileSync(join(directory, 'connector.properties'), connector.replace(/^name=.*$/m, `name=${topic}`).replace(/^topic=.*$/m, `topic=${topic}`).replace(/^count=1000$/m, 'count=250'));
  const start = () => new AppProcess(spawn(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'connect-standalone', 'worker.properties', 'connector.properties'], { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] }), 'connect-standalone');
  const numbers = async () => (await readAll(topic)).map((record) => [record.key, record.value]);
  const expected = Array.from({ length: 250 }, (_, n) => [String(n), String(n)]);

  let worker = start();
  try {
    await waitFor('250 numbers in the topic', async () => (await readAll(topic)).length >= 250, 180_000);
  } finally {
    assert.equal(await worker.stop(), 0, worker.output);
  }
  assert.deepEqual(await numbers(), expected);
  // A second run with a higher count resumes after the stored offset: nothing repeated.
  writeFileSync(join(directory, 'connector.properties'), readFileSync(join(directory, 'connector.properties'), 'utf8').replace(/^count=250$/m, 'count=300'));
  worker = start();
  try {
    await waitFor('300 numbers in the topic', async () => (await readAll(topic)).length >= 300, 180_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } finally {
    assert.equal(await worker.stop(), 0, worker.output);
  }
  assert.deepEqual(await numbers(), Array.from({ length: 300 }, (_, n) => [String(n), String(n)]));
});

test('eddy build refuses a TypeScript plugin of a world kind or contract version it does not build TypeScript for', () => {
  assert.deepEqual(Object.keys(javascriptWorlds), ['processor', 'functions', 'source-connector', 'sink-connector', 'transform']);
  assert.equal(javascriptBuildTarget(undefined, undefined, 'package.json').contract.version, '0.1.0');
  assert.equal(javascriptBuildTarget('source-connector', undefined, 'package.json').contract.version, '0.2.0');
  assert.throws(() => javascriptBuildTarget('connector', undefined, 'package.json'), /"world": "connector" \} is not a world TypeScript\/JavaScript plugins are built for \(use one of: processor, functions, source-connector, sink-connector, transform\)/);
  assert.throws(() => javascriptBuildTarget('sink-connector', '0.1.0', 'package.json'), /the sink-connector world is built against contract 0\.2\.0 for TypeScript\/JavaScript/);
  assert.throws(() => javascriptBuildTarget('processor', '9.9.9', 'package.json'), /is not a contract version of eddy:plugin/);
});

test('eddy init refuses an unknown kind, and a kind with no template in the language, naming what is accepted', () => {
  const directory = join(temporaryDirectory(), 'refused');
  const unknown = eddy(['init', '--lang', 'rust', '--kind', 'connector', directory]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.output, /--kind connector is not known: use one of processor, source, sink, transform/);
  const language = eddy(['init', '--lang', 'python', '--kind', 'sink', directory]);
  assert.equal(language.code, 2);
  assert.match(language.output, /--kind sink has a template in --lang rust, --lang ts, --lang js only \(not --lang python\)/);
  const world = eddy(['init', '--lang', 'rust', '--kind', 'transform', '--world', 'functions', directory]);
  assert.equal(world.code, 2);
  assert.match(world.output, /--world functions goes with --kind processor only/);
  assert.ok(!existsSync(directory), 'nothing created');
});

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
  const tested = eddy(['test', directory], undefined, rustTarget);
  assert.equal(tested.code, 1);
  assert.match(tested.output, /not ok - golden count-per-key: output line 3: expected .*"20".*got .*"2"/);
});
