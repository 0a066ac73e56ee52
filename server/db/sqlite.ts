/**
 * The embedded engine: Node's built-in `node:sqlite` (no native addon to build). One connection,
 * WAL journal, `synchronous = FULL` so that a committed write survives a crash, foreign keys on.
 * `node:sqlite` is synchronous; a lock serialises transactions so that a transaction awaiting
 * something never lets another request's statements run inside it.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";

import type { Db, Row, RunResult, SqlValue } from "./database.js";

class Lock {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `work` once every earlier holder has finished. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

const bind = (params: readonly SqlValue[]) => params as SQLInputValue[];

export class SqliteDb implements Db {
  readonly engine = "sqlite" as const;
  private readonly lock = new Lock();

  /** Prepared statements by SQL text: compiling a statement costs more than running a simple one. */
  private readonly statements = new Map<string, StatementSync>();

  private constructor(private readonly db: DatabaseSync) {}

  private prepare(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      // The gateway's SQL is a fixed set of strings; the bound only guards against a caller that builds SQL.
      if (this.statements.size < 1000) this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Opens (creating if needed) the database file; `":memory:"` for a throwaway one. */
  static open(location: string): SqliteDb {
    const db = new DatabaseSync(location);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA busy_timeout = 5000");
    // Freed bytes are zeroed: a shredded document's wrapped key does not linger in free pages.
    db.exec("PRAGMA secure_delete = ON");
    return new SqliteDb(db);
  }

  all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.lock.run(async () => this.direct.all<T>(sql, params));
  }

  get<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.lock.run(async () => this.direct.get<T>(sql, params));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return this.lock.run(async () => this.direct.run(sql, params));
  }

  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(this.direct);
        this.db.exec("COMMIT");
        return result;
      } catch (error) {
        this.db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.lock.run(async () => this.db.close());
  }

  /** The handle given to a transaction's work: same connection, no lock (the transaction holds it). */
  private readonly direct: Db = {
    engine: "sqlite",
    all: async <T extends Row>(sql: string, params: readonly SqlValue[] = []) =>
      this.prepare(sql).all(...bind(params)) as T[],
    get: async <T extends Row>(sql: string, params: readonly SqlValue[] = []) =>
      this.prepare(sql).get(...bind(params)) as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []) => {
      const { changes } = this.prepare(sql).run(...bind(params));
      return { changes: Number(changes) };
    },
    transaction: () => Promise.reject(new Error("nested transactions are not supported")),
    close: () => Promise.reject(new Error("a transaction cannot close the database")),
  };
}
