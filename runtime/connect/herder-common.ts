// What the standalone and distributed herders answer alike: the server
// info, the plugin list, the whole check of a connector configuration
// (Kafka's 400 listing every problem), and reading the offsets of a REST
// body.
//
// Owns: those answers and messages. Must never: hold a connector's state.

import { readFileSync } from 'node:fs';
import { ConnectConfigError } from '../errors.ts';
import { builtInConnectors } from './connector-config.ts';
import { HerderError, type ConfigMap, type ConnectorOffset, type ConnectorType, type PluginInfo, type ServerInfo } from './herder.ts';
import { ConnectorConfigInvalidError, type ConnectWorker, type LoadedConnector } from './worker.ts';

export const eddyVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
/** The Kafka Connect REST API version this worker speaks. */
export const connectApiVersion = '4.4.0';

export async function serverInfo(worker: ConnectWorker): Promise<ServerInfo> {
  return { version: connectApiVersion, commit: `eddy-${eddyVersion}`, kafka_cluster_id: await (await worker.admin()).clusterId() };
}

export function connectorPlugins(connectorsOnly: boolean): PluginInfo[] {
  const connectors = [...builtInConnectors.entries()]
    .filter(([name]) => name.includes('.'))
    .map(([name, folder]) => ({ class: name, type: folder.includes('source') ? 'source' : 'sink', version: eddyVersion }))
    .sort((a, b) => a.class.localeCompare(b.class));
  if (connectorsOnly) return connectors;
  const converters = ['org.apache.kafka.connect.converters.ByteArrayConverter', 'org.apache.kafka.connect.json.JsonConverter', 'org.apache.kafka.connect.storage.StringConverter']
    .map((name) => ({ class: name, type: 'converter', version: eddyVersion }));
  return [...connectors, ...converters, { class: 'org.apache.kafka.connect.storage.SimpleHeaderConverter', type: 'header_converter', version: eddyVersion }];
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

/** The whole check Kafka runs before accepting a configuration: a 400 listing every problem. */
export async function checkConnectorConfig(worker: ConnectWorker, config: ConfigMap, baseDirectory: string): Promise<LoadedConnector> {
  if (config['connector.class'] === undefined) {
    throw new HerderError(400, `Connector config ${javaMap(config)} contains no connector type`, { field: 'connector.class' });
  }
  try {
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
export function notStopped(name: string): HerderError {
  return new HerderError(400, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
}

/**
 * Changes (or, with `undefined`, resets) a stopped connector's offsets:
 * a source's in its offsets store, a sink's as its consumer group's committed
 * offsets (a reset deletes the group, as Kafka's). Kafka's success message.
 */
export async function alterOffsets(worker: ConnectWorker, name: string, type: ConnectorType, offsets: ConnectorOffset[] | undefined): Promise<string> {
  if (type === 'source') {
    const store = worker.offsets;
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
