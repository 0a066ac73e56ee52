/**
 * The indexer over a real chain and real HTTP: agreements, payments and anchors followed into SQL;
 * compliance and instalment tables answered from the read model and cross-checked against the
 * registry's own views (`eth_call` at the indexed block) for random schedules, payments and times;
 * the platform portfolio; the case timeline and who sees what of it; a chain that rolls back.
 * (The restart in mid-stream, with a killed gateway process, is in indexer-restart.test.ts.)
 *
 * The gateway runs with its follower off; tests run its rounds by hand (`follower.catchUp()`).
 */
import { randomBytes } from "node:crypto";

import { expect } from "chai";
import type { Hex } from "viem";

import { call, signIn } from "../../protocol/gateway-client.js";
import { monthlySchedule } from "../../protocol/schedule.js";
import type { Instalment } from "../../protocol/typed-data.js";
import {
  admitPlatform,
  now,
  paymentReport,
  recordPayment,
  registerSettlement,
  setTime,
  settlementTerms,
} from "../helpers/hejie.js";
import { openCase, rpc } from "./agreements-fixture.js";
import { type System, startSystem, wallets } from "./harness.js";

const DAY = 86_400n;

interface AgreementReply {
  settlementId: Hex;
  caseId: Hex;
  asOf: number;
  compliance: { status: string; standing: string; paidTotal: string; arrears: string; daysOverdue: number };
  instalments: { index: number; dueAt: number; amount: string; state: string; paidAt: number | null }[];
  payments: { sequence: number; amount: string; paidAt: number }[];
  crossCheck?: { block: number; matches: boolean; differences: unknown[] };
}
interface TimelineEntry {
  event: string;
  settlementId: Hex | null;
  blockNumber: number;
  logIndex: number;
}
interface PortfolioReply {
  platformId: number;
  buckets: Record<string, { count: number; totalDue: string; paid: string; outstanding: string; arrears: string }>;
  agreements: { settlementId: Hex; bucket: string; standing: string }[];
}

