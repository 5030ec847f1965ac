// Writing many rows into one store table at once (a restore or a standby
// applying changelog records): runs of upserts go in multi-row statements,
// since one statement per row made SQLite's per-statement cost most of a
// restore.
//
// Owns: the multi-row `INSERT OR REPLACE` of a table (prepared once, on first
// use) and cutting a run of rows into statements of at most `rowsPerStatement`
// rows plus a tail of single-row ones.
// Must never: reorder rows (a later row of the same primary key replaces an
// earlier one, as row-by-row upserts would), or hold rows past `flush()`.

import type Database from 'better-sqlite3';

type Parameter = Buffer | number;

/** Statements hold at most 32,766 parameters; 128 rows keeps every store's well below that. */
const rowsPerStatement = 128;

export class BatchedUpsert {
  private readonly pending: Parameter[] = [];
  private many: Database.Statement<Parameter[]> | undefined;

  constructor(
    private readonly database: Database.Database,
    private readonly table: string,
    private readonly columns: readonly string[],
    /** The table's single-row upsert (the tail of a run). */
    private readonly one: Database.Statement<Parameter[]>,
  ) {}

  /** Queues one row: its parameters in `columns` order. */
  add(...row: Parameter[]): void {
    for (const parameter of row) this.pending.push(parameter);
  }

  /** Writes every queued row, in order. */
  flush(): void {
    const width = this.columns.length;
    const full = rowsPerStatement * width;
    let at = 0;
    for (; this.pending.length - at >= full; at += full) this.statement().run(...this.pending.slice(at, at + full));
    for (; at < this.pending.length; at += width) this.one.run(...this.pending.slice(at, at + width));
    this.pending.length = 0;
  }

  private statement(): Database.Statement<Parameter[]> {
    const row = `(${this.columns.map(() => '?').join(', ')})`;
    this.many ??= this.database.prepare(`INSERT OR REPLACE INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array.from({ length: rowsPerStatement }, () => row).join(', ')}`);
    return this.many;
  }
}
