// The Connect worker's runtime (Kafka Connect's Worker): turns a connector
// configuration into running tasks, for whichever herder owns the
// connector's lifecycle (standalone-herder.ts today).
//
// Owns: loading a connector's plugin (built first if it is a folder without
// a build; each component compiled once per worker), checking a
// configuration completely (the declared keys, the plugin's own validation,
// the sink-only rules) into one list of problems, splitting a connector into
// task configurations through its plugin, preparing its transforms and
// converters, starting source and sink tasks with the capabilities its
// keys grant (`file`, `connection.url`: plugin-connector.ts declares which),
// the worker's Kafka clients (one producer and one admin, shared by the
// tasks, through the ports), and the source offsets store.
// Must never: decide when a connector starts, stops, pauses or restarts (the
// herder does), or talk to Kafka except through the ports.

import { resolve } from 'node:path';
import { buildPlugin } from '../build/build-plugin.ts';
import { ConfigError, ConnectConfigError, messageOf, type ErrorContext } from '../errors.ts';
import type { KafkaAdmin, KafkaConnection, Producer } from '../kafka/ports.ts';
import { ConnectorPlugin, connectorGrants, type Config } from '../plugin/plugin-connector.ts';
import type { LogLevel } from '../processor/processor.ts';
import { builtComponentOf } from '../topology/plugin-reference.ts';
import { connectorConfigDefinition, parseConnectorConfig, resolvePlugin, type ConnectorConfig, type ConnectorPluginLocation } from './connector-config.ts';
import { createConverter, createHeaderConverter, type Converter, type ConverterSettings } from './converter.ts';
import type { SourceOffsetStore, TransactionalOffsetStore } from './offset-store.ts';
import { readPropertiesFile } from './properties-file.ts';
import { taskRestartDefinition } from './task-restart.ts';
import { TransformationChain } from './transformation-chain.ts';
import type { WorkerConfig } from './worker-config.ts';
import { dlqMatchedMessage, dlqMatchesPattern, compileTopicPattern } from './topic-pattern.ts';
import { WorkerSinkTask, type SinkSubscription } from './worker-sink-task.ts';
import { WorkerSourceTask } from './worker-source-task.ts';
import { atLeast, ConfigDefinition, key, type ConfigSource } from './config-definition.ts';

export type WorkerLog = (level: LogLevel, where: string, message: string) => void;

/** A worker's log when none is given: info and above to stderr, timestamped. */
export const stderrWorkerLog: WorkerLog = (level, where, message) => {
  if (level === 'trace' || level === 'debug') return;
  process.stderr.write(`[${new Date().toISOString()}] ${level.toUpperCase()} [${where}] ${message}\n`);
};
export type WorkerTask = WorkerSourceTask | WorkerSinkTask;

/** A configuration refused for one or more reasons (Kafka lists them all). */
export class ConnectorConfigInvalidError extends ConnectConfigError {
  constructor(readonly problems: string[], context: ErrorContext = {}) {
    super('connector-config-invalid', `Connector configuration is invalid and contains the following ${problems.length} error(s):\n${problems.join('\n')}`, context);
  }
}

/** A connector's configuration with its plugin loaded and its transforms and converters prepared. */
export interface LoadedConnector {
  config: ConnectorConfig;
  plugin: ConnectorPlugin;
  type: 'source' | 'sink';
  transforms: TransformationChain;
  keyConverter: Converter;
  valueConverter: Converter;
  /** The header converter's settings (each task makes its own: SimpleHeaderConverter keeps no state, the others may). */
  headerConverter: ConverterSettings;
  converterClasses: { key: string; value: string; header: string };
}

export interface TaskOptions {
  paused: boolean;
  onTopic: (topic: string) => void;
  /** Hears the task fail (the herder may restart it). */
  onFailed?: (error: unknown) => void;
  /** A source task that writes exactly once (its transactional id and transaction boundary). */
  exactlyOnce?: { transactionalId: string; boundary: 'poll' | 'interval'; intervalMs: number };
  /** A source task's offsets store when not the worker's (a connector's own offsets topic; flushed with the worker's, see addOffsetStore). */
  offsets?: SourceOffsetStore;
}

export class ConnectWorker {
  private readonly plugins = new Map<string, Promise<ConnectorPlugin>>();
  private producer: Promise<Producer> | undefined;
  private adminClient: Promise<KafkaAdmin> | undefined;
  /** The source tasks started, told after each offset flush (forgotten once stopped or failed). */
  private readonly sourceTasks = new Set<WorkerSourceTask>();
  /** Offsets stores of connectors with their own offsets topic: flushed before the worker's (they write to it too). */
  private readonly connectorOffsetStores = new Set<SourceOffsetStore>();

