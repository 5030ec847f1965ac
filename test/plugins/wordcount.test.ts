// The word-count plugins in Rust, TypeScript, JavaScript, Python, C and Go give identical
// outputs, equal to the plain-JS reference, on text with accents, CJK, emoji,
// final sigma, punctuation and empty lines.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ReferenceWordCount } from '../../bench/wordcount-reference.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { pluginPath, plugins } from '../support/plugins.ts';

const fixture = readFileSync(new URL('../fixtures/unicode-text.txt', import.meta.url), 'utf8');
// Add a decomposed accent (e + COMBINING ACUTE) and a lone final sigma case.
const lines = [...fixture.split('\n'), 'cafe\u0301 ΤΕΛΟΣ', ''];

function wordCountTopology(plugin: string) {
  return new TopologyBuilder()
    .addSource('lines', 'lines')
    .addProcessor('count', plugin, { stores: ['counts'] }, 'lines')
    .addSink('out', 'word-counts', 'count')
    .build();
}

async function runPlugin(plugin: string) {
  const driver = await TopologyTestDriver.create(wordCountTopology(plugin));
  driver.pipeInput('lines', lines.map((line, index) => ({ value: line, timestamp: 1000 + index })));
  const outputs = driver.readOutput('word-counts').map((output) => [output.key, output.value, output.timestamp]);
  const store = [...driver.storeAsText('counts')].sort();
  driver.close();
  return { outputs, store };
}

function runReference() {
  const reference = new ReferenceWordCount();
  const outputs: Array<[string, string, number]> = [];
  lines.forEach((line, index) => {
    for (const [word, count] of reference.process(line)) outputs.push([word, String(count), 1000 + index]);
  });
  const store = [...reference.counts].map(([word, count]) => [word, String(count)]).sort();
  return { outputs, store };
}

test('wordcount-rust, wordcount-ts, wordcount-js, wordcount-python, wordcount-c, wordcount-go and the JS reference agree record for record', async () => {
  const reference = runReference();
  assert.ok(reference.outputs.length > 80, 'the fixture has enough words to be meaningful');
  assert.ok(reference.outputs.some(([word]) => word === 'οδυσσευς'), 'final sigma is exercised');
  assert.ok(reference.outputs.some(([word]) => word === 'straße'), 'non-ASCII letters are exercised');
  assert.ok(reference.outputs.some(([word]) => word === '中文字符测试'), 'CJK is exercised');
  assert.ok(lines.some((line) => /\p{Extended_Pictographic}/u.test(line)) && lines.includes(''), 'emoji and empty lines are exercised');
  const rust = await runPlugin(plugins.wordcountRust());
  const typescript = await runPlugin(plugins.wordcountTs());
  const python = await runPlugin(pluginPath('wordcount-python'));
  const go = await runPlugin(pluginPath('wordcount-go'));
  const c = await runPlugin(pluginPath('wordcount-c'));
  const javascript = await runPlugin(plugins.wordcountJs());
  assert.deepEqual(rust.outputs, reference.outputs);
  assert.deepEqual(typescript.outputs, reference.outputs);
  assert.deepEqual(python.outputs, reference.outputs);
  assert.deepEqual(go.outputs, reference.outputs);
  assert.deepEqual(c.outputs, reference.outputs);
  assert.deepEqual(javascript.outputs, reference.outputs);
  assert.deepEqual(rust.store, reference.store);
  assert.deepEqual(typescript.store, reference.store);
  assert.deepEqual(python.store, reference.store);
  assert.deepEqual(go.store, reference.store);
  assert.deepEqual(c.store, reference.store);
  assert.deepEqual(javascript.store, reference.store);
});

test('a null value yields no words and a non-UTF-8 value is reported with its offset', async () => {
  const driver = await TopologyTestDriver.create(wordCountTopology(plugins.wordcountRust()));
  driver.pipeInput('lines', [{ value: null, timestamp: 1 }, { value: 'one', timestamp: 2 }]);
  assert.deepEqual(driver.readOutput('word-counts').map((output) => output.key), ['one']);
  assert.throws(
    () => driver.pipeInput('lines', { value: new Uint8Array([0x66, 0xff, 0xfe]), timestamp: 3 }),
    (error: Error & { context?: { offset?: number; node?: string } }) =>
      error.name === 'ProcessingError' && /not valid UTF-8/.test(error.message) && error.context?.offset === 2 && error.context?.node === 'count',
  );
});
