// Application files: what `eddy run <app.yaml>` runs.
//
// Owns: reading an application file (YAML or JSON), `${VAR}` /
// `${VAR:-default}` substitution from the environment, checking every field
// (errors name the field and the file), defaults as in Kafka Streams, and the
// names of internal topics. The Streams settings a DSL topology takes from
// the application (default.key.serde, default.value.serde,
// deserialization.exception.handler) are checked here, with the stable codes
// of step-serdes.ts, and handed to the `dsl:` section, which may set them too
// (values set in both places must agree).
// Must never: start anything.

import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, messageOf } from '../errors.ts';
import type { PluginLimits } from '../plugin/component.ts';
import { timestampExtractorByName, timestampExtractorNames, type TimestampExtractorName } from '../time/timestamp-extractor.ts';
import { loadPipelineFile, topologyFromDocument } from '../topology/pipeline-file.ts';
import type { Topology } from '../topology/topology.ts';
import type { ApplicationStreamsSettings } from '../topology/document-fields.ts';
import { deserializationHandlerByName, deserializationHandlerNames, SerdeConfigError, stepSerdeByName, stepSerdeNames, type DeserializationHandler } from '../dsl/step-serdes.ts';
import type { Serde } from '../serde/serdes.ts';

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';
/** Under exactly_once_v2: one transactional producer per stream thread (Kafka Streams' way, KIP-447) or one per task (Eddy's isolation option). */
export type ExactlyOnceProducer = 'per-thread' | 'per-task';

export interface AppConfig {
  file: string;
  applicationId: string;
  bootstrapServers: string;
  processingGuarantee: ProcessingGuarantee;
  exactlyOnceProducer: ExactlyOnceProducer;
  /** Exactly-once: the broker aborts a transaction open longer (Kafka Streams' producer.transaction.timeout.ms, 10 s); at least commit.interval.ms. */
  transactionTimeoutMs: number;
  numStreamThreads: number;
  numStandbyReplicas: number;
  /** KIP-441: a copy of a task this many changelog records behind (or fewer) counts as caught up (Kafka Streams' default 10000). */
  acceptableRecoveryLag: number;
  /** KIP-441: warm-up copies in the group at once (default 2). */
  maxWarmupReplicas: number;
  /** KIP-441: a member with warm-up copies asks for a rebalance after this long at the latest (default 10 min); sooner once they have caught up. */
  probingRebalanceIntervalMs: number;
  commitIntervalMs: number;
  /** How often consumed records of repartition topics are deleted up to the committed offsets (Kafka Streams' default: 30 s). */
  repartitionPurgeIntervalMs: number;
  /**
   * How long a task with several input partitions waits for an empty one
   * before processing the others (Kafka Streams' max.task.idle.ms: 0 = wait
   * only for data the broker reported, -1 = never wait).
   */
  maxTaskIdleMs: number;
  /**
   * Bytes of DSL aggregate updates held back per instance, shared among its
   * stream threads (Kafka Streams' statestore.cache.max.bytes, default 10 MiB;
   * 0 forwards every update at once).
   */
  cacheMaxBytes: number;
  /** The timestamp extractor of sources that set none (Kafka Streams' default.timestamp.extractor). */
  defaultTimestampExtractor: TimestampExtractorName;
  /** Kafka Streams' default.key.serde (a DSL topology's steps without a key serde of their own); undefined: none checked. */
  defaultKeySerde?: Serde<unknown> | undefined;
  /** Kafka Streams' default.value.serde. */
  defaultValueSerde?: Serde<unknown> | undefined;
  /** Kafka Streams' deserialization.exception.handler, as set in the application file (the `dsl:` section may set it instead). */
  deserializationExceptionHandler?: DeserializationHandler | undefined;
  stateDir: string;
  sessionTimeoutMs: number;
  /**
   * How often a stream thread heartbeats (Kafka's heartbeat.interval.ms).
   * Under cooperative rebalancing a member learns of a rebalance another
   * asked for at its next heartbeat, while the one that asked waits with its
   * commits held: so Eddy's default is 500 ms, not Kafka's 3000.
   */
  heartbeatIntervalMs: number;
  deadLetterQueueTopic: string | undefined;
  /** host:port of the admin HTTP endpoint; undefined = none. */
  adminListener: string | undefined;
  limits: Partial<PluginLimits>;
  topology: Topology;
}

const knownFields = new Set([
  'application.id',
  'bootstrap.servers',
  'processing.guarantee',
  'exactly.once.producer',
  'producer.transaction.timeout.ms',
  'num.stream.threads',
  'num.standby.replicas',
  'acceptable.recovery.lag',
  'max.warmup.replicas',
  'probing.rebalance.interval.ms',
  'commit.interval.ms',
  'repartition.purge.interval.ms',
  'default.timestamp.extractor',
  'default.key.serde',
  'default.value.serde',
  'deserialization.exception.handler',
  'default.deserialization.exception.handler',
  'max.task.idle.ms',
  'statestore.cache.max.bytes',
  'state.dir',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'errors.dead.letter.queue.topic.name',
  'admin.listener',
  'limits',
  'topology',
]);

