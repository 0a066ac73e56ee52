/**
 * An agreement's compliance computed from the read model, exactly as the registry's views compute it
 * (`SettlementRegistry.compliance`, `getInstalments`): the indexer answers without an `eth_call`, and
 * the cross-check option compares the two answers field by field. Keep in step with the contract.
 */
import { InstalmentState, Standing } from "../../../protocol/enums.js";

const DAY = 86_400;

export type StandingName = keyof typeof Standing;
export type InstalmentStateName = keyof typeof InstalmentState;

export interface ScheduledInstalment {
  /** Unix seconds. */
  dueAt: number;
  amount: bigint;
}

export interface RecordedPayment {
  amount: bigint;
  /** Unix seconds, as the oracle reported it. */
  paidAt: number;
}

export interface Terms {
  instalments: readonly ScheduledInstalment[];
  gracePeriod: number;
  curePeriod: number;
}

export interface InstalmentRow extends ScheduledInstalment {
  index: number;
  state: InstalmentStateName;
  /** When the payment that completed it was made, for a paid instalment. */
  paidAt: number | null;
}

export interface ComplianceFigures {
  standing: StandingName;
  totalDue: bigint;
  paidTotal: bigint;
  /** Sum of the instalments whose due time has passed (at its very due time an instalment is not yet due). */
  dueToDate: bigint;
  arrears: bigint;
  daysOverdue: number;
  /** Index of the earliest instalment not fully paid (the instalment count when all are paid). */
  nextInstalment: number;
  instalments: InstalmentRow[];
}

/** State of an unpaid instalment whose due time has passed, at `time`. */
function overdueState(terms: Terms, due: number, time: number): InstalmentStateName & StandingName {
  const graceEnds = due + terms.gracePeriod;
  if (time <= graceEnds) return "OverdueInGrace";
  if (time <= graceEnds + terms.curePeriod) return "OverdueInCure";
  return "Defaulted";
}

/**
 * Compliance at `time` (Unix seconds) given the payments recorded so far, in sequence order. An
 * instalment is paid late when the payment that completed it was made after its due time.
 */
export function complianceAt(terms: Terms, payments: readonly RecordedPayment[], time: number): ComplianceFigures {
  const { instalments } = terms;
  const cumulative: bigint[] = [];
  let running = 0n;
  for (const instalment of instalments) cumulative.push((running += instalment.amount));
  const totalDue = running;

  // When each instalment was completed: walk the payments against the cumulative amounts.
  const completedAt: (number | null)[] = instalments.map(() => null);
  let paidTotal = 0n;
  let next = 0;
  for (const payment of payments) {
    paidTotal += payment.amount;
    while (next < instalments.length && cumulative[next]! <= paidTotal) completedAt[next++] = payment.paidAt;
  }

  const rows: InstalmentRow[] = instalments.map((instalment, index) => {
    const paidAt = completedAt[index]!;
    let state: InstalmentStateName;
    if (paidAt !== null) state = paidAt > instalment.dueAt ? "PaidLate" : "PaidOnTime";
    else if (time <= instalment.dueAt)
      state = index === 0 || time > instalments[index - 1]!.dueAt ? "Due" : "NotYetDue";
    else state = overdueState(terms, instalment.dueAt, time);
    return { index, dueAt: instalment.dueAt, amount: instalment.amount, state, paidAt };
  });

  const dueCount = instalments.filter((instalment) => instalment.dueAt < time).length;
  const dueToDate = dueCount === 0 ? 0n : cumulative[dueCount - 1]!;
  const figures: ComplianceFigures = {
    standing: "Performing",
    totalDue,
    paidTotal,
    dueToDate,
    arrears: dueToDate > paidTotal ? dueToDate - paidTotal : 0n,
    daysOverdue: 0,
    nextInstalment: next,
    instalments: rows,
  };
  if (next === instalments.length) return { ...figures, standing: "Completed" };
  const due = instalments[next]!.dueAt;
  if (time <= due) return figures;
  // The earliest unpaid instalment is always the most overdue one.
  const worst = overdueState(terms, due, time);
  return { ...figures, daysOverdue: Math.floor((time - due) / DAY), standing: worst };
}
