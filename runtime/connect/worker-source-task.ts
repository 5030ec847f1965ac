// One source task on Kafka (Kafka Connect's WorkerSourceTask): polls its
// plugin, converts what it returns, produces it, and records the source
// offsets once Kafka has acknowledged the records.
//
// Owns: the poll loop (waiting a little when a poll returns nothing — the
// plugin never blocks), converting keys and values with the connector's
// converters, creating a missing target topic (one partition, as a broker's
// auto-creation would), sending through the shared record collector and the
// at-least-once commit protocol, handing acknowledged offsets to the offset
// store, and the task's state (RUNNING, FAILED with its error, STOPPED).
// Must never: record an offset before its record is acknowledged, or let a
// failure of its plugin stop another task.

import type { KafkaAdmin, OutgoingRecord, Producer } from '../kafka/ports.ts';
import { AtLeastOnceCommit } from '../task/commit-protocol.ts';
import { RecordCollector } from '../task/record-collector.ts';
import type { Config, SourceTaskInstance } from '../plugin/plugin-connector.ts';
import type { Converter } from './converter.ts';
import type { FileOffsetStore } from './offset-store.ts';
import { TaskState, type TaskLog } from './task-state.ts';

export interface SourceTaskOptions {
  connector: string;
  task: number;
  instance: SourceTaskInstance;
  config: Config;
  keyConverter: Converter;
  valueConverter: Converter;
  producer: Producer;
  admin: KafkaAdmin;
  offsets: FileOffsetStore;
  /** How long to wait after a poll that returned nothing. */
  idleMs: number;
  log: TaskLog;
}

export class WorkerSourceTask {
  readonly state: TaskState;
  private stopping = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly collector = new RecordCollector();
  private readonly protocol: AtLeastOnceCommit;
  private readonly knownTopics = new Set<string>();
  /** Records produced since the task started. */
  produced = 0;

  constructor(private readonly options: SourceTaskOptions) {
    this.state = new TaskState(options.connector, options.task, options.log);
    // Source tasks commit no consumer offsets: their offsets go to the offset store.
    this.protocol = new AtLeastOnceCommit(options.producer, async () => undefined);
  }

  start(): void {
    this.loop = this.run().catch((error: unknown) => this.state.fail(error));
  }

  private async run(): Promise<void> {
    const { instance, connector, offsets } = this.options;
    instance.start(this.options.config, offsets.offsetsOf(connector));
    this.state.running();
    while (!this.stopping) {
      const records = instance.poll();
      if (records.length === 0) {
        await this.idle();
        continue;
      }
      await this.ensureTopics(records.map((record) => record.topic));
      for (const record of records) this.collector.add(this.outgoing(record));
      await this.collector.flush((batch) => this.protocol.send(batch));
      // Acknowledged: now their offsets may be stored.
      await this.protocol.commit([], () => {
        for (const record of records) offsets.set(connector, record.sourcePartition, record.sourceOffset);
      });
      this.produced += records.length;
    }
  }

  private outgoing(record: ReturnType<SourceTaskInstance['poll']>[number]): OutgoingRecord {
    const { keyConverter, valueConverter } = this.options;
    return {
      topic: record.topic,
      ...(record.partition === undefined ? {} : { partition: record.partition }),
      record: {
        key: keyConverter.fromConnectData(record.topic, record.key),
        value: valueConverter.fromConnectData(record.topic, record.value),
        timestamp: record.timestamp === undefined ? Date.now() : Number(record.timestamp),
        headers: [],
      },
    };
  }

  private async ensureTopics(topics: string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((topic) => !this.knownTopics.has(topic));
    if (missing.length === 0) return;
    const counts = await this.options.admin.partitionCounts(missing);
    const absent = missing.filter((topic) => counts.get(topic) === undefined);
    if (absent.length > 0) {
      this.options.log('info', `${this.state.id}`, `creating topic(s) ${absent.join(', ')} with one partition`);
      await this.options.admin.ensureTopics(absent.map((topic) => ({ topic, partitions: 1 })));
    }
    for (const topic of missing) this.knownTopics.add(topic);
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.idleMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops polling, lets the records in flight be acknowledged, stops the plugin. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    try {
      this.options.instance.stop();
    } catch (error) {
      this.options.log('warn', this.state.id, `stop failed: ${(error as Error).message}`);
    }
    await this.protocol.close();
    this.state.stopped();
  }
}
