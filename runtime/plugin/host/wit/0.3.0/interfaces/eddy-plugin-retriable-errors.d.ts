// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/retriable-errors@0.3.0 **/
/**
 * The `err` the current call returns is retriable.
 */
export function retriable(): void;
/**
 * A sink task's wait, in milliseconds, before its records are given
 * again after the next retriable `put` failure (Kafka's
 * `SinkTaskContext.timeout(ms)`: used once, so a task sets it with
 * each retriable failure that needs a wait).
 */
export function timeout(ms: bigint): void;
