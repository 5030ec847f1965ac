// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/// <reference path="./eddy-plugin-connect-types.d.ts" />
declare module 'eddy:plugin/source-commits@0.3.0' {
  export function takeCommits(): CommitNews;
  export type StringMap = import('eddy:plugin/connect-types@0.3.0').StringMap;
  /**
   * Where Kafka put a record (Kafka's `RecordMetadata`).
   */
  export interface RecordMetadata {
    topic: string,
    partition: number,
    offset: bigint,
    /**
     * The record's timestamp as written (milliseconds since the epoch;
     * the broker's time when the topic uses `LogAppendTime`).
     */
    timestamp: bigint,
  }
  /**
   * A record a `poll` returned, now committed.
   */
  export interface CommittedRecord {
    /**
     * Its position among the records this task instance's polls have
     * returned, counting from 0.
     */
    sequence: bigint,
    sourcePartition: StringMap,
    sourceOffset: StringMap,
    /**
     * Where it was written; `none` when it was not (a transform dropped
     * it, or it failed and `errors.tolerance=all` skipped it): Kafka's
     * `commitRecord(record, null)`.
     */
    metadata?: RecordMetadata,
  }
  /**
   * What happened since the last call.
   */
  export interface CommitNews {
    /**
     * The records committed, in the order the polls returned them;
     * each is given once.
     */
    records: Array<CommittedRecord>,
    /**
     * How many committed records were not kept for the task because it
     * had not taken news for too long (the host keeps at most 65 536);
     * 0 for a task that takes its news at each poll.
     */
    discarded: bigint,
    /**
     * How many times this task's offsets were committed (Kafka's
     * `commit()`).
     */
    offsetCommits: number,
  }
}
