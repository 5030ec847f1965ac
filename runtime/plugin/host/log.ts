// Host side of `eddy:plugin/log`.
//
// Owns: adapting the node's ProcessorContext's log to the generated bindings.
// Must never: let a plugin write anywhere but the host's log.

import type * as Log from './wit/interfaces/eddy-plugin-log.js';
import type { ProcessorContext } from '../../processor/processor.ts';

export function logImports(host: ProcessorContext): typeof Log {
  return { log: (level, message) => host.log(level, message) };
}
