// How the workers of a distributed Connect cluster share connectors and
// tasks: Kafka Connect's incremental cooperative assignment (KIP-415, the
// `sessioned` protocol Kafka Connect uses by default). Each member joins
// with what it runs; the group's leader keeps every member's work where it
// is up to its fair share (connectors and tasks counted apart), gives work
// nobody runs (new, or of a worker that left) to the members below their
// share at once, and takes the excess from members above it — revoked, and
// given to nobody in this generation. A member that had work revoked stops
// it and asks for another rebalance, in which that work, now run by nobody,
// goes to the members below their share. So a worker joining or leaving
// stops only what moves, and no connector or task ever runs on two workers.
//
// Owns: each member's subscription data (its REST URL, how much of the
// config topic it has read, what it runs), the leader's decision, and its
// encoding in the assignment's user data (the group carries no partitions:
// the work is the user data).
// Must never: give one connector or task to two members of a generation,
// nor give a member work another member still runs.

import type { GroupAssignor, GroupMember, MemberPartitions } from '../kafka/ports.ts';

export interface ConnectTask {
  connector: string;
  task: number;
}

export interface ConnectAssignment {
  leader: string;
  leaderUrl: string;
  /** How much of the config topic the leader had read when it decided. */
  configVersion: number;
  connectors: string[];
  tasks: ConnectTask[];
  /** What this member runs and must stop, given to nobody in this generation: the member asks for another rebalance once it has. */
  revokedConnectors: string[];
  revokedTasks: ConnectTask[];
}

export interface ConnectAssignorSource {
  /** This member's REST URL. */
  url(): string;
  /** Reads the config topic to its end; then the snapshot below is current. */
  readConfigToEnd(): Promise<void>;
  configVersion(): number;
  /** Every connector and its committed task count. */
  work(): Array<{ connector: string; tasks: number }>;
  /** What this member runs now (sent when it joins). */
  running(): { connectors: string[]; tasks: ConnectTask[] };
}

interface Subscription {
  url: string;
  configVersion: number;
  connectors?: string[];
  tasks?: ConnectTask[];
}

const encode = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));
const taskKey = ({ connector, task }: ConnectTask): string => `${connector}\0${task}`;
const compareTasks = (a: ConnectTask, b: ConnectTask): number => a.connector.localeCompare(b.connector) || a.task - b.task;

export function decodeAssignment(userData: Uint8Array | undefined): ConnectAssignment | undefined {
  if (!userData || userData.length === 0) return undefined;
  const decoded = JSON.parse(Buffer.from(userData).toString('utf8')) as ConnectAssignment;
  return { ...decoded, revokedConnectors: decoded.revokedConnectors ?? [], revokedTasks: decoded.revokedTasks ?? [] };
}

interface Plan<T> {
  kept: Map<string, T[]>;
  revoked: Map<string, T[]>;
}

/**
 * One kind of work (connectors, or tasks) over the members, sorted by id:
 * each member keeps what it runs up to its share (⌊n/m⌋, one more for the
 * first n mod m members by how much they run, so fewer things move), the
 * rest is revoked; work nobody runs goes to the members furthest below
 * their share. Work listed by two members stays with the first.
 */
export function balance<T>(members: string[], items: T[], key: (item: T) => string, running: Map<string, T[]>, compare: (a: T, b: T) => number): Plan<T> {
  const existing = new Map(items.map((item) => [key(item), item]));
  const owner = new Map<string, string>();
  const owned = new Map<string, T[]>(members.map((member) => [member, []]));
  for (const member of members) {
    for (const item of [...(running.get(member) ?? [])].sort(compare)) {
      const id = key(item);
      if (!existing.has(id) || owner.has(id)) continue;
      owner.set(id, member);
      owned.get(member)!.push(existing.get(id)!);
    }
  }
  const base = Math.floor(items.length / Math.max(1, members.length));
  const extra = items.length - base * members.length;
  const byLoad = [...members].sort((a, b) => owned.get(b)!.length - owned.get(a)!.length || a.localeCompare(b));
  const share = new Map(byLoad.map((member, index) => [member, base + (index < extra ? 1 : 0)]));
  const kept = new Map<string, T[]>();
  const revoked = new Map<string, T[]>();
  for (const member of members) {
    const mine = owned.get(member)!;
    kept.set(member, mine.slice(0, share.get(member)));
    revoked.set(member, mine.slice(share.get(member)));
  }
  const unowned = items.filter((item) => !owner.has(key(item))).sort(compare);
  for (const item of unowned) {
    const below = members.filter((member) => kept.get(member)!.length < share.get(member)!);
    if (below.length === 0) break;
    const neediest = below.sort((a, b) => (kept.get(a)!.length - share.get(a)!) - (kept.get(b)!.length - share.get(b)!) || a.localeCompare(b))[0]!;
    kept.get(neediest)!.push(item);
  }
  return { kept, revoked };
}

export function connectAssignor(source: ConnectAssignorSource): GroupAssignor {
  return {
    name: 'EddyConnectAssignor',
    subscriptionUserData: () => {
      const { connectors, tasks } = source.running();
      return encode({ url: source.url(), configVersion: source.configVersion(), connectors, tasks } satisfies Subscription);
    },
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
      const subscriptions = new Map(sorted.map((member) => [member.memberId, subscription(member)]));
      const ids = sorted.map((member) => member.memberId);
      const work = source.work();
      const connectors = balance(ids, work.map(({ connector }) => connector), (name) => name,
        new Map(ids.map((id) => [id, subscriptions.get(id)!.connectors ?? []])), (a, b) => a.localeCompare(b));
      const tasks = balance(ids, work.flatMap(({ connector, tasks: count }) => Array.from({ length: count }, (_, task) => ({ connector, task }))), taskKey,
        new Map(ids.map((id) => [id, subscriptions.get(id)!.tasks ?? []])), compareTasks);
      const out = new Map<string, MemberPartitions>();
      for (const id of ids) {
        const assignment: ConnectAssignment = {
          leader: leader.memberId,
          leaderUrl: subscriptions.get(leader.memberId)!.url,
          configVersion: source.configVersion(),
          connectors: connectors.kept.get(id)!,
          tasks: tasks.kept.get(id)!,
          revokedConnectors: connectors.revoked.get(id)!,
          revokedTasks: tasks.revoked.get(id)!,
        };
        out.set(id, { partitions: {}, userData: encode(assignment) });
      }
      return out;
    },
  };
}