  constructor(
    readonly config: WorkerConfig,
    readonly connection: KafkaConnection,
    readonly offsets: SourceOffsetStore,
    readonly log: WorkerLog,
    private readonly sourceIdleMs: number,
  ) {}

  /** The producer the worker's at-least-once source tasks share. */
  private sharedProducer(): Promise<Producer> {
    if (!this.producer) this.producer = forgetOnFailure(this.connection.producer(), () => (this.producer = undefined));
    return this.producer;
  }

  admin(): Promise<KafkaAdmin> {
    if (!this.adminClient) this.adminClient = forgetOnFailure(this.connection.admin(), () => (this.adminClient = undefined));
    return this.adminClient;
  }

  /**
   * Parses and checks a configuration given as a plain map (a REST body):
   * every declared key, then the plugin's own validation and the sink rules.
   * Throws ConnectorConfigInvalidError listing every problem, or a
   * ConnectConfigError when the configuration names no usable connector.
   */
  async check(values: ReadonlyMap<string, string>, baseDirectory: string): Promise<LoadedConnector> {
    const problems = connectorConfigDefinition.problems({ values }).filter((problem) => problem.key !== 'connector.class').map((problem) => problem.message);
    if (problems.length > 0) {
      // As Kafka's: the plugin's own problems are listed too.
      const location = resolvePlugin(values.get('connector.class') ?? '', baseDirectory, this.config.pluginPath, { field: 'connector.class' });
      const half = (await this.plugin(location)).connector({ connector: values.get('name') ?? '', log: this.log });
      try {
        for (const issue of half.validate([...values])) problems.push(issueMessage(issue));
      } finally {
        half.close();
      }
      throw new ConnectorConfigInvalidError(problems, { field: 'config' });
    }
    return this.load(parseConnectorConfig({ values }, baseDirectory, this.config.pluginPath));
  }

  /** Loads a parsed configuration's plugin, transforms and converters; throws ConnectorConfigInvalidError when the plugin or the sink rules refuse it. */
  async load(config: ConnectorConfig): Promise<LoadedConnector> {
    const plugin = await this.plugin(config.plugin);
    const half = plugin.connector({ connector: config.name, log: this.log });
    const problems: Array<{ key: string; message: string }> = [];
    try {
      for (const issue of half.validate(config.entries)) problems.push({ key: issue.key, message: issueMessage(issue) });
    } finally {
      half.close();
    }
    const lineOf = (key: string) => (config.file && !config.file.endsWith('.json') ? readPropertiesFile(config.file).entries.get(key)?.line : undefined);
    // Eddy's own keys (automatic restarts): refused here; Kafka's validation does not list them.
    problems.push(...taskRestartDefinition.problems({ values: new Map(config.entries) }));
    if (problems.length > 0) {
      const first = problems[0]!;
      throw new ConnectorConfigInvalidError(problems.map((problem) => problem.message), { file: config.file, line: lineOf(first.key), field: first.key, plugin: plugin.name });
    }
    const hasTopics = config.topics !== undefined && config.topics.length > 0;
    if (plugin.kind === 'sink' && !hasTopics && config.topicsRegex === undefined) {
      throw new ConnectConfigError('missing-key', 'Must configure one of topics or topics.regex', { file: config.file, field: 'topics' });
    }
    if (plugin.kind === 'sink' && hasTopics && config.topicsRegex !== undefined) {
      throw new ConnectConfigError('invalid-value', 'topics and topics.regex are mutually exclusive options, but both are set.', { file: config.file, line: lineOf('topics.regex'), field: 'topics.regex' });
    }
    const deadLetterQueue = config.errors.deadLetterQueueTopic?.trim();
    if (plugin.kind === 'sink' && deadLetterQueue && config.topics?.includes(deadLetterQueue)) {
      throw new ConnectConfigError('invalid-value', `The DLQ topic '${deadLetterQueue}' may not be included in the list of topics ('topics=${config.topics.join(',')}') consumed by the connector`, {
        file: config.file, line: lineOf('errors.deadletterqueue.topic.name'), field: 'errors.deadletterqueue.topic.name',
      });
    }
    if (plugin.kind === 'sink' && deadLetterQueue && config.topicsRegex !== undefined && dlqMatchesPattern(config.topicsRegex, deadLetterQueue)) {
      throw new ConnectConfigError('invalid-value', dlqMatchedMessage(deadLetterQueue, config.topicsRegex), { file: config.file, line: lineOf('topics.regex'), field: 'topics.regex' });
    }
    const transforms = await TransformationChain.prepare(config.transforms, config.name, builtComponent, this.log);
    return {
      config,
      plugin,
      type: plugin.kind,
      transforms,
      keyConverter: createConverter(config.keyConverter ?? this.config.keyConverter),
      valueConverter: createConverter(config.valueConverter ?? this.config.valueConverter),
      headerConverter: config.headerConverter ?? this.config.headerConverter,
      converterClasses: {
        key: (config.keyConverter ?? this.config.keyConverter).className,
        value: (config.valueConverter ?? this.config.valueConverter).className,
        header: (config.headerConverter ?? this.config.headerConverter).className,
      },
    };
  }

