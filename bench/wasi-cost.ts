// Benchmark: what the host's deny-by-default WASI costs.
// A Rust std plugin built for wasm32-wasip1 (plugins/misbehaving/wasi-std,
// through jco's preview1 adapter) against the same pass-through logic built
// for wasm32-unknown-unknown without WASI (plugins/passthrough-rust):
// component size, compile time, instantiation time and memory per instance,
// cost per record on a path that makes no WASI call, and cost per WASI call
// (a monotonic clock read; a stdout line, logged and dropped by the rate limit).
//   npx tsx bench/wasi-cost.ts      (after `eddy build` of both plugins)

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ProcessingError } from '../runtime/errors.ts';
import { PluginComponent, type CompiledPlugin, type PluginLimits } from '../runtime/plugin/component.ts';
import { processorImports } from '../runtime/plugin/plugin-processor.ts';
import { PluginInstance } from '../runtime/plugin/plugin-instance.ts';
import type { Processor as ProcessorExports } from '../runtime/plugin/host/wit/processor.js';
import { toWitRecord, type StreamRecord } from '../runtime/record.ts';
import { benchContext, bestRate, formatRate, plugin, printTable } from './support.ts';

const limits: PluginLimits = { memoryBytes: 64 * 1024 * 1024, cpuMs: 5000 };
const instancesMeasured = 200;
const instancesPerRound = 50;
const records = 200_000;
let forwarded = 0;
let logged = 0;

const host = benchContext('node', { forward: () => {
    forwarded++;
  }, log: () => {
    logged++;
  } });

const encoder = new TextEncoder();
const record = (value: string): ReturnType<typeof toWitRecord> =>
  toWitRecord({ key: encoder.encode('key-0001'), value: encoder.encode(value), timestamp: 1_700_000_000_000, headers: [] } satisfies StreamRecord);

type Instance = PluginInstance<ProcessorExports>;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function instantiate(compiled: CompiledPlugin, config: Array<[string, string]>): Instance {
  const instance = PluginInstance.create<ProcessorExports>(compiled, host, processorImports(host));
  instance.call('init', (guest) => guest.init(config), (message) => new ProcessingError(message));
  return instance;
}

function processRecord(instance: Instance, witRecord: ReturnType<typeof toWitRecord>): void {
  instance.call('process', (guest) => guest.process(witRecord), (message) => new ProcessingError(message));
}

interface Subject {
  name: string;
  file: string;
  config: Array<[string, string]>;
}

interface InstanceFigures {
  bytes: number;
  compileMs: number;
  instantiateUs: number;
  linearMemoryBytes: number;
  heapBytesPerInstance: number;
}

async function instanceFigures(subject: Subject): Promise<{ figures: InstanceFigures; compiled: CompiledPlugin }> {
  const component = await PluginComponent.fromFile(subject.file);
  const compileStarted = performance.now();
  const compiled = await component.compile(limits);
  const compileMs = performance.now() - compileStarted;
  // Time: the best of several rounds (the machine is shared); memory: one round kept alive.
  const timing = bestRate(instancesPerRound, () => {
    for (let index = 0; index < instancesPerRound; index++) instantiate(compiled, subject.config);
  }, 7);
  const instantiateUs = timing.nsPerItem / 1000;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const kept: Instance[] = [];
  for (let index = 0; index < instancesMeasured; index++) kept.push(instantiate(compiled, subject.config));
  gc();
  const heapBytesPerInstance = (process.memoryUsage().heapUsed - heapBefore) / instancesMeasured;
  const linearMemoryBytes = kept[0]!.memoryBytes();
  return {
    compiled,
    figures: {
      bytes: readFileSync(subject.file).length,
      compileMs,
      instantiateUs,
      linearMemoryBytes,
      heapBytesPerInstance,
    },
  };
}

