/**
 * Calendar parity: CalendarMonths.sol (the registry rebuilding a monthly plan and reading its due
 * times) and protocol/schedule.ts (what the parties sign) agree on every due time, across 2026–2100,
 * month ends, 29 February and times of day near midnight China Standard Time.
 */
import { expect } from "chai";

import { endOfDayCst, monthlyDueAt, monthlyPlanOf, monthlySchedule } from "../protocol/schedule.js";
import type { Instalment } from "../protocol/typed-data.js";
import {
  FIRST_DUE,
  type Hejie,
  createConnection,
  deployHejie,
  registerSettlement,
  settlementTerms,
} from "./helpers/hejie.js";

const HOUR = 3_600;
const CST = 8 * HOUR;

/** Unix seconds of a China-Standard-Time wall-clock time. */
function cst(year: number, month: number, day: number, secondOfDay = 0): bigint {
  return BigInt(Date.UTC(year, month - 1, day) / 1000 + secondOfDay - CST);
}

/** mulberry32: a small seeded PRNG, so every run draws the same schedules. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

interface Draw {
  firstDueAt: bigint;
  count: number;
  label: string;
}

/** First due times and counts drawn from a seeded PRNG, biased towards the calendar's edges. */
function drawPlans(seed: number, n: number): Draw[] {
  const random = prng(seed);
  const int = (max: number) => Math.floor(random() * max); // 0 … max-1
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  // Around midnight CST (0 and 86,399 s), around midnight UTC (08:00 CST), and anywhere.
  const timesOfDay = [0, 1, 59, 86_399, 86_398, 86_340, CST - 1, CST, CST + 1];
  const draws: Draw[] = [];
  for (let i = 0; i < n; ++i) {
    let year = 2026 + int(75); // 2026 … 2100
    let month = 1 + int(12);
    const shape = int(4);
    let day: number;
    if (shape === 0) {
      // 29 February of a leap year.
      year = pick([2028, 2032, 2048, 2052, 2064, 2080, 2096]);
      month = 2;
      day = 29;
    } else if (shape === 1) {
      day = daysInMonth(year, month) - int(4); // the month's last four days
    } else {
      day = 1 + int(daysInMonth(year, month));
    }
    const secondOfDay = random() < 0.7 ? pick(timesOfDay) : int(86_400);
    const count = random() < 0.25 ? 360 : 1 + int(360);
    draws.push({
      firstDueAt: cst(year, month, day, secondOfDay),
      count,
      label: `${year}-${month}-${day}+${secondOfDay}s`,
    });
  }
  return draws;
}

