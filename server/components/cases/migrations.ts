import type { Migration } from "../../db/migrations.js";

export const casesMigrations: Migration[] = [
  {
    id: "cases-001-cases-and-parties",
    sql: `
      CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        opened_by TEXT NOT NULL,
        opened_at INTEGER NOT NULL
      );
      CREATE TABLE case_parties (
        case_id TEXT NOT NULL REFERENCES cases (id),
        account_id INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('borrower', 'platform', 'lawyer')),
        address TEXT NOT NULL,
        PRIMARY KEY (case_id, account_id, role)
      );
      CREATE INDEX case_parties_by_account ON case_parties (account_id);
    `,
  },
];
