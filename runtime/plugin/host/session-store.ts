// Host side of `eddy:plugin/session-store`.
//
// Owns: the `store` resource a plugin instance sees for session stores, bound
// to the stores its node may use (each instance gets its own class);
// bigint ⇄ number for times.
// Must never: open a store the node is not allowed to use.

import type { ProcessorContext } from '../../processor/processor.ts';
import type { SessionEntry, SessionStore } from '../../state/window-store.ts';
import type * as Bindings from './wit/interfaces/eddy-plugin-session-store.js';

const toWit = (entry: SessionEntry): Bindings.SessionEntry => ({ key: entry.key, start: BigInt(entry.start), end: BigInt(entry.end), value: entry.value });

export function sessionStoreImports(host: ProcessorContext): typeof Bindings {
  class Store {
    static open(name: string): Store {
      const store = host.openSessionStore(name);
      if (typeof store === 'string') throw { payload: store };
      return new Store(store);
    }
    constructor(private readonly store: SessionStore) {}
    put(key: Uint8Array, start: bigint, end: bigint, value: Uint8Array): void {
      this.store.put(key, Number(start), Number(end), value);
    }
    remove(key: Uint8Array, start: bigint, end: bigint): void {
      this.store.remove(key, Number(start), Number(end));
    }
    fetchSession(key: Uint8Array, start: bigint, end: bigint): Uint8Array | undefined {
      return this.store.fetchSession(key, Number(start), Number(end));
    }
    findSessions(key: Uint8Array, earliestSessionEnd: bigint, latestSessionStart: bigint, backward: boolean): Bindings.SessionEntry[] {
      return this.store.findSessions(key, Number(earliestSessionEnd), Number(latestSessionStart), backward).map(toWit);
    }
  }
  return { Store } as unknown as typeof Bindings;
}
