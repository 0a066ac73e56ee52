/**
 * Schema migrations, applied in order at start-up, each in its own transaction and recorded in
 * `schema_migrations`, so a restart applies only what is new. Each component owns its migrations;
 * `server/app.ts` lists them in the order they must run.
 */
import type { Db } from "./database.js";

export interface Migration {
  /** Unique and stable, e.g. "documents-001-create". Never edit an applied migration: add one. */
  id: string;
  sql: string;
}

export async function migrate(db: Db, migrations: readonly Migration[]): Promise<string[]> {
  await db.run("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const seen = new Set<string>();
  const applied: string[] = [];
  for (const migration of migrations) {
    if (seen.has(migration.id)) throw new Error(`duplicate migration id ${migration.id}`);
    seen.add(migration.id);
    const done = await db.get("SELECT id FROM schema_migrations WHERE id = ?", [migration.id]);
    if (done !== undefined) continue;
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(migration.sql)) await tx.run(statement);
      await tx.run("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)", [migration.id, Date.now()]);
    });
    applied.push(migration.id);
  }
  return applied;
}

/** Splits a migration into statements at semicolons that end a line (migrations hold no triggers). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== "");
}
