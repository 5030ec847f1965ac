// The state of one connector task as Kafka Connect reports it: UNASSIGNED →
// RUNNING ⇄ PAUSED → FAILED (with the error's trace and its causes) or
// STOPPED.
//
// Owns: the transitions and logging each one.
// Must never: restart anything (the worker decides).

import { messageOf } from '../errors.ts';
import { traceOf } from './error-handling.ts';
import type { LogLevel } from '../processor/processor.ts';

export type TaskLog = (level: LogLevel, task: string, message: string) => void;
export type TaskStatus = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'STOPPED';

export class TaskState {
  status: TaskStatus = 'UNASSIGNED';
  trace: string | undefined;
  readonly id: string;

  constructor(
    readonly connector: string,
    readonly task: number,
    private readonly log: TaskLog,
    /** Hears each failure (the herder decides whether the task restarts). */
    private readonly onFailed?: (error: unknown) => void,
  ) {
    this.id = `${connector}-${task}`;
  }

  running(): void {
    this.status = 'RUNNING';
    this.log('info', this.id, 'task started');
  }

  paused(): void {
    if (this.status !== 'RUNNING') return;
    this.status = 'PAUSED';
    this.log('info', this.id, 'task paused');
  }

  resumed(): void {
    if (this.status !== 'PAUSED') return;
    this.status = 'RUNNING';
    this.log('info', this.id, 'task resumed');
  }

  fail(error: unknown): void {
    this.status = 'FAILED';
    this.trace = traceOf(error);
    this.log('error', this.id, `task failed: ${messageOf(error)}`);
    this.onFailed?.(error);
  }

  stopped(): void {
    if (this.status !== 'FAILED') this.status = 'STOPPED';
    this.log('info', this.id, 'task stopped');
  }
}
