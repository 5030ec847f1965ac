// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/context@0.3.0 **/
/**
 * Sends a record to every child of this node. The record travels the
 * whole downstream graph (depth-first) before this call returns.
 */
export function forward(r: Record): void;
/**
 * Sends a record to the one child named `child`. Naming a node that is
 * not a child of this one is an error: the call traps the plugin and the
 * host reports the name.
 */
export function forwardTo(child: string, r: Record): void;
/**
 * Topic, partition and offset of the input record being processed.
 * `none` while a punctuator fires or when the record has no source
 * offset (e.g. produced by a punctuator upstream).
 */
export function metadata(): RecordMetadata | undefined;
/**
 * Schedules `punctuate` to be called every `interval-ms` of the given
 * kind of time. Returns an id that `punctuate` receives and that
 * `cancel` takes. `interval-ms` must be at least 1.
 */
export function schedule(intervalMs: bigint, kind: PunctuationType): number;
/**
 * Cancels a punctuator. Unknown ids are ignored.
 */
export function cancel(id: number): void;
/**
 * The task's stream time: the largest timestamp processed so far, or
 * -1 before the first record.
 */
export function streamTime(): bigint;
/**
 * The host's wall-clock time in milliseconds (the test driver's
 * simulated clock under test).
 */
export function wallClockTime(): bigint;
/**
 * Asks the host to commit as soon as the current record is done.
 */
export function requestCommit(): void;
/**
 * The application id this node runs in.
 */
export function applicationId(): string;
/**
 * The task id, e.g. `0_3` (sub-topology 0, partition 3).
 */
export function taskId(): string;
export type Record = import('./eddy-plugin-types.js').Record;
export type RecordMetadata = import('./eddy-plugin-types.js').RecordMetadata;
export type PunctuationType = import('./eddy-plugin-types.js').PunctuationType;
