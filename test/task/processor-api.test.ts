// The engine's Processor API: a processor written in TypeScript runs in a
// topology exactly like a WebAssembly plugin — depth-first, with its
// context's forwards, stores, metadata and punctuators — and the engine
// replaces a processor that says it is no longer usable.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Processor, ProcessorContext } from '../../runtime/processor/processor.ts';
import type { StreamRecord } from '../../runtime/record.ts';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { plugins } from '../support/plugins.ts';
import { WindowCountProcessor, hostSupplier } from '../support/window-count-processor.ts';

const text = new TextDecoder();
const bytes = (value: string) => new TextEncoder().encode(value);

/** Keeps a running count per key in store `seen`, forwarding `key:count@topic/offset`. */
class CountingProcessor implements Processor {
  usable = true;
  private context!: ProcessorContext;
  init(context: ProcessorContext): void {
    this.context = context;
  }
  process(record: StreamRecord): void {
    const store = this.context.openStore('seen');
    if (typeof store === 'string') throw new Error(store);
    const key = record.key ?? bytes('-');
    const count = Number(text.decode(store.get(key) ?? bytes('0'))) + 1;
    store.put(key, bytes(String(count)));
    const where = this.context.metadata()!;
    this.context.forward({ ...record, value: bytes(`${text.decode(key)}:${count}@${where.topic}/${where.offset}`) });
  }
  punctuate(): void {}
  close(): void {}
}

test('a TypeScript processor and a WebAssembly plugin run in one topology, depth-first', async () => {
  // in → upper (plugin) → tally (TypeScript) → out
  const tally = hostSupplier('tally', () => new CountingProcessor());
  const topology = new TopologyBuilder()
    .addSource('in', 'lines')
    .addProcessor('upper', plugins.uppercaseTs(), {}, 'in')
    .addProcessor('tally', tally, { stores: ['seen'] }, 'upper')
    .addSink('out', 'tallies', 'tally')
    .build();
  assert.match(topology.describe(), /Processor: tally \(tally, stores: \[seen\]\)/);
  assert.match(topology.describe(), /Processor: upper \(plugin: .*uppercase/);
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('lines', [
    { key: 'a', value: 'x', timestamp: 1 },
    { key: 'b', value: 'y', timestamp: 2 },
    { key: 'a', value: 'z', timestamp: 3 },
  ]);
  assert.deepEqual(driver.readOutput('tallies').map((output) => output.value), ['a:1@lines/0', 'b:1@lines/1', 'a:2@lines/2']);
  assert.equal(tally.made, 1, 'one processor per task');
  driver.close();
});

test('a processor cannot open a store its node is not connected to', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'lines')
    .addProcessor('tally', hostSupplier('tally', () => new CountingProcessor()), {}, 'in')
    .addSink('out', 'tallies', 'tally')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  assert.throws(() => driver.pipeInput('lines', [{ key: 'a', value: 'x', timestamp: 1 }]), /node 'tally' has no access to store 'seen'/);
  driver.close();
});

test('config and limits go to a supplier, not beside it', () => {
  const builder = new TopologyBuilder().addSource('in', 'lines');
  assert.throws(() => builder.addProcessor('tally', hostSupplier('tally', () => new CountingProcessor()), { config: { a: 'b' } }, 'in'), /config and limits belong to its supplier/);
});

test('a processor uses a declared window store: windows by start, retention by stream time', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'events')
    .addProcessor('count', hostSupplier('window-count', () => new WindowCountProcessor()), {}, 'in')
    .addStateStore({ name: 'windows', kind: 'window', retentionMs: 30_000, windowSizeMs: 10_000, retainDuplicates: false }, 'count')
    .addSink('out', 'counts', 'count')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  driver.pipeInput('events', [
    { key: 'a', value: '', timestamp: 1_000 },
    { key: 'a', value: '', timestamp: 9_000 },
    { key: 'a', value: '', timestamp: 12_000 },
    { key: 'a', value: '', timestamp: 100_000 },
    // Window 0 is past retention now: a late record starts it over.
    { key: 'a', value: '', timestamp: 2_000 },
  ]);
  assert.deepEqual(driver.readOutput('counts').map((output) => output.value), ['a@0=1', 'a@0=2', 'a@10000=1', 'a@100000=1', 'a@0=1']);
  driver.close();
});

test('opening a store as the wrong kind says which kind it is', async () => {
  const topology = new TopologyBuilder()
    .addSource('in', 'events')
    .addProcessor('count', hostSupplier('window-count', () => new WindowCountProcessor()), { stores: ['windows'] }, 'in')
    .addSink('out', 'counts', 'count')
    .build();
  const driver = await TopologyTestDriver.create(topology);
  assert.throws(() => driver.pipeInput('events', [{ key: 'a', value: '', timestamp: 1 }]), /store 'windows' is not a window store \(declared: key-value\)/);
  driver.close();
});
