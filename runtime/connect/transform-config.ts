// A connector's Single Message Transforms and predicates as its properties
// declare them (Kafka's ConnectorConfig): `transforms=a,b`,
// `transforms.a.type=<class>`, `transforms.a.predicate=p`,
// `transforms.a.negate=true`, `predicates=p`, `predicates.p.type=<class>`,
// and every other `transforms.a.*` / `predicates.p.*` key for the plugin.
//
// Owns: the declared schema of those keys (stable codes: `missing-key`,
// `duplicate-alias`, `unknown-predicate`, `invalid-value`), each alias's
// configuration as its plugin receives it (prefix removed, `predicate`,
// `negate` and Eddy's `plugin` taken out), and where each class comes from:
// the transforms Eddy ships (Kafka's connect-transforms, built on first
// use) unless `transforms.a.plugin` names another transform component or
// plugin folder.
// Must never: load a plugin (transformation-chain.ts does).

import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectConfigError, type ErrorContext } from '../errors.ts';
import { ConfigDefinition, key, type ConfigKey, type ConfigSource } from './config-definition.ts';

const pluginsDirectory = fileURLToPath(new URL('../../plugins/', import.meta.url));

/** The transforms and predicates Eddy ships: Kafka's connect-transforms 4.4 as one plugin. */
export const builtInTransformsPlugin = join(pluginsDirectory, 'connect-transforms-rust');

/** Where a transform or predicate class comes from. */
export interface TransformPluginLocation {
  /** A plugin folder to build (`eddy build`) or a component file. */
  path: string;
  kind: 'folder' | 'component';
  builtIn: boolean;
}

/** One `transforms.<alias>` or `predicates.<alias>`. */
export interface ClassConfig {
  alias: string;
  /** `transforms.<alias>` or `predicates.<alias>`, for messages. */
  prefix: string;
  className: string;
  plugin: TransformPluginLocation;
  /** The keys under the prefix, as the plugin receives them. */
  config: Array<[string, string]>;
  /** Where the keys are, for errors naming a key and its line. */
  where: (key: string) => ErrorContext;
}

export interface TransformStage extends ClassConfig {
  predicate: ClassConfig | undefined;
  negate: boolean;
}

/** The `transforms` and `predicates` keys, as Kafka's ConnectorConfig declares them. */
export const aliasListKeys = [
  key({ name: 'transforms', type: 'list', default: [], documentation: 'Aliases for the transformations to be applied to records.', importance: 'LOW', group: 'Transforms', orderInGroup: 12, width: 'LONG', displayName: 'Transforms' }),
  key({ name: 'predicates', type: 'list', default: [], documentation: 'Aliases for the predicates used by transformations.', importance: 'LOW', group: 'Predicates', orderInGroup: 13, width: 'LONG', displayName: 'Predicates' }),
] as const;

const aliasesDefinition = new ConfigDefinition('connector', aliasListKeys);

const aliasGroup = (kind: 'transforms' | 'predicates', alias: string) => `${kind === 'transforms' ? 'Transforms' : 'Predicates'}: ${alias}`;
const aliasWhat = (kind: 'transforms' | 'predicates') => (kind === 'transforms' ? 'transformation' : 'predicate');
const aliasDisplay = (kind: 'transforms' | 'predicates') => (kind === 'transforms' ? 'Transformation' : 'Predicate');

/** `<kind>.<alias>.type`, the class of a transform or predicate alias, as Kafka's ConnectorConfig.enrich declares it. */
function aliasTypeKey(kind: 'transforms' | 'predicates', alias: string) {
  return key({ name: `${kind}.${alias}.type`, type: 'class', documentation: `Class for the '${alias}' ${aliasWhat(kind)}.`, importance: 'HIGH', group: aliasGroup(kind, alias), orderInGroup: 0, width: 'LONG', displayName: `${aliasDisplay(kind)} type for ${alias}` });
}

/**
 * The keys Kafka's ConnectorConfig.enrich declares for one alias, before
 * those of its class: `type` and `plugin.version`, and for a transformation
 * `negate` and `predicate` (Kafka sorts these two by name among the
 * class's own keys, which Eddy's transform plugins do not declare yet).
 */
export function aliasKeys(kind: 'transforms' | 'predicates', alias: string): ConfigKey[] {
  const prefix = `${kind}.${alias}`;
  const group = aliasGroup(kind, alias);
  const framework: ConfigKey[] = [
    aliasTypeKey(kind, alias),
    key({ name: `${prefix}.plugin.version`, type: 'string', default: null, documentation: `Version of the '${alias}' ${aliasWhat(kind)}.`, importance: 'HIGH', group, orderInGroup: 1, width: 'LONG', displayName: `${aliasDisplay(kind)} version for ${alias}` }),
  ];
  if (kind === 'predicates') return framework;
  return [
    ...framework,
    key({ name: `${prefix}.negate`, type: 'boolean', default: false, documentation: 'Whether the configured predicate should be negated.', importance: 'MEDIUM', group, orderInGroup: 2, width: 'NONE', displayName: 'negate' }),
    key({ name: `${prefix}.predicate`, type: 'string', default: null, documentation: 'The alias of a predicate used to determine whether to apply this transformation.', importance: 'MEDIUM', group, orderInGroup: 3, width: 'NONE', displayName: 'predicate' }),
  ];
}

function entriesOf(source: ConfigSource): Array<[string, string, number | undefined]> {
  return 'entries' in source ? [...source.entries].map(([name, entry]) => [name, entry.value, entry.line]) : [...source.values].map(([name, value]) => [name, value, undefined]);
}

