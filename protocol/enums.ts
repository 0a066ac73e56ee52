/**
 * Solidity enums as TypeScript constants, in declaration order (their on-chain values).
 * Sources: contracts/types/MemberTypes.sol, SettlementTypes.sol, EvidenceTypes.sol.
 */
export const AccountKind = { None: 0, Platform: 1, Lawyer: 2, CommitteeMember: 3, Regulator: 4, Borrower: 5 } as const;
export const Licence = { None: 0, Bank: 1, ConsumerFinance: 2, MicroLender: 3, Unlicensed: 4 } as const;
export const AccountStatus = { None: 0, Active: 1, Suspended: 2 } as const;
export const KeyStatus = { None: 0, Active: 1, Revoked: 2 } as const;

export const Status = {
  None: 0,
  Active: 1,
  Completed: 2,
  InDefault: 3,
  Disputed: 4,
  Terminated: 5,
  Superseded: 6,
  Cancelled: 7,
} as const;

export const InstalmentState = {
  NotYetDue: 0,
  Due: 1,
  PaidOnTime: 2,
  PaidLate: 3,
  OverdueInGrace: 4,
  OverdueInCure: 5,
  Defaulted: 6,
} as const;

export const Standing = { Performing: 0, OverdueInGrace: 1, OverdueInCure: 2, Defaulted: 3, Completed: 4 } as const;

export const EvidenceKind = {
  Agreement: 0,
  PaymentReceipt: 1,
  Acknowledgment: 2,
  Correspondence: 3,
  Other: 4,
} as const;

/** contracts/types/CaseTypes.sol: a mediation case's lifecycle (see the enum's NatSpec for who moves it). */
export const CaseStatus = {
  None: 0,
  Opened: 1,
  InMediation: 2,
  AgreementSigned: 3,
  Effective: 4,
  ConfirmationApplied: 5,
  Confirmed: 6,
  ConfirmationRefused: 7,
  Closed: 8,
  MediationFailed: 9,
  ReferredToLitigation: 10,
} as const;

/** The deadlines of a rulebook; bit `Deadline.X` of `Rulebook.lateRefused` refuses late actions. */
export const Deadline = { Response: 0, Mediation: 1, Confirmation: 2 } as const;

export const DisputeSubject = { Agreement: 0, PaymentReport: 1, Clause: 2 } as const;

/** A panel member's vote, and a decided dispute's outcome (never None or Abstain). */
export const Vote = { None: 0, Uphold: 1, VoidPayment: 2, RequireAmendment: 3, Terminate: 4, Abstain: 5 } as const;

export const DisputeStatus = { None: 0, Open: 1, Decided: 2, Expired: 3 } as const;
