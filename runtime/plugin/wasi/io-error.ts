// Host side of `wasi:io/error`.
//
// Owns: the `error` resource a failed stream operation carries, with the
// text `to-debug-string` shows the guest.
// Must never: carry a host error's stack or any path of the host machine.

import type * as Bindings from '@bytecodealliance/preview2-shim/interfaces/wasi-io-error';

/** An I/O error as the guest sees it: an opaque resource with a debug text. */
export class IoError {
  constructor(private readonly text: string) {}
  toDebugString(): string {
    return this.text;
  }
}

export const ioErrorImports = { Error: IoError } as unknown as typeof Bindings;
