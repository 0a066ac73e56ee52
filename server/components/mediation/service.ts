/**
 * Mediation cases as the CaseRegistry keeps them, for their parties and the committee: a case with its
 * creditors, agreements, standstills and deadlines; the deadlines due soon across the caller's cases;
 * standstills signed by a creditor's PLATFORM key and relayed by the gateway; committee disputes.
 *
 * Who reads what (by member account, any active key of it): a case and its disputes — the borrower,
 * the creditors, their declared counsel, the coordinator and the mediator; every COMMITTEE key reads
 * every case and dispute. Whether a creditor is under standstill towards a borrower is public (account
 * ids only), as the issue asks: anyone may ask.
 */
import {
  type Hex,
  BaseError,
  ContractFunctionRevertedError,
  getAddress,
  isAddressEqual,
  recoverTypedDataAddress,
} from "viem";

import { CaseStatus, DisputeStatus, DisputeSubject, Vote } from "../../../protocol/enums.js";
import { casesDomain, standstillTypes } from "../../../protocol/typed-data.js";
import { caseRegistryAbi } from "../../chain/abi.js";
import type { ChainClients } from "../../chain/client.js";
import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import { AppError, badRequest, conflict, forbidden } from "../../http/errors.js";
import type { MemberDirectory } from "../identity/roles.js";
import { findDocument } from "../documents/repository.js";
import type { DocumentService, OpenedDocument } from "../documents/service.js";
import {
  casesOf,
  gatewayCaseOf,
  insertResolution,
  disputesOf,
  resolutionsOf,
  rolesIn,
  standstillsOf,
  votesOf,
} from "./repository.js";

const DAY = 86_400;
/** How long a standstill signature offered by the typed-data endpoint stays valid. */
export const STANDSTILL_SIGNATURE_TTL = 7 * DAY;

/** The bit of the joint application's bitmap the borrower sets; creditors set their seat's (seat − 1). */
const BORROWER_BIT = 31;
const joined = (found: { joinedApplication: number }, bit: number) => (found.joinedApplication & (1 << bit)) !== 0;

/** `accountId` sits on the dispute's panel and has not voted yet. */
const awaitsVote = (d: { panel: readonly number[]; voted: readonly number[] }, accountId: number) =>
  d.panel.includes(accountId) && !d.voted.includes(accountId);

const nameOf = (table: Record<string, number>, value: number) =>
  Object.entries(table).find(([, v]) => v === value)?.[0] ?? String(value);

export interface ChainCase {
  caseType: number;
  status: number;
  borrowerId: number;
  coordinatorId: number;
  mediatorId: number;
  creditorCount: number;
  lateFlags: number;
  openedAt: number;
  mediationStartedAt: number;
  effectiveAt: number;
  joinedApplication: number;
  partiesSignedAt: number;
  appliedAt: number;
  endedAt: number;
  standstillsLiftedAt: number;
  rules: Record<string, number>;
}

interface ChainCreditor {
  seat: number;
  counselId: number;
  agreementCount: number;
  standstillFrom: number;
  standstillUntil: number;
  breaches: number;
}

const numbers = <T>(value: unknown): T =>
  Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === "object" && v !== null ? numbers(v) : Number(v as number),
    ]),
  ) as T;

export interface StandstillMessage {
  caseId: Hex;
  creditor: Hex;
  borrowerId: number;
  endsAt: number;
  nonce: number;
  deadline: number;
}

/** What the CaseRegistry's refusals of `recordStandstill` mean to the client. */
const STANDSTILL_REFUSALS: Record<string, (args: readonly unknown[]) => AppError> = {
  CaseRegistryInvalidSignature: () =>
    forbidden("The signature is not the creditor key's over this standstill.", "STANDSTILL_SIGNATURE_INVALID"),
  CaseRegistryNotCreditor: () =>
    forbidden("The signing key is no active PLATFORM key of a creditor of the case.", "NOT_A_CREDITOR"),
  CaseRegistryStaleNonce: () =>
    conflict("STANDSTILL_NONCE_STALE", "The signed nonce is not the key's current one: sign again."),
  CaseRegistryStandstillExpired: () =>
    badRequest("STANDSTILL_SIGNATURE_EXPIRED", "The signature's deadline has passed: sign again."),
  CaseRegistryWrongBorrower: () => badRequest("STANDSTILL_WRONG_BORROWER", "borrowerId is not the case's borrower."),
  CaseRegistryCaseEnded: () => conflict("MEDIATION_CASE_ENDED", "The case has ended: no standstill can be recorded."),
  CaseRegistryStandstillNotExtended: () =>
    conflict("STANDSTILL_NOT_EXTENDED", "The creditor's standstill already holds at least that long."),
  CaseRegistryCaseNotFound: () => new AppError(404, "MEDIATION_CASE_NOT_FOUND", "No mediation case has this id."),
};

