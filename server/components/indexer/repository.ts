/** The indexer's read models in SQL: written a round at a time, undone a fork at a time, read by the APIs. */
import type { Db } from "../../db/database.js";
import { type MediationRound, writeMediation } from "./mediation.js";
import type { RecordedPayment, ScheduledInstalment } from "./compliance.js";

export interface Checkpoint {
  blockNumber: number;
  blockHash: string;
}

export interface IndexedEvent {
  blockNumber: number;
  logIndex: number;
  blockHash: string;
  txHash: string;
  /** Unix seconds. */
  blockTime: number;
  name: string;
  settlementId: string | null;
  caseId: string | null;
  args: Record<string, unknown>;
  /** `args` as stored (bigints as decimal strings). */
  json: string;
}

export interface IndexedAgreement {
  settlementId: string;
  caseId: string;
  amends: string | null;
  borrower: string;
  platform: string;
  lawyer: string;
  platformId: number;
  borrowerId: number;
  lawyerId: number;
  documentHash: string;
  totalDue: bigint;
  gracePeriod: number;
  curePeriod: number;
  contestWindow: number;
  registeredAt: number;
  blockNumber: number;
  instalments: ScheduledInstalment[];
}

export interface Round {
  events: readonly IndexedEvent[];
  agreements: readonly IndexedAgreement[];
  /** The CaseRegistry's events and what their rows need. */
  mediation: MediationRound;
  lastBlock: { number: number; hash: string; time: number };
}

/** Tables whose rows are undone when the chain rolls back past their block. */
const TABLES = [
  "ix_events",
  "ix_agreements",
  "ix_instalments",
  "ix_payments",
  "ix_anchors",
  "ix_case_events",
  "ix_mediation_cases",
  "ix_mediation_parties",
  "ix_standstills",
  "ix_disputes",
  "ix_dispute_panel",
  "ix_dispute_votes",
  "ix_blocks",
] as const;

/** Blocks without events kept below the checkpoint for finding a fork point (older ones are pruned). */
const KEPT_EMPTY_BLOCKS = 256;

type Row = Record<string, string | number | null>;

export async function readCheckpoint(db: Db): Promise<Checkpoint | undefined> {
  const row = await db.get<Row>("SELECT block_number, block_hash FROM ix_checkpoint WHERE id = 1");
  return row === undefined ? undefined : { blockNumber: Number(row.block_number), blockHash: String(row.block_hash) };
}

