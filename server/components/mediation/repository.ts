/** The mediation read models the indexer writes (server/components/indexer/mediation.ts), as the views need them. */
import type { Db } from "../../db/database.js";

type Row = Record<string, string | number | null>;

export interface IndexedCase {
  caseId: string;
  caseType: number;
  borrowerId: number;
  coordinatorId: number;
  mediatorId: number;
  openedAt: number;
  /** The last `CaseStatusChanged`'s `to` (Opened when none). */
  status: number;
}

const CASES = `
  SELECT c.*, COALESCE((
    SELECT json_extract(e.args, '$.to') FROM ix_case_events e
     WHERE e.case_id = c.case_id AND e.name = 'CaseStatusChanged'
     ORDER BY e.block_number DESC, e.log_index DESC LIMIT 1), 1) AS status
  FROM ix_mediation_cases c`;

const caseFrom = (row: Row): IndexedCase => ({
  caseId: String(row.case_id),
  caseType: Number(row.case_type),
  borrowerId: Number(row.borrower_id),
  coordinatorId: Number(row.coordinator_id),
  mediatorId: Number(row.mediator_id),
  openedAt: Number(row.opened_at),
  status: Number(row.status),
});

/** Every indexed case (the committee's view), or those in which `accountId` is a party. */
export async function casesOf(db: Db, accountId: number | "all"): Promise<IndexedCase[]> {
  const rows =
    accountId === "all"
      ? await db.all<Row>(`${CASES} ORDER BY c.block_number`)
      : await db.all<Row>(
          `${CASES} WHERE c.case_id IN (SELECT case_id FROM ix_mediation_parties WHERE account_id = ?)
           ORDER BY c.block_number`,
          [accountId],
        );
  return rows.map(caseFrom);
}

/** The roles `accountId` holds in a case (borrower, coordinator, mediator, creditor, counsel). */
export async function rolesIn(db: Db, caseId: string, accountId: number): Promise<string[]> {
  const rows = await db.all<Row>(
    "SELECT DISTINCT role FROM ix_mediation_parties WHERE case_id = ? AND account_id = ? ORDER BY role",
    [caseId.toLowerCase(), accountId],
  );
  return rows.map((row) => String(row.role));
}

export interface StandstillRow {
  creditorId: number;
  borrowerId: number;
  from: number;
  until: number;
  txHash: string;
  blockNumber: number;
}

/** Each recorded standstill of a case (an extension is a later row), oldest first. */
export async function standstillsOf(db: Db, caseId: string): Promise<StandstillRow[]> {
  const rows = await db.all<Row>(
    `SELECT creditor_id, borrower_id, from_time, until, tx_hash, block_number FROM ix_standstills
      WHERE case_id = ? ORDER BY block_number, log_index`,
    [caseId.toLowerCase()],
  );
  return rows.map((row) => ({
    creditorId: Number(row.creditor_id),
    borrowerId: Number(row.borrower_id),
    from: Number(row.from_time),
    until: Number(row.until),
    txHash: String(row.tx_hash),
    blockNumber: Number(row.block_number),
  }));
}

export interface IndexedDispute {
  disputeId: string;
  caseId: string;
  settlementId: string;
  subject: number;
  openedAt: number;
  votesDueAt: number;
  /** Open until a `DisputeDecided` or `DisputeExpired` is indexed. */
  state: "Open" | "Decided" | "Expired";
  panel: number[];
  voted: number[];
}

/** The disputes of these cases (only the open ones when `onlyOpen`), by voting deadline. */
export async function disputesOf(db: Db, caseIds: readonly string[], onlyOpen: boolean): Promise<IndexedDispute[]> {
  if (caseIds.length === 0) return [];
  const rows = await db.all<Row>(
    `SELECT * FROM (
       SELECT d.dispute_id, d.case_id, d.settlement_id, d.subject, d.opened_at, d.votes_due_at,
              COALESCE((SELECT CASE e.name WHEN 'DisputeDecided' THEN 'Decided' ELSE 'Expired' END
                          FROM ix_case_events e
                         WHERE e.dispute_id = d.dispute_id AND e.name IN ('DisputeDecided', 'DisputeExpired')
                         ORDER BY e.block_number DESC LIMIT 1), 'Open') AS state
         FROM ix_disputes d
        WHERE d.case_id IN (${caseIds.map(() => "?").join(", ")}))
      ${onlyOpen ? "WHERE state = 'Open'" : ""}
      ORDER BY votes_due_at, CAST(dispute_id AS INTEGER)`,
    [...caseIds],
  );
  return Promise.all(
    rows.map(async (row) => {
      const id = String(row.dispute_id);
      const panel = await db.all<Row>(
        "SELECT member_id FROM ix_dispute_panel WHERE dispute_id = ? ORDER BY member_id",
        [id],
      );
      const voted = await db.all<Row>("SELECT member_id FROM ix_dispute_votes WHERE dispute_id = ?", [id]);
      return {
        disputeId: id,
        caseId: String(row.case_id),
        settlementId: String(row.settlement_id),
        subject: Number(row.subject),
        openedAt: Number(row.opened_at),
        votesDueAt: Number(row.votes_due_at),
        state: String(row.state) as IndexedDispute["state"],
        panel: panel.map((p) => Number(p.member_id)),
        voted: voted.map((v) => Number(v.member_id)),
      };
    }),
  );
}

export interface VoteRow {
  memberId: number;
  vote: number;
  opinionHash: string;
  at: number;
  txHash: string;
}

export async function votesOf(db: Db, disputeId: string): Promise<VoteRow[]> {
  const rows = await db.all<Row>(
    "SELECT member_id, vote, opinion_hash, block_time, tx_hash FROM ix_dispute_votes WHERE dispute_id = ? ORDER BY block_number",
    [disputeId],
  );
  return rows.map((row) => ({
    memberId: Number(row.member_id),
    vote: Number(row.vote),
    opinionHash: String(row.opinion_hash),
    at: Number(row.block_time),
    txHash: String(row.tx_hash),
  }));
}

export interface ResolutionRow {
  documentId: string;
  disputeId: string;
  caseId: string;
  sha256: string;
  name: string;
  uploadedBy: string;
  /** Unix milliseconds. */
  createdAt: number;
}

export async function insertResolution(db: Db, row: ResolutionRow): Promise<void> {
  await db.run(
    `INSERT INTO mediation_resolutions (document_id, dispute_id, case_id, sha256, name, uploaded_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [row.documentId, row.disputeId, row.caseId, row.sha256, row.name, row.uploadedBy, row.createdAt],
  );
}

export async function resolutionsOf(db: Db, disputeId: string): Promise<ResolutionRow[]> {
  const rows = await db.all<Row>(
    "SELECT * FROM mediation_resolutions WHERE dispute_id = ? ORDER BY created_at, document_id",
    [disputeId],
  );
  return rows.map((row) => ({
    documentId: String(row.document_id),
    disputeId: String(row.dispute_id),
    caseId: String(row.case_id),
    sha256: String(row.sha256),
    name: String(row.name),
    uploadedBy: String(row.uploaded_by),
    createdAt: Number(row.created_at),
  }));
}

/** The gateway case an agreement was registered in (the indexer's), if this gateway keeps that case. */
export async function gatewayCaseOf(db: Db, settlementId: string): Promise<string | undefined> {
  const row = await db.get<Row>(
    "SELECT a.case_id FROM ix_agreements a JOIN cases c ON c.id = a.case_id WHERE a.settlement_id = ?",
    [settlementId.toLowerCase()],
  );
  return row === undefined ? undefined : String(row.case_id);
}
