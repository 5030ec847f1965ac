// Kafka Connect connectors in TypeScript/JavaScript (import from
// '@eddy/sdk/connector'): the guest side of the `source-connector` and
// `sink-connector` worlds of contract 0.2.0, bundled into the plugin by
// `eddy build`.
//
// Owns: turning a plain description of a connector — its configuration
// keys, `validate`, `taskConfigs`, and a `start` that returns the running
// task (an object or class instance with `poll`, or `put` and `flush`) —
// into the world's two exports (`connector` and `sourceTask` / `sinkTask`),
// with Kafka's defaults for what is left out. The types are those generated
// from wit/ (sdk/typescript/wit/0.2.0/). A thrown error becomes the call's
// `err` (`eddy build` guards every export, sdk/typescript/exports.ts).
// Must never: import anything but the WIT interfaces' types — it ends up
// inside every connector.

import type { Config } from 'eddy:plugin/types@0.2.0';
import type {
  CommittedOffset,
  ConfigDefault,
  ConfigImportance,
  ConfigIssue,
  ConfigKey,
  ConfigType,
  ConfigWidth,
  SinkRecord,
  SourceRecord,
  TopicPartitionOffset,
} from 'eddy:plugin/connect-types@0.2.0';

export type { Config };
export type { CommittedOffset, ConfigIssue, ConfigKey, ConnectValue, SinkRecord, SourceRecord, StringMap, TopicPartitionOffset } from 'eddy:plugin/connect-types@0.2.0';

/** What a configuration key may say besides its name and type; everything has Kafka's `ConfigDef.define` default. */
export interface ConfigKeyOptions {
  /** The default as written in a properties file; `null`: optional without a value; left out: the key is required. */
  default?: string | null;
  importance?: ConfigImportance;
  documentation?: string;
  group?: string;
  orderInGroup?: number;
  width?: ConfigWidth;
  displayName?: string;
  dependents?: string[];
}

/** A configuration key (Kafka's `ConfigDef.define(name, type, default, importance, documentation)`). */
export function configKey(name: string, type: ConfigType, options: ConfigKeyOptions = {}): ConfigKey {
  const fallback: ConfigDefault =
    options.default === undefined ? { tag: 'required' } : options.default === null ? { tag: 'null' } : { tag: 'value', val: options.default };
  return {
    name,
    type,
    default: fallback,
    importance: options.importance ?? 'medium',
    documentation: options.documentation ?? '',
    group: options.group,
    orderInGroup: options.orderInGroup ?? -1,
    width: options.width ?? 'none',
    displayName: options.displayName ?? name,
    dependents: options.dependents ?? [],
  };
}

/** What every connector says about its configuration and tasks. */
export interface ConnectorDefinition {
  /** The keys it reads (Kafka's `Connector.config()`); the host parses each by its type and default before `validate`. */
  configDef?: ConfigKey[];
  /** One issue per refused key (what the definition cannot say); default: none. */
  validate?(config: Config): ConfigIssue[];
  /** At most `maxTasks` task configurations; default: one task with the connector's configuration. */
  taskConfigs?(config: Config, maxTasks: number): Config[];
}

/** A running source task. */
export interface SourceTask {
  /** The records ready now — never block: an empty list when there are none yet (the host polls again shortly). */
  poll(): SourceRecord[];
  /** The task stops; no call follows. */
  stop?(): void;
}

export interface SourceConnectorDefinition extends ConnectorDefinition {
  /** Whether this configuration gives exactly-once delivery (Kafka's `exactlyOnceSupport`); default: cannot say. */
  exactlyOnceSupport?(config: Config): boolean | undefined;
  /** Starts a task with its configuration and the offsets stored for this connector. */
  start(config: Config, offsets: CommittedOffset[]): SourceTask;
}

/** A running sink task. */
export interface SinkTask {
  /** Writes (or buffers) a batch of records, in offset order per partition. */
  put(records: SinkRecord[]): void;
  /** Makes everything put so far durable: the host commits `offsets` only after this returns. Default: nothing to do. */
  flush?(offsets: TopicPartitionOffset[]): void;
  /** The task stops; no call follows. */
  stop?(): void;
}

export interface SinkConnectorDefinition extends ConnectorDefinition {
  /** Starts a task with its configuration. */
  start(config: Config): SinkTask;
}

/** The `connector` export every connector world has. */
function connectorExport(definition: ConnectorDefinition, exactlyOnceSupport: (config: Config) => boolean | undefined) {
  return {
    configDef: (): ConfigKey[] => definition.configDef ?? [],
    validate: (config: Config): ConfigIssue[] => definition.validate?.(config) ?? [],
    taskConfigs: (config: Config, maxTasks: number): Config[] => definition.taskConfigs?.(config, maxTasks) ?? [config],
    exactlyOnceSupport,
  };
}

/** The one task of an instance (the host makes an instance per task). */
function taskSlot<T>() {
  let running: T | undefined;
  return {
    set(task: T): void {
      running = task;
    },
    get(): T {
      if (running === undefined) throw new Error('the task was called before start (or after stop)');
      return running;
    },
    clear(): T | undefined {
      const task = running;
      running = undefined;
      return task;
    },
  };
}

/**
 * A source connector's exports:
 *
 *   export const { connector, sourceTask } = defineSourceConnector({
 *     configDef: [configKey('topic', 'string', { importance: 'high', documentation: 'Where the records go' })],
 *     start: (config, offsets) => new MyTask(config, offsets),   // { poll(): SourceRecord[]; stop?(): void }
 *   });
 */
export function defineSourceConnector(definition: SourceConnectorDefinition) {
  const task = taskSlot<SourceTask>();
  return {
    connector: connectorExport(definition, (config) => definition.exactlyOnceSupport?.(config)),
    sourceTask: {
      start(config: Config, offsets: CommittedOffset[]): void {
        task.set(definition.start(config, offsets));
      },
      poll: (): SourceRecord[] => task.get().poll(),
      stop(): void {
        task.clear()?.stop?.();
      },
    },
  };
}

/**
 * A sink connector's exports:
 *
 *   export const { connector, sinkTask } = defineSinkConnector({
 *     configDef: [configKey('file', 'string', { importance: 'high' })],
 *     start: (config) => new MyTask(config),   // { put(records); flush?(offsets); stop?() }
 *   });
 */
export function defineSinkConnector(definition: SinkConnectorDefinition) {
  const task = taskSlot<SinkTask>();
  return {
    // A sink connector cannot say whether it is exactly-once (the world's `none`).
    connector: connectorExport(definition, () => undefined),
    sinkTask: {
      start(config: Config): void {
        task.set(definition.start(config));
      },
      put(records: SinkRecord[]): void {
        task.get().put(records);
      },
      flush(offsets: TopicPartitionOffset[]): void {
        task.get().flush?.(offsets);
      },
      stop(): void {
        task.clear()?.stop?.();
      },
    },
  };
}
