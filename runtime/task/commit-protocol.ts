// How a task makes its work durable: one class per processing guarantee
// (Kafka Streams' processing.guarantee), shared by every kind of task that
// reads from and writes to Kafka.
//
//   AtLeastOnceCommit:  records sent (acked) → local state committed with the
//                       changelog checkpoints → input offsets committed to
//                       the group. A crash in between repeats work, never
//                       loses it.
//   ExactlyOnceCommit:  records, changelog records and input offsets in one
//                       Kafka transaction of a transactional producer (its id
//                       fences the task's previous owner when it opens) →
//                       transaction committed → local state committed. A crash
//                       in between leaves the local state behind the
//                       changelog, which a restore catches up.
// Must never: commit input offsets before the records they produced are
// acknowledged, or commit local state of a transaction that did not commit.

import type { GroupMetadata, KafkaConnection, OutgoingRecord, Producer, ProducedBatch, TopicPartitionOffset, TransactionalProducer } from '../kafka/ports.ts';

export interface CommitProtocol {
  /** Sends records as part of the current unit of work. */
  send(records: OutgoingRecord[]): Promise<ProducedBatch[]>;
  /**
   * Makes the unit of work durable: the records sent, the input `offsets`,
   * and the local state (`commitState`, called at the point the guarantee
   * requires).
   */
  commit(offsets: TopicPartitionOffset[], commitState: () => void): Promise<void>;
  /** Abandons the unit of work (exactly-once: aborts the transaction). */
  abort(): Promise<void>;
  /** Releases what the protocol owns. */
  close(): Promise<void>;
}

export class AtLeastOnceCommit implements CommitProtocol {
  constructor(
    private readonly producer: Producer,
    private readonly commitOffsets: (offsets: TopicPartitionOffset[]) => Promise<void>,
  ) {}

  send(records: OutgoingRecord[]): Promise<ProducedBatch[]> {
    return this.producer.send(records);
  }

  async commit(offsets: TopicPartitionOffset[], commitState: () => void): Promise<void> {
    commitState();
    if (offsets.length > 0) await this.commitOffsets(offsets);
  }

  async abort(): Promise<void> {}

  async close(): Promise<void> {}
}

export class ExactlyOnceCommit implements CommitProtocol {
  private constructor(
    private readonly producer: TransactionalProducer,
    private readonly group: () => GroupMetadata,
  ) {}

  /**
   * Opens the task's transactional producer. This fences the previous owner
   * and settles its open transaction, so the changelogs and committed offsets
   * read after it are final.
   */
  static async open(connection: KafkaConnection, transactionalId: string, group: () => GroupMetadata, transactionTimeoutMs: number): Promise<ExactlyOnceCommit> {
    return new ExactlyOnceCommit(await connection.transactionalProducer(transactionalId, { transactionTimeoutMs }), group);
  }

  send(records: OutgoingRecord[]): Promise<ProducedBatch[]> {
    return this.producer.send(records);
  }

  async commit(offsets: TopicPartitionOffset[], commitState: () => void): Promise<void> {
    await this.producer.sendOffsets(this.group(), offsets);
    await this.producer.commit();
    commitState();
  }

  abort(): Promise<void> {
    return this.producer.abort();
  }

  async close(): Promise<void> {
    await this.producer.abort();
    await this.producer.disconnect().catch(() => undefined);
  }
}
