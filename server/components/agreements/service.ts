/**
 * The agreements use cases: a case's lawyer drafts settlement terms; each party signs the EIP-712
 * typed data; the third signature queues the registration (outbox) in the same SQL transaction;
 * parties follow the status and read registered agreements' compliance.
 */
import { randomUUID } from "node:crypto";

import { type Hex, getAddress, isAddressEqual, zeroHash } from "viem";

import { agreementDocumentHash, newDocumentSalt } from "../../../protocol/agreement-document.js";
import { Roles } from "../../../protocol/roles.js";
import type { Settlement } from "../../../protocol/typed-data.js";
import { type KeyRecord, readKey } from "../../chain/members.js";
import type { Context } from "../../context.js";
import type { Caller } from "../../http/api.js";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../http/errors.js";
import type { CaseMembership } from "../cases/membership.js";
import type { AgreementDocuments } from "./documents.js";
import {
  type SigningDomain,
  type SettlementTypedData,
  settlementDigest,
  settlementTypedData,
  typedDataJson,
} from "./eip712.js";
import {
  type Draft,
  type OutboxJob,
  SIGNER_ROLES,
  type SignatureRecord,
  type SignerRole,
  draftsOfCase,
  findDraft,
  insertDraft,
  insertJob,
  insertSignature,
  jobOfDraft,
  markDraftComplete,
  registeredBySettlementId,
  registeredOfCase,
  replaceDraftTerms,
  signaturesOf,
  transactionsOf,
  withdrawDraft,
} from "./repository.js";
import { complianceOf, registrationMethodOf, settlementStatus } from "./registry.js";
import { ecdsaSigner, isValidPartySignature } from "./signatures.js";
import { type DraftInput, scheduleOf } from "./terms.js";

const ROLE_ON_CHAIN: Record<SignerRole, keyof typeof Roles> = {
  borrower: "BORROWER",
  platform: "PLATFORM",
  lawyer: "LAWYER",
};
const AMENDABLE = ["Active", "InDefault", "Disputed"];

export type DraftStatus =
  "drafted" | "partly_signed" | "expired" | "withdrawn" | "queued" | "submitted" | "registered" | "failed";

/** Chain reads that fail for lack of a node become a 503, never a 500. */
async function onChain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(503, "CHAIN_UNAVAILABLE", "The chain's node does not answer; try again shortly.", undefined, {
      cause: error,
    });
  }
}

const signerOf = (settlement: Settlement, role: SignerRole) => getAddress(settlement[role]) as Hex;
const nonceOf = (settlement: Settlement, role: SignerRole) => settlement[`${role}Nonce`];

export class AgreementService {
  readonly domain: SigningDomain;

  constructor(
    private readonly context: Context,
    private readonly membership: CaseMembership,
    private readonly documents: AgreementDocuments,
    /** Called after a registration job was committed (wakes the outbox's worker). */
    private readonly onQueued: () => void,
  ) {
    this.domain = { chainId: context.chain.chain.id, registry: context.chain.contracts.registry };
  }

  private get db() {
    return this.context.db;
  }

  private nowSeconds(): bigint {
    return BigInt(Math.floor(this.context.clock.now() / 1000));
  }

  typedDataOf(draft: Draft): SettlementTypedData {
    return settlementTypedData(this.domain, draft.settlement);
  }

  /*//////////////////////////////////////////////////////////////
                               DRAFTING
  //////////////////////////////////////////////////////////////*/

  /** The case's lawyer drafts terms (201). */
  async draft(caller: Caller, caseId: Hex, input: DraftInput): Promise<Draft> {
    await this.requireCaseLawyer(caseId, caller);
    const now = this.context.clock.now();
    const built = await this.buildTerms(caller, caseId, input);
    const draft: Draft = {
      id: randomUUID(),
      caseId: caseId.toLowerCase() as Hex,
      state: "open",
      ...built,
      createdBy: caller.address,
      createdAt: now,
      updatedAt: now,
      withdrawnAt: null,
    };
    await insertDraft(this.db, draft);
    return draft;
  }

