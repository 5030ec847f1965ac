// `eddy dry-run`: JSON lines in, JSON lines out; bad lines are reported by
// line number and nothing is processed.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pluginPath, plugins, repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { wordCountApp } from '../support/wordcount-app.ts';

function eddy(args: string[], input: string) {
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), ...args], { input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const lines = (...items: unknown[]) => items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('\n') + '\n';

test('dry-run of a component prints one output line per emitted record, in order', () => {
  const result = eddy(['dry-run', plugins.wordcountRust()], lines(
    { key: null, value: 'Hello hello', timestamp: 5 },
    '',
    { key: 'k', value: 'World', timestamp: 6, headers: [{ key: 'h', value: 'v' }] },
  ));
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split('\n').map((line) => JSON.parse(line)), [
    { topic: 'output', key: 'hello', value: '1', timestamp: 5 },
    { topic: 'output', key: 'hello', value: '2', timestamp: 5 },
    { topic: 'output', key: 'world', value: '1', timestamp: 6 },
  ]);
});

test('binary keys and values go in and come out as base64; headers are kept', () => {
  const result = eddy(['dry-run', plugins.uppercaseTs()], lines(
    { keyBase64: Buffer.from([0xff, 0x00]).toString('base64'), value: 'abc', timestamp: 1, headers: [{ key: 'h', valueBase64: '/wA=' }] },
  ));
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), {
    topic: 'output',
    keyBase64: '/wA=',
    value: 'ABC',
    timestamp: 1,
    headers: [{ key: 'h', valueBase64: '/wA=' }],
  });
});

test('malformed input lines are reported with their line numbers and nothing is processed', () => {
  const result = eddy(['dry-run', plugins.wordcountRust()], lines(
    { key: null, value: 'fine', timestamp: 1 },
    'not json',
    { value: 'no timestamp' },
    { value: 'x', timestamp: -5 },
    { vaule: 'typo', timestamp: 1 },
    { value: 3, timestamp: 1 },
    { keyBase64: '***', timestamp: 1 },
    { key: 'a', keyBase64: 'YQ==', timestamp: 1 },
    '[1, 2]',
  ));
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '', 'nothing is processed');
  const expected = [
    /input line 2: not valid JSON/,
    /input line 3: missing 'timestamp'/,
    /input line 4: 'timestamp' must be a non-negative integer/,
    /input line 5: unknown field 'vaule'/,
    /input line 6: 'value' must be a string or null/,
    /input line 7: 'keyBase64' must be a base64 string/,
    /input line 8: give 'key' or 'keyBase64', not both/,
    /input line 9: must be a JSON object/,
    /8 bad input line\(s\); nothing was processed/,
  ];
  for (const pattern of expected) assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /input line 1:/);
});

test('a plugin failure names the input line; outputs before it are printed', () => {
  const result = eddy(['dry-run', plugins.trap()], lines(
    { value: 'one', timestamp: 1 },
    { value: 'panic', timestamp: 2 },
    { value: 'never', timestamp: 3 },
  ));
  assert.equal(result.code, 1);
  assert.deepEqual(result.stdout.trim().split('\n').map((line) => JSON.parse(line).value), ['one']);
  assert.match(result.stderr, /PluginTrapError: .*boom: asked to panic.*offset=1 line=2/);
});

test('dry-run of a pipeline file, with --config node.key=value and --state', () => {
  const directory = temporaryDirectory();
  const pipeline = join(directory, 'pipeline.yaml');
  writeFileSync(pipeline, `
sources:
  - { name: in, topics: [lines] }
processors:
  - { name: upper, plugin: ${plugins.uppercaseTs()}, parents: [in] }
  - { name: count, plugin: ${plugins.wordcountRust()}, parents: [upper], stores: [counts] }
sinks:
  - { name: out, topic: counts, parents: [count] }
`);
  const state = join(directory, 'state.db');
  const first = eddy(['dry-run', pipeline, '--config', 'upper.drop-prefix=#', '--state', state], lines(
    { value: '# comment', timestamp: 1 },
    { value: 'a b a', timestamp: 2 },
  ));
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(first.stdout.trim().split('\n').map((line) => JSON.parse(line).key + '=' + JSON.parse(line).value), ['a=1', 'b=1', 'a=2']);
  const second = eddy(['dry-run', pipeline, '--state', state], lines({ value: 'a', timestamp: 3 }));
  assert.equal(JSON.parse(second.stdout).value, '3', 'state carried over through the SQLite file');
  const unknownNode = eddy(['dry-run', pipeline, '--config', 'nope.x=1'], '');
  assert.equal(unknownNode.code, 1);
  assert.match(unknownNode.stderr, /config override for 'nope': no processor of that name/);
});

