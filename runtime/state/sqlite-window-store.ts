// Window and session stores kept in tables of their task's SQLite database.
//
// Owns: the tables `win_<name>` (key, window start, sequence number) and
// `ses_<name>` (key, session end, session start), what the window store's
// write cache (write-cache.ts, as the key-value store's) holds — a window's
// latest value, written and logged once per flush: an aggregation updates
// the same few windows over and over —, the retention rules of
// window-store.ts (observed stream time, expired segments deleted locally —
// not in the changelog, whose topic has its own retention), sequence numbers
// for duplicates, a changelog record (Kafka Streams' binary key) for every
// write, applying changelog records on restore, and rolling the in-memory
// stream time back with the transaction.
// Must never: commit or roll back the SQLite transaction (the TaskDatabase
// owns it), show an entry older than the retention allows, or let a scan
// miss a cached write (scans flush first).

import type Database from 'better-sqlite3';
import { asBuffer } from '../bytes.ts';
import { BatchedUpsert } from './batched-upsert.ts';
import { WriteCache, type CachedEntry } from './write-cache.ts';
import type { StoreChange } from './sqlite-key-value-store.ts';
import {
  defaultSegmentInterval,
  parseSessionChangelogKey,
  parseWindowChangelogKey,
  segmentId,
  sessionChangelogKey,
  windowChangelogKey,
  type SessionEntry,
  type SessionStore,
  type SessionStoreOptions,
  type WindowEntry,
  type WindowStore,
  type WindowStoreOptions,
} from './window-store.ts';

interface StoreHooks {
  beginTransaction: () => void;
  onChange?: (change: StoreChange) => void;
}

/** Observed stream time, retention and expired-segment cleanup (Kafka Streams' segmented bytes store). */
abstract class SegmentedTable {
  private observed = -1;
  private committedObserved = -1;
  private cleanedBelow = Number.NEGATIVE_INFINITY;

  protected constructor(
    readonly name: string,
    protected readonly retentionMs: number,
    protected readonly segmentIntervalMs: number,
    protected readonly hooks: StoreHooks,
  ) {}

  get observedStreamTime(): number {
    return this.observed;
  }

  /** The earliest time a fetch shows (AbstractRocksDBSegmentedBytesStore.getActualFrom). */
  protected actualFrom(from: number): number {
    return Math.max(from, this.observed - this.retentionMs + 1);
  }

  /** Advances stream time to `timestamp`; false when its segment has expired (the write is skipped). */
  protected observe(timestamp: number): boolean {
    this.observed = Math.max(this.observed, timestamp);
    const minLiveSegment = segmentId(this.observed - this.retentionMs, this.segmentIntervalMs);
    if (minLiveSegment > this.cleanedBelow) {
      this.cleanedBelow = minLiveSegment;
      this.hooks.beginTransaction();
      this.deleteBefore(minLiveSegment * this.segmentIntervalMs);
    }
    return segmentId(timestamp, this.segmentIntervalMs) >= minLiveSegment;
  }

  /** Deletes rows whose segment time is before `time` (local only). */
  protected abstract deleteBefore(time: number): void;

  onCommit(): void {
    this.committedObserved = this.observed;
  }

  discardCache(): void {
    this.observed = this.committedObserved;
    this.cleanedBelow = Number.NEGATIVE_INFINITY;
  }

  flush(): void {}
}

type WindowRow = { key: Buffer; start: number; value: Buffer };

/** A window's cached value; `value: undefined` is a delete (or a window known to be absent). */
interface CachedWindow extends CachedEntry {
  key: Uint8Array;
  start: number;
  sequence: number;
  value: Uint8Array | undefined;
  /** False for a put into an expired segment: logged (as Kafka Streams logs every put) but never stored. */
  stored: boolean;
}

const defaultWindowCacheMaxEntries = 100_000;

export class SqliteWindowStore extends SegmentedTable implements WindowStore {
  readonly options: Required<WindowStoreOptions>;
  private sequence = 0;
  /** By `start:sequence:key` (numbers first: a key's bytes cannot run into them). */
  private readonly cache: WriteCache<CachedWindow>;
  /** The last fetch's key object, start and id (keys are never changed in place once handed to a store). */
  private lastFetched: Uint8Array | undefined;
  private lastFetchedStart = 0;
  private lastFetchedId = '';
  private restoreRun: BatchedUpsert | undefined;
  private readonly upsert: Database.Statement<[Buffer, number, number, Buffer]>;
  private readonly remove: Database.Statement<[Buffer, number, number]>;
  private readonly selectOne: Database.Statement<[Buffer, number], { value: Buffer }>;
  private readonly selectKey: Database.Statement<{ key: Buffer; from: number; to: number }, WindowRow>;
  private readonly removeBefore: Database.Statement<[number]>;
  private readonly clearAll: Database.Statement<[]>;
  private readonly database: Database.Database;
  private readonly table: string;

