// Eddy's partition assignor for a stream application's consumer group
// (a GroupAssignor, as Kafka Streams' StreamsPartitionAssignor).
//
// Owns: what each member tells the leader when it joins (its process, the
// tasks it runs, keeps as standby, or has state for — JSON user data), the
// application's tasks (for each sub-topology, one task per partition of its
// source topics: `<subtopology>_<partition>`), turning the leader's task
// assignment (task-assignment.ts) into topic assignments (task s_p = partition
// p of every source topic of sub-topology s), and carrying each member's
// tasks in the assignment user data.
// Must never: assign the partitions of one task to different members, or
// know which Kafka client carries it.

import type { GroupAssignor, GroupMember, MemberPartitions } from '../kafka/ports.ts';
import { TaskId } from '../task/task-id.ts';
import { assignTasks, type MemberAssignment, type MemberReport } from './task-assignment.ts';

export const assignorName = 'EddyStreamsAssignor';
/** Version of the user data below (2: task ids as `<subtopology>_<partition>`). */
const userDataVersion = 2;

interface JoinUserData {
  eddy: number;
  processId: string;
  activeTasks: string[];
  standbyTasks: string[];
  stateTasks: string[];
}

interface AssignmentUserData {
  eddy: number;
  activeTasks: string[];
  standbyTasks: string[];
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
  report: () => { activeTasks: TaskId[]; standbyTasks: TaskId[]; stateTasks: TaskId[] };
  onError: (message: string) => void;
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
      };
      return Buffer.from(JSON.stringify(userData));
    },
    assign: (members: GroupMember[], partitionCounts: Map<string, number>): Map<string, MemberPartitions> => {
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
      const reports: MemberReport[] = members.map((member) => {
        const data = parse<JoinUserData>(member.userData);
        const current = data.eddy === userDataVersion;
        return {
          memberId: member.memberId,
          processId: data.processId ?? member.memberId,
          activeTasks: current ? taskIds(data.activeTasks) : [],
          standbyTasks: current ? taskIds(data.standbyTasks) : [],
          stateTasks: current ? taskIds(data.stateTasks) : [],
        };
      });
      const assignment = assignTasks(
        reports,
        tasks,
        options.standbys,
        TaskId.compare,
        (task) => options.statefulSubtopologies.has(task.subtopology),
        (task) => task.subtopology,
      );
      const result = new Map<string, MemberPartitions>();
      for (const member of members) {
        const { activeTasks, standbyTasks } = assignment.get(member.memberId)!;
        const userData: AssignmentUserData = { eddy: userDataVersion, activeTasks: texts(activeTasks), standbyTasks: texts(standbyTasks) };
        const partitions: Record<string, number[]> = {};
        for (const task of activeTasks) {
          for (const topic of options.subtopologies[task.subtopology]!.sourceTopics) (partitions[topic] ??= []).push(task.partition);
        }
        result.set(member.memberId, { partitions, userData: Buffer.from(JSON.stringify(userData)) });
      }
      return result;
    },
  };
}

/** The task assignment carried in a member's assignment user data (undefined if there is none). */
export function tasksOf(userData: Uint8Array | undefined): MemberAssignment | undefined {
  const data = parse<AssignmentUserData>(userData);
  if (data.eddy !== userDataVersion) return undefined;
  return { activeTasks: taskIds(data.activeTasks), standbyTasks: taskIds(data.standbyTasks) };
}