export class MediationService {
  constructor(
    private readonly deps: {
      db: Db;
      chain: ChainClients;
      members: MemberDirectory;
      documents: DocumentService;
      clock: Clock;
    },
  ) {}

  private read<T>(functionName: string, args: readonly unknown[]): Promise<T> {
    return this.deps.chain.public.readContract({
      address: this.deps.chain.contracts.caseRegistry,
      abi: caseRegistryAbi,
      functionName,
      args,
    }) as Promise<T>;
  }

  /** The caller's active member account and whether it is a COMMITTEE key. */
  private async who(caller: Hex): Promise<{ accountId: number | undefined; committee: boolean }> {
    const { key, account } = await this.deps.members.lookup(caller);
    if (key.status !== "Active" || account?.status !== "Active") return { accountId: undefined, committee: false };
    return { accountId: key.accountId, committee: key.role === "COMMITTEE" };
  }

  /** The CaseRegistry's EIP-712 domain; chainId as a number (JSON carries it, wallets' signTypedData take it so). */
  private domain() {
    const { chain } = this.deps;
    return { ...casesDomain(BigInt(chain.chain.id), chain.contracts.caseRegistry), chainId: chain.chain.id };
  }

  private async creditorIds(caseId: Hex): Promise<number[]> {
    return ((await this.read<readonly number[]>("getCreditors", [caseId])) ?? []).map(Number);
  }

  async chainCase(caseId: Hex): Promise<ChainCase> {
    const found = numbers<ChainCase>(await this.read("getCase", [caseId]));
    if (found.status === CaseStatus.None) {
      throw new AppError(404, "MEDIATION_CASE_NOT_FOUND", "No mediation case has this id.");
    }
    return found;
  }

  /** The case's parties by member account, each with its roles. */
  private async parties(caseId: Hex, found: ChainCase) {
    const creditors = await Promise.all(
      (await this.creditorIds(caseId)).map(async (id) => ({
        accountId: id,
        ...numbers<ChainCreditor>(await this.read("getCreditor", [caseId, id])),
      })),
    );
    const roles = new Map<number, Set<string>>();
    const add = (id: number, role: string) => {
      if (id !== 0) roles.set(id, (roles.get(id) ?? new Set()).add(role));
    };
    add(found.borrowerId, "borrower");
    add(found.coordinatorId, "coordinator");
    add(found.mediatorId, "mediator");
    for (const c of creditors) {
      add(c.accountId, "creditor");
      add(c.counselId, "counsel");
    }
    return { creditors, roles };
  }

  /** The caller's roles in the case (["committee"] for a committee key that is no party), or 403. */
  private async requireReader(caller: Hex, roles: Map<number, Set<string>>): Promise<string[]> {
    const me = await this.who(caller);
    const mine = me.accountId === undefined ? [] : [...(roles.get(me.accountId) ?? [])];
    if (me.committee) mine.push("committee");
    if (mine.length === 0) {
      throw forbidden("Only the case's parties and the coordination committee read it.", "NOT_A_CASE_PARTY");
    }
    return mine.sort();
  }

  async caseView(caller: Hex, caseId: Hex) {
    const found = await this.chainCase(caseId);
    const { creditors, roles } = await this.parties(caseId, found);
    const yourRoles = await this.requireReader(caller, roles);
    const [agreements, deadlines, standstills] = await Promise.all([
      this.read<readonly Hex[]>("getAgreements", [caseId]),
      this.read<unknown>("deadlines", [caseId]).then((d) => numbers<Record<string, number>>(d)),
      standstillsOf(this.deps.db, caseId),
    ]);
    return {
      caseId: caseId.toLowerCase(),
      caseType: found.caseType,
      status: nameOf(CaseStatus, found.status),
      yourRoles,
      parties: {
        borrowerId: found.borrowerId,
        coordinatorId: found.coordinatorId,
        mediatorId: found.mediatorId,
      },
      creditors: creditors.map((c) => ({
        accountId: c.accountId,
        counselId: c.counselId === 0 ? null : c.counselId,
        agreementCount: c.agreementCount,
        joinedApplication: joined(found, c.seat - 1),
        standstill: c.standstillFrom === 0 ? null : { from: c.standstillFrom, until: c.standstillUntil },
        breaches: c.breaches,
      })),
      borrowerJoinedApplication: joined(found, BORROWER_BIT),
      agreements: agreements.map((a) => a.toLowerCase()),
      times: {
        openedAt: found.openedAt,
        mediationStartedAt: found.mediationStartedAt || null,
        partiesSignedAt: found.partiesSignedAt || null,
        effectiveAt: found.effectiveAt || null,
        appliedAt: found.appliedAt || null,
        endedAt: found.endedAt || null,
        standstillsLiftedAt: found.standstillsLiftedAt || null,
      },
      lateFlags: found.lateFlags,
      deadlines: Object.fromEntries(Object.entries(deadlines).map(([k, v]) => [k, v === 0 ? null : v])),
      rules: found.rules,
      standstills,
    };
  }

