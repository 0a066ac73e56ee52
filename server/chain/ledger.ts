/** An agreement's ledger as the registry keeps it (`getSettlement`), in JavaScript numbers and bigints. */
import type { Hex } from "viem";

import { registryAbi } from "./abi.js";
import type { ChainClients } from "./client.js";

export interface LedgerView {
  /** `Status` of protocol/enums.ts (0: no such agreement). */
  status: number;
  platformId: number;
  /** Reports recorded so far: the next report's sequence number. */
  reportCount: number;
  totalDue: bigint;
  paidTotal: bigint;
}

export async function readLedger(chain: ChainClients, settlementId: Hex): Promise<LedgerView> {
  const [ledger] = (await chain.public.readContract({
    address: chain.contracts.registry,
    abi: registryAbi,
    functionName: "getSettlement",
    args: [settlementId],
  })) as [{ status: number; platformId: number; reportCount: number; paidTotal: bigint; totalDue: bigint }, unknown];
  return {
    status: Number(ledger.status),
    platformId: Number(ledger.platformId),
    reportCount: Number(ledger.reportCount),
    totalDue: BigInt(ledger.totalDue),
    paidTotal: BigInt(ledger.paidTotal),
  };
}