export async function wasiCostBenchmark(): Promise<{ perInstance: string[][]; perCall: string[][] }> {
  const noWasi: Subject = { name: 'passthrough-rust (wasm32-unknown-unknown, no WASI)', file: plugin('passthrough-rust'), config: [] };
  const wasi: Subject = { name: 'wasi-std (wasm32-wasip1 + preview1 adapter)', file: plugin('misbehaving/wasi-std'), config: [['mode', 'passthrough']] };
  const perInstance: string[][] = [];
  const compiled = new Map<Subject, CompiledPlugin>();
  for (const subject of [noWasi, wasi]) {
    const { figures, compiled: ready } = await instanceFigures(subject);
    compiled.set(subject, ready);
    perInstance.push([
      subject.name,
      `${(figures.bytes / 1024).toFixed(0)} KiB`,
      figures.compileMs.toFixed(1),
      figures.instantiateUs.toFixed(0),
      `${(figures.linearMemoryBytes / 1024).toFixed(0)} KiB`,
      `${(figures.heapBytesPerInstance / 1024).toFixed(1)} KiB`,
    ]);
  }

  const perCall: string[][] = [];
  const passRecord = record('a value of about forty bytes, typical-ish');
  for (const subject of [noWasi, wasi]) {
    const instance = instantiate(compiled.get(subject)!, subject.config);
    const rate = bestRate(records, () => {
      for (let index = 0; index < records; index++) processRecord(instance, passRecord);
    });
    perCall.push([`pass-through record, no WASI call — ${subject.name}`, formatRate(rate.perSecond), rate.nsPerItem.toFixed(0)]);
  }

  const wasiCompiled = compiled.get(wasi)!;
  const guest = instantiate(wasiCompiled, []);
  // A monotonic clock read: Instant::now() → clock_time_get → wasi:clocks/monotonic-clock.now.
  const clockCalls = 1_000_000;
  const clockRecord = record(`clock-calls ${clockCalls}`);
  const emptyLoop = record('clock-calls 0');
  const clock = bestRate(clockCalls, () => processRecord(guest, clockRecord));
  const empty = bestRate(1, () => processRecord(guest, emptyLoop));
  const clockNs = clock.nsPerItem - empty.nsPerItem / clockCalls;
  perCall.push(['WASI call: monotonic clock read (Instant::now)', formatRate(1e9 / clockNs), clockNs.toFixed(0)]);

  // A stdout line the log accepts: fresh instances, fewer lines than the burst.
  const acceptedLines = 150;
  const rounds = 15;
  const fresh = Array.from({ length: rounds + 1 }, () => instantiate(wasiCompiled, []));
  const chattyAccepted = record(`chatty ${acceptedLines}`);
  let round = 0;
  const loggedBefore = logged;
  const accepted = bestRate(acceptedLines, () => processRecord(fresh[round++]!, chattyAccepted), rounds);
  if (logged - loggedBefore !== acceptedLines * (rounds + 1)) throw new Error(`expected every line logged, got ${logged - loggedBefore}`);
  perCall.push(['WASI call: println! line, logged', formatRate(accepted.perSecond), accepted.nsPerItem.toFixed(0)]);

  // A flood: after the burst, lines are dropped by the rate limit.
  const floodLines = 200_000;
  const flood = instantiate(wasiCompiled, []);
  const floodRecord = record(`chatty ${floodLines}`);
  processRecord(flood, record('chatty 300')); // spend the burst
  const dropped = bestRate(floodLines, () => processRecord(flood, floodRecord));
  perCall.push(['WASI call: println! line, dropped by the rate limit', formatRate(dropped.perSecond), dropped.nsPerItem.toFixed(0)]);

  if (forwarded === 0) throw new Error('nothing was forwarded');
  return { perInstance, perCall };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`WASI cost — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
  const { perInstance, perCall } = await wasiCostBenchmark();
  printTable(
    `Per instance (64 MiB cap; time: best of 7 rounds of ${instancesPerRound}; memory: ${instancesMeasured} kept alive)`,
    ['plugin', 'component', 'compile ms', 'instantiate + init µs', 'linear memory', 'JS heap / instance'],
    perInstance,
  );
  printTable('Per call', ['what', 'per second', 'ns each'], perCall);
}
