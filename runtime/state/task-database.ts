// The SQLite database of one task: its stores (key-value, window, session)
// and its checkpoints.
//
// Owns: one database file per task, the tables of its stores, the single
// transaction that spans a commit interval (so a commit is atomic: every
// store's writes and the checkpoint land together or not at all), and
// rollback to the last commit when the task fails.
// Must never: commit on its own — only `commit()` ends a transaction — or be
// shared between tasks.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import '../supported-node.js'; // before the SQLite binding: it crashes an unsupported Node
import Database from 'better-sqlite3';
import { StateStoreError, messageOf } from '../errors.ts';
import { SqliteKeyValueStore, type StoreChange } from './sqlite-key-value-store.ts';
import { SqliteSessionStore, SqliteWindowStore } from './sqlite-window-store.ts';
import type { StoreSpec } from './store-spec.ts';
import type { SessionStoreOptions, WindowStoreOptions } from './window-store.ts';

type TaskStore = SqliteKeyValueStore | SqliteWindowStore | SqliteSessionStore;

function kindOf(store: TaskStore): string {
  return store instanceof SqliteWindowStore ? 'a window store' : store instanceof SqliteSessionStore ? 'a session store' : 'a key-value store';
}

/** Store names become table and changelog-topic names: keep them plain. */
const storeNamePattern = /^[A-Za-z0-9._-]{1,200}$/;

export function validateStoreName(name: string): string | undefined {
  return storeNamePattern.test(name)
    ? undefined
    : `store name '${name}' must be 1-200 characters of letters, digits, '.', '_' or '-'`;
}

export interface TaskDatabaseOptions {
  /** Most cached entries per store before dirty ones are written to SQLite. */
  cacheMaxEntries?: number;
  /**
   * Sees every change as it is written to SQLite (cache flush or commit),
   * before the transaction commits: the changelog hook.
   */
  onChange?: (change: StoreChange) => void;
}

export class TaskDatabase {
  private readonly stores = new Map<string, TaskStore>();
  private readonly database: Database.Database;
  private readonly readCheckpoint: Database.Statement<[string], { value: string }>;
  private readonly writeCheckpoint: Database.Statement<[string, string]>;

  private constructor(readonly path: string, private readonly options: TaskDatabaseOptions) {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.database = new Database(path);
      this.database.pragma('journal_mode = WAL');
      this.database.pragma('synchronous = NORMAL');
      this.database.exec('CREATE TABLE IF NOT EXISTS eddy_checkpoint (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    } catch (error) {
      throw new StateStoreError(`cannot open the state database: ${messageOf(error)}`, { file: path }, { cause: error });
    }
    this.readCheckpoint = this.database.prepare('SELECT value FROM eddy_checkpoint WHERE name = ?');
    this.writeCheckpoint = this.database.prepare('INSERT OR REPLACE INTO eddy_checkpoint (name, value) VALUES (?, ?)');
  }

  /** Opens (creating if needed) the database file at `path`; ':memory:' for none. */
  static open(path: string, options: TaskDatabaseOptions = {}): TaskDatabase {
    return new TaskDatabase(path, options);
  }

  /** The key-value store `name`, created on first use. */
  keyValueStore(name: string): SqliteKeyValueStore {
    return this.open(name, SqliteKeyValueStore, () => new SqliteKeyValueStore(name, this.database, () => this.beginIfNeeded(), this.options));
  }

  /** The window store `name`, created on first use with `options`. */
  windowStore(name: string, options: WindowStoreOptions): SqliteWindowStore {
    return this.open(name, SqliteWindowStore, () => new SqliteWindowStore(name, this.database, options, { beginTransaction: () => this.beginIfNeeded(), onChange: this.options.onChange }));
  }

  /** The session store `name`, created on first use with `options`. */
  sessionStore(name: string, options: SessionStoreOptions): SqliteSessionStore {
    return this.open(name, SqliteSessionStore, () => new SqliteSessionStore(name, this.database, options, { beginTransaction: () => this.beginIfNeeded(), onChange: this.options.onChange }));
  }

  /** Opens the store `spec` declares (so a restore applies its changelog to the right kind). */
  openStore(spec: StoreSpec): void {
    if (spec.kind === 'window') this.windowStore(spec.name, spec);
    else if (spec.kind === 'session') this.sessionStore(spec.name, spec);
    else this.keyValueStore(spec.name);
  }

