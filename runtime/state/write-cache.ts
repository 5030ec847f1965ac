// The write cache of a store (key-value and window stores): reads and writes
// between flushes stay in memory, so a key (or window) updated many times
// between commits is written to SQLite — and to its changelog — once, with
// its latest value.
//
// Owns: the cached entries by id, which of them are dirty (written since the
// last flush) and how many, and the bound: when full, the store flushes and
// the cache empties before a new entry is added.
// Must never: touch SQLite or the changelog (the store writes the dirty
// entries it is handed), or forget a dirty entry except on discard.

/** What every cached entry carries: written since the last flush. */
export interface CachedEntry {
  dirty: boolean;
}

export class WriteCache<Entry extends CachedEntry> {
  private readonly entries = new Map<string, Entry>();
  private dirtyCount = 0;

  constructor(
    private readonly maxEntries: number,
    /** Writes the store's dirty entries (through `flush`); called when the cache is full. */
    private readonly flushStore: () => void,
  ) {}

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  /** Marks a cached entry written (the caller has changed its value). */
  written(entry: Entry): void {
    if (entry.dirty) return;
    entry.dirty = true;
    this.dirtyCount++;
  }

  /** Caches a new entry: dirty for a write, clean for a read. A full cache is flushed and emptied first. */
  add(id: string, entry: Entry): void {
    if (this.entries.size >= this.maxEntries) {
      this.flushStore();
      this.entries.clear();
    }
    this.entries.set(id, entry);
    if (entry.dirty) this.dirtyCount++;
  }

  /** Hands every dirty entry to `write`, marked clean, in the order they were first cached. */
  flush(write: (entry: Entry) => void): void {
    if (this.dirtyCount === 0) return;
    for (const entry of this.entries.values()) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      write(entry);
    }
    this.dirtyCount = 0;
  }

  /** Number of dirty entries. */
  get pending(): number {
    return this.dirtyCount;
  }

  get size(): number {
    return this.entries.size;
  }

  delete(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    if (entry.dirty) this.dirtyCount--;
    this.entries.delete(id);
  }

  /** Every cached entry with its id (entries may be deleted while iterating). */
  all(): IterableIterator<[string, Entry]> {
    return this.entries.entries();
  }

  /** Drops every entry, written or not (a rollback). */
  discard(): void {
    this.entries.clear();
    this.dirtyCount = 0;
  }
}
