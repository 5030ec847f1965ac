// A connector's configuration (Kafka's ConnectorConfig, SourceConnectorConfig
// and SinkConnectorConfig): the keys of `config/connect-file-source.properties`
// and friends, in a properties file or a JSON document.
//
// Owns: the declared schema of the keys the worker reads itself (name,
// connector.class, tasks.max, topics, converter overrides, the `errors.*`
// keys of KIP-298 into ErrorHandlingSettings), resolving
// `connector.class` to a WASM component (Kafka's class names of the
// connectors Eddy ships, or a path to any component or plugin folder), the
// transforms and predicates (transform-config.ts), and handing every key,
// read or not, to the plugin (it validates its own).
// Must never: load the component (the worker does).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectConfigError, messageOf } from '../errors.ts';
import { atLeast, ConfigDefinition, key, type ConfigSource } from './config-definition.ts';
import { converterSettings, type ConverterSettings } from './converter.ts';
import type { ErrorHandlingSettings } from './error-handling.ts';
import { readPropertiesFile } from './properties-file.ts';
import { parseTransforms, type TransformStage } from './transform-config.ts';

const pluginsDirectory = fileURLToPath(new URL('../../plugins/', import.meta.url));

/** The connectors Eddy ships, by Kafka's class names and aliases → their plugin folder. */
export const builtInConnectors: ReadonlyMap<string, string> = new Map([
  ['org.apache.kafka.connect.file.FileStreamSourceConnector', 'connect-file-source-rust'],
  ['FileStreamSourceConnector', 'connect-file-source-rust'],
  ['FileStreamSource', 'connect-file-source-rust'],
  ['org.apache.kafka.connect.file.FileStreamSinkConnector', 'connect-file-sink-rust'],
  ['FileStreamSinkConnector', 'connect-file-sink-rust'],
  ['FileStreamSink', 'connect-file-sink-rust'],
]);

export const connectorConfigDefinition = new ConfigDefinition('connector', [
  key({ name: 'name', type: 'string', documentation: 'the unique name of the connector',
    validate: (name) => (name === '' ? 'String may not be empty' : /[\u0000-\u001f\u007f]/.test(name) ? 'String may not contain control characters' : undefined) }),
  key({ name: 'connector.class', type: 'class', documentation: "Kafka's class name of a connector Eddy ships, or the path of a WASM connector component or plugin folder" }),
  key({ name: 'tasks.max', type: 'int', default: 1, validate: atLeast(1), documentation: 'the most tasks the connector may run' }),
  key({ name: 'topics', type: 'list', default: null, documentation: 'the topics a sink connector reads' }),
  key({ name: 'topics.regex', type: 'string', default: null, documentation: 'a pattern of topics a sink reads (not supported yet)' }),
  key({ name: 'key.converter', type: 'class', default: null, documentation: "overrides the worker's key converter" }),
  key({ name: 'value.converter', type: 'class', default: null, documentation: "overrides the worker's value converter" }),
  // Error handling (KIP-298), as Kafka's ConnectorConfig and SinkConnectorConfig declare it.
  key({ name: 'errors.retry.timeout', type: 'long', default: 0, documentation: 'how long a failed operation is retried (only retriable errors; -1: forever)' }),
  key({ name: 'errors.retry.delay.max.ms', type: 'long', default: 60_000, validate: atLeast(1), documentation: 'the longest wait between retries' }),
  key({ name: 'errors.tolerance', type: 'string', default: 'none', documentation: "'none' fails the task at the first failing conversion or transform, 'all' skips the record",
    validate: (value) => (['none', 'all'].includes(value.toLowerCase()) ? undefined : 'String must be one of (case insensitive): none, all') }),
  key({ name: 'errors.log.enable', type: 'boolean', default: false, documentation: 'log every failure and the failed operation' }),
  key({ name: 'errors.log.include.messages', type: 'boolean', default: false, documentation: "include the failed record's coordinates in the log" }),
  key({ name: 'errors.deadletterqueue.topic.name', type: 'string', default: '', documentation: 'sinks: the topic failed records are copied to (blank: none)' }),
  key({ name: 'errors.deadletterqueue.topic.replication.factor', type: 'int', default: 3, validate: atLeast(-1), documentation: 'sinks: the replication factor of a dead-letter queue topic created by the worker' }),
  key({ name: 'errors.deadletterqueue.context.headers.enable', type: 'boolean', default: false, documentation: 'sinks: add the __connect.errors.* context headers to dead-letter records' }),
] as const);

/** Where a connector's component is. */
export interface ConnectorPluginLocation {
  /** A plugin folder to build (`eddy build`) or a component file. */
  path: string;
  kind: 'folder' | 'component';
}