describe("gateway: chain indexer and read models", function () {
  this.timeout(300_000);
  let system: System;
  let tokens: Record<"lawyer" | "borrower" | "platform" | "platform2" | "outsider", string>;
  let caseId: Hex;

  before(async () => {
    system = await startSystem({ env: { HEJIE_INDEXER: "off" } });
    const h = system.hejie;
    await admitPlatform(h, wallets.spare1.address, wallets.spare2.address, "second-platform");
    tokens = {
      lawyer: await signIn(system.url, wallets.lawyer),
      borrower: await signIn(system.url, wallets.borrower),
      platform: await signIn(system.url, wallets.platform),
      platform2: await signIn(system.url, wallets.spare1),
      outsider: await signIn(system.url, wallets.outsider),
    };
    caseId = await openCase(system, tokens.lawyer, wallets.borrower.address, [
      wallets.platform.address,
      wallets.spare1.address,
    ]);
  });
  after(async () => {
    await system?.stop();
  });

  const catchUp = () => system.gateway.follower.catchUp();
  const agreementOf = (token: string, id: Hex, query = "") =>
    call<AgreementReply & { error?: { code: string } }>(system.url, "GET", `/agreements/${id}${query}`, { token });

  /** Registers the fixture's terms (12 monthly instalments from 2027-01-31 unless overridden) in `caseId`. */
  async function register(overrides: Parameters<typeof settlementTerms>[1] = {}, platformSigner?: unknown) {
    const h = system.hejie;
    const terms = settlementTerms(h, { caseId, deadline: (await now(h)) + 3_650n * DAY, ...overrides });
    return (await registerSettlement(
      h,
      terms,
      platformSigner === undefined ? {} : { platform: platformSigner as never },
    )) as Hex;
  }

  /** Records the next payment of `id` (sequence `sequence`), paid at `paidAt` (default: the chain's now). */
  async function pay(id: Hex, sequence: number, amount: bigint, paidAt?: bigint, oracle?: unknown) {
    const h = system.hejie;
    const report = paymentReport(id, BigInt(sequence), amount, paidAt ?? (await now(h)));
    await (await recordPayment(h, report, oracle as never)).wait();
  }

  it("answers an agreement's compliance and instalment table from the read model, matching the chain", async () => {
    const id = await register();
    await pay(id, 0, 100_000n);
    await pay(id, 1, 50_000n);
    await catchUp();
    const reply = await agreementOf(tokens.borrower, id, "?crossCheck=true");
    expect(reply.status).to.equal(200);
    expect(reply.body.caseId).to.equal(caseId);
    expect(reply.body.compliance).to.include({ status: "Active", standing: "Performing", paidTotal: "150000" });
    expect(reply.body.payments.map((p) => [p.sequence, p.amount])).to.deep.equal([
      [0, "100000"],
      [1, "50000"],
    ]);
    expect(reply.body.instalments).to.have.length(12);
    expect(reply.body.instalments.slice(0, 3).map((i) => i.state)).to.deep.equal([
      "PaidOnTime",
      "NotYetDue",
      "NotYetDue",
    ]);
    expect(reply.body.crossCheck).to.include({ matches: true });
    expect(reply.body.crossCheck!.differences).to.deep.equal([]);

    // The lawyer and the creditor read it too; a stranger and the other platform do not.
    expect((await agreementOf(tokens.lawyer, id)).status).to.equal(200);
    expect((await agreementOf(tokens.platform, id)).status).to.equal(200);
    for (const token of [tokens.outsider, tokens.platform2]) {
      const refused = await agreementOf(token, id);
      expect([refused.status, refused.body.error?.code]).to.deep.equal([403, "NOT_A_PARTY"]);
    }
  });

  it("refuses what it cannot answer: an unknown agreement, a bad time, no session", async () => {
    const unknown = await agreementOf(tokens.borrower, `0x${"ab".repeat(32)}`);
    expect([unknown.status, unknown.body.error?.code]).to.deep.equal([404, "NOT_FOUND"]);
    const badTime = await agreementOf(tokens.borrower, `0x${"ab".repeat(32)}`, "?asOf=yesterday");
    expect([badTime.status, badTime.body.error?.code]).to.deep.equal([400, "VALIDATION_FAILED"]);
    const anonymous = await call(system.url, "GET", `/agreements/0x${"ab".repeat(32)}`);
    expect(anonymous.status).to.equal(401);
  });

  it("computes compliance at any time (asOf): arrears, grace, cure and default as the registry would", async () => {
    const id = await register();
    await catchUp();
    const first = await agreementOf(tokens.borrower, id);
    const firstDue = first.body.instalments[0]!.dueAt;
    const at = async (seconds: number) => (await agreementOf(tokens.borrower, id, `?asOf=${seconds}`)).body;
    expect((await at(firstDue)).compliance.standing).to.equal("Performing");
    const inGrace = await at(firstDue + 2 * 86_400);
    expect(inGrace.compliance).to.include({ standing: "OverdueInGrace", arrears: "100000", daysOverdue: 2 });
    // The fixture's terms: 5 days' grace, then 30 days' cure; each period includes its last second.
    const graceEnds = firstDue + 5 * 86_400;
    const cureEnds = graceEnds + 30 * 86_400;
    const standings = [graceEnds, graceEnds + 1, cureEnds, cureEnds + 1];
    expect(await Promise.all(standings.map(async (t) => (await at(t)).compliance.standing))).to.deep.equal([
      "OverdueInGrace",
      "OverdueInCure",
      "OverdueInCure",
      "Defaulted",
    ]);
    const defaulted = await at(cureEnds + 1);
    expect(defaulted.instalments.slice(0, 2).map((i) => i.state)).to.deep.equal(["Defaulted", "OverdueInCure"]);
  });

  it("agrees with the registry's views for random schedules, payments and times (cross-check)", async () => {
    const h = system.hejie;
    const ids: Hex[] = [];
    const random = (n: number) => randomBytes(4).readUInt32BE() % n;
    const start = await now(h);
    for (let k = 0; k < 8; k++) {
      let instalments: Instalment[];
      if (k % 2 === 0) {
        instalments = monthlySchedule(
          start + BigInt(1 + random(40)) * DAY,
          1 + random(12),
          BigInt(50_000 + random(900_000)),
        );
      } else {
        // An explicit schedule: whole days apart, irregular amounts.
        let due = start + BigInt(1 + random(20)) * DAY;
        instalments = Array.from({ length: 1 + random(8) }, () => {
          const instalment = { dueAt: due, amount: BigInt(1 + random(200_000)) };
          due += BigInt(1 + random(45)) * DAY;
          return instalment;
        });
      }
      ids.push(
        await register({ instalments, gracePeriod: BigInt(random(10)) * DAY, curePeriod: BigInt(random(30)) * DAY }),
      );
    }
    const sequences = new Map<Hex, number>();
    for (let step = 0; step < 12; step++) {
      await setTime(h, (await now(h)) + BigInt(random(15)) * DAY + BigInt(random(86_400)));
      for (const id of ids) {
        if (random(3) === 0) continue;
        const [ledger] = await h.settlements.getSettlement(id);
        const owed = BigInt(ledger.totalDue) - BigInt(ledger.paidTotal);
        if (owed === 0n) continue;
        const amount = random(4) === 0 ? owed : 1n + (BigInt(random(1_000_000)) % owed);
        // Paid some time ago: payments reported late make instalments PaidLate.
        const paidAt = (await now(h)) - BigInt(random(5)) * DAY;
        const sequence = sequences.get(id) ?? 0;
        await pay(id, sequence, amount, paidAt);
        sequences.set(id, sequence + 1);
      }
      await catchUp();
      for (const id of ids) {
        const reply = await agreementOf(tokens.lawyer, id, "?crossCheck=true");
        expect(reply.body.crossCheck, `agreement ${id} at step ${step}`).to.deep.include({
          matches: true,
          differences: [],
        });
      }
    }
  });

  it("sums a platform's portfolio by bucket; only platforms have one", async () => {
    const h = system.hejie;
    await catchUp();
    const reply = await call<PortfolioReply & { error?: { code: string } }>(system.url, "GET", "/portfolio", {
      token: tokens.platform,
    });
    expect(reply.status).to.equal(200);
    expect(reply.body.platformId).to.equal(Number(h.ids.platform));
    const total = Object.values(reply.body.buckets).reduce((s, b) => s + b.count, 0);
    expect(total).to.equal(reply.body.agreements.length);
    // Every agreement of this platform in the read model, and each counted in its own bucket.
    const registered = await h.settlements.queryFilter(h.settlements.filters.SettlementRegistered(), 0, "latest");
    const ofPlatform = registered.filter((e) => e.args.platform === wallets.platform.address);
    expect(reply.body.agreements.map((a) => a.settlementId).sort()).to.deep.equal(
      ofPlatform.map((e) => e.args.settlementId).sort(),
    );
    for (const bucket of Object.keys(reply.body.buckets)) {
      expect(reply.body.agreements.filter((a) => a.bucket === bucket)).to.have.length(
        reply.body.buckets[bucket]!.count,
      );
    }
    const borrower = await call<{ error: { code: string } }>(system.url, "GET", "/portfolio", {
      token: tokens.borrower,
    });
    expect([borrower.status, borrower.body.error.code]).to.deep.equal([403, "NOT_A_PLATFORM"]);
  });

  it("tells a case's history in order; each platform sees only its own agreements' events", async () => {
    const h = system.hejie;
    const theirs = await register({ platform: wallets.spare1.address }, h.spare[0]);
    await pay(theirs, 0, 10_000n, undefined, h.spare[1]);
    await catchUp();
    const timeline = (token: string) =>
      call<TimelineEntry[] & { error?: { code: string } }>(system.url, "GET", `/cases/${caseId}/timeline`, { token });
    const all = (await timeline(tokens.lawyer)).body;
    const registrations = await h.settlements.queryFilter(
      h.settlements.filters.SettlementRegistered(undefined, caseId),
      0,
      "latest",
    );
    expect(all.filter((e) => e.event === "SettlementRegistered")).to.have.length(registrations.length);
    const order = all.map((e) => e.blockNumber * 10_000 + e.logIndex);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(all.some((e) => e.settlementId === theirs && e.event === "PaymentRecorded")).to.equal(true);

    const mine = (await timeline(tokens.platform)).body;
    expect(mine.some((e) => e.settlementId === theirs)).to.equal(false);
    expect(mine.length).to.be.greaterThan(0);
    const other = (await timeline(tokens.platform2)).body;
    expect(other.every((e) => e.settlementId === theirs || e.settlementId === null)).to.equal(true);
    const stranger = await timeline(tokens.outsider);
    expect([stranger.status, stranger.body.error?.code]).to.deep.equal([403, "NOT_A_PARTY"]);
  });

  it("undoes what it read from blocks the chain rolled back, and reads the new ones", async () => {
    await catchUp();
    const snapshot = await rpc<string>(system, "evm_snapshot");
    const doomed = await register();
    await pay(doomed, 0, 100_000n);
    await catchUp();
    expect((await agreementOf(tokens.borrower, doomed)).status).to.equal(200);
    const before = (await system.gateway.indexer.progress()).checkpoint!;

    await rpc(system, "evm_revert", [snapshot]);
    const survivor = await register(); // a different block at the same height
    for (let i = 0; i < 3; i++) await rpc(system, "evm_mine");
    const outcome = await system.gateway.follower.round();
    expect(outcome.kind).to.equal("rolled-back");
    await catchUp();

    expect((await agreementOf(tokens.borrower, doomed)).status).to.equal(404);
    const kept = await agreementOf(tokens.borrower, survivor, "?crossCheck=true");
    expect(kept.status).to.equal(200);
    expect(kept.body.crossCheck!.matches).to.equal(true);
    const after = (await system.gateway.indexer.progress()).checkpoint!;
    expect(after.blockNumber).to.be.greaterThanOrEqual(before.blockNumber);
    expect(after.blockHash).to.not.equal(before.blockHash);
    // The timeline holds exactly the chain's events of the case, none from the abandoned blocks.
    const events = (
      await call<TimelineEntry[]>(system.url, "GET", `/cases/${caseId}/timeline`, { token: tokens.lawyer })
    ).body;
    expect(events.some((e) => e.settlementId === doomed)).to.equal(false);
    expect(events.some((e) => e.settlementId === survivor)).to.equal(true);
  });

  it("notices a chain that rolled back below its checkpoint (the block is gone) and starts again from the fork", async () => {
    await catchUp();
    const snapshot = await rpc<string>(system, "evm_snapshot");
    const doomed = await register();
    await catchUp();
    await rpc(system, "evm_revert", [snapshot]); // the chain is one block shorter than the checkpoint
    expect((await system.gateway.follower.round()).kind).to.equal("rolled-back");
    await catchUp();
    expect((await agreementOf(tokens.borrower, doomed)).status).to.equal(404);
    const { checkpoint, finalHead } = await system.gateway.indexer.progress();
    expect(checkpoint!.blockNumber).to.equal(finalHead);
  });

  it("reports its progress publicly", async () => {
    await catchUp();
    const reply = await call<{ checkpoint: { blockNumber: number }; finalHead: number; behind: number }>(
      system.url,
      "GET",
      "/indexer",
    );
    expect(reply.status).to.equal(200);
    expect(reply.body.behind).to.equal(0);
    expect(reply.body.checkpoint.blockNumber).to.equal(reply.body.finalHead);
  });
});