  /** The connector's task configurations (at most tasks.max), from its plugin. */
  taskConfigs(loaded: LoadedConnector): Config[] {
    const half = loaded.plugin.connector({ connector: loaded.config.name, log: this.log });
    try {
      return half.taskConfigs(loaded.config.entries, loaded.config.tasksMax).slice(0, loaded.config.tasksMax);
    } finally {
      half.close();
    }
  }

  /** Starts task `index` of a loaded connector; a task that cannot start reports FAILED in its state. */
  async startTask(loaded: LoadedConnector, index: number, taskConfig: Config, options: TaskOptions): Promise<WorkerTask> {
    const { config, plugin } = loaded;
    const host = { connector: config.name, log: this.log };
    const grant = connectorGrants(config.entries, plugin.kind);
    const transforms = () => loaded.transforms.forTask({ connector: config.name, task: `${config.name}-${index}`, log: this.log });
    const common = {
      connector: config.name, task: index, config: taskConfig,
      keyConverter: loaded.keyConverter, valueConverter: loaded.valueConverter, headerConverter: createHeaderConverter(loaded.headerConverter),
      transforms, log: this.log, errors: config.errors, converterClasses: loaded.converterClasses,
      paused: options.paused, onTopic: options.onTopic, onFailed: options.onFailed,
    };
    // A client override Kafka's client would refuse fails the task (FAILED, with Kafka's message), not its connector.
    let refused: unknown;
    const override = <T>(parse: () => T | undefined, fallback: T): T => {
      try {
        return parse() ?? fallback;
      } catch (error) {
        refused ??= error;
        return fallback;
      }
    };
    if (plugin.kind === 'source') {
      const offsets = options.offsets ?? this.offsets;
      if (options.exactlyOnce && !isTransactional(offsets)) throw new ConnectConfigError('invalid-value', `exactly-once source tasks need an offsets topic, not ${offsets.description}`, { field: 'exactly.once.source.support' });
      const task = new WorkerSourceTask({
        ...common, instance: plugin.sourceTask(host, index, grant),
        producer: await this.sharedProducer(), admin: await this.admin(), offsets, idleMs: this.sourceIdleMs,
        maxRequestSize: override(() => clientOverrides.producer.parse(overridesOf(config.entries, 'producer'))['max.request.size'], this.config.producerMaxRequestSize),
        ...(options.exactlyOnce && isTransactional(offsets) ? { exactlyOnce: { ...options.exactlyOnce, connection: this.connection, offsets } } : {}),
      });
      if (refused !== undefined) {
        task.state.fail(refused);
        return task;
      }
      task.start();
      this.sourceTasks.add(task);
      return task;
    }
    // A list of topics is created when missing; a pattern subscribes whatever matches, now and later (as Kafka's consumer).
    let subscription: SinkSubscription;
    if (config.topicsRegex !== undefined) {
      const refreshMs = override(() => clientOverrides.consumer.parse(overridesOf(config.entries, 'consumer'))['metadata.max.age.ms'], this.config.consumerMetadataMaxAgeMs);
      subscription = { pattern: compileTopicPattern(config.topicsRegex), source: config.topicsRegex, refreshMs };
    } else {
      await (await this.admin()).ensureTopics(config.topics!.map((topic) => ({ topic, partitions: 1 })));
      subscription = { topics: config.topics! };
    }
    const task = new WorkerSinkTask({
      ...common, instance: plugin.sinkTask(host, index, grant), subscription,
      connection: this.connection, commitIntervalMs: this.config.offsetFlushIntervalMs, admin: () => this.admin(),
    });
    if (refused !== undefined) {
      task.state.fail(refused);
      return task;
    }
    await task.start();
    return task;
  }

  /** Flushes `store` with the worker's offsets from now on (a connector's own offsets topic). */
  addOffsetStore(store: SourceOffsetStore): void {
    this.connectorOffsetStores.add(store);
  }

