// The standalone worker (`eddy connect-standalone worker.properties
// connector1.properties …`, Kafka's ConnectStandalone): one process, the
// connectors of the files it was given, source offsets in a local file.
//
// Owns: reading the worker and connector files, refusing a name given
// twice, loading each connector's plugin (building a shipped one that has no
// build yet), validating its configuration through the plugin (refusals name
// the key and its line), preparing its transforms (each stage's
// configuration checked by its plugin; refusals name the key and its line),
// splitting it into at most tasks.max tasks, granting each task the file its
// connector's `file` key names, starting and stopping
// the tasks, flushing source offsets every offset.flush.interval.ms and at
// stop, and reporting each connector's and task's status.
// Must never: let one connector's failure stop another, or talk to Kafka
// except through the ports.

import { resolve } from 'node:path';
import { buildPlugin } from '../build/build-plugin.ts';
import { ConnectConfigError, ConfigError, messageOf } from '../errors.ts';
import { connectKafka } from '../kafka/connection.ts';
import type { KafkaAdmin, KafkaConnection, Producer } from '../kafka/ports.ts';
import { ConnectorPlugin } from '../plugin/plugin-connector.ts';
import type { LogLevel } from '../processor/processor.ts';
import { builtComponentOf } from '../topology/plugin-reference.ts';
import { readConnectorFile, type ConnectorConfig } from './connector-config.ts';
import { createConverter } from './converter.ts';
import { SimpleHeaderConverter } from './header-converter.ts';
import { FileOffsetStore } from './offset-store.ts';
import { readPropertiesFile } from './properties-file.ts';
import type { TaskStatus } from './task-state.ts';
import { TransformationChain } from './transformation-chain.ts';
import { parseWorkerConfig, type WorkerConfig } from './worker-config.ts';
import { WorkerSinkTask } from './worker-sink-task.ts';
import { WorkerSourceTask } from './worker-source-task.ts';

export interface StandaloneOptions {
  /** Where log lines go (default: stderr). */
  log?: (level: LogLevel, where: string, message: string) => void;
  /** How long a source task waits after an empty poll (default 1000 ms, as Kafka's FileStreamSource). */
  sourceIdleMs?: number;
}

export interface ConnectorStatus {
  name: string;
  type: 'source' | 'sink';
  /** Per task: its state, its trace when FAILED, and the records skipped by errors.tolerance=all. */
  tasks: Array<{ id: number; state: TaskStatus; trace?: string; skipped: number }>;
}

interface RunningConnector {
  config: ConnectorConfig;
  type: 'source' | 'sink';
  tasks: Array<WorkerSourceTask | WorkerSinkTask>;
}

const defaultLog = (level: LogLevel, where: string, message: string): void => {
  if (level === 'trace' || level === 'debug') return;
  process.stderr.write(`[${new Date().toISOString()}] ${level.toUpperCase()} [${where}] ${message}\n`);
};

