// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/transformation@0.3.0 **/
/**
 * The classes this plugin provides.
 */
export function classes(): Array<ClassInfo>;
/**
 * The keys class `class-name` reads (Kafka's `Transformation.config()`
 * or `Predicate.config()`), without the alias prefix, in any order: the
 * host lists them in `PUT /connector-plugins/{plugin}/config/validate`
 * under the alias's prefix and group (as Kafka's
 * `ConnectorConfig.enrich`), each parsed by its type and default.
 * Empty for a class the plugin does not provide. Added in 0.3.0.
 */
export function configDef(className: string): Array<ConfigKey>;
export type Config = import('./eddy-plugin-types.js').Config;
export type ConfigIssue = import('./eddy-plugin-connect-types.js').ConfigIssue;
export type ConfigKey = import('./eddy-plugin-connect-types.js').ConfigKey;
export type ConnectRecord = import('./eddy-plugin-connect-data.js').ConnectRecord;
/**
 * What a class is.
 * # Variants
 * 
 * ## `"transformation"`
 * 
 * ## `"predicate"`
 */
export type ClassKind = 'transformation' | 'predicate';
/**
 * One class this plugin provides.
 */
export interface ClassInfo {
  /**
   * The class name a connector's `transforms.<alias>.type` or
   * `predicates.<alias>.type` gives.
   */
  name: string,
  kind: ClassKind,
}

export class Predicate {
  /**
   * This type does not have a public constructor.
   */
  private constructor();
  /**
  * As `transform.create`, for a predicate class.
  */
  static create(className: string, config: Config): Predicate;
  /**
  * Whether the record matches.
  */
  test(r: ConnectRecord): boolean;
}

export class Transform {
  /**
   * This type does not have a public constructor.
   */
  private constructor();
  /**
  * Configures a transformation of class `class-name` with the keys
  * under its alias (prefix removed). An error lists one issue per
  * refused key (key `""` when no one key is at fault).
  */
  static create(className: string, config: Config): Transform;
  /**
  * Transforms one record: the new record, or `none` to drop it.
  * An error fails the task (with the transform named by the host).
  */
  apply(r: ConnectRecord): ConnectRecord | undefined;
}
