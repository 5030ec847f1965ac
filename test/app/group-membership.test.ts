// Which tasks a stream thread keeps when a join completes: only the assigned
// ones, and only when its membership went on without a gap.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tasksToRelease } from '../../runtime/app/group-membership.ts';
import { TaskId } from '../../runtime/task/task-id.ts';

const [t0, t1, t2] = [TaskId.of(0, 0), TaskId.of(0, 1), TaskId.of(1, 0)];

test('with the same member id and the next generation, assigned tasks are kept and the rest released', () => {
  const result = tasksToRelease({ memberId: 'm-1', generationId: 4 }, { memberId: 'm-1', generationId: 5 }, [t0, t1, t2], [t0, t2]);
  assert.equal(result.continuous, true);
  assert.equal(result.interruption, undefined);
  assert.deepEqual(result.release, [t1]);
});

test('a task revoked by one assignment is released even if the next one hands it back', () => {
  // The member applies joins in order, whatever happens to the tasks' opening:
  // generation 5 takes t1 away, generation 6 gives it back — t1 must not be
  // held in between (another member ran it in generation 5).
  const afterFive = tasksToRelease({ memberId: 'm-1', generationId: 4 }, { memberId: 'm-1', generationId: 5 }, [t0, t1], [t0]);
  assert.deepEqual(afterFive.release, [t1]);
  const held = [t0, t1].filter((task) => !afterFive.release.includes(task));
  const afterSix = tasksToRelease({ memberId: 'm-1', generationId: 5 }, { memberId: 'm-1', generationId: 6 }, held, [t0, t1]);
  assert.deepEqual(afterSix.release, []);
  assert.deepEqual(held, [t0], 't1 is opened again from Kafka, not kept');
});

test('a new member id releases every task, assigned or not', () => {
  const result = tasksToRelease({ memberId: 'm-1', generationId: 4 }, { memberId: 'm-2', generationId: 5 }, [t0, t1], [t0, t1]);
  assert.equal(result.continuous, false);
  assert.deepEqual(result.release, [t0, t1]);
  assert.match(result.interruption!, /new member/);
});

test('a skipped generation releases every task: others may have run them in it', () => {
  const result = tasksToRelease({ memberId: 'm-1', generationId: 4 }, { memberId: 'm-1', generationId: 6 }, [t0, t1], [t0, t1]);
  assert.equal(result.continuous, false);
  assert.deepEqual(result.release, [t0, t1]);
  assert.match(result.interruption!, /generation 6 follows 4/);
});

test('after a lost membership (a crashed consumer), the first join releases every task', () => {
  const result = tasksToRelease(undefined, { memberId: 'm-2', generationId: 9 }, [t2], [t2]);
  assert.equal(result.continuous, false);
  assert.deepEqual(result.release, [t2]);
  assert.match(result.interruption!, /losing its membership/);
});
