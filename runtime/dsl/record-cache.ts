// The record cache of a DSL operator (Kafka Streams' caching layer over a
// materialized store, statestore.cache.max.bytes): updates of the same key
// are held and only the latest goes downstream, at the next commit or when
// the task's cache is full — so downstream sees fewer records.
//
// Owns: holding one operator's updates (keyed by key bytes, least recently
// updated first; a later update of a key replaces the held one but keeps the
// old value from before the first, as the store had it at the last flush),
// counting their bytes against the task's budget, evicting the oldest when
// the budget is exceeded, and forwarding everything on flush. With a budget
// of 0 every update is forwarded at once.
// Must never: drop an update (held ones always reach downstream, in order),
// or delay writes to the store (stores stay current; only forwarding waits).

import type { ProcessorContext } from '../processor/processor.ts';
import type { ChangeRecord } from './change.ts';

interface Held {
  record: ChangeRecord;
  /** Whether the store had a value for the key before the first held update (a delete of nothing is not forwarded). */
  storedBefore: boolean;
  bytes: number;
}

/** Rough size of a held update: key, values, headers, plus per-entry overhead (as Kafka Streams' LRUCacheEntry). */
function sizeOf(record: ChangeRecord): number {
  let bytes = 64 + (record.key?.length ?? 0) + (record.value?.length ?? 0) + (record.oldValue?.length ?? 0);
  for (const header of record.headers) bytes += header.key.length + header.value.length;
  return bytes;
}

export class RecordCache {
  private readonly held = new Map<string, Held>();

  constructor(private readonly context: ProcessorContext) {}

  /**
   * Forwards `record` now (no cache) or holds it until the next flush or
   * eviction. `storedBefore`: the store had a value for the key before this
   * update (as Kafka Streams' caching stores, a held delete of a key that had
   * none is not forwarded).
   */
  update(record: ChangeRecord, storedBefore: boolean): void {
    const budget = this.context.cache;
    if (budget.maxBytes <= 0 || record.key === undefined) {
      this.context.forward(record);
      return;
    }
    const id = Buffer.from(record.key.buffer, record.key.byteOffset, record.key.byteLength).toString('latin1');
    const earlier = this.held.get(id);
    let held = record;
    let before = storedBefore;
    if (earlier) {
      this.held.delete(id);
      budget.usedBytes -= earlier.bytes;
      held = { ...record, oldValue: earlier.record.oldValue };
      before = earlier.storedBefore;
    }
    const bytes = sizeOf(held);
    this.held.set(id, { record: held, storedBefore: before, bytes });
    budget.usedBytes += bytes;
    while (budget.usedBytes > budget.maxBytes && this.held.size > 0) this.evictOldest();
  }

  /** Forwards every held update, least recently updated first. */
  flush(): void {
    while (this.held.size > 0) this.evictOldest();
  }

  private evictOldest(): void {
    const [id, entry] = this.held.entries().next().value as [string, Held];
    this.held.delete(id);
    this.context.cache.usedBytes -= entry.bytes;
    if (entry.record.value === undefined && !entry.storedBefore) return;
    this.context.forward(entry.record);
  }
}
