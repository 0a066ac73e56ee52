/**
 * Drafted terms: the request schema, and every check the registry would make on the schedule and
 * amounts, done here first so that the chain never sees a draft it would refuse. Each refusal is a
 * 400 naming the field, with a code mirroring the contract's error (see README.md).
 */
import { z } from "zod";

import { monthlySchedule, scheduleTotal } from "../../../protocol/schedule.js";
import type { Instalment } from "../../../protocol/typed-data.js";
import { schemas } from "../../http/api.js";
import { badRequest } from "../../http/errors.js";

/** The registry's limits (contracts/SettlementRegistry.sol, CalendarMonths.sol, LedgerWord.sol). */
export const LIMITS = {
  maxInstalments: 360,
  /** 1970-02-01 00:00 UTC: `CalendarMonths.MIN_FIRST_DUE`. */
  minFirstDue: 2_678_400n,
  /** 9999-12-31 23:59:59 UTC: `CalendarMonths.MAX_FIRST_DUE`. */
  maxFirstDue: 253_402_300_799n,
  /** The ledger keeps amounts in 48 bits. */
  maxTotal: 2n ** 48n - 1n,
  /** An explicit schedule keeps due times as whole days after the first, in 16 bits. */
  maxOffsetDays: 65_535n,
  day: 86_400n,
} as const;

const UINT64_MAX = 2n ** 64n - 1n;
const UINT32_MAX = 2 ** 32 - 1;

const amount64 = schemas.amount.refine((v) => v <= UINT64_MAX, "must fit in 64 bits");
const seconds32 = z.number().int().min(0).max(UINT32_MAX).describe("A duration in seconds (uint32)");

const instalmentInput = z.object({
  dueAt: schemas.unixSeconds.describe("Due time, Unix seconds"),
  amount: amount64.describe("Amount in fen, as a decimal string"),
});

/** The body of `POST /cases/:caseId/drafts` (and of an edit). */
export const draftInput = z
  .object({
    platform: schemas.address.describe("The creditor: one of the case's platforms"),
    currency: z.literal("CNY").describe('ISO 4217 code of every amount: "CNY"'),
    originalPrincipal: amount64
      .refine((v) => v > 0n, "must be positive")
      .describe("The principal actually disbursed (interest deducted up front already subtracted), fen"),
    loanFormedAt: schemas.unixSeconds.describe("When the original loan contract was formed, Unix seconds"),
    settledAmount: amount64.describe("What the borrower pays under the settlement (the schedule's total), fen"),
    instalments: z
      .array(instalmentInput)
      .min(1)
      .max(LIMITS.maxInstalments)
      .optional()
      .describe("An explicit schedule: strictly increasing due times, whole days apart; give this or `monthly`"),
    monthly: z
      .object({
        firstDueAt: schemas.unixSeconds,
        count: z.number().int().min(1).max(LIMITS.maxInstalments),
        total: amount64,
      })
      .strict()
      .optional()
      .describe(
        "A calendar-monthly plan, expanded by the gateway: `count` instalments a month apart from `firstDueAt`, " +
          "equal amounts rounded down to the fen, the remainder on the last one; give this or `instalments`",
      ),
    gracePeriod: seconds32.describe("Seconds after a due date before an unpaid instalment is late"),
    curePeriod: seconds32.describe("Seconds after the grace period before the agreement is in default"),
    contestWindow: seconds32.describe("Seconds after a payment during which the borrower or lawyer may contest it"),
    amends: schemas.bytes32
      .optional()
      .describe("The settlement id of a registered agreement of this case that this one amends"),
    documentId: schemas.bytes32.describe("The agreement document: the id of a document uploaded to this case"),
  })
  .strict()
  .superRefine((value, ctx) => {
    const given = Number(value.instalments !== undefined) + Number(value.monthly !== undefined);
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [value.instalments === undefined ? "instalments" : "monthly"],
        message: "give exactly one schedule: `instalments` (explicit) or `monthly` (a plan)",
      });
    }
  });

