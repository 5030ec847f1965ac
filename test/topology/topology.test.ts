// Topologies: the builder's checks, describe(), and pipeline files (errors
// name the field and the file).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../runtime/errors.ts';
import { PluginProcessorSupplier } from '../../runtime/plugin/plugin-processor.ts';
import { loadPipelineFile } from '../../runtime/topology/pipeline-file.ts';
import type { Processor } from '../../runtime/processor/processor.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { hostSupplier } from '../support/window-count-processor.ts';
import { repositoryRoot } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('the builder refuses unknown parents, duplicate names, and topics read twice', () => {
  assert.throws(() => new TopologyBuilder().addSource('in', 't').addSink('out', 'o', 'nope'), /parent 'nope' of node 'out' does not exist/);
  assert.throws(() => new TopologyBuilder().addSource('in', 't').addSource('in', 'u'), /a node named 'in' already exists/);
  assert.throws(() => new TopologyBuilder().addSource('a', 't').addSource('b', 't'), /topic 't' is already read by source 'a'/);
  assert.throws(() => new TopologyBuilder().addSource('in', 'bad topic!'), /not a valid Kafka topic name/);
  assert.throws(() => new TopologyBuilder().build(), /at least one source/);
});

test('describe() lists nodes with their children and parents', () => {
  const topology = new TopologyBuilder()
    .addSource('lines', 'text')
    .addProcessor('count', 'wc.wasm', { stores: ['counts'] }, 'lines')
    .addSink('out', 'counts', 'count')
    .build();
  assert.equal(
    topology.describe(),
    [
      'Topologies:',
      '   Sub-topology: 0',
      '    Source: lines (topics: [text])',
      '      --> count',
      '    Processor: count (plugin: wc.wasm, stores: [counts])',
      '      --> out',
      '      <-- lines',
      '    Sink: out (topic: counts)',
      '      <-- count',
      '',
    ].join('\n'),
  );
});

function writePipeline(text: string, name = 'pipeline.yaml'): string {
  const file = join(temporaryDirectory(), name);
  writeFileSync(file, text);
  return file;
}

test('a pipeline file builds the same topology as the builder', () => {
  const file = writePipeline(`
sources:
  - name: lines
    topics: [text]
processors:
  - name: count
    plugin: ${repositoryRoot}plugins/wordcount-rust
    parents: [lines]
    stores: [counts]
    config: { greeting: hello, times: 3 }
    limits: { memoryMb: 64, cpuMs: 500 }
sinks:
  - name: out
    topic: counts
    parents: [count]
`);
  const topology = loadPipelineFile(file);
  const processor = topology.processors[0]!;
  assert.ok(processor.supplier instanceof PluginProcessorSupplier, 'a plugin node is made by the plugin supplier');
  assert.match(processor.supplier.plugin as string, /wordcount-rust\/dist\/wordcount-rust\.wasm$/);
  assert.deepEqual(processor.supplier.config, [['greeting', 'hello'], ['times', '3']]);
  assert.deepEqual(processor.stores, ['counts']);
  assert.deepEqual(processor.supplier.limits, { memoryBytes: 64 * 1024 * 1024, cpuMs: 500 });
  assert.deepEqual(topology.sinks.map((sink) => sink.topic), ['counts']);
});

