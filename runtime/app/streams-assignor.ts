// Eddy's partition assignor for a stream application's consumer group
// (a GroupAssignor, as Kafka Streams' StreamsPartitionAssignor).
//
// Owns: what each member tells the leader when it joins (its process, the
// tasks it runs, keeps as standby, or has state for — JSON user data), turning
// the leader's task assignment (task-assignment.ts) into co-partitioned topic
// assignments (task t = partition t of every source topic), and carrying each
// member's standby tasks in the assignment user data.
// Must never: assign the partitions of one task to different members, or
// know which Kafka client carries it.

import type { GroupAssignor, GroupMember, MemberPartitions } from '../kafka/ports.ts';
import { assignTasks, type MemberAssignment, type MemberReport } from './task-assignment.ts';

export const assignorName = 'EddyStreamsAssignor';

interface JoinUserData {
  eddy: 1;
  processId: string;
  activeTasks: number[];
  standbyTasks: number[];
  stateTasks: number[];
}

interface AssignmentUserData {
  eddy: 1;
  activeTasks: number[];
  standbyTasks: number[];
}

export interface StreamsAssignorOptions {
  processId: string;
  standbys: number;
  /** What this member has now; read at every join. */
  report: () => { activeTasks: number[]; standbyTasks: number[]; stateTasks: number[] };
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

export function streamsAssignor(options: StreamsAssignorOptions): GroupAssignor {
  return {
    name: assignorName,
    subscriptionUserData: () => {
      const userData: JoinUserData = { eddy: 1, processId: options.processId, ...options.report() };
      return Buffer.from(JSON.stringify(userData));
    },
    assign: (members: GroupMember[], partitionCounts: Map<string, number>): Map<string, MemberPartitions> => {
      const topics = [...partitionCounts.keys()];
      const counts = topics.map((topic) => partitionCounts.get(topic)!);
      const partitionCount = Math.min(...counts);
      if (new Set(counts).size > 1) {
        options.onError(`source topics are not co-partitioned: ${topics.map((topic, index) => `${topic} has ${counts[index]}`).join(', ')} partitions; using ${partitionCount}`);
      }
      const reports: MemberReport[] = members.map((member) => {
        const data = parse<JoinUserData>(member.userData);
        return {
          memberId: member.memberId,
          processId: data.processId ?? member.memberId,
          activeTasks: data.activeTasks ?? [],
          standbyTasks: data.standbyTasks ?? [],
          stateTasks: data.stateTasks ?? [],
        };
      });
      const taskIds = Array.from({ length: partitionCount }, (_, index) => index);
      const assignment = assignTasks(reports, taskIds, options.standbys);
      const result = new Map<string, MemberPartitions>();
      for (const member of members) {
        const tasks = assignment.get(member.memberId)!;
        const userData: AssignmentUserData = { eddy: 1, ...tasks };
        result.set(member.memberId, {
          partitions: Object.fromEntries(topics.map((topic) => [topic, [...tasks.activeTasks]])),
          userData: Buffer.from(JSON.stringify(userData)),
        });
      }
      return result;
    },
  };
}

/** The task assignment carried in a member's assignment user data (undefined if there is none). */
export function tasksOf(userData: Uint8Array | undefined): MemberAssignment | undefined {
  const data = parse<AssignmentUserData>(userData);
  if (data.eddy !== 1) return undefined;
  return { activeTasks: data.activeTasks ?? [], standbyTasks: data.standbyTasks ?? [] };
}