  /** The caller's member account, or 403 NOT_A_MEMBER; `committee` when it is a COMMITTEE key. */
  private async member(caller: Hex, what: string) {
    const me = await this.who(caller);
    if (me.accountId === undefined) throw forbidden(`Only active members have ${what}.`, "NOT_A_MEMBER");
    return { accountId: me.accountId, committee: me.committee };
  }

  /** The caller's roles in an indexed case ("committee" added for a COMMITTEE key). */
  private async rolesOf(me: { accountId: number; committee: boolean }, caseId: string): Promise<string[]> {
    const roles = await rolesIn(this.deps.db, caseId, me.accountId);
    return me.committee ? [...roles, "committee"].sort() : roles;
  }

  /** The mediation cases in which the caller's account is a party (every case for the committee), as indexed. */
  async casesList(caller: Hex) {
    const me = await this.member(caller, "mediation cases");
    const cases = await casesOf(this.deps.db, me.committee ? "all" : me.accountId);
    return {
      cases: await Promise.all(
        cases.map(async (c) => ({
          caseId: c.caseId,
          caseType: c.caseType,
          status: nameOf(CaseStatus, c.status),
          borrowerId: c.borrowerId,
          coordinatorId: c.coordinatorId,
          mediatorId: c.mediatorId,
          openedAt: c.openedAt,
          yourRoles: await this.rolesOf(me, c.caseId),
        })),
      ),
    };
  }

  /** The disputes of the caller's cases (every dispute for the committee), open ones only unless `all`. */
  async disputesList(caller: Hex, all: boolean) {
    const me = await this.member(caller, "disputes");
    const cases = await casesOf(this.deps.db, me.committee ? "all" : me.accountId);
    const disputes = await disputesOf(
      this.deps.db,
      cases.map((c) => c.caseId),
      !all,
    );
    return {
      disputes: disputes.map((d) => ({
        disputeId: d.disputeId,
        caseId: d.caseId,
        settlementId: d.settlementId,
        subject: nameOf(DisputeSubject, d.subject),
        state: d.state,
        openedAt: d.openedAt,
        votesDueAt: d.votesDueAt,
        panel: d.panel,
        voted: d.voted,
        yourTurn: d.state === "Open" && awaitsVote(d, me.accountId),
        // Open with no panel yet: the committee's next step is to appoint one.
        needsPanel: d.state === "Open" && d.panel.length === 0,
      })),
    };
  }

  /** The chain's time now (the latest block's): deadlines are enforced on chain by block time. */
  private async chainNow(): Promise<number> {
    const block = await this.deps.chain.public.getBlock({ blockTag: "latest" });
    return Number(block.timestamp);
  }

