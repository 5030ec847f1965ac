// The leader's task assignment: balanced, sticky, state-aware, standbys on
// other processes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignTasks as assignTaskIds, withholdOwnedTasks, type MemberReport } from '../../runtime/app/task-assignment.ts';

const assignTasks = (members: MemberReport<number>[], taskIds: number[], standbys: number) => assignTaskIds(members, taskIds, standbys, (a, b) => a - b);
const member = (memberId: string, processId: string, report: Partial<MemberReport<number>> = {}): MemberReport<number> => ({
  memberId,
  processId,
  activeTasks: [],
  standbyTasks: [],
  stateTasks: [],
  ...report,
});
const tasks = (count: number) => Array.from({ length: count }, (_, index) => index);

test('tasks are spread evenly over new members, every task exactly once', () => {
  const result = assignTasks([member('a', 'p1'), member('b', 'p2'), member('c', 'p3')], tasks(7), 0);
  const all = [...result.values()].flatMap((assignment) => assignment.activeTasks).sort((x, y) => x - y);
  assert.deepEqual(all, tasks(7));
  for (const assignment of result.values()) assert.ok(assignment.activeTasks.length >= 2 && assignment.activeTasks.length <= 3);
});

test('running tasks stay where they are when a member joins, up to a fair share', () => {
  const result = assignTasks([member('a', 'p1', { activeTasks: [0, 1, 2, 3] }), member('b', 'p2')], tasks(4), 0);
  assert.deepEqual(result.get('a')!.activeTasks, [0, 1]);
  assert.deepEqual(result.get('b')!.activeTasks, [2, 3]);
});

test('an orphaned task goes to the process that keeps its standby', () => {
  // p1 died; p2 and p3 remain; p3 has the standby of task 1.
  const result = assignTasks(
    [member('b', 'p2', { activeTasks: [0] }), member('c', 'p3', { activeTasks: [2], standbyTasks: [1] })],
    tasks(4),
    0,
  );
  assert.ok(result.get('c')!.activeTasks.includes(1));
});

test('standbys go to other processes than the active one, and prefer existing copies', () => {
  const result = assignTasks(
    [member('a1', 'p1'), member('a2', 'p1'), member('b1', 'p2'), member('c1', 'p3', { standbyTasks: [0] })],
    tasks(4),
    1,
  );
  const processOf = new Map([['a1', 'p1'], ['a2', 'p1'], ['b1', 'p2'], ['c1', 'p3']]);
  for (const task of tasks(4)) {
    const active = [...result].find(([, assignment]) => assignment.activeTasks.includes(task))![0];
    const standbys = [...result].filter(([, assignment]) => assignment.standbyTasks.includes(task)).map(([id]) => id);
    assert.equal(standbys.length, 1, `task ${task} has one standby`);
    assert.notEqual(processOf.get(standbys[0]!), processOf.get(active), `task ${task}'s standby is on another process`);
  }
  const activeOf0 = [...result].find(([, assignment]) => assignment.activeTasks.includes(0))![0];
  if (processOf.get(activeOf0) !== 'p3') assert.ok(result.get('c1')!.standbyTasks.includes(0), 'the existing standby copy is kept');
});

test('no standby when only one process exists', () => {
  const result = assignTasks([member('a', 'p1'), member('b', 'p1')], tasks(2), 1);
  assert.deepEqual([...result.values()].flatMap((assignment) => assignment.standbyTasks), []);
});

test('each group (sub-topology) is spread over the members, even when one member ran everything', () => {
  // Tasks 0..3 are group 0 (0_0..0_3), 10..13 group 1 (1_0..1_3); member a ran all of them.
  const all = [0, 1, 2, 3, 10, 11, 12, 13];
  const result = assignTaskIds([member('a', 'p1', { activeTasks: all }), member('b', 'p2')], all, 0, (x, y) => x - y, () => true, (task) => Math.floor(task / 10));
  for (const id of ['a', 'b']) {
    const tasks = result.get(id)!.activeTasks;
    assert.equal(tasks.filter((task) => task < 10).length, 2, `${id} runs two tasks of group 0`);
    assert.equal(tasks.filter((task) => task >= 10).length, 2, `${id} runs two tasks of group 1`);
  }
  // Sticky within that: a keeps the ones it ran first.
  assert.deepEqual(result.get('a')!.activeTasks, [0, 1, 10, 11]);
});

// KIP-441: warm-ups before a stateful task moves.
const withWarmups = (members: MemberReport<number>[], taskIds: number[], lags: Record<string, Record<number, number>>, options: { maxWarmups?: number; stateful?: (task: number) => boolean } = {}) =>
  assignTaskIds(members, taskIds, 0, (a, b) => a - b, options.stateful ?? (() => true), () => 0, {
    lag: (processId, task) => lags[processId]?.[task],
    acceptableLag: 10,
    maxWarmups: options.maxWarmups ?? 2,
  });

