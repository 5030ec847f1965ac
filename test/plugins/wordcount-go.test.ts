// wordcount-go beyond the shared parity test (wordcount.test.ts): it agrees
// with the plain-JS reference (Unicode 17, as Rust's std) on every code point
// of Unicode — Go's `unicode` package is older and has no Final_Sigma, so the
// SDK lowercases and splits from generated tables (sdk/go/words) — and it
// reports null and non-UTF-8 values exactly as the Rust plugin does.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceWordCount } from '../../bench/wordcount-reference.ts';
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

test('wordcount-go agrees with the reference on every Unicode code point, 64 to a line', async () => {
  const lines: string[] = [];
  for (let start = 0; start < 0x110000; start += 64) {
    let line = '';
    for (let codePoint = start; codePoint < start + 64; codePoint++) {
      if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint === 0x0a || codePoint === 0x0d) continue;
      line += String.fromCodePoint(codePoint);
    }
    lines.push(line);
  }
  // Final_Sigma in context: after case-ignorable marks, before digits and other sigmas.
  lines.push('ΣΑΣ Σ. ΑΣ\u0301 ΑΣ\u0301Α ΑΣ1 Α\u00adΣ ΣΣ ΑΣΣ', 'İSTANBUL ǅ ß ΐ');
  const reference = new ReferenceWordCount();
  const expected = lines.flatMap((line, index) => reference.process(line).map(([word, count]) => `${word}=${count}@${index}`));
  const driver = await TopologyTestDriver.create(wordCountTopology(pluginPath('wordcount-go')));
  driver.pipeInput('lines', lines.map((value, timestamp) => ({ value, timestamp })));
  const actual = driver.readOutput('word-counts').map((output) => `${output.key}=${output.value}@${output.timestamp}`);
  driver.close();
  assert.ok(expected.length > 3000);
  assert.deepEqual(actual, expected);
});

test('wordcount-go: null values yield no words; a non-UTF-8 value fails with the Rust plugin\'s message', async () => {
  const messages: string[] = [];
  const malformed = [[0x66, 0xff, 0xfe], [0x61, 0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x41], [0xed, 0xa0, 0x80], [0xc3]];
  for (const plugin of [plugins.wordcountRust(), pluginPath('wordcount-go')]) {
    for (const bytes of malformed) {
      const driver = await TopologyTestDriver.create(wordCountTopology(plugin));
      driver.pipeInput('lines', [{ value: null, timestamp: 1 }, { value: 'one', timestamp: 2 }]);
      assert.deepEqual(driver.readOutput('word-counts').map((output) => output.key), ['one']);
      assert.throws(
        () => driver.pipeInput('lines', { value: new Uint8Array(bytes), timestamp: 3 }),
        (error: Error & { detail?: string; context?: { offset?: number; node?: string } }) => {
          assert.equal(error.name, 'ProcessingError');
          assert.equal(error.context?.offset, 2);
          assert.equal(error.context?.node, 'count');
          messages.push(error.detail ?? error.message);
          return true;
        },
      );
      driver.close();
    }
  }
  const [rust, go] = [messages.slice(0, malformed.length), messages.slice(malformed.length)];
  assert.match(rust[0]!, /^value is not valid UTF-8: invalid utf-8 sequence of 1 bytes from index 1/);
  assert.deepEqual(go, rust);
});
