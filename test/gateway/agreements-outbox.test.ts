/**
 * The registration outbox survives crashes and outages and registers each agreement exactly once.
 * The gateway starts with its worker off (HEJIE_OUTBOX_WORKER=off), so that a fully signed draft is
 * acknowledged and then waits, as it would if the process died right after answering; each test
 * then "restarts" the gateway on the same database with the knobs it needs (the harness restarts
 * with `system.config`, which the test changes first). anvil's mining controls (automine off, drop
 * from the mempool, mine) put the chain in the states a crash or an outage would leave.
 */
import { expect } from "chai";
import type { Hex } from "viem";

import { monthlyPlanOf } from "../../protocol/schedule.js";
import { type Settlement, termsOf } from "../../protocol/typed-data.js";
import {
  DAY,
  type DraftReply,
  type ErrorReply,
  type Tokens,
  type TypedDataReply,
  createDraft,
  draftBody,
  draftStatus,
  openCase,
  postSignature,
  registrationsOf,
  rpc,
  signServed,
  typedDataOf,
  uploadDocument,
  waitForDraft,
} from "./agreements-fixture.js";
import { call, signIn } from "../../protocol/gateway-client.js";
import { type System, startSystem, wallets } from "./harness.js";

describe("gateway: the registration outbox (crashes, lost broadcasts, outages)", function () {
  this.timeout(300_000);
  let system: System;
  let tokens: Tokens;
  let caseId: Hex;
  let documentId: string;

  before(async () => {
    system = await startSystem({
      env: {
        HEJIE_OUTBOX_WORKER: "off",
        HEJIE_OUTBOX_POLL_MS: "50",
        HEJIE_OUTBOX_BACKOFF_MS: "20",
        HEJIE_OUTBOX_MAX_BACKOFF_MS: "100",
        HEJIE_OUTBOX_MAX_ATTEMPTS: "1000",
        // Sessions outlive the tests that move the gateway's clock past a draft's deadline.
        HEJIE_SESSION_TTL_SECONDS: String(60 * DAY),
      },
    });
    await signInAll();
    caseId = await openCase(system, tokens.lawyer, wallets.borrower.address, [wallets.platform.address]);
    documentId = (await uploadDocument(system, tokens.lawyer, caseId)).id;
  });
  after(async () => {
    await system?.stop();
  });

  async function signInAll() {
    tokens = {
      lawyer: await signIn(system.url, wallets.lawyer),
      borrower: await signIn(system.url, wallets.borrower),
      platform: await signIn(system.url, wallets.platform),
    };
  }

  /** Restarts the gateway on the same database, with the outbox worker on or off. */
  async function restart(worker: boolean) {
    system.config.agreements.outbox.worker = worker;
    await system.restart();
  }

  /** A draft signed by all three parties; the answer to the third signature is returned. */
  async function fullySigned(): Promise<{ draft: DraftReply; served: TypedDataReply; signatures: Hex[] }> {
    const draft = await createDraft(system, tokens.lawyer, caseId, draftBody(wallets.platform.address, documentId));
    const served = await typedDataOf(system, tokens.lawyer, caseId, draft.id);
    const signatures: Hex[] = [];
    let last: DraftReply | undefined;
    for (const [role, wallet] of [
      ["borrower", wallets.borrower],
      ["platform", wallets.platform],
      ["lawyer", wallets.lawyer],
    ] as const) {
      const signature = await signServed(wallet, served);
      const reply = await postSignature(system, tokens[role], caseId, draft.id, { signature });
      if (reply.status !== 201) throw new Error(`${role}: ${JSON.stringify(reply.body)}`);
      signatures.push(signature);
      last = reply.body;
    }
    return { draft: last ?? draft, served, signatures };
  }

  const relayerNonce = () => system.hejie.ethers.provider.getTransactionCount(wallets.relayer.address, "latest");

  it("a crash between the third signature and submission: after restart, registered exactly once", async () => {
    const nonceBefore = await relayerNonce();
    const { draft } = await fullySigned();
    expect(draft.status).to.equal("queued"); // acknowledged: the job is committed
    for (const method of ["DELETE", "PUT"]) {
      const refused = await call<ErrorReply>(system.url, method, `/cases/${caseId}/drafts/${draft.id}`, {
        token: tokens.lawyer,
        json: method === "PUT" ? draftBody(wallets.platform.address, documentId) : undefined,
      });
      expect([refused.status, refused.body.error.code], method).to.deep.equal([409, "DRAFT_COMPLETE"]);
    }
    // The process dies here (no worker ran). Restarting without the worker: the job is still there.
    await restart(false);
    const afterCrash = await draftStatus(system, tokens.lawyer, caseId, draft.id);
    expect([afterCrash.status, afterCrash.submission?.transactions]).to.deep.equal(["queued", 0]);
    expect(await registrationsOf(system, draft.settlementId)).to.equal(0);
    expect(await relayerNonce()).to.equal(nonceBefore);

    await restart(true);
    const registered = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "registered");
    expect(registered.submission?.transactions).to.equal(1);
    expect(await registrationsOf(system, draft.settlementId)).to.equal(1);
    expect(await relayerNonce()).to.equal(nonceBefore + 1);

    // A second restart submits nothing for it: once the next agreement (queued after it) is
    // registered, the worker has been through the queue, and the relayer sent exactly one more.
    await restart(true);
    const next = await fullySigned();
    await waitForDraft(system, tokens.lawyer, caseId, next.draft.id, (d) => d.status === "registered");
    expect(await registrationsOf(system, draft.settlementId)).to.equal(1);
    expect(await relayerNonce()).to.equal(nonceBefore + 2);
    const still = await draftStatus(system, tokens.lawyer, caseId, draft.id);
    expect([still.status, still.submission?.transactions, still.registration]).to.deep.equal([
      "registered",
      1,
      registered.registration,
    ]);
  });

  it("a recorded transaction that never reached the node is broadcast again — the same bytes, never re-signed", async () => {
    await rpc(system, "evm_setAutomine", [false]);
    try {
      const nonceBefore = await relayerNonce();
      const { draft } = await fullySigned(); // the worker is on: it records, then broadcasts to the mempool
      const submitted = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "submitted");
      const recorded = submitted.submission?.txHash as Hex;
      expect(recorded).to.match(/^0x[0-9a-f]{64}$/);
      // The crash happened between recording and broadcasting: the node never saw the transaction.
      await restart(false);
      await rpc(system, "anvil_dropTransaction", [recorded]);
      expect(await rpc(system, "eth_getTransactionByHash", [recorded])).to.equal(null);
      await rpc(system, "evm_setAutomine", [true]);

      await restart(true);
      const registered = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "registered");
      expect(registered.registration?.txHash).to.equal(recorded);
      expect(registered.submission?.transactions).to.equal(1);
      expect(await registrationsOf(system, draft.settlementId)).to.equal(1);
      expect(await relayerNonce()).to.equal(nonceBefore + 1);
    } finally {
      await rpc(system, "evm_setAutomine", [true]);
    }
  });

  it("a transaction mined while the gateway was down is found by its hash, not sent again", async () => {
    await rpc(system, "evm_setAutomine", [false]);
    try {
      const nonceBefore = await relayerNonce();
      const { draft } = await fullySigned();
      const submitted = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "submitted");
      await restart(false);
      await rpc(system, "evm_mine");
      await rpc(system, "evm_setAutomine", [true]);
      expect(await registrationsOf(system, draft.settlementId)).to.equal(1);

      await restart(true);
      const registered = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "registered");
      expect(registered.registration?.txHash).to.equal(submitted.submission?.txHash);
      expect(registered.submission?.transactions).to.equal(1);
      expect(await relayerNonce()).to.equal(nonceBefore + 1);
    } finally {
      await rpc(system, "evm_setAutomine", [true]);
    }
  });

  /** The parties' terms and signatures, registered straight on chain by someone else (the registrar). */
  async function registerElsewhere(served: TypedDataReply, signatures: Hex[], overrides: Record<string, bigint> = {}) {
    const message = served.typedData.message as Record<string, string> & {
      instalments: { dueAt: string; amount: string }[];
    };
    const settlement = Object.fromEntries(
      Object.entries(message).map(([k, v]) => [k, /^[0-9]+$/.test(String(v)) ? BigInt(v as string) : v]),
    ) as unknown as Settlement;
    settlement.instalments = message.instalments.map((i) => ({ dueAt: BigInt(i.dueAt), amount: BigInt(i.amount) }));
    const plan = monthlyPlanOf(settlement.instalments);
    if (plan === undefined) throw new Error("expected a monthly plan");
    const [b, p, l] = signatures as [Hex, Hex, Hex];
    return system.hejie.settlements.registerMonthly(termsOf(settlement), plan, b, p, l, overrides);
  }

  it("an agreement someone else registered first is recorded as registered, and nothing is sent", async () => {
    await restart(false);
    const nonceBefore = await relayerNonce();
    const { draft, served, signatures } = await fullySigned();
    const elsewhere = await (await registerElsewhere(served, signatures)).wait();
    await restart(true);
    const registered = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "registered");
    expect(registered.registration?.txHash).to.equal(elsewhere?.hash);
    expect(registered.submission?.transactions).to.equal(0);
    expect(await relayerNonce()).to.equal(nonceBefore);
    expect(await registrationsOf(system, draft.settlementId)).to.equal(1);
  });

  it("our transaction mined but reverted (beaten by another registration): registered, never resent", async () => {
    await rpc(system, "evm_setAutomine", [false]);
    try {
      const nonceBefore = await relayerNonce();
      const { draft, served, signatures } = await fullySigned();
      const submitted = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "submitted");
      // Someone else's registration of the same terms, with a higher tip, goes first in the block (its
      // gas is given: an estimate against the pending state would see ours registered already).
      const gwei = 1_000_000_000n;
      const elsewhere = await registerElsewhere(served, signatures, {
        gasLimit: 2_000_000n,
        maxPriorityFeePerGas: 500n * gwei,
        maxFeePerGas: 1_000n * gwei,
      });
      await rpc(system, "evm_mine");
      await rpc(system, "evm_setAutomine", [true]);
      const ours = await system.hejie.ethers.provider.getTransactionReceipt(submitted.submission?.txHash as Hex);
      expect(ours?.status).to.equal(0); // mined, reverted (SettlementRegistryAlreadyRegistered)

      const registered = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "registered");
      expect(registered.registration?.txHash).to.equal(elsewhere.hash);
      expect(registered.submission?.transactions).to.equal(1);
      expect(await relayerNonce()).to.equal(nonceBefore + 1);
      expect(await registrationsOf(system, draft.settlementId)).to.equal(1);
    } finally {
      await rpc(system, "evm_setAutomine", [true]);
    }
  });

  /** Polls the outbox row of a draft (the durable state) until `done` holds. */
  async function waitForOutbox(
    draftId: string,
    done: (job: { state: string; attempts: number; tx_hash: string | null; last_error: string | null }) => boolean,
  ) {
    for (let i = 0; i < 600; i++) {
      const job = await system.gateway.context.db.get<{
        state: string;
        attempts: number;
        tx_hash: string | null;
        last_error: string | null;
      }>("SELECT state, attempts, tx_hash, last_error FROM agreement_outbox WHERE draft_id = ?", [draftId]);
      if (job !== undefined && done(job)) return job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the outbox job never reached the expected state");
  }

  it("the node unreachable: the job waits and retries with backoff, then registers once the node is back", async () => {
    await restart(false);
    const nonceBefore = await relayerNonce();
    const { draft } = await fullySigned();
    const rpcUrl = system.config.chain.rpcUrl;
    try {
      system.config.chain.rpcUrl = "http://127.0.0.1:9"; // nothing listens there
      await restart(true);
      // The outbox's durable state: the job waits, retried with backoff, nothing signed or sent.
      const waiting = await waitForOutbox(draft.id, (job) => job.attempts >= 2);
      expect(waiting.state).to.equal("pending");
      expect(waiting.tx_hash).to.equal(null);
      expect(waiting.last_error).to.be.a("string");
      // Requests that need the chain answer 503, never 500 — reading a draft included: who is a party is
      // what the chain says, and it cannot be asked.
      const statusRefused = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/drafts/${draft.id}`, {
        token: tokens.lawyer,
      });
      expect([statusRefused.status, statusRefused.body.error.code]).to.deep.equal([503, "CHAIN_UNAVAILABLE"]);
      const draftRefused = await call<ErrorReply>(system.url, "POST", `/cases/${caseId}/drafts`, {
        token: tokens.lawyer,
        json: draftBody(wallets.platform.address, documentId),
      });
      expect([draftRefused.status, draftRefused.body.error.code]).to.deep.equal([503, "CHAIN_UNAVAILABLE"]);
      const listRefused = await call<ErrorReply>(system.url, "GET", `/cases/${caseId}/agreements`, {
        token: tokens.lawyer,
      });
      expect([listRefused.status, listRefused.body.error.code]).to.deep.equal([503, "CHAIN_UNAVAILABLE"]);
    } finally {
      system.config.chain.rpcUrl = rpcUrl;
    }
    await restart(true);
    const registered = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "registered");
    expect(registered.submission?.transactions).to.equal(1);
    expect(await registrationsOf(system, draft.settlementId)).to.equal(1);
    expect(await relayerNonce()).to.equal(nonceBefore + 1);
  });

  it("gives up after the configured number of transient failures, with RETRIES_EXHAUSTED", async () => {
    await restart(false);
    const { draft } = await fullySigned();
    const { rpcUrl } = system.config.chain;
    const { maxAttempts } = system.config.agreements.outbox;
    try {
      system.config.chain.rpcUrl = "http://127.0.0.1:9";
      system.config.agreements.outbox.maxAttempts = 3;
      await restart(true);
      await waitForOutbox(draft.id, (job) => job.state === "failed");
    } finally {
      system.config.chain.rpcUrl = rpcUrl;
      system.config.agreements.outbox.maxAttempts = maxAttempts;
      await restart(true);
    }
    // Failed for good: the node being back does not revive it.
    const failed = await draftStatus(system, tokens.lawyer, caseId, draft.id);
    expect(failed.status).to.equal("failed");
    expect(failed.failure?.error).to.equal("RETRIES_EXHAUSTED");
    expect(failed.failure?.args).to.deep.equal([3]);
    expect(failed.submission?.transactions).to.equal(0);
  });

  it("a draft past its deadline is expired: no more signatures", async () => {
    await restart(true);
    const draft = await createDraft(system, tokens.lawyer, caseId, draftBody(wallets.platform.address, documentId));
    const served = await typedDataOf(system, tokens.lawyer, caseId, draft.id);
    const signature = await signServed(wallets.borrower, served);
    // The gateway's clock passes the deadline (7 days by default).
    const late = (draft.deadline + 1) * 1000;
    await system.restart({ clock: { now: () => late } });
    try {
      expect((await draftStatus(system, tokens.lawyer, caseId, draft.id)).status).to.equal("expired");
      const refused = await postSignature(system, tokens.borrower, caseId, draft.id, { signature });
      expect([refused.status, refused.body.error.code]).to.deep.equal([409, "DRAFT_EXPIRED"]);
    } finally {
      await system.restart();
    }
    expect((await draftStatus(system, tokens.lawyer, caseId, draft.id)).signatures).to.deep.equal([]);
  });

  // Last: the chain's clock jumps ahead for good.
  it("signed, but the chain passed the deadline before submission: failed with SettlementRegistryExpired", async () => {
    await restart(false);
    const { draft } = await fullySigned();
    await rpc(system, "evm_increaseTime", [8 * DAY]);
    await rpc(system, "evm_mine");
    await restart(true);
    const failed = await waitForDraft(system, tokens.lawyer, caseId, draft.id, (d) => d.status === "failed");
    expect(failed.failure).to.deep.include({ error: "SettlementRegistryExpired", args: [draft.deadline] });
    expect(failed.submission?.transactions).to.equal(0);
  });
});
