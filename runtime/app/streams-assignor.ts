// Eddy's partition assignor for a stream application's consumer group
// (a GroupAssignor, as Kafka Streams' StreamsPartitionAssignor).
//
// Owns: what each member tells the leader when it joins (its process, the
// tasks it runs, keeps as standby, or has state for — JSON user data), the
// application's tasks (for each sub-topology, one task per partition of its
// source topics: `<subtopology>_<partition>`), turning the leader's task
// assignment (task-assignment.ts) into topic assignments (task s_p = partition
// p of every source topic of sub-topology s), and carrying each member's
// tasks in the assignment user data. The assignment is incremental
// cooperative: a task still running on one member is not given to another
// in the same generation (task-assignment.ts, rule 6). With the members' changelog offsets and
// the changelogs' end offsets it lets stateful tasks warm up before they move
// (KIP-441); a member asks for the next (probing) rebalance itself.
// Must never: assign the partitions of one task to different members, or
// know which Kafka client carries it.

import type { GroupAssignor, GroupMember, MemberPartitions } from '../kafka/ports.ts';
import { TaskId } from '../task/task-id.ts';
import { assignTasks, withholdOwnedTasks, type MemberAssignment, type MemberReport } from './task-assignment.ts';

export const assignorName = 'EddyStreamsAssignor';
/** Version of the user data below (2: task ids as `<subtopology>_<partition>`). */
const userDataVersion = 2;

interface JoinUserData {
  eddy: number;
  processId: string;
  activeTasks: string[];
  standbyTasks: string[];
  stateTasks: string[];
  /** Per task with local state (not running): the sum of its stores' changelog offsets applied (KIP-441's task offset sums). */
  taskOffsetSums?: Record<string, number>;
  /** Rebalances this member asked for: changes its subscription, so the coordinator rebalances. */
  rejoins?: number;
}

interface AssignmentUserData {
  eddy: number;
  activeTasks: string[];
  standbyTasks: string[];
  warmupTasks?: string[];
  /** Tasks meant for this member were withheld (another member still runs them): rejoin at once for the follow-up rebalance. */
  followup?: boolean;
}

/** A sub-topology as the assignor sees it: the topics whose partitions make its tasks. */
export interface AssignorSubtopology {
  id: number;
  sourceTopics: readonly string[];
}

export interface StreamsAssignorOptions {
  processId: string;
  standbys: number;
  subtopologies: readonly AssignorSubtopology[];
  /** Tasks that keep state (standbys are only made for these). */
  statefulSubtopologies: ReadonlySet<number>;
  /** What this member has now; read at every join. */
  report: () => MemberState;
  /**
   * The leader's view of the changelogs: per stateful task, the sum of its
   * stores' changelog end offsets. Undefined (or a failed read): no warm-ups.
   */
  changelogEndOffsets?: (tasks: TaskId[]) => Promise<Map<TaskId, number>>;
  /** acceptable.recovery.lag and max.warmup.replicas. */
  acceptableRecoveryLag: number;
  maxWarmupReplicas: number;
  onError: (message: string) => void;
}

export interface MemberState {
  activeTasks: TaskId[];
  standbyTasks: TaskId[];
  stateTasks: TaskId[];
  taskOffsetSums: Map<TaskId, number>;
  rejoins: number;
}

function parse<T>(bytes: Uint8Array | undefined): Partial<T> {
  if (!bytes || bytes.length === 0) return {};
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<T>;
  } catch {
    return {};
  }
}

function taskIds(texts: unknown): TaskId[] {
  if (!Array.isArray(texts)) return [];
  return texts.flatMap((text) => (typeof text === 'string' ? (TaskId.parse(text) ?? []) : []));
}

const texts = (ids: readonly TaskId[]) => ids.map((id) => id.toString());

