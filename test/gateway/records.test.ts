/**
 * Case events captured as evidence as they happen: the three parties' signatures of a settlement, its
 * registration, a payment recorded on chain, a standstill breach and a committee decision each become
 * a JSON record stored encrypted in the case, queued and anchored like a lawyer's evidence, verifiable
 * by anyone, and recorded once.
 *
 * The gateway runs with its indexer and evidence rounds off; the test runs them by hand.
 */
import { createHash } from "node:crypto";

import { expect } from "chai";
import { ZeroHash, hexlify, randomBytes } from "ethers";
import { type Hex, getAddress } from "viem";

import { call, signIn } from "../../protocol/gateway-client.js";
import { signedPaymentReport } from "../../protocol/payment-reports.js";
import { grantAnchorer } from "../../deploy/anchorer.js";
import { CaseType, DEFAULT_RULEBOOKS } from "../../protocol/cases.js";
import { DisputeSubject, Vote } from "../../protocol/enums.js";
import { caseRegistryOf } from "../helpers/cases.js";
import { now } from "../helpers/hejie.js";
import {
  type Tokens,
  createDraft,
  draftBody,
  openCase,
  signByAll,
  uploadDocument,
  waitForDraft,
} from "./agreements-fixture.js";
import { type System, startSystem, wallets } from "./harness.js";

interface EvidenceReply {
  id: string;
  documentId: Hex;
  sha256: Hex;
  state: "queued" | "anchored";
}

