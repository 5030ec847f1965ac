// Reading an instance's global stores (Kafka Streams' GlobalKTable state)
// from a task: a read-only SQLite connection to the global state database,
// which the instance's global-store updater writes (another connection, maybe
// another thread). Reads see what the updater last committed.
//
// Owns: the read-only connection and one read-only KeyValueStore per global
// store, over its `kv_<name>` table.
// Must never: write — a processor that tries gets an error naming the store.

import '../supported-node.js'; // before the SQLite binding: it crashes an unsupported Node
import Database from 'better-sqlite3';
import { StateStoreError, messageOf } from '../errors.ts';
import { prefixUpperBound, type KeyValueCursor, type KeyValueEntry, type KeyValueStore } from './key-value-store.ts';

type Row = { key: Buffer; value: Buffer };

export class GlobalStoreReader {
  private database: Database.Database | undefined;
  private readonly stores = new Map<string, KeyValueStore>();

  constructor(private readonly path: string) {}

  /** The global store `name`, read-only. */
  store(name: string): KeyValueStore {
    const existing = this.stores.get(name);
    if (existing) return existing;
    const store = new ReadOnlyStore(name, this.connection());
    this.stores.set(name, store);
    return store;
  }

  close(): void {
    this.database?.close();
    this.database = undefined;
    this.stores.clear();
  }

  private connection(): Database.Database {
    if (!this.database) {
      try {
        this.database = new Database(this.path, { readonly: true, fileMustExist: true });
      } catch (error) {
        throw new StateStoreError(`cannot open the global state database: ${messageOf(error)}`, { file: this.path }, { cause: error });
      }
    }
    return this.database;
  }
}

class ReadOnlyStore implements KeyValueStore {
  private readonly selectOne: Database.Statement<[Buffer], { value: Buffer }>;
  private readonly countAll: Database.Statement<[], { n: number }>;
  private readonly pageFrom: Database.Statement<[Buffer, Buffer | null, number], Row>;
  private readonly pageAfter: Database.Statement<[Buffer, Buffer | null, number], Row>;

  constructor(readonly name: string, database: Database.Database) {
    const table = `"kv_${name}"`;
    try {
      this.selectOne = database.prepare(`SELECT value FROM ${table} WHERE key = ?`);
      this.countAll = database.prepare(`SELECT count(*) AS n FROM ${table}`);
      this.pageFrom = database.prepare(`SELECT key, value FROM ${table} WHERE key >= ?1 AND (?2 IS NULL OR key <= ?2) ORDER BY key LIMIT ?3`);
      this.pageAfter = database.prepare(`SELECT key, value FROM ${table} WHERE key > ?1 AND (?2 IS NULL OR key <= ?2) ORDER BY key LIMIT ?3`);
    } catch (error) {
      throw new StateStoreError(`global store '${name}' is not in the global state (has its topic been read?): ${messageOf(error)}`, {}, { cause: error });
    }
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const row = this.selectOne.get(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
    return row ? new Uint8Array(row.value) : undefined;
  }

  put(): void {
    throw new StateStoreError(`global store '${this.name}' is read-only here: only its global table updates it`);
  }

  delete(): Uint8Array | undefined {
    throw new StateStoreError(`global store '${this.name}' is read-only here: only its global table updates it`);
  }

  range(lower: Uint8Array | undefined, upper: Uint8Array | undefined): KeyValueCursor {
    return this.cursor(lower, upper);
  }

  prefixScan(prefix: Uint8Array): KeyValueCursor {
    const upper = prefixUpperBound(prefix);
    const cursor = this.cursor(prefix, upper);
    // prefixUpperBound is exclusive; the cursor's upper bound is inclusive.
    return { next: (max) => cursor.next(max).filter((entry) => upper === undefined || Buffer.compare(entry.key, upper) < 0) };
  }

  approximateNumEntries(): number {
    return this.countAll.get()!.n;
  }

  /** Entries lower ≤ key ≤ upper in key order (SQLite compares blobs as unsigned bytes), a page at a time. */
  private cursor(lower: Uint8Array | undefined, upper: Uint8Array | undefined): KeyValueCursor {
    let after: Buffer | undefined;
    const from = lower ? Buffer.from(lower) : Buffer.alloc(0);
    const to = upper ? Buffer.from(upper) : null;
    return {
      next: (max: number): KeyValueEntry[] => {
        if (max <= 0) return [];
        const rows = after === undefined ? this.pageFrom.all(from, to, max) : this.pageAfter.all(after, to, max);
        if (rows.length > 0) after = rows[rows.length - 1]!.key;
        return rows.map((row) => ({ key: new Uint8Array(row.key), value: new Uint8Array(row.value) }));
      },
    };
  }
}
