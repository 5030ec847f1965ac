// WebAssembly features the host's V8 must have on to compile plugins.
//
// Owns: turning on, once per process and only where V8 lacks it by default,
// the standard extended constant expressions (`i32.add` in a global's
// initialiser — Wasm 3.0). componentize-py's dynamically linked CPython uses
// them (globals such as `__memory_base + offset`); V8 ships them from 11.4
// (Node 22), Node 20's V8 11.3 has them complete behind
// --experimental-wasm-extended-const.
// Must never: turn on anything beyond a standardised feature a guest
// toolchain emits, or change behaviour for modules that do not use it.

import { setFlagsFromString } from 'node:v8';

// (module (global i32 (i32.add (i32.const 1) (i32.const 2))))
const extendedConstProbe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 6, 9, 1, 0x7f, 0, 0x41, 1, 0x41, 2, 0x6a, 0x0b]);

function compiles(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    new WebAssembly.Module(bytes);
    return true;
  } catch {
    return false;
  }
}

/** True when this process compiles modules with extended constant expressions. */
export const extendedConstantExpressions: boolean = compiles(extendedConstProbe) || (setFlagsFromString('--experimental-wasm-extended-const'), compiles(extendedConstProbe));
