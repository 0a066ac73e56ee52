/**
 * The one query layer every component uses. Engine-neutral: SQL uses `?` placeholders, integers,
 * text and blobs only, and `INSERT … RETURNING` / `ON CONFLICT` (supported by SQLite and
 * PostgreSQL alike), so a PostgreSQL engine can implement this interface without touching callers.
 * Every call is async, as a networked engine's would be.
 */
export type SqlValue = string | number | bigint | Uint8Array | null;

export type Row = Record<string, SqlValue>;

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface Db {
  readonly engine: "sqlite";
  /** Every row the query returns. */
  all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Queries
   * inside must go through the `tx` handle; other callers wait until the transaction ends.
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