describe("schedule: TypeScript and Solidity calendars agree", () => {
  let h: Hejie;

  before(async () => {
    h = await deployHejie(await createConnection());
  });

  /** Registers `instalments` as a monthly plan (the parties sign the TypeScript list) and reads them back. */
  async function onChain(instalments: Instalment[]) {
    expect(monthlyPlanOf(instalments), "not a monthly plan").not.to.equal(undefined);
    const id = await registerSettlement(h, settlementTerms(h, { instalments }));
    const [ledger] = await h.settlements.getSettlement(id);
    expect(ledger.regularAmount, "stored as an explicit schedule").to.be.greaterThan(0n);
    return h.settlements.getInstalments(id);
  }

  describe("known due dates", () => {
    const cases: { label: string; first: bigint; expected: [number, bigint][] }[] = [
      {
        label: "FIRST_DUE is 31 January 2027, 23:59:59 CST; then 28 February, 31 March, 30 April",
        first: FIRST_DUE,
        expected: [
          [0, endOfDayCst(2027, 1, 31)],
          [1, endOfDayCst(2027, 2, 28)],
          [2, endOfDayCst(2027, 3, 31)],
          [3, endOfDayCst(2027, 4, 30)],
          [11, endOfDayCst(2027, 12, 31)],
          [12, endOfDayCst(2028, 1, 31)],
          [13, endOfDayCst(2028, 2, 29)],
        ],
      },
      {
        label: "31 January 2028, 00:00 CST: 29 February in a leap year",
        first: cst(2028, 1, 31),
        expected: [
          [1, cst(2028, 2, 29)],
          [2, cst(2028, 3, 31)],
          [13, cst(2029, 2, 28)],
        ],
      },
      {
        label: "29 February 2096: 28 February in 2097 and in 2100 (not a leap year)",
        first: cst(2096, 2, 29, 12 * HOUR),
        expected: [
          [1, cst(2096, 3, 29, 12 * HOUR)],
          [12, cst(2097, 2, 28, 12 * HOUR)],
          [48, cst(2100, 2, 28, 12 * HOUR)],
          [49, cst(2100, 3, 29, 12 * HOUR)],
        ],
      },
      {
        label: "31 December 2026, 00:00:00 CST (30 December 16:00 UTC): the year rolls over in CST",
        first: cst(2026, 12, 31),
        expected: [
          [1, cst(2027, 1, 31)],
          [2, cst(2027, 2, 28)],
          [359, cst(2056, 11, 30)],
        ],
      },
      {
        label: "31 December 2099, 23:59:59 CST: into 2100",
        first: endOfDayCst(2099, 12, 31),
        expected: [
          [1, endOfDayCst(2100, 1, 31)],
          [2, endOfDayCst(2100, 2, 28)],
          [3, endOfDayCst(2100, 3, 31)],
        ],
      },
      {
        label: "15 June 2030, 07:59:59 CST (the day before in UTC)",
        first: cst(2030, 6, 15, CST - 1),
        expected: [
          [1, cst(2030, 7, 15, CST - 1)],
          [7, cst(2031, 1, 15, CST - 1)],
        ],
      },
    ];

    for (const { label, first, expected } of cases) {
      it(label, async () => {
        const count = Math.max(...expected.map(([k]) => k)) + 1;
        const schedule = monthlySchedule(first, count, BigInt(count) * 1_000n);
        const views = await onChain(schedule);
        for (const [k, dueAt] of expected) {
          expect(monthlyDueAt(first, k), `TypeScript, instalment ${k}`).to.equal(dueAt);
          expect(views[k]?.dueAt, `Solidity, instalment ${k}`).to.equal(dueAt);
        }
      });
    }
  });

  describe("seeded random plans across 2026–2100", () => {
    const draws = drawPlans(0x4865_6a69, 80);

    it("the draws cover month ends, 29 February, CST midnight and 360 instalments", () => {
      const local = draws.map((d) => new Date(Number(d.firstDueAt) * 1000 + CST * 1000));
      expect(local.some((d) => d.getUTCMonth() === 1 && d.getUTCDate() === 29)).to.equal(true);
      expect(local.some((d) => d.getUTCDate() === 31)).to.equal(true);
      expect(local.some((d) => d.getUTCHours() === 23 && d.getUTCMinutes() === 59)).to.equal(true);
      expect(local.some((d) => d.getUTCHours() === 0 && d.getUTCMinutes() === 0)).to.equal(true);
      expect(draws.some((d) => d.count === 360)).to.equal(true);
      const years = local.map((d) => d.getUTCFullYear());
      expect(Math.min(...years)).to.be.lessThan(2035);
      expect(Math.max(...years)).to.be.greaterThan(2090);
    });

    for (const [i, draw] of draws.entries()) {
      it(`plan ${i}: first due ${draw.label} CST, ${draw.count} instalments`, async () => {
        const regular = BigInt(1 + ((i * 7_919) % 1_000_000));
        const total = regular * BigInt(draw.count) + BigInt(i); // the remainder lands on the last one
        const schedule = monthlySchedule(draw.firstDueAt, draw.count, total);
        const views = await onChain(schedule);
        expect(views.map((v) => v.dueAt)).to.deep.equal(schedule.map((s) => s.dueAt));
        expect(views.map((v) => v.amount)).to.deep.equal(schedule.map((s) => s.amount));
        for (const [k, item] of schedule.entries()) expect(item.dueAt).to.equal(monthlyDueAt(draw.firstDueAt, k));
      });
    }
  });
});
