/**
 * Settlement agreements end to end, for plain keys: registration (monthly and explicit), the views,
 * every instalment state and standing through time, payments (partial, carried forward, batched),
 * default, amendments, contests and the committee's transitions.
 *
 * Each `describe` runs on its own chain, starting on 2026-12-01; its `it`s run in order and share
 * that chain's clock. Expected figures are worked out by hand from the fixture's terms: 12 monthly
 * instalments of 1,000.00 yuan (100,000 fen) due at 23:59:59 CST on 31 January, 28 February,
 * 31 March … 31 December 2027; grace 5 days, cure 30 days, contest window 14 days.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, ZeroHash, hexlify, randomBytes } from "ethers";

import { InstalmentState as I, Standing, Status } from "../protocol/enums.js";
import { Roles } from "../protocol/roles.js";
import { endOfDayCst, monthlyPlanOf, monthlySchedule } from "../protocol/schedule.js";
import { type Instalment, type PaymentReport, type Settlement, termsOf } from "../protocol/typed-data.js";
import {
  DAY,
  FIRST_DUE,
  type Hejie,
  admitPlatform,
  complianceOf,
  createConnection,
  deployHejie,
  instalmentStates,
  now,
  paymentReport,
  recordPayment,
  registerSettlement,
  setNextBlockTime,
  setTime,
  settlementIdOf,
  settlementTerms,
  signAll,
  signReport,
  submitSettlement,
} from "./helpers/hejie.js";

const TOTAL = 1_200_000n;
const MONTHLY = 100_000n;
const GRACE = 5n * DAY;
const CURE = 30n * DAY;
const WINDOW = 14n * DAY;
/** The fixture's due times, written out: 23:59:59 CST on each month's last day of 2027. */
const DUE = [
  endOfDayCst(2027, 1, 31),
  endOfDayCst(2027, 2, 28),
  endOfDayCst(2027, 3, 31),
  endOfDayCst(2027, 4, 30),
  endOfDayCst(2027, 5, 31),
  endOfDayCst(2027, 6, 30),
  endOfDayCst(2027, 7, 31),
  endOfDayCst(2027, 8, 31),
  endOfDayCst(2027, 9, 30),
  endOfDayCst(2027, 10, 31),
  endOfDayCst(2027, 11, 30),
  endOfDayCst(2027, 12, 31),
] as const;
const due = (i: number): bigint => DUE[i] as bigint;
/** A time after every deadline used here: for agreements registered late in a scenario. */
const FAR_DEADLINE = 2n ** 40n - 1n;

interface Expected {
  status: number;
  standing: number;
  paidTotal: bigint;
  dueToDate: bigint;
  arrears: bigint;
  daysOverdue: number;
  nextInstalment: number;
  totalDue?: bigint;
}

/** `compliance()` as expected, in the contract's field order and types. */
function compliance(e: Expected) {
  return {
    status: BigInt(e.status),
    standing: BigInt(e.standing),
    totalDue: e.totalDue ?? TOTAL,
    paidTotal: e.paidTotal,
    dueToDate: e.dueToDate,
    arrears: e.arrears,
    daysOverdue: BigInt(e.daysOverdue),
    nextInstalment: BigInt(e.nextInstalment),
  };
}

/** `count` copies of a state. */
const times = (state: number, count: number): number[] => Array<number>(count).fill(state);

async function pay(h: Hejie, id: string, sequence: bigint, amount: bigint, paidAt?: bigint) {
  return recordPayment(h, paymentReport(id, sequence, amount, paidAt ?? (await now(h))));
}

