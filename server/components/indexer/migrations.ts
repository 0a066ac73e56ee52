import type { Migration } from "../../db/migrations.js";

/**
 * The CaseRegistry's read models (mediation cases, standstills, disputes and votes). Same rule: every
 * row carries its block; a case's status and a dispute's outcome are derived from their events.
 */
const mediationReadModels: Migration = {
  id: "indexer-002-mediation",
  sql: `
    -- Every CaseRegistry event, decoded (a mediation case's timeline; statuses and outcomes).
    CREATE TABLE ix_case_events (
      block_number INTEGER NOT NULL,
      log_index INTEGER NOT NULL,
      tx_hash TEXT NOT NULL,
      block_time INTEGER NOT NULL,
      name TEXT NOT NULL,
      case_id TEXT,
      dispute_id TEXT,
      settlement_id TEXT,
      args TEXT NOT NULL,
      PRIMARY KEY (block_number, log_index)
    );
    CREATE INDEX ix_case_events_by_case ON ix_case_events (case_id, name, block_number, log_index);
    CREATE INDEX ix_case_events_by_dispute ON ix_case_events (dispute_id, name, block_number, log_index);
    -- Opened cases: what never changes after opening (the event). The rulebook is read from the chain.
    CREATE TABLE ix_mediation_cases (
      case_id TEXT PRIMARY KEY,
      case_type INTEGER NOT NULL,
      borrower_id INTEGER NOT NULL,
      coordinator_id INTEGER NOT NULL,
      mediator_id INTEGER NOT NULL,
      opened_at INTEGER NOT NULL,
      block_number INTEGER NOT NULL
    );
    -- A case's creditors (and, once declared, their counsel: one row per declaration, the last wins).
    CREATE TABLE ix_mediation_parties (
      case_id TEXT NOT NULL,
      account_id INTEGER NOT NULL,
      role TEXT NOT NULL,
      creditor_id INTEGER,
      block_number INTEGER NOT NULL,
      log_index INTEGER NOT NULL,
      PRIMARY KEY (block_number, log_index, account_id, role)
    );
    CREATE INDEX ix_mediation_parties_by_account ON ix_mediation_parties (account_id, case_id);
    CREATE INDEX ix_mediation_parties_by_case ON ix_mediation_parties (case_id);
    CREATE TABLE ix_standstills (
      case_id TEXT NOT NULL,
      creditor_id INTEGER NOT NULL,
      borrower_id INTEGER NOT NULL,
      from_time INTEGER NOT NULL,
      until INTEGER NOT NULL,
      tx_hash TEXT NOT NULL,
      block_number INTEGER NOT NULL,
      log_index INTEGER NOT NULL,
      PRIMARY KEY (block_number, log_index)
    );
    CREATE INDEX ix_standstills_by_case ON ix_standstills (case_id, creditor_id);
    CREATE TABLE ix_disputes (
      dispute_id TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      settlement_id TEXT NOT NULL,
      subject INTEGER NOT NULL,
      sequence INTEGER NOT NULL,
      clause_hash TEXT NOT NULL,
      evidence_hash TEXT NOT NULL,
      opened_by INTEGER NOT NULL,
      opened_at INTEGER NOT NULL,
      votes_due_at INTEGER NOT NULL,
      panel_size INTEGER NOT NULL,
      quorum INTEGER NOT NULL,
      block_number INTEGER NOT NULL
    );
    CREATE INDEX ix_disputes_by_case ON ix_disputes (case_id);
    CREATE TABLE ix_dispute_panel (
      dispute_id TEXT NOT NULL,
      member_id INTEGER NOT NULL,
      block_number INTEGER NOT NULL,
      PRIMARY KEY (dispute_id, member_id)
    );
    CREATE INDEX ix_dispute_panel_by_member ON ix_dispute_panel (member_id);
    CREATE TABLE ix_dispute_votes (
      dispute_id TEXT NOT NULL,
      member_id INTEGER NOT NULL,
      vote INTEGER NOT NULL,
      opinion_hash TEXT NOT NULL,
      tx_hash TEXT NOT NULL,
      block_time INTEGER NOT NULL,
      block_number INTEGER NOT NULL,
      PRIMARY KEY (dispute_id, member_id)
    );
  `,
};

/**
 * The indexer's read models. Every row carries the block it came from, so that a chain that rolls
 * back is undone with one `DELETE … WHERE block_number > ?` per table; nothing is ever updated in
 * place (an agreement's status and paid total are derived from its events).
 */
export const indexerMigrations: Migration[] = [
  {
    id: "indexer-001-read-models",
    sql: `
      -- The last block indexed (its hash detects a chain that rolled back).
      CREATE TABLE ix_checkpoint (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        block_number INTEGER NOT NULL,
        block_hash TEXT NOT NULL
      );
      -- Blocks seen: those holding events and each round's last block, for finding where a fork began.
      CREATE TABLE ix_blocks (
        block_number INTEGER PRIMARY KEY,
        block_hash TEXT NOT NULL,
        block_time INTEGER NOT NULL
      );
      -- Every event of the registries, decoded: the case timeline reads these.
      CREATE TABLE ix_events (
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        tx_hash TEXT NOT NULL,
        block_time INTEGER NOT NULL,
        name TEXT NOT NULL,
        settlement_id TEXT,
        case_id TEXT,
        args TEXT NOT NULL,
        PRIMARY KEY (block_number, log_index)
      );
      CREATE INDEX ix_events_by_settlement ON ix_events (settlement_id, name, block_number, log_index);
      CREATE INDEX ix_events_by_case ON ix_events (case_id, block_number, log_index);
      -- Registered agreements: what never changes after registration (read from the registry then).
      CREATE TABLE ix_agreements (
        settlement_id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        amends TEXT,
        borrower TEXT NOT NULL,
        platform TEXT NOT NULL,
        lawyer TEXT NOT NULL,
        platform_id INTEGER NOT NULL,
        borrower_id INTEGER NOT NULL,
        lawyer_id INTEGER NOT NULL,
        document_hash TEXT NOT NULL,
        total_due TEXT NOT NULL,
        grace_period INTEGER NOT NULL,
        cure_period INTEGER NOT NULL,
        contest_window INTEGER NOT NULL,
        registered_at INTEGER NOT NULL,
        block_number INTEGER NOT NULL
      );
      CREATE INDEX ix_agreements_by_platform ON ix_agreements (platform_id);
      CREATE INDEX ix_agreements_by_case ON ix_agreements (case_id);
      CREATE TABLE ix_instalments (
        settlement_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        due_at INTEGER NOT NULL,
        amount TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        PRIMARY KEY (settlement_id, idx)
      );
      CREATE TABLE ix_payments (
        settlement_id TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        amount TEXT NOT NULL,
        paid_at INTEGER NOT NULL,
        block_number INTEGER NOT NULL,
        tx_hash TEXT NOT NULL,
        PRIMARY KEY (settlement_id, sequence)
      );
      CREATE TABLE ix_anchors (
        root TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        leaf_count INTEGER NOT NULL,
        block_number INTEGER NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE INDEX ix_anchors_by_case ON ix_anchors (case_id);
    `,
  },
  mediationReadModels,
];