  /** The lawyer replaces the terms of a draft nobody signed yet (fresh salt, nonces and deadline). */
  async edit(caller: Caller, caseId: Hex, draftId: string, input: DraftInput): Promise<Draft> {
    await this.requireCaseLawyer(caseId, caller);
    const existing = await this.requireDraft(caseId, draftId);
    await this.requireEditable(existing);
    const built = await this.buildTerms(caller, caseId, input);
    const now = this.context.clock.now();
    if (!(await replaceDraftTerms(this.db, { id: draftId, ...built }, now))) {
      // Someone signed (or it was withdrawn) while the new terms were being checked.
      await this.requireEditable(await this.requireDraft(caseId, draftId));
    }
    return this.requireDraft(caseId, draftId);
  }

  /** The lawyer withdraws a draft that is not fully signed: it can no longer be signed or registered here. */
  async withdraw(caller: Caller, caseId: Hex, draftId: string): Promise<Draft> {
    await this.requireCaseLawyer(caseId, caller);
    const draft = await this.requireDraft(caseId, draftId);
    if (!(await withdrawDraft(this.db, draftId, this.context.clock.now()))) {
      throw this.notOpen(draft);
    }
    return this.requireDraft(caseId, draftId);
  }

  private async requireEditable(draft: Draft): Promise<void> {
    if (draft.state !== "open") throw this.notOpen(draft);
    const signed = await signaturesOf(this.db, draft.id);
    if (signed.length > 0) {
      throw conflict(
        "DRAFT_SIGNED",
        "Someone has signed this draft: it cannot change. Withdraw it and draft new terms instead.",
        { signedBy: signed.map((s) => s.role) },
      );
    }
  }

  private notOpen(draft: Draft): AppError {
    return draft.state === "withdrawn"
      ? conflict("DRAFT_WITHDRAWN", "This draft was withdrawn.")
      : conflict("DRAFT_COMPLETE", "All three parties signed this draft: it is queued for registration.");
  }

  private async requireCaseLawyer(caseId: Hex, caller: Caller): Promise<void> {
    const roles = await this.membership.requireParty(caseId, caller.address);
    if (!roles.includes("lawyer")) {
      throw forbidden("Only the case's lawyer may draft, edit or withdraw its settlements.", "NOT_THE_LAWYER", {
        caseId,
      });
    }
  }

  private async requireDraft(caseId: Hex, draftId: string): Promise<Draft> {
    const draft = await findDraft(this.db, caseId, draftId);
    if (draft === undefined) throw notFound("Draft", { caseId, draftId });
    return draft;
  }

  /**
   * Which of the case's drafts and agreements the caller may see (403 for a non-party). The borrower
   * and the lawyer see them all; a platform only those it is the creditor of: in a case with several
   * platforms, one creditor's terms are not another's business (PIPL: sharing the borrower's data with
   * another creditor needs the borrower's separate consent). Compared by member account, so a platform
   * that rotated its key still sees its own.
   */
  private async visibility(caller: Caller, caseId: Hex): Promise<(draft: Draft) => Promise<boolean>> {
    const roles = await this.membership.requireParty(caseId, caller.address);
    if (roles.includes("borrower") || roles.includes("lawyer")) return async () => true;
    const own = await this.membership.activeAccountOf(caller.address);
    return async (draft) => (await this.membership.accountOf(getAddress(draft.settlement.platform))) === own;
  }

  /** The draft, if the caller may see it; another platform's draft is 404, as if it did not exist. */
  private async requireVisibleDraft(caller: Caller, caseId: Hex, draftId: string): Promise<Draft> {
    const visible = await this.visibility(caller, caseId);
    const draft = await this.requireDraft(caseId, draftId);
    if (!(await visible(draft))) throw notFound("Draft", { caseId, draftId });
    return draft;
  }

