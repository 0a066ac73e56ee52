/**
 * The demo's toolkit: the gateway and chain it plays against, parties with their wallets and sessions,
 * steps that print what happens and fail with the gateway's own answer.
 */
import {
  type Hex,
  type LocalAccount,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";

import { LOCAL_MNEMONIC } from "../../deploy/local/parties.js";
import { type ApiResponse, call, signIn } from "../../protocol/gateway-client.js";
import { caseRegistryAbi } from "../../server/chain/abi.js";

export const GATEWAY = process.env.HEJIE_URL ?? "http://127.0.0.1:8080";
export const CHAIN = process.env.HEJIE_CHAIN_URL ?? `http://127.0.0.1:${process.env.HEJIE_CHAIN_PORT ?? 8545}`;
export const DAY = 86_400;
export const yuan = (fen: bigint | string) =>
  `¥${(Number(fen) / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;

export class StepFailed extends Error {
  override readonly name = "StepFailed";
}

export const say = (line = "") => console.log(line);
export const step = (text: string) => say(`  • ${text}`);

/** The reply, when it has the expected status; otherwise the step fails with the gateway's error. */
export function expectStatus<T>(reply: ApiResponse<T>, status: number, what: string): T {
  if (reply.status !== status) {
    throw new StepFailed(`${what}: the gateway answered ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  return reply.body;
}

/**
 * Reads `path` (as `token`) every `everyMs` until `done` holds for the answer, which it returns; the
 * step fails after `timeoutMs` with the last answer's `describe`.
 */
export async function until<T>(
  what: string,
  path: string,
  token: string,
  done: (answer: T) => boolean,
  describe: (answer: T) => string,
  { everyMs = 250, timeoutMs = 60_000, notYet = 0 } = {},
): Promise<T> {
  for (let waited = 0; ; waited += everyMs) {
    const reply = await call<T>(GATEWAY, "GET", path, { token });
    // `notYet`: a status that means "not there yet" (e.g. 404 before the indexer has read a block).
    const answer = reply.status === notYet ? undefined : expectStatus(reply, 200, what);
    if (answer !== undefined && done(answer)) return answer;
    if (waited > timeoutMs) {
      const state = answer === undefined ? `answered ${reply.status}` : describe(answer);
      throw new StepFailed(`${what}: still ${state} after ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const account = (index: number): LocalAccount => mnemonicToAccount(LOCAL_MNEMONIC, { addressIndex: index });

export interface Party {
  name: string;
  wallet: LocalAccount;
  token: string;
}

export async function party(name: string, index: number): Promise<Party> {
  const wallet = account(index);
  return { name, wallet, token: await signIn(GATEWAY, wallet) };
}

/**
 * The chain as the parties see it: read access for the checks a court or a platform makes without the
 * gateway, and `send` for the CaseRegistry transactions each party makes with its own wallet.
 */
export async function connectChain() {
  const info = expectStatus(
    await call<{ chainId: number; contracts: { registry: Hex; evidence: Hex; caseRegistry: Hex } }>(
      GATEWAY,
      "GET",
      "/chain",
    ),
    200,
    "reading the gateway's chain",
  );
  const chain = defineChain({
    id: info.chainId,
    name: "Hejie local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [CHAIN] } },
  });
  const client = createPublicClient({ chain, transport: http(CHAIN) });
  /** `by` calls the CaseRegistry from its wallet; resolves with the mined receipt, fails the step on a revert. */
  const send = async (by: Party, functionName: string, args: readonly unknown[], what: string) => {
    const wallet = createWalletClient({ account: by.wallet, chain, transport: http(CHAIN) });
    try {
      const { request } = await client.simulateContract({
        account: by.wallet,
        address: info.contracts.caseRegistry,
        abi: caseRegistryAbi,
        functionName,
        args,
      } as never);
      const hash = await wallet.writeContract(request as never);
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new StepFailed(`${what}: the transaction reverted`);
      return receipt;
    } catch (error) {
      if (error instanceof StepFailed) throw error;
      const reverted =
        error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
      const reason =
        reverted instanceof ContractFunctionRevertedError && reverted.data !== undefined
          ? `the CaseRegistry refuses it (${reverted.data.errorName})`
          : error instanceof BaseError
            ? error.shortMessage
            : String(error);
      throw new StepFailed(`${what}: ${reason}`);
    }
  };
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    client.readContract({
      address: info.contracts.caseRegistry,
      abi: caseRegistryAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  return { ...info, client, cases: { send, read } };
}
export type Chain = Awaited<ReturnType<typeof connectChain>>;

/** A case document: uploaded as the party, kept encrypted by the gateway. */
export async function upload(by: Party, caseId: Hex, name: string, kind: string, text: string) {
  const body = Buffer.from(text, "utf8");
  const reply = await call<{ id: Hex; sha256: Hex }>(
    GATEWAY,
    "POST",
    `/cases/${caseId}/documents?name=${encodeURIComponent(name)}&kind=${kind}`,
    { token: by.token, body, contentType: "text/plain" },
  );
  const document = expectStatus(reply, 201, `uploading ${name}`);
  step(`${by.name} uploads "${name}" (${kind}): stored encrypted, SHA-256 ${document.sha256.slice(0, 18)}…`);
  return { ...document, bytes: body, name };
}
