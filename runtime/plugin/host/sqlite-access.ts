// Host side of `eddy:plugin/sqlite-access` (contract 0.2.0): the SQLite
// capability of sink connectors.
//
// Owns: the one database file a connector is granted (the path its
// `connection.url` names as `jdbc:sqlite:<path>`, resolved once by the
// worker), running statements on it — a batch in one transaction, or one
// read-only query — and refusing every other database, and every statement
// that would reach past the granted file (ATTACH, VACUUM INTO, PRAGMAs other
// than the schema-reading ones) or take the transaction from the host, with
// an error naming the capability.
// Must never: open a database other than the granted one (the guest's path
// is only compared with the grant), leave a transaction open after a call,
// or throw anything but a `sqlite-error` payload at the guest.

import { resolve } from 'node:path';
import '../../supported-node.js'; // before the SQLite binding: it crashes an unsupported Node
import Database from 'better-sqlite3';
import type * as SqliteAccess from './wit/0.2.0/interfaces/eddy-plugin-sqlite-access.js';

/** What a connector may touch: one SQLite database file (or nothing). */
export interface SqliteGrant {
  /** The database file, as the connector's `connection.url` names it. */
  database: string;
}

/** The SQLite capability of one plugin instance; `close()` closes the connection. */
export interface SqliteAccessCapability {
  imports: typeof SqliteAccess;
  close(): void;
}

export const sqliteCapabilityName = 'sqlite-access';
/** The configuration key whose `jdbc:sqlite:<path>` value grants the capability. */
export const sqliteGrantKey = 'connection.url';
const urlPrefix = 'jdbc:sqlite:';

/**
 * The grant a `connection.url` value makes: `jdbc:sqlite:<path>` grants the
 * database file at `<path>`; any other value (another database, an
 * in-memory or `file:` URI, query parameters) grants nothing — the
 * connector's own validation refuses it, naming the key.
 */
export function sqliteGrantOf(url: string): SqliteGrant | undefined {
  if (!url.startsWith(urlPrefix)) return undefined;
  const database = url.slice(urlPrefix.length);
  if (database === '' || database.startsWith(':') || database.startsWith('file:') || database.includes('?')) return undefined;
  return { database };
}

/** How long a call waits for a lock another connection holds before it fails with SQLITE_BUSY. */
const busyTimeoutMs = 1000;
/** Prepared statements kept per connection (a sink repeats a few statements). */
const statementCacheSize = 64;