export interface ConnectorConfig {
  name: string;
  file: string | undefined;
  plugin: ConnectorPluginLocation;
  tasksMax: number;
  topics: string[] | undefined;
  keyConverter: ConverterSettings | undefined;
  valueConverter: ConverterSettings | undefined;
  /** The `transforms` chain, in order. */
  transforms: TransformStage[];
  /** The `errors.*` keys. */
  errors: ErrorHandlingSettings;
  /** Every key, in order, as the plugin receives it. */
  entries: Array<[string, string]>;
}

/** Reads a connector file: `.json` (`{"name", "config": {…}}` as the REST API takes, or a flat map) or `.properties`. */
export function readConnectorFile(file: string, pluginPath: string[] = []): ConnectorConfig {
  if (file.endsWith('.json')) {
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConnectConfigError('json-invalid', `the connector file is not valid JSON: ${messageOf(error)}`, { file }, { cause: error });
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new ConnectConfigError('json-invalid', 'the connector file must be a JSON object', { file });
    const object = document as Record<string, unknown>;
    const config = typeof object.config === 'object' && object.config !== null ? (object.config as Record<string, unknown>) : object;
    const values = new Map<string, string>();
    if (typeof object.name === 'string') values.set('name', object.name);
    for (const [name, value] of Object.entries(config)) {
      if (typeof value !== 'string') throw new ConnectConfigError('invalid-value', `config values must be strings, '${name}' is ${JSON.stringify(value)}`, { file, field: name });
      values.set(name, value);
    }
    return parseConnectorConfig({ file, values }, dirname(file), pluginPath);
  }
  return parseConnectorConfig(readPropertiesFile(file), dirname(file), pluginPath);
}

export function parseConnectorConfig(source: ConfigSource, baseDirectory: string, pluginPath: string[] = []): ConnectorConfig {
  const values = connectorConfigDefinition.parse(source);
  const entries: Array<[string, string]> = 'entries' in source ? [...source.entries].map(([name, entry]) => [name, entry.value]) : [...source.values];
  const classEntry = 'entries' in source ? source.entries.get('connector.class') : undefined;
  const connectorClass = values['connector.class'];
  return {
    name: values.name,
    file: source.file,
    plugin: resolvePlugin(connectorClass, baseDirectory, pluginPath, { file: source.file, line: classEntry?.line, field: 'connector.class' }),
    tasksMax: values['tasks.max'],
    topics: values.topics,
    keyConverter: values['key.converter'] === undefined ? undefined : converterSettings(source, 'key.converter', values['key.converter'], true),
    valueConverter: values['value.converter'] === undefined ? undefined : converterSettings(source, 'value.converter', values['value.converter'], false),
    transforms: parseTransforms(source, baseDirectory, pluginPath),
    errors: {
      tolerance: values['errors.tolerance'].toLowerCase() === 'all' ? 'all' : 'none',
      retryTimeoutMs: values['errors.retry.timeout'],
      retryDelayMaxMs: values['errors.retry.delay.max.ms'],
      logEnable: values['errors.log.enable'],
      logIncludeMessages: values['errors.log.include.messages'],
      deadLetterQueueTopic: values['errors.deadletterqueue.topic.name'] === '' ? undefined : values['errors.deadletterqueue.topic.name'],
      deadLetterQueueReplicationFactor: values['errors.deadletterqueue.topic.replication.factor'],
      deadLetterQueueContextHeaders: values['errors.deadletterqueue.context.headers.enable'],
    },
    entries,
  };
}

export function resolvePlugin(connectorClass: string, baseDirectory: string, pluginPath: string[], where: { file?: string; line?: number; field: string }): ConnectorPluginLocation {
  const builtIn = builtInConnectors.get(connectorClass);
  if (builtIn) return { path: join(pluginsDirectory, builtIn), kind: 'folder' };
  const candidates = isAbsolute(connectorClass) ? [connectorClass] : [resolve(baseDirectory, connectorClass), ...pluginPath.map((folder) => resolve(folder, connectorClass))];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    return { path: candidate, kind: statSync(candidate).isDirectory() ? 'folder' : 'component' };
  }
  const known = [...builtInConnectors.keys()].filter((name) => name.includes('.')).join(', ');
  throw new ConnectConfigError(
    'unknown-connector-class',
    `Invalid value ${connectorClass} for configuration connector.class: not a connector Eddy ships (${known}, or their simple names) nor a WASM component or plugin folder (looked in ${candidates.join(', ')})`,
    where,
  );
}
