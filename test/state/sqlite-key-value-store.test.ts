// Key-value stores on SQLite: operations, key order, the write cache, and the
// commit / rollback boundary.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { TaskDatabase } from '../../runtime/state/task-database.ts';
import type { KeyValueCursor } from '../../runtime/state/key-value-store.ts';
import { temporaryDirectory } from '../support/temporary.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : new TextDecoder().decode(value));
const drain = (cursor: KeyValueCursor, page = 2) => {
  const out: string[] = [];
  for (let entries = cursor.next(page); entries.length > 0; entries = cursor.next(page)) {
    out.push(...entries.map((entry) => `${text(entry.key)}=${text(entry.value)}`));
  }
  return out;
};

test('get, put, delete and count, before and after commit', () => {
  const database = TaskDatabase.open(':memory:');
  const store = database.keyValueStore('s');
  assert.equal(store.get(bytes('a')), undefined);
  store.put(bytes('a'), bytes('1'));
  store.put(bytes('b'), bytes('2'));
  assert.equal(text(store.get(bytes('a'))), '1');
  assert.equal(text(store.delete(bytes('a'))), '1');
  assert.equal(store.delete(bytes('a')), undefined);
  assert.equal(store.approximateNumEntries(), 1);
  database.commit();
  assert.equal(text(store.get(bytes('b'))), '2');
  assert.equal(store.get(bytes('a')), undefined);
  database.close();
});

test('range and prefix scans are in unsigned byte order, inclusive, and see uncommitted writes', () => {
  const database = TaskDatabase.open(':memory:');
  const store = database.keyValueStore('s');
  for (const key of ['b', 'a', 'ab', 'abc', 'ac', 'b\u00ff', 'c']) store.put(bytes(key), bytes(key.toUpperCase()));
  store.put(new Uint8Array([0xff, 0x01]), bytes('high'));
  store.put(new Uint8Array([0x61, 0xff]), bytes('a-ff'));
  assert.deepEqual(drain(store.range(bytes('ab'), bytes('b'))), ['ab=AB', 'abc=ABC', 'ac=AC', 'a\ufffd=a-ff', 'b=B']);
  assert.deepEqual(drain(store.prefixScan(bytes('ab'))), ['ab=AB', 'abc=ABC']);
  const all = drain(store.range(undefined, undefined), 3);
  assert.equal(all.length, 9);
  assert.equal(all[all.length - 1], '\ufffd\u0001=high', 'byte 0xff sorts last');
  assert.deepEqual(drain(store.prefixScan(new Uint8Array([0x61, 0xff]))), ['a\ufffd=a-ff']);
  database.close();
});

test('rollback forgets everything since the last commit, including cache overflow writes', () => {
  const database = TaskDatabase.open(':memory:', { cacheMaxEntries: 4 });
  const store = database.keyValueStore('s');
  store.put(bytes('kept'), bytes('yes'));
  database.commit();
  for (let index = 0; index < 20; index++) store.put(bytes(`k${index}`), bytes(String(index)));
  assert.equal(store.approximateNumEntries(), 21);
  database.rollback();
  assert.equal(store.approximateNumEntries(), 1);
  assert.equal(text(store.get(bytes('kept'))), 'yes');
  assert.equal(store.get(bytes('k3')), undefined);
  database.close();
});

test('committed state is in the SQLite file and a new database on the file reads it back', () => {
  const file = join(temporaryDirectory(), 'task', 'state.db');
  const first = TaskDatabase.open(file);
  first.keyValueStore('counts').put(bytes('word'), bytes('7'));
  first.keyValueStore('counts').put(bytes('uncommitted-later'), bytes('x'));
  first.commit({ 'changelog:counts': '41' });
  first.keyValueStore('counts').put(bytes('lost'), bytes('never committed'));
  first.close();

  const raw = new Database(file, { readonly: true });
  const rows = raw.prepare('SELECT key, value FROM kv_counts ORDER BY key').all() as Array<{ key: Buffer; value: Buffer }>;
  assert.deepEqual(rows.map((row) => [row.key.toString(), row.value.toString()]), [['uncommitted-later', 'x'], ['word', '7']]);
  raw.close();

  const second = TaskDatabase.open(file);
  assert.deepEqual(second.storeNamesOnDisk(), ['counts']);
  assert.equal(text(second.keyValueStore('counts').get(bytes('word'))), '7');
  assert.equal(second.keyValueStore('counts').get(bytes('lost')), undefined);
  assert.equal(second.checkpoint('changelog:counts'), '41');
  second.close();
});

test('store names that could not be table or topic names are refused', () => {
  const database = TaskDatabase.open(':memory:');
  assert.throws(() => database.keyValueStore('bad"name'), /store name 'bad"name' must be/);
  database.close();
});

test('applying many changelog records (multi-row statements) keeps their order: puts, overwrites and deletes', () => {
  const changes: Array<{ key: Uint8Array; value: Uint8Array | undefined }> = [];
  const expected = new Map<string, string>();
  for (let index = 0; index < 1_000; index++) {
    const key = `k${index % 53}`;
    const value = index % 9 === 4 ? undefined : `v${index}`;
    changes.push({ key: bytes(key), value: value === undefined ? undefined : bytes(value) });
    if (value === undefined) expected.delete(key);
    else expected.set(key, value);
  }
  const database = TaskDatabase.open(':memory:');
  const store = database.keyValueStore('kv');
  assert.equal(store.get(bytes('k1')), undefined, 'cached as absent before the restore');
  database.applyChangelog('kv', changes, 'changelog:kv', '1000');
  const all = drain(store.range(undefined, undefined), 100);
  assert.deepEqual(new Map(all.map((entry) => entry.split('=') as [string, string])), expected);
  assert.equal(text(store.get(bytes('k1'))), expected.get('k1'), 'a key cached before the restore reads the restored value');
  database.close();
});