/** Reads, substitutes and checks an application file. */
export function loadAppConfig(path: string, environment: NodeJS.ProcessEnv = process.env): AppConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the application file: ${messageOf(error)}`, { file });
  }
  let document: unknown;
  try {
    const substituted = substitute(text, environment, file);
    document = extname(file) === '.json' ? JSON.parse(substituted) : parseYaml(substituted);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`the application file is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${messageOf(error)}`, { file });
  }
  return appConfigFromDocument(document, file);
}

function substitute(text: string, environment: NodeJS.ProcessEnv, file: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
    const value = environment[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`environment variable ${name} is not set (use \${${name}:-default} for a default)`, { file });
  });
}

export function appConfigFromDocument(document: unknown, file: string): AppConfig {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(message, { file, field });
  };
  if (typeof document !== 'object' || document === null || Array.isArray(document)) fail('(root)', 'must be a mapping');
  const root = document as Record<string, unknown>;
  for (const key of Object.keys(root)) if (!knownFields.has(key)) fail(key, `unknown field (expected one of: ${[...knownFields].join(', ')})`);

  const text = (field: string, required: boolean): string | undefined => {
    const value = root[field];
    if (value === undefined || value === null) return required ? fail(field, 'is required') : undefined;
    if (typeof value !== 'string' && typeof value !== 'number') return fail(field, 'must be a string');
    const result = String(value).trim();
    if (result === '') fail(field, 'must not be empty');
    return result;
  };
  const integer = (field: string, fallback: number, minimum: number): number => {
    const value = root[field];
    if (value === undefined) return fallback;
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < minimum) fail(field, `must be an integer >= ${minimum}`);
    return number as number;
  };

  const applicationId = text('application.id', true)!;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(applicationId)) fail('application.id', "must be 1-200 letters, digits, '.', '_' or '-' (it names topics and the consumer group)");
  const guarantee = text('processing.guarantee', false) ?? 'at_least_once';
  if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2') {
    fail('processing.guarantee', `must be at_least_once or exactly_once_v2, got '${guarantee}'`);
  }
  const processingGuarantee = guarantee as ProcessingGuarantee;
  const producer = text('exactly.once.producer', false) ?? 'per-thread';
  if (producer !== 'per-thread' && producer !== 'per-task') fail('exactly.once.producer', `must be per-thread or per-task, got '${producer}'`);
  const limits = readLimits(root.limits, fail);
  const baseDirectory = dirname(file);
  const stateDirText = text('state.dir', false) ?? join(process.env.TMPDIR ?? '/tmp', 'eddy-state');
  const streams = readStreamsSettings(text, file);
  const topology = readTopology(root.topology, file, baseDirectory, applicationId, streams, fail);
  for (const processor of topology.processors) {
    if (processor.stores === '*') {
      fail('topology', `processor '${processor.name}' has stores: "*"; in an application, list the stores each processor uses (they get changelog topics)`);
    }
  }
  const admin = text('admin.listener', false);
  if (admin !== undefined && !/^[^:]+:\d+$/.test(admin)) fail('admin.listener', "must be host:port, e.g. 127.0.0.1:8090 (port 0 picks one)");
  const commitIntervalMs = integer('commit.interval.ms', processingGuarantee === 'exactly_once_v2' ? 100 : 30_000, 1);
  const transactionTimeoutMs = integer('producer.transaction.timeout.ms', 10_000, 1000);
  const sessionTimeoutMs = integer('session.timeout.ms', 45_000, 1000);
  const heartbeatIntervalMs = integer('heartbeat.interval.ms', Math.min(500, Math.floor(sessionTimeoutMs / 3)), 100);
  if (heartbeatIntervalMs >= sessionTimeoutMs) fail('heartbeat.interval.ms', `${heartbeatIntervalMs} must be lower than session.timeout.ms ${sessionTimeoutMs} (a third of it or less is usual)`);
  if (processingGuarantee === 'exactly_once_v2' && transactionTimeoutMs < commitIntervalMs) {
    // As Kafka Streams: every transaction would time out before its commit.
    fail('producer.transaction.timeout.ms', `${transactionTimeoutMs} is lower than commit.interval.ms ${commitIntervalMs}: every transaction would time out before it commits; raise it or lower commit.interval.ms`);
  }
  return {
    file,
    applicationId,
    bootstrapServers: text('bootstrap.servers', true)!,
    processingGuarantee,
    exactlyOnceProducer: producer as ExactlyOnceProducer,
    numStreamThreads: integer('num.stream.threads', 1, 1),
    numStandbyReplicas: integer('num.standby.replicas', 0, 0),
    acceptableRecoveryLag: integer('acceptable.recovery.lag', 10_000, 0),
    maxWarmupReplicas: integer('max.warmup.replicas', 2, 1),
    probingRebalanceIntervalMs: integer('probing.rebalance.interval.ms', 600_000, 60_000),
    commitIntervalMs,
    transactionTimeoutMs,
    repartitionPurgeIntervalMs: integer('repartition.purge.interval.ms', 30_000, 1),
    defaultTimestampExtractor: extractorField(text('default.timestamp.extractor', false), fail),
    defaultKeySerde: streams.defaultKeySerde?.value,
    defaultValueSerde: streams.defaultValueSerde?.value,
    deserializationExceptionHandler: streams.deserializationExceptionHandler?.value,
    maxTaskIdleMs: integer('max.task.idle.ms', 0, -1),
    cacheMaxBytes: integer('statestore.cache.max.bytes', 10 * 1024 * 1024, 0),
    stateDir: isAbsolute(stateDirText) ? stateDirText : resolve(baseDirectory, stateDirText),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    deadLetterQueueTopic: text('errors.dead.letter.queue.topic.name', false),
    adminListener: admin,
    limits,
    topology,
  };
}

function extractorField(value: string | undefined, fail: (field: string, message: string) => never): TimestampExtractorName {
  if (value === undefined) return 'fail-on-invalid';
  return timestampExtractorByName(value) ?? fail('default.timestamp.extractor', `unknown timestamp extractor '${value}' (expected ${timestampExtractorNames.join(', ')}, or Kafka Streams' class name)`);
}

