// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/sqlite-access@0.3.0 **/
/**
 * Runs `statements` in order in one transaction on the granted database
 * (created if missing): all of them take effect, durably, or — when one
 * fails — none. Returns the number of rows each changed.
 */
export function execute(database: string, statements: Array<Statement>): BigUint64Array;
/**
 * Runs one read-only statement (`SELECT`, or a `PRAGMA` that reads the
 * schema, e.g. `PRAGMA table_info("t")`) and returns its rows.
 */
export function query(database: string, sql: string, params: Array<SqlValue>): Rows;
/**
 * A value of SQLite's storage classes: a statement's parameter or a
 * column of a row.
 */
export type SqlValue = SqlValueNull | SqlValueInteger | SqlValueReal | SqlValueText | SqlValueBlob;
export interface SqlValueNull {
  tag: 'null',
}
export interface SqlValueInteger {
  tag: 'integer',
  val: bigint,
}
export interface SqlValueReal {
  tag: 'real',
  val: number,
}
export interface SqlValueText {
  tag: 'text',
  val: string,
}
export interface SqlValueBlob {
  tag: 'blob',
  val: Uint8Array,
}
/**
 * One SQL statement and the values of its `?` parameters, in order.
 */
export interface Statement {
  sql: string,
  params: Array<SqlValue>,
}
/**
 * What a query returns: the names of its columns, then its rows.
 */
export interface Rows {
  columns: Array<string>,
  rows: Array<Array<SqlValue>>,
}
/**
 * Why a call failed.
 */
export type SqliteError = SqliteErrorNotGranted | SqliteErrorFailed;
/**
 * The database is not the one this connector was granted, or the
 * statement is of a kind the capability does not allow (the message
 * names the capability).
 */
export interface SqliteErrorNotGranted {
  tag: 'not-granted',
  val: string,
}
/**
 * SQLite failed the statement: its error code and message (e.g.
 * `SQLITE_CONSTRAINT_PRIMARYKEY: UNIQUE constraint failed: t.id`;
 * `SQLITE_BUSY` when another connection held the database longer
 * than the host waits).
 */
export interface SqliteErrorFailed {
  tag: 'failed',
  val: string,
}