export function streamsAssignor(options: StreamsAssignorOptions): GroupAssignor {
  return {
    name: assignorName,
    subscriptionUserData: () => {
      const report = options.report();
      const userData: JoinUserData = {
        eddy: userDataVersion,
        processId: options.processId,
        activeTasks: texts(report.activeTasks),
        standbyTasks: texts(report.standbyTasks),
        stateTasks: texts(report.stateTasks),
        taskOffsetSums: Object.fromEntries([...report.taskOffsetSums].map(([task, sum]) => [task.toString(), sum])),
        rejoins: report.rejoins,
      };
      return Buffer.from(JSON.stringify(userData));
    },
    assign: async (members: GroupMember[], partitionCounts: Map<string, number>): Promise<Map<string, MemberPartitions>> => {
      const tasks: TaskId[] = [];
      for (const subtopology of options.subtopologies) {
        const counts = subtopology.sourceTopics.map((topic) => partitionCounts.get(topic) ?? 0);
        const partitions = Math.min(...counts);
        if (new Set(counts).size > 1) {
          options.onError(
            `sub-topology ${subtopology.id}: source topics are not co-partitioned: ${subtopology.sourceTopics.map((topic, index) => `${topic} has ${counts[index]}`).join(', ')} partitions; using ${partitions}`,
          );
        }
        for (let partition = 0; partition < partitions; partition++) tasks.push(TaskId.of(subtopology.id, partition));
      }
      const offsetSums = new Map<string, Map<TaskId, number>>();
      const reports: MemberReport[] = members.map((member) => {
        const data = parse<JoinUserData>(member.userData);
        const current = data.eddy === userDataVersion;
        const processId = data.processId ?? member.memberId;
        const sums = offsetSums.get(processId) ?? new Map<TaskId, number>();
        offsetSums.set(processId, sums);
        for (const [text, sum] of Object.entries(current && data.taskOffsetSums ? data.taskOffsetSums : {})) {
          const task = TaskId.parse(text);
          if (task && typeof sum === 'number') sums.set(task, Math.max(sum, sums.get(task) ?? 0));
        }
        const activeTasks = current ? taskIds(data.activeTasks) : [];
        for (const task of activeTasks) sums.set(task, Number.POSITIVE_INFINITY);
        return { memberId: member.memberId, processId, activeTasks, standbyTasks: current ? taskIds(data.standbyTasks) : [], stateTasks: current ? taskIds(data.stateTasks) : [] };
      });
      const stateful = (task: TaskId) => options.statefulSubtopologies.has(task.subtopology);
      let ends: Map<TaskId, number> | undefined;
      if (options.changelogEndOffsets && tasks.some(stateful)) {
        try {
          ends = await options.changelogEndOffsets(tasks.filter(stateful));
        } catch (error) {
          options.onError(`could not read the changelogs' end offsets (tasks move without warm-up this time): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const assignment = assignTasks(reports, tasks, options.standbys, TaskId.compare, stateful, (task) => task.subtopology, ends && {
        // A running task is caught up; a copy lags by what its offsets sum misses of the end offsets.
        lag: (processId, task) => {
          const sum = offsetSums.get(processId)?.get(task);
          if (sum === undefined) return undefined;
          return sum === Number.POSITIVE_INFINITY ? 0 : Math.max(0, (ends.get(task) ?? 0) - sum);
        },
        acceptableLag: options.acceptableRecoveryLag,
        maxWarmups: options.maxWarmupReplicas,
      });
      // Incremental cooperative: a task moves in two rebalances (given up, then given).
      const followups = withholdOwnedTasks(reports, assignment, stateful);
      const result = new Map<string, MemberPartitions>();
      for (const member of members) {
        const { activeTasks, standbyTasks, warmupTasks } = assignment.get(member.memberId)!;
        const userData: AssignmentUserData = { eddy: userDataVersion, activeTasks: texts(activeTasks), standbyTasks: texts(standbyTasks), warmupTasks: texts(warmupTasks), ...(followups.has(member.memberId) ? { followup: true } : {}) };
        const partitions: Record<string, number[]> = {};
        for (const task of activeTasks) {
          for (const topic of options.subtopologies.find((subtopology) => subtopology.id === task.subtopology)!.sourceTopics) (partitions[topic] ??= []).push(task.partition);
        }
        result.set(member.memberId, { partitions, userData: Buffer.from(JSON.stringify(userData)) });
      }
      return result;
    },
  };
}

/** A member's part of the leader's decision: its tasks, and whether it must ask for a follow-up rebalance now. */
export interface ReceivedAssignment extends MemberAssignment {
  followup: boolean;
}

/** The task assignment carried in a member's assignment user data (undefined if there is none). */
export function tasksOf(userData: Uint8Array | undefined): ReceivedAssignment | undefined {
  const data = parse<AssignmentUserData>(userData);
  if (data.eddy !== userDataVersion) return undefined;
  return { activeTasks: taskIds(data.activeTasks), standbyTasks: taskIds(data.standbyTasks), warmupTasks: taskIds(data.warmupTasks), followup: data.followup === true };
}