  private async onlyVisible<T extends { draft: Draft }>(caller: Caller, caseId: Hex, items: T[]): Promise<T[]> {
    const visible = await this.visibility(caller, caseId);
    const shown = await Promise.all(items.map((item) => visible(item.draft)));
    return items.filter((_, i) => shown[i]);
  }

  /** Checks the input against the case, the chain and the registry's rules; builds the terms. */
  private async buildTerms(caller: Caller, caseId: Hex, input: DraftInput) {
    const theCase = await this.membership.caseOf(caseId);
    const platform = getAddress(input.platform);
    if (!theCase.parties.some((p) => p.role === "platform" && isAddressEqual(p.address, platform))) {
      throw badRequest("PLATFORM_NOT_IN_CASE", "Invalid body.platform: it is not one of the case's platforms.", {
        field: "body.platform",
      });
    }
    const borrower = theCase.parties.find((p) => p.role === "borrower")?.address;
    if (borrower === undefined) throw new Error(`case ${caseId} has no borrower`);
    const instalments = scheduleOf(input);
    if (BigInt(input.loanFormedAt) > this.nowSeconds()) {
      throw badRequest("LOAN_FORMED_IN_FUTURE", "Invalid body.loanFormedAt: the loan cannot be formed in the future.", {
        field: "body.loanFormedAt",
      });
    }

    // Each party must be an active key in its role now (the registry checks it again at registration),
    // and its current nonce goes into the terms.
    const parties = { borrower: getAddress(borrower), platform, lawyer: caller.address };
    const keys = {} as Record<SignerRole, KeyRecord>;
    for (const role of SIGNER_ROLES) {
      const key = await onChain(() => readKey(this.context.chain, parties[role]));
      if (key.status !== "Active" || key.role !== ROLE_ON_CHAIN[role]) {
        throw badRequest(
          "PARTY_NOT_ELIGIBLE",
          `The ${role} is not an active ${ROLE_ON_CHAIN[role]} key on the chain.`,
          {
            field: role === "platform" ? "body.platform" : role,
            address: parties[role],
            role: key.role ?? null,
            status: key.status,
          },
        );
      }
      keys[role] = key;
    }

    const amends = (input.amends?.toLowerCase() ?? zeroHash) as Hex;
    if (amends !== zeroHash) await this.checkAmendment(caseId, amends, keys);

    const documentId = input.documentId.toLowerCase();
    const documentSha256 = await this.documentSha256(caseId, documentId);
    const documentSalt = newDocumentSalt() as Hex;
    const settlement: Settlement = {
      caseId: caseId.toLowerCase(),
      borrower: parties.borrower,
      platform: parties.platform,
      lawyer: parties.lawyer,
      documentHash: agreementDocumentHash(documentSha256, documentSalt),
      currency: input.currency,
      originalPrincipal: input.originalPrincipal,
      loanFormedAt: BigInt(input.loanFormedAt),
      settledAmount: input.settledAmount,
      instalments,
      gracePeriod: BigInt(input.gracePeriod),
      curePeriod: BigInt(input.curePeriod),
      contestWindow: BigInt(input.contestWindow),
      amends,
      borrowerNonce: BigInt(keys.borrower.nonce),
      platformNonce: BigInt(keys.platform.nonce),
      lawyerNonce: BigInt(keys.lawyer.nonce),
      deadline: this.nowSeconds() + BigInt(this.context.config.agreements.deadlineSeconds),
    };
    const settlementId = settlementDigest(settlementTypedData(this.domain, settlement));
    return { settlementId, settlement, documentId, documentSha256, documentSalt };
  }

