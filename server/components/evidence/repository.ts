/** Evidence items (a case document's SHA-256 with its salt) and the anchors that batch them, in SQL. */
import type { Db } from "../../db/database.js";

export interface EvidenceItem {
  id: string;
  caseId: `0x${string}`;
  documentId: `0x${string}`;
  /** SHA-256 of the document's bytes: what a court computes. */
  sha256: `0x${string}`;
  /** The per-document salt: the chain never carries a bare document hash. */
  salt: `0x${string}`;
  submittedBy: `0x${string}`;
  /** Unix milliseconds. */
  queuedAt: number;
  /** The anchored Merkle root holding it, once anchored. */
  root: `0x${string}` | null;
  proof: `0x${string}`[] | null;
}

export interface EvidenceAnchor {
  root: `0x${string}`;
  caseId: `0x${string}`;
  leafCount: number;
  txHash: `0x${string}`;
  blockNumber: number;
  blockHash: `0x${string}`;
  /** The block's time, Unix seconds. */
  blockTime: number;
  /** When the gateway recorded it, Unix milliseconds. */
  anchoredAt: number;
}

type Row = Record<string, string | number | null>;
const hex = (value: unknown) => value as `0x${string}`;

const itemFrom = (row: Row): EvidenceItem => ({
  id: String(row.id),
  caseId: hex(row.case_id),
  documentId: hex(row.document_id),
  sha256: hex(row.sha256),
  salt: hex(row.salt),
  submittedBy: hex(row.submitted_by),
  queuedAt: Number(row.queued_at),
  root: row.root === null ? null : hex(row.root),
  proof: row.proof === null ? null : (JSON.parse(String(row.proof)) as `0x${string}`[]),
});

const anchorFrom = (row: Row): EvidenceAnchor => ({
  root: hex(row.root),
  caseId: hex(row.case_id),
  leafCount: Number(row.leaf_count),
  txHash: hex(row.tx_hash),
  blockNumber: Number(row.block_number),
  blockHash: hex(row.block_hash),
  blockTime: Number(row.block_time),
  anchoredAt: Number(row.anchored_at),
});

/** Queues an item; false when the document is evidence of its case already. */
export async function insertItem(db: Db, item: EvidenceItem): Promise<boolean> {
  const { changes } = await db.run(
    `INSERT INTO evidence_items (id, case_id, document_id, sha256, salt, submitted_by, queued_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [item.id, item.caseId, item.documentId, item.sha256, item.salt, item.submittedBy, item.queuedAt],
  );
  return changes === 1;
}

export async function findItem(db: Db, id: string): Promise<EvidenceItem | undefined> {
  const row = await db.get<Row>("SELECT * FROM evidence_items WHERE id = ?", [id]);
  return row === undefined ? undefined : itemFrom(row);
}

export async function itemsOfCase(db: Db, caseId: string): Promise<EvidenceItem[]> {
  const rows = await db.all<Row>("SELECT * FROM evidence_items WHERE case_id = ? ORDER BY queued_at, id", [caseId]);
  return rows.map(itemFrom);
}

export async function itemsWithSha256(db: Db, sha256: string): Promise<EvidenceItem[]> {
  const rows = await db.all<Row>("SELECT * FROM evidence_items WHERE sha256 = ? AND root IS NOT NULL", [
    sha256.toLowerCase(),
  ]);
  return rows.map(itemFrom);
}

/** Items waiting for an anchor, oldest first. */
export async function waitingItems(db: Db): Promise<EvidenceItem[]> {
  const rows = await db.all<Row>("SELECT * FROM evidence_items WHERE root IS NULL ORDER BY case_id, queued_at, id");
  return rows.map(itemFrom);
}

/** Records an anchor and each of its items' proofs, in one transaction. */
export async function recordAnchor(
  db: Db,
  anchor: EvidenceAnchor,
  proofs: readonly { id: string; proof: readonly string[] }[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run(
      `INSERT INTO evidence_anchors (root, case_id, leaf_count, tx_hash, block_number, block_hash, block_time, anchored_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        anchor.root,
        anchor.caseId,
        anchor.leafCount,
        anchor.txHash,
        anchor.blockNumber,
        anchor.blockHash,
        anchor.blockTime,
        anchor.anchoredAt,
      ],
    );
    for (const { id, proof } of proofs) {
      await tx.run("UPDATE evidence_items SET root = ?, proof = ? WHERE id = ? AND root IS NULL", [
        anchor.root,
        JSON.stringify(proof),
        id,
      ]);
    }
  });
}

export async function findAnchor(db: Db, root: string): Promise<EvidenceAnchor | undefined> {
  const row = await db.get<Row>("SELECT * FROM evidence_anchors WHERE root = ?", [root.toLowerCase()]);
  return row === undefined ? undefined : anchorFrom(row);
}
