// The distributed herder (Kafka Connect's DistributedHerder): workers with
// the same group.id share every connector and task through Kafka's group
// protocol; configurations, statuses and source offsets live in three
// compacted topics, so any worker answers any REST call and any worker can
// die while the others carry on.
//
// Owns: this worker's membership of the group (the incremental cooperative
// assignment of connect-assignor.ts: the worker keeps running through a
// rebalance, then stops what is no longer its own — asking for another
// rebalance when work was revoked — restarts what runs with a configuration
// that changed, and starts what it is given), starting the connectors and
// tasks assigned to it — a connector's worker computes its task
// configurations and writes them to the config topic when they changed; the
// leader asks for a rebalance whenever the connectors or committed tasks
// change — reacting to target states (pause, resume, stop) and restart
// requests read from the config topic, reporting the states of what it runs
// to the status topic, and the REST operations, which write to the config
// topic and read it back before they answer (a write during a rebalance is
// a 409, as Kafka's), exactly-once source tasks (with
// exactly.once.source.support=enabled: each task's transactional id, and
// the tasks new configurations retire fenced before they are written;
// exactly-once-source.ts), and restarting a failed task by itself when its
// connector's task.restart.on.failure covers the failure (task-restart.ts).
// Must never: run a connector or task the current assignment gave to
// another worker, or answer a write before every worker can read it.

import { messageOf } from '../errors.ts';
import type { GroupConsumer, Producer } from '../kafka/ports.ts';
import type { Config } from '../plugin/plugin-connector.ts';
import { ConfigBackingStore, type ConfigListener } from './config-backing-store.ts';
import { connectAssignor, decodeAssignment, type ConnectAssignment } from './connect-assignor.ts';
import { traceOf } from './error-handling.ts';
import type { ConfigInfos, ConfigKeyInfo } from './config-infos.ts';
import {
  alterOffsets, checkConnectorConfig, connectorPluginConfig, connectorPlugins, eddyVersion, notStopped, patchedConfig, serverInfo, sinkConnectorOffsets, validateConnectorConfig, withConnectorName,
} from './herder-common.ts';
import {
  HerderError, notFound,
  type ConfigMap, type ConnectorInfo, type ConnectorOffset, type ConnectorStateInfo, type ConnectorType, type ConnectState, type Herder,
  type PluginInfo, type RestartRequest, type ServerInfo, type TargetState, type TaskInfo, type TaskStateEntry,
} from './herder.ts';
import { fenceTaskProducers, parseSourceExactlyOnce, taskTransactionalId } from './exactly-once-source.ts';
import { KafkaBasedLog } from './kafka-based-log.ts';
import { KafkaOffsetStore } from './kafka-offset-store.ts';
import { ConnectorOffsetStore } from './connector-offset-store.ts';
import { connectJson } from './offset-store.ts';
import { StatusBackingStore, type StatusEntry } from './status-backing-store.ts';
import { parseTaskRestart, TaskRestarts } from './task-restart.ts';
import type { DistributedSettings } from './worker-config.ts';
import type { ConnectWorker, LoadedConnector, TaskOptions, WorkerTask } from './worker.ts';

const rebalancing = () => new HerderError(409, 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)');

interface LocalConnector {
  loaded: LoadedConnector | undefined;
  state: ConnectState;
  trace: string | null;
}

interface LocalTask {
  connector: string;
  task: number;
  worker: WorkerTask;
  reported: string;
  /** The connector's and the task's configurations it started with: when the config topic says otherwise, it restarts. */
  started: string;
}

export class DistributedHerder implements Herder, ConfigListener {
  /** host:port of this worker's REST listener (Kafka's worker_id). */
  workerId = '';
  private readonly configs = new ConfigBackingStore(this);
  private readonly statuses = new StatusBackingStore();
  private configLog: KafkaBasedLog | undefined;
  private statusLog: KafkaBasedLog | undefined;
  private offsetLog: KafkaBasedLog | undefined;
  /** Connectors' own offsets topics (offsets.storage.topic), each read once per worker, by topic. */
  private readonly connectorOffsetTopics = new Map<string, Promise<{ log: KafkaBasedLog; store: ConnectorOffsetStore }>>();
  private member: GroupConsumer | undefined;
  private assignment: ConnectAssignment | undefined;
  private memberId: string | undefined;
  private generation = -1;
  private rebalancing = true;
  private stopped = false;
  private readonly running = new Map<string, LocalConnector>();
  private readonly tasks = new Map<string, LocalTask>();
  private readonly types = new Map<string, ConnectorType>();
  private queue: Promise<unknown> = Promise.resolve();
  private reporter: NodeJS.Timeout | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private producer: Producer | undefined;
  private readonly restarts: TaskRestarts;

