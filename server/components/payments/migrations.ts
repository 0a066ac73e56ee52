import type { Migration } from "../../db/migrations.js";

export const paymentsMigrations: Migration[] = [
  {
    id: "payments-001-reports",
    sql: `
      CREATE TABLE payment_reports (
        id TEXT PRIMARY KEY,
        settlement_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        amount TEXT NOT NULL,
        paid_at INTEGER NOT NULL,
        bank_reference TEXT NOT NULL,
        signature TEXT NOT NULL,
        oracle TEXT NOT NULL,
        platform_id INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('accepted', 'submitted', 'recorded', 'failed')),
        received_at INTEGER NOT NULL,
        tx_hash TEXT,
        block_number INTEGER,
        settled_at INTEGER,
        error TEXT,
        error_args TEXT
      );
      -- A sequence number is taken by at most one live report; a failed one frees it for a corrected report.
      CREATE UNIQUE INDEX payment_reports_live_sequence ON payment_reports (settlement_id, sequence)
        WHERE state <> 'failed';
      CREATE INDEX payment_reports_open ON payment_reports (state, settlement_id, sequence);
    `,
  },
];
