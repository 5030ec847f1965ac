// Benchmark (b): word count through the topology test driver — the Rust,
// TypeScript, Python, C and Go plugins, and the plain-JS reference on the same text,
// in one run. Plugin runs include everything a task does per record: the CPU
// guard, host calls for every store get/put and forward, the SQLite-backed
// store (write cache, one commit per pipe call) and the sink. Per plugin also:
// component size, instantiate + init time once compiled (best of rounds), and
// the instance's linear memory after counting 1,000 lines. Rates are the best
// of `rounds` runs taken in turn (the machine is shared: a burst of other work
// should not decide a ratio).
//   npx tsx bench/wordcount.ts [rounds, default 3]

import { readFileSync } from 'node:fs';
import { ReferenceWordCount } from './wordcount-reference.ts';
import { ProcessingError } from '../runtime/errors.ts';
import { defaultLimits, PluginComponent } from '../runtime/plugin/component.ts';
import type { Processor as ProcessorExports } from '../runtime/plugin/host/wit/processor.js';
import { PluginInstance } from '../runtime/plugin/plugin-instance.ts';
import { processorImports } from '../runtime/plugin/plugin-processor.ts';
import { toWitRecord } from '../runtime/record.ts';
import { TaskDatabase } from '../runtime/state/task-database.ts';
import { TopologyTestDriver } from '../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../runtime/topology/topology.ts';
import { benchContext, benchmarkLines, bestRate, formatRate, plugin, printTable } from './support.ts';

/** Lines/s of a word-count component through the test driver (after a warm-up of 500 lines), and the words it forwarded. */
export async function wordCountRate(file: string, lineCount: number): Promise<{ linesPerSecond: number; words: number }> {
  const topology = new TopologyBuilder()
    .addSource('lines', 'lines')
    .addProcessor('count', file, { stores: ['counts'] }, 'lines')
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

export interface InstanceFigures {
  componentBytes: number;
  instantiateMs: number;
  linearMemoryBytes: number;
}

/** Size, instantiate + init time (compiled already) and linear memory after 1,000 lines, for one plugin instance. */
export async function instanceFigures(file: string): Promise<InstanceFigures> {
  const compiled = await (await PluginComponent.fromFile(file)).compile(defaultLimits);
  const database = TaskDatabase.open(':memory:');
  const counts = database.keyValueStore('counts');
  const host = { ...benchContext('count'), openStore: () => counts };
  const create = (): PluginInstance<ProcessorExports> => {
    const instance = PluginInstance.create<ProcessorExports>(compiled, host, processorImports(host));
    instance.call('init', (guest) => guest.init([]), (message) => new ProcessingError(message));
    return instance;
  };
  const rounds = 5;
  const timing = bestRate(rounds, () => {
    for (let index = 0; index < rounds; index++) create();
  }, 3);
  const instance = create();
  const encoder = new TextEncoder();
  for (const [index, line] of benchmarkLines(1000).entries()) {
    const record = toWitRecord({ key: undefined, value: encoder.encode(line), timestamp: index, headers: [] });
    instance.call('process', (guest) => guest.process(record), (message) => new ProcessingError(message));
  }
  const linearMemoryBytes = instance.memoryBytes();
  database.close();
  return { componentBytes: readFileSync(file).length, instantiateMs: timing.nsPerItem / 1e6, linearMemoryBytes };
}

export const mebibytes = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`);

type Rate = { linesPerSecond: number; words: number };
const faster = (best: Rate | undefined, next: Rate): Rate => (best && best.linesPerSecond >= next.linesPerSecond ? best : next);

export async function wordCountBenchmark(rounds = 3): Promise<string[][]> {
  const plugins: Array<[folder: string, lines: number]> = [
    ['wordcount-rust', 100_000],
    ['wordcount-ts', 10_000],
    ['wordcount-python', 20_000],
    ['wordcount-c', 100_000],
    ['wordcount-go', 100_000],
  ];
  const referenceLines = 100_000;
  let referenceBest: Rate | undefined;
  const pluginBest = new Map<string, Rate>();
  for (let round = 0; round < rounds; round++) {
    referenceBest = faster(referenceBest, referenceRate(referenceLines));
    for (const [folder, lines] of plugins) pluginBest.set(folder, faster(pluginBest.get(folder), await wordCountRate(plugin(folder), lines)));
  }
  const results: Array<[string, number, Rate, InstanceFigures | undefined]> = [
    ['plain-JS reference (in-process Map, no engine)', referenceLines, referenceBest!, undefined],
  ];
  for (const [folder, lines] of plugins) {
    results.push([`${folder} plugin via test driver`, lines, pluginBest.get(folder)!, await instanceFigures(plugin(folder))]);
  }
  const reference = results[0]![2].linesPerSecond;
  const rust = results[1]![2].linesPerSecond;
  return results.map(([name, lines, rate, figures]) => [
    name,
    formatRate(lines),
    formatRate(rate.linesPerSecond),
    formatRate((rate.words / lines) * rate.linesPerSecond),
    `${(rate.linesPerSecond / reference).toFixed(3)}×`,
    `${(rate.linesPerSecond / rust).toFixed(2)}×`,
    figures ? mebibytes(figures.componentBytes) : '—',
    figures ? `${figures.instantiateMs.toFixed(1)} ms` : '—',
    figures ? mebibytes(figures.linearMemoryBytes) : '—',
  ]);
}

export const wordCountHeader = ['implementation', 'lines', 'lines/s', 'words/s', 'vs plain JS', 'vs Rust plugin', 'component', 'instantiate + init', 'linear memory'];

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await wordCountBenchmark(Number(process.argv[2] ?? 3));
  printTable('Word count on the same text (demo text, repeated)', wordCountHeader, rows);
}