test('a stateful task stays with its caught-up owner while the new member warms up a copy (at most max.warmup.replicas)', () => {
  const lags = { p1: { 0: 0, 1: 0, 2: 0, 3: 0 } };
  const result = withWarmups([member('a', 'p1', { activeTasks: [0, 1, 2, 3] }), member('b', 'p2')], tasks(4), lags, { maxWarmups: 1 });
  assert.deepEqual(result.get('a')!.activeTasks, [0, 1, 2, 3], 'nothing moves to a member that would have to restore it');
  assert.deepEqual(result.get('b')!.activeTasks, []);
  assert.deepEqual(result.get('b')!.warmupTasks, [2], 'one warm-up copy (the limit), of a task the balance would move');
  assert.deepEqual(result.get('b')!.standbyTasks, [2], 'a warm-up is kept like a standby copy');
});

test('a task moves once the warm-up copy is within the acceptable lag; the next one starts warming up', () => {
  const lags = { p1: { 0: 0, 1: 0, 2: 0, 3: 0 }, p2: { 2: 7, 3: 500 } };
  const result = withWarmups([member('a', 'p1', { activeTasks: [0, 1, 2, 3] }), member('b', 'p2', { standbyTasks: [2, 3] })], tasks(4), lags);
  assert.deepEqual(result.get('a')!.activeTasks, [0, 1, 3]);
  assert.deepEqual(result.get('b')!.activeTasks, [2], 'caught up (7 <= 10): it moves');
  assert.deepEqual(result.get('b')!.warmupTasks, [3], '500 behind: it keeps warming up');
});

test('stateless tasks move at once, and an orphaned task with no caught-up copy is restored where the balance puts it', () => {
  const stateless = withWarmups([member('a', 'p1', { activeTasks: [0, 1, 2, 3] }), member('b', 'p2')], tasks(4), { p1: { 0: 0, 1: 0, 2: 0, 3: 0 } }, { stateful: () => false });
  assert.deepEqual(stateless.get('b')!.activeTasks, [2, 3]);
  assert.deepEqual(stateless.get('b')!.warmupTasks, []);
  // p1 died; nobody else has the state: no one to keep it, so b takes it.
  const orphaned = withWarmups([member('b', 'p2')], tasks(2), {});
  assert.deepEqual(orphaned.get('b')!.activeTasks, [0, 1]);
  assert.deepEqual(orphaned.get('b')!.warmupTasks, []);
});

test('cooperative: a task another member still runs is withheld from its new member (a standby copy meanwhile, in another process), then given in the follow-up', () => {
  // a runs everything; b joins: tasks 2 and 3 are to move to b.
  const members = [member('a', 'p1', { activeTasks: [0, 1, 2, 3] }), member('b', 'p2')];
  const first = assignTasks(members, tasks(4), 0);
  assert.deepEqual(first.get('b')!.activeTasks, [2, 3]);
  assert.deepEqual([...withholdOwnedTasks(members, first)], ['b'], 'b is told to ask for the follow-up rebalance');
  assert.deepEqual(first.get('a')!.activeTasks, [0, 1], 'a gives up 2 and 3');
  assert.deepEqual(first.get('b')!.activeTasks, [], 'b gets nothing a still runs');
  assert.deepEqual(first.get('b')!.standbyTasks, [2, 3], 'b keeps standby copies of what will move to it');
  // The follow-up: a runs 0 and 1 only.
  const followUp = [member('a', 'p1', { activeTasks: [0, 1] }), member('b', 'p2', { standbyTasks: [2, 3] })];
  const second = assignTasks(followUp, tasks(4), 0);
  assert.equal(withholdOwnedTasks(followUp, second).size, 0);
  assert.deepEqual(second.get('a')!.activeTasks, [0, 1]);
  assert.deepEqual(second.get('b')!.activeTasks, [2, 3]);
});

test('cooperative: a task two members claim goes to neither; no standby copy in the claimant\'s own process; stateless tasks get none', () => {
  const members = [member('a', 'p1', { activeTasks: [0] }), member('b', 'p1', { activeTasks: [0, 1] }), member('c', 'p2')];
  const assignment = assignTasks(members, tasks(3), 0);
  withholdOwnedTasks(members, assignment, (task) => task !== 1);
  assert.ok(![...assignment.values()].some((entry) => entry.activeTasks.includes(0)), 'task 0 is claimed twice: nobody runs it this time');
  for (const [memberId, entry] of assignment) {
    if (memberId === 'a' || memberId === 'b') assert.ok(!entry.standbyTasks.includes(0), `${memberId} shares its process with a claimant`);
    assert.ok(!entry.standbyTasks.includes(1), 'a stateless task has no standby copy');
  }
});
