/**
 * What a platform's payment system sends the gateway: a payment report signed by one of the
 * platform's ORACLE keys with the registry's EIP-712 typed data (`PaymentReport`), as the JSON body of
 * `POST /payments/reports` (amounts in minor units as decimal strings, times in Unix seconds).
 */
import type { Hex, LocalAccount } from "viem";

import { paymentReportTypes, settlementDomain, typesOf } from "./typed-data.js";

export interface PaymentReportFields {
  settlementId: Hex;
  sequence: number;
  /** Minor units (fen). */
  amount: bigint;
  /** Unix seconds. */
  paidAt: number;
  /** Salted hash of the bank's transaction reference (the reference itself stays with the platform). */
  bankReference: Hex;
}

export interface PaymentReportBody {
  settlementId: Hex;
  sequence: number;
  amount: string;
  paidAt: number;
  bankReference: Hex;
  signature: Hex;
}

/** Signs `report` with `oracle` for the registry at `registry` on chain `chainId`; returns the HTTP body. */
export async function signedPaymentReport(
  oracle: LocalAccount,
  chainId: bigint | number,
  registry: Hex,
  report: PaymentReportFields,
): Promise<PaymentReportBody> {
  const domain = settlementDomain(BigInt(chainId), registry);
  const signature = await oracle.signTypedData({
    domain: { ...domain, verifyingContract: registry },
    types: typesOf(paymentReportTypes),
    primaryType: "PaymentReport",
    message: { ...report, sequence: BigInt(report.sequence), paidAt: BigInt(report.paidAt) },
  });
  return { ...report, amount: report.amount.toString(), signature };
}