describe("settlement: a monthly agreement through its whole life", () => {
  let h: Hejie;
  let s: Settlement;
  let id: string;

  before(async () => {
    h = await deployHejie(await createConnection());
    s = settlementTerms(h);
  });

  it("registers with three signatures as a monthly plan, emitting SettlementRegistered", async () => {
    id = await settlementIdOf(h, s);
    const tx = submitSettlement(h, s, await signAll(h, s));
    await expect(tx)
      .to.emit(h.settlements, "SettlementRegistered")
      .withArgs(id, s.caseId, ZeroHash, h.borrower.address, h.platform.address, h.lawyer.address, s.documentHash);
  });

  it("getSettlement returns the ledger and profile of the terms", async () => {
    const [ledger, profile] = await h.settlements.getSettlement(id);
    const registeredAt = await now(h);
    expect([...ledger]).to.deep.equal([h.ids.platform, BigInt(Status.Active), 0n, DUE[0], 12n, MONTHLY, TOTAL, 0n]);
    expect([...profile]).to.deep.equal([h.ids.borrower, h.ids.lawyer, GRACE, CURE, WINDOW, registeredAt]);
  });

  it("getInstalments returns the calendar due dates, amounts, the first Due and the rest NotYetDue", async () => {
    const views = await h.settlements.getInstalments(id);
    expect(views.map((v) => v.dueAt)).to.deep.equal([...DUE]);
    expect(views.map((v) => v.amount)).to.deep.equal(times(0, 12).map(() => MONTHLY));
    expect(await instalmentStates(h, id)).to.deep.equal([I.Due, ...times(I.NotYetDue, 11)]);
    const third = await h.settlements.getInstalment(id, 2);
    expect([third.dueAt, third.amount, third.state]).to.deep.equal([DUE[2], MONTHLY, BigInt(I.NotYetDue)]);
  });

  it("getInstalment refuses an index past the schedule", async () => {
    await expect(h.settlements.getInstalment(id, 12))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInstalmentOutOfRange")
      .withArgs(id, 12, 12);
  });

  it("starts Active and Performing with nothing due", async () => {
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Active,
        standing: Standing.Performing,
        paidTotal: 0n,
        dueToDate: 0n,
        arrears: 0n,
        daysOverdue: 0,
        nextInstalment: 0,
      }),
    );
  });

  it("a payment before the first due date makes it PaidOnTime; the second stays NotYetDue", async () => {
    await setTime(h, DUE[0] - 11n * DAY);
    const paidAt = await now(h);
    await expect(pay(h, id, 0n, MONTHLY, paidAt))
      .to.emit(h.settlements, "PaymentRecorded")
      .withArgs(id, 0, MONTHLY, paidAt);
    expect(await instalmentStates(h, id)).to.deep.equal([I.PaidOnTime, ...times(I.NotYetDue, 11)]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Active,
        standing: Standing.Performing,
        paidTotal: MONTHLY,
        dueToDate: 0n,
        arrears: 0n,
        daysOverdue: 0,
        nextInstalment: 1,
      }),
    );
    const [ledger] = await h.settlements.getSettlement(id);
    expect(ledger.reportCount).to.equal(1n);
  });

  it("once the first due date passes, the second instalment is Due and 1,000.00 is due to date", async () => {
    await setTime(h, DUE[0] + 1n);
    expect(await instalmentStates(h, id)).to.deep.equal([I.PaidOnTime, I.Due, ...times(I.NotYetDue, 10)]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Active,
        standing: Standing.Performing,
        paidTotal: MONTHLY,
        dueToDate: MONTHLY,
        arrears: 0n,
        daysOverdue: 0,
        nextInstalment: 1,
      }),
    );
  });

  it("at the very due second the instalment is still Due and not yet in arrears", async () => {
    await setTime(h, DUE[1]);
    expect(await instalmentStates(h, id)).to.deep.equal([I.PaidOnTime, I.Due, ...times(I.NotYetDue, 10)]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Active,
        standing: Standing.Performing,
        paidTotal: MONTHLY,
        dueToDate: MONTHLY,
        arrears: 0n,
        daysOverdue: 0,
        nextInstalment: 1,
      }),
    );
  });

  it("a second after 28 February the unpaid instalment is OverdueInGrace, with arrears", async () => {
    await setTime(h, DUE[1] + 1n);
    expect(await instalmentStates(h, id)).to.deep.equal([
      I.PaidOnTime,
      I.OverdueInGrace,
      I.Due,
      ...times(I.NotYetDue, 9),
    ]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Active,
        standing: Standing.OverdueInGrace,
        paidTotal: MONTHLY,
        dueToDate: 2n * MONTHLY,
        arrears: MONTHLY,
        daysOverdue: 0,
        nextInstalment: 1,
      }),
    );
  });

  it("at the last second of grace it is still OverdueInGrace, 5 days overdue", async () => {
    await setTime(h, DUE[1] + GRACE);
    expect((await h.settlements.getInstalment(id, 1)).state).to.equal(I.OverdueInGrace);
    const c = await complianceOf(h, id);
    expect([c.standing, c.daysOverdue]).to.deep.equal([BigInt(Standing.OverdueInGrace), 5n]);
  });

  it("after grace it is OverdueInCure; a partial payment lowers the arrears but not the state", async () => {
    await setTime(h, DUE[1] + GRACE + 1n);
    expect((await h.settlements.getInstalment(id, 1)).state).to.equal(I.OverdueInCure);
    await (await pay(h, id, 1n, 40_000n)).wait();
    expect(await instalmentStates(h, id)).to.deep.equal([
      I.PaidOnTime,
      I.OverdueInCure,
      I.Due,
      ...times(I.NotYetDue, 9),
    ]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Active,
        standing: Standing.OverdueInCure,
        paidTotal: 140_000n,
        dueToDate: 2n * MONTHLY,
        arrears: 60_000n,
        daysOverdue: 5,
        nextInstalment: 1,
      }),
    );
  });

  it("partial payments accumulate: the rest completes the instalment, PaidLate", async () => {
    await setTime(h, DUE[1] + 10n * DAY);
    await (await pay(h, id, 2n, 60_000n)).wait();
    expect(await instalmentStates(h, id)).to.deep.equal([I.PaidOnTime, I.PaidLate, I.Due, ...times(I.NotYetDue, 9)]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Active,
        standing: Standing.Performing,
        paidTotal: 2n * MONTHLY,
        dueToDate: 2n * MONTHLY,
        arrears: 0n,
        daysOverdue: 0,
        nextInstalment: 2,
      }),
    );
  });

  it("declareDefault is refused while the overdue instalment is within cure", async () => {
    // The instalment of 31 March is unpaid; its cure ends 35 days later (5 May, 23:59:59 CST).
    await setNextBlockTime(h, due(2) + GRACE + CURE);
    await expect(h.settlements.connect(h.outsider).declareDefault(id))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotDefaulted")
      .withArgs(id);
    await setTime(h, due(2) + GRACE + CURE);
    expect((await h.settlements.getInstalment(id, 2)).state).to.equal(I.OverdueInCure);
  });

  it("after grace and cure the instalment is Defaulted; the next is in cure, the one after Due", async () => {
    await setTime(h, due(2) + GRACE + CURE + 1n); // 6 May 2027, 00:00:00 CST
    expect(await instalmentStates(h, id)).to.deep.equal([
      I.PaidOnTime,
      I.PaidLate,
      I.Defaulted,
      I.OverdueInCure, // 30 April + 5 days of grace ended on 5 May
      I.Due,
      ...times(I.NotYetDue, 7),
    ]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Active,
        standing: Standing.Defaulted,
        paidTotal: 2n * MONTHLY,
        dueToDate: 4n * MONTHLY,
        arrears: 2n * MONTHLY,
        daysOverdue: 35,
        nextInstalment: 2,
      }),
    );
  });

  it("anyone may then declare the default: Active → InDefault, once", async () => {
    await expect(h.settlements.connect(h.outsider).declareDefault(id))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.Active, Status.InDefault, ZeroHash);
    expect((await complianceOf(h, id)).status).to.equal(BigInt(Status.InDefault));
    await expect(h.settlements.declareDefault(id))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryTransitionNotAllowed")
      .withArgs(id, Status.InDefault, Status.InDefault);
  });

  it("an overpayment of one instalment carries forward: two arrears cleared, half of May paid", async () => {
    await (await pay(h, id, 3n, 250_000n)).wait();
    expect(await instalmentStates(h, id)).to.deep.equal([
      I.PaidOnTime,
      I.PaidLate,
      I.PaidLate,
      I.PaidLate,
      I.Due,
      ...times(I.NotYetDue, 7),
    ]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.InDefault, // the declared default stays on record
        standing: Standing.Performing,
        paidTotal: 450_000n,
        dueToDate: 4n * MONTHLY,
        arrears: 0n,
        daysOverdue: 0,
        nextInstalment: 4,
      }),
    );
  });

  it("paying ahead completes later instalments on time", async () => {
    await (await pay(h, id, 4n, 650_000n)).wait();
    expect(await instalmentStates(h, id)).to.deep.equal([
      I.PaidOnTime,
      I.PaidLate,
      I.PaidLate,
      I.PaidLate,
      ...times(I.PaidOnTime, 7), // May … November
      I.NotYetDue,
    ]);
    const c = await complianceOf(h, id);
    expect([c.paidTotal, c.nextInstalment, c.arrears]).to.deep.equal([1_100_000n, 11n, 0n]);
  });

  it("a payment above what is outstanding is refused", async () => {
    const report = paymentReport(id, 5n, MONTHLY + 1n, await now(h));
    await expect(h.settlements.recordPayment(report, await signReport(h, report)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryOverpayment")
      .withArgs(id, 5, MONTHLY + 1n, MONTHLY);
  });

  it("the payment that completes it moves InDefault → Completed; standing Completed", async () => {
    await expect(pay(h, id, 5n, MONTHLY))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.InDefault, Status.Completed, ZeroHash);
    expect(await instalmentStates(h, id)).to.deep.equal([
      I.PaidOnTime,
      I.PaidLate,
      I.PaidLate,
      I.PaidLate,
      ...times(I.PaidOnTime, 8),
    ]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Completed,
        standing: Standing.Completed,
        paidTotal: TOTAL,
        dueToDate: 4n * MONTHLY,
        arrears: 0n,
        daysOverdue: 0,
        nextInstalment: 12,
      }),
    );
  });

  it("a completed agreement takes no payment and cannot default", async () => {
    const report = paymentReport(id, 6n, 1n, await now(h));
    await expect(h.settlements.recordPayment(report, await signReport(h, report)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotPayable")
      .withArgs(id, Status.Completed);
    await expect(h.settlements.declareDefault(id))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryTransitionNotAllowed")
      .withArgs(id, Status.Completed, Status.InDefault);
  });
});