/** Writes a round's rows and moves the checkpoint, in one transaction (all of it or none). */
export async function writeRound(db: Db, round: Round): Promise<void> {
  const { lastBlock } = round;
  await db.transaction(async (tx) => {
    const blocks = new Map<number, { hash: string; time: number }>();
    for (const event of [...round.events, ...round.mediation.events]) {
      blocks.set(event.blockNumber, { hash: event.blockHash, time: event.blockTime });
    }
    blocks.set(lastBlock.number, { hash: lastBlock.hash, time: lastBlock.time });
    for (const [number, block] of blocks) {
      await tx.run(
        `INSERT INTO ix_blocks (block_number, block_hash, block_time) VALUES (?, ?, ?)
         ON CONFLICT (block_number) DO UPDATE SET block_hash = excluded.block_hash, block_time = excluded.block_time`,
        [number, block.hash.toLowerCase(), block.time],
      );
    }
    for (const a of round.agreements) {
      await tx.run(
        `INSERT INTO ix_agreements (settlement_id, case_id, amends, borrower, platform, lawyer, platform_id, borrower_id,
           lawyer_id, document_hash, total_due, grace_period, cure_period, contest_window, registered_at, block_number)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          a.settlementId,
          a.caseId,
          a.amends,
          a.borrower,
          a.platform,
          a.lawyer,
          a.platformId,
          a.borrowerId,
          a.lawyerId,
          a.documentHash.toLowerCase(),
          a.totalDue.toString(),
          a.gracePeriod,
          a.curePeriod,
          a.contestWindow,
          a.registeredAt,
          a.blockNumber,
        ],
      );
      for (const [index, instalment] of a.instalments.entries()) {
        await tx.run(
          "INSERT INTO ix_instalments (settlement_id, idx, due_at, amount, block_number) VALUES (?, ?, ?, ?, ?)",
          [a.settlementId, index, instalment.dueAt, instalment.amount.toString(), a.blockNumber],
        );
      }
    }
    for (const e of round.events) {
      await tx.run(
        `INSERT INTO ix_events (block_number, log_index, tx_hash, block_time, name, settlement_id, case_id, args)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [e.blockNumber, e.logIndex, e.txHash.toLowerCase(), e.blockTime, e.name, e.settlementId, e.caseId, e.json],
      );
      if (e.name === "PaymentRecorded") {
        const args = e.args as { sequence: number; amount: bigint; paidAt: number };
        await tx.run(
          `INSERT INTO ix_payments (settlement_id, sequence, amount, paid_at, block_number, tx_hash)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [e.settlementId, Number(args.sequence), args.amount.toString(), Number(args.paidAt), e.blockNumber, e.txHash],
        );
      } else if (e.name === "Anchored") {
        const args = e.args as { root: string; leafCount: number };
        await tx.run(
          "INSERT INTO ix_anchors (root, case_id, leaf_count, block_number, tx_hash) VALUES (?, ?, ?, ?, ?)",
          [args.root.toLowerCase(), e.caseId, Number(args.leafCount), e.blockNumber, e.txHash],
        );
      }
    }
    await writeMediation(tx, round.mediation);
    await tx.run(
      `INSERT INTO ix_checkpoint (id, block_number, block_hash) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash`,
      [lastBlock.number, lastBlock.hash.toLowerCase()],
    );
    await tx.run(
      `DELETE FROM ix_blocks WHERE block_number < ?
         AND block_number NOT IN (SELECT block_number FROM ix_events WHERE block_number < ?)
         AND block_number NOT IN (SELECT block_number FROM ix_case_events WHERE block_number < ?)`,
      [
        lastBlock.number - KEPT_EMPTY_BLOCKS,
        lastBlock.number - KEPT_EMPTY_BLOCKS,
        lastBlock.number - KEPT_EMPTY_BLOCKS,
      ],
    );
  });
}

/** Stored blocks at or below `blockNumber`, newest first: the candidates for a fork point. */
export async function storedBlocksFrom(db: Db, blockNumber: number): Promise<{ number: number; hash: string }[]> {
  const rows = await db.all<Row>(
    "SELECT block_number, block_hash FROM ix_blocks WHERE block_number <= ? ORDER BY block_number DESC",
    [blockNumber],
  );
  return rows.map((row) => ({ number: Number(row.block_number), hash: String(row.block_hash) }));
}

/** Deletes every row above the fork point and moves the checkpoint there (none: start over). */
export async function rollBackTo(db: Db, forkPoint: { number: number; hash: string } | undefined): Promise<void> {
  await db.transaction(async (tx) => {
    for (const table of TABLES) await tx.run(`DELETE FROM ${table} WHERE block_number > ?`, [forkPoint?.number ?? -1]);
    if (forkPoint === undefined) await tx.run("DELETE FROM ix_checkpoint");
    else await tx.run("UPDATE ix_checkpoint SET block_number = ?, block_hash = ?", [forkPoint.number, forkPoint.hash]);
  });
}

export async function caseOfAgreement(db: Db, settlementId: string): Promise<string | null> {
  const row = await db.get<Row>("SELECT case_id FROM ix_agreements WHERE settlement_id = ?", [settlementId]);
  return row === undefined ? null : String(row.case_id);
}

/** An indexed agreement with what its events say now: status and payments. */
export interface AgreementRecord extends Omit<IndexedAgreement, "instalments"> {
  /** `Status` name of protocol/enums.ts. */
  status: number;
  instalments: ScheduledInstalment[];
  payments: (RecordedPayment & { sequence: number; blockNumber: number; txHash: string })[];
}

const agreementFrom = (row: Row) => ({
  settlementId: String(row.settlement_id),
  caseId: String(row.case_id),
  amends: row.amends === null ? null : String(row.amends),
  borrower: String(row.borrower),
  platform: String(row.platform),
  lawyer: String(row.lawyer),
  platformId: Number(row.platform_id),
  borrowerId: Number(row.borrower_id),
  lawyerId: Number(row.lawyer_id),
  documentHash: String(row.document_hash),
  totalDue: BigInt(String(row.total_due)),
  gracePeriod: Number(row.grace_period),
  curePeriod: Number(row.cure_period),
  contestWindow: Number(row.contest_window),
  registeredAt: Number(row.registered_at),
  blockNumber: Number(row.block_number),
  status: Number(row.status),
});

/** The status an agreement's last `StatusChanged` event set (Active = 1 when none). */
const WITH_STATUS = `
  SELECT a.*, COALESCE((
    SELECT json_extract(e.args, '$.to') FROM ix_events e
     WHERE e.settlement_id = a.settlement_id AND e.name = 'StatusChanged'
     ORDER BY e.block_number DESC, e.log_index DESC LIMIT 1), 1) AS status
  FROM ix_agreements a`;

async function withSchedules(db: Db, rows: Row[]): Promise<AgreementRecord[]> {
  return Promise.all(
    rows.map(async (row) => {
      const id = String(row.settlement_id);
      const instalments = await db.all<Row>(
        "SELECT due_at, amount FROM ix_instalments WHERE settlement_id = ? ORDER BY idx",
        [id],
      );
      const payments = await db.all<Row>(
        "SELECT sequence, amount, paid_at, block_number, tx_hash FROM ix_payments WHERE settlement_id = ? ORDER BY sequence",
        [id],
      );
      return {
        ...agreementFrom(row),
        instalments: instalments.map((i) => ({ dueAt: Number(i.due_at), amount: BigInt(String(i.amount)) })),
        payments: payments.map((p) => ({
          sequence: Number(p.sequence),
          amount: BigInt(String(p.amount)),
          paidAt: Number(p.paid_at),
          blockNumber: Number(p.block_number),
          txHash: String(p.tx_hash),
        })),
      };
    }),
  );
}

export async function findAgreement(db: Db, settlementId: string): Promise<AgreementRecord | undefined> {
  const rows = await db.all<Row>(`${WITH_STATUS} WHERE a.settlement_id = ?`, [settlementId.toLowerCase()]);
  return (await withSchedules(db, rows))[0];
}

export async function agreementsOfPlatform(db: Db, platformId: number): Promise<AgreementRecord[]> {
  const rows = await db.all<Row>(`${WITH_STATUS} WHERE a.platform_id = ? ORDER BY a.block_number`, [platformId]);
  return withSchedules(db, rows);
}

export async function agreementIdsOfCase(
  db: Db,
  caseId: string,
): Promise<{ settlementId: string; platformId: number }[]> {
  const rows = await db.all<Row>("SELECT settlement_id, platform_id FROM ix_agreements WHERE case_id = ?", [
    caseId.toLowerCase(),
  ]);
  return rows.map((row) => ({ settlementId: String(row.settlement_id), platformId: Number(row.platform_id) }));
}

export interface TimelineEvent {
  blockNumber: number;
  logIndex: number;
  txHash: string;
  blockTime: number;
  name: string;
  settlementId: string | null;
  args: Record<string, unknown>;
}

export async function eventsOfCase(db: Db, caseId: string): Promise<TimelineEvent[]> {
  const rows = await db.all<Row>(
    `SELECT block_number, log_index, tx_hash, block_time, name, settlement_id, args FROM ix_events
      WHERE case_id = ? ORDER BY block_number, log_index`,
    [caseId.toLowerCase()],
  );
  return rows.map((row) => ({
    blockNumber: Number(row.block_number),
    logIndex: Number(row.log_index),
    txHash: String(row.tx_hash),
    blockTime: Number(row.block_time),
    name: String(row.name),
    settlementId: row.settlement_id === null ? null : String(row.settlement_id),
    args: JSON.parse(String(row.args)) as Record<string, unknown>,
  }));
}

/** The time of an indexed block (the checkpoint's, for a cross-check). */
export async function blockTimeOf(db: Db, blockNumber: number): Promise<number | undefined> {
  const row = await db.get<Row>("SELECT block_time FROM ix_blocks WHERE block_number = ?", [blockNumber]);
  return row === undefined ? undefined : Number(row.block_time);
}