export class StandaloneWorker {
  private readonly connectors: RunningConnector[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private producer: Producer | undefined;
  private admin: KafkaAdmin | undefined;

  private constructor(
    readonly config: WorkerConfig,
    private readonly connection: KafkaConnection,
    private readonly offsets: FileOffsetStore,
    private readonly log: (level: LogLevel, where: string, message: string) => void,
  ) {}

  /** Reads the files, starts every connector; throws (having stopped what started) if one cannot start. */
  static async start(workerFile: string, connectorFiles: string[], options: StandaloneOptions = {}): Promise<StandaloneWorker> {
    const config = parseWorkerConfig(readPropertiesFile(workerFile));
    const connectors = connectorFiles.map((file) => readConnectorFile(file, config.pluginPath));
    const seen = new Map<string, string | undefined>();
    for (const connector of connectors) {
      if (seen.has(connector.name)) {
        throw new ConnectConfigError('duplicate-connector', `Connector ${connector.name} already exists (also in ${seen.get(connector.name)})`, { file: connector.file, field: 'name' });
      }
      seen.set(connector.name, connector.file);
    }
    const log = options.log ?? defaultLog;
    const worker = new StandaloneWorker(config, connectKafka(config.bootstrapServers.join(','), 'connect-standalone'), FileOffsetStore.open(config.offsetStorageFile), log);
    try {
      for (const connector of connectors) await worker.startConnector(connector, options.sourceIdleMs ?? 1000);
    } catch (error) {
      await worker.stop();
      throw error;
    }
    worker.flushTimer = setInterval(() => worker.flushOffsets(), Math.max(config.offsetFlushIntervalMs, 1));
    return worker;
  }

  private async startConnector(connector: ConnectorConfig, sourceIdleMs: number): Promise<void> {
    const component = connector.plugin.kind === 'component' ? connector.plugin.path : await builtComponent(connector.plugin.path);
    const plugin = await ConnectorPlugin.load(component);
    const host = { connector: connector.name, log: this.log };
    const half = plugin.connector(host);
    let taskConfigs: Array<Array<[string, string]>>;
    try {
      const issues = half.validate(connector.entries);
      if (issues.length > 0) {
        const first = issues[0]!;
        const line = connector.file && !connector.file.endsWith('.json') ? readPropertiesFile(connector.file).entries.get(first.key)?.line : undefined;
        throw new ConnectConfigError('connector-config-invalid', `Connector configuration is invalid: ${issues.map((issue) => `${issue.key}: ${issue.message}`).join('; ')}`, {
          file: connector.file, line, field: first.key, plugin: plugin.name,
        });
      }
      if (plugin.kind === 'sink' && (connector.topics === undefined || connector.topics.length === 0)) {
        throw new ConnectConfigError('missing-key', 'Must configure one of topics or topics.regex (topics.regex is not supported yet)', { file: connector.file, field: 'topics' });
      }
      const deadLetterQueue = connector.errors.deadLetterQueueTopic?.trim();
      if (plugin.kind === 'sink' && deadLetterQueue && connector.topics!.includes(deadLetterQueue)) {
        throw new ConnectConfigError('invalid-value', `The DLQ topic '${deadLetterQueue}' may not be included in the list of topics ('topics=${connector.topics!.join(',')}') consumed by the connector`, {
          file: connector.file, field: 'errors.deadletterqueue.topic.name',
        });
      }
      taskConfigs = half.taskConfigs(connector.entries, connector.tasksMax).slice(0, connector.tasksMax);
    } finally {
      half.close();
    }
    const transforms = await TransformationChain.prepare(connector.transforms, connector.name, builtComponent, this.log);
    const keyConverter = createConverter(connector.keyConverter ?? this.config.keyConverter);
    const valueConverter = createConverter(connector.valueConverter ?? this.config.valueConverter);
    const headerConverter = new SimpleHeaderConverter();
    const converterClasses = {
      key: (connector.keyConverter ?? this.config.keyConverter).className,
      value: (connector.valueConverter ?? this.config.valueConverter).className,
      header: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    };
    const file = connector.entries.find(([name]) => name === 'file')?.[1];
    const grant = file ? { file, mode: plugin.kind === 'source' ? ('read' as const) : ('append' as const) } : undefined;
    const running: RunningConnector = { config: connector, type: plugin.kind, tasks: [] };
    this.connectors.push(running);
    this.log('info', connector.name, `starting ${taskConfigs.length} ${plugin.kind} task(s) of ${plugin.name}${transforms.length > 0 ? ` with ${transforms.length} transform(s)` : ''}`);
    for (const [index, taskConfig] of taskConfigs.entries()) {
      const taskTransforms = () => transforms.forTask({ connector: connector.name, task: `${connector.name}-${index}`, log: this.log });
      if (plugin.kind === 'source') {
        this.producer ??= await this.connection.producer();
        this.admin ??= await this.connection.admin();
        const task = new WorkerSourceTask({
          connector: connector.name, task: index, instance: plugin.sourceTask(host, index, grant), config: taskConfig,
          keyConverter, valueConverter, headerConverter, transforms: taskTransforms,
          producer: this.producer, admin: this.admin, offsets: this.offsets, idleMs: sourceIdleMs, log: this.log,
          errors: connector.errors, converterClasses,
        });
        running.tasks.push(task);
        task.start();
      } else {
        this.admin ??= await this.connection.admin();
        await this.admin.ensureTopics(connector.topics!.map((topic) => ({ topic, partitions: 1 })));
        const task = new WorkerSinkTask({
          connector: connector.name, task: index, instance: plugin.sinkTask(host, index, grant), config: taskConfig, topics: connector.topics!,
          keyConverter, valueConverter, headerConverter, transforms: taskTransforms,
          connection: this.connection, commitIntervalMs: this.config.offsetFlushIntervalMs, log: this.log,
          errors: connector.errors, converterClasses, admin: async () => (this.admin ??= await this.connection.admin()),
        });
        running.tasks.push(task);
        await task.start();
      }
    }
  }

  private flushOffsets(): void {
    try {
      this.offsets.flush();
    } catch (error) {
      this.log('error', 'worker', `cannot write the offsets file ${this.offsets.file}: ${messageOf(error)}`);
    }
  }

  status(): ConnectorStatus[] {
    return this.connectors.map((connector) => ({
      name: connector.config.name,
      type: connector.type,
      tasks: connector.tasks.map((task) => ({ id: task.state.task, state: task.state.status, ...(task.state.trace ? { trace: task.state.trace } : {}), skipped: task.errors.skipped })),
    }));
  }

  /** Stops every task (sources: records in flight acknowledged; sinks: flushed and committed), then stores the offsets. */
  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    await Promise.all(this.connectors.flatMap((connector) => connector.tasks.map((task) => task.stop())));
    this.flushOffsets();
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
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