describe("settlement: an explicit (irregular) schedule", () => {
  let h: Hejie;
  let id: string;
  // 300.00 on 31 January, 500.00 ten days later, 200.00 forty-five days after the first.
  const schedule: Instalment[] = [
    { dueAt: FIRST_DUE, amount: 30_000n },
    { dueAt: FIRST_DUE + 10n * DAY, amount: 50_000n },
    { dueAt: FIRST_DUE + 45n * DAY, amount: 20_000n },
  ];
  const total = 100_000n;

  before(async () => {
    h = await deployHejie(await createConnection());
  });

  it("registers with the explicit list (register) and stores it as given", async () => {
    const s = settlementTerms(h, { instalments: schedule });
    expect(monthlyPlanOf(schedule)).to.equal(undefined);
    id = await settlementIdOf(h, s);
    await expect(submitSettlement(h, s, await signAll(h, s))).to.emit(h.settlements, "SettlementRegistered");
    const [ledger] = await h.settlements.getSettlement(id);
    expect([ledger.firstDueAt, ledger.instalmentCount, ledger.regularAmount, ledger.totalDue]).to.deep.equal([
      FIRST_DUE,
      3n,
      0n,
      total,
    ]);
    const views = await h.settlements.getInstalments(id);
    expect(views.map((v) => [v.dueAt, v.amount])).to.deep.equal(schedule.map((i) => [i.dueAt, i.amount]));
    expect(await instalmentStates(h, id)).to.deep.equal([I.Due, I.NotYetDue, I.NotYetDue]);
  });

  it("a payment spanning instalments completes the first and pays part of the second", async () => {
    await (await pay(h, id, 0n, 40_000n)).wait();
    expect(await instalmentStates(h, id)).to.deep.equal([I.PaidOnTime, I.NotYetDue, I.NotYetDue]);
    expect((await complianceOf(h, id)).nextInstalment).to.equal(1n);
  });

  it("after the second due date: OverdueInGrace, arrears of 400.00, the third Due", async () => {
    await setTime(h, FIRST_DUE + 10n * DAY + 1n);
    expect(await instalmentStates(h, id)).to.deep.equal([I.PaidOnTime, I.OverdueInGrace, I.Due]);
    expect(await complianceOf(h, id)).to.deep.equal(
      compliance({
        status: Status.Active,
        standing: Standing.OverdueInGrace,
        totalDue: total,
        paidTotal: 40_000n,
        dueToDate: 80_000n,
        arrears: 40_000n,
        daysOverdue: 0,
        nextInstalment: 1,
      }),
    );
  });

  it("paying the rest completes it: the second PaidLate, the third PaidOnTime", async () => {
    await expect(pay(h, id, 1n, 60_000n))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.Active, Status.Completed, ZeroHash);
    expect(await instalmentStates(h, id)).to.deep.equal([I.PaidOnTime, I.PaidLate, I.PaidOnTime]);
    expect((await complianceOf(h, id)).standing).to.equal(BigInt(Standing.Completed));
  });
});

