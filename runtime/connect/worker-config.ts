// A worker's configuration (Kafka's WorkerConfig with StandaloneConfig or
// DistributedConfig): the keys of `config/connect-standalone.properties` and
// `config/connect-distributed.properties`.
//
// Owns: the declared schemas of the worker keys Eddy reads (the common ones,
// the standalone worker's offsets file, the distributed worker's group and
// storage topics), their Kafka defaults, and the converter settings
// (`key.converter.*` / `value.converter.*` prefixes). Unknown keys are
// ignored, as Kafka does.
// Must never: start anything.

import { hostname } from 'node:os';
import { atLeast, ConfigDefinition, key, nonEmpty, type ConfigSource } from './config-definition.ts';
import { converterSettings, type ConverterSettings } from './converter.ts';
import { exactlyOnceSourceSupportValidator, type ExactlyOnceSourceSupport } from './exactly-once-source.ts';

const listenerPattern = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/]*:\d+$/;

export const workerConfigDefinition = new ConfigDefinition('worker', [
  key({ name: 'bootstrap.servers', type: 'list', default: ['localhost:9092'], documentation: 'host:port pairs of the Kafka cluster',
    validate: (servers) => (servers.length === 0 || servers.some((server) => !/^[^:]+:\d+$/.test(server)) ? 'Expected a comma-separated list of host:port' : undefined) }),
  key({ name: 'key.converter', type: 'class', default: 'org.apache.kafka.connect.json.JsonConverter', documentation: 'converter of record keys' }),
  key({ name: 'value.converter', type: 'class', default: 'org.apache.kafka.connect.json.JsonConverter', documentation: 'converter of record values' }),
  key({ name: 'header.converter', type: 'class', default: 'org.apache.kafka.connect.storage.SimpleHeaderConverter', documentation: 'converter of record header values (SimpleHeaderConverter, or JsonConverter, StringConverter, ByteArrayConverter)' }),
  key({ name: 'offset.flush.interval.ms', type: 'long', default: 60000, validate: atLeast(0), documentation: 'how often source offsets are stored and sink offsets committed' }),
  key({ name: 'plugin.path', type: 'list', default: null, documentation: 'folders of connector plugins (Eddy looks for WASM components there)' }),
  key({ name: 'rest.advertised.host.name', type: 'string', default: null, documentation: "the host other workers and clients reach this worker's REST API at (its worker_id); default: the listener's host, or this machine's name when it listens on every interface" }),
  key({ name: 'rest.advertised.port', type: 'int', default: null, validate: atLeast(1), documentation: "the port other workers and clients reach this worker's REST API at; default: the port it listens on" }),
  key({ name: 'consumer.metadata.max.age.ms', type: 'long', default: 300_000, validate: atLeast(0),
    documentation: "how often sink tasks' consumers refresh topic metadata: a sink with topics.regex subscribes new matching topics at the next refresh" }),
  key({ name: 'producer.max.request.size', type: 'int', default: 1_048_576, validate: atLeast(0),
    documentation: "the largest record (as Java's producer sizes it) a source task sends; a larger one fails the task, or is skipped with errors.tolerance=all" }),
  key({ name: 'listeners', type: 'list', default: ['http://:8083'], documentation: "where Kafka Connect's REST API is served (the first listener)",
    validate: (listeners) => (listeners.some((listener) => !listenerPattern.test(listener)) ? 'Expected listeners like http://host:port' : undefined) }),
] as const);

const standaloneConfigDefinition = new ConfigDefinition('standalone worker', [
  key({ name: 'offset.storage.file.filename', type: 'string', documentation: 'the file source offsets are stored in', validate: nonEmpty }),
] as const);

const topicName = (topic: string): string | undefined => (topic === '' ? 'String must be non-empty' : /[^a-zA-Z0-9._-]/.test(topic) ? 'Topic names may contain only ASCII letters, digits, ., _ and -' : undefined);
const replicationFactor = (factor: number): string | undefined => (factor === 0 || factor < -1 ? 'Value must be -1 (the broker default) or at least 1' : undefined);

