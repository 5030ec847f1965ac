// State written by a plugin is in the SQLite file after commit, and a new
// engine instance on the same file reads it back and continues from it.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { TopologyTestDriver } from '../../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../../runtime/topology/topology.ts';
import { plugins } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('plugin state survives a restart of the engine on the same SQLite file', async () => {
  const stateFile = join(temporaryDirectory(), 'state.db');
  const topology = new TopologyBuilder()
    .addSource('lines', 'lines')
    .addProcessor('count', plugins.wordcountRust(), { stores: ['counts'] }, 'lines')
    .addSink('out', 'counts', 'count')
    .build();

  const first = await TopologyTestDriver.create(topology, { stateFile });
  first.pipeInput('lines', [{ value: 'red green red', timestamp: 1 }]);
  first.close();

  const raw = new Database(stateFile, { readonly: true });
  const rows = raw.prepare('SELECT key, value FROM kv_counts ORDER BY key').all() as Array<{ key: Buffer; value: Buffer }>;
  raw.close();
  assert.deepEqual(rows.map((row) => [row.key.toString(), row.value.toString()]), [['green', '1'], ['red', '2']]);

  const second = await TopologyTestDriver.create(topology, { stateFile });
  assert.deepEqual([...second.storeAsText('counts')], [['green', '1'], ['red', '2']]);
  second.pipeInput('lines', [{ value: 'red blue', timestamp: 2 }]);
  assert.deepEqual(second.readOutput('counts').map((output) => `${output.key}=${output.value}`), ['red=3', 'blue=1']);
  second.close();
});
