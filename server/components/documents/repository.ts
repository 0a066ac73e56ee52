/** Documents and disclosure grants in SQL (plain objects in, plain objects out). */
import type { Db } from "../../db/database.js";

export const DOCUMENT_KINDS = [
  "agreement",
  "loan_contract",
  "repayment_record",
  "correspondence",
  "evidence",
  "other",
] as const;
/** Kinds only the gateway itself writes: `record`, a case event it captured as evidence (a JSON file). */
export const GATEWAY_DOCUMENT_KINDS = ["record"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number] | (typeof GATEWAY_DOCUMENT_KINDS)[number];

/** What anyone allowed to see a document sees: no key material, no storage location. */
export interface DocumentInfo {
  id: `0x${string}`;
  caseId: `0x${string}`;
  name: string;
  kind: DocumentKind;
  mediaType: string;
  /** Plaintext bytes. */
  size: number;
  /** 0x-prefixed SHA-256 of the plaintext (kept after deletion). */
  sha256: `0x${string}`;
  uploader: `0x${string}`;
  /** Unix milliseconds. */
  createdAt: number;
  status: "available" | "deleted";
  deletedAt: number | null;
  deletedBy: `0x${string}` | null;
}

/** A document with what the gateway needs to read it (never leaves the component). */
export interface StoredDocument extends DocumentInfo {
  formatVersion: number;
  kekId: string | null;
  wrappedKey: Uint8Array | null;
  blobId: string | null;
}

interface DocumentRow extends Record<string, string | number | Uint8Array | null> {
  id: string;
  case_id: string;
  name: string;
  kind: string;
  media_type: string;
  size: number;
  sha256: string;
  uploader: string;
  created_at: number;
  format_version: number;
  kek_id: string | null;
  wrapped_key: Uint8Array | null;
  blob_id: string | null;
  deleted_at: number | null;
  deleted_by: string | null;
}

function fromRow(row: DocumentRow): StoredDocument {
  return {
    id: row.id as `0x${string}`,
    caseId: row.case_id as `0x${string}`,
    name: row.name,
    kind: row.kind as DocumentKind,
    mediaType: row.media_type,
    size: row.size,
    sha256: row.sha256 as `0x${string}`,
    uploader: row.uploader as `0x${string}`,
    createdAt: row.created_at,
    status: row.deleted_at === null ? "available" : "deleted",
    deletedAt: row.deleted_at,
    deletedBy: row.deleted_by as `0x${string}` | null,
    formatVersion: row.format_version,
    kekId: row.kek_id,
    wrappedKey: row.wrapped_key,
    blobId: row.blob_id,
  };
}

/** Drops what must not leave the component. */
export function publicInfo(document: StoredDocument): DocumentInfo {
  const { formatVersion: _v, kekId: _k, wrappedKey: _w, blobId: _b, ...info } = document;
  return info;
}

