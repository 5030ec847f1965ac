// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/// <reference path="./eddy-plugin-connect-types.d.ts" />
/// <reference path="./eddy-plugin-types.d.ts" />
declare module 'eddy:plugin/source-task@0.3.0' {
  /**
   * Starts the task with its configuration and the offsets stored for
   * this connector (every source partition that has one).
   */
  export function start(config: Config, offsets: Array<CommittedOffset>): void;
  /**
   * The records ready now; an empty list when there are none yet.
   */
  export function poll(): Array<SourceRecord>;
  /**
   * The task stops; no call follows.
   */
  export function stop(): void;
  export type Config = import('eddy:plugin/types@0.3.0').Config;
  export type SourceRecord = import('eddy:plugin/connect-types@0.3.0').SourceRecord;
  export type CommittedOffset = import('eddy:plugin/connect-types@0.3.0').CommittedOffset;
}
