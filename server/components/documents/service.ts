/**
 * The documents' use cases: upload (streamed, encrypted, stored, recorded), access decisions (case
 * parties, holders of a valid disclosure grant), verified reads, and deletion by crypto-shredding.
 * Every decision that grants or refuses access to a document is written to the audit log, in the
 * transaction of the change it records.
 */
import { randomBytes } from "node:crypto";

import type { Logger } from "pino";

import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import { AppError, forbidden, notFound, payloadTooLarge } from "../../http/errors.js";
import type { CaseMembership } from "../cases/membership.js";
import type { PartyRole } from "../cases/repository.js";
import { type AuditAction, type AuditEntry, appendAudit, recordAudit } from "./audit.js";
import { BlobNotFoundError, type BlobStore, type StoredBlob } from "./blob-store.js";
import { type CryptoPool, type SealResult, UploadTooLargeError, sealUpload } from "./crypto-pool.js";
import { KeyEncryptionKey, KeyUnwrapError } from "./keys.js";
import {
  type DocumentInfo,
  type DocumentKind,
  type Grant,
  type StoredDocument,
  documentsOfCase,
  findDocument,
  grantsFor,
  insertDocument,
  publicInfo,
  shredDocument,
} from "./repository.js";
import { FORMAT_VERSION, SegmentDecryptor, StreamIntegrityError } from "./stream-aead.js";

export type Address = `0x${string}`;

export interface DocumentsDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  kek: KeyEncryptionKey;
  blobs: BlobStore;
  membership: CaseMembership;
  maxUploadBytes: number;
  /** Upload cryptography in worker threads; undefined: in the event loop's thread. */
  pool: CryptoPool | undefined;
}

/** How the caller may see a document. */
export type Access = { via: "party"; roles: PartyRole[] } | { via: "grant"; grant: Grant };

export interface UploadInput {
  caseId: string;
  uploader: Address;
  name: string;
  kind: DocumentKind;
  mediaType: string;
  /** The plaintext, streamed (the request body). */
  source: AsyncIterable<Uint8Array>;
}

/** A verified read: plaintext released segment by segment, each only once its tag verified. */
export interface OpenedDocument {
  document: DocumentInfo;
  /** Plaintext already verified (at least the first segment, or the whole of a short document). */
  head: Buffer[];
  /** The rest; throws (`AppError` DOCUMENT_CORRUPTED) at the first segment that does not verify. */
  rest: AsyncIterable<Buffer>;
  /** The audit entry of this read. */
  audit: AuditEntry;
}

export const documentDeleted = (documentId: string) =>
  new AppError(410, "DOCUMENT_DELETED", "This document was deleted: its key was destroyed.", { documentId });

const corrupted = (documentId: string, cause: unknown) =>
  new AppError(
    500,
    "DOCUMENT_CORRUPTED",
    "The stored document failed its integrity check and was not served; the operators have been alerted.",
    { documentId },
    { cause },
  );

const keyUnavailable = (documentId: string, cause: unknown) =>
  new AppError(
    500,
    "DOCUMENT_KEY_UNAVAILABLE",
    "The document's key cannot be unwrapped with the gateway's key-encryption key; it was not served.",
    { documentId },
    { cause },
  );

export class DocumentService {
  constructor(private readonly deps: DocumentsDeps) {}

  /**
   * A document's description, for other components (e.g. agreements take the SHA-256 of the agreement
   * document): 404 when the case has no such document. Deleted documents are described too (their
   * tombstone keeps name, size and SHA-256), with `status: "deleted"`.
   */
  async describe(caseId: string, documentId: string): Promise<DocumentInfo> {
    const document = await findDocument(this.deps.db, caseId.toLowerCase(), documentId.toLowerCase());
    if (document === undefined) throw notFound("Document", { caseId, documentId });
    return publicInfo(document);
  }

  /** The case's documents (tombstones included), for its parties. */
  async list(caseId: string, caller: Address): Promise<DocumentInfo[]> {
    const id = caseId.toLowerCase();
    await this.requireParty(id, caller, null, "read_refused", { what: "list" });
    return (await documentsOfCase(this.deps.db, id)).map(publicInfo);
  }

  /**
   * Streams `source` through SHA-256 and the segmented encryption (in a crypto worker when there is a
   * pool) into the blob store, then records
   * the document and its audit entry in one transaction. Only a case party may upload. A source that
   * fails (client abort) or exceeds the size limit leaves no blob and no row.
   */
  async upload(input: UploadInput): Promise<DocumentInfo> {
    await this.requireParty(input.caseId.toLowerCase(), input.uploader, null, "upload_refused", {});
    return this.store(input);
  }

  /**
   * Stores a document the gateway itself produced for a case (`uploader`: the gateway's relayer
   * address), encrypted and audited like an upload, without a party's session. For the evidence
   * records of case events (signatures, registrations, payment receipts).
   */
  storeGatewayDocument(input: UploadInput): Promise<DocumentInfo> {
    return this.store(input);
  }

