// Source offsets of a distributed worker in the offsets topic
// (`offset.storage.topic`, Kafka's KafkaOffsetBackingStore), shared by every
// worker of the cluster so that a task that moves resumes where it was.
//
// Owns: Kafka Connect's record format — key `["<connector>",{<source
// partition>}]`, value the offset as a JSON object (whole numbers as JSON
// numbers, as Kafka's connectors write them: connectJson), a tombstone for a reset
// partition — the snapshot read from the topic, and the offsets set since
// the last flush (visible at once to this worker, written at flush); for an
// exactly-once source task, the records that carry its offsets inside its
// own transaction (visible to this worker once the transaction committed).
// Must never: write an offset its task has not handed over as acknowledged
// (the source task decides), or keep a reset partition's old offset.

import type { KafkaBasedLog, LogRecord } from './kafka-based-log.ts';
import type { OutgoingRecord } from '../kafka/ports.ts';
import { connectJson, offsetKey, textMap, type StoredOffset, type StringMap, type TransactionalOffsetStore } from './offset-store.ts';

interface Entry {
  connector: string;
  partition: StringMap;
  offset: StringMap | null;
}

export class KafkaOffsetStore implements TransactionalOffsetStore {
  private readonly stored = new Map<string, Entry>();
  private readonly pending = new Map<string, Entry>();
  private log: KafkaBasedLog | undefined;

  get description(): string {
    return `the offsets topic ${this.log?.topic ?? ''}`;
  }

  /** Attaches the log this store reads and writes (its records come through `apply`). */
  attach(log: KafkaBasedLog): void {
    this.log = log;
  }

  /** One record of the offsets topic. */
  apply(record: LogRecord): void {
    if (record.key === null) return;
    const key = JSON.parse(record.key) as unknown;
    if (!Array.isArray(key) || typeof key[0] !== 'string' || typeof key[1] !== 'object' || key[1] === null) return;
    const partition = textMap(key[1] as Record<string, unknown>);
    const canonical = offsetKey(key[0], partition);
    if (record.value === null) {
      this.stored.delete(canonical);
      return;
    }
    const value = JSON.parse(record.value.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    this.stored.set(canonical, { connector: key[0], partition, offset: textMap(value as Record<string, unknown>) });
  }

  offsetsOf(connector: string): StoredOffset[] {
    const merged = new Map(this.stored);
    for (const [key, entry] of this.pending) merged.set(key, entry);
    return [...merged.values()].flatMap((entry) => (entry.connector === connector && entry.offset !== null ? [{ sourcePartition: entry.partition, sourceOffset: entry.offset }] : []));
  }

  set(connector: string, partition: StringMap, offset: StringMap): void {
    this.pending.set(offsetKey(connector, partition), { connector, partition, offset });
  }

  delete(connector: string, partition: StringMap): void {
    this.pending.set(offsetKey(connector, partition), { connector, partition, offset: null });
  }

  offsetRecords(connector: string, offsets: StoredOffset[]): OutgoingRecord[] {
    const topic = this.log?.topic;
    if (topic === undefined) throw new Error('the offsets topic is not attached');
    return offsets.map(({ sourcePartition, sourceOffset }) => ({
      topic,
      // No partition: the default partitioner places it by key, as Kafka's offsets writer and this store's own flush do.
      record: { key: Buffer.from(offsetKey(connector, sourcePartition)), value: Buffer.from(JSON.stringify(connectJson(sourceOffset))), timestamp: Date.now(), headers: [] },
    }));
  }

  committed(connector: string, offsets: StoredOffset[]): void {
    for (const { sourcePartition, sourceOffset } of offsets) {
      const key = offsetKey(connector, sourcePartition);
      this.pending.delete(key);
      this.stored.set(key, { connector, partition: sourcePartition, offset: sourceOffset });
    }
  }

  async readToEnd(): Promise<void> {
    if (!this.log) throw new Error('the offsets topic is not attached');
    await this.log.readToEnd();
  }

  async flush(): Promise<void> {
    const log = this.log;
    if (!log || this.pending.size === 0) return;
    const entries = [...this.pending];
    for (const [key, entry] of entries) {
      await log.send(key, entry.offset === null ? null : JSON.stringify(connectJson(entry.offset)));
      // Written: the snapshot holds it now (unless a newer one is pending).
      if (this.pending.get(key) === entry) this.pending.delete(key);
      if (entry.offset === null) this.stored.delete(key);
      else this.stored.set(key, entry);
    }
  }
}

