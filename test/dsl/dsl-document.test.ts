// The `dsl:` section's errors: each names the file and the field path, and a
// function that the plugin lacks or that is of another kind is refused before
// any record is processed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../runtime/errors.ts';
import { runDryRun } from '../../runtime/testing/dry-run.ts';
import { topologyFromDocument } from '../../runtime/topology/pipeline-file.ts';
import { repositoryRoot } from '../support/plugins.ts';

const functions = { f: { plugin: 'plugins/dsl-functions-rust' } };
const compile = (streams: unknown[]) => topologyFromDocument({ dsl: { functions, streams } }, { file: 'app.yaml', baseDirectory: repositoryRoot });

function refused(streams: unknown[], field: string, message: RegExp): void {
  assert.throws(() => compile(streams), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.context.file, 'app.yaml');
    assert.equal(error.context.field, field);
    assert.match(error.message, message);
    return true;
  });
}

test('an unknown step, a step on the wrong kind of stream, an undeclared function source and an unknown reference are refused with their field', () => {
  refused([{ stream: 'in', steps: [{ flatMapValue: 'f.split-words' }] }], 'dsl.streams[0].steps[0]', /unknown step 'flatMapValue'/);
  refused([{ stream: 'in', steps: ['count'] }], 'dsl.streams[0].steps[0]', /'count' applies to a grouped.*not to a stream/);
  refused([{ stream: 'in', steps: [{ filter: 'g.has-a' }] }], 'dsl.streams[0].steps[0].filter.predicate', /not <functions>.<name>/);
  refused([{ stream: 'in', steps: [{ join: { table: 'users', joiner: 'f.join-values' } }] }], 'dsl.streams[0].steps[0].join.table', /not the name \(as:\) of an earlier table/);
  refused([{ stream: 'in', steps: [{ to: { topic: 'out', partitions: 3 } }] }], 'dsl.streams[0].steps[0].to.partitions', /unknown field/);
  refused([{ stream: 'in', table: 't' }], 'dsl.streams[0]', /exactly one of stream/);
});

test('suppress: the kind of wait, its limit and the buffer settings are checked', () => {
  const counted = (suppress: unknown) => [{ stream: 'in', steps: ['groupByKey', 'count', { suppress }] }];
  refused(counted({ until: 'forever' }), 'dsl.streams[0].steps[2].suppress.until', /must be 'window-closes'.*or 'time-limit'/);
  refused(counted({ until: 'time-limit' }), 'dsl.streams[0].steps[2].suppress.limit', /is required with until: time-limit/);
  refused(counted({ until: 'time-limit', limit: 10, whenFull: 'drop' }), 'dsl.streams[0].steps[2].suppress.whenFull', /'emit-early'.*'shut-down'/);
  refused(counted('window-closes'), 'dsl.streams[0].steps[2].suppress', /needs a windowed table/);
  const windowed = [{ stream: 'in', steps: ['groupByKey', { windowedBy: { size: 1000 } }, 'count', { suppress: { until: 'window-closes', maxRecords: 5, whenFull: 'emit-early' } }] }];
  refused(windowed, 'dsl.streams[0].steps[3].suppress', /needs a strict buffer/);
  assert.ok(compile(counted({ until: 'time-limit', limit: 10, maxRecords: 5, maxBytes: 1000 })));
});

test('a function the plugin lacks, or of another kind, fails the topology before any record', async () => {
  for (const [step, message] of [
    [{ filter: 'f.no-such-function' }, /has no function 'no-such-function'/],
    [{ filter: 'f.uppercase' }, /function 'uppercase' is a value-mapper, but this step needs a predicate/],
  ] as const) {
    const topology = compile([{ stream: 'in', steps: [step, { to: 'out' }] }]);
    const outputs: unknown[] = [];
    await assert.rejects(
      runDryRun(topology, [{ line: 1, topic: 'in', record: { key: undefined, value: new TextEncoder().encode('a'), timestamp: 1, headers: [] } }], { onOutput: (output) => outputs.push(output), onLog: () => undefined }),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
    );
    assert.deepEqual(outputs, []);
  }
});