  private async store(input: UploadInput): Promise<DocumentInfo> {
    const { db, clock, kek, blobs, maxUploadBytes } = this.deps;
    const caseId = input.caseId.toLowerCase();
    const id = `0x${randomBytes(32).toString("hex")}` as Address;
    const dataKey = KeyEncryptionKey.newDataKey();
    const sealed: SealResult = { size: 0, sha256: undefined };
    let blob: StoredBlob;
    try {
      blob = await blobs.put(sealUpload(this.deps.pool, dataKey, input.source, sealed, maxUploadBytes));
    } catch (error) {
      dataKey.fill(0);
      if (error instanceof UploadTooLargeError) throw payloadTooLarge(maxUploadBytes);
      throw error;
    }
    const size = sealed.size;

    const document: StoredDocument = {
      id,
      caseId: caseId as Address,
      name: input.name,
      kind: input.kind,
      mediaType: input.mediaType,
      size,
      sha256: `0x${sealed.sha256!.toString("hex")}`,
      uploader: input.uploader,
      createdAt: clock.now(),
      status: "available",
      deletedAt: null,
      deletedBy: null,
      formatVersion: FORMAT_VERSION,
      kekId: kek.id,
      wrappedKey: kek.wrap(dataKey, id),
      blobId: blob.id,
    };
    dataKey.fill(0);
    try {
      await db.transaction(async (tx) => {
        await insertDocument(tx, document);
        await appendAudit(tx, {
          at: document.createdAt,
          actor: input.uploader,
          action: "upload",
          caseId,
          documentId: id,
          details: { sha256: document.sha256, size, mediaType: document.mediaType, kind: document.kind },
        });
      });
    } catch (error) {
      await blobs.delete(blob.id).catch(() => undefined);
      throw error;
    }
    return publicInfo(document);
  }

  /**
   * Decides whether `caller` may see the document: a party of its case, or the grantee of a grant that
   * is neither revoked nor expired. A refusal is audited (`read_refused`) and throws 403; a missing
   * case or document is 404 (to parties; others learn only that they are refused).
   */
  async access(
    caseId: string,
    documentId: string,
    caller: Address,
    what: string,
  ): Promise<{ document: StoredDocument; access: Access }> {
    const { db, membership, clock } = this.deps;
    const roles = await membership.rolesOf(caseId, caller);
    if (roles.length > 0) {
      const document = await findDocument(db, caseId, documentId);
      if (document === undefined) throw notFound("Document", { caseId, documentId });
      return { document, access: { via: "party", roles } };
    }
    const grants = await grantsFor(db, documentId, caller);
    const document = grants.length === 0 ? undefined : await findDocument(db, caseId, documentId);
    if (document !== undefined) {
      const nowSeconds = Math.floor(clock.now() / 1000);
      const valid = grants.find((grant) => grant.revokedAt === null && nowSeconds < grant.expiresAt);
      if (valid !== undefined) return { document, access: { via: "grant", grant: valid } };
      // None is valid: say what became of the latest one.
      const code = grants[0]!.revokedAt !== null ? "GRANT_REVOKED" : "GRANT_EXPIRED";
      await this.audit("read_refused", caller, caseId, documentId, { what, reason: code.toLowerCase() });
      throw forbidden(
        code === "GRANT_EXPIRED"
          ? "Your disclosure grant for this document has expired."
          : "Your disclosure grant for this document was revoked.",
        code,
        { caseId, documentId },
      );
    }
    await membership.caseOf(caseId); // 404 for a case that does not exist
    await this.audit("read_refused", caller, caseId, documentId, { what, reason: "not_a_party" });
    throw forbidden("Only the case's parties and holders of a disclosure grant may read this.", "NOT_A_PARTY", {
      caseId,
      documentId,
    });
  }