  constructor(name: string, database: Database.Database, options: WindowStoreOptions, hooks: StoreHooks & { cacheMaxEntries?: number }) {
    const full = { segmentIntervalMs: defaultSegmentInterval(options.retentionMs), ...options };
    super(name, full.retentionMs, full.segmentIntervalMs, hooks);
    this.options = full;
    this.cache = new WriteCache(hooks.cacheMaxEntries ?? defaultWindowCacheMaxEntries, () => this.flush());
    this.database = database;
    this.table = `"win_${name}"`;
    const table = this.table;
    database.exec(`CREATE TABLE IF NOT EXISTS ${table} (key BLOB NOT NULL, start INTEGER NOT NULL, seq INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (key, start, seq)) WITHOUT ROWID`);
    database.exec(`CREATE INDEX IF NOT EXISTS "win_${name}_start" ON ${table} (start)`);
    this.upsert = database.prepare(`INSERT OR REPLACE INTO ${table} (key, start, seq, value) VALUES (?, ?, ?, ?)`);
    this.remove = database.prepare(`DELETE FROM ${table} WHERE key = ? AND start = ? AND seq = ?`);
    this.selectOne = database.prepare(`SELECT value FROM ${table} WHERE key = ? AND start = ? AND seq = 0`);
    this.selectKey = database.prepare(`SELECT key, start, value FROM ${table} WHERE key = :key AND start >= :from AND start <= :to ORDER BY start, seq`);
    this.removeBefore = database.prepare(`DELETE FROM ${table} WHERE start < ?`);
    this.clearAll = database.prepare(`DELETE FROM ${table}`);
  }

  put(key: Uint8Array, value: Uint8Array | undefined, start: number): void {
    // RocksDBWindowStore: with duplicates, a null put does nothing; each put gets the next sequence number.
    if (value === undefined && this.options.retainDuplicates) return;
    if (this.options.retainDuplicates) this.sequence = (this.sequence + 1) & 0x7fffffff;
    const sequence = this.options.retainDuplicates ? this.sequence : 0;
    // The changelog gets every put that survives to the flush (an expired one too), as ChangeLoggingWindowBytesStore logs it.
    const stored = this.observe(start);
    // An aggregation fetches the window it then puts: the same key object and start, so the same id.
    const id = key === this.lastFetched && start === this.lastFetchedStart && sequence === 0 ? this.lastFetchedId : windowId(key, start, sequence);
    this.lastFetched = undefined;
    const cached = this.cache.get(id);
    if (cached) {
      cached.value = value;
      cached.stored = stored;
      this.cache.written(cached);
      return;
    }
    this.cache.add(id, { key, start, sequence, value, dirty: true, stored });
  }

  fetch(key: Uint8Array, start: number): Uint8Array | undefined {
    if (start < this.observedStreamTime - this.retentionMs + 1) return undefined;
    const id = windowId(key, start, 0);
    this.lastFetched = key;
    this.lastFetchedStart = start;
    this.lastFetchedId = id;
    const cached = this.cache.get(id);
    if (cached) return cached.stored ? cached.value : undefined;
    const value = this.selectOne.get(asBuffer(key), start)?.value;
    this.cache.add(id, { key, start, sequence: 0, value, dirty: false, stored: true });
    return value;
  }

  /** Writes cached writes to SQLite and hands them to the changelog (in the task's open transaction). */
  override flush(): void {
    if (this.cache.pending === 0) return;
    this.hooks.beginTransaction();
    this.cache.flush((entry) => {
      if (entry.stored) this.write(entry.key, entry.start, entry.sequence, entry.value);
      this.hooks.onChange?.({ store: this.name, key: windowChangelogKey(entry.key, entry.start, entry.sequence), value: entry.value });
    });
  }

  /** Number of writes not yet flushed. */
  get pendingChanges(): number {
    return this.cache.pending;
  }

