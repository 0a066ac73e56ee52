/** Payment reports in SQL: what the platform's payment system sent, and how far it got on chain. */
import type { Db } from "../../db/database.js";

export type ReportState = "accepted" | "submitted" | "recorded" | "failed";

export interface StoredReport {
  /** The report's EIP-712 digest: what the oracle signed, and the report's id. */
  id: `0x${string}`;
  settlementId: `0x${string}`;
  sequence: number;
  amount: bigint;
  /** Unix seconds. */
  paidAt: number;
  bankReference: `0x${string}`;
  signature: `0x${string}`;
  oracle: `0x${string}`;
  platformId: number;
  state: ReportState;
  /** Unix milliseconds. */
  receivedAt: number;
  txHash: `0x${string}` | null;
  blockNumber: number | null;
  /** When it was recorded or failed, Unix milliseconds. */
  settledAt: number | null;
  /** The registry's refusal, for a failed report. */
  error: { name: string; args: unknown[] } | null;
}

interface ReportRow extends Record<string, string | number | null> {
  id: string;
  settlement_id: string;
  sequence: number;
  amount: string;
  paid_at: number;
  bank_reference: string;
  signature: string;
  oracle: string;
  platform_id: number;
  state: string;
  received_at: number;
  tx_hash: string | null;
  block_number: number | null;
  settled_at: number | null;
  error: string | null;
  error_args: string | null;
}

const hex = (value: string) => value as `0x${string}`;

function fromRow(row: ReportRow): StoredReport {
  return {
    id: hex(row.id),
    settlementId: hex(row.settlement_id),
    sequence: row.sequence,
    amount: BigInt(row.amount),
    paidAt: row.paid_at,
    bankReference: hex(row.bank_reference),
    signature: hex(row.signature),
    oracle: hex(row.oracle),
    platformId: row.platform_id,
    state: row.state as ReportState,
    receivedAt: row.received_at,
    txHash: row.tx_hash === null ? null : hex(row.tx_hash),
    blockNumber: row.block_number,
    settledAt: row.settled_at,
    error: row.error === null ? null : { name: row.error, args: JSON.parse(row.error_args ?? "[]") as unknown[] },
  };
}

/**
 * Stores an accepted report. Resolves false, storing nothing, when a report with this id or a live
 * report with this sequence number is there already (a concurrent delivery won the race).
 */
export async function insertReport(db: Db, report: StoredReport): Promise<boolean> {
  const { changes } = await db.run(
    `INSERT INTO payment_reports (id, settlement_id, sequence, amount, paid_at, bank_reference, signature, oracle,
       platform_id, state, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?)
     ON CONFLICT DO NOTHING`,
    [
      report.id,
      report.settlementId,
      report.sequence,
      report.amount.toString(),
      report.paidAt,
      report.bankReference,
      report.signature,
      report.oracle,
      report.platformId,
      report.receivedAt,
    ],
  );
  return changes === 1;
}

export async function findReport(db: Db, id: string): Promise<StoredReport | undefined> {
  const row = await db.get<ReportRow>("SELECT * FROM payment_reports WHERE id = ?", [id.toLowerCase()]);
  return row === undefined ? undefined : fromRow(row);
}

/** The live (not failed) report holding a sequence number of an agreement. */
export async function liveReportAt(db: Db, settlementId: string, sequence: number): Promise<StoredReport | undefined> {
  const row = await db.get<ReportRow>(
    "SELECT * FROM payment_reports WHERE settlement_id = ? AND sequence = ? AND state <> 'failed'",
    [settlementId, sequence],
  );
  return row === undefined ? undefined : fromRow(row);
}

/** Reports not yet recorded on chain (accepted or submitted), by agreement and sequence. */
export async function openReports(db: Db, settlementId?: string): Promise<StoredReport[]> {
  const rows =
    settlementId === undefined
      ? await db.all<ReportRow>(
          "SELECT * FROM payment_reports WHERE state IN ('accepted', 'submitted') ORDER BY settlement_id, sequence",
        )
      : await db.all<ReportRow>(
          `SELECT * FROM payment_reports WHERE state IN ('accepted', 'submitted') AND settlement_id = ?
           ORDER BY sequence`,
          [settlementId],
        );
  return rows.map(fromRow);
}

export async function markSubmitted(db: Db, ids: readonly string[], txHash: string): Promise<void> {
  await db.transaction(async (tx) => {
    for (const id of ids) {
      await tx.run("UPDATE payment_reports SET state = 'submitted', tx_hash = ? WHERE id = ? AND state = 'accepted'", [
        txHash,
        id,
      ]);
    }
  });
}

/** Recorded on chain: by our transaction (`txHash`, `blockNumber`) or by one we did not see. */
export async function markRecorded(
  db: Db,
  id: string,
  at: number,
  txHash: string | null,
  blockNumber: number | null,
): Promise<void> {
  await db.run(
    `UPDATE payment_reports SET state = 'recorded', settled_at = ?, tx_hash = COALESCE(?, tx_hash),
       block_number = COALESCE(?, block_number)
     WHERE id = ? AND state IN ('accepted', 'submitted')`,
    [at, txHash, blockNumber, id],
  );
}

export async function markFailed(db: Db, id: string, at: number, error: { name: string; args: unknown[] }) {
  await db.run(
    `UPDATE payment_reports SET state = 'failed', settled_at = ?, error = ?, error_args = ?
     WHERE id = ? AND state IN ('accepted', 'submitted')`,
    [at, error.name, JSON.stringify(error.args), id],
  );
}
