import type { Migration } from "../../db/migrations.js";

export const documentsMigrations: Migration[] = [
  {
    id: "documents-001-documents-grants-audit",
    sql: `
      CREATE TABLE document_keyring (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        kek_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases (id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        uploader TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        format_version INTEGER NOT NULL,
        kek_id TEXT,
        wrapped_key BLOB,
        blob_id TEXT UNIQUE,
        deleted_at INTEGER,
        deleted_by TEXT,
        CHECK ((deleted_at IS NULL) = (wrapped_key IS NOT NULL))
      );
      CREATE INDEX documents_by_case ON documents (case_id, created_at);
      CREATE TABLE disclosure_grants (
        id TEXT PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents (id),
        case_id TEXT NOT NULL,
        granter TEXT NOT NULL,
        grantee TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        salt TEXT NOT NULL,
        signature TEXT NOT NULL,
        submitted_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revoked_by TEXT
      );
      CREATE INDEX disclosure_grants_by_grantee ON disclosure_grants (document_id, grantee);
      CREATE TABLE audit_log (
        sequence INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT,
        action TEXT NOT NULL,
        case_id TEXT,
        document_id TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
      );
      CREATE INDEX audit_log_by_case ON audit_log (case_id, sequence);
      CREATE TABLE audit_anchors (
        sequence INTEGER PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        tx_hash TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        chain_time INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL
      );
    `,
  },
];
