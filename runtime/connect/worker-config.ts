// The standalone worker's configuration (Kafka's StandaloneConfig /
// WorkerConfig): the keys of `config/connect-standalone.properties`.
//
// Owns: the declared schema of the worker keys Eddy reads, their Kafka
// defaults, and the converter settings (`key.converter.*` /
// `value.converter.*` prefixes). Unknown keys are ignored, as Kafka does.
// Must never: start anything.

import { atLeast, ConfigDefinition, key, type ConfigSource } from './config-definition.ts';
import { converterSettings, type ConverterSettings } from './converter.ts';

const listenerPattern = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/]*:\d+$/;

export const workerConfigDefinition = new ConfigDefinition('worker', [
  key({ name: 'bootstrap.servers', type: 'list', default: ['localhost:9092'], documentation: 'host:port pairs of the Kafka cluster',
    validate: (servers) => (servers.length === 0 || servers.some((server) => !/^[^:]+:\d+$/.test(server)) ? 'Expected a comma-separated list of host:port' : undefined) }),
  key({ name: 'key.converter', type: 'class', default: 'org.apache.kafka.connect.json.JsonConverter', documentation: 'converter of record keys' }),
  key({ name: 'value.converter', type: 'class', default: 'org.apache.kafka.connect.json.JsonConverter', documentation: 'converter of record values' }),
  key({ name: 'offset.storage.file.filename', type: 'string', documentation: 'the file source offsets are stored in',
    validate: (file) => (file === '' ? 'String must be non-empty' : undefined) }),
  key({ name: 'offset.flush.interval.ms', type: 'long', default: 60000, validate: atLeast(0), documentation: 'how often source offsets are stored and sink offsets committed' }),
  key({ name: 'plugin.path', type: 'list', default: null, documentation: 'folders of connector plugins (Eddy looks for WASM components there)' }),
  key({ name: 'listeners', type: 'list', default: ['http://:8083'], documentation: "where Kafka Connect's REST API is served (the first listener)",
    validate: (listeners) => (listeners.some((listener) => !listenerPattern.test(listener)) ? 'Expected listeners like http://host:port' : undefined) }),
] as const);

export interface WorkerConfig {
  file: string | undefined;
  bootstrapServers: string[];
  keyConverter: ConverterSettings;
  valueConverter: ConverterSettings;
  offsetStorageFile: string;
  offsetFlushIntervalMs: number;
  pluginPath: string[];
  listeners: string[];
}

export function parseWorkerConfig(source: ConfigSource): WorkerConfig {
  const values = workerConfigDefinition.parse(source);
  return {
    file: source.file,
    bootstrapServers: values['bootstrap.servers'],
    keyConverter: converterSettings(source, 'key.converter', values['key.converter'], true),
    valueConverter: converterSettings(source, 'value.converter', values['value.converter'], false),
    offsetStorageFile: values['offset.storage.file.filename'],
    offsetFlushIntervalMs: values['offset.flush.interval.ms'],
    pluginPath: values['plugin.path'] ?? [],
    listeners: values['listeners'],
  };
}
