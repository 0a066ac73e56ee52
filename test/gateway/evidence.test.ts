/**
 * Evidence over real HTTP and a real chain: a case's lawyer submits case documents as evidence, the
 * anchorer anchors each case's batch as one Merkle root in the EvidenceRegistry, and anyone verifies
 * a file (or its SHA-256) — each proof checked on chain at the time of asking. Also: who may submit,
 * duplicates, and a root anchored before the gateway recorded it (crash between transaction and record).
 *
 * The gateway runs with its anchorer off; tests run rounds by hand (`evidence.anchorRound(true)`).
 */
import { createHash, randomBytes } from "node:crypto";

import { expect } from "chai";
import type { Hex } from "viem";

import { grantAnchorer } from "../../deploy/anchorer.js";
import { call, signIn } from "../../protocol/gateway-client.js";
import { EvidenceKind } from "../../protocol/enums.js";
import { evidenceLeafHash, evidenceTree } from "../../protocol/evidence.js";
import { openCase, uploadDocument } from "./agreements-fixture.js";
import { type System, startSystem, wallets } from "./harness.js";

interface ItemReply {
  id: string;
  sha256: Hex;
  state: "queued" | "anchored";
  anchor: { root: Hex; txHash: Hex; blockNumber: number; blockTime: number } | null;
}
interface VerifyReply {
  anchored: boolean;
  sha256: Hex;
  anchors: { verified: boolean; root: Hex; txHash: Hex; caseId: Hex; proof: Hex[]; salt: Hex; anchoredAt: number }[];
}

const sha256Of = (bytes: Buffer) => `0x${createHash("sha256").update(bytes).digest("hex")}` as Hex;

