/**
 * Case types and suggested rulebooks for the CaseRegistry (`contracts/CaseRegistry.sol`). The
 * committee sets each case type's rulebook on chain with `setRulebook` (COMMITTEE role); these are the
 * starting values the consortium agreed on, kept here so that the gateway, the portal and the
 * bootstrap script use the same ones. Periods are seconds.
 */
import { Deadline } from "./enums.js";

const DAY = 86_400;

/** Case type ids (0 is reserved: no rulebook can be set for it). */
export const CaseType = { Simple: 1, MultiCreditor: 2 } as const;

/** The `Rulebook` struct of contracts/types/CaseTypes.sol, field by field. */
export interface Rulebook {
  responseTime: number;
  maxMediationDuration: number;
  confirmationWindow: number;
  confirmationReminder: number;
  minCurePeriod: number;
  votingPeriod: number;
  panelSize: number;
  quorum: number;
  maxCreditors: number;
  /** Bit `Deadline.X` set: a late action against that deadline is refused; clear: recorded as late. */
  lateRefused: number;
}

/** The bit of `lateRefused` for each deadline. */
export const lateRefusedBit = (deadline: (typeof Deadline)[keyof typeof Deadline]) => 1 << deadline;

/**
 * A simple case (one platform): mediation concludes within a month; the joint application for judicial
 * confirmation within 30 days of effectiveness, reminder on day 20 (DOMAIN.md rule 7). Late actions
 * are recorded as late, not refused. A multi-creditor case gets two months, refuses a late joint
 * application (the 30 days are the law's), and a larger committee panel.
 */
export const DEFAULT_RULEBOOKS: Readonly<Record<keyof typeof CaseType, Rulebook>> = {
  Simple: {
    responseTime: 7 * DAY,
    maxMediationDuration: 30 * DAY,
    confirmationWindow: 30 * DAY,
    confirmationReminder: 20 * DAY,
    minCurePeriod: 15 * DAY,
    votingPeriod: 14 * DAY,
    panelSize: 3,
    quorum: 2,
    maxCreditors: 1,
    lateRefused: 0,
  },
  MultiCreditor: {
    responseTime: 7 * DAY,
    maxMediationDuration: 60 * DAY,
    confirmationWindow: 30 * DAY,
    confirmationReminder: 20 * DAY,
    minCurePeriod: 30 * DAY,
    votingPeriod: 21 * DAY,
    panelSize: 5,
    quorum: 3,
    maxCreditors: 16,
    lateRefused: lateRefusedBit(Deadline.Confirmation),
  },
};