  /**
   * Opens the document for reading: refuses deleted documents (410), unwraps the key, and verifies the
   * first segment before anything is released, so a tampered or truncated blob is a clean error
   * (DOCUMENT_CORRUPTED) in the common case. The read is audited before any plaintext leaves.
   */
  async open(document: StoredDocument, caller: Address, access: Access): Promise<OpenedDocument> {
    const { kek, blobs, logger } = this.deps;
    if (document.status === "deleted" || document.wrappedKey === null || document.blobId === null) {
      throw documentDeleted(document.id);
    }
    const failed = async (error: AppError, reason: string) => {
      await this.audit("read_failed", caller, document.caseId, document.id, { reason }).catch(() => undefined);
      return error;
    };
    let dataKey: Buffer;
    try {
      dataKey = kek.unwrap(document.wrappedKey, document.id);
    } catch (error) {
      if (error instanceof KeyUnwrapError) throw await failed(keyUnavailable(document.id, error), "key_unwrap_failed");
      throw error;
    }
    let stream: AsyncIterable<Buffer>;
    try {
      stream = (await blobs.get(document.blobId)) as AsyncIterable<Buffer>;
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw await failed(corrupted(document.id, error), "blob_missing");
      throw error;
    }
    const decryptor = new SegmentDecryptor(dataKey);
    dataKey.fill(0);
    const iterator = stream[Symbol.asyncIterator]();
    let released = 0;
    let ended = false;
    /** Pulls blob chunks until the decryptor releases something or the blob ends. */
    const pull = async (): Promise<Buffer[]> => {
      for (;;) {
        const next = await iterator.next();
        const out = next.done === true ? decryptor.finish() : decryptor.push(next.value);
        if (next.done === true) ended = true;
        for (const part of out) released += part.length;
        if (released > document.size) throw new StreamIntegrityError("segment", "more plaintext than recorded");
        if (ended && released !== document.size) {
          throw new StreamIntegrityError("truncated", `plaintext of ${released} bytes, recorded ${document.size}`);
        }
        if (out.length > 0 || ended) return out;
      }
    };
    const close = () => void iterator.return?.();

    let head: Buffer[];
    try {
      head = await pull();
    } catch (error) {
      close();
      if (error instanceof StreamIntegrityError) {
        throw await failed(corrupted(document.id, error), `integrity_${error.failure}`);
      }
      throw error;
    }
    const audit = await this.audit("read", caller, document.caseId, document.id, {
      via: access.via,
      ...(access.via === "grant" ? { grantId: access.grant.id } : {}),
    });
    const documentId = document.id;
    async function* rest(): AsyncGenerator<Buffer> {
      try {
        while (!ended) yield* await pull();
      } catch (error) {
        if (error instanceof StreamIntegrityError) {
          logger.error({ err: error, documentId }, "document failed its integrity check while streaming");
          throw corrupted(documentId, error);
        }
        throw error;
      } finally {
        close();
      }
    }
    return { document: publicInfo(document), head, rest: rest(), audit };
  }

  /**
   * Crypto-shredding, by the uploader or a lawyer of the case: the wrapped key is destroyed and the row
   * becomes a tombstone (with the SHA-256) in one transaction with its audit entry; then the blob goes.
   */
  async delete(caseId: string, documentId: string, caller: Address): Promise<DocumentInfo> {
    const { db, clock, blobs, logger } = this.deps;
    const roles = await this.requireParty(caseId, caller, documentId, "delete_refused", {});
    const document = await findDocument(db, caseId, documentId);
    if (document === undefined) throw notFound("Document", { caseId, documentId });
    if (document.status === "deleted") throw documentDeleted(documentId);
    if (document.uploader !== caller && !roles.includes("lawyer")) {
      await this.audit("delete_refused", caller, caseId, documentId, { reason: "not_uploader_or_lawyer" });
      throw forbidden("Only the document's uploader or the case's lawyer may delete it.", "DELETE_NOT_ALLOWED", {
        documentId,
      });
    }
    const at = clock.now();
    const shredded = await db.transaction(async (tx) => {
      if (!(await shredDocument(tx, documentId, caller, at))) return false;
      await appendAudit(tx, {
        at,
        actor: caller,
        action: "delete",
        caseId,
        documentId,
        details: { sha256: document.sha256, size: document.size },
      });
      return true;
    });
    if (!shredded) throw documentDeleted(documentId);
    // The key is gone, so the blob is unreadable already; a failure here leaves an orphan for the sweep.
    if (document.blobId !== null) {
      await blobs.delete(document.blobId).catch((error: unknown) => {
        logger.error({ err: error, documentId }, "could not delete a shredded document's blob");
      });
    }
    return publicInfo({ ...document, status: "deleted", deletedAt: at, deletedBy: caller });
  }

  /** The caller's roles in the case; otherwise the refusal is audited and 403 NOT_A_PARTY thrown (404 for no case). */
  async requireParty(
    caseId: string,
    caller: Address,
    documentId: string | null,
    refusal: AuditAction,
    details: Record<string, string>,
  ): Promise<PartyRole[]> {
    const roles = await this.deps.membership.rolesOf(caseId, caller);
    if (roles.length > 0) return roles;
    await this.deps.membership.caseOf(caseId);
    await this.audit(refusal, caller, caseId, documentId, { ...details, reason: "not_a_party" });
    throw forbidden("Only the case's parties may do this.", "NOT_A_PARTY", { caseId });
  }

  audit(
    action: AuditAction,
    actor: Address | null,
    caseId: string | null,
    documentId: string | null,
    details: Record<string, string>,
  ): Promise<AuditEntry> {
    return recordAudit(this.deps.db, { at: this.deps.clock.now(), actor, action, caseId, documentId, details });
  }
}
