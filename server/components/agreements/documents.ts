/**
 * What drafting needs from the documents component: the SHA-256 of a document uploaded to the case
 * (the agreement document the parties sign). The documents component implements it; nothing else
 * about documents (storage, encryption, access) concerns agreements.
 */
export interface AgreementDocuments {
  /**
   * The 0x-prefixed SHA-256 of the plaintext of document `documentId` of case `caseId`. Throws an
   * `AppError` (404 `NOT_FOUND`) when the case holds no such document (unknown, deleted, or another
   * case's).
   */
  sha256Of(caseId: `0x${string}`, documentId: string): Promise<`0x${string}`>;
}
