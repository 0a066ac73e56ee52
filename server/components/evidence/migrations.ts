import type { Migration } from "../../db/migrations.js";

export const evidenceMigrations: Migration[] = [
  {
    id: "evidence-001-items-and-anchors",
    sql: `
      CREATE TABLE evidence_anchors (
        root TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        leaf_count INTEGER NOT NULL,
        tx_hash TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        block_hash TEXT NOT NULL,
        block_time INTEGER NOT NULL,
        anchored_at INTEGER NOT NULL
      );
      CREATE TABLE evidence_items (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases (id),
        document_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        salt TEXT NOT NULL,
        submitted_by TEXT NOT NULL,
        queued_at INTEGER NOT NULL,
        root TEXT REFERENCES evidence_anchors (root),
        proof TEXT,
        UNIQUE (case_id, document_id)
      );
      CREATE INDEX evidence_items_waiting ON evidence_items (root, case_id, queued_at);
      CREATE INDEX evidence_items_by_sha256 ON evidence_items (sha256);
    `,
  },
  {
    id: "evidence-002-records",
    sql: `
      -- Case events recorded as evidence automatically (records.ts): one row per event, by its key.
      CREATE TABLE evidence_records (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        case_id TEXT NOT NULL,
        evidence_id TEXT NOT NULL UNIQUE REFERENCES evidence_items (id),
        document_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
];
