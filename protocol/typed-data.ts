/**
 * The EIP-712 typed data of Hejie's signed records: the one definition shared by the contracts'
 * tests, the gateway and the portal. `contracts/libraries/SettlementHashing.sol` holds the same type
 * strings; test/typed-data.test.ts checks that both sides produce the same hashes.
 *
 * Amounts are minor currency units (fen for CNY); times are Unix seconds.
 */
export const SETTLEMENT_DOMAIN_NAME = "Hejie Registry";
export const SETTLEMENT_DOMAIN_VERSION = "1";

export const settlementTypes = {
  Settlement: [
    { name: "caseId", type: "bytes32" },
    { name: "borrower", type: "address" },
    { name: "platform", type: "address" },
    { name: "lawyer", type: "address" },
    { name: "documentHash", type: "bytes32" },
    { name: "currency", type: "string" },
    { name: "originalPrincipal", type: "uint64" },
    { name: "loanFormedAt", type: "uint40" },
    { name: "settledAmount", type: "uint64" },
    { name: "instalments", type: "Instalment[]" },
    { name: "gracePeriod", type: "uint32" },
    { name: "curePeriod", type: "uint32" },
    { name: "contestWindow", type: "uint32" },
    { name: "amends", type: "bytes32" },
    { name: "borrowerNonce", type: "uint32" },
    { name: "platformNonce", type: "uint32" },
    { name: "lawyerNonce", type: "uint32" },
    { name: "deadline", type: "uint40" },
  ],
  Instalment: [
    { name: "dueAt", type: "uint40" },
    { name: "amount", type: "uint64" },
  ],
} as const;

/**
 * The `EIP712Domain` type of every Hejie domain (name, version, chain id, verifying contract). Served
 * typed data carries it: `eth_signTypedData_v4` wallets (MetaMask's signing library) hash the domain
 * with the fields this type lists, so without it they would sign another digest.
 */
export const eip712DomainType = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
] as const;

export const paymentReportTypes = {
  PaymentReport: [
    { name: "settlementId", type: "bytes32" },
    { name: "sequence", type: "uint32" },
    { name: "amount", type: "uint64" },
    { name: "paidAt", type: "uint40" },
    { name: "bankReference", type: "bytes32" },
  ],
} as const;

export interface Instalment {
  dueAt: bigint;
  amount: bigint;
}

export interface Settlement {
  caseId: string;
  borrower: string;
  platform: string;
  lawyer: string;
  documentHash: string;
  currency: string;
  originalPrincipal: bigint;
  loanFormedAt: bigint;
  settledAmount: bigint;
  instalments: Instalment[];
  gracePeriod: bigint;
  curePeriod: bigint;
  contestWindow: bigint;
  amends: string;
  borrowerNonce: bigint;
  platformNonce: bigint;
  lawyerNonce: bigint;
  deadline: bigint;
}

/** The signed `Settlement` without its schedule: the first argument of the contract's `register*`. */
export type SettlementTerms = Omit<Settlement, "instalments">;

/** A calendar-monthly schedule as the plan that generates it (see protocol/schedule.ts). */
export interface MonthlyPlan {
  firstDueAt: bigint;
  count: bigint;
  amount: bigint;
  lastAmount: bigint;
}

export interface PaymentReport {
  settlementId: string;
  /** 0, 1, 2, … per agreement, in reporting order. */
  sequence: bigint;
  amount: bigint;
  paidAt: bigint;
  bankReference: string;
}

export interface Eip712Domain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

/** One field of an EIP-712 type, as ethers and viem take it. */
export interface TypedDataField {
  name: string;
  type: string;
}

/**
 * A copy of a type table above in the mutable shape ethers' `signTypedData` and `TypedDataEncoder`
 * take (the tables are `as const`, so they cannot be passed directly).
 */
export function typesOf(types: Readonly<Record<string, readonly TypedDataField[]>>): Record<string, TypedDataField[]> {
  return Object.fromEntries(Object.entries(types).map(([name, fields]) => [name, fields.map((f) => ({ ...f }))]));
}

export function termsOf(settlement: Settlement): SettlementTerms {
  const { instalments: _schedule, ...terms } = settlement;
  return terms;
}

export function settlementDomain(chainId: bigint, verifyingContract: string): Eip712Domain {
  return { name: SETTLEMENT_DOMAIN_NAME, version: SETTLEMENT_DOMAIN_VERSION, chainId, verifyingContract };
}

/**
 * Disclosure grants: a case party authorises another address (a court, a regulator, another creditor)
 * to read one document of the case until `expiresAt` (Unix seconds). Verified by the gateway, not by a
 * contract, so they have their own domain ("Hejie Gateway"); `chainId` and `verifyingContract` (the
 * registry) tie a grant to one deployment. `salt` (random) makes each grant distinct, so a revoked grant
 * cannot come back by being submitted again.
 */
export const DISCLOSURE_DOMAIN_NAME = "Hejie Gateway";
export const DISCLOSURE_DOMAIN_VERSION = "1";

export const disclosureGrantTypes = {
  DisclosureGrant: [
    { name: "caseId", type: "bytes32" },
    { name: "documentId", type: "bytes32" },
    { name: "grantee", type: "address" },
    { name: "expiresAt", type: "uint40" },
    { name: "salt", type: "bytes32" },
  ],
} as const;

export interface DisclosureGrant {
  caseId: string;
  documentId: string;
  grantee: string;
  expiresAt: bigint;
  salt: string;
}

export function disclosureDomain(chainId: bigint, verifyingContract: string): Eip712Domain {
  return { name: DISCLOSURE_DOMAIN_NAME, version: DISCLOSURE_DOMAIN_VERSION, chainId, verifyingContract };
}

/**
 * Standstills: a creditor suspends collection towards a case's borrower. Signed by one of the
 * creditor's PLATFORM keys (a plain key or an ERC-1271 wallet) and verified by the CaseRegistry, whose
 * own EIP-712 domain is "Hejie Cases" version "1" (`contracts/CaseRegistry.sol`, `STANDSTILL_TYPEHASH`;
 * test/typed-data.test.ts checks both sides hash alike). `nonce` is the key's current nonce in the
 * HejieRegistry; `deadline` voids the signature after that time; `endsAt` ends the standstill (it also
 * lifts when the case's mediation fails).
 */
export const CASES_DOMAIN_NAME = "Hejie Cases";
export const CASES_DOMAIN_VERSION = "1";

export const standstillTypes = {
  Standstill: [
    { name: "caseId", type: "bytes32" },
    { name: "creditor", type: "address" },
    { name: "borrowerId", type: "uint32" },
    { name: "endsAt", type: "uint40" },
    { name: "nonce", type: "uint32" },
    { name: "deadline", type: "uint40" },
  ],
} as const;

export interface Standstill {
  caseId: string;
  /** The PLATFORM key that signs. */
  creditor: string;
  /** The case's borrower account id. */
  borrowerId: bigint;
  endsAt: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** The CaseRegistry's domain: `verifyingContract` is the CaseRegistry's address. */
export function casesDomain(chainId: bigint, verifyingContract: string): Eip712Domain {
  return { name: CASES_DOMAIN_NAME, version: CASES_DOMAIN_VERSION, chainId, verifyingContract };
}
