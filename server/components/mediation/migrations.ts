import type { Migration } from "../../db/migrations.js";

/** The written resolutions panel members uploaded (the files themselves are the documents component's, encrypted). */
export const mediationMigrations: Migration[] = [
  {
    id: "mediation-001-resolutions",
    sql: `
      CREATE TABLE mediation_resolutions (
        document_id TEXT PRIMARY KEY,
        dispute_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        name TEXT NOT NULL,
        uploaded_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX mediation_resolutions_by_dispute ON mediation_resolutions (dispute_id, created_at);
    `,
  },
];
