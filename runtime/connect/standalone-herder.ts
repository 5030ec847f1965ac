// The standalone herder (Kafka Connect's StandaloneHerder): one worker owns
// every connector; configurations live in memory (the files given on the
// command line, and what the REST API adds), source offsets in the worker's
// offsets file.
//
// Owns: each connector's configuration, target state (STARTED, PAUSED,
// STOPPED) and status — the connector's and each task's, as Kafka Connect
// reports them (RUNNING, PAUSED, STOPPED, FAILED with its trace,
// RESTARTING, UNASSIGNED) — creating, replacing, patching and deleting
// connectors, pausing, resuming, stopping and restarting them (with
// includeTasks/onlyFailed), the active topics each connector used, and the
// offsets API of KIP-875 (a connector must be STOPPED to change them), and
// restarting a failed task by itself when its connector's
// task.restart.on.failure covers the failure (task-restart.ts).
// Operations run one at a time, in the order they arrive, as Kafka's
// synchronized standalone herder does.
// Must never: let one connector's failure stop another; answer a request
// with a state it has not reached (a restart answers with RESTARTING).

import { messageOf } from '../errors.ts';
import { traceOf } from './error-handling.ts';
import type { Config } from '../plugin/plugin-connector.ts';
import {
  HerderError, notFound,
  type ConfigMap, type ConnectorInfo, type ConnectorOffset, type ConnectorStateInfo, type ConnectorType, type ConnectState, type Herder,
  type PluginInfo, type RestartRequest, type ServerInfo, type TargetState, type TaskInfo, type TaskStateEntry,
} from './herder.ts';
import type { ConfigInfos, ConfigKeyInfo } from './config-infos.ts';
import {
  alterOffsets, checkConnectorConfig, connectorPluginConfig, connectorPlugins, eddyVersion, notStopped, patchedConfig, serverInfo, sinkConnectorOffsets, validateConnectorConfig, withConnectorName,
} from './herder-common.ts';
import { parseTaskRestart, TaskRestarts } from './task-restart.ts';
import type { ConnectWorker, LoadedConnector, WorkerTask } from './worker.ts';
import { connectJson } from './offset-store.ts';


interface ConnectorEntry {
  name: string;
  config: ConfigMap;
  type: ConnectorType;
  target: TargetState;
  loaded: LoadedConnector;
  state: ConnectState;
  trace: string | undefined;
  taskConfigs: Config[];
  tasks: WorkerTask[];
  /** Tasks being restarted (their status says RESTARTING meanwhile). */
  restarting: Set<number>;
  topics: Set<string>;
}

export class StandaloneHerder implements Herder {
  private readonly entries = new Map<string, ConnectorEntry>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly restarts: TaskRestarts;

  /** host:port of this worker's REST listener (Kafka's worker_id), set once it listens. */
  workerId = '';

  constructor(
    private readonly worker: ConnectWorker,
    /** Where relative plugin references of REST-created connectors are resolved. */
    private readonly baseDirectory: string = process.cwd(),
  ) {
    this.restarts = new TaskRestarts(worker.log, (error) => worker.connection.retriable(error));
  }

  /** Runs operations one at a time, in arrival order. */
  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private entry(name: string): ConnectorEntry {
    const entry = this.entries.get(name);
    if (!entry) throw notFound(name);
    return entry;
  }

  serverInfo(): Promise<ServerInfo> {
    return serverInfo(this.worker);
  }

  connectors(): string[] {
    return [...this.entries.keys()];
  }

  connectorInfo(name: string): ConnectorInfo {
    const entry = this.entry(name);
    return { name, config: { ...entry.config }, tasks: entry.taskConfigs.map((_, task) => ({ connector: name, task })), type: entry.type };
  }

  connectorConfig(name: string): ConfigMap {
    return { ...this.entry(name).config };
  }

  /** Adds a connector already loaded from a file given on the command line (it starts before the call returns). */
  async addLoaded(loaded: LoadedConnector): Promise<void> {
    await this.serial(async () => {
      const entry = this.newEntry(loaded.config.name, Object.fromEntries(loaded.config.entries), loaded, 'STARTED');
      this.entries.set(entry.name, entry);
      await this.start(entry);
    });
  }

