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