  /**
   * What is due within `days` days (and what is overdue) across the caller's indexed cases, per case and
   * per role: the mediator's start (Response), the signatures (Mediation), the joint application for
   * judicial confirmation and its day-20 reminder (Confirmation), and open disputes' voting deadlines
   * (the panel's members who have not voted). The committee sees every case.
   */
  async deadlinesView(caller: Hex, days: number) {
    const me = await this.member(caller, "mediation deadlines");
    const now = await this.chainNow();
    const horizon = now + days * DAY;
    const cases = await casesOf(this.deps.db, me.committee ? "all" : me.accountId);
    const disputes = await disputesOf(
      this.deps.db,
      cases.map((c) => c.caseId),
      true,
    );
    const answer = [];
    for (const indexed of cases) {
      const caseId = indexed.caseId as Hex;
      const found = await this.chainCase(caseId);
      const d = numbers<Record<string, number>>(await this.read("deadlines", [caseId]));
      const yourRoles = await this.rolesOf(me, caseId);
      const items: { deadline: string; action: string; dueAt: number; roles: string[]; overdue: boolean }[] = [];
      const push = (deadline: string, action: string, dueAt: number, roles: string[]) => {
        if (dueAt !== 0 && dueAt <= horizon) items.push({ deadline, action, dueAt, roles, overdue: dueAt < now });
      };
      const status = found.status;
      if (status === CaseStatus.Opened) push("Response", "start the mediation", d.responseDueAt!, ["mediator"]);
      if (status === CaseStatus.InMediation) {
        push("Mediation", "record the parties' signatures", d.mediationDueAt!, ["coordinator", "creditor", "borrower"]);
      }
      if (status === CaseStatus.AgreementSigned) {
        push("Mediation", "sign as mediator", d.mediationDueAt!, ["mediator"]);
      }
      if (status === CaseStatus.Effective) {
        const seats = Array.from({ length: found.creditorCount }, (_, seat) => seat);
        const pending = [
          ...(joined(found, BORROWER_BIT) ? [] : ["borrower"]),
          ...(seats.some((seat) => !joined(found, seat)) ? ["creditor"] : []),
        ];
        if (pending.length > 0) {
          push(
            "ConfirmationReminder",
            "join the application for judicial confirmation (reminder)",
            d.confirmationReminderAt!,
            pending,
          );
          push("Confirmation", "join the application for judicial confirmation", d.confirmationDueAt!, pending);
        }
      }
      for (const dispute of disputes.filter((x) => x.caseId === indexed.caseId)) {
        const panelist = awaitsVote(dispute, me.accountId);
        push(
          `Dispute ${dispute.disputeId}`,
          dispute.panel.length === 0 ? "appoint the panel and decide" : "vote and decide",
          dispute.votesDueAt,
          panelist ? ["panel"] : ["committee"],
        );
      }
      items.sort((a, b) => a.dueAt - b.dueAt);
      const relevant = me.committee ? items : items.filter((i) => i.roles.some((r) => yourRoles.includes(r)));
      if (relevant.length > 0) {
        answer.push({
          caseId,
          caseType: found.caseType,
          status: nameOf(CaseStatus, status),
          yourRoles,
          due: relevant,
        });
      }
    }
    return { asOf: now, until: horizon, days, cases: answer };
  }

  /** The caller's PLATFORM key, checked to be one of `creditorId`'s, in a case that has that creditor. */
  private async creditorKey(caller: Hex, caseId: Hex, creditorId: number) {
    const found = await this.chainCase(caseId);
    if (!(await this.creditorIds(caseId)).includes(creditorId)) {
      throw new AppError(404, "NOT_A_CASE_CREDITOR", `Account ${creditorId} is no creditor of this case.`);
    }
    const { key, account } = await this.deps.members.lookup(caller);
    if (
      key.status !== "Active" ||
      account?.status !== "Active" ||
      key.role !== "PLATFORM" ||
      key.accountId !== creditorId
    ) {
      throw forbidden("Only an active PLATFORM key of the creditor signs its standstill.", "NOT_THE_CREDITOR");
    }
    return { found, key };
  }

  /** The EIP-712 typed data the caller's PLATFORM key signs for the creditor's standstill. */
  async standstillTypedData(caller: Hex, caseId: Hex, creditorId: number, endsAt: number | undefined) {
    const { found, key } = await this.creditorKey(caller, caseId, creditorId);
    const now = await this.chainNow();
    const message: StandstillMessage = {
      caseId,
      creditor: getAddress(caller),
      borrowerId: found.borrowerId,
      // Default: the rest of the mediation and the confirmation window after it.
      endsAt: endsAt ?? now + (found.rules.maxMediationDuration ?? 0) + (found.rules.confirmationWindow ?? 0),
      nonce: key.nonce,
      deadline: now + STANDSTILL_SIGNATURE_TTL,
    };
    return {
      domain: this.domain(),
      types: standstillTypes,
      primaryType: "Standstill" as const,
      message,
    };
  }

