/**
 * The settlement registry as the agreements component uses it: small single-purpose functions around
 * viem. Reads (status, compliance, the registration event), the registration call (`register` or
 * `registerMonthly`), its simulation with the contract's refusal decoded by the ABI, and the
 * relayer's signed transaction.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  type Hex,
  encodeFunctionData,
  type Log,
  keccak256,
  parseAbiItem,
  parseEventLogs,
} from "viem";

import { Standing, Status } from "../../../protocol/enums.js";
import { monthlyPlanOf } from "../../../protocol/schedule.js";
import { type Settlement, termsOf } from "../../../protocol/typed-data.js";
import { registryAbi } from "../../chain/abi.js";
import type { ChainClients } from "../../chain/client.js";
import { readLedger } from "../../chain/ledger.js";
import type { RegistrationMethod, SignatureRecord } from "./repository.js";

const settlementRegistered = parseAbiItem(
  "event SettlementRegistered(bytes32 indexed settlementId, bytes32 indexed caseId, bytes32 indexed amends, address borrower, address platform, address lawyer, bytes32 documentHash)",
);

export type StatusName = keyof typeof Status;
const statusNames = Object.keys(Status) as StatusName[];
const standingNames = Object.keys(Standing) as (keyof typeof Standing)[];

/** `registerMonthly` when the schedule is a calendar-monthly plan, else `register`. */
export function registrationMethodOf(settlement: Settlement): RegistrationMethod {
  return monthlyPlanOf(settlement.instalments) === undefined ? "register" : "registerMonthly";
}

/** The registration call: function and arguments (signatures in the contract's order). */
export function registrationCall(settlement: Settlement, signatures: readonly SignatureRecord[]) {
  const signatureOf = (role: SignatureRecord["role"]) => {
    const found = signatures.find((s) => s.role === role);
    if (found === undefined) throw new Error(`the ${role}'s signature is missing`);
    return found.signature;
  };
  const terms = termsOf(settlement);
  const signed = [signatureOf("borrower"), signatureOf("platform"), signatureOf("lawyer")] as const;
  const plan = monthlyPlanOf(settlement.instalments);
  return plan === undefined
    ? { functionName: "register" as const, args: [terms, settlement.instalments, ...signed] as const }
    : { functionName: "registerMonthly" as const, args: [terms, plan, ...signed] as const };
}

export type RegistrationCall = ReturnType<typeof registrationCall>;

/** The agreement's status on chain (`None` when never registered nor cancelled). */
export async function settlementStatus(chain: ChainClients, id: Hex): Promise<StatusName> {
  return statusNames[(await readLedger(chain, id)).status] ?? "None";
}

export interface Registration {
  blockNumber: number;
  blockHash: Hex;
  txHash: Hex;
}

/** Where the agreement was registered: its `SettlementRegistered` event, or undefined. */
export async function findRegistration(chain: ChainClients, id: Hex): Promise<Registration | undefined> {
  const logs = await chain.public.getLogs({
    address: chain.contracts.registry,
    event: settlementRegistered,
    args: { settlementId: id },
    fromBlock: 0n,
    toBlock: "latest",
  });
  const [log] = logs;
  if (log === undefined || log.blockNumber === null || log.blockHash === null || log.transactionHash === null) {
    return undefined;
  }
  return { blockNumber: Number(log.blockNumber), blockHash: log.blockHash, txHash: log.transactionHash };
}

/** Whether a mined receipt holds this agreement's `SettlementRegistered` event. */
export function receiptRegisters(logs: Log[], id: Hex): boolean {
  return parseEventLogs({ abi: [settlementRegistered], logs }).some(
    (log) => log.args.settlementId.toLowerCase() === id.toLowerCase(),
  );
}

export interface Compliance {
  status: StatusName;
  standing: keyof typeof Standing;
  totalDue: bigint;
  paidTotal: bigint;
  dueToDate: bigint;
  arrears: bigint;
  daysOverdue: number;
  nextInstalment: number;
}

/** `compliance(id)` at the latest block (a thin read: the indexer comes later). */
export async function complianceOf(chain: ChainClients, id: Hex): Promise<Compliance> {
  const c = (await chain.public.readContract({
    address: chain.contracts.registry,
    abi: registryAbi,
    functionName: "compliance",
    args: [id],
  })) as {
    status: number;
    standing: number;
    totalDue: bigint;
    paidTotal: bigint;
    dueToDate: bigint;
    arrears: bigint;
    daysOverdue: number;
    nextInstalment: number;
  };
  return {
    status: statusNames[c.status] ?? "None",
    standing: standingNames[c.standing] ?? "Performing",
    totalDue: c.totalDue,
    paidTotal: c.paidTotal,
    dueToDate: c.dueToDate,
    arrears: c.arrears,
    daysOverdue: Number(c.daysOverdue),
    nextInstalment: Number(c.nextInstalment),
  };
}

/** A contract refusal, decoded with the registry's ABI. */
export interface Refusal {
  /** The custom error's name, e.g. "MemberRegistryKeyNotActive"; "Reverted" when there was no data. */
  name: string;
  /** Its arguments, JSON-ready (bigints as decimal strings). */
  args: unknown[];
  message: string;
}

const jsonReady = (value: unknown): unknown =>
  typeof value === "bigint"
    ? value.toString()
    : Array.isArray(value)
      ? value.map(jsonReady)
      : typeof value === "object" && value !== null
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonReady(v)]))
        : value;

/** The contract's refusal inside a viem error, or undefined when the error is not a revert (transient). */
export function refusalOf(error: unknown): Refusal | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  const name = reverted.data?.errorName ?? reverted.signature ?? "Reverted";
  return {
    name,
    args: (jsonReady(reverted.data?.args ?? []) as unknown[]) ?? [],
    message: reverted.shortMessage,
  };
}

/** A short, log-safe description of a transient error. */
export function describe(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the registration as an `eth_call` from the relayer: resolves when it would succeed; throws
 * the viem error otherwise (`refusalOf` tells a refusal from a transient failure).
 */
export async function simulateRegistration(chain: ChainClients, call: RegistrationCall): Promise<void> {
  await chain.public.simulateContract({
    account: chain.relayer.account,
    address: chain.contracts.registry,
    abi: registryAbi,
    functionName: call.functionName,
    args: call.args as never,
  });
}

export interface SignedTransaction {
  hash: Hex;
  nonce: number;
  raw: Hex;
}

/**
 * Signs the registration transaction locally with the relayer's key (nothing is sent): gas and fees
 * are estimated, the nonce is given. Its hash is known before broadcasting.
 */
export async function signRegistration(
  chain: ChainClients,
  call: RegistrationCall,
  nonce: number,
): Promise<SignedTransaction> {
  const data = encodeFunctionData({ abi: registryAbi, functionName: call.functionName, args: call.args as never });
  const request = await chain.relayer.prepareTransactionRequest({
    account: chain.relayer.account,
    chain: chain.chain,
    to: chain.contracts.registry,
    data,
    nonce,
  });
  const raw = await chain.relayer.signTransaction(request as never);
  return { hash: keccak256(raw), nonce, raw };
}

/** The nonce the relayer's next transaction should carry, by the node's pending count. */
export async function pendingNonce(chain: ChainClients): Promise<number> {
  return chain.public.getTransactionCount({ address: chain.relayer.account.address, blockTag: "pending" });
}
