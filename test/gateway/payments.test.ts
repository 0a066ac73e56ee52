/**
 * Payment reports over real HTTP, signed by real oracle keys, recorded on the real registry: intake
 * (accepted before the answer, idempotent, every refusal specific and side-effect free), batches on
 * chain in sequence order, a report the registry refuses failing alone, and the crash windows (before
 * submission; after the transaction, before the gateway wrote it down).
 *
 * The gateway runs with its submitter off; tests run its rounds by hand (`payments.runOnce()`), except
 * the restart test, which turns it on as a deployment would.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { type Hex, type LocalAccount, concat, hexToBigInt, hexToNumber, numberToHex, slice, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { call } from "../../protocol/gateway-client.js";
import { signedPaymentReport } from "../../protocol/payment-reports.js";
import { compactSignature } from "../../protocol/signatures.js";
import {
  admitPlatform,
  registerSettlement,
  settlementIdOf,
  settlementTerms,
  signAll,
  submitSettlement,
} from "../helpers/hejie.js";
import { type System, gatewayProcess, killAll, startAnvil, startSystem, wallets } from "./harness.js";

interface ReportReply {
  id: Hex;
  state: "accepted" | "submitted" | "recorded" | "failed";
  sequence: number;
  txHash: Hex | null;
  blockNumber: number | null;
  error: { name: string; args: unknown[] } | null;
}
interface ErrorReply {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** The order of secp256k1's group: a signature (r, s) is also valid as (r, n − s) with v flipped. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("gateway: payment reports", function () {
  this.timeout(300_000);
  let system: System;

  let stateDir: string;

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), "hejie-payments-chain-"));
    system = await startSystem({
      env: { HEJIE_PAYMENTS_SUBMITTER: "off", HEJIE_PAYMENTS_BATCH_SIZE: "10" },
      // A chain kept in a file, so that the outage test can stop it and start it again.
      anvil: { stateFile: join(stateDir, "anvil-state.json"), stateInterval: 1 },
    });
  });
  after(async () => {
    await system?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const agreement = () => registerSettlement(system.hejie) as Promise<Hex>;

  /** A report signed by `oracle` (the fixture platform's ORACLE key by default), as the HTTP body. */
  async function signed(
    settlementId: Hex,
    sequence: number,
    amount: bigint,
    options: { oracle?: LocalAccount; paidAt?: number } = {},
  ) {
    return signedPaymentReport(
      options.oracle ?? wallets.oracle,
      31337,
      (await system.hejie.settlements.getAddress()) as Hex,
      {
        settlementId,
        sequence,
        amount,
        paidAt: options.paidAt ?? nowSeconds() - 60,
        bankReference: toHex(randomBytes(32)),
      },
    );
  }

  const post = (body: unknown) =>
    call<ReportReply & ErrorReply>(system.url, "POST", "/payments/reports", { json: body });
  const reportCount = async (id: Hex) => Number((await system.hejie.settlements.getSettlement(id))[0].reportCount);
  const paidTotal = async (id: Hex) => (await system.hejie.settlements.getSettlement(id))[0].paidTotal;
  const storedReports = async () =>
    Number((await system.gateway.context.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM payment_reports"))!.n);
  const stateOf = async (id: Hex) =>
    (await system.gateway.context.db.get<{ state: string }>("SELECT state FROM payment_reports WHERE id = ?", [id]))
      ?.state;

  it("accepts reports (202) before recording them; one round records them in one transaction, in order", async () => {
    const id = await agreement();
    const replies = [];
    for (const sequence of [0, 1, 2]) replies.push(await post(await signed(id, sequence, 100_000n)));
    expect(replies.map((r) => [r.status, r.body.state])).to.deep.equal([
      [202, "accepted"],
      [202, "accepted"],
      [202, "accepted"],
    ]);
    expect(await reportCount(id)).to.equal(0);

    expect(await system.gateway.payments.runOnce()).to.equal(3);
    expect(await reportCount(id)).to.equal(3);
    expect(await paidTotal(id)).to.equal(300_000n);
    const states = await Promise.all(replies.map((r) => stateOf(r.body.id)));
    expect(states).to.deep.equal(["recorded", "recorded", "recorded"]);
    const txHashes = await system.gateway.context.db.all<{ tx_hash: string }>(
      "SELECT DISTINCT tx_hash FROM payment_reports WHERE settlement_id = ?",
      [id],
    );
    expect(txHashes).to.have.length(1);
  });

  it("the same report posted again answers its current state (200) and never counts twice", async () => {
    const id = await agreement();
    const body = await signed(id, 0, 50_000n);
    const first = await post(body);
    const again = await post(body);
    expect([first.status, again.status, again.body.id]).to.deep.equal([202, 200, first.body.id]);
    await system.gateway.payments.runOnce();
    const after = await post(body);
    expect([after.status, after.body.state]).to.deep.equal([200, "recorded"]);
    expect([await reportCount(id), await paidTotal(id)]).to.deep.equal([1, 50_000n]);
  });

  it("a report that arrives before its predecessor waits for it, then both are recorded in order", async () => {
    const id = await agreement();
    const second = await post(await signed(id, 1, 20_000n));
    expect(second.status).to.equal(202);
    expect(await system.gateway.payments.runOnce()).to.equal(0);
    expect(await stateOf(second.body.id)).to.equal("accepted");
    const first = await post(await signed(id, 0, 10_000n));
    expect(await system.gateway.payments.runOnce()).to.equal(2);
    expect([await stateOf(first.body.id), await stateOf(second.body.id), await reportCount(id)]).to.deep.equal([
      "recorded",
      "recorded",
      2,
    ]);
  });

  it("refuses forged, foreign, malformed, future, overpaying and clashing reports; none is stored", async () => {
    const id = await agreement();
    const before = await storedReports();
    const expectRefused = async (body: unknown, status: number, code: string) => {
      const reply = await post(body);
      expect([reply.status, reply.body.error?.code], code).to.deep.equal([status, code]);
    };
    // Altered after signing: the signature recovers to some other address.
    const altered = { ...(await signed(id, 0, 1_000n)), amount: "2000" };
    await expectRefused(altered, 403, "REPORT_SIGNER_NOT_ORACLE");
    // Signed by the platform's own key, not its ORACLE key.
    await expectRefused(await signed(id, 0, 1_000n, { oracle: wallets.platform }), 403, "REPORT_SIGNER_NOT_ORACLE");
    // Signed by another platform's oracle.
    const otherOracle = privateKeyToAccount(generatePrivateKey());
    await admitPlatform(system.hejie, wallets.spare1.address, otherOracle.address, `other-platform-${id}`);
    await expectRefused(await signed(id, 0, 1_000n, { oracle: otherOracle }), 403, "WRONG_PLATFORM");
    // The same signature in its high-s twin form, and a compact (64-byte) one.
    const good = await signed(id, 0, 1_000n);
    const { r, vs } = compactSignature(good.signature);
    await expectRefused({ ...good, signature: `${r}${vs.slice(2)}` }, 400, "REPORT_SIGNATURE_MALFORMED");
    const s = hexToBigInt(slice(good.signature, 32, 64));
    const v = hexToNumber(slice(good.signature, 64, 65));
    const highS = concat([
      slice(good.signature, 0, 32),
      numberToHex(SECP256K1_N - s, { size: 32 }),
      v === 27 ? "0x1c" : "0x1b",
    ]);
    await expectRefused({ ...good, signature: highS }, 400, "REPORT_SIGNATURE_MALFORMED");
    // No such agreement.
    await expectRefused(await signed(toHex(randomBytes(32)), 0, 1_000n), 404, "AGREEMENT_NOT_FOUND");
    // Paid tomorrow.
    await expectRefused(await signed(id, 0, 1_000n, { paidAt: nowSeconds() + 86_400 }), 400, "PAYMENT_IN_FUTURE");
    // More than is owed (1,200,000 in all), counting what waits.
    await expectRefused(await signed(id, 0, 1_200_001n), 400, "OVERPAYMENT");
    await expectRefused({ ...(await signed(id, 0, 0n)) }, 400, "ZERO_PAYMENT");
    await expectRefused({ ...good, sequence: -1 }, 400, "VALIDATION_FAILED");
    expect(await storedReports()).to.equal(before);

    // A second, different report for a taken sequence number; then one the chain has recorded.
    expect((await post(good)).status).to.equal(202);
    await expectRefused(await signed(id, 0, 2_000n), 409, "SEQUENCE_TAKEN");
    await expectRefused(await signed(id, 1, 1_199_500n), 400, "OVERPAYMENT");
    await system.gateway.payments.runOnce();
    await expectRefused(await signed(id, 0, 3_000n), 409, "REPORT_ALREADY_RECORDED");
    expect(await storedReports()).to.equal(before + 1);
  });

  it("a report the registry refuses at submission fails alone with its error; the rest of the batch is recorded", async () => {
    const superseded = await agreement();
    const healthy = await agreement();
    const doomed = await post(await signed(superseded, 0, 1_000n));
    const fine = await post(await signed(healthy, 0, 1_000n));
    // After acceptance, the first agreement is amended: it is Superseded and takes no more payments.
    const amendment = settlementTerms(system.hejie, { amends: superseded });
    await (await submitSettlement(system.hejie, amendment, await signAll(system.hejie, amendment))).wait();
    expect(await settlementIdOf(system.hejie, amendment)).to.be.a("string");

    expect(await system.gateway.payments.runOnce()).to.equal(1);
    const failed = (await post(await signedAgain(doomed.body.id))).body;
    expect([failed.state, failed.error?.name]).to.deep.equal(["failed", "SettlementRegistryNotPayable"]);
    expect([await stateOf(fine.body.id), await reportCount(healthy), await reportCount(superseded)]).to.deep.equal([
      "recorded",
      1,
      0,
    ]);
  });

  /** The stored body of a report, posted again to read its state (the intake answers known reports as they are). */
  async function signedAgain(reportId: Hex) {
    const row = (await system.gateway.context.db.get<Record<string, string | number>>(
      "SELECT * FROM payment_reports WHERE id = ?",
      [reportId],
    ))!;
    return {
      settlementId: row.settlement_id,
      sequence: row.sequence,
      amount: row.amount,
      paidAt: row.paid_at,
      bankReference: row.bank_reference,
      signature: row.signature,
    };
  }

  it("a report recorded before the gateway wrote it down (crash after sending) is found on chain, not sent again", async () => {
    const id = await agreement();
    const body = await signed(id, 0, 7_000n);
    const accepted = await post(body);
    // The very same report reaches the chain by another path (as our transaction would have, before a crash).
    const report = { ...body, sequence: 0n, amount: 7_000n, paidAt: BigInt(body.paidAt) };
    const sent = await (await system.hejie.settlements.recordPayment(report, compactSignature(body.signature))).wait();
    expect(await system.gateway.payments.runOnce()).to.equal(0);
    const known = (await post(body)).body;
    expect([known.state, known.txHash, known.blockNumber]).to.deep.equal(["recorded", sent!.hash, sent!.blockNumber]);
    expect(await reportCount(id)).to.equal(1);
    expect(accepted.status).to.equal(202);
  });

  it("a waiting report the chain has recorded already is not counted twice against what is outstanding", async () => {
    const id = await agreement(); // 1,200,000 in all
    const body = await signed(id, 0, 200_000n);
    expect((await post(body)).status).to.equal(202);
    // Recorded on chain (as by our transaction before a crash), not yet marked so here.
    const report = { ...body, sequence: 0n, amount: 200_000n, paidAt: BigInt(body.paidAt) };
    await (await system.hejie.settlements.recordPayment(report, compactSignature(body.signature))).wait();
    // Exactly the rest is still accepted: the first report is counted once, on chain.
    const rest = await post(await signed(id, 1, 1_000_000n));
    expect([rest.status, rest.body.state]).to.deep.equal([202, "accepted"]);
    expect(await system.gateway.payments.runOnce()).to.equal(1);
    expect(await paidTotal(id)).to.equal(1_200_000n);
  });

  it("the gateway stopped between acceptance and submission: after restart the submitter records each report once", async () => {
    const id = await agreement();
    const accepted = [];
    for (const sequence of [0, 1]) accepted.push((await post(await signed(id, sequence, 1_000n))).body.id);
    // A stop without submission, then a start with the submitter on, as a deployment runs it.
    system.config.payments.submitter = true;
    system.config.payments.pollMs = 50;
    await system.restart();
    for (let waited = 0; (await reportCount(id)) < 2 && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await system.restart(); // and once more: nothing is sent again
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([await reportCount(id), await paidTotal(id)]).to.deep.equal([2, 2_000n]);
    expect(await Promise.all(accepted.map((reportId) => stateOf(reportId as Hex)))).to.deep.equal([
      "recorded",
      "recorded",
    ]);
    system.config.payments.submitter = false;
    await system.restart();
  });

  it("killed with SIGKILL after acknowledging reports: the next process records each of them once", async () => {
    const id = await agreement();
    const dataDir = mkdtempSync(join(tmpdir(), "hejie-payments-kill-"));
    const gateways = [];
    try {
      const first = await gatewayProcess(system, dataDir, { HEJIE_PAYMENTS_SUBMITTER: "off" });
      gateways.push(first);
      for (const sequence of [0, 1, 2]) {
        const reply = await call(first.url, "POST", "/payments/reports", { json: await signed(id, sequence, 3_000n) });
        expect(reply.status).to.equal(202);
      }
      first.child.kill("SIGKILL"); // no shutdown at all: only what was committed before each 202 remains
      await first.exited;

      const second = await gatewayProcess(system, dataDir, { HEJIE_PAYMENTS_POLL_MS: "50" });
      gateways.push(second);
      for (let waited = 0; (await reportCount(id)) < 3 && waited < 30_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      second.child.kill("SIGTERM");
      await second.exited;
      const third = await gatewayProcess(system, dataDir, { HEJIE_PAYMENTS_POLL_MS: "50" });
      gateways.push(third);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([await reportCount(id), await paidTotal(id)]).to.deep.equal([3, 9_000n]);
    } finally {
      await killAll(gateways);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("the chain node down while reports arrive: 503 and nothing stored; accepted ones wait and are recorded after", async () => {
    const id = await agreement();
    const before = await post(await signed(id, 0, 1_000n));
    expect(before.status).to.equal(202);
    const body = await signed(id, 1, 1_000n);
    const { port } = system.anvil;
    await system.anvil.stop(); // writes the chain's state file
    const count = await storedReports();
    const during = await post(body);
    expect([during.status, during.body.error?.code]).to.deep.equal([503, "CHAIN_UNAVAILABLE"]);
    expect(await storedReports()).to.equal(count);
    let failure: unknown;
    await system.gateway.payments.runOnce().catch((error: unknown) => (failure = error));
    expect(failure, "a round fails while the node is down").to.be.instanceOf(Error);
    expect(await stateOf(before.body.id)).to.equal("accepted");

    system.anvil = await startAnvil({ port, stateFile: join(stateDir, "anvil-state.json"), stateInterval: 1 });
    expect((await post(body)).status).to.equal(202);
    expect(await system.gateway.payments.runOnce()).to.equal(2);
    expect([await reportCount(id), await paidTotal(id)]).to.deep.equal([2, 2_000n]);
  });
});
