/**
 * Transactions to the CaseRegistry, sent by the person's own wallet: its functions check
 * `msg.sender` (the mediator starts the mediation, a panel member votes, …), so the gateway cannot
 * send them. The calldata is built here from a small human-readable ABI (viem's `parseAbi`), the
 * contract's address comes from the gateway's `GET /chain`, and the wallet sends it
 * (`eth_sendTransaction`); then the receipt is awaited through the wallet's node. A refusal by the
 * chain becomes a `ChainRefusedError` naming the CaseRegistry's custom error when the wallet passed
 * the revert data on (errors.ts turns it into a sentence).
 */
import {
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hex,
  decodeErrorResult,
  encodeFunctionData,
  keccak256,
  toHex,
} from "viem";

import { api } from "./api.js";
import { caseRegistryAbi } from "./case-registry-abi.js";
import { WalletError, ensureAccount, sendTransaction, transactionReceipt } from "./wallet.js";

type Name = ContractFunctionName<typeof caseRegistryAbi, "nonpayable">;
/** One CaseRegistry call: a function of the ABI above and its arguments. */
export type CaseCall = {
  [N in Name]: { functionName: N; args: ContractFunctionArgs<typeof caseRegistryAbi, "nonpayable", N> };
}[Name];

/** The chain refused the transaction: `errorName` is the CaseRegistry's custom error, when known. */
export class ChainRefusedError extends Error {
  override readonly name = "ChainRefusedError";
  constructor(readonly errorName: string | undefined) {
    super(errorName ?? "reverted");
  }
}

let address: Promise<Hex> | undefined;

/** The CaseRegistry's address, from the gateway's `GET /chain` (asked once). */
function caseRegistry(): Promise<Hex> {
  address ??= api<{ contracts: { caseRegistry: Hex } }>("GET", "/chain", { auth: false }).then(
    (chain) => chain.contracts.caseRegistry,
  );
  address.catch(() => (address = undefined));
  return address;
}

/** The first `0x…` string in what a wallet attached to its error (MetaMask nests it in `data.data`). */
function revertData(data: unknown, depth = 0): Hex | undefined {
  if (typeof data === "string") return /^0x[0-9a-fA-F]{8,}$/.test(data) ? (data as Hex) : undefined;
  if (data === null || typeof data !== "object" || depth > 3) return undefined;
  for (const value of Object.values(data)) {
    const found = revertData(value, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function refusal(error: WalletError): ChainRefusedError | undefined {
  const data = revertData(error.data);
  if (data !== undefined) {
    try {
      return new ChainRefusedError(decodeErrorResult({ abi: caseRegistryAbi, data }).errorName);
    } catch {
      return new ChainRefusedError(undefined);
    }
  }
  return /revert/i.test(error.message) ? new ChainRefusedError(undefined) : undefined;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `call` to the CaseRegistry from the signed-in account's wallet; `onSent` hears the hash once
 * the wallet sent it. Resolves when mined successfully.
 */
export async function sendCaseTx(from: string, call: CaseCall, onSent?: (hash: Hex) => void): Promise<Hex> {
  await ensureAccount(from);
  const to = await caseRegistry();
  let hash: Hex;
  try {
    hash = await sendTransaction(from, to, encodeFunctionData({ abi: caseRegistryAbi, ...call } as never));
  } catch (error) {
    if (error instanceof WalletError) throw refusal(error) ?? error;
    throw error;
  }
  onSent?.(hash);
  for (let polls = 0; polls < 300; polls++) {
    const receipt = await transactionReceipt(hash);
    if (receipt !== null) {
      if (receipt.status !== "0x1") throw new ChainRefusedError(undefined);
      return hash;
    }
    await pause(1000);
  }
  return hash; // still not mined after five minutes: the page keeps following the read model
}

/** keccak256 of a text (an opinion, a reason), or of nothing when empty. */
export const hashOfText = (text: string): Hex => keccak256(toHex(text.trim()));

/** keccak256 of a list of bytes32 ids (the case's agreements), sorted: what the parties signed. */
export const hashOfIds = (ids: readonly string[]): Hex =>
  keccak256(
    `0x${[...ids]
      .map((id) => id.toLowerCase().slice(2))
      .sort()
      .join("")}`,
  );
