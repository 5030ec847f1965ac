// What a plugin instance may ask of the node it runs as.
//
// Owns: the host-side interface behind the WIT imports — the task implements
// it once per processor node; the modules beside this file adapt it to the
// generated bindings, one module per WIT interface.
// Must never: expose anything a plugin could use to reach outside its node
// (files, network, other nodes' stores).

import type { RecordMetadata, StreamRecord } from '../../record.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';

export type PunctuationType = 'stream-time' | 'wall-clock-time';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface NodeHost {
  readonly applicationId: string;
  readonly taskId: string;
  readonly nodeName: string;
  forward(record: StreamRecord): void;
  /** Throws HostCallError when `child` is not a child of this node. */
  forwardTo(child: string, record: StreamRecord): void;
  metadata(): RecordMetadata | undefined;
  schedule(intervalMs: number, kind: PunctuationType): number;
  cancel(id: number): void;
  streamTime(): number;
  wallClockTime(): number;
  requestCommit(): void;
  /** Returns the store, or a message saying why this node may not use it. */
  openStore(name: string): KeyValueStore | string;
  log(level: LogLevel, message: string): void;
}
