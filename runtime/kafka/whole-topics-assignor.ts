// A group assignor that gives every partition of every subscribed topic to
// every member: for a group that exists only to read whole topics (global
// stores, a Connect worker's config, status and offsets logs). Nobody in
// such a group commits offsets; after a restart a killed predecessor may
// still be a member until its session times out, and both get everything.
//
// Owns: that assignment. Must never: be used by a group whose members share
// work (they would all process everything).

import type { GroupAssignor } from './ports.ts';

export function wholeTopicsAssignor(name: string): GroupAssignor {
  return {
    name,
    subscriptionUserData: () => new Uint8Array(),
    assign: (members, partitionCounts) => {
      const partitions = Object.fromEntries([...partitionCounts].map(([topic, count]) => [topic, Array.from({ length: count }, (_, partition) => partition)]));
      return new Map(members.map((member) => [member.memberId, { partitions, userData: new Uint8Array() }]));
    },
  };
}
