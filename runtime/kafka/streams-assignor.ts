// The partition assignor of Eddy's consumer group, in kafkajs' assigner form.
//
// Owns: what each member tells the leader when it joins (its process, the
// tasks it runs, keeps as standby, or has state for — in the member metadata
// userData), turning the leader's task assignment (task-assignment.ts) into
// co-partitioned topic assignments (task t = partition t of every source
// topic), and carrying standby tasks to each member in the assignment
// userData. kafkajs 2.2.4 drops assignment userData after decoding, so the
// decoder is wrapped once to capture it, keyed by member id.
// Must never: assign the partitions of one task to different members.

import './kafkajs-patches.ts';
import kafkajs from 'kafkajs';
import { assignTasks, type MemberAssignment, type MemberReport } from '../app/task-assignment.ts';

const { AssignerProtocol } = kafkajs;
type Assigner = ReturnType<kafkajs.PartitionAssigner>;
export const assignorName = 'EddyStreamsAssignor';
const assignorVersion = 1;

interface JoinUserData {
  eddy: 1;
  processId: string;
  activeTasks: number[];
  standbyTasks: number[];
  stateTasks: number[];
}

interface AssignmentUserData {
  eddy: 1;
  memberId: string;
  activeTasks: number[];
  standbyTasks: number[];
}

const capturedAssignments = new Map<string, MemberAssignment>();
let decoderWrapped = false;

function wrapDecoder(): void {
  if (decoderWrapped) return;
  decoderWrapped = true;
  const memberAssignment = AssignerProtocol.MemberAssignment as { decode: (buffer: Buffer) => { userData?: Buffer } | null };
  const decode = memberAssignment.decode.bind(memberAssignment);
  memberAssignment.decode = (buffer: Buffer) => {
    const decoded = decode(buffer);
    const userData = decoded?.userData;
    if (userData && userData.length > 0) {
      try {
        const data = JSON.parse(userData.toString('utf8')) as Partial<AssignmentUserData>;
        if (data.eddy === 1 && typeof data.memberId === 'string') {
          capturedAssignments.set(data.memberId, { activeTasks: data.activeTasks ?? [], standbyTasks: data.standbyTasks ?? [] });
        }
      } catch {
        // Not ours.
      }
    }
    return decoded;
  };
}

/** The task assignment received by `memberId` at its last join, if any. */
export function takeAssignment(memberId: string): MemberAssignment | undefined {
  const assignment = capturedAssignments.get(memberId);
  capturedAssignments.delete(memberId);
  return assignment;
}

export interface AssignorOptions {
  sourceTopics: string[];
  processId: string;
  standbys: number;
  /** What this member has now; read at every join. */
  report: () => { activeTasks: number[]; standbyTasks: number[]; stateTasks: number[] };
  onError: (message: string) => void;
}

export function streamsAssignor(options: AssignorOptions): kafkajs.PartitionAssigner {
  wrapDecoder();
  return ({ cluster }): Assigner => ({
    name: assignorName,
    version: assignorVersion,
    protocol: ({ topics }) => {
      const userData: JoinUserData = { eddy: 1, processId: options.processId, ...options.report() };
      return {
        name: assignorName,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: assignorVersion, topics, userData: Buffer.from(JSON.stringify(userData)) }),
      };
    },
    assign: async ({ members, topics }) => {
      const counts = topics.map((topic) => cluster.findTopicPartitionMetadata(topic).length);
      const partitionCount = Math.min(...counts);
      if (new Set(counts).size > 1) {
        options.onError(`source topics are not co-partitioned: ${topics.map((topic, index) => `${topic} has ${counts[index]}`).join(', ')} partitions; using ${partitionCount}`);
      }
      const reports: MemberReport[] = members.map((member) => {
        const metadata = AssignerProtocol.MemberMetadata.decode(member.memberMetadata);
        let data: Partial<JoinUserData> = {};
        try {
          data = JSON.parse(metadata?.userData?.toString('utf8') || '{}') as Partial<JoinUserData>;
        } catch {
          data = {};
        }
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
      return members.map((member) => {
        const tasks = assignment.get(member.memberId)!;
        const userData: AssignmentUserData = { eddy: 1, memberId: member.memberId, ...tasks };
        return {
          memberId: member.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: assignorVersion,
            assignment: Object.fromEntries(topics.map((topic) => [topic, [...tasks.activeTasks]])),
            userData: Buffer.from(JSON.stringify(userData)),
          }),
        };
      });
    },
  });
}
