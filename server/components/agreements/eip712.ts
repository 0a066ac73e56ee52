/**
 * The EIP-712 typed data of a drafted settlement, from the one shared definition
 * (`protocol/typed-data.ts`): the form viem hashes and verifies (bigints), the JSON form a wallet's
 * `eth_signTypedData_v4` takes (bigints as decimal strings, with the `EIP712Domain` type), and the
 * digest — the settlement id the registry will give the agreement.
 */
import { type Hex, hashTypedData } from "viem";

import {
  SETTLEMENT_DOMAIN_NAME,
  SETTLEMENT_DOMAIN_VERSION,
  type Settlement,
  eip712DomainType,
  settlementTypes,
} from "../../../protocol/typed-data.js";

/** Where signatures are valid: this chain and this registry. */
export interface SigningDomain {
  chainId: number;
  registry: Hex;
}

/**
 * The typed data of a settlement. The message keeps the shared `Settlement` shape (every uint a
 * bigint); viem's types want numbers for the narrow uints but its encoder takes bigints alike.
 */
export interface SettlementTypedData {
  domain: { name: string; version: string; chainId: number; verifyingContract: Hex };
  types: typeof settlementTypes;
  primaryType: "Settlement";
  message: Settlement;
}

/** The form viem's functions are typed for (a loosely typed definition, as viem takes it at run time). */
export type ViemTypedData = Parameters<typeof hashTypedData>[0];
export const forViem = (typedData: SettlementTypedData) => typedData as unknown as ViemTypedData;

export function settlementTypedData(domain: SigningDomain, settlement: Settlement): SettlementTypedData {
  return {
    domain: {
      name: SETTLEMENT_DOMAIN_NAME,
      version: SETTLEMENT_DOMAIN_VERSION,
      chainId: domain.chainId,
      verifyingContract: domain.registry,
    },
    types: settlementTypes,
    primaryType: "Settlement" as const,
    message: settlement,
  };
}

/** The EIP-712 digest: what every party signs, and the id `register` gives the agreement. */
export function settlementDigest(typedData: SettlementTypedData): Hex {
  return hashTypedData(forViem(typedData));
}

/** Bigints as decimal strings, recursively (JSON cannot hold every uint64). */
function decimalStrings(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(decimalStrings);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decimalStrings(v)]));
  }
  return value;
}

/** Exactly what `eth_signTypedData_v4` takes (as a JSON object; wallets take it stringified). */
export function typedDataJson(typedData: SettlementTypedData) {
  return {
    types: { EIP712Domain: eip712DomainType, ...typedData.types },
    primaryType: typedData.primaryType,
    domain: typedData.domain,
    message: decimalStrings(typedData.message) as Record<string, unknown>,
  };
}

/** A settlement as stored in SQL (JSON, amounts and times as decimal strings). */
export function settlementToJson(settlement: Settlement): string {
  return JSON.stringify(decimalStrings(settlement));
}

export function settlementFromJson(json: string): Settlement {
  const raw = JSON.parse(json) as Record<keyof Settlement, string> & {
    instalments: { dueAt: string; amount: string }[];
  };
  return {
    caseId: raw.caseId,
    borrower: raw.borrower,
    platform: raw.platform,
    lawyer: raw.lawyer,
    documentHash: raw.documentHash,
    currency: raw.currency,
    originalPrincipal: BigInt(raw.originalPrincipal),
    loanFormedAt: BigInt(raw.loanFormedAt),
    settledAmount: BigInt(raw.settledAmount),
    instalments: raw.instalments.map((i) => ({ dueAt: BigInt(i.dueAt), amount: BigInt(i.amount) })),
    gracePeriod: BigInt(raw.gracePeriod),
    curePeriod: BigInt(raw.curePeriod),
    contestWindow: BigInt(raw.contestWindow),
    amends: raw.amends,
    borrowerNonce: BigInt(raw.borrowerNonce),
    platformNonce: BigInt(raw.platformNonce),
    lawyerNonce: BigInt(raw.lawyerNonce),
    deadline: BigInt(raw.deadline),
  } as Settlement;
}
