// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/// <reference path="./eddy-plugin-connect-types.d.ts" />
/// <reference path="./eddy-plugin-types.d.ts" />
declare module 'eddy:plugin/sink-task@0.3.0' {
  export function start(config: Config): void;
  /**
   * Writes (or buffers) a batch of records, in offset order per partition.
   */
  export function put(records: Array<SinkRecord>): void;
  /**
   * Makes everything put so far durable: the host commits `offsets` to
   * Kafka only after this returns ok.
   */
  export function flush(offsets: Array<TopicPartitionOffset>): void;
  /**
   * The task stops; no call follows.
   */
  export function stop(): void;
  export type Config = import('eddy:plugin/types@0.3.0').Config;
  export type SinkRecord = import('eddy:plugin/connect-types@0.3.0').ConnectRecord;
  export type TopicPartitionOffset = import('eddy:plugin/connect-types@0.3.0').TopicPartitionOffset;
}
