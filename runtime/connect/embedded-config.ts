// A transform's or predicate's own configuration keys as Kafka's validate
// endpoint lists them under its alias (ConnectorConfig.enrich, which embeds
// the class's ConfigDef with ConfigDef.embed): each key renamed
// `<kind>.<alias>.<key>`, in the group `Transforms: <alias>` (or
// `Predicates: <alias>`), numbered after the alias's `type` and
// `plugin.version`, in the order of ConfigDef.sortedConfigs — a
// transformation's implicit `predicate` and `negate` sorted among them.
//
// Owns: that order and renaming.
// Must never: validate a value (config-infos.ts parses each key like any other).

import type { ConfigKey as PluginConfigKey } from '../plugin/plugin-connector.ts';
import { pluginConfigKey, pluginKey, type DefinedKey } from './config-infos.ts';

/** The keys every transformation has beside its class's (Kafka's initialConfigDef in enrich), unprefixed. */
const implicitTransformationKeys: readonly PluginConfigKey[] = [
  pluginConfigKey('predicate', 'string', null, 'medium', 'The alias of a predicate used to determine whether to apply this transformation.'),
  pluginConfigKey('negate', 'boolean', 'false', 'medium', 'Whether the configured predicate should be negated.'),
];

const importanceRank: Record<PluginConfigKey['importance'], number> = { high: 0, medium: 1, low: 2 };

/**
 * ConfigDef.sortedConfigs: keys without a group first, then each group in
 * the order it was first defined; within, by order in group, keys without
 * a default before those with one, by importance (high first), by name.
 */
export function sortedConfigs(keys: readonly PluginConfigKey[]): PluginConfigKey[] {
  const groups = [...new Set(keys.flatMap((key) => (key.group === undefined ? [] : [key.group])))];
  const groupRank = (key: PluginConfigKey) => (key.group === undefined ? -1 : groups.indexOf(key.group));
  const hasDefault = (key: PluginConfigKey) => key.default.tag !== 'required';
  return [...keys].sort((a, b) =>
    groupRank(a) - groupRank(b)
    || a.orderInGroup - b.orderInGroup
    || Number(hasDefault(a)) - Number(hasDefault(b))
    || importanceRank[a.importance] - importanceRank[b.importance]
    || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The keys of an alias's class (`classKeys`, as the plugin declares them)
 * embedded under the alias, numbered from `firstOrder` (after `type` and
 * `plugin.version`). A transformation's class keys named `predicate` or
 * `negate` are masked by the implicit ones, as in Kafka.
 */
export function embeddedAliasKeys(kind: 'transforms' | 'predicates', alias: string, classKeys: readonly PluginConfigKey[], firstOrder = 2): DefinedKey[] {
  const prefix = `${kind}.${alias}.`;
  const group = `${kind === 'transforms' ? 'Transforms' : 'Predicates'}: ${alias}`;
  const own = kind === 'transforms' ? classKeys.filter((key) => key.name !== 'predicate' && key.name !== 'negate') : classKeys;
  const child = kind === 'transforms' ? [...implicitTransformationKeys, ...own] : own;
  return sortedConfigs(child).map((key, index) => pluginKey({
    ...key,
    name: `${prefix}${key.name}`,
    group: key.group === undefined ? group : `${group}: ${key.group}`,
    orderInGroup: firstOrder + index,
    dependents: key.dependents.map((dependent) => `${prefix}${dependent}`),
  }));
}