/** Kafka's message for an alias list that names an alias twice. */
export function duplicateAliases(name: 'transforms' | 'predicates', aliases: string[]): string {
  return `Invalid value [${aliases.join(', ')}] for configuration ${name}: Duplicate alias provided.`;
}

/** Kafka's message for `transforms.<alias>.negate` without `transforms.<alias>.predicate`. */
export function negateWithoutPredicate(prefix: string): string {
  return `Config '${prefix}.negate' was provided but there is no config '${prefix}.predicate' defining a predicate to be negated.`;
}

function refuseDuplicates(source: ConfigSource, name: 'transforms' | 'predicates', aliases: string[]): void {
  if (new Set(aliases).size !== aliases.length) {
    const line = 'entries' in source ? source.entries.get(name)?.line : undefined;
    throw new ConnectConfigError('duplicate-alias', duplicateAliases(name, aliases), { file: source.file, line, field: name });
  }
}

function locate(value: string, baseDirectory: string, pluginPath: string[], where: ErrorContext): TransformPluginLocation {
  const candidates = isAbsolute(value) ? [value] : [resolve(baseDirectory, value), ...pluginPath.map((folder) => resolve(folder, value))];
  for (const candidate of candidates) {
    if (existsSync(candidate)) return { path: candidate, kind: candidate.endsWith('.wasm') ? 'component' : 'folder', builtIn: false };
  }
  throw new ConnectConfigError('invalid-value', `Invalid value ${value} for configuration ${where.field}: not a transform component or plugin folder (looked in ${candidates.join(', ')})`, where);
}

function classConfig(source: ConfigSource, prefix: string, alias: string, subject: string, baseDirectory: string, pluginPath: string[]): ClassConfig & { predicateAlias?: string; negate: boolean } {
  const definition = new ConfigDefinition(subject, [
    aliasTypeKey(prefix.startsWith('transforms.') ? 'transforms' : 'predicates', alias),
    key({ name: `${prefix}.plugin`, type: 'string', default: null, documentation: 'Eddy: the transform component or plugin folder providing the class (default: the transforms Eddy ships)' }),
  ] as const);
  const values: Record<string, string | undefined> = definition.parse(source);
  const lines = new Map(entriesOf(source).map(([name, , line]) => [name, line]));
  const where = (name: string): ErrorContext => ({ file: source.file, line: lines.get(name), field: name });
  const pluginKey = `${prefix}.plugin`;
  const pluginValue = values[pluginKey];
  const plugin = pluginValue === undefined
    ? { path: builtInTransformsPlugin, kind: 'folder' as const, builtIn: true }
    : locate(pluginValue, baseDirectory, pluginPath, where(pluginKey));
  const config: Array<[string, string]> = [];
  let predicateAlias: string | undefined;
  let negate = false;
  for (const [name, value] of entriesOf(source)) {
    if (!name.startsWith(`${prefix}.`)) continue;
    const rest = name.slice(prefix.length + 1);
    if (prefix.startsWith('transforms.') && rest === 'predicate') predicateAlias = value.trim();
    else if (prefix.startsWith('transforms.') && rest === 'negate') negate = value.trim().toLowerCase() === 'true';
    else if (rest !== 'plugin') config.push([rest, value]);
  }
  return { alias, prefix, className: values[`${prefix}.type`]!, plugin, config, where, predicateAlias, negate };
}

/** Reads `transforms` and `predicates` and every alias's keys; throws ConnectConfigError naming the first bad key. */
export function parseTransforms(source: ConfigSource, baseDirectory: string, pluginPath: string[] = []): TransformStage[] {
  const aliases = aliasesDefinition.parse(source);
  refuseDuplicates(source, 'transforms', aliases.transforms);
  refuseDuplicates(source, 'predicates', aliases.predicates);
  const predicates = new Map(aliases.predicates.map((alias) => [alias, classConfig(source, `predicates.${alias}`, alias, `predicate '${alias}'`, baseDirectory, pluginPath)]));
  return aliases.transforms.map((alias) => {
    const prefix = `transforms.${alias}`;
    const negateKey = `${prefix}.negate`;
    const negateEntry = entriesOf(source).find(([name]) => name === negateKey);
    if (negateEntry) {
      const text = negateEntry[1].trim().toLowerCase();
      if (text !== 'true' && text !== 'false') {
        throw new ConnectConfigError('invalid-value', `Invalid value ${negateEntry[1]} for configuration ${negateKey}: Expected value to be either true or false`, { file: source.file, line: negateEntry[2], field: negateKey });
      }
    }
    const stage = classConfig(source, prefix, alias, `transform '${alias}'`, baseDirectory, pluginPath);
    if (negateEntry && stage.predicateAlias === undefined) {
      throw new ConnectConfigError('invalid-value', negateWithoutPredicate(prefix), stage.where(negateKey));
    }
    let predicate: ClassConfig | undefined;
    if (stage.predicateAlias !== undefined) {
      predicate = predicates.get(stage.predicateAlias);
      if (predicate === undefined) {
        throw new ConnectConfigError('unknown-predicate', `Invalid value ${stage.predicateAlias} for configuration ${prefix}.predicate: no predicate of that alias in predicates (${aliases.predicates.join(', ') || 'none'})`, stage.where(`${prefix}.predicate`));
      }
    }
    const { predicateAlias: _alias, negate, ...rest } = stage;
    return { ...rest, predicate, negate };
  });
}
