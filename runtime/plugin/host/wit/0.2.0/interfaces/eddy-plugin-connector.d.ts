// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/connector@0.2.0 **/
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
export type Config = import('./eddy-plugin-types.js').Config;
export type ConfigIssue = import('./eddy-plugin-connect-types.js').ConfigIssue;
