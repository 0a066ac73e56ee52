/**
 * Drafts, their signatures, and the registration outbox, in SQL. Functions take a `Db` — the
 * database or a transaction's handle — and return plain objects.
 */
import type { Settlement } from "../../../protocol/typed-data.js";
import type { Db } from "../../db/database.js";
import { settlementFromJson, settlementToJson } from "./eip712.js";

export type SignerRole = "borrower" | "platform" | "lawyer";
export const SIGNER_ROLES: readonly SignerRole[] = ["borrower", "platform", "lawyer"];

export type DraftState = "open" | "withdrawn" | "complete";

export interface Draft {
  id: string;
  caseId: `0x${string}`;
  state: DraftState;
  /** The EIP-712 digest of the terms: the id the registry gives the agreement. */
  settlementId: `0x${string}`;
  settlement: Settlement;
  documentId: string;
  documentSha256: `0x${string}`;
  /** Never on chain: with the document, it lets a court recompute `documentHash`. */
  documentSalt: `0x${string}`;
  createdBy: `0x${string}`;
  createdAt: number;
  updatedAt: number;
  withdrawnAt: number | null;
}

export interface SignatureRecord {
  role: SignerRole;
  signer: `0x${string}`;
  settlementId: `0x${string}`;
  signature: `0x${string}`;
  submittedBy: `0x${string}`;
  signedAt: number;
}

export type JobState = "pending" | "submitted" | "registered" | "failed";
export type RegistrationMethod = "register" | "registerMonthly";