describe("gateway: evidence anchoring and verification", function () {
  this.timeout(300_000);
  let system: System;
  let lawyer: string;
  let borrower: string;
  let caseId: Hex;

  before(async () => {
    system = await startSystem({ env: { HEJIE_EVIDENCE_ANCHORER: "off" } });
    // The relayer anchors: ANCHORER, granted as an operator does (see the documents README).
    const { accessManager } = system.hejie;
    await grantAnchorer(accessManager, wallets.relayer.address);
    lawyer = await signIn(system.url, wallets.lawyer);
    borrower = await signIn(system.url, wallets.borrower);
    caseId = await openCase(system, lawyer, wallets.borrower.address, [wallets.platform.address]);
  });
  after(async () => {
    await system?.stop();
  });

  const submit = (token: string, documentId: Hex, inCase = caseId) =>
    call<ItemReply & { error?: { code: string } }>(system.url, "POST", `/cases/${inCase}/evidence`, {
      token,
      json: { documentId },
    });
  const verifyHash = (sha256: Hex) => call<VerifyReply>(system.url, "POST", "/verify", { json: { sha256 } });

  it("a lawyer's documents are queued, anchored as one root, and a court verifies each file against the chain", async () => {
    const contract = await uploadDocument(system, lawyer, caseId);
    const letter = await uploadDocument(system, lawyer, caseId);
    for (const document of [contract, letter]) {
      const queued = await submit(lawyer, document.id);
      expect([queued.status, queued.body.state, queued.body.sha256]).to.deep.equal([
        202,
        "queued",
        sha256Of(document.bytes),
      ]);
    }
    expect((await verifyHash(sha256Of(contract.bytes))).body.anchored).to.equal(false);

    expect(await system.gateway.evidence.anchorRound(true)).to.equal(2);
    const items = (await call<ItemReply[]>(system.url, "GET", `/cases/${caseId}/evidence`, { token: borrower })).body;
    expect(items.map((i) => i.state)).to.deep.equal(["anchored", "anchored"]);
    expect(items[0]!.anchor!.root).to.equal(items[1]!.anchor!.root);

    // By hash, and by the file itself (hashed by the gateway, never stored).
    const byHash = await verifyHash(sha256Of(contract.bytes));
    expect([byHash.status, byHash.body.anchored, byHash.body.anchors.length]).to.deep.equal([200, true, 1]);
    const [found] = byHash.body.anchors;
    expect([found!.verified, found!.caseId, found!.root, found!.txHash]).to.deep.equal([
      true,
      caseId,
      items[0]!.anchor!.root,
      items[0]!.anchor!.txHash,
    ]);
    const onChain = await system.hejie.evidence.getAnchor(found!.root);
    expect([Number(onChain.anchoredAt), Number(onChain.kind)]).to.deep.equal([found!.anchoredAt, EvidenceKind.Other]);
    // The court's own check, without the gateway: the registry verifies SHA-256, salt and proof.
    const independent = await system.hejie.evidence.verifyDocument(
      found!.root,
      sha256Of(contract.bytes),
      found!.salt,
      found!.proof,
    );
    expect(independent).to.equal(true);
    const byFile = await call<VerifyReply>(system.url, "POST", "/verify/file", {
      body: letter.bytes,
      contentType: "application/pdf",
    });
    expect([byFile.body.anchored, byFile.body.sha256]).to.deep.equal([true, sha256Of(letter.bytes)]);

    // A file with one bit changed was never anchored.
    const altered = Buffer.from(contract.bytes);
    altered[0] = altered[0]! ^ 1;
    const tampered = await call<VerifyReply>(system.url, "POST", "/verify/file", {
      body: altered,
      contentType: "application/pdf",
    });
    expect([tampered.status, tampered.body.anchored, tampered.body.anchors]).to.deep.equal([200, false, []]);
  });

  it("only the case's lawyer submits; a document is evidence once; unknown documents are 404", async () => {
    const document = await uploadDocument(system, lawyer, caseId);
    const byBorrower = await submit(borrower, document.id);
    expect([byBorrower.status, byBorrower.body.error?.code]).to.deep.equal([403, "NOT_THE_LAWYER"]);
    const outsider = await signIn(system.url, wallets.outsider);
    expect((await submit(outsider, document.id)).body.error?.code).to.equal("NOT_A_PARTY");
    expect((await submit(lawyer, document.id)).status).to.equal(202);
    const again = await submit(lawyer, document.id);
    expect([again.status, again.body.error?.code]).to.deep.equal([409, "ALREADY_EVIDENCE"]);
    const unknown = await submit(lawyer, `0x${randomBytes(32).toString("hex")}`);
    expect([unknown.status, unknown.body.error?.code]).to.deep.equal([404, "NOT_FOUND"]);
    await system.gateway.evidence.anchorRound(true);
  });

  it("a root anchored before the gateway recorded it (a crash in between) is recorded from the chain, not sent again", async () => {
    const document = await uploadDocument(system, lawyer, caseId);
    expect((await submit(lawyer, document.id)).status).to.equal(202);
    // The round's transaction went out, then the gateway died: the same root is on chain already.
    const row = (await system.gateway.context.db.get<{ sha256: string; salt: string }>(
      "SELECT sha256, salt FROM evidence_items WHERE document_id = ?",
      [document.id.toLowerCase()],
    ))!;
    const root = evidenceTree([{ sha256: row.sha256, salt: row.salt }]).root;
    const sent = await (
      await system.hejie.evidence.connect(system.hejie.lawyer).anchor(root, caseId, EvidenceKind.Other, 1)
    ).wait();

    expect(await system.gateway.evidence.anchorRound(true)).to.equal(1);
    const verified = (await verifyHash(sha256Of(document.bytes))).body;
    expect([verified.anchored, verified.anchors[0]!.root, verified.anchors[0]!.txHash]).to.deep.equal([
      true,
      root.toLowerCase(),
      sent!.hash,
    ]);
  });

  it("a court report (JSON and printable HTML) carries everything to verify the file without the gateway", async () => {
    const bytes = randomBytes(3000);
    const uploaded = await call<{ id: Hex }>(
      system.url,
      "POST",
      `/cases/${caseId}/documents?name=${encodeURIComponent('<i>loan & "letter"<i>.pdf')}&kind=evidence`,
      { token: lawyer, body: bytes, contentType: "application/pdf" },
    );
    expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
    const queued = await submit(lawyer, uploaded.body.id);
    expect(queued.status, JSON.stringify(queued.body)).to.equal(202);
    const early = await call<{ error: { code: string } }>(system.url, "GET", `/evidence/${queued.body.id}/report`, {
      token: lawyer,
    });
    expect([early.status, early.body.error.code]).to.deep.equal([409, "NOT_ANCHORED_YET"]);
    await system.gateway.evidence.anchorRound(true);

    const report = (
      await call<{
        document: { name: string; size: number; sha256: Hex };
        leaf: { salt: Hex; hash: Hex };
        proof: Hex[];
        root: Hex;
        anchor: { txHash: Hex; blockNumber: number; blockHash: Hex; blockTime: number; chainId: number; contract: Hex };
        submittedBy: { address: Hex; role: string; identityCommitment: Hex };
        verification: { verified: boolean };
        howToVerify: string[];
      }>(system.url, "GET", `/evidence/${queued.body.id}/report`, { token: borrower })
    ).body;
    expect(report.document).to.include({ name: '<i>loan & "letter"<i>.pdf', size: 3000, sha256: sha256Of(bytes) });
    expect(report.leaf.hash).to.equal(evidenceLeafHash({ sha256: sha256Of(bytes), salt: report.leaf.salt }));
    expect(report.verification.verified).to.equal(true);
    expect([report.anchor.chainId, report.anchor.contract]).to.deep.equal([
      31337,
      await system.hejie.evidence.getAddress(),
    ]);
    // What the report says, checked against the chain by the test itself.
    const tx = await system.hejie.ethers.provider.getTransactionReceipt(report.anchor.txHash);
    expect([tx!.blockNumber, tx!.blockHash]).to.deep.equal([report.anchor.blockNumber, report.anchor.blockHash]);
    const block = await system.hejie.ethers.provider.getBlock(report.anchor.blockNumber);
    expect(block!.timestamp).to.equal(report.anchor.blockTime);
    expect(
      await system.hejie.evidence.verifyDocument(report.root, report.document.sha256, report.leaf.salt, report.proof),
    ).to.equal(true);
    const member = await system.hejie.members.getKey(wallets.lawyer.address);
    const account = await system.hejie.members.getAccount(member.accountId);
    expect(report.submittedBy).to.deep.equal({
      address: wallets.lawyer.address,
      role: "LAWYER",
      identityCommitment: account.identityCommitment,
    });
    expect(report.howToVerify.length).to.be.at.least(3);

    const page = await call<string>(system.url, "GET", `/evidence/${queued.body.id}/report.html`, { token: lawyer });
    expect([page.status, page.headers.get("content-type")]).to.deep.equal([200, "text/html; charset=utf-8"]);
    expect(page.body).to.contain("VERIFIED").and.contain(report.anchor.txHash).and.contain(report.document.sha256);
    expect(page.body).to.contain("&lt;i&gt;loan &amp; &quot;letter&quot;&lt;i&gt;.pdf").and.not.contain("<i>loan");

    const outsider = await signIn(system.url, wallets.outsider);
    const refused = await call<{ error: { code: string } }>(system.url, "GET", `/evidence/${queued.body.id}/report`, {
      token: outsider,
    });
    expect([refused.status, refused.body.error.code]).to.deep.equal([403, "NOT_A_PARTY"]);
  });
});