  /** Stores the source offsets acknowledged so far (connectors' own topics first); a failure is logged (the next flush tries again). */
  async flushOffsets(): Promise<void> {
    let failed = false;
    for (const store of [...this.connectorOffsetStores, this.offsets]) {
      try {
        await store.flush();
      } catch (error) {
        failed = true;
        this.log('error', 'worker', `cannot write ${store.description}: ${messageOf(error)}`);
      }
    }
    if (failed) return;
    for (const task of this.sourceTasks) {
      if (task.state.status === 'STOPPED' || task.state.status === 'FAILED') this.sourceTasks.delete(task);
      else task.offsetsFlushed();
    }
  }

  /** Stores the offsets and closes the worker's Kafka clients (the tasks are stopped by then). */
  async close(): Promise<void> {
    await this.flushOffsets();
    await (await this.producer?.catch(() => undefined))?.disconnect().catch(() => undefined);
    await (await this.adminClient?.catch(() => undefined))?.disconnect().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  /** The plugin `connector.class` names (loaded once per worker); ConnectConfigError when it names none. */
  connectorPlugin(connectorClass: string, baseDirectory: string): Promise<ConnectorPlugin> {
    return this.plugin(resolvePlugin(connectorClass, baseDirectory, this.config.pluginPath, { field: 'connector.class' }));
  }

  private plugin(location: ConnectorPluginLocation): Promise<ConnectorPlugin> {
    const key = `${location.kind}:${location.path}`;
    let plugin = this.plugins.get(key);
    if (!plugin) {
      plugin = (async () => ConnectorPlugin.load(location.kind === 'component' ? location.path : await builtComponent(location.path)))();
      // A failed load is not remembered: the next attempt tries again.
      plugin.catch(() => this.plugins.delete(key));
      this.plugins.set(key, plugin);
    }
    return plugin;
  }
}

/**
 * A client being connected, forgotten if connecting fails (Kafka unreachable
 * at that moment): the next caller connects again instead of getting the
 * same failure for good.
 */
function forgetOnFailure<T>(client: Promise<T>, forget: () => void): Promise<T> {
  client.catch(() => forget());
  return client;
}

function isTransactional(store: SourceOffsetStore): store is TransactionalOffsetStore {
  return 'offsetRecords' in store;
}

/** Kafka lists ConfigValue messages as they are (they name their key); a plugin message that does not is prefixed with it. */
export function issueMessage(issue: { key: string; message: string }): string {
  return issue.message.includes(issue.key) ? issue.message : `${issue.key}: ${issue.message}`;
}

/** The component of a plugin folder, built first when it has no build (the connectors Eddy ships are built on first use). */
export async function builtComponent(folder: string): Promise<string> {
  try {
    return builtComponentOf(folder);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return (await buildPlugin(resolve(folder))).output;
  }
}

/**
 * The client settings of a connector's tasks that Eddy reads, declared as
 * Kafka's ProducerConfig and ConsumerConfig declare them: a connector's
 * `producer.override.*` / `consumer.override.*` keys (Kafka's client config
 * overrides, allowed by its default override policy `All`), else the
 * worker's `producer.*` / `consumer.*` keys (worker-config.ts). Parsed when
 * a task starts — as Kafka's clients parse their overrides, so a bad value
 * fails the task, not the connector's creation — with Kafka's messages
 * (`Invalid value x for configuration max.request.size: Not a number of
 * type INT`). `producer.max.request.size` is the largest record a source
 * task sends; `consumer.metadata.max.age.ms` how often a sink with
 * topics.regex looks for new matching topics.
 */
const clientOverrides = {
  producer: new ConfigDefinition('producer override', [
    key({ name: 'max.request.size', type: 'int', default: null, validate: atLeast(0), documentation: 'the largest request (and so record) the producer sends' }),
  ] as const),
  consumer: new ConfigDefinition('consumer override', [
    key({ name: 'metadata.max.age.ms', type: 'long', default: null, validate: atLeast(0), documentation: 'how often the consumer refreshes topic metadata' }),
  ] as const),
};

/** A connector's `<client>.override.*` keys, the prefix taken off (the last of a repeated key wins, as in a properties file). */
function overridesOf(entries: Array<[string, string]>, client: 'producer' | 'consumer'): ConfigSource {
  const prefix = `${client}.override.`;
  const values = new Map<string, string>();
  for (const [name, value] of entries) if (name.startsWith(prefix)) values.set(name.slice(prefix.length), value.trim());
  return { values };
}
