/**
 * Agreements over real HTTP, a real anvil chain with the Ignition deployment, and real signatures:
 * drafting with every check the registry would make, the EIP-712 typed data each party signs,
 * signature checks (plain keys and an ERC-1271 multisig), and registration through the outbox, read
 * back from the chain.
 */
import { createHash } from "node:crypto";

import { expect } from "chai";
import { type Hex, hexToBigInt, numberToHex, size, slice, concat } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { agreementDocumentHash } from "../../protocol/agreement-document.js";
import { AccountKind, Licence, Status } from "../../protocol/enums.js";
import { monthlySchedule } from "../../protocol/schedule.js";
import { type Settlement, termsOf } from "../../protocol/typed-data.js";
import { admitPlatform, commitment, deployMultisig, ownerSignatures } from "../helpers/hejie.js";
import {
  DAY,
  type DraftReply,
  type ErrorReply,
  FIRST_DUE,
  type Tokens,
  type TypedDataReply,
  createDraft,
  draftBody,
  draftStatus,
  openCase,
  postSignature,
  registrationsOf,
  signByAll,
  signServed,
  signWithNode,
  typedDataOf,
  uploadDocument,
  waitForDraft,
} from "./agreements-fixture.js";
import { call, signIn } from "../../protocol/gateway-client.js";
import { type System, startSystem, wallets } from "./harness.js";

/** The served message back as the shared `Settlement` (uints as bigints). */
function settlementOf(served: TypedDataReply): Settlement {
  const m = served.typedData.message as Record<string, string> & { instalments: { dueAt: string; amount: string }[] };
  const big = (key: string) => BigInt(m[key] as string);
  return {
    caseId: m.caseId as string,
    borrower: m.borrower as string,
    platform: m.platform as string,
    lawyer: m.lawyer as string,
    documentHash: m.documentHash as string,
    currency: m.currency as string,
    originalPrincipal: big("originalPrincipal"),
    loanFormedAt: big("loanFormedAt"),
    settledAmount: big("settledAmount"),
    instalments: m.instalments.map((i) => ({ dueAt: BigInt(i.dueAt), amount: BigInt(i.amount) })),
    gracePeriod: big("gracePeriod"),
    curePeriod: big("curePeriod"),
    contestWindow: big("contestWindow"),
    amends: m.amends as string,
    borrowerNonce: big("borrowerNonce"),
    platformNonce: big("platformNonce"),
    lawyerNonce: big("lawyerNonce"),
    deadline: big("deadline"),
  };
}

/** The malleable twin of a 65-byte signature (s → n − s, v flipped): valid for ecrecover, refused by the registry. */
function highSTwin(signature: Hex): Hex {
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = hexToBigInt(slice(signature, 32, 64));
  const v = Number(hexToBigInt(slice(signature, 64, 65)));
  return concat([
    slice(signature, 0, 32),
    numberToHex(n - s, { size: 32 }),
    numberToHex(v === 27 ? 28 : 27, { size: 1 }),
  ]);
}

