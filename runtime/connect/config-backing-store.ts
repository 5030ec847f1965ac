// The connector configurations of a distributed cluster in the config topic
// (`config.storage.topic`, Kafka's KafkaConfigBackingStore), one partition,
// read by every worker.
//
// Owns: Kafka Connect's record format — `connector-<name>` →
// {"properties":{…}}, `task-<name>-<n>` → {"properties":{…}} made visible only
// by the `commit-<name>` → {"tasks":n} that follows them, `target-state-<name>`
// → {"state","state.v2"}, `restart-connector-<name>` →
// {"include-tasks","only-failed"}, tombstones for a deleted connector — the
// snapshot those records build, and telling the herder what changed.
// Must never: expose task configurations that no commit record covers (a
// worker that died half-way through writing them leaves nothing visible).

import type { ConfigMap, TargetState } from './herder.ts';
import type { KafkaBasedLog, LogRecord } from './kafka-based-log.ts';

export interface ConfigListener {
  connectorChanged(name: string): void;
  taskConfigsCommitted(name: string): void;
  targetStateChanged(name: string): void;
  restartRequested(name: string, includeTasks: boolean, onlyFailed: boolean): void;
}

export class ConfigBackingStore {
  readonly connectors = new Map<string, ConfigMap>();
  readonly taskConfigs = new Map<string, ConfigMap[]>();
  readonly targetStates = new Map<string, TargetState>();
  private readonly uncommitted = new Map<string, Map<number, ConfigMap>>();
  private log: KafkaBasedLog | undefined;
  /** Records applied so far: the snapshot's version (a member with an older one is behind). */
  version = 0;

  constructor(private readonly listener: ConfigListener) {}

  attach(log: KafkaBasedLog): void {
    this.log = log;
  }

  targetState(name: string): TargetState {
    return this.targetStates.get(name) ?? 'STARTED';
  }

  apply(record: LogRecord): void {
    this.version++;
    const key = record.key ?? '';
    const value = record.value === null ? null : (JSON.parse(record.value.toString('utf8')) as Record<string, unknown>);
    let match: RegExpExecArray | null;
    if (key.startsWith('connector-')) {
      const name = key.slice('connector-'.length);
      if (value === null) {
        this.connectors.delete(name);
        this.taskConfigs.delete(name);
        this.uncommitted.delete(name);
      } else {
        this.connectors.set(name, properties(value));
      }
      this.listener.connectorChanged(name);
    } else if ((match = /^task-(.*)-(\d+)$/.exec(key))) {
      const name = match[1]!;
      if (value === null) return;
      const tasks = this.uncommitted.get(name) ?? new Map<number, ConfigMap>();
      tasks.set(Number(match[2]), properties(value));
      this.uncommitted.set(name, tasks);
    } else if (key.startsWith('commit-')) {
      const name = key.slice('commit-'.length);
      if (value === null) return;
      const count = Number(value.tasks ?? 0);
      const tasks = this.uncommitted.get(name) ?? new Map<number, ConfigMap>();
      const configs: ConfigMap[] = [];
      for (let task = 0; task < count; task++) {
        const config = tasks.get(task) ?? this.taskConfigs.get(name)?.[task];
        // A commit whose task records are missing (compacted away with a deleted connector) is ignored, as Kafka's.
        if (config === undefined) return;
        configs.push(config);
      }
      this.uncommitted.delete(name);
      this.taskConfigs.set(name, configs);
      this.listener.taskConfigsCommitted(name);
    } else if (key.startsWith('target-state-')) {
      const name = key.slice('target-state-'.length);
      if (value === null) this.targetStates.delete(name);
      else {
        const state = String(value['state.v2'] ?? value.state ?? 'STARTED');
        this.targetStates.set(name, state === 'PAUSED' || state === 'STOPPED' ? state : 'STARTED');
      }
      this.listener.targetStateChanged(name);
    } else if (key.startsWith('restart-connector-')) {
      if (value === null) return;
      this.listener.restartRequested(key.slice('restart-connector-'.length), value['include-tasks'] === true, value['only-failed'] === true);
    }
  }

  async putConnectorConfig(name: string, config: ConfigMap, targetState?: TargetState): Promise<void> {
    if (targetState !== undefined) await this.putTargetState(name, targetState);
    await this.send(`connector-${name}`, { properties: config });
  }

  async removeConnector(name: string): Promise<void> {
    await this.send(`connector-${name}`, null);
    await this.send(`target-state-${name}`, null);
  }

  /** Task records, then the commit that makes them visible. */
  async putTaskConfigs(name: string, configs: ConfigMap[]): Promise<void> {
    for (const [task, config] of configs.entries()) await this.send(`task-${name}-${task}`, { properties: config });
    await this.send(`commit-${name}`, { tasks: configs.length });
  }

  async putTargetState(name: string, state: TargetState): Promise<void> {
    // `state` is what workers older than KIP-875 read: they know no STOPPED.
    await this.send(`target-state-${name}`, { state: state === 'STOPPED' ? 'PAUSED' : state, 'state.v2': state });
  }

  async requestRestart(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<void> {
    await this.send(`restart-connector-${name}`, { 'include-tasks': includeTasks, 'only-failed': onlyFailed });
  }

  private async send(key: string, value: Record<string, unknown> | null): Promise<void> {
    if (!this.log) throw new Error('the config store is not attached to its topic');
    await this.log.send(key, value === null ? null : JSON.stringify(value), 0);
  }
}

function properties(value: Record<string, unknown>): ConfigMap {
  const properties = value.properties;
  if (typeof properties !== 'object' || properties === null) return {};
  return Object.fromEntries(Object.entries(properties).map(([name, entry]) => [name, String(entry)]));
}