const distributedConfigDefinition = new ConfigDefinition('distributed worker', [
  key({ name: 'group.id', type: 'string', documentation: 'the group of workers that share connectors and tasks', validate: nonEmpty }),
  key({ name: 'config.storage.topic', type: 'string', documentation: 'the compacted topic connector configurations are stored in', validate: topicName }),
  key({ name: 'offset.storage.topic', type: 'string', documentation: 'the compacted topic source offsets are stored in', validate: topicName }),
  key({ name: 'status.storage.topic', type: 'string', documentation: 'the compacted topic connector and task statuses are stored in', validate: topicName }),
  key({ name: 'config.storage.replication.factor', type: 'int', default: 3, validate: replicationFactor, documentation: 'replication factor of the config topic when the worker creates it' }),
  key({ name: 'offset.storage.replication.factor', type: 'int', default: 3, validate: replicationFactor, documentation: 'replication factor of the offsets topic when the worker creates it' }),
  key({ name: 'status.storage.replication.factor', type: 'int', default: 3, validate: replicationFactor, documentation: 'replication factor of the status topic when the worker creates it' }),
  key({ name: 'offset.storage.partitions', type: 'int', default: 25, validate: atLeast(1), documentation: 'partitions of the offsets topic when the worker creates it' }),
  key({ name: 'status.storage.partitions', type: 'int', default: 5, validate: atLeast(1), documentation: 'partitions of the status topic when the worker creates it' }),
  key({ name: 'session.timeout.ms', type: 'int', default: 10_000, validate: atLeast(1), documentation: "how long the group waits for a worker's heartbeat before it moves its work" }),
  key({ name: 'heartbeat.interval.ms', type: 'int', default: 3_000, validate: atLeast(1), documentation: 'how often a worker heartbeats to the group' }),
  key({ name: 'rebalance.timeout.ms', type: 'int', default: 60_000, validate: atLeast(1), documentation: 'how long a rebalance waits for every worker to rejoin' }),
  key({ name: 'exactly.once.source.support', type: 'string', default: 'disabled', validate: exactlyOnceSourceSupportValidator,
    documentation: "'enabled': source tasks write their records and offsets in one transaction (KIP-618); 'preparing' and 'disabled': at-least-once" }),
] as const);

export interface DistributedSettings {
  groupId: string;
  configTopic: string;
  offsetTopic: string;
  statusTopic: string;
  configReplicationFactor: number;
  offsetReplicationFactor: number;
  statusReplicationFactor: number;
  offsetPartitions: number;
  statusPartitions: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  /** `exactly.once.source.support` (KIP-618). */
  exactlyOnceSourceSupport: ExactlyOnceSourceSupport;
}

export interface WorkerConfig {
  file: string | undefined;
  bootstrapServers: string[];
  keyConverter: ConverterSettings;
  valueConverter: ConverterSettings;
  headerConverter: ConverterSettings;
  /** Standalone: the offsets file. */
  offsetStorageFile: string | undefined;
  /** Distributed: the group and its storage topics. */
  distributed: DistributedSettings | undefined;
  offsetFlushIntervalMs: number;
  /** `consumer.metadata.max.age.ms`: how often a sink with topics.regex looks for new matching topics. */
  consumerMetadataMaxAgeMs: number;
  /** `producer.max.request.size`: the largest record a source task sends. */
  producerMaxRequestSize: number;
  pluginPath: string[];
  listeners: string[];
  /** `rest.advertised.host.name` and `rest.advertised.port` (Kafka's keys). */
  advertisedHost: string | undefined;
  advertisedPort: number | undefined;
}

export function parseWorkerConfig(source: ConfigSource, mode: 'standalone' | 'distributed' = 'standalone'): WorkerConfig {
  const values = workerConfigDefinition.parse(source);
  let offsetStorageFile: string | undefined;
  let distributed: DistributedSettings | undefined;
  if (mode === 'standalone') offsetStorageFile = standaloneConfigDefinition.parse(source)['offset.storage.file.filename'];
  else {
    const keys = distributedConfigDefinition.parse(source);
    distributed = {
      groupId: keys['group.id'],
      configTopic: keys['config.storage.topic'],
      offsetTopic: keys['offset.storage.topic'],
      statusTopic: keys['status.storage.topic'],
      configReplicationFactor: keys['config.storage.replication.factor'],
      offsetReplicationFactor: keys['offset.storage.replication.factor'],
      statusReplicationFactor: keys['status.storage.replication.factor'],
      offsetPartitions: keys['offset.storage.partitions'],
      statusPartitions: keys['status.storage.partitions'],
      sessionTimeoutMs: keys['session.timeout.ms'],
      heartbeatIntervalMs: keys['heartbeat.interval.ms'],
      rebalanceTimeoutMs: keys['rebalance.timeout.ms'],
      exactlyOnceSourceSupport: keys['exactly.once.source.support'].toLowerCase() as ExactlyOnceSourceSupport,
    };
  }
  return {
    file: source.file,
    bootstrapServers: values['bootstrap.servers'],
    keyConverter: converterSettings(source, 'key.converter', values['key.converter'], true),
    valueConverter: converterSettings(source, 'value.converter', values['value.converter'], false),
    headerConverter: converterSettings(source, 'header.converter', values['header.converter'], false),
    offsetStorageFile,
    distributed,
    offsetFlushIntervalMs: values['offset.flush.interval.ms'],
    consumerMetadataMaxAgeMs: values['consumer.metadata.max.age.ms'],
    producerMaxRequestSize: values['producer.max.request.size'],
    pluginPath: values['plugin.path'] ?? [],
    listeners: values['listeners'],
    advertisedHost: values['rest.advertised.host.name'] || undefined,
    advertisedPort: values['rest.advertised.port'],
  };
}

/**
 * The address other workers and clients reach this worker's REST API at
 * (Kafka's worker_id): the advertised host and port when set, else the
 * address it listens on — this machine's name when that is every interface.
 */
export function advertisedWorkerId(config: WorkerConfig, listening: { host: string; port: number; everyInterface: boolean }): string {
  return `${config.advertisedHost ?? (listening.everyInterface ? hostname() : listening.host)}:${config.advertisedPort ?? listening.port}`;
}