test('--output-format base64 gives every key and value as base64 (windowed keys, longs); several input topics need a topic per line', () => {
  const directory = temporaryDirectory();
  const pipeline = join(directory, 'windows.yaml');
  writeFileSync(pipeline, `
stores:
  - { name: windows, kind: window, retention.ms: 3600000, window.size.ms: 10000 }
sources:
  - { name: clicks, topics: [clicks] }
  - { name: more, topics: [more-clicks] }
processors:
  - { name: count, plugin: ${pluginPath('windowed-count-rust')}, parents: [clicks, more], stores: [windows], config: { window.size.ms: 10000 } }
sinks:
  - { name: out, topic: counts, parents: [count] }
`);
  const result = eddy(['dry-run', pipeline, '--output-format', 'base64'], lines(
    { topic: 'clicks', key: 'a', value: '', timestamp: 12_000 },
    { topic: 'more-clicks', key: 'a', value: null, timestamp: 15_000 },
  ));
  assert.equal(result.code, 0, result.stderr);
  const outputs = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(Object.keys(outputs[0]!), ['topic', 'keyBase64', 'valueBase64', 'timestamp']);
  const windowed = (text: unknown) => {
    const bytes = Buffer.from(String(text), 'base64');
    return `${bytes.subarray(0, bytes.length - 8).toString()}@${bytes.readBigInt64BE(bytes.length - 8)}`;
  };
  assert.deepEqual(
    outputs.map((output) => `${windowed(output.keyBase64)}=${Buffer.from(String(output.valueBase64), 'base64').readBigInt64BE()}`),
    ['a@10000=1', 'a@10000=2'],
  );
  const untagged = eddy(['dry-run', pipeline], lines({ key: 'a', value: 'x', timestamp: 1 }));
  assert.equal(untagged.code, 1);
  assert.match(untagged.stderr, /input line 1: the topology reads several topics \(clicks, more-clicks\): give the line a "topic"/);
  const badFormat = eddy(['dry-run', pipeline, '--output-format', 'hex'], '');
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /--output-format must be text or base64, got 'hex'/);
});

test('usage errors exit with 2 and print the usage', () => {
  const result = eddy(['dry-run'], '');
  assert.equal(result.code, 2);
  assert.match(result.stderr, /dry-run takes one component/);
  assert.match(result.stderr, /Usage:/);
  // An unknown option or a missing value: the same, not a stack trace.
  for (const args of [['dry-run', '--help'], ['dry-run', 'x.yaml', '--state'], ['swap', '--node']]) {
    const refused = eddy(args, '');
    assert.equal(refused.code, 2, args.join(' '));
    assert.match(refused.stderr, /^eddy: .*(Unknown option|argument missing)/, args.join(' '));
    assert.doesNotMatch(refused.stderr, /unexpected error|    at /, args.join(' '));
  }
});

test('a file that is not a component is refused with a clear error', () => {
  const file = join(temporaryDirectory(), 'broken.wasm');
  writeFileSync(file, 'this is not wasm');
  const result = eddy(['dry-run', file], lines({ value: 'x', timestamp: 1 }));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /ComponentLoadError: not a valid WebAssembly component.*plugin=.*broken\.wasm/);
});

test('describe prints the sub-topologies of an application file, with no broker needed', () => {
  const directory = temporaryDirectory();
  const file = join(directory, 'app.yaml');
  writeFileSync(file, wordCountApp({ applicationId: 'describe-me', input: 'text', output: 'counts', stateDir: directory }));
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'runtime/bin/eddy.js'), 'describe', file], { encoding: 'utf8', env: { ...process.env, KAFKA_BROKERS: '' } });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Sub-topology: 0\n {4}Source: lines \(topics: \[text\]\)[^]*Sink: to-words \(topic: describe-me-words-repartition\)/);
  assert.match(result.stdout, /Sub-topology: 1\n {4}Source: words \(topics: \[describe-me-words-repartition\]\)[^]*Processor: count \(plugin: .*count-by-key-rust.*stores: \[counts\]\)/);
});