  override discardCache(): void {
    super.discardCache();
    this.cache.discard();
  }

  fetchRange(key: Uint8Array, timeFrom: number, timeTo: number, backward = false): WindowEntry[] {
    const from = this.actualFrom(timeFrom);
    if (timeTo < from) return [];
    this.flush();
    const rows = this.selectKey.all({ key: asBuffer(key), from, to: timeTo }).map(toWindowEntry);
    return backward ? rows.reverse() : rows;
  }

  fetchKeyRange(keyFrom: Uint8Array | undefined, keyTo: Uint8Array | undefined, timeFrom: number, timeTo: number, backward = false): WindowEntry[] {
    if (keyFrom && keyTo && Buffer.compare(asBuffer(keyFrom), asBuffer(keyTo)) > 0) return [];
    const from = this.actualFrom(timeFrom);
    if (timeTo < from) return [];
    this.flush();
    return this.scan(keyFrom, keyTo, from, timeTo, backward);
  }

  all(backward = false): WindowEntry[] {
    this.flush();
    return this.scan(undefined, undefined, this.actualFrom(0), Number.MAX_SAFE_INTEGER, backward);
  }

  /**
   * Applies changelog records (restore, standby) straight to the table, in
   * order: runs of puts go in multi-row statements (batched-upsert.ts), a
   * delete ends a run.
   */
  applyChanges(changes: Array<{ key: Uint8Array; value: Uint8Array | undefined }>): void {
    const parsed = changes.map((change) => ({ ...parseWindowChangelogKey(change.key), value: change.value }));
    // AbstractRocksDBSegmentedBytesStore.getWriteBatches: stream time advances to the batch's latest first.
    for (const change of parsed) this.observe(change.start);
    const run = (this.restoreRun ??= new BatchedUpsert(this.database, this.table, ['key', 'start', 'seq', 'value'], this.upsert as Database.Statement<Array<Buffer | number>>));
    for (const change of parsed) {
      if (this.cache.size > 0) this.cache.delete(windowId(change.key, change.start, change.sequence));
      if (change.sequence > this.sequence) this.sequence = change.sequence;
      if (!this.observe(change.start)) continue;
      if (change.value === undefined) {
        run.flush();
        this.remove.run(asBuffer(change.key), change.start, change.sequence);
      } else {
        run.add(asBuffer(change.key), change.start, change.sequence, asBuffer(change.value));
      }
    }
    run.flush();
  }

  clear(): void {
    this.discardCache();
    this.clearAll.run();
  }

  protected deleteBefore(time: number): void {
    this.removeBefore.run(time);
    // Cached windows of the dropped segments go too; their pending writes are still logged (as every put is).
    for (const [id, entry] of this.cache.all()) {
      if (entry.start >= time) continue;
      if (entry.dirty) entry.stored = false;
      else this.cache.delete(id);
    }
  }


  private write(key: Uint8Array, start: number, sequence: number, value: Uint8Array | undefined): void {
    if (value === undefined) this.remove.run(asBuffer(key), start, sequence);
    else this.upsert.run(asBuffer(key), start, sequence, asBuffer(value));
  }

  /** Kafka Streams' order across keys: segment, then key, then start (and sequence). */
  private scan(keyFrom: Uint8Array | undefined, keyTo: Uint8Array | undefined, from: number, to: number, backward: boolean): WindowEntry[] {
    const direction = backward ? 'DESC' : 'ASC';
    const conditions = ['start >= :from', 'start <= :to'];
    const parameters: Record<string, unknown> = { from, to, interval: this.segmentIntervalMs };
    if (keyFrom) {
      conditions.push('key >= :keyFrom');
      parameters.keyFrom = asBuffer(keyFrom);
    }
    if (keyTo) {
      conditions.push('key <= :keyTo');
      parameters.keyTo = asBuffer(keyTo);
    }
    const sql = `SELECT key, start, value FROM ${this.table} WHERE ${conditions.join(' AND ')} ORDER BY start / :interval ${direction}, key ${direction}, start ${direction}, seq ${direction}`;
    return (this.database.prepare(sql).all(parameters) as WindowRow[]).map(toWindowEntry);
  }
}

function windowId(key: Uint8Array, start: number, sequence: number): string {
  return `${start}:${sequence}:${asBuffer(key).toString('latin1')}`;
}

function toWindowEntry(row: WindowRow): WindowEntry {
  return { key: row.key, start: row.start, value: row.value };
}

