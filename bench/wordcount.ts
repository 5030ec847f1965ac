// Benchmark (b): word count through the topology test driver — the Rust
// plugin, the TypeScript plugin, and the plain-JS reference on the same text.
// Plugin runs include everything a task does per record: the CPU guard,
// host calls for every store get/put and forward, the SQLite-backed store
// (write cache, one commit per pipe call) and the sink.
//   npx tsx bench/wordcount.ts

import { ReferenceWordCount } from './wordcount-reference.ts';
import { TopologyTestDriver } from '../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../runtime/topology/topology.ts';
import { benchmarkLines, formatRate, plugin, printTable } from './support.ts';

async function pluginRate(folder: string, lineCount: number): Promise<{ linesPerSecond: number; words: number }> {
  const topology = new TopologyBuilder()
    .addSource('lines', 'lines')
    .addProcessor('count', plugin(folder), { stores: ['counts'] }, 'lines')
    .addSink('out', 'counts', 'count')
    .build();
  const lines = benchmarkLines(lineCount).map((value, index) => ({ value, timestamp: index }));
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('lines', lines.slice(0, Math.min(500, lineCount))); // warm-up
  driver.readAllOutput();
  const started = process.hrtime.bigint();
  driver.pipeInput('lines', lines);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const words = driver.readAllOutput().length;
  driver.close();
  return { linesPerSecond: lineCount / seconds, words };
}

function referenceRate(lineCount: number): { linesPerSecond: number; words: number } {
  const lines = benchmarkLines(lineCount);
  new ReferenceWordCount().process(lines[0]!);
  const reference = new ReferenceWordCount();
  let words = 0;
  const started = process.hrtime.bigint();
  for (const line of lines) words += reference.process(line).length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { linesPerSecond: lineCount / seconds, words };
}

export async function wordCountBenchmark(): Promise<string[][]> {
  const results: Array<[string, number, { linesPerSecond: number; words: number }]> = [
    ['plain-JS reference (in-process Map, no engine)', 100_000, referenceRate(100_000)],
    ['wordcount-rust plugin via test driver', 100_000, await pluginRate('wordcount-rust', 100_000)],
    ['wordcount-ts plugin via test driver', 10_000, await pluginRate('wordcount-ts', 10_000)],
  ];
  const rust = results[1]![2].linesPerSecond;
  return results.map(([name, lines, rate]) => [
    name,
    formatRate(lines),
    formatRate(rate.linesPerSecond),
    formatRate((rate.words / lines) * rate.linesPerSecond),
    `${(rate.linesPerSecond / rust).toFixed(2)}×`,
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await wordCountBenchmark();
  printTable('Word count on the same text (demo text, repeated)', ['implementation', 'lines', 'lines/s', 'words/s', 'vs Rust plugin'], rows);
}
