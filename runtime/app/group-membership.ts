// Which tasks a stream thread may keep when a join completes: the rule that
// keeps a member from resuming a task with state another member has moved
// past.
//
// A member may keep a task across a rebalance only when it owned the task
// the whole time: the task is in the new assignment and the member's
// membership is continuous — the same member id, and the generation right
// after the one it last received. Under the eager protocol every member takes
// part in every generation, so a gap (a SyncGroup that failed while others'
// succeeded, a session that expired, a consumer that crashed and rejoined as a
// new member) means other members may have run the task meanwhile and
// committed past what this member holds in memory. Then every task is
// released (closed, its uncommitted work rolled back) and the assigned ones
// reopen from Kafka: committed offsets and changelogs. A task missing from
// the new assignment is released at once — not when the assignment is
// applied — so that an assignment superseded before it was applied cannot
// leave a revoked task in place for a later one to hand back stale (Kafka
// Streams: onPartitionsLost closes every task dirty; onPartitionsRevoked runs
// for every generation).
// Must never: let a task be kept when the membership was interrupted, or
// depend on the order in which assignments are applied.

import type { TaskId } from '../task/task-id.ts';

/** Who this member is in the group: fixed by a completed join. */
export interface Membership {
  memberId: string;
  generationId: number;
}

export interface TaskRelease {
  /** The member held its tasks through the whole rebalance. */
  continuous: boolean;
  /** Held tasks to close now (the assigned ones among them reopen from Kafka). */
  release: TaskId[];
  /** Why the membership was not continuous (undefined when it was). */
  interruption: string | undefined;
}

/**
 * Decides, for a completed join, which of the tasks the member holds it must
 * release. `previous` is the membership the held tasks were kept under
 * (undefined: none, or it was lost — a consumer crash).
 */
export function tasksToRelease(previous: Membership | undefined, joined: Membership, held: Iterable<TaskId>, assigned: readonly TaskId[]): TaskRelease {
  const interruption =
    previous === undefined
      ? 'the consumer rejoined after losing its membership'
      : previous.memberId !== joined.memberId
        ? `the consumer rejoined as a new member (was ${previous.memberId})`
        : joined.generationId !== previous.generationId + 1
          ? `generation ${joined.generationId} follows ${previous.generationId}: this member missed a rebalance`
          : undefined;
  const heldTasks = [...held];
  const release = interruption === undefined ? heldTasks.filter((task) => !assigned.includes(task)) : heldTasks;
  return { continuous: interruption === undefined, release, interruption };
}
