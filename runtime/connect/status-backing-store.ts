// Connector and task statuses of a distributed cluster in the status topic
// (`status.storage.topic`, Kafka's KafkaStatusBackingStore), so that any
// worker answers for every connector, and the active topics of each
// connector (KIP-558).
//
// Owns: Kafka Connect's record format — `status-connector-<name>` and
// `status-task-<name>-<n>` → {"state","trace","worker_id","generation",
// "version"}, `status-topic-<topic>:connector-<name>` → {"topic":{"name",
// "connector","task","discoverTimestamp"}} — and the snapshot they build.
// Must never: decide a state (the worker running a connector or task
// reports it).

import type { ConnectState } from './herder.ts';
import type { KafkaBasedLog, LogRecord } from './kafka-based-log.ts';

export interface StatusEntry {
  state: ConnectState;
  trace: string | null;
  worker_id: string;
  generation: number;
  version: string | null;
}

export class StatusBackingStore {
  readonly connectors = new Map<string, StatusEntry>();
  /** `<name>-<n>` → status. */
  readonly tasks = new Map<string, StatusEntry>();
  readonly topics = new Map<string, Set<string>>();
  private log: KafkaBasedLog | undefined;

  attach(log: KafkaBasedLog): void {
    this.log = log;
  }

  apply(record: LogRecord): void {
    const key = record.key ?? '';
    const value = record.value === null ? null : (JSON.parse(record.value.toString('utf8')) as Record<string, unknown>);
    let match: RegExpExecArray | null;
    if (key.startsWith('status-connector-')) {
      const name = key.slice('status-connector-'.length);
      if (value === null) this.connectors.delete(name);
      else this.connectors.set(name, entryOf(value));
    } else if (key.startsWith('status-task-')) {
      const id = key.slice('status-task-'.length);
      if (value === null) this.tasks.delete(id);
      else this.tasks.set(id, entryOf(value));
    } else if ((match = /^status-topic-(.*):connector-(.*)$/.exec(key))) {
      const [, topic, connector] = match as unknown as [string, string, string];
      const topics = this.topics.get(connector) ?? new Set<string>();
      if (value === null) topics.delete(topic);
      else topics.add(topic);
      this.topics.set(connector, topics);
    }
  }

  taskStatus(connector: string, task: number): StatusEntry | undefined {
    return this.tasks.get(`${connector}-${task}`);
  }

  async putConnector(name: string, entry: StatusEntry): Promise<void> {
    this.connectors.set(name, entry);
    await this.send(`status-connector-${name}`, entry);
  }

  async putTask(connector: string, task: number, entry: StatusEntry): Promise<void> {
    this.tasks.set(`${connector}-${task}`, entry);
    await this.send(`status-task-${connector}-${task}`, entry);
  }

  async deleteTask(connector: string, task: number): Promise<void> {
    this.tasks.delete(`${connector}-${task}`);
    await this.send(`status-task-${connector}-${task}`, null);
  }

  async deleteConnector(name: string, tasks: number): Promise<void> {
    this.connectors.delete(name);
    await this.send(`status-connector-${name}`, null);
    for (let task = 0; task < tasks; task++) await this.deleteTask(name, task);
  }

  async putTopic(connector: string, task: number, topic: string): Promise<void> {
    const topics = this.topics.get(connector) ?? new Set<string>();
    if (topics.has(topic)) return;
    topics.add(topic);
    this.topics.set(connector, topics);
    await this.send(`status-topic-${topic}:connector-${connector}`, { topic: { name: topic, connector, task: task, discoverTimestamp: Date.now() } });
  }

  async resetTopics(connector: string): Promise<void> {
    const topics = [...(this.topics.get(connector) ?? [])];
    this.topics.delete(connector);
    for (const topic of topics) await this.send(`status-topic-${topic}:connector-${connector}`, null);
  }

  private async send(key: string, value: object | null): Promise<void> {
    if (!this.log) throw new Error('the status store is not attached to its topic');
    await this.log.send(key, value === null ? null : JSON.stringify(value));
  }
}

function entryOf(value: Record<string, unknown>): StatusEntry {
  return {
    state: String(value.state ?? 'UNASSIGNED') as ConnectState,
    trace: typeof value.trace === 'string' ? value.trace : null,
    worker_id: String(value.worker_id ?? ''),
    generation: Number(value.generation ?? 0),
    version: typeof value.version === 'string' ? value.version : null,
  };
}
