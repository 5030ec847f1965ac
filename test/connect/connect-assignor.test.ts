// The distributed workers' assignment (KIP-415, incremental cooperative):
// fair shares, work kept where it runs, excess revoked and given to nobody
// in the same generation, work nobody runs handed out at once.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { balance } from '../../runtime/connect/connect-assignor.ts';

const plan = (members: string[], items: string[], running: Record<string, string[]>) =>
  balance(members, items, (item) => item, new Map(Object.entries(running)), (a, b) => a.localeCompare(b));
const asObject = (map: Map<string, string[]>) => Object.fromEntries([...map].map(([member, list]) => [member, [...list].sort()]));
const items = ['t0', 't1', 't2', 't3', 't4', 't5'];

test('a fresh group: every item to someone, shares differ by at most one, nothing revoked', () => {
  const { kept, revoked } = plan(['a', 'b', 'c', 'd'], items, {});
  const given = [...kept.values()].flat().sort();
  assert.deepEqual(given, items);
  assert.deepEqual([...kept.values()].map((list) => list.length).sort(), [1, 1, 2, 2]);
  assert.deepEqual([...revoked.values()].flat(), []);
});

test('a member joins: the others keep their share and give up the rest, which nobody gets in this generation; the next generation gives it to the newcomer', () => {
  const first = plan(['a', 'b', 'c'], items, { a: ['t0', 't1', 't2'], b: ['t3', 't4', 't5'] });
  assert.deepEqual(asObject(first.kept), { a: ['t0', 't1'], b: ['t3', 't4'], c: [] });
  assert.deepEqual(asObject(first.revoked), { a: ['t2'], b: ['t5'], c: [] });
  // The revoked work stopped; the members join again with what they run.
  const second = plan(['a', 'b', 'c'], items, { a: first.kept.get('a')!, b: first.kept.get('b')!, c: [] });
  assert.deepEqual(asObject(second.kept), { a: ['t0', 't1'], b: ['t3', 't4'], c: ['t2', 't5'] });
  assert.deepEqual([...second.revoked.values()].flat(), []);
});

test("a member leaves: its work goes to the others at once; work listed twice stays with the first member; deleted work is given to nobody", () => {
  const left = plan(['a', 'b'], items, { a: ['t0', 't1'], b: ['t2', 't3'] });
  assert.deepEqual(asObject(left.kept), { a: ['t0', 't1', 't4'], b: ['t2', 't3', 't5'] });
  const twice = plan(['a', 'b'], ['t0', 't1'], { a: ['t0'], b: ['t0', 'gone'] });
  assert.deepEqual(asObject(twice.kept), { a: ['t0'], b: ['t1'] });
  assert.deepEqual([...twice.revoked.values()].flat(), []);
});