test('process runs a Processor-API plugin inside the DSL graph (its keys go out as it forwards them); processValues keeps each record key', async () => {
  const topology = compile([
    { stream: 'lines', as: 'lines' },
    { from: 'lines', steps: [{ process: { plugin: 'plugins/wordcount-rust', stores: ['counts'] } }, { to: 'words' }] },
    { from: 'lines', steps: [{ processValues: { plugin: 'plugins/wordcount-rust', stores: ['counts'], config: {} } }, { to: 'same-keys' }] },
  ]);
  // Both steps use the plugin's store `counts` (one store: the second step's counts go on from the first's).
  const outputs: Array<{ topic: string; key: string | undefined; value: string | undefined }> = [];
  const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
  const encoder = new TextEncoder();
  await runDryRun(topology, [{ line: 1, topic: 'lines', record: { key: encoder.encode('line-1'), value: encoder.encode('b a b'), timestamp: 1, headers: [] } }], {
    onOutput: ({ topic, record }) => outputs.push({ topic, key: text(record.key), value: text(record.value) }),
    onLog: () => undefined,
  });
  assert.deepEqual(outputs.filter((output) => output.topic === 'words').map((output) => [output.key, output.value]), [['b', '1'], ['a', '1'], ['b', '2']]);
  assert.deepEqual(outputs.filter((output) => output.topic === 'same-keys').map((output) => [output.key, output.value]), [['line-1', '3'], ['line-1', '2'], ['line-1', '4']]);
});

test('repartition with a partition count declares it for the repartition topic (the application creates the topic with it)', () => {
  const topology = topologyFromDocument(
    { dsl: { functions, streams: [{ stream: 'in', steps: [{ selectKey: 'f.first-letter' }, { repartition: { name: 'by-letter', partitions: 3 } }, 'groupByKey', 'count', 'toStream', { to: 'out' }] }] } },
    { file: 'app.yaml', baseDirectory: repositoryRoot, applicationId: 'app' },
  );
  assert.deepEqual([...topology.repartitionPartitions], [['app-by-letter-repartition', 3]]);
  assert.deepEqual(topology.repartitionTopics, ['app-by-letter-repartition']);
  refused([{ stream: 'in', steps: [{ repartition: { partitions: 0 } }] }], 'dsl.streams[0].steps[0].repartition.partitions', /whole number ≥ 1/);
});

test('windowed cogroup: one kind of windows, a merger exactly when the windows are sessions, retention at least what the windows need', () => {
  const cogrouped = (windowedBy: unknown, aggregate: unknown) => [{ stream: 'in', steps: ['groupByKey', { cogroup: { aggregator: 'f.append' } }, { windowedBy }, { aggregate }] }];
  refused(cogrouped({ size: 1000, gap: 500 }, { initializer: 'f.empty-string' }), 'dsl.streams[0].steps[2].windowedBy', /needs one of size.*gap.*sliding/);
  refused(cogrouped({ sliding: 1000, advance: 100 }, { initializer: 'f.empty-string' }), 'dsl.streams[0].steps[2].windowedBy.advance', /only time windows/);
  refused(cogrouped({ gap: 500 }, { initializer: 'f.empty-string' }), 'dsl.streams[0].steps[3].aggregate.merger', /merger \(required\)/);
  refused(cogrouped({ size: 1000 }, { initializer: 'f.empty-string', merger: 'f.merge-lengths' }), 'dsl.streams[0].steps[3].aggregate.merger', /only session windows merge/);
  refused(cogrouped({ sliding: 1000, grace: 200 }, { initializer: 'f.empty-string', retention: 1500 }), 'dsl.streams[0].steps[3].aggregate', /retention 1500 ms is less than 2 × time difference \+ grace \(2200 ms\)/);
  refused(cogrouped({ gap: 1000 }, { initializer: 'f.zero', merger: 'f.merge-lengths', retention: 10 }), 'dsl.streams[0].steps[3].aggregate', /session store .* retention 10 ms is less than gap \+ grace/);
  assert.ok(compile(cogrouped({ gap: 1000 }, { initializer: 'f.zero', merger: 'f.merge-lengths' })));
});
