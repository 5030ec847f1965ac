// Host side of `eddy:plugin/kv-store`.
//
// Owns: the `store` and `key-value-iterator` resources a plugin instance sees,
// bound to the stores its node may use. Each instance gets its own classes,
// so a handle can never reach another node's stores. Written for contract
// 0.1.0; a later version extends these classes (contract/v0.2.0.ts).
// Must never: open a store the node is not allowed to use.

import type { KeyValueStore, KeyValueCursor } from '../../state/key-value-store.ts';
import type * as KvStore from './wit/interfaces/eddy-plugin-kv-store.js';
import type { ProcessorContext } from '../../processor/processor.ts';

export function kvStoreImports(host: ProcessorContext): typeof KvStore {
  return kvStoreClasses(host) as unknown as typeof KvStore;
}

/** The `store` and `key-value-iterator` classes of one instance, as themselves (a later contract version extends them). */
export function kvStoreClasses(host: ProcessorContext) {
  class KeyValueIterator {
    constructor(private readonly cursor: KeyValueCursor) {}
    next(max: number): KvStore.KeyValue[] {
      return this.cursor.next(max);
    }
  }

  class Store {
    static open(name: string): Store {
      const store = host.openStore(name);
      // A thrown `payload` becomes the `err` of open's result in the guest.
      if (typeof store === 'string') throw { payload: store };
      // `this`: a subclass (a later contract version's store) opens its own kind of handle.
      return new this(store);
    }
    constructor(private readonly store: KeyValueStore) {}
    get(key: Uint8Array): Uint8Array | undefined {
      return this.store.get(key);
    }
    put(key: Uint8Array, value: Uint8Array): void {
      this.store.put(key, value);
    }
    delete(key: Uint8Array): Uint8Array | undefined {
      return this.store.delete(key);
    }
    range(lower: Uint8Array | undefined, upper: Uint8Array | undefined): KeyValueIterator {
      return new KeyValueIterator(this.store.range(lower, upper));
    }
    prefixScan(prefix: Uint8Array): KeyValueIterator {
      return new KeyValueIterator(this.store.prefixScan(prefix));
    }
    approximateNumEntries(): bigint {
      return BigInt(this.store.approximateNumEntries());
    }
  }

  return { Store, KeyValueIterator };
}

export type KvStoreClasses = ReturnType<typeof kvStoreClasses>;
