// The record collector of a task (Kafka Streams' RecordCollector): what a
// task's processing produced — sink records and changelog records — waiting to
// be sent, sent in order through whatever the commit protocol gives it.
//
// Owns: the pending records in production order, sending them in chunks a
// broker accepts (a produce request carries one batch per partition and a
// batch over message.max.bytes, 1 MiB by default, is refused), and the next
// changelog offset of each store after what it sent (the checkpoint the
// store's state is committed with).
// Must never: reorder records, drop one, or report a changelog offset for
// records not acknowledged.

import { EddyError } from '../errors.ts';
import type { OutgoingRecord, ProducedBatch } from '../kafka/ports.ts';

export type Send = (records: OutgoingRecord[]) => Promise<ProducedBatch[]>;

interface Pending {
  outgoing: OutgoingRecord;
  /** Set for changelog records: the store they belong to. */
  store?: string;
}

const maxChunkBytes = 512 * 1024;

function estimatedSize({ record }: OutgoingRecord): number {
  let size = 24 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers) size += header.key.length + 8 + header.value.length;
  return size;
}

export class RecordCollector {
  private pending: Pending[] = [];
  private readonly changelogOffsets = new Map<string, number>();

  get size(): number {
    return this.pending.length;
  }

  /** Queues a sink (or repartition, or dead-letter) record. */
  add(outgoing: OutgoingRecord): void {
    this.pending.push({ outgoing });
  }

  /** Queues a change of `store` for its changelog topic (partition = the task's). */
  addChangelog(store: string, outgoing: OutgoingRecord): void {
    this.pending.push({ outgoing, store });
  }

  /** Sends everything pending, in order, through `send`. */
  async flush(send: Send): Promise<void> {
    if (this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    // A chunk ends before the record that would take it past the limit, so a
    // record of up to ~1 MiB goes alone rather than tipping a chunk over.
    let start = 0;
    let bytes = 0;
    for (let index = 0; index < records.length; index++) {
      const size = estimatedSize(records[index]!.outgoing);
      if (bytes > 0 && bytes + size > maxChunkBytes) {
        await this.sendChunk(send, records.slice(start, index));
        start = index;
        bytes = 0;
      }
      bytes += size;
    }
    if (start < records.length) await this.sendChunk(send, start === 0 ? records : records.slice(start));
  }

  /** The next changelog offset of every store written through this collector. */
  checkpoints(): Map<string, number> {
    return new Map(this.changelogOffsets);
  }

  /** Forgets what is pending (the task rolls back). */
  clear(): void {
    this.pending = [];
  }

  private async sendChunk(send: Send, records: Pending[]): Promise<void> {
    const changelogCounts = new Map<string, { topic: string; partition: number; count: number }>();
    for (const { outgoing, store } of records) {
      if (store === undefined) continue;
      const entry = changelogCounts.get(store) ?? { topic: outgoing.topic, partition: outgoing.partition ?? -1, count: 0 };
      entry.count++;
      changelogCounts.set(store, entry);
    }
    const produced = await send(records.map((record) => record.outgoing));
    for (const [store, { topic, partition, count }] of changelogCounts) {
      const batch = produced.find((entry) => entry.topic === topic && entry.partition === partition);
      if (batch === undefined) throw new EddyError(`no offset returned for changelog ${topic}-${partition}`);
      this.changelogOffsets.set(store, batch.baseOffset + count);
    }
  }
}
