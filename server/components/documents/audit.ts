/**
 * The audit log: append-only and hash-chained. Entry n carries
 *
 *   hash_n = SHA-256( hash_{n-1} ‖ UTF-8( canonical JSON of
 *            [1, sequence, at, actor, action, caseId, documentId, details] ) )
 *
 * with hash_0's predecessor 32 zero bytes, keys of `details` sorted at every depth, and only strings,
 * safe integers, booleans, null, arrays and objects allowed in it. Editing, inserting, deleting or
 * reordering any entry breaks every later hash; anchoring the head on chain (`anchor.ts`) makes a
 * rewrite of the whole chain (or a cut at its end) detectable too.
 *
 * An entry is appended in the same transaction as the change it records (`appendAudit(tx, …)`).
 * Details never hold personal data (no names, no contents): entries can never be deleted, while
 * personal data must be deletable. The code never updates or deletes an entry; with PostgreSQL, the
 * gateway's role should also lack UPDATE and DELETE on `audit_log`.
 */
import { createHash } from "node:crypto";

import type { Db } from "../../db/database.js";

export type AuditAction =
  | "upload"
  | "upload_refused"
  | "read"
  | "read_refused"
  | "read_failed"
  | "grant"
  | "grant_refused"
  | "revoke"
  | "revoke_refused"
  | "delete"
  | "delete_refused";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface AuditRecord {
  /** Unix milliseconds. */
  at: number;
  /** The wallet acting (checksummed), or null for the gateway itself. */
  actor: string | null;
  action: AuditAction;
  caseId: string | null;
  documentId: string | null;
  details: { [key: string]: Json };
}

export interface AuditEntry extends AuditRecord {
  sequence: number;
  prevHash: string;
  hash: string;
}

interface AuditRow extends Record<string, string | number | null> {
  sequence: number;
  at: number;
  actor: string | null;
  action: string;
  case_id: string | null;
  document_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = `0x${"00".repeat(32)}`;
const ENTRY_FORMAT = 1;

/** JSON with object keys sorted at every depth; rejects values whose encoding could vary. */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError(`audit details hold safe integers only, not ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`).join(",")}}`;
}

/** The hash of an entry following `prevHash`. */
export function entryHash(prevHash: string, sequence: number, record: AuditRecord): string {
  const canonical = canonicalJson([
    ENTRY_FORMAT,
    sequence,
    record.at,
    record.actor,
    record.action,
    record.caseId,
    record.documentId,
    record.details,
  ]);
  const digest = createHash("sha256")
    .update(Buffer.from(prevHash.slice(2), "hex"))
    .update(canonical, "utf8")
    .digest("hex");
  return `0x${digest}`;
}

function fromRow(row: AuditRow): AuditEntry {
  return {
    sequence: row.sequence,
    at: row.at,
    actor: row.actor,
    action: row.action as AuditAction,
    caseId: row.case_id,
    documentId: row.document_id,
    details: JSON.parse(row.details) as AuditEntry["details"],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export async function auditHead(db: Db): Promise<{ sequence: number; hash: string } | undefined> {
  return db.get<{ sequence: number; hash: string }>(
    "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1",
  );
}

/** Appends an entry. Call it with the transaction that makes the change it records. */
export async function appendAudit(tx: Db, record: AuditRecord): Promise<AuditEntry> {
  const head = await auditHead(tx);
  const sequence = (head?.sequence ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = entryHash(prevHash, sequence, record);
  await tx.run(
    `INSERT INTO audit_log (sequence, at, actor, action, case_id, document_id, details, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      sequence,
      record.at,
      record.actor,
      record.action,
      record.caseId,
      record.documentId,
      canonicalJson(record.details),
      prevHash,
      hash,
    ],
  );
  return { ...record, sequence, prevHash, hash };
}

/** Appends an entry in a transaction of its own (for refusals and reads, which change nothing else). */
export function recordAudit(db: Db, record: AuditRecord): Promise<AuditEntry> {
  return db.transaction((tx) => appendAudit(tx, record));
}

/** A case's entries in order, after `after` (a sequence number), at most `limit`. */
export async function caseTrail(db: Db, caseId: string, after: number, limit: number): Promise<AuditEntry[]> {
  const rows = await db.all<AuditRow>(
    "SELECT * FROM audit_log WHERE case_id = ? AND sequence > ? ORDER BY sequence LIMIT ?",
    [caseId, after, limit],
  );
  return rows.map(fromRow);
}

export interface ChainVerification {
  valid: boolean;
  /** Entries checked. */
  entries: number;
  head: { sequence: number; hash: string } | null;
  /** The first entry that does not verify, and why. */
  brokenAt?: { sequence: number; reason: string };
  /** Local anchor records checked against the entries they name. */
  anchorsChecked: number;
}

/**
 * Recomputes every hash from the first entry on, checks the links and the sequence, and checks that
 * each recorded anchor names the hash its entry has now. Reads in pages, so a long log is fine.
 */
export async function verifyAuditChain(db: Db, pageSize = 1000): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let expected = 1;
  let entries = 0;
  const broken = (sequence: number, reason: string): ChainVerification => ({
    valid: false,
    entries,
    head: null,
    brokenAt: { sequence, reason },
    anchorsChecked: 0,
  });
  for (;;) {
    const rows = await db.all<AuditRow>("SELECT * FROM audit_log WHERE sequence >= ? ORDER BY sequence LIMIT ?", [
      expected,
      pageSize,
    ]);
    for (const row of rows) {
      if (row.sequence !== expected) return broken(expected, "missing entry: the sequence has a gap");
      if (row.prev_hash !== prevHash) return broken(row.sequence, "prevHash is not the previous entry's hash");
      let recomputed: string;
      try {
        recomputed = entryHash(prevHash, row.sequence, fromRow(row));
      } catch {
        return broken(row.sequence, "the entry cannot be read");
      }
      if (recomputed !== row.hash) return broken(row.sequence, "the entry's content does not match its hash");
      prevHash = row.hash;
      expected += 1;
      entries += 1;
    }
    if (rows.length < pageSize) break;
  }
  const anchors = await db.all<{ sequence: number; hash: string }>(
    "SELECT sequence, hash FROM audit_anchors ORDER BY sequence",
  );
  for (const anchor of anchors) {
    const row = await db.get<{ hash: string }>("SELECT hash FROM audit_log WHERE sequence = ?", [anchor.sequence]);
    if (row === undefined) return broken(anchor.sequence, "an anchored entry is missing (the log was cut)");
    if (row.hash !== anchor.hash) return broken(anchor.sequence, "the entry differs from the hash anchored on chain");
  }
  return {
    valid: true,
    entries,
    head: entries === 0 ? null : { sequence: expected - 1, hash: prevHash },
    anchorsChecked: anchors.length,
  };
}
