// `eddy init --lang ts|js|rust|python|c|go [--world processor|functions]
// [--kind processor|source|sink|transform] <dir>`: a new plugin project that
// builds and passes its own tests (the C templates are in init-c.ts, the Go ones in init-go.ts, the connector and
// transform kinds — Rust, TypeScript and JavaScript — in init-connector.ts).
//
// Owns: the project templates — a processor that counts records per key in a
// store and forwards (key, count), a golden dry-run test (tests/*.input.jsonl
// → *.expected.jsonl) and, for TypeScript and JavaScript, a test-driver test
// (JavaScript: plain .js with JSDoc types, checked by `tsc -p jsconfig.json`
// against the same generated WIT types as TypeScript); or a plugin of
// DSL functions (a word splitter and a key selector) with a golden test of a
// DSL word count that uses them (tests/*.pipeline.yaml).
// Must never: overwrite an existing project.

import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.ts';
import { cFiles, cFunctionFiles } from './init-c.ts';
import { goFiles, goFunctionFiles } from './init-go.ts';
import { connectorFiles, connectorTemplates } from './init-connector.ts';

export type InitLanguage = 'ts' | 'js' | 'rust' | 'python' | 'c' | 'go';
export type InitWorld = 'processor' | 'functions';
/** What the project is: a processor (or DSL functions, by `--world`), a source or sink connector, or a transform. */
export const initKinds = ['processor', 'source', 'sink', 'transform'] as const;
export type InitKind = (typeof initKinds)[number];
/** The languages each kind has a template in (connector and transform kinds: as many as init-connector.ts has templates). */
export const initKindLanguages: Readonly<Record<InitKind, readonly InitLanguage[]>> = {
  processor: ['ts', 'js', 'rust', 'python', 'c', 'go'],
  source: Object.keys(connectorTemplates.source) as InitLanguage[],
  sink: Object.keys(connectorTemplates.sink) as InitLanguage[],
  transform: Object.keys(connectorTemplates.transform) as InitLanguage[],
};

/** Why a kind, language and world do not go together (naming what does), or undefined when they do. */
export function initCombinationProblem(kind: string, language: string, world: string): string | undefined {
  if (!(initKinds as readonly string[]).includes(kind)) return `--kind ${kind} is not known: use one of ${initKinds.join(', ')}`;
  const languages = initKindLanguages[kind as InitKind];
  if (!(languages as readonly string[]).includes(language)) {
    return `--kind ${kind} has a template in ${languages.map((name) => `--lang ${name}`).join(', ')} only (not --lang ${language})`;
  }
  if (kind !== 'processor' && world !== 'processor') return `--world ${world} goes with --kind processor only (--kind ${kind} makes a plugin of the ${kind === 'transform' ? 'transform' : `${kind}-connector`} world)`;
  return undefined;
}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

const goldenInput = [
  '{"key": "alice", "value": "login", "timestamp": 1000}',
  '{"key": "bob", "value": "login", "timestamp": 1001}',
  '{"key": "alice", "value": "logout", "timestamp": 1002}',
  '{"key": null, "value": "no key", "timestamp": 1003}',
].join('\n') + '\n';

const goldenOutput = [
  '{"topic":"output","key":"alice","value":"1","timestamp":1000}',
  '{"topic":"output","key":"bob","value":"1","timestamp":1001}',
  '{"topic":"output","key":"alice","value":"2","timestamp":1002}',
].join('\n') + '\n';

const functionsGoldenInput = ['{"value": "the cat and the hat", "timestamp": 1000}', '{"value": null, "timestamp": 1001}', '{"value": "The end", "timestamp": 1002}'].join('\n') + '\n';

// Counts are Longs (8 bytes): the text format shows their bytes as \u escapes.
const long = (n: number) => `\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u000${n}`;
const functionsGoldenOutput = [
  ['the', 1, 1000], ['cat', 1, 1000], ['and', 1, 1000], ['the', 2, 1000], ['hat', 1, 1000], ['the', 3, 1002], ['end', 1, 1002],
].map(([word, count, timestamp]) => `{"topic":"word-counts","key":"${word}","value":"${long(count as number)}","timestamp":${timestamp}}`).join('\n') + '\n';