describe("settlement: schedule and registration checks", () => {
  let h: Hejie;
  const noSignatures = ["0x", "0x", "0x"] as const;

  before(async () => {
    h = await deployHejie(await createConnection());
  });

  const withSchedule = (instalments: Instalment[], settledAmount?: bigint) =>
    settlementTerms(h, {
      instalments,
      settledAmount: settledAmount ?? instalments.reduce((sum, i) => sum + i.amount, 0n),
    });

  it("refuses an empty schedule, as a list and as a plan", async () => {
    const s = withSchedule([]);
    await expect(h.settlements.register(termsOf(s), [], ...noSignatures)).to.be.revertedWithCustomError(
      h.settlements,
      "SettlementRegistryEmptySchedule",
    );
    const plan = { firstDueAt: FIRST_DUE, count: 0n, amount: 1n, lastAmount: 1n };
    await expect(h.settlements.registerMonthly(termsOf(s), plan, ...noSignatures)).to.be.revertedWithCustomError(
      h.settlements,
      "SettlementRegistryEmptySchedule",
    );
  });

  it("refuses more than 360 instalments", async () => {
    const s = withSchedule(monthlySchedule(FIRST_DUE, 361, 361n));
    await expect(h.settlements.register(termsOf(s), s.instalments, ...noSignatures))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryTooManyInstalments")
      .withArgs(361, 360);
    const plan = { firstDueAt: FIRST_DUE, count: 361n, amount: 1n, lastAmount: 1n };
    await expect(h.settlements.registerMonthly(termsOf(s), plan, ...noSignatures))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryTooManyInstalments")
      .withArgs(361, 360);
    expect(await h.settlements.MAX_INSTALMENTS()).to.equal(360n);
  });

  it("refuses due times that do not strictly increase", async () => {
    const s = withSchedule([
      { dueAt: FIRST_DUE, amount: 1n },
      { dueAt: FIRST_DUE, amount: 1n },
    ]);
    await expect(h.settlements.register(termsOf(s), s.instalments, ...noSignatures))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryUnsortedSchedule")
      .withArgs(1);
  });

  it("refuses a zero amount, in a list and in a plan", async () => {
    const s = withSchedule([
      { dueAt: FIRST_DUE, amount: 1n },
      { dueAt: FIRST_DUE + DAY, amount: 0n },
    ]);
    await expect(h.settlements.register(termsOf(s), s.instalments, ...noSignatures))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryZeroAmount")
      .withArgs(1);
    const plan = { firstDueAt: FIRST_DUE, count: 2n, amount: 1n, lastAmount: 0n };
    await expect(h.settlements.registerMonthly(termsOf(s), plan, ...noSignatures)).to.be.revertedWithCustomError(
      h.settlements,
      "SettlementRegistryZeroPlanAmount",
    );
  });

  it("refuses a settled amount other than the schedule's total", async () => {
    const s = withSchedule(monthlySchedule(FIRST_DUE, 12, TOTAL), TOTAL - 1n);
    await expect(h.settlements.register(termsOf(s), s.instalments, ...noSignatures))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryAmountMismatch")
      .withArgs(TOTAL - 1n, TOTAL);
  });

  it("refuses a total of 2^48 or more", async () => {
    const s = withSchedule([
      { dueAt: FIRST_DUE, amount: 2n ** 47n },
      { dueAt: FIRST_DUE + DAY, amount: 2n ** 47n },
    ]);
    await expect(h.settlements.register(termsOf(s), s.instalments, ...noSignatures))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryTotalTooLarge")
      .withArgs(2n ** 48n);
  });

  it("refuses explicit due times not whole days after the first", async () => {
    const s = withSchedule([
      { dueAt: FIRST_DUE, amount: 1n },
      { dueAt: FIRST_DUE + DAY + 1n, amount: 1n },
    ]);
    await expect(h.settlements.register(termsOf(s), s.instalments, ...(await signAll(h, s))))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryDueTimeNotWholeDays")
      .withArgs(1);
  });

  it("refuses an explicit schedule longer than 65,535 days", async () => {
    const s = withSchedule([
      { dueAt: FIRST_DUE, amount: 1n },
      { dueAt: FIRST_DUE + 65_536n * DAY, amount: 1n },
    ]);
    await expect(h.settlements.register(termsOf(s), s.instalments, ...(await signAll(h, s))))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryScheduleTooLong")
      .withArgs(1);
  });

  it("refuses signatures after the deadline", async () => {
    const deadline = (await now(h)) - 1n;
    const s = settlementTerms(h, { deadline });
    await expect(submitSettlement(h, s, await signAll(h, s)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryExpired")
      .withArgs(deadline);
  });

  it("refuses a signature by someone other than the named party", async () => {
    const s = settlementTerms(h);
    const [borrowerSig, platformSig, lawyerSig] = await signAll(h, s);
    await expect(submitSettlement(h, s, [platformSig, platformSig, lawyerSig]))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidSignature")
      .withArgs(h.borrower.address);
    await expect(submitSettlement(h, s, [borrowerSig, lawyerSig, lawyerSig]))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidSignature")
      .withArgs(h.platform.address);
    await expect(submitSettlement(h, s, [borrowerSig, platformSig, "0x"]))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidSignature")
      .withArgs(h.lawyer.address);
  });

  it("refuses a party whose key is unknown or in another role", async () => {
    const unknown = settlementTerms(h, { borrower: h.outsider.address });
    await expect(submitSettlement(h, unknown, await signAll(h, unknown, { borrower: h.outsider })))
      .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
      .withArgs(h.outsider.address);
    const swapped = settlementTerms(h, { platform: h.lawyer.address });
    await expect(submitSettlement(h, swapped, await signAll(h, swapped, { platform: h.lawyer })))
      .to.be.revertedWithCustomError(h.members, "MemberRegistryWrongRole")
      .withArgs(h.lawyer.address, Roles.PLATFORM, Roles.LAWYER);
  });

  it("refuses a stale nonce once the signer increased it; the new nonce registers", async () => {
    // A second wallet of the fixture's borrower, so the fixture's own nonce stays 0.
    const wallet = h.spare[0] as HardhatEthersSigner;
    const commitmentOfBorrower = (await h.members.getAccount(h.ids.borrower)).identityCommitment;
    await (await h.members.bindBorrower(wallet, commitmentOfBorrower)).wait();
    const s = settlementTerms(h, { borrower: wallet.address });
    const signatures = await signAll(h, s, { borrower: wallet });
    await expect(h.members.connect(wallet).increaseNonce())
      .to.emit(h.members, "NonceIncreased")
      .withArgs(wallet.address, 1);
    await expect(submitSettlement(h, s, signatures))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryStaleNonce")
      .withArgs(wallet.address, 0, 1);
    const renewed = { ...s, borrowerNonce: 1n };
    const id = await registerSettlement(h, renewed, { borrower: wallet });
    const [, profile] = await h.settlements.getSettlement(id);
    expect(profile.borrowerId).to.equal(h.ids.borrower);
  });

  it("refuses registering the same terms twice", async () => {
    const s = settlementTerms(h);
    const id = await registerSettlement(h, s);
    await expect(submitSettlement(h, s, await signAll(h, s)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryAlreadyRegistered")
      .withArgs(id, Status.Active);
  });

  it("cancel by a party voids the terms for good; others and registered terms cannot be cancelled", async () => {
    const s = settlementTerms(h);
    const id = await settlementIdOf(h, s);
    await expect(h.settlements.connect(h.outsider).cancel(termsOf(s), s.instalments))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotParty")
      .withArgs(id, h.outsider.address);
    await expect(h.settlements.connect(h.lawyer).cancel(termsOf(s), s.instalments))
      .to.emit(h.settlements, "SettlementCancelled")
      .withArgs(id, h.lawyer.address);
    await expect(submitSettlement(h, s, await signAll(h, s)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistrySignatureCancelled")
      .withArgs(id);
    await expect(h.settlements.connect(h.borrower).cancel(termsOf(s), s.instalments))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryAlreadyRegistered")
      .withArgs(id, Status.Cancelled);
    await expect(h.settlements.compliance(id))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotFound")
      .withArgs(id);

    const registered = settlementTerms(h);
    const registeredId = await registerSettlement(h, registered);
    await expect(h.settlements.connect(h.platform).cancel(termsOf(registered), registered.instalments))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryAlreadyRegistered")
      .withArgs(registeredId, Status.Active);
  });

  it("views refuse an unknown id", async () => {
    const unknown = hexlify(randomBytes(32));
    for (const call of [
      h.settlements.compliance(unknown),
      h.settlements.getInstalments(unknown),
      h.settlements.getInstalment(unknown, 0),
    ]) {
      await expect(call).to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotFound").withArgs(unknown);
    }
  });
});

describe("settlement: payment reports", () => {
  let h: Hejie;
  let id: string;
  let otherPlatformId: bigint;
  let otherOracle: HardhatEthersSigner;
  let secondOracle: HardhatEthersSigner;

  before(async () => {
    h = await deployHejie(await createConnection());
    id = await registerSettlement(h);
    const [otherPlatform, oracle2, oracle3] = h.spare as [
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
    ];
    otherOracle = oracle2;
    otherPlatformId = await admitPlatform(h, otherPlatform, otherOracle, "other-platform");
    secondOracle = oracle3;
    await (await h.members.addKey(h.ids.platform, secondOracle, Roles.ORACLE)).wait();
  });

  const sign = (report: PaymentReport, signer: HardhatEthersSigner = h.oracle) => signReport(h, report, signer);

  it("refuses a report for an unknown agreement", async () => {
    const unknown = hexlify(randomBytes(32));
    const report = paymentReport(unknown, 0n, 1n, await now(h));
    await expect(h.settlements.recordPayment(report, await sign(report)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotFound")
      .withArgs(unknown);
  });

  it("refuses a sequence number out of order, then a replay of a recorded one", async () => {
    const early = paymentReport(id, 1n, 1n, await now(h));
    await expect(h.settlements.recordPayment(early, await sign(early)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryReportOutOfOrder")
      .withArgs(id, 1, 0);
    const first = paymentReport(id, 0n, 1n, await now(h));
    const signature = await sign(first);
    await (await h.settlements.recordPayment(first, signature)).wait();
    await expect(h.settlements.recordPayment(first, signature))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryReportAlreadyRecorded")
      .withArgs(id, 0);
  });

  it("refuses a zero amount and a paid-at time in the future", async () => {
    const zero = paymentReport(id, 1n, 0n, await now(h));
    await expect(h.settlements.recordPayment(zero, await sign(zero)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryZeroPayment")
      .withArgs(id, 1);
    const paidAt = (await now(h)) + DAY;
    const future = paymentReport(id, 1n, 1n, paidAt);
    await expect(h.settlements.recordPayment(future, await sign(future)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryPaymentInFuture")
      .withArgs(id, 1, paidAt);
  });

  it("accepts any active ORACLE key of the agreement's platform", async () => {
    const paidAt = await now(h);
    await expect(recordPayment(h, paymentReport(id, 1n, 2n, paidAt), secondOracle))
      .to.emit(h.settlements, "PaymentRecorded")
      .withArgs(id, 1, 2, paidAt);
    expect((await complianceOf(h, id)).paidTotal).to.equal(3n);
  });

  it("refuses a report signed by another platform's oracle", async () => {
    const report = paymentReport(id, 2n, 1n, await now(h));
    await expect(h.settlements.recordPayment(report, await sign(report, otherOracle)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryWrongPlatform")
      .withArgs(id, otherPlatformId, h.ids.platform);
  });

  it("refuses a report signed by a platform key, an unknown key or a revoked oracle", async () => {
    const report = paymentReport(id, 2n, 1n, await now(h));
    await expect(h.settlements.recordPayment(report, await sign(report, h.platform)))
      .to.be.revertedWithCustomError(h.members, "MemberRegistryWrongRole")
      .withArgs(h.platform.address, Roles.ORACLE, Roles.PLATFORM);
    await expect(h.settlements.recordPayment(report, await sign(report, h.outsider)))
      .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
      .withArgs(h.outsider.address);
    await (await h.members.revokeKey(secondOracle)).wait();
    await expect(h.settlements.recordPayment(report, await sign(report, secondOracle)))
      .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
      .withArgs(secondOracle.address);
  });

  it("refuses a signature that recovers no key, and a report altered after signing", async () => {
    const report = paymentReport(id, 2n, 1n, await now(h));
    await expect(h.settlements.recordPayment(report, { r: ZeroHash, vs: ZeroHash }))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidReportSignature")
      .withArgs(id, 2);
    const signature = await sign(report);
    // The altered report recovers to some unrelated address: not an oracle key.
    await expect(h.settlements.recordPayment({ ...report, amount: 1_000n }, signature)).to.be.revertedWithCustomError(
      h.members,
      "MemberRegistryKeyNotActive",
    );
  });
});

describe("settlement: batched payment reports (recordPayments)", () => {
  let h: Hejie;
  let a: string;
  let b: string;
  let c: string;
  let oracleB: HardhatEthersSigner;
  let otherOracle: HardhatEthersSigner;
  let otherPlatformId: bigint;

  before(async () => {
    h = await deployHejie(await createConnection());
    const [otherPlatform, oracle2, oracle3] = h.spare as [
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
    ];
    otherOracle = oracle2;
    oracleB = oracle3;
    otherPlatformId = await admitPlatform(h, otherPlatform, otherOracle, "other-platform");
    await (await h.members.addKey(h.ids.platform, oracleB, Roles.ORACLE)).wait();
    a = await registerSettlement(h);
    b = await registerSettlement(h, settlementTerms(h, { instalments: monthlySchedule(FIRST_DUE, 3, 30_000n) }));
    c = await registerSettlement(h, settlementTerms(h, { platform: otherPlatform.address }), {
      platform: otherPlatform,
    });
  });

  async function batch(entries: [PaymentReport, HardhatEthersSigner][]) {
    const signatures = [];
    for (const [report, signer] of entries) signatures.push(await signReport(h, report, signer));
    return h.settlements.recordPayments(
      entries.map(([report]) => report),
      signatures,
    );
  }

  it("records reports for several agreements, platforms and oracle keys in one transaction, in order", async () => {
    const t = await now(h);
    const reports: [PaymentReport, HardhatEthersSigner][] = [
      [paymentReport(a, 0n, 10_000n, t), h.oracle],
      [paymentReport(b, 0n, 10_000n, t), h.oracle],
      [paymentReport(a, 1n, 20_000n, t), oracleB],
      [paymentReport(c, 0n, 30_000n, t), otherOracle],
      [paymentReport(b, 1n, 5_000n, t), h.oracle],
    ];
    const receipt = await (await batch(reports)).wait();
    const recorded = receipt!.logs
      .map((log) => h.settlements.interface.parseLog(log))
      .filter((e) => e?.name === "PaymentRecorded")
      .map((e) => [e!.args[0], e!.args[1], e!.args[2]]);
    expect(recorded).to.deep.equal(reports.map(([r]) => [r.settlementId, r.sequence, r.amount]));
    const paid = async (id: string) => {
      const [ledger] = await h.settlements.getSettlement(id);
      return [ledger.paidTotal, ledger.reportCount];
    };
    expect(await paid(a)).to.deep.equal([30_000n, 2n]);
    expect(await paid(b)).to.deep.equal([15_000n, 2n]);
    expect(await paid(c)).to.deep.equal([30_000n, 1n]);
  });

  it("completes an agreement inside a batch", async () => {
    const t = await now(h);
    await expect(
      batch([
        [paymentReport(b, 2n, 15_000n, t), h.oracle],
        [paymentReport(a, 2n, 1n, t), h.oracle],
      ]),
    )
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(b, Status.Active, Status.Completed, ZeroHash);
    expect((await complianceOf(h, b)).status).to.equal(BigInt(Status.Completed));
  });

  it("one bad report reverts the whole batch with its error", async () => {
    const t = await now(h);
    await expect(
      batch([
        [paymentReport(a, 3n, 1n, t), h.oracle],
        [paymentReport(c, 2n, 1n, t), otherOracle], // c expects sequence 1
      ]),
    )
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryReportOutOfOrder")
      .withArgs(c, 2, 1);
    await expect(
      batch([
        [paymentReport(a, 3n, 1n, t), h.oracle],
        [paymentReport(c, 1n, 1n, t), h.oracle], // c belongs to the other platform
      ]),
    )
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryWrongPlatform")
      .withArgs(c, h.ids.platform, otherPlatformId);
    const [ledger] = await h.settlements.getSettlement(a);
    expect(ledger.reportCount).to.equal(3n);
  });

  it("refuses reports and signatures of different lengths; an empty batch does nothing", async () => {
    const report = paymentReport(a, 3n, 1n, await now(h));
    await expect(h.settlements.recordPayments([report], []))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryBatchLengthMismatch")
      .withArgs(1, 0);
    await expect(h.settlements.recordPayments([], [])).not.to.emit(h.settlements, "PaymentRecorded");
  });
});

describe("settlement: amendments", () => {
  let h: Hejie;
  let original: string;
  let amendment: string;

  before(async () => {
    h = await deployHejie(await createConnection());
    original = await registerSettlement(h);
    await (await pay(h, original, 0n, MONTHLY)).wait();
  });

  it("an amendment signed by all three supersedes the original (successorOf links them)", async () => {
    const s = settlementTerms(h, { amends: original, instalments: monthlySchedule(FIRST_DUE, 24, 1_100_000n) });
    amendment = await settlementIdOf(h, s);
    const tx = submitSettlement(h, s, await signAll(h, s));
    await expect(tx)
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(original, Status.Active, Status.Superseded, amendment);
    await expect(tx)
      .to.emit(h.settlements, "SettlementRegistered")
      .withArgs(
        amendment,
        s.caseId,
        original,
        h.borrower.address,
        h.platform.address,
        h.lawyer.address,
        s.documentHash,
      );
    expect(await h.settlements.successorOf(original)).to.equal(amendment);
    expect(await h.settlements.successorOf(amendment)).to.equal(ZeroHash);
    expect((await complianceOf(h, original)).status).to.equal(BigInt(Status.Superseded));
    expect((await complianceOf(h, amendment)).status).to.equal(BigInt(Status.Active));
  });

  it("the superseded agreement takes no payment and cannot be amended again", async () => {
    const report = paymentReport(original, 1n, 1n, await now(h));
    await expect(h.settlements.recordPayment(report, await signReport(h, report)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotPayable")
      .withArgs(original, Status.Superseded);
    const again = settlementTerms(h, { amends: original });
    await expect(submitSettlement(h, again, await signAll(h, again)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotAmendable")
      .withArgs(original, Status.Superseded);
  });

  it("an amendment must keep the borrower and the platform", async () => {
    const [otherPlatform, otherOracle] = h.spare as [HardhatEthersSigner, HardhatEthersSigner];
    await admitPlatform(h, otherPlatform, otherOracle, "other-platform");
    const s = settlementTerms(h, { amends: amendment, platform: otherPlatform.address });
    await expect(submitSettlement(h, s, await signAll(h, s, { platform: otherPlatform })))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryAmendmentPartiesDiffer")
      .withArgs(amendment);
  });

  it("an amendment of an unknown agreement is refused", async () => {
    const unknown = hexlify(randomBytes(32));
    const s = settlementTerms(h, { amends: unknown });
    await expect(submitSettlement(h, s, await signAll(h, s)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotFound")
      .withArgs(unknown);
  });

  it("an agreement in default can be amended", async () => {
    const late = settlementTerms(h, {
      deadline: FAR_DEADLINE,
      instalments: monthlySchedule(due(0), 2, 2n * MONTHLY),
    });
    const defaulted = await registerSettlement(h, late);
    await setTime(h, due(0) + GRACE + CURE + 1n);
    await (await h.settlements.declareDefault(defaulted)).wait();
    const s = settlementTerms(h, {
      amends: defaulted,
      deadline: FAR_DEADLINE,
      instalments: monthlySchedule(due(3), 4, 2n * MONTHLY),
    });
    await expect(submitSettlement(h, s, await signAll(h, s)))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(defaulted, Status.InDefault, Status.Superseded, await settlementIdOf(h, s));
  });
});

describe("settlement: contested payments", () => {
  let h: Hejie;
  let id: string;
  const reports: PaymentReport[] = [];
  const signatures: Awaited<ReturnType<typeof signReport>>[] = [];
  const reason = hexlify(randomBytes(32));

  before(async () => {
    h = await deployHejie(await createConnection());
    id = await registerSettlement(h);
    for (const amount of [10_000n, 20_000n]) {
      const report = paymentReport(id, BigInt(reports.length), amount, await now(h));
      const signature = await signReport(h, report);
      await (await h.settlements.recordPayment(report, signature)).wait();
      reports.push(report);
      signatures.push(signature);
    }
  });

  const r = (i: number) => reports[i] as PaymentReport;
  const sig = (i: number) => signatures[i] as Awaited<ReturnType<typeof signReport>>;

  it("the borrower contests a recorded payment: PaymentContested, contestedBy", async () => {
    expect(await h.settlements.contestedBy(id, 0)).to.equal(ZeroAddress);
    await expect(h.settlements.connect(h.borrower).contestPayment(r(0), sig(0), reason))
      .to.emit(h.settlements, "PaymentContested")
      .withArgs(id, 0, await h.settlements.paymentReportDigest(r(0)), h.borrower.address, reason);
    expect(await h.settlements.contestedBy(id, 0)).to.equal(h.borrower.address);
  });

  it("the lawyer contests another one", async () => {
    await expect(h.settlements.connect(h.lawyer).contestPayment(r(1), sig(1), reason))
      .to.emit(h.settlements, "PaymentContested")
      .withArgs(id, 1, await h.settlements.paymentReportDigest(r(1)), h.lawyer.address, reason);
    expect(await h.settlements.contestedBy(id, 1)).to.equal(h.lawyer.address);
  });

  it("a payment is contested once", async () => {
    await expect(h.settlements.connect(h.lawyer).contestPayment(r(0), sig(0), reason))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryAlreadyContested")
      .withArgs(id, 0);
  });

  it("only the agreement's borrower or lawyer may contest", async () => {
    for (const caller of [h.outsider, h.platform, h.oracle, h.committee]) {
      await expect(h.settlements.connect(caller).contestPayment(r(0), sig(0), reason))
        .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotParty")
        .withArgs(id, caller.address);
    }
  });

  it("refuses a report not recorded yet, or not the one the oracle signed", async () => {
    const next = paymentReport(id, 2n, 1n, await now(h));
    await expect(h.settlements.connect(h.borrower).contestPayment(next, await signReport(h, next), reason))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryReportNotRecorded")
      .withArgs(id, 2);
    await expect(h.settlements.connect(h.borrower).contestPayment({ ...r(1), amount: 1n }, sig(1), reason))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidReportSignature")
      .withArgs(id, 1);
  });

  it("refuses a report signed by another platform's oracle", async () => {
    const [otherPlatform, otherOracle] = h.spare as [HardhatEthersSigner, HardhatEthersSigner];
    await admitPlatform(h, otherPlatform, otherOracle, "other-platform");
    await expect(h.settlements.connect(h.borrower).contestPayment(r(0), await signReport(h, r(0), otherOracle), reason))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidReportSignature")
      .withArgs(id, 0);
  });

  it("the window closes contestWindow after the paid-at time (still open at that second)", async () => {
    const paidAt = await now(h);
    for (const seq of [2n, 3n]) {
      const report = paymentReport(id, seq, 1n, paidAt);
      const signature = await signReport(h, report);
      await (await h.settlements.recordPayment(report, signature)).wait();
      reports.push(report);
      signatures.push(signature);
    }
    await setNextBlockTime(h, paidAt + WINDOW);
    await expect(h.settlements.connect(h.borrower).contestPayment(r(2), sig(2), reason)).to.emit(
      h.settlements,
      "PaymentContested",
    );
    await setNextBlockTime(h, paidAt + WINDOW + 1n);
    await expect(h.settlements.connect(h.borrower).contestPayment(r(3), sig(3), reason))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryContestWindowClosed")
      .withArgs(id, 3, paidAt + WINDOW);
  });

  it("a report by an oracle key revoked since can still be contested; another wallet of the borrower may", async () => {
    const [, , oracle2, wallet2] = h.spare as HardhatEthersSigner[] as [
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
      HardhatEthersSigner,
    ];
    await (await h.members.addKey(h.ids.platform, oracle2, Roles.ORACLE)).wait();
    const report = paymentReport(id, 4n, 1n, await now(h));
    const signature = await signReport(h, report, oracle2);
    await (await h.settlements.recordPayment(report, signature)).wait();
    await (await h.members.revokeKey(oracle2)).wait();
    await (
      await h.members.bindBorrower(wallet2, (await h.members.getAccount(h.ids.borrower)).identityCommitment)
    ).wait();
    await expect(h.settlements.connect(wallet2).contestPayment(report, signature, reason))
      .to.emit(h.settlements, "PaymentContested")
      .withArgs(id, 4, await h.settlements.paymentReportDigest(report), wallet2.address, reason);
  });
});

describe("settlement: the committee's RESOLVER", () => {
  let h: Hejie;
  let resolver: HardhatEthersSigner;
  const resolution = () => hexlify(randomBytes(32));

  before(async () => {
    h = await deployHejie(await createConnection());
    resolver = h.spare[0] as HardhatEthersSigner;
  });

  it("ADMIN grants RESOLVER through the AccessManager", async () => {
    expect((await h.accessManager.hasRole(Roles.RESOLVER, resolver))[0]).to.equal(false);
    await expect(h.accessManager.connect(h.registrar).grantRole(Roles.RESOLVER, resolver, 0)).to.emit(
      h.accessManager,
      "RoleGranted",
    );
    expect((await h.accessManager.hasRole(Roles.RESOLVER, resolver))[0]).to.equal(true);
  });

  it("nobody else may transition an agreement", async () => {
    const id = await registerSettlement(h);
    for (const caller of [h.registrar, h.committee, h.lawyer, h.platform, h.borrower, h.outsider]) {
      await expect(h.settlements.connect(caller).transition(id, Status.Disputed, resolution()))
        .to.be.revertedWithCustomError(h.settlements, "AccessManagedUnauthorized")
        .withArgs(caller.address);
    }
  });

  it("Active → Disputed → Active → Terminated, with the resolution in StatusChanged; payments while Disputed", async () => {
    const id = await registerSettlement(h);
    const asResolver = h.settlements.connect(resolver);
    const first = resolution();
    await expect(asResolver.transition(id, Status.Disputed, first))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.Active, Status.Disputed, first);
    await expect(pay(h, id, 0n, MONTHLY)).to.emit(h.settlements, "PaymentRecorded");
    const second = resolution();
    await expect(asResolver.transition(id, Status.Active, second))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.Disputed, Status.Active, second);
    const third = resolution();
    await expect(asResolver.transition(id, Status.Terminated, third))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.Active, Status.Terminated, third);
    // Terminated is final.
    for (const to of [Status.Active, Status.Disputed, Status.Completed, Status.InDefault]) {
      await expect(asResolver.transition(id, to, resolution()))
        .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryTransitionNotAllowed")
        .withArgs(id, Status.Terminated, to);
    }
    const report = paymentReport(id, 1n, 1n, await now(h));
    await expect(h.settlements.recordPayment(report, await signReport(h, report)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotPayable")
      .withArgs(id, Status.Terminated);
  });

  it("from Active only Disputed and Terminated are allowed", async () => {
    const id = await registerSettlement(h);
    for (const to of [
      Status.None,
      Status.Active,
      Status.Completed,
      Status.InDefault,
      Status.Superseded,
      Status.Cancelled,
    ]) {
      await expect(h.settlements.connect(resolver).transition(id, to, resolution()))
        .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryTransitionNotAllowed")
        .withArgs(id, Status.Active, to);
    }
  });

  it("Disputed and fully paid stays Disputed; the RESOLVER completes it (and only that or Terminated)", async () => {
    const s = settlementTerms(h, { instalments: monthlySchedule(FIRST_DUE, 2, 2n * MONTHLY) });
    const id = await registerSettlement(h, s);
    const asResolver = h.settlements.connect(resolver);
    await (await asResolver.transition(id, Status.Disputed, resolution())).wait();
    await expect(asResolver.transition(id, Status.Completed, resolution()))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryTransitionNotAllowed")
      .withArgs(id, Status.Disputed, Status.Completed);
    await expect(pay(h, id, 0n, 2n * MONTHLY)).not.to.emit(h.settlements, "StatusChanged");
    const c = await complianceOf(h, id);
    expect([c.status, c.standing, c.paidTotal]).to.deep.equal([
      BigInt(Status.Disputed),
      BigInt(Standing.Completed),
      2n * MONTHLY,
    ]);
    for (const to of [Status.Active, Status.InDefault]) {
      await expect(asResolver.transition(id, to, resolution()))
        .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryTransitionNotAllowed")
        .withArgs(id, Status.Disputed, to);
    }
    const decision = resolution();
    await expect(asResolver.transition(id, Status.Completed, decision))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.Disputed, Status.Completed, decision);
  });

  it("InDefault → Disputed → InDefault → Terminated; an unknown id is refused", async () => {
    const s = settlementTerms(h, { deadline: FAR_DEADLINE, instalments: monthlySchedule(FIRST_DUE, 2, 2n) });
    const id = await registerSettlement(h, s);
    await setTime(h, FIRST_DUE + GRACE + CURE + 1n);
    await (await h.settlements.declareDefault(id)).wait();
    const asResolver = h.settlements.connect(resolver);
    await expect(asResolver.transition(id, Status.Disputed, ZeroHash))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.InDefault, Status.Disputed, ZeroHash);
    await expect(asResolver.transition(id, Status.InDefault, ZeroHash))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.Disputed, Status.InDefault, ZeroHash);
    await expect(asResolver.transition(id, Status.Terminated, ZeroHash))
      .to.emit(h.settlements, "StatusChanged")
      .withArgs(id, Status.InDefault, Status.Terminated, ZeroHash);
    const unknown = hexlify(randomBytes(32));
    await expect(asResolver.transition(unknown, Status.Disputed, ZeroHash))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryNotFound")
      .withArgs(unknown);
  });

  it("once ADMIN revokes RESOLVER the key is refused", async () => {
    const id = await registerSettlement(h, settlementTerms(h, { deadline: FAR_DEADLINE }));
    await (await h.accessManager.revokeRole(Roles.RESOLVER, resolver)).wait();
    await expect(h.settlements.connect(resolver).transition(id, Status.Disputed, ZeroHash))
      .to.be.revertedWithCustomError(h.settlements, "AccessManagedUnauthorized")
      .withArgs(resolver.address);
  });
});
