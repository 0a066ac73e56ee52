/**
 * The mediation endpoints over HTTP on a real chain: a multi-creditor case opened on the CaseRegistry
 * by the lawyer's key, standstills signed by two platforms' keys and relayed through the gateway, the
 * case and the deadlines read back per role (with the chain's clock moved forward), a forged standstill
 * refused with nothing sent, a dispute decided by a committee panel, and an indexer rollback.
 * The gateway's follower is off: the test runs its rounds (`catchUp`).
 */
import { createHash } from "node:crypto";

import { expect } from "chai";
import { ZeroHash, hexlify, randomBytes } from "ethers";
import type { Hex } from "viem";

import { call, signIn } from "../../protocol/gateway-client.js";
import { CaseType } from "../../protocol/cases.js";
import { DisputeSubject, Vote } from "../../protocol/enums.js";
import type { CaseRegistry } from "../../types/ethers-contracts/index.js";
import { type MediationCase, openMediationCase } from "./mediation-fixture.js";
import { type System, startSystem, wallets } from "./harness.js";

interface ErrorReply {
  error?: { code: string };
}

interface CaseReply extends ErrorReply {
  caseId: string;
  status: string;
  yourRoles: string[];
  parties: { borrowerId: number; coordinatorId: number; mediatorId: number };
  creditors: { accountId: number; standstill: { from: number; until: number } | null }[];
  agreements: string[];
  deadlines: Record<string, number | null>;
  standstills: { creditorId: number; until: number; txHash: string }[];
}

interface DeadlinesReply extends ErrorReply {
  asOf: number;
  cases: {
    caseId: string;
    status: string;
    yourRoles: string[];
    due: { deadline: string; dueAt: number; roles: string[] }[];
  }[];
}

interface TypedData {
  domain: Record<string, unknown>;
  types: Record<string, unknown>;
  primaryType: string;
  message: Record<string, unknown>;
}

