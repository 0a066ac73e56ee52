/**
 * Disclosure grants: a case party authorises another address (a court, a regulator, another creditor)
 * to read one document until an expiry, by signing the EIP-712 `DisclosureGrant` of
 * protocol/typed-data.ts. The signature is checked through the chain (`verifyTypedData` of viem's
 * public client), so ERC-1271 contract wallets (a law firm's Safe) grant exactly like plain keys.
 * Any party may revoke a grant; a revoked or expired grant reads as 403.
 */
import { getAddress, hashTypedData } from "viem";

import { type DisclosureGrant, disclosureDomain, disclosureGrantTypes } from "../../../protocol/typed-data.js";
import type { ChainClients } from "../../chain/client.js";
import { badRequest, conflict, forbidden, isChainUnavailable, notFound } from "../../http/errors.js";
import { appendAudit } from "./audit.js";
import { documentDeleted, type Address, type DocumentService, type DocumentsDeps } from "./service.js";
import { type Grant, findDocument, findGrant, grantsOfDocument, insertGrant, revokeGrant } from "./repository.js";

export interface GrantSubmission {
  granter: Address;
  grantee: Address;
  /** Unix seconds. */
  expiresAt: number;
  salt: `0x${string}`;
  signature: `0x${string}`;
}

/** Everything a wallet needs to sign a grant (`eth_signTypedData_v4`). */
export function grantTypedData(chain: ChainClients, grant: DisclosureGrant) {
  const domain = disclosureDomain(BigInt(chain.chain.id), chain.contracts.registry);
  return {
    domain: { ...domain, verifyingContract: domain.verifyingContract as Address },
    types: disclosureGrantTypes,
    primaryType: "DisclosureGrant" as const,
    message: {
      caseId: grant.caseId as `0x${string}`,
      documentId: grant.documentId as `0x${string}`,
      grantee: grant.grantee as Address,
      // uint40: viem takes uint types of 48 bits or fewer as numbers.
      expiresAt: Number(grant.expiresAt),
      salt: grant.salt as `0x${string}`,
    },
  };
}

export class GrantService {
  constructor(
    private readonly deps: DocumentsDeps & { chain: ChainClients; maxGrantSeconds: number },
    private readonly documents: DocumentService,
  ) {}

  /** Records a signed grant after checking the document, the expiry, the granter's party and the signature. */
  async submit(caseId: string, documentId: string, caller: Address, submission: GrantSubmission): Promise<Grant> {
    const { db, clock, chain, maxGrantSeconds } = this.deps;
    const document = await findDocument(db, caseId, documentId);
    if (document === undefined) {
      // Only parties learn whether a document exists.
      await this.documents.requireParty(caseId, caller, documentId, "grant_refused", {});
      throw notFound("Document", { caseId, documentId });
    }
    if (document.status === "deleted") throw documentDeleted(documentId);
    const granter = getAddress(submission.granter);
    const grantee = getAddress(submission.grantee);
    const now = clock.now();
    const nowSeconds = Math.floor(now / 1000);
    if (submission.expiresAt <= nowSeconds) {
      throw badRequest("GRANT_ALREADY_EXPIRED", "The grant's expiry is in the past.", {
        field: "body.expiresAt",
        now: nowSeconds,
      });
    }
    if (submission.expiresAt > nowSeconds + maxGrantSeconds) {
      throw badRequest("GRANT_TOO_LONG", `A grant may last at most ${maxGrantSeconds} seconds.`, {
        field: "body.expiresAt",
        maxExpiresAt: nowSeconds + maxGrantSeconds,
      });
    }
    if (grantee === granter) {
      throw badRequest("GRANT_TO_SELF", "The grantee must differ from the granter.", { field: "body.grantee" });
    }
    const refuse = async (code: string, message: string, reason: string) => {
      await this.documents.audit("grant_refused", caller, caseId, documentId, { reason, granter, grantee });
      return forbidden(message, code, { granter });
    };
    if ((await this.deps.membership.rolesOf(caseId, granter)).length === 0) {
      throw await refuse(
        "GRANT_NOT_BY_PARTY",
        "Only a party of the case can grant access to its documents.",
        "granter_not_a_party",
      );
    }
    const typed = grantTypedData(chain, {
      caseId,
      documentId,
      grantee,
      expiresAt: BigInt(submission.expiresAt),
      salt: submission.salt,
    });
    const valid = await chain.public
      .verifyTypedData({ ...typed, address: granter, signature: submission.signature })
      .catch((error: unknown) => {
        // A node that does not answer is an outage (503), not a bad signature.
        if (isChainUnavailable(error)) throw error;
        return false;
      });
    if (!valid) {
      throw await refuse(
        "GRANT_SIGNATURE_INVALID",
        "The signature is not the granter's over this grant.",
        "bad_signature",
      );
    }
    const grant: Grant = {
      id: hashTypedData(typed),
      documentId: document.id,
      caseId: document.caseId,
      granter,
      grantee,
      expiresAt: submission.expiresAt,
      salt: submission.salt.toLowerCase() as `0x${string}`,
      signature: submission.signature,
      submittedBy: caller,
      createdAt: now,
      revokedAt: null,
      revokedBy: null,
    };
    await db.transaction(async (tx) => {
      if (!(await insertGrant(tx, grant))) {
        throw conflict("GRANT_EXISTS", "This signed grant was already submitted.", { grantId: grant.id });
      }
      await appendAudit(tx, {
        at: now,
        actor: caller,
        action: "grant",
        caseId,
        documentId,
        details: { grantId: grant.id, granter, grantee, expiresAt: grant.expiresAt },
      });
    });
    return grant;
  }

  /** The document's grants (revoked and expired included), for the case's parties. */
  async list(caseId: string, documentId: string, caller: Address): Promise<Grant[]> {
    await this.documents.requireParty(caseId, caller, documentId, "read_refused", { what: "grants" });
    if ((await findDocument(this.deps.db, caseId, documentId)) === undefined) {
      throw notFound("Document", { caseId, documentId });
    }
    return grantsOfDocument(this.deps.db, documentId);
  }

  /** Revokes a grant (any party of the case). */
  async revoke(caseId: string, documentId: string, grantId: string, caller: Address): Promise<Grant> {
    const { db, clock } = this.deps;
    await this.documents.requireParty(caseId, caller, documentId, "revoke_refused", { grantId });
    const grant = await findGrant(db, documentId, grantId);
    if (grant === undefined || grant.caseId !== caseId) throw notFound("Grant", { grantId });
    const at = clock.now();
    await db.transaction(async (tx) => {
      if (!(await revokeGrant(tx, grantId, caller, at))) {
        throw conflict("GRANT_ALREADY_REVOKED", "This grant was already revoked.", { grantId });
      }
      await appendAudit(tx, {
        at,
        actor: caller,
        action: "revoke",
        caseId,
        documentId,
        details: { grantId, grantee: grant.grantee },
      });
    });
    return { ...grant, revokedAt: at, revokedBy: caller };
  }
}
