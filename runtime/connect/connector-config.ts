// A connector's configuration (Kafka's ConnectorConfig, SourceConnectorConfig
// and SinkConnectorConfig): the keys of `config/connect-file-source.properties`
// and friends, in a properties file or a JSON document.
//
// Owns: the declared schema of the framework's keys, as Kafka declares them
// for every connector, for sinks and for sources (with Kafka's
// documentation, groups and widths: what Connect's REST API lists), of which
// the worker reads name, connector.class, tasks.max, topics, converter
// overrides and the `errors.*` keys of KIP-298 (into
// ErrorHandlingSettings; the dead-letter queue keys for sources too, Eddy's
// extension, though only sinks declare them); resolving
// `connector.class` to a WASM component (Kafka's class names of the
// connectors Eddy ships, or a path to any component or plugin folder), the
// transforms and predicates (transform-config.ts), and handing every key,
// read or not, to the plugin (it validates its own).
// Must never: load the component (the worker does).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectConfigError, messageOf } from '../errors.ts';
import { atLeast, ConfigDefinition, key, nonEmpty, oneOfIgnoringCase, type ConfigKey, type ConfigSource } from './config-definition.ts';
import { converterSettings, type ConverterSettings } from './converter.ts';
import type { ErrorHandlingSettings } from './error-handling.ts';
import { readPropertiesFile } from './properties-file.ts';
import { compileTopicPattern } from './topic-pattern.ts';
import { aliasListKeys, parseTransforms, type TransformStage } from './transform-config.ts';

const pluginsDirectory = fileURLToPath(new URL('../../plugins/', import.meta.url));

/** The connectors Eddy ships, by Kafka's class names and aliases → their plugin folder. */
export const builtInConnectors: ReadonlyMap<string, string> = new Map([
  ['org.apache.kafka.connect.file.FileStreamSourceConnector', 'connect-file-source-rust'],
  ['FileStreamSourceConnector', 'connect-file-source-rust'],
  ['FileStreamSource', 'connect-file-source-rust'],
  ['org.apache.kafka.connect.file.FileStreamSinkConnector', 'connect-file-sink-rust'],
  ['FileStreamSinkConnector', 'connect-file-sink-rust'],
  ['FileStreamSink', 'connect-file-sink-rust'],
  // Confluent's data generator (kafka-connect-datagen), by its class name: Eddy's own, in its spirit.
  ['io.confluent.kafka.connect.datagen.DatagenConnector', 'connect-datagen-rust'],
  ['DatagenConnector', 'connect-datagen-rust'],
  // A SQLite sink in the shape of Confluent's JDBC sink, by Eddy names (it writes SQLite only): a full
  // one (GET /connector-plugins lists full names) and two short ones.
  ['eddy.connect.sqlite.SqliteSinkConnector', 'connect-sqlite-sink-rust'],
  ['SqliteSinkConnector', 'connect-sqlite-sink-rust'],
  ['SqliteSink', 'connect-sqlite-sink-rust'],
  // An HTTP sink with the keys of Confluent's HTTP sink that it implements, by Eddy names.
  ['eddy.connect.http.HttpSinkConnector', 'connect-http-sink-rust'],
  ['HttpSinkConnector', 'connect-http-sink-rust'],
  ['HttpSink', 'connect-http-sink-rust'],
]);

const nameKey = key({ name: 'name', type: 'string', documentation: 'Globally unique name to use for this connector.', importance: 'HIGH', group: 'Common', orderInGroup: 1, width: 'MEDIUM', displayName: 'Connector name',
  validate: (name) => (name === '' ? 'String may not be empty' : /[\u0000-\u001f\u007f]/.test(name) ? 'String may not contain control characters' : undefined) });

const converterDocumentation = (what: string) => `Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the ${what} in messages written to or read from Kafka, and since this is independent of connectors it allows any connector to work with any serialization format. Examples of common formats include JSON and Avro.`;

/**
 * The keys of every connector (Kafka's ConnectorConfig), in Kafka's order and
 * with its documentation, groups and widths — what Kafka Connect's REST API
 * lists. `*.plugin.version` keys have no default here: it is the plugin's
 * version, filled in where definitions are presented (config-infos.ts).
 */