test('pipeline file errors name the field and the file', () => {
  const cases: Array<[string, RegExp]> = [
    ['sources: []', /field=sources.*must be a non-empty list|must be a non-empty list.*field=sources/],
    ['sources:\n  - name: in\n    topics: [t]\nprocessors:\n  - name: p\n    parents: [in]', /must be a non-empty string.*field=processors\[0\]\.plugin/],
    ['sources:\n  - name: in\n    topics: [t]\nsinks:\n  - name: out\n    topic: o\n    parents: [missing]', /parent 'missing' of node 'out' does not exist/],
    ['sources:\n  - name: in\n    topics: [t]\nsink: []', /unknown field 'sink'/],
    ['sources:\n  - name: in\n    topics: [t]\nprocessors:\n  - name: p\n    plugin: nowhere.wasm\n    parents: [in]', /plugin 'nowhere.wasm' does not exist.*field=processors\[0\]\.plugin/],
    ['sources: [', /not valid YAML/],
  ];
  for (const [text, expected] of cases) {
    const file = writePipeline(text);
    assert.throws(() => loadPipelineFile(file), (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError for ${JSON.stringify(text)}, got ${error}`);
      assert.match(error.message, expected);
      assert.match(error.message, new RegExp(`file=${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      return true;
    });
  }
});

test('a topology splits into sub-topologies at repartition topics, numbered by sorted source names', () => {
  // words → count → out  |  lines → split → to-words (writes the topic `words` reads)
  const topology = new TopologyBuilder()
    .addSource('words', 'app-words-repartition')
    .addProcessor('count', 'count.wasm', { stores: ['counts'] }, 'words')
    .addSink('out', 'counts', 'count')
    .addSource('lines', 'text')
    .addProcessor('split', 'split.wasm', {}, 'lines')
    .addSink('to-words', 'app-words-repartition', 'split')
    .build();
  assert.deepEqual(
    topology.subtopologies.map((subtopology) => ({ ...subtopology })),
    [
      { id: 0, sources: ['lines'], sourceTopics: ['text'], nodes: ['lines', 'split', 'to-words'], stores: [], sinkTopics: ['app-words-repartition'], global: false },
      { id: 1, sources: ['words'], sourceTopics: ['app-words-repartition'], nodes: ['words', 'count', 'out'], stores: ['counts'], sinkTopics: ['counts'], global: false },
    ],
  );
  assert.deepEqual(topology.repartitionTopics, ['app-words-repartition']);
  assert.equal(topology.subtopologyOf('text')?.id, 0);
  const second = topology.forSubtopology(1);
  assert.deepEqual([...second.nodes.keys()], ['words', 'count', 'out']);
  assert.deepEqual(second.stores, ['counts']);
  assert.match(topology.describe(), /^Topologies:\n {3}Sub-topology: 0\n {4}Source: lines \(topics: \[text\]\)\n[^]*\n\n {3}Sub-topology: 1\n {4}Source: words/);
});

test('a global store is its own sub-topology without tasks: its readers do not join it, its topic is no task input, its store has no changelog', () => {
  const supplier = (description: string) => hostSupplier(description, () => ({ init() {}, process() {}, punctuate() {}, close() {} }) as unknown as Processor);
  const topology = new TopologyBuilder()
    .addGlobalStore({ name: 'users-store', kind: 'key-value' }, 'a-users', {}, 'users', 'update-users', supplier('KTABLE-SOURCE'))
    .addSource('clicks', 'clicks')
    .addProcessor('join', supplier('JOIN'), { stores: ['users-store', 'local'] }, 'clicks')
    .addSink('out', 'enriched', 'join')
    .build();
  assert.deepEqual(topology.globalSubtopologies.map(({ id, sources, nodes, stores, global }) => ({ id, sources, nodes, stores, global })), [
    { id: 0, sources: ['a-users'], nodes: ['a-users', 'update-users'], stores: ['users-store'], global: true },
  ]);
  assert.deepEqual(topology.subtopologies.map(({ id, nodes, stores }) => ({ id, nodes, stores })), [{ id: 1, nodes: ['clicks', 'join', 'out'], stores: ['local'] }], 'numbered after the global one (sorted source names), the global store not its own');
  assert.deepEqual(topology.sourceTopics, ['clicks']);
  assert.deepEqual(topology.globalTopics, ['users']);
  assert.deepEqual(topology.stores, ['local'], 'only stores with changelogs');
  assert.deepEqual(topology.globalStores, ['users-store']);
  assert.equal(topology.subtopologyOf('users')?.id, 0);
  const task = topology.forSubtopology(1);
  assert.deepEqual(task.globalStores, ['users-store'], 'a task keeps knowing which of its stores is global (read-only)');
  assert.deepEqual(task.stores, ['local']);
  assert.match(topology.describe(), /Sub-topology: 0 for global store \(will not generate tasks\)\n {4}Source: a-users \(topics: \[users\]\)/);
  assert.throws(() => new TopologyBuilder().addGlobalStore({ name: 'w', kind: 'window', retentionMs: 1, windowSizeMs: 1, retainDuplicates: false }, 's', {}, 't', 'p', supplier('X')), /must be a key-value store/);
});

test('processors that share a store are one sub-topology, even from different sources', () => {
  const topology = new TopologyBuilder()
    .addSource('a', 'topic-a')
    .addSource('b', 'topic-b')
    .addProcessor('left', 'l.wasm', { stores: ['shared'] }, 'a')
    .addProcessor('right', 'r.wasm', { stores: ['shared'] }, 'b')
    .addSource('c', 'topic-c')
    .addSink('c-out', 'out-c', 'c')
    .build();
  assert.deepEqual(
    topology.subtopologies.map((subtopology) => [subtopology.id, subtopology.sources]),
    [
      [0, ['a', 'b']],
      [1, ['c']],
    ],
  );
});

test('a pipeline file declares window and session stores with their options, and refuses bad ones', () => {
  const directory = temporaryDirectory();
  const file = join(directory, 'stores.yaml');
  const write = (stores: string) =>
    writeFileSync(file, `
stores:
${stores}
sources: [{ name: in, topics: [t] }]
processors: [{ name: p, plugin: ${repositoryRoot}plugins/wordcount-rust, parents: [in], stores: [w, s, kv] }]
`);
  write(`  - { name: w, kind: window, retention.ms: 86400000, window.size.ms: 60000, retain.duplicates: true }
  - { name: s, kind: session, retention.ms: 3600000 }`);
  const topology = loadPipelineFile(file);
  assert.deepEqual(topology.storeSpecs, [
    { name: 'w', kind: 'window', retentionMs: 86_400_000, windowSizeMs: 60_000, retainDuplicates: true },
    { name: 's', kind: 'session', retentionMs: 3_600_000 },
    { name: 'kv', kind: 'key-value' },
  ]);
  write('  - { name: w, kind: window, window.size.ms: 60000 }');
  assert.throws(() => loadPipelineFile(file), /must be a whole number of milliseconds.*field=stores\[0\]\.retention\.ms/);
  write('  - { name: w, kind: tumbling }');
  assert.throws(() => loadPipelineFile(file), /must be key-value, window or session, got 'tumbling'/);
  write('  - { name: s, kind: session, retention.ms: 10, window.size.ms: 5 }');
  assert.throws(() => loadPipelineFile(file), /unknown field for a session store.*field=stores\[0\]\.window\.size\.ms/);
});