describe("gateway: mediation cases, standstills, deadlines, disputes", function () {
  this.timeout(120_000);
  let system: System;
  let cases: CaseRegistry;
  let tokens: Record<"lawyer" | "borrower" | "platform" | "platform2" | "committee" | "outsider", string>;
  let ids: MediationCase["ids"];
  let caseId: Hex;
  let agreements: Hex[];

  const catchUp = () => system.gateway.follower.catchUp();
  const rpc = (method: string, params: unknown[] = []) => system.hejie.ethers.provider.send(method, params);
  const get = <T>(path: string, token?: string) => call<T & ErrorReply>(system.url, "GET", path, { token });
  const relayerNonce = () => system.hejie.ethers.provider.getTransactionCount(wallets.relayer.address);

  before(async () => {
    system = await startSystem({ env: { HEJIE_INDEXER: "off" } });
    ({ cases, caseId, agreements, ids } = await openMediationCase(system));
    tokens = {
      lawyer: await signIn(system.url, wallets.lawyer),
      borrower: await signIn(system.url, wallets.borrower),
      platform: await signIn(system.url, wallets.platform),
      platform2: await signIn(system.url, wallets.spare1),
      committee: await signIn(system.url, wallets.committee),
      outsider: await signIn(system.url, wallets.outsider),
    };
  });
  after(async () => {
    await system?.stop();
  });

  async function standstillFor(token: string, creditorId: number): Promise<TypedData> {
    const reply = await get<TypedData>(
      `/mediation/cases/${caseId}/standstills/typed-data?creditorId=${creditorId}`,
      token,
    );
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    return reply.body;
  }

  const relay = (message: Record<string, unknown>, signature: string, token = tokens.outsider) =>
    call<{ txHash: string; blockNumber: number } & ErrorReply>(
      system.url,
      "POST",
      `/mediation/cases/${caseId}/standstills`,
      { token, json: { standstill: message, signature } },
    );

  it("relays the standstills two platforms' keys sign; anyone may ask whether one holds", async () => {
    const before = await get<{ underStandstill: boolean }>(
      `/standstills?creditorId=${ids.platform}&borrowerId=${ids.borrower}`,
    );
    expect([before.status, before.body.underStandstill]).to.deep.equal([200, false]);

    for (const [token, wallet, creditorId] of [
      [tokens.platform, wallets.platform, ids.platform],
      [tokens.platform2, wallets.spare1, ids.platform2],
    ] as const) {
      const typed = await standstillFor(token, creditorId);
      expect(typed.message).to.include({ caseId, creditor: wallet.address, borrowerId: ids.borrower });
      const signature = await wallet.signTypedData(typed as never);
      const reply = await relay(typed.message, signature);
      expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
      const receipt = await system.hejie.ethers.provider.getTransactionReceipt(reply.body.txHash);
      expect(receipt?.from.toLowerCase()).to.equal(wallets.relayer.address.toLowerCase());
    }
    for (const creditorId of [ids.platform, ids.platform2]) {
      const reply = await get<{ underStandstill: boolean }>(
        `/standstills?creditorId=${creditorId}&borrowerId=${ids.borrower}`,
      );
      expect(reply.body.underStandstill, `creditor ${creditorId}`).to.equal(true);
      expect(await cases.isUnderStandstill(creditorId, ids.borrower)).to.equal(true);
    }
    const other = await get<{ underStandstill: boolean }>(`/standstills?creditorId=${ids.platform}&borrowerId=99`);
    expect(other.body.underStandstill).to.equal(false);
    const bad = await get(`/standstills?creditorId=abc&borrowerId=1`);
    expect([bad.status, bad.body.error?.code]).to.deep.equal([400, "VALIDATION_FAILED"]);
  });

  it("refuses a forged or altered standstill signature with its code, sending nothing", async () => {
    const typed = await standstillFor(tokens.platform2, ids.platform2);
    const extended = { ...typed, message: { ...typed.message, endsAt: Number(typed.message.endsAt) + 90 * 86_400 } };
    const forged = await wallets.outsider.signTypedData(extended as never);
    const genuine = await wallets.spare1.signTypedData(typed as never);
    const nonce = await relayerNonce();
    for (const [message, signature] of [
      [extended.message, forged], // signed by another key
      [extended.message, genuine], // the creditor's signature over other terms
    ] as const) {
      const reply = await relay(message, signature);
      expect([reply.status, reply.body.error?.code]).to.deep.equal([403, "STANDSTILL_SIGNATURE_INVALID"]);
    }
    const elsewhere = await relay({ ...typed.message, caseId: ZeroHash.replace(/0$/, "1") }, genuine);
    expect([elsewhere.status, elsewhere.body.error?.code]).to.deep.equal([400, "STANDSTILL_CASE_MISMATCH"]);
    expect(await relayerNonce()).to.equal(nonce);
    // Only the creditor's own PLATFORM key gets typed data to sign.
    const notTheirs = await get(
      `/mediation/cases/${caseId}/standstills/typed-data?creditorId=${ids.platform}`,
      tokens.platform2,
    );
    expect([notTheirs.status, notTheirs.body.error?.code]).to.deep.equal([403, "NOT_THE_CREDITOR"]);
    const noCreditor = await get(`/mediation/cases/${caseId}/standstills/typed-data?creditorId=99`, tokens.platform);
    expect([noCreditor.status, noCreditor.body.error?.code]).to.deep.equal([404, "NOT_A_CASE_CREDITOR"]);
  });

  it("reads the case back with its creditors, agreements, standstills and deadlines, for parties and the committee", async () => {
    await catchUp();
    const reply = await get<CaseReply>(`/mediation/cases/${caseId}`, tokens.borrower);
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    const view = reply.body;
    expect(view.status).to.equal("Opened");
    expect(view.yourRoles).to.deep.equal(["borrower"]);
    expect(view.parties).to.deep.equal({ borrowerId: ids.borrower, coordinatorId: ids.lawyer, mediatorId: ids.lawyer });
    expect(view.creditors.map((c) => c.accountId).sort()).to.deep.equal([ids.platform, ids.platform2].sort());
    expect(view.creditors.every((c) => c.standstill !== null)).to.equal(true);
    expect([...view.agreements].sort()).to.deep.equal(agreements.map((a) => a.toLowerCase()).sort());
    expect(view.standstills.map((s) => s.creditorId).sort()).to.deep.equal([ids.platform, ids.platform2].sort());
    const onChain = await cases.deadlines(caseId);
    expect(view.deadlines.responseDueAt).to.equal(Number(onChain.responseDueAt)).and.to.be.greaterThan(0);
    expect(view.deadlines.confirmationDueAt).to.equal(null);

    const lawyer = await get<CaseReply>(`/mediation/cases/${caseId}`, tokens.lawyer);
    expect(lawyer.body.yourRoles).to.deep.equal(["coordinator", "mediator"]);
    const committee = await get<CaseReply>(`/mediation/cases/${caseId}`, tokens.committee);
    expect([committee.status, committee.body.yourRoles]).to.deep.equal([200, ["committee"]]);
    const outsider = await get(`/mediation/cases/${caseId}`, tokens.outsider);
    expect([outsider.status, outsider.body.error?.code]).to.deep.equal([403, "NOT_A_CASE_PARTY"]);
    const unknown = await get(`/mediation/cases/${hexlify(randomBytes(32))}`, tokens.committee);
    expect([unknown.status, unknown.body.error?.code]).to.deep.equal([404, "MEDIATION_CASE_NOT_FOUND"]);
    const anonymous = await get(`/mediation/cases/${caseId}`);
    expect(anonymous.status).to.equal(401);
  });

  it("lists what is due per case and role, as the chain's clock moves", async () => {
    const h = system.hejie;
    const due = (token: string, days?: number) =>
      get<DeadlinesReply>(`/deadlines${days === undefined ? "" : `?days=${days}`}`, token);
    // Opened: the mediator must start within the response time (7 days).
    const mediator = (await due(tokens.lawyer)).body;
    expect(mediator.cases.map((c) => c.caseId)).to.deep.equal([caseId.toLowerCase()]);
    expect(mediator.cases[0]!.due.map((d) => [d.deadline, d.roles])).to.deep.equal([["Response", ["mediator"]]]);
    expect((await due(tokens.lawyer, 3)).body.cases).to.deep.equal([]);
    expect((await due(tokens.borrower)).body.cases).to.deep.equal([]);
    const outsider = await due(tokens.outsider);
    expect([outsider.status, outsider.body.error?.code]).to.deep.equal([403, "NOT_A_MEMBER"]);

    // Mediation, the parties' and the mediator's signatures: the agreement is effective.
    await (await cases.connect(h.lawyer).startMediation(caseId)).wait();
    await (await cases.connect(h.lawyer).recordPartiesSigned(caseId, hexlify(randomBytes(32)))).wait();
    await (await cases.connect(h.lawyer).signAsMediator(caseId)).wait();
    await catchUp();
    const effective = await cases.deadlines(caseId);
    // The joint application: reminder on day 20, due on day 30, for the borrower and the creditors.
    const borrower = (await due(tokens.borrower)).body.cases[0]!;
    expect(borrower.status).to.equal("Effective");
    expect(borrower.due.map((d) => [d.deadline, d.dueAt, d.roles])).to.deep.equal([
      ["ConfirmationReminder", Number(effective.confirmationReminderAt), ["borrower", "creditor"]],
      ["Confirmation", Number(effective.confirmationDueAt), ["borrower", "creditor"]],
    ]);
    expect((await due(tokens.platform2)).body.cases[0]!.yourRoles).to.deep.equal(["creditor"]);
    expect((await due(tokens.borrower, 10)).body.cases).to.deep.equal([]);
    expect((await due(tokens.lawyer)).body.cases).to.deep.equal([]);

    // Fifteen days later the reminder is five days away, the deadline fifteen.
    await rpc("evm_increaseTime", [15 * 86_400]);
    await rpc("evm_mine");
    const later = (await due(tokens.borrower, 10)).body;
    expect(later.cases[0]!.due.map((d) => d.deadline)).to.deep.equal(["ConfirmationReminder"]);
    expect(later.asOf).to.be.at.least(Number(effective.confirmationReminderAt) - 6 * 86_400);
    // The committee sees every case.
    const committee = (await due(tokens.committee)).body;
    expect(committee.cases.map((c) => [c.caseId, c.yourRoles])).to.deep.equal([[caseId.toLowerCase(), ["committee"]]]);
  });

  it("lists each member's mediation cases with its roles; the committee sees every case", async () => {
    interface CasesReply extends ErrorReply {
      cases: { caseId: string; status: string; yourRoles: string[] }[];
    }
    const listed = async (token: string) => {
      const reply = await get<CasesReply>("/mediation/cases", token);
      return reply.status === 200 ? reply.body.cases.map((c) => [c.caseId, c.yourRoles]) : reply.body.error?.code;
    };
    const id = caseId.toLowerCase();
    expect(await listed(tokens.lawyer)).to.deep.equal([[id, ["coordinator", "mediator"]]]);
    expect(await listed(tokens.platform2)).to.deep.equal([[id, ["creditor"]]]);
    expect(await listed(tokens.committee)).to.deep.equal([[id, ["committee"]]]);
    expect(await listed(tokens.outsider)).to.equal("NOT_A_MEMBER");
    const anonymous = await get("/mediation/cases");
    expect(anonymous.status).to.equal(401);
  });

  it("reads a dispute decided by a committee panel: votes, outcome, resolution", async () => {
    const h = system.hejie;
    const [settlementId] = agreements as [Hex];
    await (
      await cases
        .connect(h.borrower)
        .openDispute(caseId, settlementId, DisputeSubject.Agreement, 0, ZeroHash, hexlify(randomBytes(32)))
    ).wait();
    const disputeId = Number(await cases.disputeCount());
    await catchUp();
    const waiting = await get<{ disputes: { disputeId: string; needsPanel: boolean; yourTurn: boolean }[] }>(
      "/disputes",
      tokens.committee,
    );
    expect(waiting.body.disputes.map((d) => [d.disputeId, d.needsPanel, d.yourTurn])).to.deep.equal([
      [String(disputeId), true, false],
    ]);
    await (await cases.connect(h.committee).appointPanel(disputeId, [ids.committee])).wait();
    await catchUp();
    const pending = (await get<DeadlinesReply>("/deadlines", tokens.committee)).body.cases[0]!;
    expect(pending.due.some((d) => d.deadline === `Dispute ${disputeId}` && d.roles.includes("panel"))).to.equal(true);
    interface DisputesReply extends ErrorReply {
      disputes: { disputeId: string; state: string; subject: string; panel: number[]; yourTurn: boolean }[];
    }
    const listed = (token: string, query = "") =>
      get<DisputesReply>(`/disputes${query}`, token).then((r) =>
        r.body.disputes.map((d) => [d.disputeId, d.state, d.subject, d.yourTurn]),
      );
    const open = [[String(disputeId), "Open", "Agreement", true]];
    expect(await listed(tokens.committee)).to.deep.equal(open);
    expect(await listed(tokens.borrower)).to.deep.equal([[String(disputeId), "Open", "Agreement", false]]);
    const stranger = await get("/disputes", tokens.outsider);
    expect([stranger.status, stranger.body.error?.code]).to.deep.equal([403, "NOT_A_MEMBER"]);

    const opinion = hexlify(randomBytes(32));
    // The panel's written resolution, stored encrypted; its SHA-256 is the resolutionHash recorded.
    const written = Buffer.from(`Dispute ${disputeId}: the agreement stands. 调解委员会决定。`);
    const upload = (token: string) =>
      call<{ documentId: string; sha256: string } & ErrorReply>(
        system.url,
        "POST",
        `/disputes/${disputeId}/resolutions?name=${encodeURIComponent("决定书.txt")}`,
        { token, body: written, contentType: "text/plain" },
      );
    for (const token of [tokens.outsider, tokens.platform]) {
      const refused = await upload(token);
      expect([refused.status, refused.body.error?.code]).to.deep.equal([403, "NOT_ON_PANEL"]);
    }
    const stored = await upload(tokens.committee);
    expect(stored.status, JSON.stringify(stored.body)).to.equal(201);
    expect(stored.body.sha256).to.equal(`0x${createHash("sha256").update(written).digest("hex")}`);
    const resolution = stored.body.sha256;
    await (await cases.connect(h.committee).castVote(disputeId, Vote.Uphold, opinion)).wait();
    await (await cases.connect(h.committee).resolveDispute(disputeId, resolution)).wait();
    await catchUp();
    expect(await listed(tokens.committee)).to.deep.equal([]);
    expect(await listed(tokens.platform2, "?state=all")).to.deep.equal([
      [String(disputeId), "Decided", "Agreement", false],
    ]);
    const badState = await get("/disputes?state=closed", tokens.committee);
    expect([badState.status, badState.body.error?.code]).to.deep.equal([400, "VALIDATION_FAILED"]);

    interface DisputeReply extends ErrorReply {
      status: string;
      subject: string;
      panel: number[];
      votes: { memberId: number; vote: string | null; opinionHash: string | null; at: number; txHash: string }[];
      outcome: string | null;
      resolutionHash: string | null;
      resolutionDocuments: { documentId: string; matches: boolean }[];
    }
    const reply = await get<DisputeReply>(`/disputes/${disputeId}`, tokens.platform);
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    expect(reply.body).to.deep.include({
      status: "Decided",
      subject: "Agreement",
      panel: [ids.committee],
      outcome: "Uphold",
      resolutionHash: resolution.toLowerCase(),
    });
    expect(reply.body.resolutionDocuments.map((d) => [d.documentId, d.matches])).to.deep.equal([
      [stored.body.documentId, true],
    ]);
    const file = `/disputes/${disputeId}/resolutions/${stored.body.documentId}`;
    const download = await fetch(`${system.url}${file}`, { headers: { authorization: `Bearer ${tokens.platform}` } });
    expect(download.status).to.equal(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(written)).to.equal(true);
    const strangerFile = await get(file, tokens.outsider);
    expect([strangerFile.status, strangerFile.body.error?.code]).to.deep.equal([403, "NOT_A_CASE_PARTY"]);
    const noFile = await get(`/disputes/${disputeId}/resolutions/${ZeroHash}`, tokens.committee);
    expect([noFile.status, noFile.body.error?.code]).to.deep.equal([404, "RESOLUTION_NOT_FOUND"]);
    expect(reply.body.votes).to.deep.equal([
      {
        memberId: ids.committee,
        vote: "Uphold",
        opinionHash: opinion.toLowerCase(),
        at: reply.body.votes[0]!.at,
        txHash: reply.body.votes[0]!.txHash,
      },
    ]);
    expect((await get<DisputeReply>(`/disputes/${disputeId}`, tokens.committee)).status).to.equal(200);
    const outsider = await get(`/disputes/${disputeId}`, tokens.outsider);
    expect([outsider.status, outsider.body.error?.code]).to.deep.equal([403, "NOT_A_CASE_PARTY"]);
    const missing = await get(`/disputes/${disputeId + 100}`, tokens.committee);
    expect([missing.status, missing.body.error?.code]).to.deep.equal([404, "DISPUTE_NOT_FOUND"]);
  });

  it("undoes mediation rows read from blocks the chain rolled back", async () => {
    const h = system.hejie;
    await catchUp();
    const snapshot = await rpc("evm_snapshot");
    const doomed = hexlify(randomBytes(32));
    await (
      await cases.connect(h.lawyer).openCase(doomed, CaseType.MultiCreditor, ids.borrower, [ids.platform], ids.lawyer)
    ).wait();
    await catchUp();
    const count = async (id: string) =>
      (await system.gateway.context.db.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM ix_mediation_cases WHERE case_id = ?",
        [id.toLowerCase()],
      ))!.n;
    expect(await count(doomed)).to.equal(1);
    const before = (await get<DeadlinesReply>("/deadlines", tokens.committee)).body.cases.map((c) => c.caseId);
    expect(before).to.include(doomed.toLowerCase());

    await rpc("evm_revert", [snapshot]);
    for (let i = 0; i < 3; i++) await rpc("evm_mine");
    expect((await system.gateway.follower.round()).kind).to.equal("rolled-back");
    await catchUp();
    expect(await count(doomed)).to.equal(0);
    expect(await count(caseId)).to.equal(1);
    const after = (await get<DeadlinesReply>("/deadlines", tokens.committee)).body.cases.map((c) => c.caseId);
    expect(after).to.not.include(doomed.toLowerCase());
  });
});