const functionsPipeline = `# The DSL word count with this plugin's functions; \`eddy test\` runs it on
# word-count.input.jsonl and compares with word-count.expected.jsonl.
dsl:
  functions:
    f: { plugin: .. }
  streams:
    - stream: text-lines
      steps:
        - flatMapValues: f.words
        - groupBy: f.word-as-key
        - count
        - toStream
        - to: word-counts
`;

export function initPlugin(directory: string, language: InitLanguage, world: InitWorld = 'processor', kind: InitKind = 'processor'): string[] {
  const problem = initCombinationProblem(kind, language, world);
  if (problem) throw new ConfigError(problem, { field: '--kind' });
  const root = resolve(directory);
  if (existsSync(root) && readdirSync(root).length > 0) {
    throw new ConfigError(`${directory} exists and is not empty: choose a new folder`, { file: directory });
  }
  const name = basename(root).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'my-plugin';
  if (kind !== 'processor') return writeProject(root, connectorFiles(kind, language, name, repositoryRoot), true);
  const files =
    language === 'go'
      ? world === 'functions' ? goFunctionFiles(name, repositoryRoot) : goFiles(name, repositoryRoot)
      : language === 'c'
      ? world === 'functions' ? cFunctionFiles(name) : cFiles(name)
      : language === 'python'
      ? world === 'functions' ? pythonFunctionFiles(name) : pythonFiles(name)
      : world === 'functions'
        ? language === 'rust' ? rustFunctionFiles(name) : language === 'js' ? javascriptFunctionFiles(name) : typescriptFunctionFiles(name)
        : language === 'rust' ? rustFiles(name) : language === 'js' ? javascriptFiles(name) : typescriptFiles(name);
  if (world === 'functions') {
    files['tests/word-count.pipeline.yaml'] = functionsPipeline;
    files['tests/word-count.input.jsonl'] = functionsGoldenInput;
    files['tests/word-count.expected.jsonl'] = functionsGoldenOutput;
  } else {
    files['tests/count-per-key.input.jsonl'] = goldenInput;
    files['tests/count-per-key.expected.jsonl'] = goldenOutput;
  }
  return writeProject(root, files, language === 'ts' || language === 'js');
}

/** Writes the files; with `linkEddy`, node_modules/eddy (what `npm install` would make of the file: dependency, without a network). */
function writeProject(root: string, files: Record<string, string>, linkEddy: boolean): string[] {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  if (linkEddy) {
    mkdirSync(join(root, 'node_modules'), { recursive: true });
    symlinkSync(repositoryRoot, join(root, 'node_modules', 'eddy'), 'dir');
  }
  return Object.keys(files);
}

function typescriptFiles(name: string): Record<string, string> {
  return {
    'package.json': JSON.stringify(
      {
        name,
        version: '0.1.0',
        private: true,
        type: 'module',
        eddy: { world: 'processor', entry: 'src/index.ts' },
        scripts: { build: 'eddy build .', test: 'eddy test .' },
        devDependencies: { eddy: `file:${repositoryRoot}` },
      },
      null,
      2,
    ) + '\n',
    'tsconfig.json': JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          skipLibCheck: true,
          baseUrl: '.',
          paths: { '@eddy/sdk': ['./node_modules/eddy/sdk/typescript/guest.ts'] },
        },
        include: ['src/**/*.ts', 'test/**/*.ts', 'node_modules/eddy/sdk/typescript/wit/**/*.d.ts'],
      },
      null,
      2,
    ) + '\n',
    'src/index.ts': `// ${name}: counts records per key in the store \`counts\` and forwards
// (key, count) with the input's timestamp. Records without a key are skipped.

import { forward } from 'eddy:plugin/context@0.1.0';
import { Store } from 'eddy:plugin/kv-store@0.1.0';
import type { Config, Record } from 'eddy:plugin/types@0.1.0';
import { bytes, record, text } from '@eddy/sdk';

let counts: Store;

export function init(_config: Config): void {
  counts = Store.open('counts');
}

export function process(input: Record): void {
  if (input.key === undefined) return;
  const previous = counts.get(input.key);
  const count = previous === undefined ? 1 : Number(text(previous)) + 1;
  const value = bytes(String(count));
  counts.put(input.key, value);
  forward(record(input.key, value, input.timestamp));
}

export function punctuate(_id: number, _timestamp: bigint): void {}

export function close(): void {}
`,
    'test/plugin.test.ts': `// Runs the built plugin in the topology test driver (no broker needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { TopologyBuilder, TopologyTestDriver, builtComponentOf } from 'eddy/sdk';

const plugin = builtComponentOf(fileURLToPath(new URL('..', import.meta.url)));

test('counts records per key and keeps the counts in the store', async () => {
  const topology = new TopologyBuilder()
    .addSource('input', 'events')
    .addProcessor('count', plugin, { stores: ['counts'] }, 'input')
    .addSink('output', 'counts', 'count')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('events', [
    { key: 'alice', value: 'login', timestamp: 1 },
    { key: 'alice', value: 'logout', timestamp: 2 },
    { key: 'bob', value: 'login', timestamp: 3 },
  ]);
  assert.deepEqual(
    driver.readOutput('counts').map((output) => [output.key, output.value]),
    [['alice', '1'], ['alice', '2'], ['bob', '1']],
  );
  assert.deepEqual([...driver.storeAsText('counts')], [['alice', '2'], ['bob', '1']]);
  driver.close();
});
`,
    '.gitignore': 'node_modules/\ndist/\n',
  };
}