  constructor(
    private readonly worker: ConnectWorker,
    private readonly settings: DistributedSettings,
    private readonly offsets: KafkaOffsetStore,
    private readonly baseDirectory: string = process.cwd(),
  ) {
    this.restarts = new TaskRestarts(worker.log, (error) => worker.connection.retriable(error));
  }

  /** Reads the three topics (creating them compacted if missing), then joins the group. */
  async start(): Promise<void> {
    const { connection, log } = this.worker;
    const admin = await this.worker.admin();
    const producer = (this.producer = await connection.producer());
    const common = { connection, admin, producer, groupId: this.settings.groupId, log };
    this.configLog = await KafkaBasedLog.start({ ...common, topic: this.settings.configTopic, partitions: 1, replicationFactor: this.settings.configReplicationFactor, onRecord: (record) => this.configs.apply(record) });
    this.configs.attach(this.configLog);
    this.statusLog = await KafkaBasedLog.start({ ...common, topic: this.settings.statusTopic, partitions: this.settings.statusPartitions, replicationFactor: this.settings.statusReplicationFactor, onRecord: (record) => this.statuses.apply(record) });
    this.statuses.attach(this.statusLog);
    this.offsetLog = await KafkaBasedLog.start({ ...common, topic: this.settings.offsetTopic, partitions: this.settings.offsetPartitions, replicationFactor: this.settings.offsetReplicationFactor, onRecord: (record) => this.offsets.apply(record) });
    this.offsets.attach(this.offsetLog);
    this.reporter = setInterval(() => void this.report(), 250);
    this.flusher = setInterval(() => void this.worker.flushOffsets(), Math.max(this.worker.config.offsetFlushIntervalMs, 1));
    await this.join(1);
  }

