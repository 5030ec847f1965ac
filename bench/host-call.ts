// Benchmark (a): what crossing into a plugin costs per record.
// A pass-through plugin (Rust) called record by record, against the same
// function in plain JS; with and without the CPU guard (per batch and, to
// show why it is per batch, per record) and the memory cap.
//   npx tsx bench/host-call.ts

import { PluginComponent, type PluginLimits } from '../runtime/plugin/component.ts';
import { runGuarded } from '../runtime/cpu-guard.ts';
import type { Processor } from '../runtime/processor/processor.ts';
import { PreparedPluginProcessor } from '../runtime/plugin/plugin-processor.ts';
import type { StreamRecord } from '../runtime/record.ts';
import { benchContext, bestRate, formatRate, plugin, printTable } from './support.ts';

const records = 200_000;
const batch = 1000;
let forwarded = 0;

const host = benchContext('passthrough', { forward: () => {
    forwarded++;
  } });

const record: StreamRecord = {
  key: new TextEncoder().encode('key-0001'),
  value: new TextEncoder().encode('a value of about forty bytes, typical-ish'),
  timestamp: 1_700_000_000_000,
  headers: [],
};

async function instance(limits: PluginLimits): Promise<Processor> {
  const component = await PluginComponent.fromFile(plugin('passthrough-rust'));
  const created = new PreparedPluginProcessor(await component.compile(limits), [], limits).get();
  created.init(host);
  return created;
}

export async function hostCallBenchmark(): Promise<string[][]> {
  const capped = await instance({ memoryBytes: 64 * 1024 * 1024, cpuMs: 5000 });
  const uncapped = await instance({ memoryBytes: 4 * 1024 * 1024 * 1024 - 65536, cpuMs: 5000 });
  const plainForward = (r: StreamRecord) => host.forward(r);
  const plainProcess = (r: StreamRecord) => plainForward(r);

  const rows: Array<[string, { perSecond: number; nsPerItem: number }]> = [];
  rows.push(['plain JS function (baseline)', bestRate(records, () => {
    for (let index = 0; index < records; index++) plainProcess(record);
  })]);
  rows.push(['plugin, no guard, 4 GiB cap (≈ no cap)', bestRate(records, () => {
    for (let index = 0; index < records; index++) uncapped.process(record);
  })]);
  rows.push(['plugin, no guard, 64 MiB cap', bestRate(records, () => {
    for (let index = 0; index < records; index++) capped.process(record);
  })]);
  rows.push([`plugin, CPU guard per ${batch} records, 64 MiB cap (what tasks do)`, bestRate(records, () => {
    for (let start = 0; start < records; start += batch) {
      runGuarded(() => {
        for (let index = 0; index < batch; index++) capped.process(record);
      }, 5000);
    }
  })]);
  const perRecord = records / 10;
  rows.push(['plugin, CPU guard per record (for comparison)', bestRate(perRecord, () => {
    for (let index = 0; index < perRecord; index++) runGuarded(() => capped.process(record), 5000);
  })]);
  if (forwarded === 0) throw new Error('nothing was forwarded');
  const baseline = rows[0]![1].nsPerItem;
  return rows.map(([name, rate]) => [name, formatRate(rate.perSecond), rate.nsPerItem.toFixed(0), `+${(rate.nsPerItem - baseline).toFixed(0)}`]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await hostCallBenchmark();
  printTable('Host-call overhead: pass-through plugin (Rust), one record per call', ['variant', 'records/s', 'ns/record', 'ns over plain JS'], rows);
}