describe("gateway: agreements", function () {
  this.timeout(300_000);
  let system: System;
  let tokens: Tokens;
  let outsider: string;
  let caseId: Hex;

  before(async () => {
    system = await startSystem({
      env: { HEJIE_OUTBOX_POLL_MS: "50", HEJIE_LOG_LEVEL: process.env.DEBUG_LOG ?? "silent" },
    });
    tokens = {
      lawyer: await signIn(system.url, wallets.lawyer),
      borrower: await signIn(system.url, wallets.borrower),
      platform: await signIn(system.url, wallets.platform),
    };
    outsider = await signIn(system.url, wallets.outsider);
    caseId = await openCase(system, tokens.lawyer, wallets.borrower.address, [wallets.platform.address]);
  });
  after(async () => {
    await system?.stop();
  });

  const signAllThree = (draft: DraftReply, inCase = caseId) => signByAll(system, tokens, inCase, draft.id);

  describe("the whole flow", () => {
    it("sign-in → case → upload → draft → three signatures → registered, readable on chain with its terms", async () => {
      const document = await uploadDocument(system, tokens.lawyer, caseId);
      const draft = await createDraft(system, tokens.lawyer, caseId, draftBody(wallets.platform.address, document.id));
      expect(draft.status).to.equal("drafted");
      expect(draft.registrationMethod).to.equal("registerMonthly");
      expect(draft.awaiting).to.deep.equal(["borrower", "platform", "lawyer"]);
      // The salted document hash: anyone with the file and the salt recomputes it.
      const sha256 = `0x${createHash("sha256").update(document.bytes).digest("hex")}`;
      expect(draft.document.sha256).to.equal(sha256);
      expect(agreementDocumentHash(sha256, draft.document.salt)).to.equal(draft.document.hash);
      expect(draft.terms.documentHash).to.equal(draft.document.hash);
      // The monthly plan is expanded by protocol/schedule.ts.
      expect(draft.terms.instalments).to.deep.equal(
        monthlySchedule(BigInt(FIRST_DUE), 12, 1_200_000n).map((i) => ({
          dueAt: Number(i.dueAt),
          amount: i.amount.toString(),
        })),
      );

      // Every party reads the same typed data; the registry computes the same id from it.
      const served = await typedDataOf(system, tokens.borrower, caseId, draft.id);
      const registry = await system.hejie.settlements.getAddress();
      expect(served.settlementId).to.equal(draft.settlementId);
      expect(served.typedData.primaryType).to.equal("Settlement");
      expect(served.typedData.domain).to.deep.equal({
        name: "Hejie Registry",
        version: "1",
        chainId: 31337,
        verifyingContract: registry,
      });
      expect(served.typedData.types.EIP712Domain).to.have.length(4);
      expect(served.typedData.message.settledAmount).to.equal("1200000");
      expect(served.signers).to.deep.equal({
        borrower: wallets.borrower.address,
        platform: wallets.platform.address,
        lawyer: wallets.lawyer.address,
      });
      const settlement = settlementOf(served);
      expect(await system.hejie.settlements.settlementId(termsOf(settlement), settlement.instalments)).to.equal(
        served.settlementId,
      );

      // The borrower signs through the node's eth_signTypedData_v4, with the served JSON as is.
      const first = await postSignature(system, tokens.borrower, caseId, draft.id, {
        signature: await signWithNode(system, wallets.borrower.address, served),
      });
      expect(first.status).to.equal(201);
      expect(first.body.status).to.equal("partly_signed");
      expect(first.body.awaiting).to.deep.equal(["platform", "lawyer"]);
      const second = await postSignature(system, tokens.platform, caseId, draft.id, {
        signature: await signServed(wallets.platform, served),
      });
      expect([second.status, second.body.status]).to.deep.equal([201, "partly_signed"]);
      const third = await postSignature(system, tokens.lawyer, caseId, draft.id, {
        signature: await signServed(wallets.lawyer, served),
      });
      expect(third.status).to.equal(201);
      expect(third.body.awaiting).to.deep.equal([]);
      expect(["queued", "submitted", "registered"]).to.include(third.body.status);

      const registered = await waitForDraft(
        system,
        tokens.borrower,
        caseId,
        draft.id,
        (d) => d.status === "registered",
      );
      expect(registered.registration?.blockNumber).to.be.a("number");
      expect(registered.submission?.transactions).to.equal(1);
      expect(registered.registration?.txHash).to.equal(registered.submission?.txHash);

      // On chain: one registration, with the drafted terms.
      const id = draft.settlementId;
      expect(await registrationsOf(system, id)).to.equal(1);
      const [ledger, profile] = await system.hejie.settlements.getSettlement(id);
      expect(ledger.status).to.equal(BigInt(Status.Active));
      expect(ledger.platformId).to.equal(system.hejie.ids.platform);
      expect(ledger.instalmentCount).to.equal(12n);
      expect(ledger.totalDue).to.equal(1_200_000n);
      expect(ledger.regularAmount).to.equal(100_000n);
      expect(profile.borrowerId).to.equal(system.hejie.ids.borrower);
      expect(profile.lawyerId).to.equal(system.hejie.ids.lawyer);
      expect([profile.gracePeriod, profile.curePeriod, profile.contestWindow]).to.deep.equal([
        BigInt(5 * DAY),
        BigInt(30 * DAY),
        BigInt(14 * DAY),
      ]);
      const registry_ = system.hejie.settlements;
      const [event] = await registry_.queryFilter(registry_.filters.SettlementRegistered(id), 0, "latest");
      expect(event?.args.caseId).to.equal(caseId);
      expect(event?.args.documentHash).to.equal(draft.document.hash);
      expect(event?.transactionHash).to.equal(registered.registration?.txHash);

      // The case's agreements, with compliance read from the chain.
      const agreements = await call<
        { settlementId: string; compliance: { status: string; standing: string; totalDue: string } }[]
      >(system.url, "GET", `/cases/${caseId}/agreements`, { token: tokens.platform });
      expect(agreements.status).to.equal(200);
      const listed = agreements.body.find((a) => a.settlementId === id);
      expect(listed?.compliance).to.include({ status: "Active", standing: "Performing", totalDue: "1200000" });
      const refused = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/agreements`, { token: outsider });
      expect([refused.status, refused.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
    });

    it("an explicit schedule registers through `register`, instalment by instalment", async () => {
      const document = await uploadDocument(system, tokens.lawyer, caseId);
      const instalments = [
        { dueAt: FIRST_DUE, amount: "300000" },
        { dueAt: FIRST_DUE + 10 * DAY, amount: "300000" },
        { dueAt: FIRST_DUE + 45 * DAY, amount: "600000" },
      ];
      const draft = await createDraft(
        system,
        tokens.lawyer,
        caseId,
        draftBody(wallets.platform.address, document.id, { monthly: undefined, instalments }),
      );
      expect(draft.registrationMethod).to.equal("register");
      await signAllThree(draft);
      await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "registered");
      const [ledger] = await system.hejie.settlements.getSettlement(draft.settlementId);
      expect(ledger.regularAmount).to.equal(0n); // the explicit-schedule form
      const onChain = await system.hejie.settlements.getInstalments(draft.settlementId);
      expect(onChain.map((i) => ({ dueAt: Number(i.dueAt), amount: i.amount.toString() }))).to.deep.equal(instalments);
      expect(await registrationsOf(system, draft.settlementId)).to.equal(1);
    });
  });

  describe("amendments", () => {
    it("an amendment of a registered agreement supersedes it on chain; a superseded one cannot be amended", async () => {
      const document = await uploadDocument(system, tokens.lawyer, caseId);
      const base = await createDraft(system, tokens.lawyer, caseId, draftBody(wallets.platform.address, document.id));
      await signAllThree(base);
      await waitForDraft(system, tokens.lawyer, caseId, base.id, (d) => d.status === "registered");

      const body = draftBody(wallets.platform.address, document.id, {
        amends: base.settlementId,
        settledAmount: "1100000",
        monthly: { firstDueAt: FIRST_DUE, count: 11, total: "1100000" },
      });
      const amendment = await createDraft(system, tokens.lawyer, caseId, body);
      expect(amendment.terms.amends).to.equal(base.settlementId);
      await signAllThree(amendment);
      await waitForDraft(system, tokens.lawyer, caseId, amendment.id, (d) => d.status === "registered");

      const [before] = await system.hejie.settlements.getSettlement(base.settlementId);
      expect(before.status).to.equal(BigInt(Status.Superseded));
      expect(await system.hejie.settlements.successorOf(base.settlementId)).to.equal(amendment.settlementId);
      const listed = await call<{ settlementId: string; amends: string | null; compliance: { status: string } }[]>(
        system.url,
        "GET",
        `/cases/${caseId}/agreements`,
        { token: tokens.borrower },
      );
      const byId = new Map(listed.body.map((a) => [a.settlementId, a]));
      expect(byId.get(base.settlementId)?.compliance.status).to.equal("Superseded");
      expect(byId.get(amendment.settlementId)).to.deep.include({ amends: base.settlementId });

      const again = await call<ErrorReply>(system.url, "POST", `/cases/${caseId}/drafts`, {
        token: tokens.lawyer,
        json: body,
      });
      expect([again.status, again.body.error.code, again.body.error.details]).to.deep.equal([
        400,
        "AMENDS_NOT_AMENDABLE",
        { field: "body.amends", status: "Superseded" },
      ]);
    });
  });

  describe("drafting", () => {
    let documentId: string;

    before(async () => {
      documentId = (await uploadDocument(system, tokens.lawyer, caseId)).id;
    });

    it("refuses, naming the field, every draft the registry would refuse; nothing is drafted", async () => {
      const before = await call<unknown[]>(system.url, "GET", `/cases/${caseId}/drafts`, { token: tokens.lawyer });
      const explicit = (instalments: { dueAt: number; amount: string }[], settledAmount: string) => ({
        monthly: undefined,
        instalments,
        settledAmount,
      });
      const cases: [string, Record<string, unknown>, string, string][] = [
        [
          "unsorted",
          explicit(
            [
              { dueAt: FIRST_DUE + DAY, amount: "1" },
              { dueAt: FIRST_DUE, amount: "1" },
            ],
            "2",
          ),
          "SCHEDULE_UNSORTED",
          "body.instalments.1.dueAt",
        ],
        [
          "zero amount",
          explicit(
            [
              { dueAt: FIRST_DUE, amount: "5" },
              { dueAt: FIRST_DUE + DAY, amount: "0" },
            ],
            "5",
          ),
          "INSTALMENT_ZERO_AMOUNT",
          "body.instalments.1.amount",
        ],
        [
          "not whole days apart",
          explicit(
            [
              { dueAt: FIRST_DUE, amount: "5" },
              { dueAt: FIRST_DUE + DAY + 1, amount: "5" },
            ],
            "10",
          ),
          "DUE_TIME_NOT_WHOLE_DAYS",
          "body.instalments.1.dueAt",
        ],
        [
          "more than 65,535 days",
          explicit(
            [
              { dueAt: FIRST_DUE, amount: "5" },
              { dueAt: FIRST_DUE + 65_536 * DAY, amount: "5" },
            ],
            "10",
          ),
          "SCHEDULE_TOO_LONG",
          "body.instalments.1.dueAt",
        ],
        ["settled amount ≠ total", { settledAmount: "1100000" }, "AMOUNT_MISMATCH", "body.settledAmount"],
        [
          "explicit total ≠ settled",
          explicit([{ dueAt: FIRST_DUE, amount: "7" }], "8"),
          "AMOUNT_MISMATCH",
          "body.settledAmount",
        ],
        [
          "a total above 2^48 - 1",
          { settledAmount: String(2n ** 48n), monthly: { firstDueAt: FIRST_DUE, count: 1, total: String(2n ** 48n) } },
          "TOTAL_TOO_LARGE",
          "body.settledAmount",
        ],
        [
          "361 monthly instalments",
          { monthly: { firstDueAt: FIRST_DUE, count: 361, total: "1200000" } },
          "VALIDATION_FAILED",
          "body.monthly.count",
        ],
        [
          "361 explicit instalments",
          explicit(
            Array.from({ length: 361 }, (_, i) => ({ dueAt: FIRST_DUE + i * DAY, amount: "1" })),
            "361",
          ),
          "VALIDATION_FAILED",
          "body.instalments",
        ],
        [
          "a plan too small for its count",
          { settledAmount: "11", monthly: { firstDueAt: FIRST_DUE, count: 12, total: "11" } },
          "PLAN_AMOUNT_ZERO",
          "body.monthly.total",
        ],
        [
          "a first due time in milliseconds' range",
          { monthly: { firstDueAt: 300_000_000_000, count: 12, total: "1200000" } },
          "FIRST_DUE_OUT_OF_RANGE",
          "body.monthly.firstDueAt",
        ],
        [
          "a first due time in January 1970",
          explicit([{ dueAt: 1_000, amount: "7" }], "7"),
          "FIRST_DUE_OUT_OF_RANGE",
          "body.instalments.0.dueAt",
        ],
        [
          "both schedules",
          { instalments: [{ dueAt: FIRST_DUE, amount: "1200000" }] },
          "VALIDATION_FAILED",
          "body.monthly",
        ],
        ["no schedule", { monthly: undefined }, "VALIDATION_FAILED", "body.instalments"],
        ["another currency", { currency: "USD" }, "VALIDATION_FAILED", "body.currency"],
        ["an amount as a number", { settledAmount: 1200000 }, "VALIDATION_FAILED", "body.settledAmount"],
        ["a zero principal", { originalPrincipal: "0" }, "VALIDATION_FAILED", "body.originalPrincipal"],
        ["a grace period above uint32", { gracePeriod: 2 ** 32 }, "VALIDATION_FAILED", "body.gracePeriod"],
        [
          "a platform outside the case",
          { platform: wallets.outsider.address },
          "PLATFORM_NOT_IN_CASE",
          "body.platform",
        ],
        ["an unknown document", { documentId: `0x${"cd".repeat(32)}` }, "DOCUMENT_NOT_IN_CASE", "body.documentId"],
        ["a malformed document id", { documentId: "agreement.pdf" }, "VALIDATION_FAILED", "body.documentId"],
        ["an unknown agreement to amend", { amends: `0x${"ab".repeat(32)}` }, "AMENDS_UNKNOWN", "body.amends"],
        [
          "a loan formed in the future",
          { loanFormedAt: Math.floor(Date.now() / 1000) + 30 * DAY },
          "LOAN_FORMED_IN_FUTURE",
          "body.loanFormedAt",
        ],
      ];
      for (const [label, overrides, code, field] of cases) {
        const reply = await call<ErrorReply & { error: { details: { field?: string; issues?: { field: string }[] } } }>(
          system.url,
          "POST",
          `/cases/${caseId}/drafts`,
          { token: tokens.lawyer, json: draftBody(wallets.platform.address, documentId, overrides) },
        );
        const named = reply.body.error?.details?.field ?? reply.body.error?.details?.issues?.[0]?.field;
        expect([reply.status, reply.body.error?.code, named], label).to.deep.equal([400, code, field]);
      }
      const after = await call<unknown[]>(system.url, "GET", `/cases/${caseId}/drafts`, { token: tokens.lawyer });
      expect(after.body).to.have.length(before.body.length);
    });

    it("the agreement document must be an available document of this very case", async () => {
      const otherCase = await openCase(system, tokens.lawyer, wallets.borrower.address, [wallets.platform.address]);
      const elsewhere = await uploadDocument(system, tokens.lawyer, otherCase);
      const shredded = await uploadDocument(system, tokens.borrower, caseId);
      const deleted = await call(system.url, "DELETE", `/cases/${caseId}/documents/${shredded.id}`, {
        token: tokens.borrower,
      });
      expect(deleted.status).to.equal(200);
      for (const id of [elsewhere.id, shredded.id]) {
        const reply = await call<ErrorReply>(system.url, "POST", `/cases/${caseId}/drafts`, {
          token: tokens.lawyer,
          json: draftBody(wallets.platform.address, id),
        });
        expect([reply.status, reply.body.error.code, reply.body.error.details?.field]).to.deep.equal([
          400,
          "DOCUMENT_NOT_IN_CASE",
          "body.documentId",
        ]);
      }
      // The same file uploaded to this case serves; its id may come in capitals.
      const again = await uploadDocument(system, tokens.lawyer, caseId, shredded.bytes);
      const draft = await createDraft(
        system,
        tokens.lawyer,
        caseId,
        draftBody(wallets.platform.address, again.id.toUpperCase().replace("0X", "0x")),
      );
      expect(draft.document).to.include({
        id: again.id,
        sha256: `0x${createHash("sha256").update(shredded.bytes).digest("hex")}`,
      });
    });

    it("an explicit list that is a calendar-monthly plan is registered as one", async () => {
      const instalments = monthlySchedule(BigInt(FIRST_DUE), 3, 300_000n).map((i) => ({
        dueAt: Number(i.dueAt),
        amount: i.amount.toString(),
      }));
      const draft = await createDraft(
        system,
        tokens.lawyer,
        caseId,
        draftBody(wallets.platform.address, documentId, { monthly: undefined, instalments, settledAmount: "300000" }),
      );
      expect(draft.registrationMethod).to.equal("registerMonthly");
    });

    it("only the case's lawyer drafts; only parties read drafts", async () => {
      const body = draftBody(wallets.platform.address, documentId);
      const byBorrower = await call<ErrorReply>(system.url, "POST", `/cases/${caseId}/drafts`, {
        token: tokens.borrower,
        json: body,
      });
      expect([byBorrower.status, byBorrower.body.error.code]).to.deep.equal([403, "NOT_THE_LAWYER"]);
      const byOutsider = await call<ErrorReply>(system.url, "POST", `/cases/${caseId}/drafts`, {
        token: outsider,
        json: body,
      });
      expect([byOutsider.status, byOutsider.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
      const draft = await createDraft(system, tokens.lawyer, caseId, body);
      for (const path of [`/cases/${caseId}/drafts/${draft.id}`, `/cases/${caseId}/drafts/${draft.id}/typed-data`]) {
        const read = await call<ErrorReply>(system.url, "GET", path, { token: outsider });
        expect([read.status, read.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
      }
      const unknown = await call<ErrorReply>(
        system.url,
        "GET",
        `/cases/${caseId}/drafts/00000000-0000-4000-8000-000000000000`,
        { token: tokens.lawyer },
      );
      expect(unknown.status).to.equal(404);
    });
  });

  describe("signatures", () => {
    let documentId: string;
    let draftA: DraftReply;
    let draftB: DraftReply;
    let servedA: TypedDataReply;
    let servedB: TypedDataReply;

    before(async () => {
      documentId = (await uploadDocument(system, tokens.lawyer, caseId)).id;
      draftA = await createDraft(system, tokens.lawyer, caseId, draftBody(wallets.platform.address, documentId));
      draftB = await createDraft(system, tokens.lawyer, caseId, draftBody(wallets.platform.address, documentId));
      servedA = await typedDataOf(system, tokens.lawyer, caseId, draftA.id);
      servedB = await typedDataOf(system, tokens.lawyer, caseId, draftB.id);
      expect(servedA.settlementId).to.not.equal(servedB.settlementId); // a fresh salt per draft
    });

    const refusal = async (token: string, draftId: string, body: { role?: string; signature: string }) => {
      const reply = await postSignature(system, token, caseId, draftId, body);
      return [reply.status, reply.body.error?.code];
    };

    it("refuses a forged, a wrong party's, another draft's and a malleable signature; each changes nothing", async () => {
      const stranger = privateKeyToAccount(generatePrivateKey());
      expect(
        await refusal(tokens.borrower, draftA.id, { signature: await signServed(stranger, servedA) }),
      ).to.deep.equal([400, "SIGNATURE_INVALID"]);
      expect(await refusal(tokens.borrower, draftA.id, { signature: "0x1234" })).to.deep.equal([
        400,
        "SIGNATURE_INVALID",
      ]);
      const borrowerSignature = await signServed(wallets.borrower, servedA);
      expect(
        await refusal(tokens.borrower, draftA.id, { role: "platform", signature: borrowerSignature }),
      ).to.deep.equal([400, "SIGNATURE_WRONG_SIGNER"]);
      const forB = await signServed(wallets.platform, servedB);
      const otherDraft = await postSignature(system, tokens.platform, caseId, draftA.id, { signature: forB });
      expect([otherDraft.status, otherDraft.body.error.code, otherDraft.body.error.details?.draftId]).to.deep.equal([
        400,
        "SIGNATURE_FOR_OTHER_DRAFT",
        draftB.id,
      ]);
      // ecrecover accepts the high-s twin; the registry does not, so neither does the gateway.
      expect(size(borrowerSignature)).to.equal(65);
      expect(await refusal(tokens.borrower, draftA.id, { signature: highSTwin(borrowerSignature) })).to.deep.equal([
        400,
        "SIGNATURE_INVALID",
      ]);
      expect(await refusal(outsider, draftA.id, { role: "borrower", signature: borrowerSignature })).to.deep.equal([
        403,
        "NOT_A_PARTY",
      ]);
      expect(await refusal(tokens.borrower, draftA.id, { role: "judge", signature: borrowerSignature })).to.deep.equal([
        400,
        "VALIDATION_FAILED",
      ]);
      for (const draft of [draftA, draftB]) {
        const now = await draftStatus(system, tokens.lawyer, caseId, draft.id);
        expect([now.status, now.signatures]).to.deep.equal(["drafted", []]);
      }
    });

    it("stores a valid signature once: a replay or a second signature by the same party is refused", async () => {
      const signature = await signServed(wallets.borrower, servedA);
      const stored = await postSignature(system, tokens.borrower, caseId, draftA.id, { signature });
      expect([stored.status, stored.body.status]).to.deep.equal([201, "partly_signed"]);
      expect(stored.body.signatures.map((s) => [s.role, s.signer])).to.deep.equal([
        ["borrower", wallets.borrower.address],
      ]);
      expect(await refusal(tokens.borrower, draftA.id, { signature })).to.deep.equal([409, "SIGNATURE_REPLAYED"]);
      // The lawyer may hand in a party's signature too: a replay is a replay, whoever sends it.
      expect(await refusal(tokens.lawyer, draftA.id, { role: "borrower", signature })).to.deep.equal([
        409,
        "SIGNATURE_REPLAYED",
      ]);
      const again = await signWithNode(system, wallets.borrower.address, servedA);
      expect(again).to.equal(signature); // RFC 6979: the same key signs the same digest alike
      expect(await refusal(tokens.borrower, draftA.id, { signature: highSTwin(signature) })).to.deep.equal([
        409,
        "ALREADY_SIGNED",
      ]);
      const now = await draftStatus(system, tokens.lawyer, caseId, draftA.id);
      expect(now.signatures).to.have.length(1);
    });

    it("a signed draft cannot be edited; an unsigned one can (new terms, new id); the lawyer withdraws", async () => {
      const edited = { ...draftBody(wallets.platform.address, documentId), settledAmount: "600000" };
      edited.monthly = { firstDueAt: FIRST_DUE, count: 6, total: "600000" };
      const refused = await call<ErrorReply>(system.url, "PUT", `/cases/${caseId}/drafts/${draftA.id}`, {
        token: tokens.lawyer,
        json: edited,
      });
      expect([refused.status, refused.body.error.code]).to.deep.equal([409, "DRAFT_SIGNED"]);

      const platformOldB = await signServed(wallets.platform, servedB);
      const changed = await call<DraftReply>(system.url, "PUT", `/cases/${caseId}/drafts/${draftB.id}`, {
        token: tokens.lawyer,
        json: edited,
      });
      expect(changed.status).to.equal(200);
      expect(changed.body.settlementId).to.not.equal(draftB.settlementId);
      expect(changed.body.terms.settledAmount).to.equal("600000");
      // A signature of the old terms no longer fits.
      expect(await refusal(tokens.platform, draftB.id, { signature: platformOldB })).to.deep.equal([
        400,
        "SIGNATURE_INVALID",
      ]);

      const byBorrower = await call<ErrorReply>(system.url, "DELETE", `/cases/${caseId}/drafts/${draftB.id}`, {
        token: tokens.borrower,
      });
      expect([byBorrower.status, byBorrower.body.error.code]).to.deep.equal([403, "NOT_THE_LAWYER"]);
      const withdrawn = await call<DraftReply>(system.url, "DELETE", `/cases/${caseId}/drafts/${draftB.id}`, {
        token: tokens.lawyer,
      });
      expect([withdrawn.status, withdrawn.body.status]).to.deep.equal([200, "withdrawn"]);
      const servedNewB = await typedDataOf(system, tokens.lawyer, caseId, draftB.id);
      expect(
        await refusal(tokens.platform, draftB.id, { signature: await signServed(wallets.platform, servedNewB) }),
      ).to.deep.equal([409, "DRAFT_WITHDRAWN"]);
      const twice = await call<ErrorReply>(system.url, "DELETE", `/cases/${caseId}/drafts/${draftB.id}`, {
        token: tokens.lawyer,
      });
      expect([twice.status, twice.body.error.code]).to.deep.equal([409, "DRAFT_WITHDRAWN"]);
      const edit = await call<ErrorReply>(system.url, "PUT", `/cases/${caseId}/drafts/${draftB.id}`, {
        token: tokens.lawyer,
        json: edited,
      });
      expect([edit.status, edit.body.error.code]).to.deep.equal([409, "DRAFT_WITHDRAWN"]);
    });

    it("refuses a signature whose signer increased its key nonce on chain since drafting", async () => {
      const draft = await createDraft(system, tokens.lawyer, caseId, draftBody(wallets.platform.address, documentId));
      const served = await typedDataOf(system, tokens.lawyer, caseId, draft.id);
      const signature = await signServed(wallets.platform, served);
      const platformNonce = Number(draft.terms.platformNonce);
      // The platform cancels every signature it made over its current nonce.
      const registry = system.hejie.settlements.connect(system.hejie.platform);
      await (await registry.increaseNonce()).wait();
      const reply = await postSignature(system, tokens.platform, caseId, draft.id, { signature });
      expect([reply.status, reply.body.error.code, reply.body.error.details]).to.deep.equal([
        409,
        "STALE_NONCE",
        {
          role: "platform",
          signer: wallets.platform.address,
          signed: platformNonce,
          current: platformNonce + 1,
        },
      ]);
      expect((await draftStatus(system, tokens.lawyer, caseId, draft.id)).signatures).to.deep.equal([]);
      // A new draft carries the new nonce and is signed and registered.
      const fresh = await createDraft(system, tokens.lawyer, caseId, draftBody(wallets.platform.address, documentId));
      expect(fresh.terms.platformNonce).to.equal(platformNonce + 1);
      await signAllThree(fresh);
      await waitForDraft(system, tokens.lawyer, caseId, fresh.id, (d) => d.status === "registered");
    });
  });

  describe("contract wallets and refusals by the registry", () => {
    it("an ERC-1271 multisig platform signs (threshold met), and the agreement registers", async () => {
      const multisig = await deployMultisig(system.hejie, 2, 3);
      const platform = multisig.address as Hex;
      const oracle = privateKeyToAccount(generatePrivateKey()).address;
      const platformId = await admitPlatform(system.hejie, platform, oracle, "multisig-platform");
      // A case with two creditors: the multisig platform and the fixture's platform.
      const inCase = await openCase(system, tokens.lawyer, wallets.borrower.address, [
        platform,
        wallets.platform.address,
      ]);
      const document = await uploadDocument(system, tokens.lawyer, inCase);
      const draft = await createDraft(system, tokens.lawyer, inCase, draftBody(platform, document.id));
      const served = await typedDataOf(system, tokens.lawyer, inCase, draft.id);
      // The other platform is a party of the case but not this draft's creditor: it cannot see the draft,
      // nor hand a signature in for it.
      const unnamed = await postSignature(system, tokens.platform, inCase, draft.id, {
        signature: await signServed(wallets.platform, served),
      });
      expect([unnamed.status, unnamed.body.error.code]).to.deep.equal([404, "NOT_FOUND"]);
      for (const path of [`/cases/${inCase}/drafts/${draft.id}`, `/cases/${inCase}/drafts/${draft.id}/typed-data`]) {
        const read = await call<ErrorReply>(system.url, "GET", path, { token: tokens.platform });
        expect([read.status, read.body.error.code], path).to.deep.equal([404, "NOT_FOUND"]);
      }
      const listed = await call<DraftReply[]>(system.url, "GET", `/cases/${inCase}/drafts`, { token: tokens.platform });
      expect([listed.status, listed.body.length]).to.deep.equal([200, 0]);
      // The owners sign the EIP-712 digest; the lawyer hands the wallet's signature in.
      const one = ownerSignatures(served.settlementId, multisig.owners.slice(0, 1)) as Hex;
      const under = await postSignature(system, tokens.lawyer, inCase, draft.id, { role: "platform", signature: one });
      expect([under.status, under.body.error.code]).to.deep.equal([400, "SIGNATURE_INVALID"]);
      const two = ownerSignatures(served.settlementId, multisig.owners.slice(0, 2)) as Hex;
      const met = await postSignature(system, tokens.lawyer, inCase, draft.id, { role: "platform", signature: two });
      expect([met.status, met.body.signatures.map((s) => [s.role, s.signer])]).to.deep.equal([
        201,
        [["platform", platform]],
      ]);
      for (const [role, wallet] of [
        ["borrower", wallets.borrower],
        ["lawyer", wallets.lawyer],
      ] as const) {
        const reply = await postSignature(system, tokens[role], inCase, draft.id, {
          signature: await signServed(wallet, served),
        });
        expect(reply.status).to.equal(201);
      }
      await waitForDraft(system, tokens.lawyer, inCase, draft.id, (d) => d.status === "registered");
      const [ledger] = await system.hejie.settlements.getSettlement(draft.settlementId);
      expect([ledger.status, ledger.platformId]).to.deep.equal([BigInt(Status.Active), platformId]);
      // The borrower and the lawyer see the agreement; the other creditor of the case does not.
      const seen = async (token: string) =>
        (await call<{ settlementId: Hex }[]>(system.url, "GET", `/cases/${inCase}/agreements`, { token })).body.map(
          (a) => a.settlementId,
        );
      expect(await seen(tokens.borrower)).to.deep.equal([draft.settlementId]);
      expect(await seen(tokens.lawyer)).to.deep.equal([draft.settlementId]);
      expect(await seen(tokens.platform)).to.deep.equal([]);

      // An amendment keeps the creditor: the other platform of the case cannot take it over.
      const takeover = await call<ErrorReply>(system.url, "POST", `/cases/${inCase}/drafts`, {
        token: tokens.lawyer,
        json: draftBody(wallets.platform.address, document.id, { amends: draft.settlementId }),
      });
      expect([takeover.status, takeover.body.error.code, takeover.body.error.details?.field]).to.deep.equal([
        400,
        "AMENDS_PARTIES_DIFFER",
        "body.platform",
      ]);
    });

    it("a refusal by the registry (the lawyer's key revoked before submission) fails with the decoded error", async () => {
      // A second lawyer, admitted for this test, whose key the registrar revokes after it signed.
      const lawyer2 = wallets.spare1;
      const members = system.hejie.members;
      await (
        await members.admitMember(AccountKind.Lawyer, Licence.None, commitment("lawyer-2"), lawyer2.address)
      ).wait();
      const token = await signIn(system.url, lawyer2);
      const inCase = await openCase(system, token, wallets.borrower.address, [wallets.platform.address]);
      const document = await uploadDocument(system, token, inCase);
      const draft = await createDraft(system, token, inCase, draftBody(wallets.platform.address, document.id));
      const spare = await createDraft(system, token, inCase, draftBody(wallets.platform.address, document.id));
      const served = await typedDataOf(system, token, inCase, draft.id);
      expect(
        (await postSignature(system, token, inCase, draft.id, { signature: await signServed(lawyer2, served) })).status,
      ).to.equal(201);
      expect(
        (
          await postSignature(system, tokens.borrower, inCase, draft.id, {
            signature: await signServed(wallets.borrower, served),
          })
        ).status,
      ).to.equal(201);
      await (await members.revokeKey(lawyer2.address)).wait();
      // The gateway sees the revocation: the revoked lawyer can neither sign nor draft any more …
      const servedSpare = await typedDataOf(system, token, inCase, spare.id);
      const late = await postSignature(system, token, inCase, spare.id, {
        signature: await signServed(lawyer2, servedSpare),
      });
      expect([late.status, late.body.error.code]).to.deep.equal([409, "SIGNER_KEY_NOT_ACTIVE"]);
      const redraft = await call<ErrorReply>(system.url, "POST", `/cases/${inCase}/drafts`, {
        token,
        json: draftBody(wallets.platform.address, document.id),
      });
      expect([redraft.status, redraft.body.error.code, redraft.body.error.details?.field]).to.deep.equal([
        400,
        "PARTY_NOT_ELIGIBLE",
        "lawyer",
      ]);
      // … but the registry has the last word on the draft it signed before.
      const third = await postSignature(system, tokens.platform, inCase, draft.id, {
        signature: await signServed(wallets.platform, served),
      });
      expect(third.status).to.equal(201);
      const failed = await waitForDraft(system, tokens.platform, inCase, draft.id, (d) => d.status === "failed");
      expect(failed.failure).to.deep.include({ error: "MemberRegistryKeyNotActive", args: [lawyer2.address] });
      expect(failed.submission?.transactions).to.equal(0); // refused in simulation: nothing was sent
      expect(await registrationsOf(system, draft.settlementId)).to.equal(0);
    });
  });
});