export const commonConnectorKeys = [
  nameKey,
  key({ name: 'connector.class', type: 'class', kafkaType: 'STRING', importance: 'HIGH', group: 'Common', orderInGroup: 2, width: 'LONG', displayName: 'Connector class',
    documentation: 'Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector. If the connector is org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this full name,  or use "FileStreamSink" or "FileStreamSinkConnector" to make the configuration a bit shorter' }),
  key({ name: 'connector.plugin.version', type: 'string', default: null, documentation: 'Version of the connector.', importance: 'MEDIUM', group: 'Common', orderInGroup: 3, width: 'MEDIUM', displayName: 'Connector version' }),
  key({ name: 'tasks.max', type: 'int', default: 1, validate: atLeast(1), documentation: 'Maximum number of tasks to use for this connector.', importance: 'HIGH', group: 'Common', orderInGroup: 4, width: 'SHORT', displayName: 'Tasks max' }),
  key({ name: 'tasks.max.enforce', type: 'boolean', default: true, importance: 'LOW', group: 'Common', orderInGroup: 5, width: 'SHORT', displayName: 'Enforce tasks max',
    documentation: '(Deprecated) Whether to enforce that the tasks.max property is respected by the connector. By default, connectors that generate too many tasks will fail, and existing sets of tasks that exceed the tasks.max property will also be failed. If this property is set to false, then connectors will be allowed to generate more than the maximum number of tasks, and existing sets of tasks that exceed the tasks.max property will be allowed to run. This property is deprecated and will be removed in an upcoming major release.' }),
  key({ name: 'key.converter', type: 'class', default: null, documentation: converterDocumentation('keys'), importance: 'LOW', group: 'Common', orderInGroup: 6, width: 'SHORT', displayName: 'Key converter class' }),
  key({ name: 'key.converter.plugin.version', type: 'string', default: null, documentation: 'Version of the key converter.', importance: 'LOW', group: 'Common', orderInGroup: 7, width: 'SHORT', displayName: 'Key converter version' }),
  key({ name: 'value.converter', type: 'class', default: null, documentation: converterDocumentation('values'), importance: 'LOW', group: 'Common', orderInGroup: 8, width: 'SHORT', displayName: 'Value converter class' }),
  key({ name: 'value.converter.plugin.version', type: 'string', default: null, documentation: 'Version of the value converter.', importance: 'LOW', group: 'Common', orderInGroup: 9, width: 'SHORT', displayName: 'Value converter version' }),
  key({ name: 'header.converter', type: 'class', default: null, importance: 'LOW', group: 'Common', orderInGroup: 10, width: 'SHORT', displayName: 'Header converter class',
    documentation: 'HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the header values in messages written to or read from Kafka, and since this is independent of connectors it allows any connector to work with any serialization format. Examples of common formats include JSON and Avro. By default, the SimpleHeaderConverter is used to serialize header values to strings and deserialize them by inferring the schemas.' }),
  key({ name: 'header.converter.plugin.version', type: 'string', default: null, documentation: 'Version of the header converter.', importance: 'LOW', group: 'Common', orderInGroup: 11, width: 'SHORT', displayName: 'Header converter version' }),
  ...aliasListKeys,
  key({ name: 'config.action.reload', type: 'string', default: 'restart', importance: 'LOW', group: 'Common', orderInGroup: 14, width: 'MEDIUM', displayName: 'Reload Action',
    validate: oneOfIgnoringCase('NONE', 'RESTART'),
    documentation: "The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector's configuration properties. A value of 'none' indicates that Connect will do nothing. A value of 'restart' indicates that Connect should restart/reload the connector with the updated configuration properties.The restart may actually be scheduled in the future if the external configuration provider indicates that a configuration value will expire in the future." }),
  // Error handling (KIP-298), as Kafka's ConnectorConfig declares it.
  key({ name: 'errors.retry.timeout', type: 'long', default: 0, importance: 'MEDIUM', group: 'Error Handling', orderInGroup: 1, width: 'MEDIUM', displayName: 'Retry Timeout for Errors',
    documentation: 'The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.' }),
  key({ name: 'errors.retry.delay.max.ms', type: 'long', default: 60_000, validate: atLeast(1), importance: 'MEDIUM', group: 'Error Handling', orderInGroup: 2, width: 'MEDIUM', displayName: 'Maximum Delay Between Retries for Errors',
    documentation: 'The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.' }),
  key({ name: 'errors.tolerance', type: 'string', default: 'none', importance: 'MEDIUM', group: 'Error Handling', orderInGroup: 3, width: 'SHORT', displayName: 'Error Tolerance',
    documentation: "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
    validate: oneOfIgnoringCase('none', 'all') }),
  key({ name: 'errors.log.enable', type: 'boolean', default: false, importance: 'MEDIUM', group: 'Error Handling', orderInGroup: 4, width: 'SHORT', displayName: 'Log Errors',
    documentation: "If true, write each error and the details of the failed operation and problematic record to the Connect application log. This is 'false' by default, so that only errors that are not tolerated are reported." }),
  key({ name: 'errors.log.include.messages', type: 'boolean', default: false, importance: 'MEDIUM', group: 'Error Handling', orderInGroup: 5, width: 'SHORT', displayName: 'Log Error Details',
    documentation: "Whether to include in the log the Connect record that resulted in a failure. For sink records, the topic, partition, offset, and timestamp will be logged. For source records, the key and value (and their schemas), all headers, and the timestamp, Kafka topic, Kafka partition, source partition, and source offset will be logged. This is 'false' by default, which will prevent record keys, values, and headers from being written to log files." }),
] as const;

