// Host side of `eddy:plugin/retriable-errors` (contract 0.2.0): a connector
// task's or a transform's way to say that the `err` it returns is transient
// (Kafka Connect's RetriableException), and a sink task's wait before its
// records are given again (SinkTaskContext.timeout).
//
// Owns: the mark of the current call (cleared before each call, read once
// after it: the error its `err` becomes) and the sink task's timeout.
// Must never: decide what a retriable failure does (the task's driver and
// the error handler do), or outlive the call a mark was made in.

import { ConnectorError, RetriableConnectorError, type ErrorContext } from '../../errors.ts';
import type * as RetriableErrors from './wit/0.2.0/interfaces/eddy-plugin-retriable-errors.js';

export interface RetriableErrorsCapability {
  imports: typeof RetriableErrors;
  /** Called before each guest call: a mark belongs to one call. */
  clear(): void;
  /** The error for the `err` the call `what` just returned: retriable when the call marked it so. */
  failure(what: string, message: string, context: ErrorContext): ConnectorError;
  /** The sink task's timeout in ms (Kafka's SinkTaskContext.timeout), once: undefined until it sets one again. */
  takeTimeoutMs(): number | undefined;
}

export function retriableErrorsImports(): RetriableErrorsCapability {
  let mark = false;
  let timeout: number | undefined;
  return {
    imports: {
      retriable() {
        mark = true;
      },
      timeout(ms: bigint) {
        timeout = Number(ms < 0n ? 0n : ms);
      },
    },
    clear() {
      mark = false;
    },
    failure(what, message, context) {
      return mark ? new RetriableConnectorError(`${what} failed (retriable): ${message}`, context) : new ConnectorError(`${what} failed: ${message}`, context);
    },
    takeTimeoutMs() {
      const taken = timeout;
      timeout = undefined;
      return taken;
    },
  };
}