  /**
   * Checks a signed standstill and relays `recordStandstill` from the gateway's relayer. A plain key's
   * signature is recovered here first (a forged one costs no chain call); the CaseRegistry's own checks
   * run in a simulation before anything is sent, each refusal mapped to its code.
   */
  async relayStandstill(caseId: Hex, message: StandstillMessage, signature: Hex) {
    if (message.caseId.toLowerCase() !== caseId.toLowerCase()) {
      throw badRequest("STANDSTILL_CASE_MISMATCH", "The signed standstill is for another case.");
    }
    const chain = this.deps.chain;
    const typed = { ...message, endsAt: BigInt(message.endsAt), deadline: BigInt(message.deadline) };
    const code = await chain.public.getCode({ address: message.creditor });
    if (code === undefined || code === "0x") {
      const signer = await recoverTypedDataAddress({
        domain: this.domain(),
        types: standstillTypes,
        primaryType: "Standstill",
        message: typed,
        signature,
      } as never).catch(() => undefined);
      if (signer === undefined || !isAddressEqual(signer, message.creditor)) {
        throw forbidden(
          "The signature is not the creditor key's over this standstill.",
          "STANDSTILL_SIGNATURE_INVALID",
        );
      }
    }
    try {
      const { request } = await chain.public.simulateContract({
        account: chain.relayer.account,
        address: chain.contracts.caseRegistry,
        abi: caseRegistryAbi,
        functionName: "recordStandstill",
        args: [typed, signature],
      });
      const hash = await chain.relayer.writeContract(request as never);
      const receipt = await chain.public.waitForTransactionReceipt({
        hash,
        confirmations: Math.max(1, chain.confirmations),
      });
      if (receipt.status !== "success") {
        throw conflict("STANDSTILL_NOT_RECORDED", "The transaction reverted on chain (the case changed meanwhile).", {
          txHash: hash,
        });
      }
      return { txHash: hash, blockNumber: Number(receipt.blockNumber) };
    } catch (error) {
      if (error instanceof BaseError) {
        const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
        if (reverted instanceof ContractFunctionRevertedError) {
          const name = reverted.data?.errorName ?? "";
          const refusal = STANDSTILL_REFUSALS[name];
          if (refusal !== undefined) throw refusal(reverted.data?.args ?? []);
          throw conflict("STANDSTILL_REFUSED", `The CaseRegistry refuses the standstill (${name || "reverted"}).`, {
            error: name,
          });
        }
      }
      throw error;
    }
  }

  /** Whether a creditor is under standstill towards a borrower now (the CaseRegistry's answer). */
  async underStandstill(creditorId: number, borrowerId: number) {
    const [under, now] = await Promise.all([
      this.read<boolean>("isUnderStandstill", [creditorId, borrowerId]),
      this.chainNow(),
    ]);
    return { creditorId, borrowerId, underStandstill: under, asOf: now };
  }

  /** The dispute as the chain has it, and the caller's roles as a reader (403 for others). */
  private async readableDispute(caller: Hex, disputeId: bigint) {
    const raw = (await this.read("getDispute", [disputeId])) as Record<string, unknown> & {
      caseId: Hex;
      settlementId: Hex;
      resolutionHash: Hex;
      tally: readonly number[];
    };
    if (Number(raw.status) === DisputeStatus.None) {
      throw new AppError(404, "DISPUTE_NOT_FOUND", "No dispute has this id.");
    }
    const found = await this.chainCase(raw.caseId);
    const { roles } = await this.parties(raw.caseId, found);
    const yourRoles = await this.requireReader(caller, roles);
    return { raw, yourRoles };
  }

  /**
   * Stores a panel member's written resolution, encrypted like any case document (the documents
   * component, under the mediation case's id); its SHA-256 is the `resolutionHash` to pass to
   * `resolveDispute`. Only members of the dispute's panel upload.
   */
  async uploadResolution(
    caller: Hex,
    disputeId: bigint,
    input: { name: string; mediaType: string; source: AsyncIterable<Uint8Array> },
  ) {
    const raw = (await this.read("getDispute", [disputeId])) as { status: number; caseId: Hex; settlementId: Hex };
    if (Number(raw.status) === DisputeStatus.None) {
      throw new AppError(404, "DISPUTE_NOT_FOUND", "No dispute has this id.");
    }
    const me = await this.who(caller);
    const panel = ((await this.read<readonly number[]>("getPanel", [disputeId])) ?? []).map(Number);
    if (!me.committee || me.accountId === undefined || !panel.includes(me.accountId)) {
      throw forbidden("Only the dispute's panel members upload its written resolution.", "NOT_ON_PANEL");
    }
    // Stored in the gateway case the disputed agreement was drafted in: a case document like any other.
    const home = await gatewayCaseOf(this.deps.db, raw.settlementId);
    if (home === undefined) {
      throw conflict(
        "RESOLUTION_CASE_UNKNOWN",
        "The disputed agreement's case is not kept by this gateway (or not indexed yet): the resolution cannot be stored.",
      );
    }
    const stored = await this.deps.documents.storeGatewayDocument({
      caseId: home,
      uploader: getAddress(caller),
      name: input.name,
      kind: "other",
      mediaType: input.mediaType,
      source: input.source,
    });
    await insertResolution(this.deps.db, {
      documentId: stored.id.toLowerCase(),
      disputeId: disputeId.toString(),
      caseId: home,
      sha256: stored.sha256.toLowerCase(),
      name: stored.name,
      uploadedBy: getAddress(caller),
      createdAt: this.deps.clock.now(),
    });
    return {
      documentId: stored.id.toLowerCase(),
      disputeId: disputeId.toString(),
      name: stored.name,
      size: stored.size,
      sha256: stored.sha256.toLowerCase(),
    };
  }

