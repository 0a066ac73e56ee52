/**
 * Instalment schedules. `monthlySchedule` mirrors `contracts/libraries/CalendarMonths.sol`: the k-th
 * due time falls k calendar months after the first, on the same day of the month (clamped to the
 * month's end) at the same time of day, in China Standard Time (UTC+8). A schedule built this way
 * with equal amounts (the last may differ) is stored by the contract in no extra storage.
 */
import type { Instalment, MonthlyPlan } from "./typed-data.js";

const DAY = 86_400n;
const TZ_OFFSET = 8n * 3_600n;

function daysInMonth(year: number, month: number): number {
  // Date.UTC(year, month, 0) is the last day of `month` (1-based).
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The due time `k` months after `firstDueAt` (Unix seconds), as the contract computes it. */
export function monthlyDueAt(firstDueAt: bigint, k: number): bigint {
  const local = firstDueAt + TZ_OFFSET;
  const secondOfDay = local % DAY;
  const date = new Date(Number((local / DAY) * DAY) * 1000);
  const monthIndex = date.getUTCMonth() + k;
  const year = date.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  return BigInt(Date.UTC(year, month - 1, day) / 1000) + secondOfDay - TZ_OFFSET;
}

/**
 * `count` monthly instalments summing to `total`: equal amounts rounded down to the minor unit, the
 * remainder added to the last instalment.
 */
export function monthlySchedule(firstDueAt: bigint, count: number, total: bigint): Instalment[] {
  if (count < 1) throw new RangeError("a schedule needs at least one instalment");
  const regular = total / BigInt(count);
  if (regular === 0n) throw new RangeError("total too small for the number of instalments");
  return Array.from({ length: count }, (_, k) => ({
    dueAt: monthlyDueAt(firstDueAt, k),
    amount: k === count - 1 ? total - regular * BigInt(count - 1) : regular,
  }));
}

/** The end of a calendar day in China Standard Time (23:59:59 UTC+8), as Unix seconds. */
export function endOfDayCst(year: number, month: number, day: number): bigint {
  return BigInt(Date.UTC(year, month - 1, day) / 1000) + DAY - 1n - TZ_OFFSET;
}

export function scheduleTotal(instalments: readonly Instalment[]): bigint {
  return instalments.reduce((sum, i) => sum + i.amount, 0n);
}

/**
 * The monthly plan that generates exactly these instalments, or undefined when they are not a
 * calendar-monthly schedule of equal amounts (the last may differ). Registering with the plan
 * (`registerMonthly`) costs less calldata and storage than the explicit list; the parties sign
 * the list either way.
 */
export function monthlyPlanOf(instalments: readonly Instalment[]): MonthlyPlan | undefined {
  const [first] = instalments;
  const last = instalments.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const regular = first.amount;
  const matches = instalments.every(
    (item, k) =>
      item.dueAt === monthlyDueAt(first.dueAt, k) && (item.amount === regular || k === instalments.length - 1),
  );
  if (!matches) return undefined;
  return { firstDueAt: first.dueAt, count: BigInt(instalments.length), amount: regular, lastAmount: last.amount };
}
