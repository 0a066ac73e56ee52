/**
 * A test wallet for the browser: an EIP-1193 provider injected into every page of a browser context
 * (as `window.ethereum`, and announced by EIP-6963), whose requests are answered in Node by a viem
 * local account — real keys, real signatures, exactly what a wallet extension would return. Every
 * request is logged, so a test can check what the portal asked the wallet to sign. With `rpcUrl` it
 * also sends transactions (signed with the key, sent to that node; a call the chain would revert is
 * refused with the revert data, as MetaMask does) and forwards `eth_getTransactionReceipt`.
 */
import type { BrowserContext } from "playwright-core";
import { BaseError, type Hex, type LocalAccount, RawContractError, createWalletClient, defineChain, http } from "viem";

export interface WalletRequest {
  method: string;
  params: unknown[];
}

/** The page side: forwards `request()` to the Node binding and rethrows its EIP-1193 errors. */
const PROVIDER_SCRIPT = `(() => {
  const listeners = {};
  const provider = {
    isHejieTestWallet: true,
    async request({ method, params }) {
      const answer = await window.__hejieTestWallet(method, params ?? []);
      if (answer.error) {
        const error = new Error(answer.error.message);
        error.code = answer.error.code;
        if (answer.error.data !== undefined) error.data = answer.error.data;
        throw error;
      }
      return answer.result;
    },
    on(event, listener) { (listeners[event] ??= []).push(listener); },
    removeListener(event, listener) { listeners[event] = (listeners[event] ?? []).filter((l) => l !== listener); },
  };
  window.ethereum = provider;
  const info = { uuid: "6f1c1a44-0000-4000-8000-000000000001", name: "Hejie test wallet", icon: "data:,", rdns: "invalid.hejie.test" };
  const announce = () =>
    window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;

interface Options {
  chainId: number;
  decline?: () => boolean;
  /** The test chain's JSON-RPC endpoint: transactions and receipts go there. */
  rpcUrl?: string;
}

/**
 * Installs the wallet of `account` in `context`. `decline` makes it refuse signatures and
 * transactions as a person pressing "Reject" would (EIP-1193 code 4001).
 */
export async function injectWallet(
  context: BrowserContext,
  account: LocalAccount,
  options: Options,
): Promise<WalletRequest[]> {
  const log: WalletRequest[] = [];
  await context.exposeBinding("__hejieTestWallet", async (_source, method: string, params: unknown[]) => {
    log.push({ method, params });
    try {
      return { result: await answer(account, options, method, params) };
    } catch (error) {
      const { code, message, data } = error as { code?: number; message?: string; data?: unknown };
      return { error: { code: code ?? -32603, message: message ?? String(error), data } };
    }
  });
  await context.addInitScript({ content: PROVIDER_SCRIPT });
  return log;
}

class ProviderError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** Signs and sends a transaction; a call the node's gas estimate reverts is refused with its data. */
async function send(account: LocalAccount, options: Options, tx: { to: Hex; data?: Hex; value?: Hex }): Promise<Hex> {
  if (options.rpcUrl === undefined) throw new ProviderError(4200, "The test wallet has no chain to send to");
  const chain = defineChain({
    id: options.chainId,
    name: "test chain",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  const client = createWalletClient({ account, chain, transport: http(options.rpcUrl) });
  try {
    return await client.sendTransaction({
      to: tx.to,
      data: tx.data,
      value: tx.value === undefined ? undefined : BigInt(tx.value),
    });
  } catch (error) {
    const raw = error instanceof BaseError ? error.walk((e) => e instanceof RawContractError) : undefined;
    const data = (raw as RawContractError | undefined)?.data ?? findData(error);
    throw new ProviderError(3, "execution reverted", typeof data === "string" ? data : undefined);
  }
}

/** The revert data a viem error carries somewhere in its causes. */
function findData(error: unknown): unknown {
  for (
    let e = error as { data?: unknown; cause?: unknown } | undefined, depth = 0;
    e !== undefined && depth < 10;
    depth++
  ) {
    if (typeof e.data === "string" && e.data.startsWith("0x")) return e.data;
    if (typeof e.data === "object" && e.data !== null && typeof (e.data as { data?: unknown }).data === "string")
      return (e.data as { data: string }).data;
    e = e.cause as typeof e;
  }
  return undefined;
}

async function forward(options: Options, method: string, params: unknown[]): Promise<unknown> {
  if (options.rpcUrl === undefined) throw new ProviderError(4200, "The test wallet has no chain to ask");
  const response = await fetch(options.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const reply = (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
  if (reply.error !== undefined) throw new ProviderError(reply.error.code, reply.error.message);
  return reply.result ?? null;
}

async function answer(account: LocalAccount, options: Options, method: string, params: unknown[]): Promise<unknown> {
  const mine = (address: unknown) => String(address).toLowerCase() === account.address.toLowerCase();
  switch (method) {
    case "eth_requestAccounts":
    case "eth_accounts":
      return [account.address];
    case "eth_chainId":
      return `0x${options.chainId.toString(16)}`;
    case "personal_sign": {
      const [data, address] = params as [Hex, string];
      if (!mine(address)) throw new ProviderError(4100, "Not this wallet's account");
      if (options.decline?.() === true) throw new ProviderError(4001, "User rejected the request.");
      return account.signMessage({ message: { raw: data } });
    }
    case "eth_signTypedData_v4": {
      const [address, json] = params as [string, string];
      if (!mine(address)) throw new ProviderError(4100, "Not this wallet's account");
      if (options.decline?.() === true) throw new ProviderError(4001, "User rejected the request.");
      const typedData = JSON.parse(json) as { types: Record<string, unknown> };
      // Strict like MetaMask, whose signer takes a missing EIP712Domain type as an empty one (and so
      // signs another digest): typed data without it is refused rather than signed differently.
      if (typedData.types.EIP712Domain === undefined) throw new ProviderError(-32602, "types.EIP712Domain is missing");
      return account.signTypedData(typedData as never);
    }
    case "eth_sendTransaction": {
      const [tx] = params as [{ from: string; to: Hex; data?: Hex; value?: Hex }];
      if (!mine(tx.from)) throw new ProviderError(4100, "Not this wallet's account");
      if (options.decline?.() === true) throw new ProviderError(4001, "User rejected the request.");
      return send(account, options, tx);
    }
    case "eth_getTransactionReceipt":
      return forward(options, method, params);
    default:
      throw new ProviderError(4200, `The test wallet does not support ${method}`);
  }
}

/**
 * Another wallet in the same browser (EIP-6963 lets several announce themselves), which refuses
 * every request: the portal must let the person choose, and use the chosen one only.
 */
export async function injectOtherWallet(context: BrowserContext, name: string): Promise<void> {
  await context.addInitScript({
    content: `(() => {
      const provider = {
        async request() { const e = new Error("Refused by ${name}"); e.code = 4001; throw e; },
        on() {},
        removeListener() {},
      };
      const info = { uuid: "6f1c1a44-0000-4000-8000-000000000002", name: ${JSON.stringify(name)}, icon: "data:,", rdns: "invalid.hejie.other" };
      const announce = () =>
        window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
      window.addEventListener("eip6963:requestProvider", announce);
      announce();
    })();`,
  });
}