/** JSDoc-typed JavaScript: `tsc -p jsconfig.json` checks the plugin against the generated WIT types (sdk/typescript/wit/). */
function javascriptConfig(paths: Record<string, string[]>): string {
  return JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        allowJs: true,
        checkJs: true,
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        skipLibCheck: true,
        baseUrl: '.',
        paths,
      },
      // The plugin only: a test imports the host (eddy/sdk), whose sources are not the project's to check.
      include: ['src/**/*.js', 'node_modules/eddy/sdk/typescript/wit/**/*.d.ts'],
    },
    null,
    2,
  ) + '\n';
}

function javascriptFiles(name: string): Record<string, string> {
  return {
    'package.json': JSON.stringify(
      {
        name,
        version: '0.1.0',
        private: true,
        type: 'module',
        eddy: { world: 'processor', entry: 'src/index.js' },
        scripts: { build: 'eddy build .', test: 'eddy test .', typecheck: 'tsc -p jsconfig.json' },
        devDependencies: { eddy: `file:${repositoryRoot}` },
      },
      null,
      2,
    ) + '\n',
    'jsconfig.json': javascriptConfig({ '@eddy/sdk': ['./node_modules/eddy/sdk/typescript/guest.ts'] }),
    'src/index.js': `// @ts-check
// ${name}: counts records per key in the store \`counts\` and forwards
// (key, count) with the input's timestamp. Records without a key are skipped.

import { forward } from 'eddy:plugin/context@0.1.0';
import { Store } from 'eddy:plugin/kv-store@0.1.0';
import { bytes, record, text } from '@eddy/sdk';

/** @typedef {import('eddy:plugin/types@0.1.0').Config} Config */
/** @typedef {import('eddy:plugin/types@0.1.0').Record} Record */

/** @type {Store} */
let counts;

/** @param {Config} _config */
export function init(_config) {
  counts = Store.open('counts');
}

/** @param {Record} input */
export function process(input) {
  if (input.key === undefined) return;
  const previous = counts.get(input.key);
  const count = previous === undefined ? 1 : Number(text(previous)) + 1;
  const value = bytes(String(count));
  counts.put(input.key, value);
  forward(record(input.key, value, input.timestamp));
}

/**
 * @param {number} _id
 * @param {bigint} _timestamp
 */
export function punctuate(_id, _timestamp) {}

export function close() {}
`,
    'test/plugin.test.js': `// @ts-check
// Runs the built plugin in the topology test driver (no broker needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { TopologyBuilder, TopologyTestDriver, builtComponentOf } from 'eddy/sdk';

const plugin = builtComponentOf(fileURLToPath(new URL('..', import.meta.url)));

test('counts records per key and keeps the counts in the store', async () => {
  const topology = new TopologyBuilder()
    .addSource('input', 'events')
    .addProcessor('count', plugin, { stores: ['counts'] }, 'input')
    .addSink('output', 'counts', 'count')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('events', [
    { key: 'alice', value: 'login', timestamp: 1 },
    { key: 'alice', value: 'logout', timestamp: 2 },
    { key: 'bob', value: 'login', timestamp: 3 },
  ]);
  assert.deepEqual(
    driver.readOutput('counts').map((output) => [output.key, output.value]),
    [['alice', '1'], ['alice', '2'], ['bob', '1']],
  );
  assert.deepEqual([...driver.storeAsText('counts')], [['alice', '2'], ['bob', '1']]);
  driver.close();
});
`,
    '.gitignore': 'node_modules/\ndist/\n',
  };
}

