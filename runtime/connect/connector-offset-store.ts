// The source offsets of a connector with its own offsets topic
// (`offsets.storage.topic`, KIP-618; Kafka's ConnectorOffsetBackingStore
// with a connector store and the worker's): the connector's topic is the
// primary store, the worker's offsets topic the secondary.
//
// Owns: reading — the connector's topic first, the worker's for source
// partitions the connector's has no offset for (a connector that gets its
// own topic keeps the offsets it had) — and writing in Kafka's order
// (KAFKA-15018): reset partitions (tombstones) to the worker's topic first,
// then every change to the connector's topic, then the other offsets to the
// worker's topic, best effort (a failure there is logged, not raised).
// Exactly once, the offsets go to the connector's topic in the task's
// transaction, and to the worker's topic after it commits.
// Must never: write to the worker's topic before the connector's topic has
// what a task handed over (tombstones apart), or stop or flush the worker's
// store for its other connectors (the worker does).

import type { OutgoingRecord } from '../kafka/ports.ts';
import type { KafkaOffsetStore } from './kafka-offset-store.ts';
import { offsetKey, type StoredOffset, type StringMap, type TransactionalOffsetStore } from './offset-store.ts';

export class ConnectorOffsetStore implements TransactionalOffsetStore {
  /** Changes since the last flush, to repeat on the worker's topic: a reset partition is `null`. */
  private readonly pending = new Map<string, { connector: string; partition: StringMap; offset: StringMap | null }>();

  constructor(
    readonly topic: string,
    private readonly primary: KafkaOffsetStore,
    private readonly secondary: KafkaOffsetStore,
    private readonly warn: (message: string) => void,
  ) {}

  get description(): string {
    return `${this.primary.description} (then ${this.secondary.description})`;
  }

  offsetsOf(connector: string): StoredOffset[] {
    const merged = new Map<string, StoredOffset>();
    for (const stored of this.secondary.offsetsOf(connector)) merged.set(offsetKey(connector, stored.sourcePartition), stored);
    for (const stored of this.primary.offsetsOf(connector)) merged.set(offsetKey(connector, stored.sourcePartition), stored);
    return [...merged.values()];
  }

  set(connector: string, partition: StringMap, offset: StringMap): void {
    this.primary.set(connector, partition, offset);
    this.pending.set(offsetKey(connector, partition), { connector, partition, offset });
  }

  delete(connector: string, partition: StringMap): void {
    this.primary.delete(connector, partition);
    this.pending.set(offsetKey(connector, partition), { connector, partition, offset: null });
  }

  async flush(): Promise<void> {
    const changes = [...this.pending.values()];
    this.pending.clear();
    try {
      // A reset must not come back from the worker's topic: tombstones go there first, and a failure is the flush's.
      const resets = changes.filter((change) => change.offset === null);
      if (resets.length > 0) {
        for (const { connector, partition } of resets) this.secondary.delete(connector, partition);
        await this.secondary.flush();
      }
      await this.primary.flush();
    } catch (error) {
      for (const change of changes) this.pending.set(offsetKey(change.connector, change.partition), change);
      throw error;
    }
    // Best effort, as Kafka's: the worker's next flush of its topic writes them.
    for (const { connector, partition, offset } of changes) if (offset !== null) this.secondary.set(connector, partition, offset);
  }

  offsetRecords(connector: string, offsets: StoredOffset[]): OutgoingRecord[] {
    return this.primary.offsetRecords(connector, offsets);
  }

  committed(connector: string, offsets: StoredOffset[]): void {
    this.primary.committed(connector, offsets);
    for (const { sourcePartition, sourceOffset } of offsets) this.secondary.set(connector, sourcePartition, sourceOffset);
  }

  async readToEnd(): Promise<void> {
    await this.primary.readToEnd();
    await this.secondary.readToEnd().catch((error: unknown) => this.warn(`cannot read ${this.secondary.description}: ${(error as Error).message}`));
  }
}
