/**
 * Where each instalment stands, from the agreement's paid total (payments settle the earliest
 * instalments first, as the registry's ledger counts them): paid, partly paid, overdue or upcoming.
 */
import type { Instalment } from "../types.js";

export interface InstalmentStanding {
  index: number;
  dueAt: number;
  amount: bigint;
  paid: bigint;
  state: "paid" | "partly_paid" | "overdue" | "upcoming";
  /** Whole days past due (overdue only). */
  daysOverdue: number;
}

export function standings(instalments: Instalment[], paidTotal: bigint, nowSeconds: number): InstalmentStanding[] {
  let before = 0n;
  return instalments.map((instalment, index) => {
    const amount = BigInt(instalment.amount);
    const left = paidTotal - before;
    const paid = left <= 0n ? 0n : left >= amount ? amount : left;
    before += amount;
    const pastDue = instalment.dueAt < nowSeconds;
    const state = paid === amount ? "paid" : pastDue ? "overdue" : paid > 0n ? "partly_paid" : "upcoming";
    const daysOverdue = state === "overdue" ? Math.floor((nowSeconds - instalment.dueAt) / 86_400) : 0;
    return { index, dueAt: instalment.dueAt, amount, paid, state, daysOverdue };
  });
}
