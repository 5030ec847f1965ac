// A key-value store kept in a table of its task's SQLite database, behind a
// write cache.
//
// Owns: the table `kv_<name>`, what its write cache (write-cache.ts) holds
// — a key's latest value, written to SQLite and logged once per flush —,
// and cursors that page through SQLite in key order.
// Must never: commit or roll back (the TaskDatabase owns the transaction), or
// hand out a view of cached bytes that a later write could change.

import type Database from 'better-sqlite3';
import { asBuffer } from '../bytes.ts';
import type { KeyValueCursor, KeyValueEntry, KeyValueStore } from './key-value-store.ts';
import { prefixUpperBound } from './key-value-store.ts';
import { BatchedUpsert } from './batched-upsert.ts';
import { WriteCache, type CachedEntry } from './write-cache.ts';

/** A change as written to SQLite; `value: undefined` is a delete. */
export interface StoreChange {
  store: string;
  key: Uint8Array;
  value: Uint8Array | undefined;
}

interface CacheEntry extends CachedEntry {
  key: Uint8Array;
  /** undefined: the key is absent (deleted, or known not to exist). */
  value: Uint8Array | undefined;
}

const defaultCacheMaxEntries = 100_000;

type Row = { key: Buffer; value: Buffer };

export class SqliteKeyValueStore implements KeyValueStore {
  private readonly cache: WriteCache<CacheEntry>;
  /** The key object of the last get and its cache id (keys are never changed in place once handed to a store). */
  private lastRead: Uint8Array | undefined;
  private lastReadId = '';
  private readonly onChange: ((change: StoreChange) => void) | undefined;
  private readonly selectOne: Database.Statement<[Buffer], { value: Buffer }>;
  private readonly upsert: Database.Statement<[Buffer, Buffer]>;
  private readonly remove: Database.Statement<[Buffer]>;
  private readonly countAll: Database.Statement<[], { n: number }>;
  private readonly clearAll: Database.Statement<[]>;
  private readonly pageFrom: Database.Statement<[Buffer, number], Row>;
  private readonly pageAfter: Database.Statement<[Buffer, number], Row>;
  private readonly table: string;
  private restoreRun: BatchedUpsert | undefined;

  constructor(
    readonly name: string,
    private readonly database: Database.Database,
    private readonly beginTransaction: () => void,
    options: { cacheMaxEntries?: number; onChange?: (change: StoreChange) => void } = {},
  ) {
    this.cache = new WriteCache(options.cacheMaxEntries ?? defaultCacheMaxEntries, () => this.flush());
    this.onChange = options.onChange;
    const table = `"kv_${name}"`;
    this.table = table;
    database.exec(`CREATE TABLE IF NOT EXISTS ${table} (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID`);
    this.selectOne = database.prepare(`SELECT value FROM ${table} WHERE key = ?`);
    this.upsert = database.prepare(`INSERT OR REPLACE INTO ${table} (key, value) VALUES (?, ?)`);
    this.remove = database.prepare(`DELETE FROM ${table} WHERE key = ?`);
    this.countAll = database.prepare(`SELECT count(*) AS n FROM ${table}`);
    this.clearAll = database.prepare(`DELETE FROM ${table}`);
    this.pageFrom = database.prepare(`SELECT key, value FROM ${table} WHERE key >= ? ORDER BY key LIMIT ?`);
    this.pageAfter = database.prepare(`SELECT key, value FROM ${table} WHERE key > ? ORDER BY key LIMIT ?`);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const id = cacheKey(key);
    // A read-modify-write (an aggregation) puts the same key object next: its id is not computed twice.
    this.lastRead = key;
    this.lastReadId = id;
    const cached = this.cache.get(id);
    if (cached) return cached.value;
    const value = this.selectOne.get(asBuffer(key))?.value;
    this.cache.add(id, { key, value, dirty: false });
    return value;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.write(key, value);
  }

  delete(key: Uint8Array): Uint8Array | undefined {
    const old = this.get(key);
    if (old !== undefined) this.write(key, undefined);
    return old;
  }

  range(lower: Uint8Array | undefined, upper: Uint8Array | undefined): KeyValueCursor {
    return this.cursor(lower, upper, true);
  }

  prefixScan(prefix: Uint8Array): KeyValueCursor {
    return this.cursor(prefix, prefixUpperBound(prefix), false);
  }

  approximateNumEntries(): number {
    this.flush();
    return this.countAll.get()!.n;
  }

  /** Writes dirty cache entries to SQLite (in the task's open transaction). */
  flush(): void {
    if (this.cache.pending === 0) return;
    this.beginTransaction();
    this.cache.flush((entry) => {
      if (entry.value === undefined) this.remove.run(asBuffer(entry.key));
      else this.upsert.run(asBuffer(entry.key), asBuffer(entry.value));
      this.onChange?.({ store: this.name, key: entry.key, value: entry.value });
    });
  }

  /** Writes changes straight to SQLite, dropping cached copies of those keys. */
  applyChanges(changes: Array<{ key: Uint8Array; value: Uint8Array | undefined }>): void {
    // Runs of puts in multi-row statements (batched-upsert.ts); a delete ends a run, so order is kept.
    const run = (this.restoreRun ??= new BatchedUpsert(this.database, this.table, ['key', 'value'], this.upsert as Database.Statement<Array<Buffer | number>>));
    for (const change of changes) {
      if (this.cache.size > 0) this.cache.delete(cacheKey(change.key));
      if (change.value === undefined) {
        run.flush();
        this.remove.run(asBuffer(change.key));
      } else {
        run.add(asBuffer(change.key), asBuffer(change.value));
      }
    }
    run.flush();
  }

  /** Deletes every entry. */
  clear(): void {
    this.discardCache();
    this.clearAll.run();
  }

  /** Drops every cached entry, written or not (used on rollback). */
  discardCache(): void {
    this.cache.discard();
  }

  /** Number of changes not yet written to SQLite. */
  get pendingChanges(): number {
    return this.cache.pending;
  }

  private write(key: Uint8Array, value: Uint8Array | undefined): void {
    const id = key === this.lastRead ? this.lastReadId : cacheKey(key);
    this.lastRead = undefined;
    const cached = this.cache.get(id);
    if (cached) {
      cached.value = value;
      this.cache.written(cached);
      return;
    }
    this.cache.add(id, { key, value, dirty: true });
  }

  private cursor(lower: Uint8Array | undefined, upper: Uint8Array | undefined, upperInclusive: boolean): KeyValueCursor {
    let last: Buffer | undefined;
    let done = false;
    return {
      next: (max: number): KeyValueEntry[] => {
        if (done || max <= 0) return [];
        // Pending writes must be visible to the scan.
        this.flush();
        const rows = last
          ? this.pageAfter.all(last, max)
          : this.pageFrom.all(lower ? asBuffer(lower) : Buffer.alloc(0), max);
        const out: KeyValueEntry[] = [];
        for (const row of rows) {
          if (upper) {
            const order = Buffer.compare(row.key, asBuffer(upper));
            if (order > 0 || (order === 0 && !upperInclusive)) {
              done = true;
              break;
            }
          }
          out.push({ key: row.key, value: row.value });
        }
        if (rows.length < max) done = true;
        if (rows.length > 0) last = rows[rows.length - 1]!.key;
        return out;
      },
    };
  }
}

function cacheKey(key: Uint8Array): string {
  return asBuffer(key).toString('latin1');
}
