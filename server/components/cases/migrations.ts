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
        address TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('borrower', 'platform', 'lawyer')),
        PRIMARY KEY (case_id, address, role)
      );
      CREATE INDEX case_parties_by_address ON case_parties (address);
    `,
  },
];