function readLimits(value: unknown, fail: (field: string, message: string) => never): Partial<PluginLimits> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('limits', 'must be a mapping');
  const out: Partial<PluginLimits> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'number' || !(entry > 0)) fail(`limits.${key}`, 'must be a positive number');
    if (key === 'memoryMb') out.memoryBytes = Math.floor((entry as number) * 1024 * 1024);
    else if (key === 'cpuMs') out.cpuMs = entry as number;
    else fail(`limits.${key}`, 'unknown limit (expected memoryMb or cpuMs)');
  }
  return out;
}

/**
 * default.key.serde, default.value.serde (serde names as in the `dsl:`
 * section, or Kafka's class names) and deserialization.exception.handler
 * (or its deprecated name default.deserialization.exception.handler);
 * errors carry step-serdes.ts' stable codes.
 */
function readStreamsSettings(text: (field: string, required: boolean) => string | undefined, file: string): ApplicationStreamsSettings {
  const settings: ApplicationStreamsSettings = {};
  for (const [field, key] of [['default.key.serde', 'defaultKeySerde'], ['default.value.serde', 'defaultValueSerde']] as const) {
    const name = text(field, false);
    if (name === undefined) continue;
    const serde = stepSerdeByName(name);
    if (!serde) throw new SerdeConfigError('dsl-serde-unknown', `unknown serde '${name}' (expected ${stepSerdeNames.join(', ')}, or Kafka's class name)`, { file, field });
    settings[key] = { value: serde, file, field };
  }
  for (const field of ['deserialization.exception.handler', 'default.deserialization.exception.handler']) {
    const name = text(field, false);
    if (name === undefined) continue;
    const handler = deserializationHandlerByName(name);
    if (!handler) throw new SerdeConfigError('dsl-deserialization-handler-unknown', `unknown deserialization exception handler '${name}' (expected ${deserializationHandlerNames.join(', ')}, or Kafka Streams' class name)`, { file, field });
    const earlier = settings.deserializationExceptionHandler;
    if (earlier && earlier.value !== handler) {
      throw new SerdeConfigError('dsl-setting-conflict', `${handler} here, but ${earlier.value} in ${earlier.field}: set one of them`, { file, field });
    }
    settings.deserializationExceptionHandler ??= { value: handler, file, field };
  }
  return settings;
}

function readTopology(value: unknown, file: string, baseDirectory: string, applicationId: string, streams: ApplicationStreamsSettings, fail: (field: string, message: string) => never): Topology {
  if (value === undefined) return fail('topology', 'is required: sources/processors/sinks, or file: <pipeline.yaml>');
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'file' in value) {
    const pipeline = (value as { file: unknown }).file;
    if (typeof pipeline !== 'string') return fail('topology.file', 'must be a path');
    return loadPipelineFile(isAbsolute(pipeline) ? pipeline : join(baseDirectory, pipeline), new Map(), applicationId, streams);
  }
  return topologyFromDocument(value, { file, baseDirectory, fieldPrefix: 'topology', applicationId, streams });
}

/** Kafka Streams' name for a store's changelog topic. */
export function changelogTopic(applicationId: string, store: string): string {
  return `${applicationId}-${store}-changelog`;
}
