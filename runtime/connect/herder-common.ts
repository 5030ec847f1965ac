// What the standalone and distributed herders answer alike: the server
// info, the plugin list, a connector plugin's configuration definition and
// the validation of a configuration against it (Kafka's
// /connector-plugins/{plugin}/config and …/config/validate), the whole check
// of a connector configuration (Kafka's 400 listing every problem), and
// reading the offsets of a REST body.
//
// Owns: those answers and messages. Must never: hold a connector's state.

import { readFileSync } from 'node:fs';
import { ConfigError, ConnectConfigError } from '../errors.ts';
import { TransformPlugin } from '../plugin/plugin-transform.ts';
import type { ConfigKey as PluginConfigKey, ConnectorPlugin } from '../plugin/plugin-connector.ts';
import { embeddedAliasKeys } from './embedded-config.ts';
import { converterConfigDef, validateConnectorConverters } from './converter-config-defs.ts';
import { converterAliases, converterClassNames, simpleHeaderConverterClass, simpleName } from './converter.ts';
import { configInfos, declaredKey, pluginKey, validateKey, type ConfigInfos, type ConfigKeyInfo, type ConfigValueInfo, type DefinedKey } from './config-infos.ts';
import { builtInConnectors, frameworkKeys } from './connector-config.ts';
import { exactlyOnceProblems, parseSourceExactlyOnce } from './exactly-once-source.ts';
import { HerderError, type ConfigMap, type ConnectorOffset, type ConnectorType, type PluginInfo, type ServerInfo } from './herder.ts';
import { compileTopicPattern, dlqMatchedMessage, dlqMatchesPattern, matchingTopics } from './topic-pattern.ts';
import { aliasKeys, builtInTransformsPlugin, duplicateAliases, negateWithoutPredicate } from './transform-config.ts';
import { builtComponent, ConnectorConfigInvalidError, issueMessage, type ConnectWorker, type LoadedConnector } from './worker.ts';
import type { SourceOffsetStore } from './offset-store.ts';

export const eddyVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
/** The Kafka Connect REST API version this worker speaks. */
export const connectApiVersion = '4.4.0';

export async function serverInfo(worker: ConnectWorker): Promise<ServerInfo> {
  return { version: connectApiVersion, commit: `eddy-${eddyVersion}`, kafka_cluster_id: await (await worker.admin()).clusterId() };
}