  putConnectorConfig(name: string, config: ConfigMap, allowReplace: boolean, initialState?: TargetState): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.serial(async () => {
      const full = withConnectorName(name, config);
      const loaded = await this.check(full);
      const existing = this.entries.get(name);
      if (existing && !allowReplace) throw new HerderError(409, `Connector ${name} already exists`);
      if (existing) {
        await this.stopTasks(existing);
        existing.config = full;
        existing.loaded = loaded;
        existing.type = loaded.type;
        existing.trace = undefined;
        void this.serial(() => this.start(existing));
        return { created: false, info: { name, config: { ...full }, tasks: [], type: loaded.type } };
      }
      const entry = this.newEntry(name, full, loaded, initialState ?? 'STARTED');
      this.entries.set(name, entry);
      void this.serial(() => this.start(entry));
      return { created: true, info: { name, config: { ...full }, tasks: [], type: loaded.type } };
    });
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    return (await this.putConnectorConfig(name, patchedConfig(await this.connectorConfig(name), patch), true)).info;
  }

  deleteConnector(name: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.entry(name);
      this.entries.delete(name);
      await this.stopTasks(entry);
      await this.worker.flushOffsets();
      this.worker.log('info', name, 'connector deleted');
    });
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const entry = this.entries.get(name);
    if (!entry) throw new HerderError(404, `No status found for connector ${name}`, { field: 'connector' });
    return {
      name,
      connector: { state: entry.state, worker_id: this.workerId, version: eddyVersion, ...(entry.trace ? { trace: entry.trace } : {}) },
      tasks: entry.tasks.map((_, task) => this.taskEntry(entry, task)),
      type: entry.type,
    };
  }

  taskStatus(connector: string, task: number): TaskStateEntry {
    const entry = this.entries.get(connector);
    if (!entry || entry.tasks[task] === undefined) throw new HerderError(404, `No status found for task ${connector}-${task}`);
    return this.taskEntry(entry, task);
  }

  private taskEntry(entry: ConnectorEntry, task: number): TaskStateEntry {
    const state = entry.tasks[task]!.state;
    const status: ConnectState = entry.restarting.has(task) ? 'RESTARTING' : state.status;
    return { id: task, state: status, worker_id: this.workerId, version: eddyVersion, ...(status === 'FAILED' && state.trace ? { trace: state.trace } : {}) };
  }

  taskConfigs(name: string): TaskInfo[] {
    const entry = this.entry(name);
    return entry.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config: Object.fromEntries(config) }));
  }

  pauseConnector(name: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.entry(name);
      const wasStopped = entry.target === 'STOPPED';
      entry.target = 'PAUSED';
      if (wasStopped) return this.start(entry);
      if (entry.state !== 'FAILED') entry.state = 'PAUSED';
      for (const task of entry.tasks) task.pause();
    });
  }

  resumeConnector(name: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.entry(name);
      const wasStopped = entry.target === 'STOPPED';
      entry.target = 'STARTED';
      if (wasStopped) return this.start(entry);
      if (entry.state !== 'FAILED') entry.state = 'RUNNING';
      for (const task of entry.tasks) task.resume();
    });
  }

  stopConnector(name: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.entry(name);
      entry.target = 'STOPPED';
      await this.stopTasks(entry);
      entry.taskConfigs = [];
      entry.state = 'STOPPED';
      entry.trace = undefined;
      await this.worker.flushOffsets();
    });
  }

  async restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | undefined> {
    const entry = this.entry(request.connector);
    if (!request.includeTasks && !request.onlyFailed) {
      // Kafka's plain restart: the connector only (here: its task configurations are taken again, and the tasks restarted if they changed).
      await this.serial(() => this.restart(entry, true, []));
      return undefined;
    }
    const connector = !request.onlyFailed || entry.state === 'FAILED';
    const tasks = request.includeTasks ? entry.tasks.flatMap((task, id) => (!request.onlyFailed || task.state.status === 'FAILED' ? [id] : [])) : [];
    for (const id of tasks) entry.restarting.add(id);
    const status = this.connectorStatus(request.connector);
    if (connector) status.connector.state = 'RESTARTING';
    void this.serial(() => this.restart(entry, connector, tasks)).catch((error: unknown) => this.worker.log('error', entry.name, `restart failed: ${messageOf(error)}`));
    return status;
  }

  restartTask(connector: string, task: number): Promise<void> {
    const entry = this.entry(connector);
    if (entry.tasks[task] === undefined) return Promise.reject(new HerderError(404, `Unknown task: ${connector}-${task}`));
    entry.restarting.add(task);
    return this.serial(() => this.restart(entry, false, [task]));
  }

  activeTopics(name: string): string[] {
    return [...this.entry(name).topics];
  }

  resetActiveTopics(name: string): void {
    this.entry(name).topics.clear();
  }

  async connectorOffsets(name: string): Promise<ConnectorOffset[]> {
    const entry = this.entry(name);
    if (entry.type === 'source') {
      return this.worker.offsets.offsetsOf(name).map((stored) => ({ partition: connectJson(stored.sourcePartition), offset: connectJson(stored.sourceOffset) }));
    }
    return sinkConnectorOffsets(this.worker, name, Object.fromEntries(entry.loaded.config.entries));
  }

  alterConnectorOffsets(name: string, offsets: ConnectorOffset[] | undefined): Promise<string> {
    return this.serial(async () => {
      const entry = this.entry(name);
      if (entry.target !== 'STOPPED') {
        throw notStopped(name);
      }
      return alterOffsets(this.worker, name, entry.type, offsets);
    });
  }

  connectorPlugins(connectorsOnly: boolean): Promise<PluginInfo[]> {
    return connectorPlugins(connectorsOnly);
  }

  connectorPluginConfig(plugin: string): Promise<ConfigKeyInfo[]> {
    return connectorPluginConfig(this.worker, plugin, this.baseDirectory);
  }

  validateConnectorConfig(plugin: string, config: ConfigMap): Promise<ConfigInfos> {
    return validateConnectorConfig(this.worker, plugin, config, this.baseDirectory);
  }

  /** Stops every connector's tasks (their last states stay readable). */
  stopAll(): Promise<void> {
    this.restarts.stop();
    return this.serial(async () => {
      await Promise.all([...this.entries.values()].flatMap((entry) => entry.tasks.map((task) => task.stop())));
    });
  }

  /** The running tasks of a connector (the worker's own status report reads their counters). */
  workerTasks(name: string): readonly WorkerTask[] {
    return this.entry(name).tasks;
  }

  private newEntry(name: string, config: ConfigMap, loaded: LoadedConnector, target: TargetState): ConnectorEntry {
    return { name, config, type: loaded.type, target, loaded, state: 'UNASSIGNED', trace: undefined, taskConfigs: [], tasks: [], restarting: new Set(), topics: new Set() };
  }

  private check(config: ConfigMap): Promise<LoadedConnector> {
    return checkConnectorConfig(this.worker, config, this.baseDirectory);
  }

  /** Starts a connector as its target state says; a failure marks it FAILED with its trace. */
  private async start(entry: ConnectorEntry): Promise<void> {
    if (this.entries.get(entry.name) !== entry) return;
    if (entry.target === 'STOPPED') {
      entry.state = 'STOPPED';
      entry.taskConfigs = [];
      return;
    }
    try {
      entry.taskConfigs = this.worker.taskConfigs(entry.loaded);
    } catch (error) {
      entry.state = 'FAILED';
      entry.trace = traceOf(error);
      this.worker.log('error', entry.name, `connector failed: ${messageOf(error)}`);
      return;
    }
    entry.state = entry.target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
    entry.trace = undefined;
    this.worker.log('info', entry.name, `starting ${entry.taskConfigs.length} ${entry.type} task(s) of ${entry.loaded.plugin.name}${entry.loaded.transforms.length > 0 ? ` with ${entry.loaded.transforms.length} transform(s)` : ''}`);
    for (const [index, config] of entry.taskConfigs.entries()) entry.tasks[index] = await this.startTask(entry, index, config);
  }

  private async startTask(entry: ConnectorEntry, index: number, config: Config): Promise<WorkerTask> {
    const key = `${entry.name}-${index}`;
    this.restarts.started(key);
    let task: WorkerTask | undefined;
    // A failed task restarts by itself when task.restart.on.failure covers the failure, if it is still this connector's task and still failed.
    const onFailed = (error: unknown) => this.restarts.failed(key, parseTaskRestart({ values: new Map(entry.loaded.config.entries) }), error, () => this.serial(async () => {
      if (this.entries.get(entry.name) === entry && task !== undefined && entry.tasks[index] === task && task.state.status === 'FAILED') await this.restart(entry, false, [index]);
    }));
    task = await this.worker.startTask(entry.loaded, index, config, { paused: entry.target === 'PAUSED', onTopic: (topic) => entry.topics.add(topic), onFailed });
    return task;
  }

  private async stopTasks(entry: ConnectorEntry): Promise<void> {
    const tasks = entry.tasks;
    entry.tasks = [];
    await Promise.all(tasks.map((task) => task.stop()));
  }

  /** Restarts the connector (its task configurations taken again; the tasks restarted if they changed) and the listed tasks. */
  private async restart(entry: ConnectorEntry, connector: boolean, tasks: number[]): Promise<void> {
    try {
      if (this.entries.get(entry.name) !== entry || entry.target === 'STOPPED') return;
      if (connector) {
        let configs: Config[];
        try {
          configs = this.worker.taskConfigs(entry.loaded);
        } catch (error) {
          entry.state = 'FAILED';
          entry.trace = traceOf(error);
          return;
        }
        entry.state = entry.target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
        entry.trace = undefined;
        if (JSON.stringify(configs) !== JSON.stringify(entry.taskConfigs)) {
          await this.stopTasks(entry);
          entry.taskConfigs = configs;
          for (const [index, config] of configs.entries()) entry.tasks[index] = await this.startTask(entry, index, config);
          return;
        }
      }
      for (const id of tasks) {
        const task = entry.tasks[id];
        if (!task) continue;
        await task.stop();
        entry.tasks[id] = await this.startTask(entry, id, entry.taskConfigs[id]!);
      }
    } finally {
      for (const id of tasks) entry.restarting.delete(id);
    }
  }
}
