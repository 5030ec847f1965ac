// The versions of the `eddy:plugin` contract the host serves side by side.
//
// Owns: the list of contract versions — each with its WIT file and the
// module that turns the host's imports (host/, written for 0.1.0) into that
// version's — and finding a version by name. A component is routed to one
// version at load (world.ts picks the version whose world it fits) and gets
// that version's imports, nothing else.
// Must never: hold a version's differences itself (each lives in its own
// module beside this one, v<version>.ts), or hand a component the imports of
// a version it was not built for.

import { contract0_1_0 } from './v0.1.0.ts';
import { contract0_2_0 } from './v0.2.0.ts';
import { contract0_3_0 } from './v0.3.0.ts';
import type { ContractVersion } from './contract-version.ts';

export type { ContractVersion, HostImports } from './contract-version.ts';

/** Every version served, oldest first (world detection tries them in this order). */
export const contractVersions: readonly ContractVersion[] = [contract0_1_0, contract0_2_0, contract0_3_0];

/** The version `wit/eddy-plugin.wit` defines: what every SDK builds against unless told otherwise. */
export const defaultContractVersion: ContractVersion = contract0_1_0;

/** The contract version named `version` (e.g. `0.2.0`); undefined when the host does not serve it. */
export function findContractVersion(version: string): ContractVersion | undefined {
  return contractVersions.find((candidate) => candidate.version === version);
}

/** The contract version named `version`; throws when the host does not serve it (a caller's bug: versions come from world detection). */
export function contractVersion(version: string): ContractVersion {
  const found = findContractVersion(version);
  if (!found) throw new Error(`eddy:plugin@${version} is not a contract version this host serves (it serves ${contractVersions.map((candidate) => candidate.version).join(', ')})`);
  return found;
}
