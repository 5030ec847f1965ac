// Window and session stores on SQLite: Kafka Streams' fetch and retention
// rules, duplicates for stream-stream joins, changelog records with Kafka
// Streams' binary keys, restore from those records, and rollback.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskDatabase } from '../../runtime/state/task-database.ts';
import type { StoreChange } from '../../runtime/state/sqlite-key-value-store.ts';
import { parseWindowChangelogKey, sessionChangelogKey, windowChangelogKey } from '../../runtime/state/window-store.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array) => new TextDecoder().decode(value);
const hex = (value: Uint8Array) => Buffer.from(value).toString('hex');

test('window changelog keys are key ‖ start ‖ sequence; session keys are key ‖ end ‖ start (big-endian)', () => {
  assert.equal(hex(windowChangelogKey(bytes('k'), 1000, 3)), '6b' + '00000000000003e8' + '00000003');
  assert.equal(hex(sessionChangelogKey(bytes('k'), 5, 10)), '6b' + '000000000000000a' + '0000000000000005');
  assert.deepEqual(parseWindowChangelogKey(windowChangelogKey(bytes('key'), 1_700_000_000_000, 7)), { key: bytes('key'), start: 1_700_000_000_000, sequence: 7 });
});

test('a window store fetches by key and time range, and forgets windows past retention', () => {
  const changes: StoreChange[] = [];
  const database = TaskDatabase.open(':memory:', { onChange: (change) => changes.push(change) });
  const store = database.windowStore('w', { retentionMs: 100_000, windowSizeMs: 10_000, retainDuplicates: false });
  store.put(bytes('a'), bytes('1'), 0);
  store.put(bytes('a'), bytes('2'), 10_000);
  store.put(bytes('b'), bytes('3'), 10_000);
  store.put(bytes('a'), bytes('2b'), 10_000); // replaces
  assert.deepEqual(store.fetchRange(bytes('a'), 0, 20_000).map((entry) => [entry.start, text(entry.value)]), [[0, '1'], [10_000, '2b']]);
  assert.deepEqual(store.fetchRange(bytes('a'), 0, 20_000, true).map((entry) => entry.start), [10_000, 0]);
  assert.equal(text(store.fetch(bytes('b'), 10_000)!), '3');
  assert.deepEqual(store.fetchKeyRange(bytes('a'), bytes('b'), 5_000, 10_000).map((entry) => `${text(entry.key)}@${entry.start}`), ['a@10000', 'b@10000']);
  // Stream time 100_000: visible from 100_000 - 100_000 + 1 = 1.
  store.put(bytes('c'), bytes('4'), 100_000);
  assert.deepEqual(store.fetchRange(bytes('a'), 0, 20_000).map((entry) => entry.start), [10_000]);
  assert.equal(store.fetch(bytes('a'), 0), undefined);
  // Far ahead: every earlier segment expires, and a write into one is skipped (but still logged).
  store.put(bytes('c'), bytes('5'), 400_000);
  store.put(bytes('late'), bytes('6'), 50_000);
  assert.deepEqual(store.all().map((entry) => `${text(entry.key)}@${entry.start}`), ['c@400000']);
  assert.deepEqual(changes.at(-1)!.key, windowChangelogKey(bytes('late'), 50_000, 0));
  // A delete is a tombstone in the changelog.
  store.put(bytes('c'), undefined, 400_000);
  assert.equal(store.fetch(bytes('c'), 400_000), undefined);
  store.flush();
  assert.equal(changes.at(-1)!.value, undefined);
  database.close();
});

test('a window store caches writes until the flush: reads see them, each window is written and logged once with its latest value', () => {
  const changes: StoreChange[] = [];
  const database = TaskDatabase.open(':memory:', { onChange: (change) => changes.push(change) });
  const store = database.windowStore('counts', { retentionMs: 100_000, windowSizeMs: 10_000, retainDuplicates: false });
  for (let count = 1; count <= 5; count++) store.put(bytes('a'), bytes(String(count)), 10_000);
  store.put(bytes('b'), bytes('x'), 10_000);
  assert.equal(text(store.fetch(bytes('a'), 10_000)!), '5', 'a read sees the cached write');
  assert.equal(changes.length, 0, 'nothing logged before the flush');
  assert.equal(store.pendingChanges, 2);
  database.flush();
  assert.deepEqual(changes.map((change) => [change.key, text(change.value!)]), [[windowChangelogKey(bytes('a'), 10_000, 0), '5'], [windowChangelogKey(bytes('b'), 10_000, 0), 'x']]);
  database.flush();
  assert.equal(changes.length, 2, 'a flush with nothing new logs nothing');
  // A scan flushes first, so it sees a write made just before it.
  store.put(bytes('a'), bytes('6'), 20_000);
  assert.deepEqual(store.fetchRange(bytes('a'), 0, 30_000).map((entry) => text(entry.value)), ['5', '6']);
  assert.equal(changes.length, 3);
  // Rolled back: the cached write and its log entry are gone.
  database.commit();
  store.put(bytes('a'), bytes('7'), 20_000);
  database.rollback();
  database.flush();
  assert.equal(changes.length, 3);
  assert.equal(text(store.fetch(bytes('a'), 20_000)!), '6');
  database.close();
});

