// Which group member runs which task, and which keeps standby copies.
//
// Owns: the assignment decision the group leader makes at every rebalance —
// a pure function of the members' reports (the tasks each already runs, keeps
// as standby, or has local state for) and the task ids. Rules, in order:
//   1. an active task stays where it is while its member is not overloaded —
//      in all, and in the task's group (sub-topology: each sub-topology's
//      tasks are spread over the members too, as Kafka Streams does);
//   2. an orphaned task goes to a member whose process has its state (a
//      standby, or local state left behind), so it needs no full restore;
//   3. otherwise to the least-loaded member;
//   4. warm-ups (Kafka Streams' KIP-441), when the members' lags are known:
//      a stateful task whose chosen member is not caught up (its changelog
//      lag is over the acceptable recovery lag) stays active where it is
//      caught up — its current owner first — and the chosen member gets it
//      as a warm-up copy (at most `maxWarmups` in the group), until a later
//      (probing) rebalance finds that copy caught up and moves the task;
//      the balance is restored over rebalances, never by making a task wait
//      for a full restore while a caught-up copy exists;
//   5. each task gets `standbys` standby copies, on processes other than the
//      active one's, preferring processes that already hold its state;
//   6. under incremental cooperative rebalancing (withholdOwnedTasks), a task
//      that another member still runs is given to nobody in this generation:
//      its owner gives it up (commits and closes it) and asks for a follow-up
//      rebalance, which gives it to its new member — so no task ever runs on
//      two members at once while the others keep processing through both
//      rebalances. The new member keeps a standby copy meanwhile (its restore
//      starts early), when it is in another process.
// Must never: do I/O, or depend on anything but its arguments (every leader
// must reach the same answer).

import type { TaskId } from '../task/task-id.ts';

/** Task ids are compared with `===` (TaskIds are interned) and ordered by `order`. */
export interface MemberReport<T = TaskId> {
  memberId: string;
  /** Members of one process (its stream threads) share local state. */
  processId: string;
  activeTasks: T[];
  standbyTasks: T[];
  /** Tasks with a state folder in this process's state.dir. */
  stateTasks: T[];
}

export interface MemberAssignment<T = TaskId> {
  activeTasks: T[];
  /** Standby copies, warm-ups included. */
  standbyTasks: T[];
  /** The standby copies that are warm-ups: the task moves here once the copy has caught up. */
  warmupTasks: T[];
}

/** KIP-441's inputs: how far behind each process's copy of a task is. */
export interface WarmupOptions<T> {
  /** Changelog records a process's copy of `task` lacks (0 when it runs the task; undefined: no copy). */
  lag: (processId: string, task: T) => number | undefined;
  /** A copy at most this far behind counts as caught up (acceptable.recovery.lag). */
  acceptableLag: number;
  /** Warm-up copies in the whole group at once (max.warmup.replicas). */
  maxWarmups: number;
}

