// Benchmark: what one call of a DSL function costs (the Streams DSL calls a
// key selector, a mapper or a predicate once per record). The Rust functions
// of plugins/dsl-functions-rust — `value-as-key` (key-selector: two byte
// lists in, one out), `unicode-words` (flat-value-mapper: a line in, its
// words out) and `long-to-decimal` (value-mapper) — against the same work in
// plain JavaScript, in the same run. Best of 5 rounds after a warm-up.
//   npx tsx bench/function-call.ts [--calls 1000000]

import { parseArgs } from 'node:util';
import { defaultLimits } from '../runtime/plugin/component.ts';
import { PluginFunctionSource } from '../runtime/plugin/plugin-functions.ts';
import type { ProcessorContext } from '../runtime/processor/processor.ts';
import { benchmarkLines, bestRate, benchContext, formatRate, plugin, printTable } from './support.ts';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '1000000' } } });
const calls = Number(values.calls);

const prepared = await new PluginFunctionSource(plugin('dsl-functions-rust')).prepare(defaultLimits);
const context: ProcessorContext = benchContext('functions');
const functions = prepared.open(context);
const valueAsKey = functions.get('value-as-key', 'key-selector');
const unicodeWords = functions.get('unicode-words', 'flat-value-mapper');
const longToDecimal = functions.get('long-to-decimal', 'value-mapper');

const key = Buffer.from('12345');
const words = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog'].map((word) => Buffer.from(word));
const lines = benchmarkLines(1000).map((line) => Buffer.from(line));
const counts = Array.from({ length: 8 }, (_, index) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(index * 1000 + 7));
  return bytes;
});
const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

let sink = 0;
const rows: string[][] = [];
function measure(name: string, count: number, wasm: (index: number) => unknown, javascript: (index: number) => unknown): void {
  const plugin = bestRate(count, () => {
    for (let index = 0; index < count; index++) if (wasm(index) !== undefined) sink++;
  });
  const plain = bestRate(count, () => {
    for (let index = 0; index < count; index++) if (javascript(index) !== undefined) sink++;
  });
  rows.push([name, formatRate(count), plugin.nsPerItem.toFixed(0), plain.nsPerItem.toFixed(0), (plugin.nsPerItem / plain.nsPerItem).toFixed(1)]);
}

measure('value-as-key (key-selector)', calls, (index) => valueAsKey(key, words[index & 7]), (index) => Buffer.from(words[index & 7]!));
measure('long-to-decimal (value-mapper)', calls, (index) => longToDecimal(key, counts[index & 7]), (index) => Buffer.from(String(counts[index & 7]!.readBigInt64BE())));
measure('unicode-words (flat-value-mapper, one line)', Math.max(1, Math.floor(calls / 10)), (index) => unicodeWords(key, lines[index % lines.length]), (index) =>
  [...segmenter.segment(lines[index % lines.length]!.toString('utf8'))].filter((segment) => segment.isWordLike).map((segment) => Buffer.from(segment.segment.toLowerCase())));

printTable(`DSL function calls — ${new Date().toISOString()}, node ${process.version}`, ['function', 'calls', 'ns per call (WASM)', 'ns per call (plain JS)', 'WASM ÷ JS'], rows);
if (sink < 0) console.log(sink);