test('with duplicates, every put is kept under its own sequence number, and null puts are ignored', () => {
  const changes: StoreChange[] = [];
  const database = TaskDatabase.open(':memory:', { onChange: (change) => changes.push(change) });
  const store = database.windowStore('joins', { retentionMs: 60_000, windowSizeMs: 1_000, retainDuplicates: true });
  store.put(bytes('k'), bytes('x'), 5);
  store.put(bytes('k'), bytes('y'), 5);
  store.put(bytes('k'), undefined, 5);
  assert.deepEqual(store.fetchRange(bytes('k'), 0, 10).map((entry) => text(entry.value)), ['x', 'y']);
  assert.deepEqual(changes.map((change) => parseWindowChangelogKey(change.key).sequence), [1, 2]);
  database.close();
});

test('a window store restored from its changelog records holds the same windows', () => {
  const changes: StoreChange[] = [];
  const source = TaskDatabase.open(':memory:', { onChange: (change) => changes.push(change) });
  const options = { retentionMs: 50_000, windowSizeMs: 5_000, retainDuplicates: false };
  const store = source.windowStore('w', options);
  for (let index = 0; index < 30; index++) store.put(bytes(`k${index % 4}`), bytes(String(index)), index * 5_000);
  source.commit();
  const restored = TaskDatabase.open(':memory:');
  restored.windowStore('w', options);
  restored.applyChangelog('w', changes, 'changelog:w', '30');
  const view = (database: TaskDatabase) => database.windowStore('w', options).all().map((entry) => `${text(entry.key)}@${entry.start}=${text(entry.value)}`);
  assert.deepEqual(view(restored), view(source));
  assert.equal(restored.windowStore('w', options).observedStreamTime, 145_000);
  assert.equal(restored.checkpoint('changelog:w'), '30');
  source.close();
  restored.close();
});

test('a restore of many records (multi-row statements) applies puts and deletes in changelog order', () => {
  const options = { retentionMs: 1_000_000, windowSizeMs: 1_000, retainDuplicates: false };
  const changes: Array<{ key: Uint8Array; value: Uint8Array | undefined }> = [];
  const expected = new Map<string, string>();
  for (let index = 0; index < 1_000; index++) {
    const key = `k${index % 37}`;
    const start = (index % 11) * 1_000;
    // Every 7th record deletes its window, every other one overwrites whatever is there.
    const value = index % 7 === 3 ? undefined : `v${index}`;
    changes.push({ key: windowChangelogKey(bytes(key), start, 0), value: value === undefined ? undefined : bytes(value) });
    if (value === undefined) expected.delete(`${key}@${start}`);
    else expected.set(`${key}@${start}`, value);
  }
  const restored = TaskDatabase.open(':memory:');
  restored.windowStore('w', options);
  restored.applyChangelog('w', changes, 'changelog:w', '1000');
  const view = new Map(restored.windowStore('w', options).all().map((entry) => [`${text(entry.key)}@${entry.start}`, text(entry.value)]));
  assert.deepEqual(view, expected);
  restored.close();
});

test('a session store finds sessions that end after and start before the given times', () => {
  const changes: StoreChange[] = [];
  const database = TaskDatabase.open(':memory:', { onChange: (change) => changes.push(change) });
  const store = database.sessionStore('s', { retentionMs: 100_000 });
  store.put(bytes('u'), 0, 10, bytes('a'));
  store.put(bytes('u'), 20, 30, bytes('b'));
  store.put(bytes('u'), 50, 50, bytes('c'));
  store.put(bytes('v'), 0, 100, bytes('d'));
  assert.deepEqual(store.findSessions(bytes('u'), 15, 45).map((entry) => `${entry.start}-${entry.end}`), ['20-30']);
  assert.deepEqual(store.findSessions(bytes('u'), 0, 100).map((entry) => text(entry.value)), ['a', 'b', 'c']);
  assert.equal(text(store.fetchSession(bytes('u'), 20, 30)!), 'b');
  store.remove(bytes('u'), 20, 30);
  assert.deepEqual(store.fetch(bytes('u')).map((entry) => text(entry.value)), ['a', 'c']);
  assert.deepEqual(changes.at(-1), { store: 's', key: sessionChangelogKey(bytes('u'), 20, 30), value: undefined });
  database.close();
});

test('rollback forgets window writes and the stream time they advanced', () => {
  const database = TaskDatabase.open(':memory:');
  const options = { retentionMs: 10_000, windowSizeMs: 1_000, retainDuplicates: false };
  const store = database.windowStore('w', options);
  store.put(bytes('a'), bytes('1'), 1_000);
  database.commit();
  store.put(bytes('a'), bytes('2'), 500_000);
  database.rollback();
  assert.equal(store.observedStreamTime, 1_000);
  assert.equal(text(store.fetch(bytes('a'), 1_000)!), '1');
  assert.equal(store.fetch(bytes('a'), 500_000), undefined);
  database.close();
});

test('a store name keeps its kind', () => {
  const database = TaskDatabase.open(':memory:');
  database.windowStore('w', { retentionMs: 1, windowSizeMs: 1, retainDuplicates: false });
  assert.throws(() => database.keyValueStore('w'), /store 'w' is a window store/);
  database.close();
});