  private async join(attempt: number): Promise<void> {
    if (this.stopped) return;
    const member = this.worker.connection.groupConsumer({
      groupId: this.settings.groupId,
      topics: [this.settings.configTopic],
      assignor: connectAssignor({
        url: () => `http://${this.workerId}`,
        readConfigToEnd: () => this.configLog!.readToEnd(),
        configVersion: () => this.configs.version,
        work: () => [...this.configs.connectors.keys()].map((connector) => ({ connector, tasks: this.configs.taskConfigs.get(connector)?.length ?? 0 })),
        running: () => ({ connectors: [...this.running.keys()], tasks: [...this.tasks.values()].map(({ connector, task }) => ({ connector, task })) }),
      }),
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
      heartbeatIntervalMs: this.settings.heartbeatIntervalMs,
      rebalanceTimeoutMs: this.settings.rebalanceTimeoutMs,
      concurrency: 1,
    });
    this.member = member;
    const retry = (reason: string) => {
      if (this.stopped || this.member !== member) return;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6));
      this.worker.log('warn', 'worker', `the group membership ${reason}; joining again in ${delay} ms`);
      this.rebalancing = true;
      void member.disconnect().catch(() => undefined);
      void this.serial(() => this.stopEverything());
      setTimeout(() => void this.join(attempt + 1), delay);
    };
    try {
      await member.start({
        onAssigned: (assignment) => {
          const decoded = decodeAssignment(assignment.userData);
          this.memberId = assignment.memberId;
          this.generation = assignment.generationId;
          this.assignment = decoded;
          const revoked = (decoded?.revokedConnectors.length ?? 0) + (decoded?.revokedTasks.length ?? 0);
          this.worker.log('info', 'worker', `generation ${assignment.generationId}: ${decoded?.connectors.length ?? 0} connector(s), ${decoded?.tasks.length ?? 0} task(s) here${revoked > 0 ? `, ${revoked} revoked` : ''}${decoded?.leader === assignment.memberId ? ' (leader)' : ''}`);
          void this.serial(() => this.reconcile());
        },
        // Incremental cooperative (KIP-415): nothing stops before the worker rejoins; the assignment says what moves.
        beforeRejoin: async () => {
          this.rebalancing = true;
          // What the worker runs when it joins is what the leader counts as its own: pending starts and stops land first.
          await this.serial(async () => undefined);
        },
        onBatch: async () => true,
        onCrash: (error, restarting) => {
          if (!restarting) retry(`failed (${error.message})`);
        },
      });
    } catch (error) {
      retry(`could not start (${messageOf(error)})`);
    }
  }

  private get leader(): boolean {
    return this.assignment !== undefined && this.assignment.leader === this.memberId;
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch((error: unknown) => this.worker.log('error', 'worker', messageOf(error)));
    return result;
  }

  // ---- the assignment ----------------------------------------------------------

  private async reconcile(): Promise<void> {
    const assignment = this.assignment;
    if (!assignment || this.stopped) return;
    if (assignment.configVersion > this.configs.version) await this.configLog!.readToEnd();
    const connectors = new Set(assignment.connectors);
    const tasks = new Set(assignment.tasks.map(({ connector, task }) => `${connector}-${task}`));
    for (const name of [...this.running.keys()]) if (!connectors.has(name)) this.running.delete(name);
    // What is no longer here (revoked, or its connector deleted) stops; what stays keeps running,
    // unless its configuration changed since it started (the rebalance after new task configurations).
    const stopping = [...this.tasks].filter(([key, task]) => !tasks.has(key) || task.started !== this.startedWith(task.connector, task.task));
    await Promise.all(stopping.map(([, task]) => this.stopTask(task)));
    if (stopping.length > 0) await this.worker.flushOffsets();
    this.rebalancing = false;
    for (const name of assignment.connectors) if (!this.running.has(name)) await this.startConnector(name);
    for (const { connector, task } of assignment.tasks) if (!this.tasks.has(`${connector}-${task}`)) await this.startTask(connector, task);
    // Revoked work is stopped: the next generation gives it to its new owner.
    if (assignment.revokedConnectors.length + assignment.revokedTasks.length > 0 && this.assignment === assignment) this.member?.requestRejoin();
  }

  /** The configurations a task of `connector` runs with, as the config topic has them now. */
  private startedWith(connector: string, task: number): string {
    return JSON.stringify([this.configs.connectors.get(connector) ?? null, this.configs.taskConfigs.get(connector)?.[task] ?? null]);
  }

  /**
   * Starts a connector assigned here: its task configurations are computed and
   * written when they changed — or always, after its configuration changed
   * (its tasks then restart with the new converters and transforms even when
   * the plugin gives the same task configurations).
   */
  private async startConnector(name: string, reconfigured = false): Promise<void> {
    const config = this.configs.connectors.get(name);
    if (!config || !this.assignment?.connectors.includes(name)) return;
    const local: LocalConnector = { loaded: undefined, state: 'UNASSIGNED', trace: null };
    this.running.set(name, local);
    const target = this.configs.targetState(name);
    try {
      local.loaded = await checkConnectorConfig(this.worker, config, this.baseDirectory);
      this.types.set(name, local.loaded.type);
      if (target !== 'STOPPED') {
        const configs = this.worker.taskConfigs(local.loaded).map((entries) => Object.fromEntries(entries));
        const previous = this.configs.taskConfigs.get(name);
        if (reconfigured || JSON.stringify(configs) !== JSON.stringify(previous ?? null)) {
          // Exactly-once: tasks the new configurations retire are fenced first (the others fence their previous owners when they start).
          if (this.exactlyOnce && local.loaded.type === 'source' && configs.length < (previous?.length ?? 0)) {
            await fenceTaskProducers(this.worker.connection, this.settings.groupId, name, configs.length, previous!.length);
          }
          await this.configs.putTaskConfigs(name, configs);
        }
      }
      local.state = target === 'STOPPED' ? 'STOPPED' : target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
    } catch (error) {
      local.state = 'FAILED';
      local.trace = traceOf(error);
      this.worker.log('error', name, `connector failed: ${messageOf(error)}`);
    }
    await this.statuses.putConnector(name, this.entry(local.state, local.trace));
  }

  private async startTask(connector: string, task: number): Promise<void> {
    const config = this.configs.taskConfigs.get(connector)?.[task];
    const connectorConfig = this.configs.connectors.get(connector);
    if (!config || !connectorConfig) return;
    const key = `${connector}-${task}`;
    try {
      const loaded = await checkConnectorConfig(this.worker, connectorConfig, this.baseDirectory);
      const taskConfig: Config = Object.entries(config);
      this.restarts.started(key);
      let started: WorkerTask | undefined;
      // A failed task restarts by itself when task.restart.on.failure covers the failure, if it is still assigned here and still failed.
      const onFailed = (error: unknown) => this.restarts.failed(key, parseTaskRestart({ values: new Map(loaded.config.entries) }), error, () => this.serial(async () => {
        const local = this.tasks.get(key);
        if (local && started !== undefined && local.worker === started && started.state.status === 'FAILED' && !this.stopped) await this.restartLocalTask(local);
      }));
      const offsets = loaded.type === 'source' ? await this.offsetStoreOf(connectorConfig) : undefined;
      const worker = await this.worker.startTask(loaded, task, taskConfig, {
        ...(offsets ? { offsets } : {}),
        onFailed,
        paused: this.configs.targetState(connector) === 'PAUSED',
        onTopic: (topic) => void this.statuses.putTopic(connector, task, topic).catch(() => undefined),
        ...(this.exactlyOnce && loaded.type === 'source' ? { exactlyOnce: this.exactlyOnceTask(connector, task, connectorConfig) } : {}),
      });
      started = worker;
      this.tasks.set(key, { connector, task, worker, reported: '', started: this.startedWith(connector, task) });
    } catch (error) {
      this.worker.log('error', key, `task could not start: ${messageOf(error)}`);
      await this.statuses.putTask(connector, task, this.entry('FAILED', traceOf(error)));
      // Kafka unreachable while the task started (e.g. creating a sink's topics): it starts again later, if still assigned here.
      const settings = (() => {
        try {
          return parseTaskRestart({ values: new Map(Object.entries(connectorConfig)) });
        } catch {
          return undefined;
        }
      })();
      if (settings) {
        this.restarts.failed(key, settings, error, () => this.serial(async () => {
          if (!this.stopped && !this.tasks.has(key) && this.assignment?.tasks.some((assigned) => assigned.connector === connector && assigned.task === task)) await this.startTask(connector, task);
        }));
      }
    }
    await this.report();
  }

  /**
   * The offsets store of a source connector: the worker's, or — when it
   * names an `offsets.storage.topic` other than the worker's — its own
   * topic (created compacted when missing, as the worker's, and read to its
   * end), with the worker's as the fallback and secondary store (KIP-618).
   */
  private async offsetStoreOf(config: ConfigMap): Promise<KafkaOffsetStore | ConnectorOffsetStore> {
    const topic = config['offsets.storage.topic']?.trim();
    if (!topic || topic === this.settings.offsetTopic) return this.offsets;
    let opened = this.connectorOffsetTopics.get(topic);
    if (!opened) {
      opened = (async () => {
        const primary = new KafkaOffsetStore();
        const { connection, log } = this.worker;
        const kafkaLog = await KafkaBasedLog.start({
          connection, admin: await this.worker.admin(), producer: this.producer!, groupId: this.settings.groupId, log,
          topic, partitions: this.settings.offsetPartitions, replicationFactor: this.settings.offsetReplicationFactor, onRecord: (record) => primary.apply(record),
        });
        primary.attach(kafkaLog);
        const store = new ConnectorOffsetStore(topic, primary, this.offsets, (message) => this.worker.log('warn', 'worker', message));
        this.worker.addOffsetStore(store);
        return { log: kafkaLog, store };
      })();
      this.connectorOffsetTopics.set(topic, opened);
      opened.catch(() => this.connectorOffsetTopics.delete(topic));
    }
    return (await opened).store;
  }

  /** exactly.once.source.support=enabled: source tasks write exactly once (KIP-618). */
  private get exactlyOnce(): boolean {
    return this.settings.exactlyOnceSourceSupport === 'enabled';
  }

  private exactlyOnceTask(connector: string, task: number, config: ConfigMap): TaskOptions['exactlyOnce'] {
    const settings = parseSourceExactlyOnce({ values: new Map(Object.entries(config)) });
    return {
      transactionalId: taskTransactionalId(this.settings.groupId, connector, task),
      boundary: settings.boundary === 'interval' ? 'interval' : 'poll',
      intervalMs: settings.boundaryIntervalMs ?? this.worker.config.offsetFlushIntervalMs,
    };
  }

  private async stopTask(task: LocalTask): Promise<void> {
    this.tasks.delete(`${task.connector}-${task.task}`);
    await task.worker.stop();
    // A deleted connector's statuses are gone: a late UNASSIGNED must not bring them back.
    if (this.configs.connectors.has(task.connector)) await this.statuses.putTask(task.connector, task.task, this.entry('UNASSIGNED', null)).catch(() => undefined);
  }

  private async stopEverything(): Promise<void> {
    await Promise.all([...this.tasks.values()].map((task) => this.stopTask(task)));
    this.running.clear();
    await this.worker.flushOffsets();
  }

  /** Writes the state of every task here that changed since it was last written. */
  private async report(): Promise<void> {
    for (const task of [...this.tasks.values()]) {
      const { status, trace } = task.worker.state;
      const reported = `${status}\0${trace ?? ''}\0${this.generation}`;
      if (reported === task.reported) continue;
      task.reported = reported;
      await this.statuses.putTask(task.connector, task.task, this.entry(status, status === 'FAILED' ? trace ?? null : null)).catch(() => (task.reported = ''));
    }
  }

  private entry(state: ConnectState, trace: string | null): StatusEntry {
    return { state, trace, worker_id: this.workerId, generation: this.generation, version: eddyVersion };
  }

  // ---- what the config topic says ---------------------------------------------------

  connectorChanged(name: string): void {
    this.types.delete(name);
    if (this.leader) this.member?.requestRejoin();
    if (this.running.has(name)) {
      // Reconfigured or deleted: the connector here starts again (its tasks move with the rebalance that follows).
      void this.serial(async () => {
        this.running.delete(name);
        if (this.configs.connectors.has(name)) await this.startConnector(name, true);
      });
    }
  }

  taskConfigsCommitted(): void {
    if (this.leader) this.member?.requestRejoin();
  }

  targetStateChanged(name: string): void {
    void this.serial(async () => {
      const target = this.configs.targetState(name);
      for (const task of this.tasks.values()) {
        if (task.connector !== name) continue;
        if (target === 'PAUSED') task.worker.pause();
        else if (target === 'STARTED') task.worker.resume();
      }
      const local = this.running.get(name);
      if (!local) return;
      if (target === 'STARTED' && (this.configs.taskConfigs.get(name)?.length ?? 0) === 0) {
        // Resumed after a stop: the tasks are configured again.
        this.running.delete(name);
        await this.startConnector(name);
        return;
      }
      if (local.state === 'FAILED') return;
      local.state = target === 'STOPPED' ? 'STOPPED' : target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
      await this.statuses.putConnector(name, this.entry(local.state, null));
    });
  }

  restartRequested(name: string, includeTasks: boolean, onlyFailed: boolean): void {
    void this.serial(async () => {
      const local = this.running.get(name);
      if (local && (!onlyFailed || local.state === 'FAILED')) {
        this.running.delete(name);
        await this.startConnector(name);
      }
      if (!includeTasks) return;
      for (const task of [...this.tasks.values()]) {
        if (task.connector !== name || (onlyFailed && task.worker.state.status !== 'FAILED')) continue;
        await this.restartLocalTask(task);
      }
    });
  }

  private async restartLocalTask(task: LocalTask): Promise<void> {
    this.tasks.delete(`${task.connector}-${task.task}`);
    await task.worker.stop();
    await this.startTask(task.connector, task.task);
  }

  // ---- the REST operations --------------------------------------------------------

  serverInfo(): Promise<ServerInfo> {
    return serverInfo(this.worker);
  }

  connectors(): string[] {
    return [...this.configs.connectors.keys()];
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const config = this.configs.connectors.get(name);
    if (!config) throw notFound(name);
    return { name, config: { ...config }, tasks: (this.configs.taskConfigs.get(name) ?? []).map((_, task) => ({ connector: name, task })), type: await this.typeOf(name, config) };
  }

  connectorConfig(name: string): ConfigMap {
    const config = this.configs.connectors.get(name);
    if (!config) throw notFound(name);
    return { ...config };
  }

  async putConnectorConfig(name: string, config: ConfigMap, allowReplace: boolean, initialState?: TargetState): Promise<{ created: boolean; info: ConnectorInfo }> {
    if (this.rebalancing) throw rebalancing();
    const full = withConnectorName(name, config);
    const loaded = await checkConnectorConfig(this.worker, full, this.baseDirectory);
    await this.configLog!.readToEnd();
    const exists = this.configs.connectors.has(name);
    if (exists && !allowReplace) throw new HerderError(409, `Connector ${name} already exists`);
    await this.configs.putConnectorConfig(name, full, exists ? undefined : initialState ?? 'STARTED');
    await this.configLog!.readToEnd();
    this.types.set(name, loaded.type);
    return { created: !exists, info: { name, config: { ...full }, tasks: [], type: loaded.type } };
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    return (await this.putConnectorConfig(name, patchedConfig(await this.connectorConfig(name), patch), true)).info;
  }

  async deleteConnector(name: string): Promise<void> {
    if (this.rebalancing) throw rebalancing();
    await this.configLog!.readToEnd();
    if (!this.configs.connectors.has(name)) throw notFound(name);
    const tasks = this.configs.taskConfigs.get(name)?.length ?? 0;
    await this.configs.removeConnector(name);
    await this.configLog!.readToEnd();
    await this.statuses.deleteConnector(name, tasks);
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const status = this.statuses.connectors.get(name);
    const config = this.configs.connectors.get(name);
    if (!status || !config) throw new HerderError(404, `No status found for connector ${name}`);
    const tasks = (this.configs.taskConfigs.get(name) ?? []).flatMap((_, task) => {
      const entry = this.statuses.taskStatus(name, task);
      return entry ? [{ id: task, ...this.stateEntry(entry) }] : [];
    });
    return { name, connector: this.stateEntry(status), tasks, type: await this.typeOf(name, config) };
  }

  taskStatus(connector: string, task: number): TaskStateEntry {
    const entry = this.statuses.taskStatus(connector, task);
    if (!entry || !this.configs.connectors.has(connector)) throw new HerderError(404, `No status found for task ${connector}-${task}`);
    return { id: task, ...this.stateEntry(entry) };
  }

  private stateEntry(entry: StatusEntry): { state: ConnectState; worker_id: string; version?: string; trace?: string } {
    return { state: entry.state, worker_id: entry.worker_id, ...(entry.version ? { version: entry.version } : {}), ...(entry.trace ? { trace: entry.trace } : {}) };
  }

  taskConfigs(name: string): TaskInfo[] {
    if (!this.configs.connectors.has(name)) throw notFound(name);
    return (this.configs.taskConfigs.get(name) ?? []).map((config, task) => ({ id: { connector: name, task }, config: { ...config } }));
  }

  async pauseConnector(name: string): Promise<void> {
    await this.putTargetState(name, 'PAUSED');
  }

  async resumeConnector(name: string): Promise<void> {
    await this.putTargetState(name, 'STARTED');
  }

  /** As Kafka's: no tasks (an empty commit), then the STOPPED target state. */
  async stopConnector(name: string): Promise<void> {
    if (this.rebalancing) throw rebalancing();
    if (!this.configs.connectors.has(name)) throw notFound(name);
    await this.configs.putTaskConfigs(name, []);
    await this.putTargetState(name, 'STOPPED');
  }

  private async putTargetState(name: string, state: TargetState): Promise<void> {
    if (this.rebalancing) throw rebalancing();
    if (!this.configs.connectors.has(name)) throw notFound(name);
    await this.configs.putTargetState(name, state);
    await this.configLog!.readToEnd();
  }

  async restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | undefined> {
    if (this.rebalancing) throw rebalancing();
    const name = request.connector;
    if (!this.configs.connectors.has(name)) throw notFound(name);
    if (!request.includeTasks && !request.onlyFailed) {
      await this.configs.requestRestart(name, false, false);
      await this.configLog!.readToEnd();
      return undefined;
    }
    const status = await this.connectorStatus(name);
    if (!request.onlyFailed || status.connector.state === 'FAILED') status.connector.state = 'RESTARTING';
    if (request.includeTasks) for (const task of status.tasks) if (!request.onlyFailed || task.state === 'FAILED') task.state = 'RESTARTING';
    await this.configs.requestRestart(name, request.includeTasks, request.onlyFailed);
    await this.configLog!.readToEnd();
    return status;
  }

  async restartTask(connector: string, task: number): Promise<void> {
    if (this.rebalancing) throw rebalancing();
    if (!this.configs.connectors.has(connector)) throw notFound(connector);
    const local = this.tasks.get(`${connector}-${task}`);
    if (local) {
      await this.serial(() => this.restartLocalTask(local));
      return;
    }
    const owner = this.statuses.taskStatus(connector, task)?.worker_id;
    if (task < 0 || task >= (this.configs.taskConfigs.get(connector)?.length ?? 0) || !owner) throw new HerderError(404, `Unknown task: ${connector}-${task}`);
    // The task runs on another worker: the request goes there, as Kafka forwards it.
    const response = await fetch(`http://${owner}/connectors/${encodeURIComponent(connector)}/tasks/${task}/restart`, { method: 'POST' });
    if (response.status >= 400) {
      const body = (await response.json().catch(() => ({}))) as { message?: string };
      throw new HerderError(response.status, body.message ?? `restarting ${connector}-${task} on ${owner} failed`);
    }
  }

  activeTopics(name: string): string[] {
    if (!this.configs.connectors.has(name)) throw notFound(name);
    return [...(this.statuses.topics.get(name) ?? [])];
  }

  async resetActiveTopics(name: string): Promise<void> {
    if (!this.configs.connectors.has(name)) throw notFound(name);
    await this.statuses.resetTopics(name);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffset[]> {
    const config = this.configs.connectors.get(name);
    if (!config) throw notFound(name);
    if ((await this.typeOf(name, config)) === 'source') {
      await this.offsetLog!.readToEnd();
      const store = await this.offsetStoreOf(config);
      await store.readToEnd();
      return store.offsetsOf(name).map((stored) => ({ partition: connectJson(stored.sourcePartition), offset: connectJson(stored.sourceOffset) }));
    }
    return sinkConnectorOffsets(this.worker, name, config);
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffset[] | undefined): Promise<string> {
    const config = this.configs.connectors.get(name);
    if (!config) throw notFound(name);
    if (this.configs.targetState(name) !== 'STOPPED' || (this.configs.taskConfigs.get(name)?.length ?? 0) > 0) {
      throw notStopped(name);
    }
    const type = await this.typeOf(name, config);
    if (type !== 'source') return alterOffsets(this.worker, name, type, offsets);
    await this.offsetLog!.readToEnd();
    const store = await this.offsetStoreOf(config);
    await store.readToEnd();
    return alterOffsets(this.worker, name, type, offsets, store);
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

  /** The connector's kind, from its plugin (loaded once per worker). */
  private async typeOf(name: string, config: ConfigMap): Promise<ConnectorType> {
    const known = this.types.get(name);
    if (known) return known;
    try {
      const type = (await checkConnectorConfig(this.worker, config, this.baseDirectory)).type;
      this.types.set(name, type);
      return type;
    } catch {
      return 'unknown';
    }
  }

  /** Leaves the group and stops everything here (statuses UNASSIGNED, offsets stored). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.restarts.stop();
    if (this.reporter) clearInterval(this.reporter);
    if (this.flusher) clearInterval(this.flusher);
    const member = this.member;
    this.member = undefined;
    await this.serial(() => this.stopEverything()).catch(() => undefined);
    if (member) {
      await member.stop().catch(() => undefined);
      await member.disconnect().catch(() => undefined);
    }
    const connectorOffsetLogs = await Promise.all([...this.connectorOffsetTopics.values()].map((opened) => opened.then(({ log }) => log, () => undefined)));
    await Promise.all([this.configLog?.stop(), this.statusLog?.stop(), this.offsetLog?.stop(), ...connectorOffsetLogs.map((log) => log?.stop())]);
    await this.producer?.disconnect().catch(() => undefined);
  }
}