/** Java's String.compareTo (UTF-16 code units), the order of Kafka's plugin sets. */
const javaOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The converters Eddy has (converter.ts's); they are header converters too (HeaderConverter), listed as both, as Kafka lists them. */
const shippedConverters = converterClassNames;
const shippedHeaderConverters = [...shippedConverters, simpleHeaderConverterClass];

/**
 * GET /connector-plugins: as Kafka's ConnectorPluginsResource lists its
 * plugins — sink connectors, source connectors, then (with
 * connectorsOnly=false) transformations, predicates, converters and header
 * converters, each kind by class name.
 */
export async function connectorPlugins(connectorsOnly: boolean): Promise<PluginInfo[]> {
  const named = [...builtInConnectors.entries()].filter(([name]) => name.includes('.'));
  const ofKind = (type: string, classes: readonly string[]): PluginInfo[] => [...classes].sort(javaOrder).map((name) => ({ class: name, type, version: eddyVersion }));
  const connectors = [
    ...ofKind('sink', named.filter(([, folder]) => folder.includes('sink')).map(([name]) => name)),
    ...ofKind('source', named.filter(([, folder]) => !folder.includes('sink')).map(([name]) => name)),
  ];
  if (connectorsOnly) return connectors;
  const { kinds } = await shippedTransformClasses();
  return [
    ...connectors,
    ...ofKind('transformation', [...kinds].filter(([, kind]) => kind === 'transformation').map(([name]) => name)),
    ...ofKind('predicate', [...kinds].filter(([, kind]) => kind === 'predicate').map(([name]) => name)),
    ...ofKind('converter', shippedConverters),
    ...ofKind('header_converter', shippedHeaderConverters),
  ];
}

/** A configuration with its connector's name: the name in the URL, which a `name` key must match (Kafka's checkAndPutConnectorConfigName). */
export function withConnectorName(name: string, config: ConfigMap): ConfigMap {
  if (config.name !== undefined && config.name !== name) {
    throw new HerderError(400, `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`, { field: 'name' });
  }
  return { ...config, name };
}

/** A configuration with a PATCH body applied: a value replaces or adds its key, null removes it. */
export function patchedConfig(config: ConfigMap, patch: Record<string, string | null>): ConfigMap {
  const out = { ...config };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** Kafka's refusal of a configuration without `connector.class`. */
function noConnectorType(config: ConfigMap): HerderError {
  return new HerderError(400, `Connector config ${javaMap(config)} contains no connector type`, { field: 'connector.class' });
}

/** The whole check Kafka runs before accepting a configuration: a 400 listing every problem. */
export async function checkConnectorConfig(worker: ConnectWorker, config: ConfigMap, baseDirectory: string): Promise<LoadedConnector> {
  const connectorClass = config['connector.class'];
  if (connectorClass === undefined) throw noConnectorType(config);
  try {
    // As Kafka's: the validation of /connector-plugins/{plugin}/config/validate, every error listed.
    const infos = await validateConnectorConfig(worker, connectorClass, config, baseDirectory);
    if (infos.error_count > 0) throw new ConnectorConfigInvalidError(infos.configs.flatMap(({ value }) => value?.errors ?? []), { field: 'config' });
    return await worker.check(new Map(Object.entries(config)), baseDirectory);
  } catch (error) {
    if (error instanceof ConnectorConfigInvalidError) {
      throw new HerderError(400, `${error.detail.replace(/ \([\w-]+\)$/, '')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``, error.context, { cause: error });
    }
    if (error instanceof ConnectConfigError) throw new HerderError(400, error.detail.replace(/ \([\w-]+\)$/, ''), error.context, { cause: error });
    throw error;
  }
}

/** Kafka's refusal to change the offsets of a connector that is not STOPPED. */
/**
 * A sink connector's committed offsets (GET /connectors/{name}/offsets): the
 * group `connect-<name>`'s offsets of its topics — the listed ones, or those
 * its topics.regex matches now.
 */
export async function sinkConnectorOffsets(worker: ConnectWorker, name: string, config: ConfigMap): Promise<ConnectorOffset[]> {
  const admin = await worker.admin();
  const regex = (config['topics.regex'] ?? '').trim();
  const topics =
    regex !== ''
      ? matchingTopics(compileTopicPattern(regex), await admin.topicNames())
      : (config.topics ?? '').split(',').map((topic) => topic.trim()).filter((topic) => topic !== '');
  const committed = topics.length === 0 ? [] : await admin.committedOffsets(`connect-${name}`, topics);
  return committed.map(({ topic, partition, offset }) => ({ partition: { kafka_topic: topic, kafka_partition: partition }, offset: { kafka_offset: offset } }));
}

export function notStopped(name: string): HerderError {
  return new HerderError(400, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
}

/**
 * Changes (or, with `undefined`, resets) a stopped connector's offsets:
 * a source's in its offsets store, a sink's as its consumer group's committed
 * offsets (a reset deletes the group, as Kafka's). Kafka's success message.
 */
export async function alterOffsets(worker: ConnectWorker, name: string, type: ConnectorType, offsets: ConnectorOffset[] | undefined, sourceOffsets: SourceOffsetStore = worker.offsets): Promise<string> {
  if (type === 'source') {
    const store = sourceOffsets;
    if (offsets === undefined) for (const stored of store.offsetsOf(name)) store.delete(name, stored.sourcePartition);
    for (const { partition, offset } of offsets ?? []) {
      const key = stringMap(partition, 'partition');
      if (offset === null) store.delete(name, key);
      else store.set(name, key, stringMap(offset, 'offset'));
    }
    await store.flush();
  } else {
    const admin = await worker.admin();
    if (offsets === undefined) await admin.deleteGroup(`connect-${name}`);
    else await admin.setGroupOffsets(`connect-${name}`, offsets.map(sinkOffset));
  }
  return offsets === undefined ? 'The offsets for this connector have been reset successfully' : 'The offsets for this connector have been altered successfully';
}

/** A string map of the offsets store from a REST body's map (values kept as their text). */
function stringMap(value: Record<string, unknown>, what: string): Array<[string, string]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HerderError(400, `The ${what} of each offset must be a JSON object`);
  return Object.entries(value).map(([key, entry]) => {
    if (entry === null || typeof entry === 'object') throw new HerderError(400, `The ${what} key '${key}' must be a string, number or boolean`, { field: key });
    return [key, String(entry)];
  });
}

/** A sink connector's offset in a REST body (Kafka's kafka_topic, kafka_partition, kafka_offset). */
function sinkOffset({ partition, offset }: ConnectorOffset): { topic: string; partition: number; offset: number } {
  const topic = partition.kafka_topic;
  const number = partition.kafka_partition;
  if (typeof topic !== 'string' || typeof number !== 'number' || !Number.isInteger(number)) {
    throw new HerderError(400, "Sink connector offsets need a partition with 'kafka_topic' (a string) and 'kafka_partition' (an integer)");
  }
  if (offset === null) throw new HerderError(400, "Removing one partition's committed offset of a sink connector is not supported yet: reset all of them with DELETE");
  const value = offset.kafka_offset;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new HerderError(400, "Sink connector offsets need 'kafka_offset' (a non-negative integer)");
  return { topic, partition: number, offset: value };
}

/** A map as Java's AbstractMap.toString prints it ({a=b, c=d}). */
function javaMap(config: ConfigMap): string {
  return `{${Object.entries(config).map(([key, value]) => `${key}=${value}`).join(', ')}}`;
}

// ---- configuration definitions and validation (Kafka's ConnectorPluginsResource) ----

const converterClasses = [...shippedConverters].sort(javaOrder);
const headerConverterClasses = [...shippedHeaderConverters].sort(javaOrder);

/** The connector plugin a REST path or `connector.class` names; 404 (Kafka's "Unknown plugin") when none, 400 when it is no connector. */
async function namedConnector(worker: ConnectWorker, name: string, baseDirectory: string, unknown: (error: ConnectConfigError) => HerderError): Promise<ConnectorPlugin> {
  try {
    return await worker.connectorPlugin(name, baseDirectory);
  } catch (error) {
    if (error instanceof ConnectConfigError) throw unknown(error);
    if (error instanceof ConfigError) {
      throw new HerderError(400, `Invalid plugin class ${name}. Valid types are sink, source, converter, header_converter, transformation, predicate.`, { field: 'connector.class' }, { cause: error });
    }
    throw error;
  }
}

/** Kafka's ConfigKeyInfo of the framework's keys with the defaults that depend on the worker and the plugin. */
function frameworkDefinitions(kind: 'source' | 'sink', defaults: ReadonlyMap<string, string>): DefinedKey[] {
  return frameworkKeys(kind).map((key) => declaredKey(key, defaults.get(key.name)));
}

/**
 * GET /connector-plugins/{plugin}/config: the plugin's own keys (its
 * `config-def`), then the framework's keys it does not redefine (Kafka's
 * SourceConnectorConfig or SinkConnectorConfig), as Kafka lists them.
 */
export async function connectorPluginConfig(worker: ConnectWorker, name: string, baseDirectory: string): Promise<ConfigKeyInfo[]> {
  // A converter's, transformation's or predicate's own keys, in its definition order (Kafka's connectorPluginConfig for those types).
  const converter = converterConfigDef(name) ?? converterConfigDef(converterAliases.get(name) ?? '');
  if (converter) return converter.map((key) => key.info);
  if (/\S/.test(name) && !name.includes('/')) {
    const shipped = await shippedTransformClasses();
    const className = shipped.kinds.has(name) ? name : uniqueSimpleName([...shipped.kinds.keys()], name);
    const keys = className === undefined ? undefined : shipped.configDefs?.get(className);
    if (keys) return keys.map((key) => pluginKey(key).info);
  }
  const plugin = await namedConnector(worker, name, baseDirectory, () => new HerderError(404, `Unknown plugin ${name}.`));
  const out = new Map<string, ConfigKeyInfo>(plugin.configDef.map((key) => [key.name, pluginKey(key).info]));
  for (const key of frameworkDefinitions(plugin.kind, new Map([['connector.plugin.version', eddyVersion]]))) {
    if (!out.has(key.info.name)) out.set(key.info.name, key.info);
  }
  return [...out.values()];
}

/** The class among `classes` whose simple name is `name`, when exactly one has it (Kafka's alias rule). */
function uniqueSimpleName(classes: string[], name: string): string | undefined {
  const matches = classes.filter((candidate) => simpleName(candidate) === name);
  return matches.length === 1 ? matches[0] : undefined;
}

/** Kafka's normalizedPluginName: a simple name without its `Connector` suffix. */
function normalizedPluginName(name: string): string {
  return name.endsWith('Connector') && name.length > 'Connector'.length ? name.slice(0, -'Connector'.length) : name;
}

/** The transforms and predicates Eddy ships: each class's kind (what Kafka recommends from its classpath) and keys. */
interface ShippedClasses {
  kinds: ReadonlyMap<string, string>;
  configDefs: ReadonlyMap<string, readonly PluginConfigKey[]> | undefined;
}

let transformClasses: Promise<ShippedClasses> | undefined;

function shippedTransformClasses(): Promise<ShippedClasses> {
  transformClasses ??= (async () => {
    const plugin = await TransformPlugin.load(await builtComponent(builtInTransformsPlugin));
    return { kinds: plugin.classes, configDefs: plugin.configDefs };
  })();
  transformClasses.catch(() => (transformClasses = undefined));
  return transformClasses;
}

/**
 * PUT /connector-plugins/{plugin}/config/validate (Kafka's
 * AbstractHerder.validateConnectorConfig): every framework key of the
 * connector's kind, the keys of each transform and predicate alias, the sink
 * rules, then the plugin's own keys, each with its value and errors — the
 * plugin's `validate` issues attached to the keys they name.
 */
export async function validateConnectorConfig(worker: ConnectWorker, pluginName: string, config: ConfigMap, baseDirectory: string): Promise<ConfigInfos> {
  const connectorClass = config['connector.class'];
  if (connectorClass !== undefined && !normalizedPluginName(connectorClass).endsWith(normalizedPluginName(pluginName))) {
    throw new HerderError(400, `Included connector type ${connectorClass} does not match request type ${pluginName}`);
  }
  if (connectorClass === undefined) throw noConnectorType(config);
  const plugin = await namedConnector(worker, connectorClass, baseDirectory, (error) => new HerderError(400, error.detail.replace(/ \([\w-]+\)$/, ''), error.context, { cause: error }));

  // The framework's keys, with the defaults Kafka takes from the worker and the plugins' versions.
  const workerConfig = worker.config;
  const defaults = new Map([
    ['connector.plugin.version', eddyVersion],
    ['key.converter', workerConfig.keyConverter.className], ['key.converter.plugin.version', eddyVersion],
    ['value.converter', workerConfig.valueConverter.className], ['value.converter.plugin.version', eddyVersion],
    ['header.converter', workerConfig.headerConverter.className], ['header.converter.plugin.version', eddyVersion],
  ]);
  const recommended = new Map([
    ['connector.plugin.version', [eddyVersion]], ['key.converter.plugin.version', [eddyVersion]], ['value.converter.plugin.version', [eddyVersion]], ['header.converter.plugin.version', [eddyVersion]],
    ['key.converter', converterClasses], ['value.converter', converterClasses], ['header.converter', headerConverterClasses],
  ]);
  const keys = new Map<string, DefinedKey>();
  const values = new Map<string, ConfigValueInfo>();
  const define = (key: DefinedKey, recommendedValues: string[] = []) => {
    keys.set(key.info.name, key);
    values.set(key.info.name, validateKey(key, config, recommendedValues));
  };
  const addError = (name: string, message: string) => {
    const value = values.get(name) ?? { name, value: config[name] ?? null, recommended_values: [], errors: [], visible: true };
    if (!value.errors.includes(message)) value.errors.push(message);
    values.set(name, value);
  };
  for (const key of frameworkDefinitions(plugin.kind, defaults)) define(key, recommended.get(key.info.name));

  // Each transform's and predicate's keys (Kafka's ConnectorConfig.enrich), with its class's own keys (those of the classes Eddy ships).
  const shipped: ShippedClasses = /\S/.test(`${config.transforms ?? ''}${config.predicates ?? ''}`) ? await shippedTransformClasses() : { kinds: new Map(), configDefs: undefined };
  const classes = shipped.kinds;
  for (const kind of ['transforms', 'predicates'] as const) {
    if (values.get(kind)!.errors.length > 0) continue;
    const aliases = (values.get(kind)!.value ?? '').split(',').filter((alias) => alias !== '');
    if (new Set(aliases).size !== aliases.length) addError(kind, duplicateAliases(kind, aliases));
    const classKind = kind === 'transforms' ? 'transformation' : 'predicate';
    const known = [...classes].filter(([, entryKind]) => entryKind === classKind).map(([name]) => name).sort();
    for (const alias of new Set(aliases)) {
      const prefix = `${kind}.${alias}`;
      const [typeKey, versionKey, ...implicit] = aliasKeys(kind, alias);
      define(declaredKey(typeKey!), known);
      const type = config[`${prefix}.type`]?.trim();
      // A class that cannot be found does not parse (its value is null), and contributes no keys: Kafka cannot ask it for its definition.
      const shippedClass = config[`${prefix}.plugin`] === undefined && type !== undefined && type !== '' ? known.find((name) => name === type || name.endsWith(`.${type}`)) : undefined;
      const found = type !== undefined && type !== '' && (config[`${prefix}.plugin`] !== undefined || shippedClass !== undefined);
      if (type !== undefined && !found) {
        values.set(`${prefix}.type`, { ...values.get(`${prefix}.type`)!, value: null });
        addError(`${prefix}.type`, `Invalid value ${type} for configuration ${prefix}.type: Class ${type} could not be found.`);
      }
      if (kind === 'transforms' && type !== undefined && config[`${prefix}.negate`] !== undefined && config[`${prefix}.predicate`] === undefined) {
        addError(`${prefix}.type`, negateWithoutPredicate(prefix));
      }
      define(declaredKey(versionKey!, found ? eddyVersion : undefined), found ? [eddyVersion] : []);
      const classKeys = shippedClass === undefined ? undefined : shipped.configDefs?.get(shippedClass);
      // The class's own keys sorted in among the implicit ones (a user plugin's class: the implicit keys only).
      if (classKeys) for (const key of embeddedAliasKeys(kind, alias, classKeys)) define(key);
      else if (found) for (const key of implicit) define(declaredKey(key));
    }
  }

  // A sink's topics (Kafka's SinkConnectorConfig.validate).
  if (plugin.kind === 'sink') {
    const topics = (config.topics ?? '').trim();
    const regex = (config['topics.regex'] ?? '').trim();
    const deadLetterQueue = (config['errors.deadletterqueue.topic.name'] ?? '').trim();
    if (topics !== '' && regex !== '') for (const name of ['topics', 'topics.regex']) addError(name, 'topics and topics.regex are mutually exclusive options, but both are set.');
    if (topics === '' && regex === '') for (const name of ['topics', 'topics.regex']) addError(name, 'Must configure one of topics or topics.regex');
    const list = topics === '' ? [] : topics.split(/\s*,\s*/);
    if (deadLetterQueue !== '' && list.includes(deadLetterQueue)) {
      addError('topics', `The DLQ topic '${deadLetterQueue}' may not be included in the list of topics ('topics=[${list.join(', ')}]') consumed by the connector`);
    }
    if (deadLetterQueue !== '' && regex !== '' && dlqMatchesPattern(regex, deadLetterQueue)) addError('topics.regex', dlqMatchedMessage(deadLetterQueue, regex));
  }

  // A source's errors.deadletterqueue.* keys (Eddy's extension) are not listed: Kafka's SourceConnectorConfig has none, so this
  // answer stays Kafka's; checkConnectorConfig's worker.check refuses a bad value. Its DLQ topic is not compared with the
  // topics it writes: a source names them per record.

  // A source's exactly-once keys (KIP-618), checked by a distributed worker only, as Kafka's DistributedHerder.
  const exactlyOnceKeys = ['exactly.once.support', 'transaction.boundary', 'transaction.boundary.interval.ms', 'offsets.storage.topic'];
  if (plugin.kind === 'source' && workerConfig.distributed && exactlyOnceKeys.every((name) => values.get(name)!.errors.length === 0)) {
    const settings = parseSourceExactlyOnce({ values: new Map(Object.entries(config)) });
    let pluginSupport: boolean | undefined;
    if (settings.support === 'required') {
      const half = plugin.connector({ connector: config.name ?? '', log: worker.log });
      try {
        pluginSupport = half.exactlyOnceSupport(Object.entries(config));
      } finally {
        half.close();
      }
    }
    for (const problem of exactlyOnceProblems(settings, workerConfig.distributed.exactlyOnceSourceSupport, pluginSupport)) addError(problem.key, problem.message);
  }

  // The plugin's own keys (redefining a framework key replaces its definition in place), then its validation:
  // an issue about one of its keys that already failed as declared (missing, or not of its type) adds nothing.
  for (const key of plugin.configDef) define(pluginKey(key));
  const failedAsDeclared = new Set(plugin.configDef.filter((key) => values.get(key.name)!.errors.length > 0).map((key) => key.name));
  const half = plugin.connector({ connector: config.name ?? '', log: worker.log });
  try {
    for (const issue of half.validate(Object.entries(config))) if (!failedAsDeclared.has(issue.key)) addError(issue.key, issueMessage(issue));
  } finally {
    half.close();
  }

  const groups = [...new Set([...keys.values()].flatMap((key) => (key.info.group === null ? [] : [key.info.group])))];
  const result = configInfos(connectorClass, [...keys.values()], values, groups);
  // The converters the connector names itself, with their own keys (Kafka's validateConverterConfig, merged after the rest).
  const converters = validateConnectorConverters(config, (property) => (values.get(property)?.errors.length ?? 0) === 0);
  return {
    ...result,
    error_count: result.error_count + converters.error_count,
    groups: [...new Set([...result.groups, ...converters.groups])],
    configs: [...result.configs, ...converters.configs],
  };
}
