/**
 * AccessManager role ids, mirroring `contracts/libraries/Roles.sol` (checked by test/deploy.test.ts,
 * which reads the labels the deployment writes on chain).
 */
export const Roles = {
  ADMIN: 0n,
  REGISTRAR: 1n,
  PLATFORM: 2n,
  LAWYER: 3n,
  ORACLE: 4n,
  COMMITTEE: 5n,
  REGULATOR: 6n,
  ANCHORER: 7n,
  RESOLVER: 8n,
  MEMBER_REGISTRY: 9n,
  BORROWER: 10n,
} as const;

export type RoleName = keyof typeof Roles;

/** Role ids labelled on chain at deployment (ADMIN is built in; BORROWER is never granted). */
export const LABELLED_ROLES: readonly RoleName[] = [
  "REGISTRAR",
  "PLATFORM",
  "LAWYER",
  "ORACLE",
  "COMMITTEE",
  "REGULATOR",
  "ANCHORER",
  "RESOLVER",
  "MEMBER_REGISTRY",
];

/** Roles whose admin is the MemberRegistry contract: it grants them together with its key records. */
export const MEMBER_ROLES: readonly RoleName[] = ["PLATFORM", "LAWYER", "ORACLE", "COMMITTEE", "REGULATOR", "ANCHORER"];
