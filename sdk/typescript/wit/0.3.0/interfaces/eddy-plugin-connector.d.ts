// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/// <reference path="./eddy-plugin-connect-types.d.ts" />
/// <reference path="./eddy-plugin-types.d.ts" />
declare module 'eddy:plugin/connector@0.3.0' {
  /**
   * The keys this connector reads (Kafka's `Connector.config()`), in the
   * order a user interface shows them. The host parses each key by its
   * type and default before `validate`, and lists them at `GET
   * /connector-plugins/{plugin}/config` and in `PUT
   * /connector-plugins/{plugin}/config/validate`. Added in 0.2.0 (a 0.1.0
   * connector declares none).
   */
  export function configDef(): Array<ConfigKey>;
  /**
   * Checks the connector's configuration (every key of its properties
   * file); one issue per refused key, an empty list when it is valid.
   */
  export function validate(config: Config): Array<ConfigIssue>;
  /**
   * The configurations of at most `max-tasks` tasks (Kafka's
   * `taskConfigs(maxTasks)`): the host starts one task per entry.
   */
  export function taskConfigs(config: Config, maxTasks: number): Array<Config>;
  /**
   * Whether a source connector gives exactly-once semantics with this
   * configuration when its records and offsets are committed together
   * (Kafka's `SourceConnector.exactlyOnceSupport`): `some(true)`
   * supported, `some(false)` not, `none` cannot say (a sink connector
   * answers `none`). Asked when a connector has `exactly.once.support=
   * required`. Added in 0.2.0 (a 0.1.0 connector cannot say).
   */
  export function exactlyOnceSupport(config: Config): boolean | undefined;
  export type Config = import('eddy:plugin/types@0.3.0').Config;
  export type ConfigIssue = import('eddy:plugin/connect-types@0.3.0').ConfigIssue;
  export type ConfigKey = import('eddy:plugin/connect-types@0.3.0').ConfigKey;
}
