// Host side of `wasi:cli/exit`.
//
// Owns: what `exit` means for a plugin: its own instance stops. The call
// throws `GuestExit` through the guest's frames (a component cannot resume
// after exit); plugin-instance.ts turns it into a PluginExitError naming the
// status and the call, and discards the instance. Before that, the guest's
// unfinished stdout/stderr lines are logged (toolchains print a panic, then
// exit).
// Must never: end, or signal, the host process.

import type * as Bindings from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-exit';

/** Thrown by a guest's `exit`: unwinds the guest; never caught inside it. */
export class GuestExit extends Error {
  constructor(
    /** 0 for success; `exit` of WASI 0.2 carries no code, so any failure is 1 unless `exit-with-code` gave one. */
    readonly status: number,
    /** How the guest exited, for messages: `exit(0)`, `exit with a failure status`, `exit(3)`. */
    readonly description: string,
  ) {
    super(`the plugin called ${description}`);
    this.name = 'GuestExit';
  }
}

/** `exit-with-code` is `@unstable` in 0.2.x; served so a guest that uses it still only stops itself. */
type ExitImports = typeof Bindings & { exitWithCode(statusCode: number): void };

export function exitImports(beforeExit: () => void): ExitImports {
  return {
    exit: (status) => {
      beforeExit();
      // The preview1 adapter maps proc_exit(code) to ok for 0, err for any other code.
      throw status.tag === 'ok' ? new GuestExit(0, 'exit(0)') : new GuestExit(1, 'exit with a failure status');
    },
    exitWithCode: (statusCode) => {
      beforeExit();
      throw new GuestExit(statusCode, `exit(${statusCode})`);
    },
  };
}
