// Host side of `eddy:plugin/context`.
//
// Owns: adapting the node's ProcessorContext to the generated context bindings (bigint <-> number,
// WIT record <-> StreamRecord). Must never: hold state of its own.

import { fromWitRecord, toWitMetadata } from '../../record.ts';
import type * as Context from './wit/interfaces/eddy-plugin-context.js';
import type { ProcessorContext } from '../../processor/processor.ts';

export function contextImports(host: ProcessorContext): typeof Context {
  return {
    forward: (record) => host.forward(fromWitRecord(record)),
    forwardTo: (child, record) => host.forwardTo(child, fromWitRecord(record)),
    metadata: () => {
      const metadata = host.metadata();
      return metadata ? toWitMetadata(metadata) : undefined;
    },
    schedule: (intervalMs, kind) => host.schedule(Number(intervalMs), kind),
    cancel: (id) => host.cancel(id),
    streamTime: () => BigInt(host.streamTime()),
    wallClockTime: () => BigInt(host.wallClockTime()),
    requestCommit: () => host.requestCommit(),
    applicationId: () => host.applicationId,
    taskId: () => host.taskId,
  };
}