/** Kafka's RegexValidator: the pattern compiles (here: as the JavaScript it runs as, topic-pattern.ts). */
function validTopicPattern(source: string): string | undefined {
  if (source.trim() === '') return undefined;
  try {
    compileTopicPattern(source.trim());
    return undefined;
  } catch (error) {
    return `Invalid regex: ${(error as Error).message}`;
  }
}

/**
 * The keys only sink connectors have (Kafka's SinkConnectorConfig). A source
 * reads the errors.deadletterqueue.* keys too (Eddy's extension: Kafka has
 * no source dead-letter queue), checked with every connector's keys
 * (connectorConfigDefinition), but they are not declared for sources: the
 * validate endpoint and GET …/config list Kafka's keys only.
 */
export const sinkConnectorKeys = [
  key({ name: 'topics', type: 'list', default: [], documentation: 'List of topics to consume, separated by commas', importance: 'HIGH', group: 'Common', orderInGroup: 4, width: 'LONG', displayName: 'Topics' }),
  key({ name: 'topics.regex', type: 'string', default: '', importance: 'HIGH', group: 'Common', orderInGroup: 4, width: 'LONG', displayName: 'Topics regex', validate: validTopicPattern,
    documentation: 'Regular expression giving topics to consume. Under the hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. Only one of topics or topics.regex should be specified.' }),
  key({ name: 'errors.deadletterqueue.topic.name', type: 'string', default: '', importance: 'MEDIUM', group: 'Error Handling', orderInGroup: 6, width: 'MEDIUM', displayName: 'Dead Letter Queue Topic Name',
    documentation: 'The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this sink connector, or its transformations or converters. The topic name is blank by default, which means that no messages are to be recorded in the DLQ.' }),
  key({ name: 'errors.deadletterqueue.topic.replication.factor', type: 'int', kafkaType: 'SHORT', default: 3, validate: atLeast(-1), importance: 'MEDIUM', group: 'Error Handling', orderInGroup: 7, width: 'MEDIUM', displayName: 'Dead Letter Queue Topic Replication Factor',
    documentation: "Replication factor used to create the dead letter queue topic when it doesn't already exist." }),
  key({ name: 'errors.deadletterqueue.context.headers.enable', type: 'boolean', default: false, importance: 'MEDIUM', group: 'Error Handling', orderInGroup: 8, width: 'MEDIUM', displayName: 'Enable Error Context Headers',
    documentation: 'If true, add headers containing error context to the messages written to the dead letter queue. To avoid clashing with headers from the original record, all error context header keys, all error context header keys will start with <code>__connect.errors.</code>' }),
] as const;

