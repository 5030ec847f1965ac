// Host side of `eddy:plugin/log`.
//
// Owns: adapting the node's ProcessorContext's log to the generated bindings.
// Must never: let a plugin write anywhere but the host's log.

import type * as Log from './wit/interfaces/eddy-plugin-log.js';
import type { ProcessorContext } from '../../processor/processor.ts';

/** Anything with a log, e.g. a node's ProcessorContext. */
type Logger = Pick<ProcessorContext, 'log'>;

export function logImports(host: Logger): typeof Log {
  return { log: (level, message) => host.log(level, message) };
}
