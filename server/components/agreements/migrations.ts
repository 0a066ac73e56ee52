import type { Migration } from "../../db/migrations.js";

export const agreementsMigrations: Migration[] = [
  {
    id: "agreements-001-drafts-signatures-outbox",
    sql: `
      CREATE TABLE agreement_drafts (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases (id),
        state TEXT NOT NULL CHECK (state IN ('open', 'withdrawn', 'complete')),
        settlement_id TEXT NOT NULL UNIQUE,
        terms TEXT NOT NULL,
        document_id TEXT NOT NULL,
        document_sha256 TEXT NOT NULL,
        document_salt TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        withdrawn_at INTEGER
      );
      CREATE INDEX agreement_drafts_by_case ON agreement_drafts (case_id, created_at);
      CREATE TABLE agreement_signatures (
        draft_id TEXT NOT NULL REFERENCES agreement_drafts (id),
        role TEXT NOT NULL CHECK (role IN ('borrower', 'platform', 'lawyer')),
        signer TEXT NOT NULL,
        settlement_id TEXT NOT NULL,
        signature TEXT NOT NULL,
        submitted_by TEXT NOT NULL,
        signed_at INTEGER NOT NULL,
        PRIMARY KEY (draft_id, role)
      );
      CREATE TABLE agreement_outbox (
        id TEXT PRIMARY KEY,
        draft_id TEXT NOT NULL UNIQUE REFERENCES agreement_drafts (id),
        settlement_id TEXT NOT NULL UNIQUE,
        method TEXT NOT NULL CHECK (method IN ('register', 'registerMonthly')),
        state TEXT NOT NULL CHECK (state IN ('pending', 'submitted', 'registered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        tx_hash TEXT,
        tx_nonce INTEGER,
        raw_tx TEXT,
        submitted_at INTEGER,
        block_number INTEGER,
        block_hash TEXT,
        registered_tx_hash TEXT,
        registered_at INTEGER,
        error_name TEXT,
        error_args TEXT,
        error_message TEXT,
        failed_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX agreement_outbox_due ON agreement_outbox (state, next_attempt_at);
      CREATE TABLE agreement_transactions (
        tx_hash TEXT PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES agreement_outbox (id),
        nonce INTEGER NOT NULL,
        raw_tx TEXT NOT NULL,
        signed_at INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('in-flight', 'mined', 'reverted', 'dead'))
      );
      CREATE INDEX agreement_transactions_by_job ON agreement_transactions (job_id);
    `,
  },
];
