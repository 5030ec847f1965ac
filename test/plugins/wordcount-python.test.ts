// wordcount-python beyond the shared parity test (wordcount.test.ts): it
// agrees with the plain-JS reference (Unicode 17, as Rust's std) on every
// code point of Unicode — CPython's own Unicode database is older, and the
// SDK patches its lowercasing from tables (sdk/python/eddy_plugin/unicode.py) —
// and it reports null and non-UTF-8 values as the Rust plugin does.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceWordCount } from '../../bench/wordcount-reference.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { pluginPath } from '../support/plugins.ts';

function wordCountTopology() {
  return new TopologyBuilder()
    .addSource('lines', 'lines')
    .addProcessor('count', pluginPath('wordcount-python'), { stores: ['counts'] }, 'lines')
    .addSink('out', 'word-counts', 'count')
    .build();
}

test('wordcount-python agrees with the reference on every Unicode code point, 64 to a line', async () => {
  const lines: string[] = [];
  for (let start = 0; start < 0x110000; start += 64) {
    let line = '';
    for (let codePoint = start; codePoint < start + 64; codePoint++) {
      if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint === 0x0a || codePoint === 0x0d) continue;
      line += String.fromCodePoint(codePoint);
    }
    lines.push(line);
  }
  const reference = new ReferenceWordCount();
  const expected = lines.flatMap((line, index) => reference.process(line).map(([word, count]) => `${word}=${count}@${index}`));
  const driver = await TopologyTestDriver.create(wordCountTopology());
  driver.pipeInput('lines', lines.map((value, timestamp) => ({ value, timestamp })));
  const actual = driver.readOutput('word-counts').map((output) => `${output.key}=${output.value}@${output.timestamp}`);
  driver.close();
  assert.ok(expected.length > 3000);
  assert.deepEqual(actual, expected);
});

test('wordcount-python: a null value yields no words and a non-UTF-8 value is reported with its offset', async () => {
  const driver = await TopologyTestDriver.create(wordCountTopology());
  driver.pipeInput('lines', [{ value: null, timestamp: 1 }, { value: 'one', timestamp: 2 }]);
  assert.deepEqual(driver.readOutput('word-counts').map((output) => output.key), ['one']);
  assert.throws(
    () => driver.pipeInput('lines', { value: new Uint8Array([0x66, 0xff, 0xfe]), timestamp: 3 }),
    (error: Error & { context?: { offset?: number; node?: string } }) =>
      error.name === 'ProcessingError' && /not valid UTF-8/.test(error.message) && error.context?.offset === 2 && error.context?.node === 'count',
  );
});
