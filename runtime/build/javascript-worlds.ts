// The worlds a TypeScript or JavaScript plugin is built for, and the SDK
// modules its code may import.
//
// Owns: the one list of (world → contract versions it can be built against,
// the first being the default when package.json names none; the SDK module
// that writes its exports) that `eddy build` checks a package.json's
// `"eddy": { "world", "contract" }` against, and the `@eddy/sdk…` module
// names esbuild resolves to sdk/typescript/. Adding a world for TS/JS means
// one entry here (and its helper in sdk/typescript/).
// Must never: decide what a world is (wit/ does, read by plugin/world.ts).

import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { defaultContractVersion, findContractVersion, type ContractVersion } from '../plugin/contract/versions.ts';
import type { WorldName } from '../plugin/world.ts';

export interface JavascriptWorld {
  /** The contract versions it can be built against; the first is the default. */
  contracts: readonly string[];
  /** How its exports are written (what the build error names). */
  helper: string;
}

export const javascriptWorlds: Readonly<Partial<Record<WorldName, JavascriptWorld>>> = {
  processor: { contracts: [defaultContractVersion.version, '0.2.0'], helper: 'export init, process, punctuate and close' },
  functions: { contracts: [defaultContractVersion.version, '0.2.0'], helper: "defineFunctions from '@eddy/sdk/functions'" },
  // config-def and exactly-once-support are 0.2.0's: the SDK's connectors export them.
  'source-connector': { contracts: ['0.2.0'], helper: "defineSourceConnector from '@eddy/sdk/connector'" },
  'sink-connector': { contracts: ['0.2.0'], helper: "defineSinkConnector from '@eddy/sdk/connector'" },
  // 0.2.0's transform world adds retriable-errors to 0.1.0's; 0.2.0 is the connectors' version.
  transform: { contracts: ['0.2.0', '0.1.0'], helper: "defineTransforms from '@eddy/sdk/transform'" },
};

/** `@eddy/sdk…` module → its file under sdk/typescript/ (longest names first: esbuild matches prefixes). */
export const javascriptSdkModules: Readonly<Record<string, string>> = {
  '@eddy/sdk/unicode': 'unicode/words.ts',
  '@eddy/sdk/functions': 'functions.ts',
  '@eddy/sdk/connector': 'connector.ts',
  '@eddy/sdk/transform': 'transform.ts',
  '@eddy/sdk': 'guest.ts',
};

/** The esbuild aliases of the SDK modules. */
export function javascriptSdkAliases(sdkDirectory: string): Record<string, string> {
  return Object.fromEntries(Object.entries(javascriptSdkModules).map(([module, file]) => [module, join(sdkDirectory, file)]));
}

/** The world and contract version of a package.json plugin (`"eddy": { "world", "contract" }`), checked against `javascriptWorlds`. */
export function javascriptBuildTarget(worldOption: unknown, contractOption: unknown, manifestFile: string): { world: WorldName; contract: ContractVersion } {
  const world = worldOption === undefined ? 'processor' : worldOption;
  const supported = typeof world === 'string' ? javascriptWorlds[world as WorldName] : undefined;
  if (!supported) {
    throw new ConfigError(`"eddy": { "world": ${JSON.stringify(world)} } is not a world TypeScript/JavaScript plugins are built for (use one of: ${Object.keys(javascriptWorlds).join(', ')})`, { file: manifestFile });
  }
  const version = contractOption === undefined ? supported.contracts[0]! : contractOption;
  const contract = typeof version === 'string' ? findContractVersion(version) : undefined;
  if (!contract) {
    throw new ConfigError(`"eddy": { "contract": ${JSON.stringify(version)} } is not a contract version of eddy:plugin (use one of: ${supported.contracts.join(', ')})`, { file: manifestFile });
  }
  if (!supported.contracts.includes(contract.version)) {
    throw new ConfigError(`the ${world} world is built against contract ${supported.contracts.join(' or ')} for TypeScript/JavaScript (${supported.helper}), not ${contract.version}`, { file: manifestFile });
  }
  return { world: world as WorldName, contract };
}
