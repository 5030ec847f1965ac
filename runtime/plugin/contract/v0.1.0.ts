// Contract version 0.1.0 (`wit/eddy-plugin.wit`): the version the host
// modules in host/ implement as they are.
//
// Owns: naming 0.1.0's WIT file. Must never: adapt anything — 0.1.0 is the
// base every later version module describes its difference from.

import { fileURLToPath } from 'node:url';
import type { ContractVersion } from './contract-version.ts';

export const contract0_1_0: ContractVersion = {
  version: '0.1.0',
  witFile: fileURLToPath(new URL('../../../wit/eddy-plugin.wit', import.meta.url)),
  adaptImports: (imports) => imports,
  connectorConfigDef: false,
  connectorRecords: 'connect-value',
  transformConfigDef: false,
};