export interface OutboxJob {
  id: string;
  draftId: string;
  settlementId: `0x${string}`;
  method: RegistrationMethod;
  state: JobState;
  /** Transient failures so far (node down, timeouts). */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** The transaction recorded (signed) before it was broadcast, while it may still be mined. */
  txHash: `0x${string}` | null;
  txNonce: number | null;
  rawTx: `0x${string}` | null;
  submittedAt: number | null;
  blockNumber: number | null;
  blockHash: `0x${string}` | null;
  registeredTxHash: `0x${string}` | null;
  registeredAt: number | null;
  /** A contract refusal, decoded with the registry's ABI (or RETRIES_EXHAUSTED). */
  errorName: string | null;
  errorArgs: unknown[] | null;
  errorMessage: string | null;
  failedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

type Text = string;
interface DraftRow extends Record<string, Text | number | null> {
  id: Text;
  case_id: Text;
  state: Text;
  settlement_id: Text;
  terms: Text;
  document_id: Text;
  document_sha256: Text;
  document_salt: Text;
  created_by: Text;
  created_at: number;
  updated_at: number;
  withdrawn_at: number | null;
}

const draftOf = (row: DraftRow): Draft => ({
  id: row.id,
  caseId: row.case_id as `0x${string}`,
  state: row.state as DraftState,
  settlementId: row.settlement_id as `0x${string}`,
  settlement: settlementFromJson(row.terms),
  documentId: row.document_id,
  documentSha256: row.document_sha256 as `0x${string}`,
  documentSalt: row.document_salt as `0x${string}`,
  createdBy: row.created_by as `0x${string}`,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  withdrawnAt: row.withdrawn_at,
});

export async function insertDraft(db: Db, draft: Draft): Promise<void> {
  await db.run(
    `INSERT INTO agreement_drafts (id, case_id, state, settlement_id, terms, document_id, document_sha256,
       document_salt, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      draft.id,
      draft.caseId,
      draft.state,
      draft.settlementId,
      settlementToJson(draft.settlement),
      draft.documentId,
      draft.documentSha256,
      draft.documentSalt,
      draft.createdBy,
      draft.createdAt,
      draft.updatedAt,
    ],
  );
}

/** Replaces an open, unsigned draft's terms; false when it is no longer open or someone signed. */
export async function replaceDraftTerms(
  db: Db,
  draft: Pick<Draft, "id" | "settlementId" | "settlement" | "documentId" | "documentSha256" | "documentSalt">,
  now: number,
): Promise<boolean> {
  const { changes } = await db.run(
    `UPDATE agreement_drafts SET settlement_id = ?, terms = ?, document_id = ?, document_sha256 = ?,
       document_salt = ?, updated_at = ?
     WHERE id = ? AND state = 'open'
       AND NOT EXISTS (SELECT 1 FROM agreement_signatures s WHERE s.draft_id = agreement_drafts.id)`,
    [
      draft.settlementId,
      settlementToJson(draft.settlement),
      draft.documentId,
      draft.documentSha256,
      draft.documentSalt,
      now,
      draft.id,
    ],
  );
  return changes === 1;
}

export async function findDraft(db: Db, caseId: string, id: string): Promise<Draft | undefined> {
  const row = await db.get<DraftRow>("SELECT * FROM agreement_drafts WHERE id = ? AND case_id = ?", [
    id,
    caseId.toLowerCase(),
  ]);
  return row === undefined ? undefined : draftOf(row);
}

/** A draft by its id alone (for the outbox worker, which has no case at hand). */
export async function findDraftById(db: Db, id: string): Promise<Draft | undefined> {
  const row = await db.get<DraftRow>("SELECT * FROM agreement_drafts WHERE id = ?", [id]);
  return row === undefined ? undefined : draftOf(row);
}

export async function draftsOfCase(db: Db, caseId: string): Promise<Draft[]> {
  const rows = await db.all<DraftRow>("SELECT * FROM agreement_drafts WHERE case_id = ? ORDER BY created_at, id", [
    caseId.toLowerCase(),
  ]);
  return rows.map(draftOf);
}

/** Withdraws an open draft; false when it is not open (withdrawn already, or fully signed). */
export async function withdrawDraft(db: Db, id: string, now: number): Promise<boolean> {
  const { changes } = await db.run(
    "UPDATE agreement_drafts SET state = 'withdrawn', withdrawn_at = ?, updated_at = ? WHERE id = ? AND state = 'open'",
    [now, now, id],
  );
  return changes === 1;
}

export async function markDraftComplete(db: Db, id: string, now: number): Promise<void> {
  await db.run("UPDATE agreement_drafts SET state = 'complete', updated_at = ? WHERE id = ?", [now, id]);
}

interface SignatureRow extends Record<string, Text | number> {
  role: Text;
  signer: Text;
  settlement_id: Text;
  signature: Text;
  submitted_by: Text;
  signed_at: number;
}

export async function signaturesOf(db: Db, draftId: string): Promise<SignatureRecord[]> {
  const rows = await db.all<SignatureRow>(
    "SELECT * FROM agreement_signatures WHERE draft_id = ? ORDER BY signed_at, role",
    [draftId],
  );
  return rows.map((row) => ({
    role: row.role as SignerRole,
    signer: row.signer as `0x${string}`,
    settlementId: row.settlement_id as `0x${string}`,
    signature: row.signature as `0x${string}`,
    submittedBy: row.submitted_by as `0x${string}`,
    signedAt: row.signed_at,
  }));
}

export async function insertSignature(db: Db, draftId: string, record: SignatureRecord): Promise<void> {
  await db.run(
    `INSERT INTO agreement_signatures (draft_id, role, signer, settlement_id, signature, submitted_by, signed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [draftId, record.role, record.signer, record.settlementId, record.signature, record.submittedBy, record.signedAt],
  );
}

/*//////////////////////////////////////////////////////////////
                              OUTBOX
//////////////////////////////////////////////////////////////*/

interface JobRow extends Record<string, Text | number | null> {
  id: Text;
  draft_id: Text;
  settlement_id: Text;
  method: Text;
  state: Text;
  attempts: number;
  next_attempt_at: number;
  last_error: Text | null;
  tx_hash: Text | null;
  tx_nonce: number | null;
  raw_tx: Text | null;
  submitted_at: number | null;
  block_number: number | null;
  block_hash: Text | null;
  registered_tx_hash: Text | null;
  registered_at: number | null;
  error_name: Text | null;
  error_args: Text | null;
  error_message: Text | null;
  failed_at: number | null;
  created_at: number;
  updated_at: number;
}

const jobOf = (row: JobRow): OutboxJob => ({
  id: row.id,
  draftId: row.draft_id,
  settlementId: row.settlement_id as `0x${string}`,
  method: row.method as RegistrationMethod,
  state: row.state as JobState,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error,
  txHash: row.tx_hash as `0x${string}` | null,
  txNonce: row.tx_nonce,
  rawTx: row.raw_tx as `0x${string}` | null,
  submittedAt: row.submitted_at,
  blockNumber: row.block_number,
  blockHash: row.block_hash as `0x${string}` | null,
  registeredTxHash: row.registered_tx_hash as `0x${string}` | null,
  registeredAt: row.registered_at,
  errorName: row.error_name,
  errorArgs: row.error_args === null ? null : (JSON.parse(row.error_args) as unknown[]),
  errorMessage: row.error_message,
  failedAt: row.failed_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function insertJob(
  db: Db,
  job: Pick<OutboxJob, "id" | "draftId" | "settlementId" | "method">,
  now: number,
): Promise<void> {
  await db.run(
    `INSERT INTO agreement_outbox (id, draft_id, settlement_id, method, state, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
    [job.id, job.draftId, job.settlementId, job.method, now, now, now],
  );
}

export async function jobOfDraft(db: Db, draftId: string): Promise<OutboxJob | undefined> {
  const row = await db.get<JobRow>("SELECT * FROM agreement_outbox WHERE draft_id = ?", [draftId]);
  return row === undefined ? undefined : jobOf(row);
}

export async function findJob(db: Db, id: string): Promise<OutboxJob | undefined> {
  const row = await db.get<JobRow>("SELECT * FROM agreement_outbox WHERE id = ?", [id]);
  return row === undefined ? undefined : jobOf(row);
}

/** Jobs in `state` whose next attempt is due, oldest first. */
export async function dueJobs(db: Db, state: "pending" | "submitted", now: number): Promise<OutboxJob[]> {
  const rows = await db.all<JobRow>(
    "SELECT * FROM agreement_outbox WHERE state = ? AND next_attempt_at <= ? ORDER BY created_at, id",
    [state, now],
  );
  return rows.map(jobOf);
}

/** The highest nonce of a recorded transaction that may still be mined, or undefined. */
export async function highestLiveNonce(db: Db): Promise<number | undefined> {
  const row = await db.get<{ nonce: number | null }>(
    "SELECT MAX(tx_nonce) AS nonce FROM agreement_outbox WHERE state = 'submitted'",
  );
  return row?.nonce ?? undefined;
}

/** Records a signed transaction before it is broadcast (one transaction of the database). */
export async function recordTransaction(
  db: Db,
  jobId: string,
  tx: { hash: `0x${string}`; nonce: number; raw: `0x${string}` },
  now: number,
): Promise<void> {
  await db.transaction(async (t) => {
    await t.run(
      // Signing the same call with the same nonce and fees gives the very same transaction: one row.
      `INSERT INTO agreement_transactions (tx_hash, job_id, nonce, raw_tx, signed_at, outcome)
       VALUES (?, ?, ?, ?, ?, 'in-flight') ON CONFLICT (tx_hash) DO UPDATE SET outcome = 'in-flight'`,
      [tx.hash, jobId, tx.nonce, tx.raw, now],
    );
    await t.run(
      `UPDATE agreement_outbox SET state = 'submitted', tx_hash = ?, tx_nonce = ?, raw_tx = ?, submitted_at = ?,
         next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'pending'`,
      [tx.hash, tx.nonce, tx.raw, now, now, now, jobId],
    );
  });
}

/** The recorded transaction is settled: mined and reverted, or dead (its nonce went to another). */
export async function dropTransaction(
  db: Db,
  job: OutboxJob,
  outcome: "reverted" | "dead",
  now: number,
): Promise<void> {
  await db.transaction(async (t) => {
    await t.run("UPDATE agreement_transactions SET outcome = ? WHERE tx_hash = ?", [outcome, job.txHash]);
    await t.run(
      `UPDATE agreement_outbox SET state = 'pending', tx_hash = NULL, tx_nonce = NULL, raw_tx = NULL,
         next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'submitted'`,
      [now, now, job.id],
    );
  });
}

export async function markRegistered(
  db: Db,
  job: OutboxJob,
  registration: { blockNumber: number; blockHash: `0x${string}`; txHash: `0x${string}` },
  now: number,
): Promise<void> {
  await db.transaction(async (t) => {
    if (job.txHash !== null) {
      await t.run("UPDATE agreement_transactions SET outcome = ? WHERE tx_hash = ?", [
        job.txHash === registration.txHash ? "mined" : "dead",
        job.txHash,
      ]);
    }
    await t.run(
      `UPDATE agreement_outbox SET state = 'registered', block_number = ?, block_hash = ?, registered_tx_hash = ?,
         registered_at = ?, last_error = NULL, updated_at = ? WHERE id = ?`,
      [registration.blockNumber, registration.blockHash, registration.txHash, now, now, job.id],
    );
  });
}

export async function markFailed(
  db: Db,
  job: OutboxJob,
  failure: { name: string; args: unknown[]; message: string },
  now: number,
): Promise<void> {
  await db.run(
    `UPDATE agreement_outbox SET state = 'failed', error_name = ?, error_args = ?, error_message = ?, failed_at = ?,
       updated_at = ? WHERE id = ? AND state = 'pending'`,
    [failure.name, JSON.stringify(failure.args), failure.message, now, now, job.id],
  );
}

/** A transient failure: try again at `nextAttemptAt`. */
export async function scheduleRetry(
  db: Db,
  job: OutboxJob,
  error: string,
  nextAttemptAt: number,
  now: number,
): Promise<void> {
  await db.run(
    "UPDATE agreement_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
    [error, nextAttemptAt, now, job.id],
  );
}

/** Looks again later without counting a failure (a transaction waiting to be mined or confirmed). */
export async function checkAgainAt(db: Db, job: OutboxJob, nextAttemptAt: number): Promise<void> {
  await db.run("UPDATE agreement_outbox SET next_attempt_at = ? WHERE id = ?", [nextAttemptAt, job.id]);
}

export interface TransactionRecord {
  txHash: `0x${string}`;
  nonce: number;
  signedAt: number;
  outcome: "in-flight" | "mined" | "reverted" | "dead";
}

/** Every transaction ever signed for a job, oldest first. */
export async function transactionsOf(db: Db, jobId: string): Promise<TransactionRecord[]> {
  const rows = await db.all<{ tx_hash: string; nonce: number; signed_at: number; outcome: string }>(
    "SELECT tx_hash, nonce, signed_at, outcome FROM agreement_transactions WHERE job_id = ? ORDER BY signed_at, nonce",
    [jobId],
  );
  return rows.map((row) => ({
    txHash: row.tx_hash as `0x${string}`,
    nonce: row.nonce,
    signedAt: row.signed_at,
    outcome: row.outcome as TransactionRecord["outcome"],
  }));
}

/** The case's registered agreements (drafts whose job is registered), oldest first. */
export async function registeredOfCase(db: Db, caseId: string): Promise<{ draft: Draft; job: OutboxJob }[]> {
  const drafts = await draftsOfCase(db, caseId);
  const result: { draft: Draft; job: OutboxJob }[] = [];
  for (const draft of drafts) {
    const job = draft.state === "complete" ? await jobOfDraft(db, draft.id) : undefined;
    if (job?.state === "registered") result.push({ draft, job });
  }
  return result;
}

/** The case's registered agreement with this settlement id, if any. */
export async function registeredBySettlementId(
  db: Db,
  caseId: string,
  settlementId: string,
): Promise<{ draft: Draft; job: OutboxJob } | undefined> {
  const found = await registeredOfCase(db, caseId);
  return found.find((r) => r.draft.settlementId.toLowerCase() === settlementId.toLowerCase());
}
