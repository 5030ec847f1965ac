// Contract version 0.3.0 (`wit/0.3.0/eddy-plugin.wit`): 0.2.0 with the
// connector worlds' records in Kafka Connect's full data model, with
// headers — a source task's `source-record` and a sink task's `sink-record`
// hold a `connect-record`, as transforms do, where 0.2.0 had the small
// `connect-value` — and transform plugins that declare each class's
// configuration keys (`transformation.config-def`).
//
// Owns: saying so (`connectorRecords`, `transformConfigDef`); the worker (runtime/connect/)
// reads and writes either shape through the same Connect data, and
// plugin-connector.ts hands each task the shape of its version.
// Must never: change any import: they are 0.2.0's, adapted the same way.

import { fileURLToPath } from 'node:url';
import type { ContractVersion } from './contract-version.ts';
import { contract0_2_0 } from './v0.2.0.ts';

export const contract0_3_0: ContractVersion = {
  version: '0.3.0',
  witFile: fileURLToPath(new URL('../../../wit/0.3.0/eddy-plugin.wit', import.meta.url)),
  adaptImports: (imports) => contract0_2_0.adaptImports(imports),
  connectorConfigDef: true,
  connectorRecords: 'connect-record',
  transformConfigDef: true,
};
