// How the workers of a distributed Connect cluster share connectors and
// tasks (Kafka Connect's eager round-robin assignment): the group's leader
// lists every connector and every committed task of the config topic and
// deals them out over the members in turn, connectors first.
//
// Owns: each member's subscription data (its REST URL and how much of the
// config topic it has read), the leader's decision, and its encoding in the
// assignment's user data (the group carries no partitions: the work is the
// user data).
// Must never: give one connector or task to two members of a generation.

import type { GroupAssignor, GroupMember, MemberPartitions } from '../kafka/ports.ts';

export interface ConnectAssignment {
  leader: string;
  leaderUrl: string;
  /** How much of the config topic the leader had read when it decided. */
  configVersion: number;
  connectors: string[];
  tasks: Array<{ connector: string; task: number }>;
}

export interface ConnectAssignorSource {
  /** This member's REST URL. */
  url(): string;
  /** Reads the config topic to its end; then the snapshot below is current. */
  readConfigToEnd(): Promise<void>;
  configVersion(): number;
  /** Every connector and its committed task count. */
  work(): Array<{ connector: string; tasks: number }>;
}

interface Subscription {
  url: string;
  configVersion: number;
}

const encode = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

export function decodeAssignment(userData: Uint8Array | undefined): ConnectAssignment | undefined {
  if (!userData || userData.length === 0) return undefined;
  return JSON.parse(Buffer.from(userData).toString('utf8')) as ConnectAssignment;
}

export function connectAssignor(source: ConnectAssignorSource): GroupAssignor {
  return {
    name: 'EddyConnectAssignor',
    subscriptionUserData: () => encode({ url: source.url(), configVersion: source.configVersion() } satisfies Subscription),
    assign: async (members: GroupMember[]) => {
      await source.readConfigToEnd();
      const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
      const leader = sorted[0]!;
      const subscription = (member: GroupMember): Subscription => {
        try {
          return JSON.parse(Buffer.from(member.userData).toString('utf8')) as Subscription;
        } catch {
          return { url: '', configVersion: 0 };
        }
      };
      const work = source.work().sort((a, b) => a.connector.localeCompare(b.connector));
      const plans = new Map(sorted.map((member) => [member.memberId, { connectors: [] as string[], tasks: [] as Array<{ connector: string; task: number }> }]));
      let next = 0;
      const take = () => plans.get(sorted[next++ % sorted.length]!.memberId)!;
      for (const { connector } of work) take().connectors.push(connector);
      for (const { connector, tasks } of work) for (let task = 0; task < tasks; task++) take().tasks.push({ connector, task });
      const out = new Map<string, MemberPartitions>();
      for (const member of sorted) {
        const plan = plans.get(member.memberId)!;
        const assignment: ConnectAssignment = { leader: leader.memberId, leaderUrl: subscription(leader).url, configVersion: source.configVersion(), ...plan };
        out.set(member.memberId, { partitions: {}, userData: encode(assignment) });
      }
      return out;
    },
  };
}
