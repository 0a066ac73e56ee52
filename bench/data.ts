/**
 * Fixed inputs of the gas benchmark. Gas depends on calldata bytes (zero bytes cost less than
 * non-zero ones), so every value that reaches the chain is derived from a label, never drawn at
 * random: two runs on the same contracts send the same transactions and use the same gas.
 */
import { keccak256, toUtf8Bytes } from "ethers";

import { type EvidenceLeaf, sha256Hex } from "../protocol/evidence.js";
import { monthlyDueAt } from "../protocol/schedule.js";
import type { Instalment } from "../protocol/typed-data.js";
import { DAY, FIRST_DUE } from "../test/helpers/hejie.js";

/** A 32-byte value derived from a label: case ids, document hashes, salts, bank references. */
export const labelled = (label: string): string => keccak256(toUtf8Bytes(`hejie-bench:${label}`));

/**
 * The chain's genesis time: pinned, so that the schedules below (first due date `FIRST_DUE`,
 * 2027-01-31 CST) lie ahead of it whatever the machine's clock says.
 */
export const GENESIS = new Date("2027-01-01T00:00:00Z");

/** Times the chain is moved to, in order (Unix seconds). */
export const TIMELINE = {
  /** All agreements are registered here (their signatures' deadline is `FIRST_DUE`). */
  register: FIRST_DUE - 20n * DAY,
  /** When the first report of each agreement says it was paid: instalment 0, on time. */
  firstPaidAt: FIRST_DUE - 10n * DAY,
  /** When the measured reports say they were paid: instalment 1 (due a month later), on time. */
  secondPaidAt: FIRST_DUE - 9n * DAY,
  /** The chain's time while on-time payments, anchors and the peers are measured. */
  payments: FIRST_DUE - 8n * DAY,
  /** The late payment: paid two days after instalment 1 was due (inside the 5-day grace period) … */
  latePaidAt: monthlyDueAt(FIRST_DUE, 1) + 2n * DAY,
  /** A payment made at the very due time of instalment 1: still on time. */
  dueDatePaidAt: monthlyDueAt(FIRST_DUE, 1),
  /** … and recorded a day later. */
  late: monthlyDueAt(FIRST_DUE, 1) + 3n * DAY,
} as const;

/** The settled amount of every monthly agreement: 12,000.00 yuan, as the test fixture's default. */
export const MONTHLY_TOTAL = 1_200_000n;

/** Twelve instalments on arbitrary whole days after the first due date, of arbitrary amounts. */
const IRREGULAR_DAYS = [0, 7, 30, 51, 90, 118, 150, 183, 200, 245, 290, 364] as const;
const IRREGULAR_AMOUNTS = [
  50_000n,
  80_000n,
  120_000n,
  95_500n,
  110_000n,
  60_000n,
  150_000n,
  75_250n,
  130_000n,
  99_999n,
  101_001n,
  128_250n,
] as const;

export function irregularSchedule(firstDueAt: bigint = FIRST_DUE): Instalment[] {
  return IRREGULAR_DAYS.map((days, k) => ({
    dueAt: firstDueAt + BigInt(days) * DAY,
    amount: IRREGULAR_AMOUNTS[k] ?? 0n,
  }));
}

/** `count` documents with fixed contents and salts: the leaves of an evidence batch named `batch`. */
export function documents(batch: string, count: number): EvidenceLeaf[] {
  return Array.from({ length: count }, (_, i) => ({
    sha256: sha256Hex(toUtf8Bytes(`hejie-bench document ${batch}/${i}`)),
    salt: labelled(`salt:${batch}/${i}`),
  }));
}
