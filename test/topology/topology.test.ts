// Topologies: the builder's checks, describe(), and pipeline files (errors
// name the field and the file).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../runtime/errors.ts';
import { PluginProcessorSupplier } from '../../runtime/plugin/plugin-processor.ts';
import { loadPipelineFile } from '../../runtime/topology/pipeline-file.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
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