  /** Opens an uploaded resolution for a reader of the dispute (decrypted and verified by the documents component). */
  async openResolution(caller: Hex, disputeId: bigint, documentId: string): Promise<OpenedDocument> {
    await this.readableDispute(caller, disputeId);
    const row = (await resolutionsOf(this.deps.db, disputeId.toString())).find(
      (r) => r.documentId === documentId.toLowerCase(),
    );
    const document = row === undefined ? undefined : await findDocument(this.deps.db, row.caseId, row.documentId);
    if (row === undefined || document === undefined) {
      throw new AppError(404, "RESOLUTION_NOT_FOUND", "This dispute has no resolution document with this id.");
    }
    return this.deps.documents.open(document, getAddress(caller), { via: "party", roles: [] });
  }

  async disputeView(caller: Hex, disputeId: bigint) {
    const { raw, yourRoles } = await this.readableDispute(caller, disputeId);
    const pick = [
      "status",
      "subject",
      "outcome",
      "sequence",
      "openedBy",
      "openedAt",
      "votesDueAt",
      "panelSize",
      "quorum",
    ];
    const dispute = Object.fromEntries(pick.map((k) => [k, Number(raw[k] as number)])) as Record<string, number>;
    const panel = ((await this.read<readonly number[]>("getPanel", [disputeId])) ?? []).map(Number);
    const votes = await votesOf(this.deps.db, disputeId.toString());
    const decided = dispute.status === DisputeStatus.Decided;
    return {
      disputeId: disputeId.toString(),
      caseId: raw.caseId.toLowerCase(),
      settlementId: raw.settlementId.toLowerCase(),
      yourRoles,
      status: nameOf(DisputeStatus, dispute.status!),
      subject: nameOf(DisputeSubject, dispute.subject!),
      sequence: dispute.subject === DisputeSubject.PaymentReport ? dispute.sequence : null,
      openedBy: dispute.openedBy,
      openedAt: dispute.openedAt,
      votesDueAt: dispute.votesDueAt,
      panelSize: dispute.panelSize,
      quorum: dispute.quorum,
      panel,
      votes: await Promise.all(
        panel.map(async (memberId) => {
          const vote = Number(await this.read("voteOf", [disputeId, memberId]));
          const indexed = votes.find((v) => v.memberId === memberId);
          return {
            memberId,
            vote: vote === Vote.None ? null : nameOf(Vote, vote),
            opinionHash: indexed?.opinionHash ?? null,
            at: indexed?.at ?? null,
            txHash: indexed?.txHash ?? null,
          };
        }),
      ),
      tally: Object.fromEntries(
        Object.entries(Vote)
          .filter(([, v]) => v !== Vote.None)
          .map(([name, v]) => [name, Number(raw.tally[v])]),
      ),
      outcome: decided ? nameOf(Vote, dispute.outcome!) : null,
      resolutionHash: decided ? raw.resolutionHash.toLowerCase() : null,
      // The written resolutions panel members uploaded; `matches`: its SHA-256 is the recorded resolutionHash.
      resolutionDocuments: (await resolutionsOf(this.deps.db, disputeId.toString())).map((r) => ({
        documentId: r.documentId,
        name: r.name,
        sha256: r.sha256,
        uploadedBy: r.uploadedBy,
        uploadedAt: r.createdAt,
        matches: decided && r.sha256 === raw.resolutionHash.toLowerCase(),
      })),
    };
  }
}
