/**
 * What drafting needs from the documents component: the SHA-256 of a document uploaded to the case
 * (the agreement document the parties sign). Nothing else about documents (storage, encryption,
 * access) concerns agreements.
 */
import { notFound } from "../../http/errors.js";

export interface AgreementDocuments {
  /**
   * The 0x-prefixed SHA-256 of the plaintext of document `documentId` of case `caseId`. Throws an
   * `AppError` (404 `NOT_FOUND`) when the case holds no such document (unknown, deleted, or another
   * case's).
   */
  sha256Of(caseId: `0x${string}`, documentId: string): Promise<`0x${string}`>;
}

/** What the documents component's `DocumentService.describe` returns, as far as agreements care. */
export interface DocumentDescriber {
  describe(caseId: string, documentId: string): Promise<{ sha256: `0x${string}`; status: string }>;
}

/**
 * `AgreementDocuments` over the documents component: a deleted (crypto-shredded) document is gone
 * for drafting too, though its tombstone keeps its SHA-256.
 */
export function agreementDocumentsOf(documents: DocumentDescriber): AgreementDocuments {
  return {
    async sha256Of(caseId, documentId) {
      const described = await documents.describe(caseId, documentId);
      if (described.status !== "available") throw notFound("Document", { caseId, documentId });
      return described.sha256;
    },
  };
}