  private open<T extends TaskStore>(name: string, kind: abstract new (...args: never[]) => T, create: () => T): T {
    const existing = this.stores.get(name);
    if (existing) {
      if (existing instanceof kind) return existing;
      throw new StateStoreError(`store '${name}' is ${kindOf(existing)}`, { file: this.path });
    }
    const invalid = validateStoreName(name);
    if (invalid) throw new StateStoreError(invalid, { file: this.path });
    const store = create();
    this.stores.set(name, store);
    return store;
  }

  /** Names of the stores that have a table in this file (opened or not). */
  storeNamesOnDisk(): string[] {
    const rows = this.database
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'kv\\_%' ESCAPE '\\'")
      .all() as Array<{ name: string }>;
    return rows.map((row) => row.name.slice(3)).sort();
  }

  /** A checkpoint value saved by an earlier commit. */
  checkpoint(name: string): string | undefined {
    return this.readCheckpoint.get(name)?.value;
  }

  /** Writes every store's cached changes to SQLite (inside the open transaction). */
  flush(): void {
    for (const store of this.stores.values()) store.flush();
  }

  /**
   * Writes every store's pending changes and the given checkpoints, and
   * commits them in one SQLite transaction.
   */
  commit(checkpoints: Record<string, string> = {}): void {
    try {
      this.flush();
      const entries = Object.entries(checkpoints);
      if (entries.length > 0) {
        this.beginIfNeeded();
        for (const [name, value] of entries) this.writeCheckpoint.run(name, value);
      }
      if (this.database.inTransaction) this.database.exec('COMMIT');
      for (const store of this.stores.values()) if (!(store instanceof SqliteKeyValueStore)) store.onCommit();
    } catch (error) {
      throw new StateStoreError(`commit failed: ${messageOf(error)}`, { file: this.path }, { cause: error });
    }
  }

  /**
   * Applies changelog records to store `store` straight to SQLite (no cache)
   * and sets a checkpoint, in one committed transaction. For restoring and
   * standby copies; refuses to run inside an uncommitted interval. A store
   * not opened yet is a key-value store (open window and session stores
   * first, with their options).
   */
  applyChangelog(store: string, changes: Array<{ key: Uint8Array; value: Uint8Array | undefined }>, checkpoint: string, value: string): void {
    if (this.database.inTransaction) throw new StateStoreError('cannot apply changelog records while the task has uncommitted changes', { file: this.path });
    const target = this.stores.get(store) ?? this.keyValueStore(store);
    this.database.transaction(() => {
      target.applyChanges(changes);
      this.writeCheckpoint.run(checkpoint, value);
    })();
    if (!(target instanceof SqliteKeyValueStore)) target.onCommit();
  }

  /** Deletes every entry of a store and its changelog checkpoint (committed at once). */
  clearStore(store: string): void {
    const target = this.stores.get(store) ?? this.keyValueStore(store);
    this.database.transaction(() => {
      target.clear();
      this.database.prepare('DELETE FROM eddy_checkpoint WHERE name = ?').run(`changelog:${store}`);
    })();
  }

  /** Forgets every change since the last commit. */
  rollback(): void {
    for (const store of this.stores.values()) store.discardCache();
    if (this.database.inTransaction) this.database.exec('ROLLBACK');
  }

  /** Rolls back anything uncommitted and closes the file. */
  close(): void {
    if (!this.database.open) return;
    this.rollback();
    this.database.close();
  }

  private beginIfNeeded(): void {
    if (!this.database.inTransaction) this.database.exec('BEGIN');
  }
}

/** The checkpoint under which a store's applied changelog offset is kept. */
export function checkpointName(store: string): string {
  return `changelog:${store}`;
}

/**
 * The sum of the changelog offsets a task's state folder has applied (every
 * store's checkpoint), read without opening the task (Kafka Streams' task
 * offset sum, which tells the group leader how far behind a copy is).
 * Undefined when the folder has no readable database.
 */
export function changelogOffsetSum(path: string): number | undefined {
  let database: Database.Database | undefined;
  try {
    database = new Database(path, { readonly: true, fileMustExist: true });
    const rows = database.prepare("SELECT value FROM eddy_checkpoint WHERE name LIKE 'changelog:%'").all() as Array<{ value: string }>;
    return rows.reduce((total, row) => total + (Number(row.value) || 0), 0);
  } catch {
    return undefined;
  } finally {
    database?.close();
  }
}