type SessionRow = { key: Buffer; start: number; end: number; value: Buffer };

export class SqliteSessionStore extends SegmentedTable implements SessionStore {
  readonly options: Required<SessionStoreOptions>;
  private readonly upsert: Database.Statement<[Buffer, number, number, Buffer]>;
  private readonly removeRow: Database.Statement<[Buffer, number, number]>;
  private readonly selectOne: Database.Statement<[Buffer, number, number], { value: Buffer }>;
  private readonly selectSessions: Database.Statement<{ key: Buffer; from: number; latestStart: number }, SessionRow>;
  private readonly removeBefore: Database.Statement<[number]>;
  private readonly clearAll: Database.Statement<[]>;

  constructor(name: string, database: Database.Database, options: SessionStoreOptions, hooks: StoreHooks) {
    const full = { segmentIntervalMs: defaultSegmentInterval(options.retentionMs), ...options };
    super(name, full.retentionMs, full.segmentIntervalMs, hooks);
    this.options = full;
    const table = `"ses_${name}"`;
    database.exec(`CREATE TABLE IF NOT EXISTS ${table} (key BLOB NOT NULL, end INTEGER NOT NULL, start INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (key, end, start)) WITHOUT ROWID`);
    database.exec(`CREATE INDEX IF NOT EXISTS "ses_${name}_end" ON ${table} (end)`);
    this.upsert = database.prepare(`INSERT OR REPLACE INTO ${table} (key, end, start, value) VALUES (?, ?, ?, ?)`);
    this.removeRow = database.prepare(`DELETE FROM ${table} WHERE key = ? AND end = ? AND start = ?`);
    this.selectOne = database.prepare(`SELECT value FROM ${table} WHERE key = ? AND end = ? AND start = ?`);
    this.selectSessions = database.prepare(`SELECT key, start, end, value FROM ${table} WHERE key = :key AND end >= :from AND start <= :latestStart ORDER BY end, start`);
    this.removeBefore = database.prepare(`DELETE FROM ${table} WHERE end < ?`);
    this.clearAll = database.prepare(`DELETE FROM ${table}`);
  }

  put(key: Uint8Array, start: number, end: number, value: Uint8Array): void {
    this.change(key, start, end, value);
  }

  remove(key: Uint8Array, start: number, end: number): void {
    this.change(key, start, end, undefined);
  }

  fetchSession(key: Uint8Array, start: number, end: number): Uint8Array | undefined {
    if (end < this.observedStreamTime - this.retentionMs + 1) return undefined;
    return this.selectOne.get(asBuffer(key), end, start)?.value;
  }

  findSessions(key: Uint8Array, earliestSessionEnd: number, latestSessionStart: number, backward = false): SessionEntry[] {
    const rows = this.selectSessions.all({ key: asBuffer(key), from: this.actualFrom(earliestSessionEnd), latestStart: latestSessionStart }).map(toSessionEntry);
    return backward ? rows.reverse() : rows;
  }

  fetch(key: Uint8Array): SessionEntry[] {
    return this.findSessions(key, 0, Number.MAX_SAFE_INTEGER);
  }

  applyChanges(changes: Array<{ key: Uint8Array; value: Uint8Array | undefined }>): void {
    const parsed = changes.map((change) => ({ ...parseSessionChangelogKey(change.key), value: change.value }));
    for (const change of parsed) this.observe(change.end);
    for (const change of parsed) if (this.observe(change.end)) this.write(change.key, change.start, change.end, change.value);
  }

  clear(): void {
    this.discardCache();
    this.clearAll.run();
  }

  protected deleteBefore(time: number): void {
    this.removeBefore.run(time);
  }

  private change(key: Uint8Array, start: number, end: number, value: Uint8Array | undefined): void {
    this.hooks.beginTransaction();
    if (this.observe(end)) this.write(key, start, end, value);
    this.hooks.onChange?.({ store: this.name, key: sessionChangelogKey(key, start, end), value });
  }

  private write(key: Uint8Array, start: number, end: number, value: Uint8Array | undefined): void {
    if (value === undefined) this.removeRow.run(asBuffer(key), end, start);
    else this.upsert.run(asBuffer(key), end, start, asBuffer(value));
  }
}

function toSessionEntry(row: SessionRow): SessionEntry {
  return { key: row.key, start: row.start, end: row.end, value: row.value };
}