export function assignTasks<T>(
  members: MemberReport<T>[],
  taskIds: T[],
  standbys: number,
  order: (a: T, b: T) => number,
  /** Tasks that get standbys (those with state); all by default. */
  stateful: (task: T) => boolean = () => true,
  /** The group (sub-topology) of a task, spread evenly on its own; one group by default. */
  groupOf: (task: T) => number = () => 0,
  /** Warm-ups before a stateful task moves; none when the lags are unknown. */
  warmups?: WarmupOptions<T>,
): Map<string, MemberAssignment<T>> {
  const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
  const result = new Map<string, MemberAssignment<T>>(sorted.map((member) => [member.memberId, { activeTasks: [], standbyTasks: [], warmupTasks: [] }]));
  if (sorted.length === 0) return result;
  const tasks = [...taskIds].sort(order);
  const capacity = Math.ceil(tasks.length / sorted.length);
  const load = (memberId: string) => result.get(memberId)!.activeTasks.length;
  const groupSizes = new Map<number, number>();
  for (const task of tasks) groupSizes.set(groupOf(task), (groupSizes.get(groupOf(task)) ?? 0) + 1);
  const groupCapacity = (group: number) => Math.ceil(groupSizes.get(group)! / sorted.length);
  const groupLoad = (memberId: string, group: number) => result.get(memberId)!.activeTasks.filter((task) => groupOf(task) === group).length;
  const fits = (memberId: string, task: T) => load(memberId) < capacity && groupLoad(memberId, groupOf(task)) < groupCapacity(groupOf(task));
  const processHas = (processId: string, task: T) =>
    sorted.some(
      (member) =>
        member.processId === processId &&
        (member.standbyTasks.includes(task) || member.stateTasks.includes(task) || member.activeTasks.includes(task)),
    );
  const owner = new Map<T, MemberReport<T>>();

  // 1. Keep active tasks where they run.
  for (const task of tasks) {
    const previous = sorted.find((member) => member.activeTasks.includes(task));
    if (previous && fits(previous.memberId, task) && !owner.has(task)) {
      result.get(previous.memberId)!.activeTasks.push(task);
      owner.set(task, previous);
    }
  }
  // 2./3. Place the rest: state holders first, then the least loaded.
  for (const task of tasks) {
    if (owner.has(task)) continue;
    const fitting = sorted.filter((member) => fits(member.memberId, task));
    // Every member may be full in the task's group while one still has room overall (uneven groups).
    const open = fitting.length > 0 ? fitting : sorted.filter((member) => load(member.memberId) < capacity);
    const withState = open.filter((member) => processHas(member.processId, task));
    const pool = withState.length > 0 ? withState : open;
    const group = groupOf(task);
    const chosen = pool.reduce((best, member) => {
      const byGroup = groupLoad(member.memberId, group) - groupLoad(best.memberId, group);
      return byGroup < 0 || (byGroup === 0 && load(member.memberId) < load(best.memberId)) ? member : best;
    });
    result.get(chosen.memberId)!.activeTasks.push(task);
    owner.set(task, chosen);
  }
  // 4. Warm-ups: a task does not move to a member that would have to restore
  //    it while another member is caught up on it.
  if (warmups) {
    const caughtUp = (member: MemberReport<T>, task: T) => {
      const lag = warmups.lag(member.processId, task);
      return lag !== undefined && lag <= warmups.acceptableLag;
    };
    let warmupCount = 0;
    for (const task of tasks) {
      if (!stateful(task)) continue;
      const target = owner.get(task)!;
      if (caughtUp(target, task)) continue;
      const candidates = sorted.filter((member) => member !== target && caughtUp(member, task));
      if (candidates.length === 0) continue; // nobody is caught up: the chosen member restores it
      const previous = candidates.find((member) => member.activeTasks.includes(task));
      const keeper = previous ?? candidates.reduce((best, member) => (load(member.memberId) < load(best.memberId) ? member : best));
      const targetTasks = result.get(target.memberId)!.activeTasks;
      targetTasks.splice(targetTasks.indexOf(task), 1);
      result.get(keeper.memberId)!.activeTasks.push(task);
      owner.set(task, keeper);
      if (warmupCount < warmups.maxWarmups) {
        warmupCount++;
        result.get(target.memberId)!.warmupTasks.push(task);
        result.get(target.memberId)!.standbyTasks.push(task);
      }
    }
    for (const assignment of result.values()) assignment.activeTasks.sort(order);
  }
  // 5. Standbys, on other processes.
  if (standbys > 0) {
    const processes = [...new Set(sorted.map((member) => member.processId))];
    const standbyLoad = new Map<string, number>(sorted.map((member) => [member.memberId, 0]));
    for (const task of tasks) {
      if (!stateful(task)) continue;
      const activeProcess = owner.get(task)!.processId;
      const candidates = processes
        .filter((processId) => processId !== activeProcess)
        .sort((a, b) => {
          const stateOrder = Number(processHas(b, task)) - Number(processHas(a, task));
          return stateOrder !== 0 ? stateOrder : processLoad(a) - processLoad(b) || a.localeCompare(b);
        })
        .slice(0, standbys);
      for (const processId of candidates) {
        const member = sorted
          .filter((candidate) => candidate.processId === processId)
          .reduce((best, candidate) => (standbyLoad.get(candidate.memberId)! < standbyLoad.get(best.memberId)! ? candidate : best));
        const assigned = result.get(member.memberId)!;
        if (!assigned.standbyTasks.includes(task)) assigned.standbyTasks.push(task);
        standbyLoad.set(member.memberId, standbyLoad.get(member.memberId)! + 1);
      }
    }
    function processLoad(processId: string): number {
      return sorted.filter((member) => member.processId === processId).reduce((total, member) => total + standbyLoad.get(member.memberId)!, 0);
    }
  }
  return result;
}

/**
 * Rule 6 (incremental cooperative rebalancing, as Kafka's cooperative
 * assignors): takes out of each member's active tasks those that another
 * member reports running — they reach their new member in the follow-up
 * rebalance, once given up. A task two members claim goes to neither. A
 * withheld stateful task becomes a standby copy on its new member when no
 * claimant shares that member's process (members of one process share the
 * task's state folder). Returns the members that had tasks withheld (they
 * ask for the follow-up rebalance at once, as Kafka Streams' assignor tells
 * them to with a next rebalance time of 0).
 */
export function withholdOwnedTasks<T>(members: MemberReport<T>[], assignment: Map<string, MemberAssignment<T>>, stateful: (task: T) => boolean = () => true): Set<string> {
  const withheld = new Set<string>();
  for (const member of members) {
    const assigned = assignment.get(member.memberId);
    if (!assigned) continue;
    assigned.activeTasks = assigned.activeTasks.filter((task) => {
      const claimants = members.filter((other) => other.memberId !== member.memberId && other.activeTasks.includes(task));
      if (claimants.length === 0) return true;
      withheld.add(member.memberId);
      if (stateful(task) && !claimants.some((claimant) => claimant.processId === member.processId) && !assigned.standbyTasks.includes(task)) assigned.standbyTasks.push(task);
      return false;
    });
  }
  return withheld;
}