export type DraftInput = z.infer<typeof draftInput>;

/** Details are plain JSON (the error handler does not serialise bigints): amounts go as decimal strings. */
const refuse = (code: string, field: string, message: string, details: Record<string, unknown> = {}) =>
  badRequest(code, `Invalid ${field}: ${message}`, { field, ...details });

function checkFirstDue(firstDueAt: bigint, field: string): void {
  if (firstDueAt < LIMITS.minFirstDue || firstDueAt > LIMITS.maxFirstDue) {
    throw refuse(
      "FIRST_DUE_OUT_OF_RANGE",
      field,
      "the first due time must lie between 1970-02-01 and 9999-12-31 (Unix seconds, not milliseconds)",
      { min: Number(LIMITS.minFirstDue), max: Number(LIMITS.maxFirstDue) },
    );
  }
}

function checkTotal(total: bigint, settledAmount: bigint): void {
  if (total > LIMITS.maxTotal) {
    throw refuse("TOTAL_TOO_LARGE", "body.settledAmount", "the schedule's total exceeds 2^48 - 1 fen", {
      total: String(total),
      max: String(LIMITS.maxTotal),
    });
  }
  if (total !== settledAmount) {
    throw refuse("AMOUNT_MISMATCH", "body.settledAmount", "must equal the sum of the instalments", {
      settledAmount: String(settledAmount),
      scheduleTotal: String(total),
    });
  }
}

/**
 * The schedule the parties will sign, checked as `register`/`registerMonthly` would check it (same
 * order as the contract): an explicit list as given, or a monthly plan expanded by
 * `protocol/schedule.ts`.
 */
export function scheduleOf(input: DraftInput): Instalment[] {
  if (input.monthly !== undefined) {
    const { firstDueAt, count, total } = input.monthly;
    checkFirstDue(BigInt(firstDueAt), "body.monthly.firstDueAt");
    if (total / BigInt(count) === 0n) {
      throw refuse("PLAN_AMOUNT_ZERO", "body.monthly.total", "too small: each instalment would be 0 fen", {
        total: String(total),
        count,
      });
    }
    checkTotal(total, input.settledAmount);
    return monthlySchedule(BigInt(firstDueAt), count, total);
  }
  const instalments = (input.instalments ?? []).map((i) => ({ dueAt: BigInt(i.dueAt), amount: i.amount }));
  const [first] = instalments;
  if (first === undefined) throw refuse("EMPTY_SCHEDULE", "body.instalments", "needs at least one instalment");
  checkFirstDue(first.dueAt, "body.instalments.0.dueAt");
  instalments.forEach((instalment, i) => {
    const previous = instalments[i - 1];
    if (previous !== undefined && instalment.dueAt <= previous.dueAt) {
      throw refuse("SCHEDULE_UNSORTED", `body.instalments.${i}.dueAt`, "due times must strictly increase", {
        index: i,
      });
    }
    if (instalment.amount === 0n) {
      throw refuse("INSTALMENT_ZERO_AMOUNT", `body.instalments.${i}.amount`, "an instalment must be above 0", {
        index: i,
      });
    }
    const offset = instalment.dueAt - first.dueAt;
    if (offset % LIMITS.day !== 0n) {
      throw refuse(
        "DUE_TIME_NOT_WHOLE_DAYS",
        `body.instalments.${i}.dueAt`,
        "every due time must be a whole number of days after the first (same time of day)",
        { index: i },
      );
    }
    if (offset / LIMITS.day > LIMITS.maxOffsetDays) {
      throw refuse(
        "SCHEDULE_TOO_LONG",
        `body.instalments.${i}.dueAt`,
        "falls more than 65,535 days after the first due time",
        { index: i },
      );
    }
  });
  checkTotal(scheduleTotal(instalments), input.settledAmount);
  return instalments;
}
