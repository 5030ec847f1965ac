// Contract version 0.2.0 (`wit/0.2.0/eddy-plugin.wit`): 0.1.0 plus
// `kv-store`'s `put-if-absent` (Kafka Streams' putIfAbsent), the
// `connector` export `config-def` (Kafka's Connector.config()), and the
// connector worlds' capability imports — `sqlite-access`, `http-client` and
// `errant-record-reporter` (host/sqlite-access.ts, host/http-client.ts,
// host/errant-record-reporter.ts, linked by plugin-connector.ts with each
// task's grants beside file-access; nothing to adapt here: 0.1.0's worlds
// have no such imports, so world.ts refuses a 0.1.0 component that imports
// one).
//
// Owns: those differences — a kv-store `store` resource whose handles also
// answer `put-if-absent`, built on 0.1.0's store (host/kv-store.ts), so the
// stores a node may open and how they behave stay defined in one place; and
// saying that a connector exports `config-def` (plugin-connector.ts calls it).
// Must never: reach the store other than through 0.1.0's operations (a
// put-if-absent is a get and, when absent, a put: calls into a plugin never
// overlap, so nothing can come between them), or change any other import.

import { fileURLToPath } from 'node:url';
import type * as KvStore from '../host/wit/0.2.0/interfaces/eddy-plugin-kv-store.js';
import type { KvStoreClasses } from '../host/kv-store.ts';
import type { ContractVersion, HostImports } from './contract-version.ts';

const kvStoreInterface = 'eddy:plugin/kv-store';

export const contract0_2_0: ContractVersion = {
  version: '0.2.0',
  witFile: fileURLToPath(new URL('../../../wit/0.2.0/eddy-plugin.wit', import.meta.url)),
  adaptImports(imports: HostImports): HostImports {
    // The runtime value host/kv-store.ts made (kvStoreImports returns kvStoreClasses' classes).
    const base = imports[kvStoreInterface] as KvStoreClasses | undefined;
    return base ? { ...imports, [kvStoreInterface]: withPutIfAbsent(base) } : imports;
  },
  connectorConfigDef: true,
  connectorRecords: 'connect-value',
  transformConfigDef: false,
};

/** 0.1.0's kv-store with `put-if-absent` on its store handles. */
function withPutIfAbsent(base: KvStoreClasses): typeof KvStore {
  // `open` constructs `this`, so handles opened through this class have the method.
  class Store extends base.Store implements Pick<KvStore.Store, 'putIfAbsent'> {
    putIfAbsent(key: Uint8Array, value: Uint8Array): Uint8Array | undefined {
      const existing = this.get(key);
      if (existing === undefined) this.put(key, value);
      return existing;
    }
  }
  return { ...base, Store } as unknown as typeof KvStore;
}