describe("gateway: case events recorded as evidence", function () {
  this.timeout(300_000);
  let system: System;
  let tokens: Tokens;
  let caseId: Hex;
  let settlementId: Hex;

  before(async () => {
    system = await startSystem({
      env: {
        HEJIE_INDEXER: "off",
        HEJIE_EVIDENCE_ANCHORER: "off",
        HEJIE_PAYMENTS_SUBMITTER: "off",
        HEJIE_OUTBOX_POLL_MS: "50",
      },
    });
    await grantAnchorer(system.hejie.accessManager, wallets.relayer.address);
    tokens = {
      lawyer: await signIn(system.url, wallets.lawyer),
      borrower: await signIn(system.url, wallets.borrower),
      platform: await signIn(system.url, wallets.platform),
    };
    caseId = await openCase(system, tokens.lawyer, wallets.borrower.address, [wallets.platform.address]);
    const document = await uploadDocument(system, tokens.lawyer, caseId);
    const draft = await createDraft(system, tokens.lawyer, caseId, draftBody(wallets.platform.address, document.id));
    await signByAll(system, tokens, caseId, draft.id);
    settlementId = (await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "registered"))
      .settlementId;
  });
  after(async () => {
    await system?.stop();
  });

  const evidence = async () =>
    (await call<EvidenceReply[]>(system.url, "GET", `/cases/${caseId}/evidence`, { token: tokens.borrower })).body;

  /** The record's file, decrypted by the gateway for a party, parsed. */
  async function recordOf(item: EvidenceReply) {
    const response = await fetch(`${system.url}/cases/${caseId}/documents/${item.documentId}/content`, {
      headers: { authorization: `Bearer ${tokens.borrower}` },
    });
    expect(response.headers.get("content-type")).to.match(/^application\/json/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(`0x${createHash("sha256").update(bytes).digest("hex")}`).to.equal(item.sha256);
    return JSON.parse(bytes.toString("utf8")) as Record<string, unknown> & { record: string };
  }

  it("records each signature at once, the registration once indexed, each on its own", async () => {
    expect(await system.gateway.recorder.round()).to.equal(3); // the signatures; nothing indexed yet
    await system.gateway.follower.catchUp();
    expect(await system.gateway.recorder.round()).to.equal(1); // the registration
    expect(await system.gateway.recorder.round()).to.equal(0); // and nothing twice

    const records = await Promise.all((await evidence()).map(recordOf));
    const signatures = records.filter((r) => r.record === "agreement-signature");
    expect(signatures.map((r) => r.role).sort()).to.deep.equal(["borrower", "lawyer", "platform"]);
    for (const signature of signatures) expect(signature.settlementId).to.equal(settlementId);
    const [registration] = records.filter((r) => r.record === "agreement-registration");
    expect(registration).to.deep.include({ record: "agreement-registration", caseId, settlementId, chainId: 31337 });
    const receipt = await system.hejie.ethers.provider.getTransactionReceipt(String(registration!.txHash));
    expect(receipt?.blockNumber).to.equal(registration!.blockNumber);
  });

  it("records a payment receipt once the payment is on chain, with the oracle's signed report", async () => {
    const report = await signedPaymentReport(
      wallets.oracle,
      31337,
      (await system.hejie.settlements.getAddress()) as Hex,
      {
        settlementId,
        sequence: 0,
        amount: 100_000n,
        paidAt: Math.floor(Date.now() / 1000) - 60,
        bankReference: `0x${"12".repeat(32)}`,
      },
    );
    const accepted = await call<{ id: Hex }>(system.url, "POST", "/payments/reports", { json: report });
    expect(accepted.status).to.equal(202);
    await system.gateway.follower.catchUp();
    expect(await system.gateway.recorder.round(), "accepted, not on chain: nothing to record").to.equal(0);

    await system.gateway.payments.runOnce();
    await system.gateway.follower.catchUp();
    expect(await system.gateway.recorder.round()).to.equal(1);
    const items = await evidence();
    const receipts = (await Promise.all(items.map(recordOf))).filter((r) => r.record === "payment-receipt");
    expect(receipts).to.have.length(1);
    expect(receipts[0]!.event).to.deep.include({ sequence: 0, amount: "100000" });
    expect(receipts[0]!.report).to.deep.include({
      id: accepted.body.id,
      oracle: wallets.oracle.address,
      signature: report.signature,
    });
  });

  it("anchors the records with the case's evidence; anyone verifies a record's file", async () => {
    await system.gateway.evidence.anchorRound(true);
    const items = await evidence();
    expect(items.length).to.equal(5);
    expect(items.every((item) => item.state === "anchored")).to.equal(true);
    for (const item of items) {
      const verified = await call<{ anchored: boolean }>(system.url, "POST", "/verify", {
        json: { sha256: item.sha256 },
      });
      expect(verified.body.anchored, item.id).to.equal(true);
    }
    const report = await call<{ document: { name: string } }>(system.url, "GET", `/evidence/${items[0]!.id}/report`, {
      token: tokens.lawyer,
    });
    expect(report.status).to.equal(200);
    expect(report.body.document.name).to.match(/^signature-(borrower|platform|lawyer)-0x[0-9a-f]{8}\.json$/);
  });

  it("records a standstill breach and the committee's decision of a dispute, with every vote", async () => {
    const h = system.hejie;
    const cases = await caseRegistryOf(h);
    const rules = { ...DEFAULT_RULEBOOKS.Simple, panelSize: 1, quorum: 1 };
    await (await cases.connect(h.committee).setRulebook(CaseType.Simple, rules)).wait();
    const mediationId = hexlify(randomBytes(32));
    const [borrowerId, platformId, lawyerId, committeeId] = [
      h.ids.borrower,
      h.ids.platform,
      h.ids.lawyer,
      h.ids.committee,
    ];
    await (
      await cases.connect(h.lawyer).openCase(mediationId, CaseType.Simple, borrowerId, [platformId], lawyerId)
    ).wait();
    await (await cases.connect(h.lawyer).addAgreement(mediationId, settlementId)).wait();
    // The platform's standstill, signed by its key and relayed by the gateway; then a collection call.
    const typed = await call<{ message: Record<string, unknown> }>(
      system.url,
      "GET",
      `/mediation/cases/${mediationId}/standstills/typed-data?creditorId=${platformId}`,
      { token: tokens.platform },
    );
    const signature = await wallets.platform.signTypedData(typed.body as never);
    const relayed = await call(system.url, "POST", `/mediation/cases/${mediationId}/standstills`, {
      token: tokens.platform,
      json: { standstill: typed.body.message, signature },
    });
    expect(relayed.status, JSON.stringify(relayed.body)).to.equal(201);
    const callNote = hexlify(randomBytes(32));
    await (await cases.connect(h.borrower).reportCollection(mediationId, platformId, await now(h), callNote)).wait();
    // A dispute decided by a one-member panel: Terminate.
    await (
      await cases
        .connect(h.borrower)
        .openDispute(mediationId, settlementId, DisputeSubject.Agreement, 0, ZeroHash, hexlify(randomBytes(32)))
    ).wait();
    const disputeId = await cases.disputeCount();
    const opinion = hexlify(randomBytes(32));
    const resolution = hexlify(randomBytes(32));
    await (await cases.connect(h.committee).appointPanel(disputeId, [committeeId])).wait();
    await (await cases.connect(h.committee).castVote(disputeId, Vote.Terminate, opinion)).wait();
    await (await cases.connect(h.committee).resolveDispute(disputeId, resolution)).wait();

    await system.gateway.follower.catchUp();
    expect(await system.gateway.recorder.round()).to.equal(2);
    expect(await system.gateway.recorder.round()).to.equal(0);
    const records = await Promise.all((await evidence()).map(recordOf));
    const caseRegistry = getAddress(await cases.getAddress());
    const [breach] = records.filter((r) => r.record === "standstill-breach");
    expect(breach).to.deep.include({ caseId, mediationCaseId: mediationId, contract: caseRegistry, chainId: 31337 });
    expect(breach!.event).to.deep.include({ creditorId: Number(platformId), evidenceHash: callNote });
    const [decision] = records.filter((r) => r.record === "dispute-decision");
    const votes = decision!.votes as { txHash: string }[];
    expect(decision).to.deep.include({ caseId, settlementId, disputeId: disputeId.toString(), contract: caseRegistry });
    expect(decision!.event).to.deep.include({ outcome: Vote.Terminate, resolutionHash: resolution, applied: true });
    expect(votes).to.deep.equal([
      { memberId: Number(committeeId), vote: Vote.Terminate, opinionHash: opinion, txHash: votes[0]!.txHash },
    ]);
  });
});
