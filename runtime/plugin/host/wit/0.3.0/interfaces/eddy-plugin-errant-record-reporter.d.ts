// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/errant-record-reporter@0.3.0 **/
/**
 * Reports the record this task was given at `offset` of `topic`'s
 * `partition` (since the last flush), with the error that stops it
 * from being written. An error result says why the report was not
 * taken: no reporter is configured (neither
 * `errors.deadletterqueue.topic.name` nor `errors.log.enable` is set,
 * as Kafka's `errantRecordReporter()` is null then), tolerance is
 * exceeded (the task fails after this call), or no such record was
 * given. A task should fail its call with that error.
 */
export function report(topic: string, partition: number, offset: bigint, error: string): void;
