// Host side of `wasi:cli/stdin`, `wasi:cli/stdout` and `wasi:cli/stderr`.
//
// Owns: handing a guest its three standard streams: stdin closed (empty),
// stdout and stderr into its instance's plugin log (output-log.ts).
// Must never: connect a guest to the host process's own stdio.

import type * as Stderr from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-stderr';
import type * as Stdin from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-stdin';
import type * as Stdout from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-stdout';
import { InputStream, OutputStream } from './io-streams.ts';
import type { OutputLog } from './output-log.ts';

export interface StdioImports {
  stdin: typeof Stdin;
  stdout: typeof Stdout;
  stderr: typeof Stderr;
}

export function stdioImports(output: OutputLog): StdioImports {
  // A fresh resource per call: the guest owns (and may drop) each one.
  return {
    stdin: { getStdin: () => new InputStream() } as unknown as typeof Stdin,
    stdout: { getStdout: () => new OutputStream(output.stdout) } as unknown as typeof Stdout,
    stderr: { getStderr: () => new OutputStream(output.stderr) } as unknown as typeof Stderr,
  };
}
