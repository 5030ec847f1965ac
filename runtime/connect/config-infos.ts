// Configuration definitions and their validation as Kafka Connect's REST API
// shows them (Kafka's ConfigKeyInfo, ConfigValueInfo, ConfigInfo and
// ConfigInfos; ConfigDef.validate and AbstractHerder.generateResult).
//
// Owns: one shape for a defined key, whether the worker declares it
// (config-definition.ts) or a connector plugin does (its `config-def`);
// a value's errors by Kafka's type with Kafka's messages (parsed as
// config-definition.ts parses every configuration; a value that does not
// parse is null, and a numeric key's range check then says so, as Kafka's);
// a key's value as Kafka prints it (lists joined by commas,
// passwords hidden); and assembling the validation answer: keys in
// definition order, values with their errors, the error count and the groups.
// Must never: decide which keys a connector has (herder-common.ts does).

import { kafkaTypeOf, parseValue as parse, ValueParseError, type ConfigKey, type KafkaConfigType } from './config-definition.ts';
import type { ConfigKey as PluginConfigKey } from '../plugin/plugin-connector.ts';

/** Kafka's ConfigKeyInfo. */
export interface ConfigKeyInfo {
  name: string;
  type: KafkaConfigType;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string;
  group: string | null;
  order_in_group: number;
  width: string;
  display_name: string;
  dependents: string[];
}

/** Kafka's ConfigValueInfo. */
export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

/** Kafka's ConfigInfos: the answer of PUT /connector-plugins/{plugin}/config/validate. */
export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: Array<{ definition: ConfigKeyInfo | null; value: ConfigValueInfo | null }>;
}

/** A defined key: its REST definition and how its values parse. */
export interface DefinedKey {
  info: ConfigKeyInfo;
  /** Checks a parsed value (never null); a message when refused. */
  validate?: (value: unknown) => string | undefined;
  /** Kafka's range validators refuse a value that did not parse ("Value must be non-null"). */
  refusesNull: boolean;
  /** The default as a parsed value (undefined: required). */
  defaultValue: unknown;
}

/** A key the worker declares; `defaultOverride` replaces its default (a plugin's version, the worker's converters). */
export function declaredKey(key: ConfigKey, defaultOverride?: string): DefinedKey {
  const type = kafkaTypeOf(key);
  const required = !('default' in key) && defaultOverride === undefined;
  const defaultValue = defaultOverride !== undefined ? parse(type, defaultOverride) : key.default;
  return {
    info: {
      name: key.name,
      type,
      required,
      default_value: required ? null : printed(defaultValue, type),
      importance: key.importance ?? 'MEDIUM',
      documentation: key.documentation,
      group: key.group ?? null,
      order_in_group: key.orderInGroup ?? -1,
      width: key.width ?? 'NONE',
      display_name: key.displayName ?? key.name,
      dependents: [],
    },
    validate: key.validate as DefinedKey['validate'],
    refusesNull: key.validate !== undefined && (key.type === 'int' || key.type === 'long'),
    defaultValue: required ? undefined : defaultValue ?? null,
  };
}

/**
 * A key in the shape a plugin declares it (`config-key`), with Kafka's
 * ConfigDef.define defaults: no group (order -1, no width, its name as
 * display name) unless `place` gives one. `defaultValue`: as written in a
 * properties file; `null`: optional without a value; `undefined`: required.
 */
export function pluginConfigKey(name: string, type: PluginConfigKey['type'], defaultValue: string | null | undefined, importance: PluginConfigKey['importance'], documentation: string, place?: { group: string; order: number; display: string }): PluginConfigKey {
  return {
    name,
    type,
    default: defaultValue === undefined ? { tag: 'required' } : defaultValue === null ? { tag: 'null' } : { tag: 'value', val: defaultValue },
    importance,
    documentation,
    ...(place ? { group: place.group } : {}),
    orderInGroup: place?.order ?? -1,
    width: place ? 'medium' : 'none',
    displayName: place?.display ?? name,
    dependents: [],
  };
}

/** A key a connector plugin declares (its `config-def`). */
export function pluginKey(key: PluginConfigKey): DefinedKey {
  const type = key.type.toUpperCase() as KafkaConfigType;
  const defaultValue = key.default.tag === 'required' ? undefined : key.default.tag === 'null' ? null : parse(type, key.default.val);
  return {
    info: {
      name: key.name,
      type,
      required: key.default.tag === 'required',
      default_value: defaultValue === undefined ? null : printed(defaultValue, type),
      importance: key.importance.toUpperCase(),
      documentation: key.documentation,
      group: key.group ?? null,
      order_in_group: key.orderInGroup,
      width: key.width.toUpperCase(),
      display_name: key.displayName,
      dependents: [...key.dependents],
    },
    refusesNull: false,
    defaultValue,
  };
}

/** A value as Kafka's ConfigDef.convertToString prints it. */
function printed(value: unknown, type: KafkaConfigType): string | null {
  if (value === null || value === undefined) return null;
  if (type === 'PASSWORD') return '[hidden]';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** One key's value in a configuration, as Kafka's ConfigDef.validate reports it. */
export function validateKey(key: DefinedKey, config: Readonly<Record<string, string>>, recommended: string[] = []): ConfigValueInfo {
  const { name, type } = key.info;
  const errors: string[] = [];
  let value: unknown = null;
  const raw = config[name];
  if (raw === undefined) {
    if (key.defaultValue === undefined) errors.push(`Missing required configuration "${name}" which has no default value.`);
    else value = key.defaultValue;
  } else {
    try {
      value = parse(type, raw);
    } catch (error) {
      if (!(error instanceof ValueParseError)) throw error;
      errors.push(`Invalid value ${raw} for configuration ${name}: ${error.message}`);
      if (key.refusesNull) errors.push(`Invalid value null for configuration ${name}: Value must be non-null`);
    }
    if (value !== null) {
      const problem = key.validate?.(value);
      if (problem !== undefined) errors.push(`Invalid value ${raw} for configuration ${name}: ${problem}`);
    }
  }
  return { name, value: printed(value, type), recommended_values: recommended, errors, visible: true };
}

/**
 * Kafka's generateResult: first the values of keys without a definition
 * (issues of a plugin about keys it does not declare), then every defined
 * key in order with its value; the error count counts messages.
 */
export function configInfos(name: string, keys: readonly DefinedKey[], values: ReadonlyMap<string, ConfigValueInfo>, groups: readonly string[]): ConfigInfos {
  const defined = new Set(keys.map((key) => key.info.name));
  const configs: ConfigInfos['configs'] = [];
  let errorCount = 0;
  for (const [key, value] of values) {
    if (defined.has(key)) continue;
    configs.push({ definition: null, value });
    errorCount += value.errors.length;
  }
  for (const key of keys) {
    const value = values.get(key.info.name) ?? null;
    configs.push({ definition: key.info, value });
    errorCount += value?.errors.length ?? 0;
  }
  return { name, error_count: errorCount, groups: [...groups], configs };
}