function javascriptFunctionFiles(name: string): Record<string, string> {
  const files = javascriptFiles(name);
  delete files['test/plugin.test.js'];
  files['package.json'] = files['package.json']!.replace('"world": "processor"', '"world": "functions"');
  files['jsconfig.json'] = javascriptConfig({
    '@eddy/sdk/functions': ['./node_modules/eddy/sdk/typescript/functions.ts'],
    '@eddy/sdk': ['./node_modules/eddy/sdk/typescript/guest.ts'],
  });
  files['src/index.js'] = `// @ts-check
// ${name}: DSL functions. A DSL step names one as <functions>.<name>
// (see tests/word-count.pipeline.yaml).

import { bytes, text } from '@eddy/sdk';
import { defineFunctions, flatValueMapper, keySelector } from '@eddy/sdk/functions';

export const dslFunctions = defineFunctions(() => ({
  // The lowercased words of a line (a null line has none).
  words: flatValueMapper((_key, value) => (value === undefined ? [] : text(value).toLowerCase().split(/\\s+/).filter(Boolean).map(bytes))),
  // The value as the new key (to count per word).
  'word-as-key': keySelector((_key, value) => value),
}));
`;
  return files;
}

function rustFiles(name: string): Record<string, string> {
  return {
    'Cargo.toml': `[package]
name = "${name}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
eddy-plugin = { path = "${repositoryRoot}/sdk/rust" }

# A project of its own, not part of any enclosing workspace.
[workspace]
`,
    'src/lib.rs': `//! ${name}: counts records per key in the store \`counts\` and forwards
//! (key, count) with the input's timestamp. Records without a key are skipped.

use eddy_plugin::{export_processor, forward, Config, Processor, Record, Store};

struct CountPerKey {
    counts: Store,
}

impl Processor for CountPerKey {
    fn init(_config: &Config) -> Result<Self, String> {
        Ok(CountPerKey { counts: Store::open("counts")? })
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        let Some(key) = record.key else { return Ok(()) };
        let count = match self.counts.get(&key) {
            Some(bytes) => String::from_utf8(bytes)
                .ok()
                .and_then(|text| text.parse::<u64>().ok())
                .ok_or("store 'counts' holds a value that is not a count")?
                + 1,
            None => 1,
        };
        let value = count.to_string().into_bytes();
        self.counts.put(&key, &value);
        forward(&Record::new(Some(key), Some(value), record.timestamp));
        Ok(())
    }
}

export_processor!(CountPerKey);
`,
    '.gitignore': 'target/\ndist/\nCargo.lock\n',
  };
}

function typescriptFunctionFiles(name: string): Record<string, string> {
  const files = typescriptFiles(name);
  delete files['test/plugin.test.ts'];
  files['package.json'] = files['package.json']!.replace('"world": "processor"', '"world": "functions"');
  files['tsconfig.json'] = files['tsconfig.json']!.replace(
    '"@eddy/sdk": [',
    '"@eddy/sdk/functions": [\n          "./node_modules/eddy/sdk/typescript/functions.ts"\n        ],\n        "@eddy/sdk": [',
  );
  files['src/index.ts'] = `// ${name}: DSL functions. A DSL step names one as <functions>.<name>
// (see tests/word-count.pipeline.yaml).

import { bytes, text } from '@eddy/sdk';
import { defineFunctions, flatValueMapper, keySelector } from '@eddy/sdk/functions';

export const dslFunctions = defineFunctions(() => ({
  // The lowercased words of a line (a null line has none).
  words: flatValueMapper((_key, value) => (value === undefined ? [] : text(value).toLowerCase().split(/\\s+/).filter(Boolean).map(bytes))),
  // The value as the new key (to count per word).
  'word-as-key': keySelector((_key, value) => value),
}));
`;
  return files;
}

