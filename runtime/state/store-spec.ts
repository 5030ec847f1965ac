// What kind of store a name stands for, and with which options: the
// declaration a topology carries for each of its stores.
//
// Owns: the store kinds (key-value, window, session) and their options.
// Must never: open anything — TaskDatabase.openStore does.

import type { SessionStoreOptions, WindowStoreOptions } from './window-store.ts';

export type StoreSpec =
  | { name: string; kind: 'key-value' }
  | ({ name: string; kind: 'window' } & WindowStoreOptions)
  | ({ name: string; kind: 'session' } & SessionStoreOptions);

export function keyValueSpec(name: string): StoreSpec {
  return { name, kind: 'key-value' };
}

/** True when two declarations of one store agree. */
export function sameSpec(a: StoreSpec, b: StoreSpec): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}
