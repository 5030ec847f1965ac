// Host side of `wasi:cli/environment`.
//
// Owns: what a guest sees of its environment: no variables, no arguments,
// no initial working directory (wasmtime's WasiCtxBuilder defaults).
// Must never: pass on anything of the host process's environment.

import type * as Bindings from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-environment';

export const environmentImports: typeof Bindings = {
  getEnvironment: () => [],
  getArguments: () => [],
  initialCwd: () => undefined,
};