function rustFunctionFiles(name: string): Record<string, string> {
  return {
    'Cargo.toml': `[package]
name = "${name}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
eddy-functions = { path = "${repositoryRoot}/sdk/rust/functions" }

# A project of its own, not part of any enclosing workspace.
[workspace]
`,
    'src/lib.rs': `//! ${name}: DSL functions. A DSL step names one as <functions>.<name>
//! (see tests/word-count.pipeline.yaml).

use eddy_functions::{export_functions, Config, Registry};

fn register(_config: &Config, f: &mut Registry) -> Result<(), String> {
    // The lowercased words of a line (a null line has none).
    f.flat_value_mapper("words", |_key, value| {
        let Some(value) = value else { return Ok(Vec::new()) };
        let line = std::str::from_utf8(value).map_err(|e| format!("not UTF-8: {e}"))?.to_lowercase();
        Ok(line.split_whitespace().map(|word| Some(word.as_bytes().to_vec())).collect())
    });
    // The value as the new key (to count per word).
    f.key_selector("word-as-key", |_key, value| Ok(value.map(<[u8]>::to_vec)));
    Ok(())
}

export_functions!(register);
`,
    '.gitignore': 'target/\ndist/\nCargo.lock\n',
  };
}

/** The Python module of a project named `name`. */
function pythonModule(name: string): string {
  return /^[0-9]/.test(name) ? `plugin_${name.replace(/-/g, '_')}` : name.replace(/-/g, '_');
}

/** A Python project's pyproject.toml. */
function pyproject(name: string, description: string, world: InitWorld): string {
  return `[project]
name = "${name}"
version = "0.1.0"
description = "${description}"

[tool.eddy]
world = "${world}"
module = "${pythonModule(name)}"

# For editors and type checkers: the SDK and its generated typing stubs.
[tool.pyright]
extraPaths = ["${repositoryRoot}/sdk/python", "${repositoryRoot}/sdk/python/bindings"]
`;
}

/** The `--world functions` template: DSL functions (a word splitter and a key selector). */
function pythonFunctionFiles(name: string): Record<string, string> {
  const module = pythonModule(name);
  return {
    'pyproject.toml': pyproject(name, 'Eddy DSL functions: a word splitter and a key selector', 'functions'),
    [`src/${module}.py`]: `# ${name}: DSL functions. A DSL step names one as <functions>.<name>
# (see tests/word-count.pipeline.yaml).
#
# Import every module at the top: \`eddy build\` runs this module once and
# snapshots it, and nothing can be imported while the plugin runs.

from typing import Optional

from eddy_plugin.functions import Config, Functions, export_functions, text


def register(config: Config, f: Functions) -> None:
    # The lowercased words of a line (a null line has none).
    @f.flat_value_mapper("words")
    def words(key: Optional[bytes], value: Optional[bytes]) -> list[str]:
        return [] if value is None else text(value).lower().split()

    # The value as the new key (to count per word).
    f.key_selector("word-as-key", lambda key, value: value)


export_functions(register)
`,
    '.gitignore': 'dist/\n__pycache__/\n',
  };
}

function pythonFiles(name: string): Record<string, string> {
  const module = pythonModule(name);
  return {
    'pyproject.toml': pyproject(name, 'An Eddy processor: counts records per key', 'processor'),
    [`src/${module}.py`]: `# ${name}: counts records per key in the store \`counts\` and forwards
# (key, count) with the input's timestamp. Records without a key are skipped.
#
# Import every module at the top: \`eddy build\` runs this module once and
# snapshots it, and nothing can be imported while the plugin runs.

from eddy_plugin import Config, Processor, Record, Store, export_processor, forward, record


class CountPerKey(Processor):
    def __init__(self, config: Config) -> None:
        self.counts = Store.open("counts")

    def process(self, input: Record) -> None:
        if input.key is None:
            return
        previous = self.counts.get(input.key)
        count = 1 if previous is None else int(previous) + 1
        value = str(count).encode()
        self.counts.put(input.key, value)
        forward(record(input.key, value, input.timestamp))


export_processor(CountPerKey)
`,
    '.gitignore': 'dist/\n__pycache__/\n',
  };
}