/** The keys only source connectors have (Kafka's SourceConnectorConfig; exactly-once-source.ts reads KIP-618's). */
export const sourceConnectorKeys = [
  key({ name: 'topic.creation.groups', type: 'list', default: [], documentation: 'Groups of configurations for topics created by source connectors', importance: 'LOW', group: 'Topic Creation', orderInGroup: 1, width: 'LONG', displayName: 'Topic Creation Groups' }),
  key({ name: 'exactly.once.support', type: 'string', default: 'requested', validate: oneOfIgnoringCase('requested', 'required'), importance: 'MEDIUM', group: 'Exactly Once Support', orderInGroup: 2, width: 'SHORT', displayName: 'Exactly once support',
    documentation: 'Permitted values are requested, required. If set to "required", forces a preflight check for the connector to ensure that it can provide exactly-once semantics with the given configuration. Some connectors may be capable of providing exactly-once semantics but not signal to Connect that they support this; in that case, documentation for the connector should be consulted carefully before creating it, and the value for this property should be set to "requested". Additionally, if the value is set to "required" but the worker that performs preflight validation does not have exactly-once support enabled for source connectors, requests to create or validate the connector will fail.' }),
  key({ name: 'transaction.boundary', type: 'string', default: 'poll', validate: oneOfIgnoringCase('poll', 'interval', 'connector'), importance: 'MEDIUM', group: 'Exactly Once Support', orderInGroup: 3, width: 'SHORT', displayName: 'Transaction Boundary',
    documentation: "Permitted values are: poll, interval, connector. If set to 'poll', a new producer transaction will be started and committed for every batch of records that each task from this connector provides to Connect. If set to 'connector', relies on connector-defined transaction boundaries; note that not all connectors are capable of defining their own transaction boundaries, and in that case, attempts to instantiate a connector with this value will fail. Finally, if set to 'interval', commits transactions only after a user-defined time interval has passed." }),
  key({ name: 'transaction.boundary.interval.ms', type: 'long', default: null, validate: atLeast(0), importance: 'LOW', group: 'Exactly Once Support', orderInGroup: 4, width: 'SHORT', displayName: 'Transaction boundary interval',
    documentation: "If 'transaction.boundary' is set to 'interval', determines the interval for producer transaction commits by connector tasks. If unset, defaults to the value of the worker-level 'offset.flush.interval.ms' property. It has no effect if a different transaction.boundary is specified." }),
  key({ name: 'offsets.storage.topic', type: 'string', default: null, validate: nonEmpty, importance: 'LOW', group: 'offsets.topic', orderInGroup: 1, width: 'LONG', displayName: 'Offsets topic',
    documentation: "The name of a separate offsets topic to use for this connector. If empty or not specified, the worker\u2019s global offsets topic name will be used. If specified, the offsets topic will be created if it does not already exist on the Kafka cluster targeted by this connector (which may be different from the one used for the worker's global offsets topic if the bootstrap.servers property of the connector's producer has been overridden from the worker's). Only applicable in distributed mode; in standalone mode, setting this property will have no effect." }),
] as const;

/** The framework's keys of a source or a sink connector, in Kafka's order (SourceConnectorConfig / SinkConnectorConfig.configDef()). */
export function frameworkKeys(kind: 'source' | 'sink'): readonly ConfigKey[] {
  return kind === 'source' ? [...commonConnectorKeys, ...sourceConnectorKeys] : [...commonConnectorKeys, ...sinkConnectorKeys];
}

/** Every key the worker reads from a connector configuration, before it knows the connector's kind. */
export const connectorConfigDefinition = new ConfigDefinition('connector', [...commonConnectorKeys, ...sinkConnectorKeys, ...sourceConnectorKeys] as const);

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
  /** `topics.regex` (trimmed; undefined when blank), a Java pattern a topic's whole name must match. */
  topicsRegex: string | undefined;
  keyConverter: ConverterSettings | undefined;
  valueConverter: ConverterSettings | undefined;
  headerConverter: ConverterSettings | undefined;
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
    topicsRegex: values['topics.regex'].trim() === '' ? undefined : values['topics.regex'].trim(),
    keyConverter: values['key.converter'] === undefined ? undefined : converterSettings(source, 'key.converter', values['key.converter'], true),
    valueConverter: values['value.converter'] === undefined ? undefined : converterSettings(source, 'value.converter', values['value.converter'], false),
    headerConverter: values['header.converter'] === undefined ? undefined : converterSettings(source, 'header.converter', values['header.converter'], false),
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