/** Statements by their first keyword: what the capability runs. */
const allowedStatements = new Set(['SELECT', 'VALUES', 'WITH', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE', 'CREATE', 'ALTER', 'DROP', 'PRAGMA']);
/** The PRAGMAs allowed: reading the schema. */
const allowedPragmas = new Set(['TABLE_INFO', 'TABLE_XINFO', 'TABLE_LIST', 'INDEX_LIST', 'INDEX_INFO', 'INDEX_XINFO', 'FOREIGN_KEY_LIST']);

/** A thrown `payload` becomes the `err` of the call's result in the guest. */
function fail(error: SqliteAccess.SqliteError): never {
  throw { payload: error };
}

/** The words a statement starts with, skipping whitespace and comments (upper case; `undefined` past the end). */
function leadingWords(sql: string, count: number): string[] {
  const words: string[] = [];
  let at = 0;
  while (words.length < count && at < sql.length) {
    const rest = sql.slice(at);
    const skip = /^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?(\*\/|$))/.exec(rest);
    if (skip) {
      at += skip[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (!word) break;
    words.push(word[0].toUpperCase());
    at += word[0].length;
    const dot = /^\s*\.\s*/.exec(sql.slice(at)); // `PRAGMA main.table_info`: the schema is skipped
    if (dot && words.length === 2 && words[0] === 'PRAGMA') {
      words.pop();
      at += dot[0].length;
    }
  }
  return words;
}

/** Refuses a statement the capability does not run (naming it), or returns. */
function checkStatement(sql: string): void {
  const [first, second] = leadingWords(sql, 2);
  if (first === undefined || !allowedStatements.has(first)) {
    fail({ tag: 'not-granted', val: `capability '${sqliteCapabilityName}' does not run ${first ?? 'this'} statements (the host runs each call in its own transaction, and only on the granted database); refused: ${sql}` });
  }
  if (first === 'PRAGMA' && (second === undefined || !allowedPragmas.has(second) || /=/.test(sql))) {
    fail({ tag: 'not-granted', val: `capability '${sqliteCapabilityName}' runs only the PRAGMAs that read the schema (${[...allowedPragmas].map((name) => name.toLowerCase()).join(', ')}); refused: ${sql}` });
  }
}

function toSqlite(value: SqliteAccess.SqlValue): bigint | number | string | Buffer | null {
  switch (value.tag) {
    case 'null':
      return null;
    case 'integer':
    case 'real':
    case 'text':
      return value.val;
    case 'blob':
      return Buffer.from(value.val.buffer, value.val.byteOffset, value.val.byteLength);
  }
}

function fromSqlite(value: unknown): SqliteAccess.SqlValue {
  if (value === null || value === undefined) return { tag: 'null' };
  if (typeof value === 'bigint') return { tag: 'integer', val: value };
  if (typeof value === 'number') return { tag: 'real', val: value };
  if (typeof value === 'string') return { tag: 'text', val: value };
  if (value instanceof Uint8Array) return { tag: 'blob', val: new Uint8Array(value) };
  return { tag: 'text', val: String(value) };
}

export function sqliteAccessImports(grant: SqliteGrant | undefined): SqliteAccessCapability {
  const granted = grant ? resolve(grant.database) : undefined;
  let database: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();

  const check = (path: string): string => {
    if (!grant || !granted) {
      fail({ tag: 'not-granted', val: `capability '${sqliteCapabilityName}' was not granted to this connector (its configuration names no '${sqliteGrantKey}' of the form ${urlPrefix}<path>); refused: ${path}` });
    }
    if (resolve(path) !== granted) {
      fail({ tag: 'not-granted', val: `capability '${sqliteCapabilityName}' grants only '${grant.database}' (the connector's '${sqliteGrantKey}' key); refused: ${path}` });
    }
    return granted;
  };

  /** Runs `action`; a SQLite error becomes `failed` with its code. */
  const sqlite = <T>(action: () => T): T => {
    try {
      return action();
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'payload' in error) throw error;
      const code = (error as { code?: unknown }).code;
      fail({ tag: 'failed', val: `${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message}` });
    }
  };

  const open = (path: string): Database.Database => {
    if (database) return database;
    database = sqlite(() => new Database(path, { timeout: busyTimeoutMs }));
    return database;
  };

  const prepare = (db: Database.Database, sql: string): Database.Statement => {
    checkStatement(sql);
    const cached = statements.get(sql);
    if (cached) return cached;
    const statement = sqlite(() => db.prepare(sql));
    statement.safeIntegers(true);
    if (statements.size >= statementCacheSize) statements.delete(statements.keys().next().value!);
    statements.set(sql, statement);
    return statement;
  };

  return {
    imports: {
      execute(path, batch) {
        const db = open(check(path));
        for (const statement of batch) checkStatement(statement.sql);
        // Prepared inside the transaction: a statement may use a table an earlier one creates.
        const changes = sqlite(() => db.transaction(() => batch.map((statement) => BigInt(prepare(db, statement.sql).run(...statement.params.map(toSqlite)).changes)))());
        return BigUint64Array.from(changes);
      },
      query(path, sql, params) {
        const db = open(check(path));
        const statement = prepare(db, sql);
        if (!statement.reader || !statement.readonly) {
          fail({ tag: 'not-granted', val: `capability '${sqliteCapabilityName}' queries with read-only statements only (run changes with execute); refused: ${sql}` });
        }
        return sqlite(() => {
          const columns = statement.columns().map((column) => column.name);
          const rows = (statement.raw(true).all(...params.map(toSqlite)) as unknown[][]).map((row) => row.map(fromSqlite));
          statement.raw(false);
          return { columns, rows };
        });
      },
    },
    close() {
      statements.clear();
      database?.close();
      database = undefined;
    },
  };
}