  private async documentSha256(caseId: Hex, documentId: string): Promise<Hex> {
    try {
      return await this.documents.sha256Of(caseId, documentId);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) {
        throw badRequest("DOCUMENT_NOT_IN_CASE", "Invalid body.documentId: the case holds no such document.", {
          field: "body.documentId",
        });
      }
      throw error;
    }
  }

  /** `amends` must name a registered agreement of this case that the registry will let be amended. */
  private async checkAmendment(caseId: Hex, amends: Hex, keys: Record<SignerRole, KeyRecord>): Promise<void> {
    const amended = await registeredBySettlementId(this.db, caseId, amends);
    if (amended === undefined) {
      throw badRequest("AMENDS_UNKNOWN", "Invalid body.amends: not a registered agreement of this case.", {
        field: "body.amends",
      });
    }
    const status = await onChain(() => settlementStatus(this.context.chain, amends));
    if (!AMENDABLE.includes(status)) {
      throw badRequest(
        "AMENDS_NOT_AMENDABLE",
        `Invalid body.amends: the agreement is ${status}; it cannot be amended.`,
        {
          field: "body.amends",
          status,
        },
      );
    }
    // The registry wants the same borrower and platform accounts (keys may have rotated).
    for (const role of ["borrower", "platform"] as const) {
      const before = await onChain(() => readKey(this.context.chain, signerOf(amended.draft.settlement, role)));
      if (before.accountId !== keys[role].accountId) {
        throw badRequest("AMENDS_PARTIES_DIFFER", `Invalid body.${role}: an amendment keeps the ${role}'s account.`, {
          field: role === "platform" ? "body.platform" : role,
        });
      }
    }
  }

  /*//////////////////////////////////////////////////////////////
                              SIGNATURES
  //////////////////////////////////////////////////////////////*/

  /**
   * Stores a party's signature after checking it against the expected signer for its role and that
   * signer's current on-chain nonce. The third signature and the registration job are written in one
   * transaction. Any case party may hand in a signature (a lawyer may collect a platform's multisig
   * signature); the signature itself says who signed.
   */
  async sign(
    caller: Caller,
    caseId: Hex,
    draftId: string,
    body: { role?: SignerRole | undefined; signature: string },
  ): Promise<{ draft: Draft; queued: boolean }> {
    const draft = await this.requireVisibleDraft(caller, caseId, draftId);
    const signature = body.signature.toLowerCase() as Hex;
    const role = body.role ?? SIGNER_ROLES.find((r) => isAddressEqual(signerOf(draft.settlement, r), caller.address));
    if (role === undefined) {
      throw badRequest(
        "ROLE_REQUIRED",
        "Invalid body.role: say whose signature this is (borrower, platform, lawyer).",
        {
          field: "body.role",
        },
      );
    }
    const already = (await signaturesOf(this.db, draftId)).find((s) => s.role === role);
    if (already !== undefined) {
      throw already.signature.toLowerCase() === signature
        ? conflict("SIGNATURE_REPLAYED", `This ${role} signature was already handed in for this draft.`, { role })
        : conflict("ALREADY_SIGNED", `The ${role} has already signed this draft.`, { role });
    }
    if (draft.state !== "open") throw this.notOpen(draft);
    if (this.nowSeconds() > draft.settlement.deadline) {
      throw conflict("DRAFT_EXPIRED", "The signing deadline of this draft has passed: draft the terms again.", {
        deadline: Number(draft.settlement.deadline),
      });
    }

    const expected = signerOf(draft.settlement, role);
    const typedData = this.typedDataOf(draft);
    const valid = await onChain(() => isValidPartySignature(this.context.chain, typedData, expected, signature));
    if (!valid) throw await this.diagnose(draft, role, typedData, signature);

    const key = await onChain(() => readKey(this.context.chain, expected));
    if (key.status !== "Active" || key.role !== ROLE_ON_CHAIN[role]) {
      throw conflict("SIGNER_KEY_NOT_ACTIVE", `The ${role}'s key is no longer an active ${ROLE_ON_CHAIN[role]} key.`, {
        role,
        signer: expected,
        status: key.status,
      });
    }
    const signedNonce = nonceOf(draft.settlement, role);
    if (BigInt(key.nonce) !== signedNonce) {
      throw conflict(
        "STALE_NONCE",
        `The ${role}'s key nonce changed on chain since drafting (it cancelled its signatures): draft again.`,
        { role, signer: expected, signed: Number(signedNonce), current: key.nonce },
      );
    }

    const now = this.context.clock.now();
    const record: SignatureRecord = {
      role,
      signer: expected,
      settlementId: draft.settlementId,
      signature,
      submittedBy: caller.address,
      signedAt: now,
    };
    const queued = await this.db.transaction(async (tx) => {
      // Checked again inside the transaction: the draft may have changed since it was read.
      const current = await findDraft(tx, caseId, draftId);
      if (current === undefined) throw notFound("Draft", { caseId, draftId });
      if (current.state !== "open") throw this.notOpen(current);
      if (current.settlementId !== draft.settlementId) {
        throw conflict("DRAFT_CHANGED", "The draft's terms changed while signing: fetch the typed data again.");
      }
      const signatures = await signaturesOf(tx, draftId);
      if (signatures.some((s) => s.role === role)) {
        throw conflict("ALREADY_SIGNED", `The ${role} has already signed this draft.`, { role });
      }
      await insertSignature(tx, draftId, record);
      if (signatures.length + 1 < SIGNER_ROLES.length) return false;
      await markDraftComplete(tx, draftId, now);
      await insertJob(
        tx,
        {
          id: randomUUID(),
          draftId,
          settlementId: draft.settlementId,
          method: registrationMethodOf(draft.settlement),
        },
        now,
      );
      return true;
    });
    if (queued) this.onQueued();
    return { draft: await this.requireDraft(caseId, draftId), queued };
  }

  /** Why a signature is refused: another party's, another draft's, or simply not valid. */
  private async diagnose(draft: Draft, role: SignerRole, typedData: SettlementTypedData, signature: Hex) {
    const expected = signerOf(draft.settlement, role);
    const recovered = await ecdsaSigner(typedData, signature);
    const otherRole = SIGNER_ROLES.find(
      (r) => r !== role && recovered !== undefined && isAddressEqual(signerOf(draft.settlement, r), recovered),
    );
    if (otherRole !== undefined) {
      return badRequest(
        "SIGNATURE_WRONG_SIGNER",
        `This is the ${otherRole}'s signature of this draft, not the ${role}'s.`,
        { field: "body.signature", role, expected, signedBy: otherRole },
      );
    }
    for (const other of await draftsOfCase(this.db, draft.caseId)) {
      if (other.id === draft.id) continue;
      const signer = await ecdsaSigner(this.typedDataOf(other), signature);
      if (signer !== undefined && isAddressEqual(signer, expected)) {
        return badRequest("SIGNATURE_FOR_OTHER_DRAFT", `This is the ${role}'s signature of another draft.`, {
          field: "body.signature",
          role,
          draftId: other.id,
        });
      }
    }
    return badRequest(
      "SIGNATURE_INVALID",
      `The signature is not the ${role}'s signature of this draft's typed data (check the domain, the message and the key).`,
      { field: "body.signature", role, expected },
    );
  }

  /*//////////////////////////////////////////////////////////////
                                 VIEWS
  //////////////////////////////////////////////////////////////*/

  async read(caller: Caller, caseId: Hex, draftId: string) {
    return this.viewOf(await this.requireVisibleDraft(caller, caseId, draftId));
  }

  async list(caller: Caller, caseId: Hex) {
    const drafts = await this.onlyVisible(
      caller,
      caseId,
      (await draftsOfCase(this.db, caseId)).map((draft) => ({ draft })),
    );
    return Promise.all(drafts.map(({ draft }) => this.viewOf(draft)));
  }

  async typedData(caller: Caller, caseId: Hex, draftId: string) {
    const draft = await this.requireVisibleDraft(caller, caseId, draftId);
    return {
      draftId: draft.id,
      settlementId: draft.settlementId,
      signers: Object.fromEntries(SIGNER_ROLES.map((r) => [r, signerOf(draft.settlement, r)])),
      typedData: typedDataJson(this.typedDataOf(draft)),
    };
  }

  /** The case's registered agreements, with their compliance read from the chain now. */
  async agreements(caller: Caller, caseId: Hex) {
    const registered = await this.onlyVisible(caller, caseId, await registeredOfCase(this.db, caseId));
    return onChain(() =>
      Promise.all(
        registered.map(async ({ draft, job }) => ({
          settlementId: draft.settlementId,
          draftId: draft.id,
          platform: getAddress(draft.settlement.platform),
          settledAmount: draft.settlement.settledAmount,
          instalmentCount: draft.settlement.instalments.length,
          amends: draft.settlement.amends === zeroHash ? null : draft.settlement.amends,
          registration: { txHash: job.registeredTxHash, blockNumber: job.blockNumber, blockHash: job.blockHash },
          compliance: await complianceOf(this.context.chain, draft.settlementId),
        })),
      ),
    );
  }

  statusOf(draft: Draft, job: OutboxJob | undefined, signed: number): DraftStatus {
    if (draft.state === "withdrawn") return "withdrawn";
    if (draft.state === "complete") {
      if (job === undefined) throw new Error(`complete draft ${draft.id} without an outbox job`);
      return job.state === "pending" ? "queued" : job.state;
    }
    if (this.nowSeconds() > draft.settlement.deadline) return "expired";
    return signed === 0 ? "drafted" : "partly_signed";
  }

  async viewOf(draft: Draft) {
    const signatures = await signaturesOf(this.db, draft.id);
    const job = draft.state === "complete" ? await jobOfDraft(this.db, draft.id) : undefined;
    const transactions = job === undefined ? [] : await transactionsOf(this.db, job.id);
    const { settlement } = draft;
    return {
      id: draft.id,
      caseId: draft.caseId,
      status: this.statusOf(draft, job, signatures.length),
      settlementId: draft.settlementId,
      createdBy: draft.createdBy,
      createdAt: draft.createdAt,
      updatedAt: draft.updatedAt,
      withdrawnAt: draft.withdrawnAt,
      deadline: Number(settlement.deadline),
      document: {
        id: draft.documentId,
        sha256: draft.documentSha256,
        salt: draft.documentSalt,
        hash: settlement.documentHash,
      },
      terms: {
        ...settlement,
        instalments: settlement.instalments.map((i) => ({ dueAt: Number(i.dueAt), amount: i.amount })),
        loanFormedAt: Number(settlement.loanFormedAt),
        gracePeriod: Number(settlement.gracePeriod),
        curePeriod: Number(settlement.curePeriod),
        contestWindow: Number(settlement.contestWindow),
        borrowerNonce: Number(settlement.borrowerNonce),
        platformNonce: Number(settlement.platformNonce),
        lawyerNonce: Number(settlement.lawyerNonce),
        deadline: Number(settlement.deadline),
      },
      registrationMethod: registrationMethodOf(settlement),
      signatures: signatures.map((s) => ({
        role: s.role,
        signer: s.signer,
        signedAt: s.signedAt,
        submittedBy: s.submittedBy,
      })),
      awaiting: SIGNER_ROLES.filter((r) => !signatures.some((s) => s.role === r)),
      submission:
        job === undefined
          ? null
          : {
              attempts: job.attempts,
              lastError: job.lastError,
              txHash: job.txHash ?? job.registeredTxHash ?? transactions.at(-1)?.txHash ?? null,
              nonce: job.txNonce ?? transactions.at(-1)?.nonce ?? null,
              submittedAt: job.submittedAt,
              transactions: transactions.length,
            },
      registration:
        job?.state === "registered"
          ? { txHash: job.registeredTxHash, blockNumber: job.blockNumber, blockHash: job.blockHash }
          : null,
      failure:
        job?.state === "failed" ? { error: job.errorName, args: job.errorArgs, message: job.errorMessage } : null,
    };
  }
}

export type DraftView = Awaited<ReturnType<AgreementService["viewOf"]>>;
