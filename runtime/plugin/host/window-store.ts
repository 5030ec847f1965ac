// Host side of `eddy:plugin/window-store`.
//
// Owns: the `store` resource a plugin instance sees for window stores, bound
// to the stores its node may use (each instance gets its own class, so a
// handle can never reach another node's stores); bigint ⇄ number for times.
// Must never: open a store the node is not allowed to use.

import type { ProcessorContext } from '../../processor/processor.ts';
import type { WindowEntry, WindowStore } from '../../state/window-store.ts';
import type * as Bindings from './wit/interfaces/eddy-plugin-window-store.js';

const toWit = (entry: WindowEntry): Bindings.WindowEntry => ({ key: entry.key, start: BigInt(entry.start), value: entry.value });

export function windowStoreImports(host: ProcessorContext): typeof Bindings {
  class Store {
    static open(name: string): Store {
      const store = host.openWindowStore(name);
      // A thrown `payload` becomes the `err` of open's result in the guest.
      if (typeof store === 'string') throw { payload: store };
      return new Store(store);
    }
    constructor(private readonly store: WindowStore) {}
    put(key: Uint8Array, value: Uint8Array | undefined, windowStart: bigint): void {
      this.store.put(key, value, Number(windowStart));
    }
    fetch(key: Uint8Array, windowStart: bigint): Uint8Array | undefined {
      return this.store.fetch(key, Number(windowStart));
    }
    fetchRange(key: Uint8Array, timeFrom: bigint, timeTo: bigint, backward: boolean): Bindings.WindowEntry[] {
      return this.store.fetchRange(key, Number(timeFrom), Number(timeTo), backward).map(toWit);
    }
    fetchKeyRange(keyFrom: Uint8Array | undefined, keyTo: Uint8Array | undefined, timeFrom: bigint, timeTo: bigint, backward: boolean): Bindings.WindowEntry[] {
      return this.store.fetchKeyRange(keyFrom, keyTo, Number(timeFrom), Number(timeTo), backward).map(toWit);
    }
    all(backward: boolean): Bindings.WindowEntry[] {
      return this.store.all(backward).map(toWit);
    }
  }
  return { Store } as unknown as typeof Bindings;
}