export async function insertDocument(tx: Db, document: StoredDocument): Promise<void> {
  await tx.run(
    `INSERT INTO documents (id, case_id, name, kind, media_type, size, sha256, uploader, created_at,
       format_version, kek_id, wrapped_key, blob_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      document.id,
      document.caseId,
      document.name,
      document.kind,
      document.mediaType,
      document.size,
      document.sha256,
      document.uploader,
      document.createdAt,
      document.formatVersion,
      document.kekId,
      document.wrappedKey,
      document.blobId,
    ],
  );
}

export async function findDocument(db: Db, caseId: string, documentId: string): Promise<StoredDocument | undefined> {
  const row = await db.get<DocumentRow>("SELECT * FROM documents WHERE id = ? AND case_id = ?", [documentId, caseId]);
  return row === undefined ? undefined : fromRow(row);
}

export async function documentsOfCase(db: Db, caseId: string): Promise<StoredDocument[]> {
  const rows = await db.all<DocumentRow>("SELECT * FROM documents WHERE case_id = ? ORDER BY created_at, id", [caseId]);
  return rows.map(fromRow);
}

export async function isBlobReferenced(db: Db, blobId: string): Promise<boolean> {
  return (await db.get("SELECT 1 AS one FROM documents WHERE blob_id = ?", [blobId])) !== undefined;
}

/**
 * Crypto-shredding: the wrapped key and the blob reference go; the row stays as a tombstone (name,
 * size, SHA-256, who uploaded and who deleted). False when it was already deleted.
 */
export async function shredDocument(tx: Db, documentId: string, by: string, at: number): Promise<boolean> {
  const { changes } = await tx.run(
    `UPDATE documents SET wrapped_key = NULL, kek_id = NULL, blob_id = NULL, deleted_at = ?, deleted_by = ?
     WHERE id = ? AND deleted_at IS NULL`,
    [at, by, documentId],
  );
  return changes === 1;
}

export interface Grant {
  /** The EIP-712 digest of the signed grant. */
  id: `0x${string}`;
  documentId: `0x${string}`;
  caseId: `0x${string}`;
  granter: `0x${string}`;
  grantee: `0x${string}`;
  /** Unix seconds (as signed). */
  expiresAt: number;
  salt: `0x${string}`;
  signature: `0x${string}`;
  submittedBy: `0x${string}`;
  /** Unix milliseconds. */
  createdAt: number;
  revokedAt: number | null;
  revokedBy: `0x${string}` | null;
}

interface GrantRow extends Record<string, string | number | null> {
  id: string;
  document_id: string;
  case_id: string;
  granter: string;
  grantee: string;
  expires_at: number;
  salt: string;
  signature: string;
  submitted_by: string;
  created_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
}

const grantFromRow = (row: GrantRow): Grant => ({
  id: row.id as `0x${string}`,
  documentId: row.document_id as `0x${string}`,
  caseId: row.case_id as `0x${string}`,
  granter: row.granter as `0x${string}`,
  grantee: row.grantee as `0x${string}`,
  expiresAt: row.expires_at,
  salt: row.salt as `0x${string}`,
  signature: row.signature as `0x${string}`,
  submittedBy: row.submitted_by as `0x${string}`,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
  revokedBy: row.revoked_by as `0x${string}` | null,
});

/** Inserts the grant; false when a grant with this id (the same signed grant) exists. */
export async function insertGrant(tx: Db, grant: Grant): Promise<boolean> {
  const { changes } = await tx.run(
    `INSERT INTO disclosure_grants (id, document_id, case_id, granter, grantee, expires_at, salt, signature,
       submitted_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    [
      grant.id,
      grant.documentId,
      grant.caseId,
      grant.granter,
      grant.grantee,
      grant.expiresAt,
      grant.salt,
      grant.signature,
      grant.submittedBy,
      grant.createdAt,
    ],
  );
  return changes === 1;
}

export async function findGrant(db: Db, documentId: string, grantId: string): Promise<Grant | undefined> {
  const row = await db.get<GrantRow>("SELECT * FROM disclosure_grants WHERE id = ? AND document_id = ?", [
    grantId,
    documentId,
  ]);
  return row === undefined ? undefined : grantFromRow(row);
}

export async function grantsOfDocument(db: Db, documentId: string): Promise<Grant[]> {
  const rows = await db.all<GrantRow>("SELECT * FROM disclosure_grants WHERE document_id = ? ORDER BY created_at, id", [
    documentId,
  ]);
  return rows.map(grantFromRow);
}

/** The grants `grantee` holds on the document, newest (last submitted) first. */
export async function grantsFor(db: Db, documentId: string, grantee: string): Promise<Grant[]> {
  const rows = await db.all<GrantRow>(
    "SELECT * FROM disclosure_grants WHERE document_id = ? AND grantee = ? ORDER BY created_at DESC, id",
    [documentId, grantee],
  );
  return rows.map(grantFromRow);
}

/** False when it was already revoked. */
export async function revokeGrant(tx: Db, grantId: string, by: string, at: number): Promise<boolean> {
  const { changes } = await tx.run(
    "UPDATE disclosure_grants SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
    [at, by, grantId],
  );
  return changes === 1;
}
