// wordcount-c beyond the shared parity test (wordcount.test.ts): it agrees
// with the plain-JS reference (Unicode 17, as Rust's std) on every code point
// of Unicode — its word classes and lowercasing come from tables generated
// from Node's ICU (sdk/c/generate-unicode-tables.ts), which must be current —
// and it reports null and non-UTF-8 values with the very message of
// wordcount-rust. Also plugins/uppercase-c, the stateless example.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ReferenceWordCount } from '../../bench/wordcount-reference.ts';
import { unicodeTablesFile, unicodeTablesSource } from '../../sdk/c/generate-unicode-tables.ts';
import { ProcessingError } from '../../runtime/errors.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { pluginPath, plugins } from '../support/plugins.ts';

function wordCountTopology(plugin: string) {
  return new TopologyBuilder()
    .addSource('lines', 'lines')
    .addProcessor('count', plugin, { stores: ['counts'] }, 'lines')
    .addSink('out', 'word-counts', 'count')
    .build();
}

test('the C SDK\'s Unicode tables are what Node\'s ICU generates today', () => {
  assert.equal(readFileSync(unicodeTablesFile, 'utf8'), unicodeTablesSource(), 'stale: npx tsx sdk/c/generate-unicode-tables.ts');
});

test('wordcount-c agrees with the reference on every Unicode code point, 64 to a line', async () => {
  const lines: string[] = [];
  for (let start = 0; start < 0x110000; start += 64) {
    let line = '';
    for (let codePoint = start; codePoint < start + 64; codePoint++) {
      if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint === 0x0a || codePoint === 0x0d) continue;
      line += String.fromCodePoint(codePoint);
    }
    lines.push(line);
  }
  // Final sigma in its contexts: after a cased letter, with case-ignorable marks between, before a letter, alone.
  lines.push('ΟΔΥΣΣΕΥΣ ΑΣ. Σ ΑΣ\u0301 Α\u0301Σ ΑΣΑ ΑΣ\u0301Α İSTANBUL ǅ ẞ');
  const reference = new ReferenceWordCount();
  const expected = lines.flatMap((line, index) => reference.process(line).map(([word, count]) => `${word}=${count}@${index}`));
  const driver = await TopologyTestDriver.create(wordCountTopology(pluginPath('wordcount-c')));
  driver.pipeInput('lines', lines.map((value, timestamp) => ({ value, timestamp })));
  const actual = driver.readOutput('word-counts').map((output) => `${output.key}=${output.value}@${output.timestamp}`);
  driver.close();
  assert.ok(expected.length > 3000);
  assert.deepEqual(actual, expected);
});

/** The error message each plugin gives for `value` (null if it accepts it). */
async function errorFor(plugin: string, value: Uint8Array): Promise<string | null> {
  const driver = await TopologyTestDriver.create(wordCountTopology(plugin));
  try {
    driver.pipeInput('lines', { value, timestamp: 1 });
    return null;
  } catch (error) {
    assert.ok(error instanceof ProcessingError, `${error}`);
    return error.detail;
  } finally {
    driver.close();
  }
}

test('wordcount-c: a null value yields no words; invalid UTF-8 fails with wordcount-rust\'s message, at its offset', async () => {
  const driver = await TopologyTestDriver.create(wordCountTopology(pluginPath('wordcount-c')));
  driver.pipeInput('lines', [{ value: null, timestamp: 1 }, { value: 'one', timestamp: 2 }]);
  assert.deepEqual(driver.readOutput('word-counts').map((output) => output.key), ['one']);
  assert.throws(
    () => driver.pipeInput('lines', { value: new Uint8Array([0x66, 0xff, 0xfe]), timestamp: 3 }),
    (error: Error & { context?: { offset?: number; node?: string } }) =>
      error.name === 'ProcessingError' && /not valid UTF-8/.test(error.message) && error.context?.offset === 2 && error.context?.node === 'count',
  );
  // Every kind of invalid sequence Rust's from_utf8 distinguishes: lone continuation, bad second byte,
  // surrogate, overlong, above U+10FFFF, truncated at the end, bad third and fourth bytes.
  const invalid = [
    [0x80], [0x66, 0xff, 0xfe], [0xc0, 0x80], [0xc2, 0x41], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82],
    [0xe2, 0x82, 0x41], [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98], [0xf0, 0x9f, 0x41, 0x80],
    [0xf0, 0x9f, 0x98, 0x41], [0x61, 0x62, 0xc3], [0xf5, 0x80],
  ];
  for (const bytes of invalid) {
    const value = new Uint8Array(bytes);
    const rust = await errorFor(plugins.wordcountRust(), value);
    assert.ok(rust !== null && rust.startsWith('value is not valid UTF-8: '), `${rust}`);
    assert.equal(await errorFor(pluginPath('wordcount-c'), value), rust, `bytes ${bytes.map((byte) => byte.toString(16)).join(' ')}`);
  }
  driver.close();
});

test('uppercase-c filters null values and the drop-prefix, uppercases the rest (full Unicode), keeps key, timestamp and headers', async () => {
  const topology = (config: Record<string, string>) =>
    new TopologyBuilder().addSource('in', 'in').addProcessor('upper', pluginPath('uppercase-c'), { config }, 'in').addSink('out', 'out', 'upper').build();
  const driver = await TopologyTestDriver.create(topology({ 'drop-prefix': 'skip' }));
  driver.pipeInput('in', [
    { key: 'k', value: 'hello straße ǆ ΐ', timestamp: 5, headers: [{ key: 'h', value: 'v' }] },
    { key: 'k', value: null, timestamp: 6 },
    { key: 'k', value: 'skip me', timestamp: 7 },
  ]);
  const outputs = driver.readOutput('out');
  assert.deepEqual(outputs.map((output) => [output.key, output.value, output.timestamp]), [['k', 'hello straße ǆ ΐ'.toUpperCase(), 5]]);
  assert.deepEqual(outputs[0]!.headers.map((header) => [header.key, Buffer.from(header.value).toString()]), [['h', 'v']]);
  driver.close();
  await assert.rejects(TopologyTestDriver.create(topology({ 'drop-prefix': '' })), /config 'drop-prefix' must not be empty when set/);
});
