// Host side of `eddy:plugin/log`.
//
// Owns: adapting a NodeHost's log to the generated bindings.
// Must never: let a plugin write anywhere but the host's log.

import type * as Log from './wit/interfaces/eddy-plugin-log.js';
import type { NodeHost } from './node-host.ts';

export function logImports(host: NodeHost): typeof Log {
  return { log: (level, message) => host.log(level, message) };
}
