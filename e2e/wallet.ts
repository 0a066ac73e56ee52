/**
 * A test wallet for the browser: an EIP-1193 provider injected into every page of a browser context
 * (as `window.ethereum`, and announced by EIP-6963), whose requests are answered in Node by a viem
 * local account — real keys, real signatures, exactly what a wallet extension would return. Every
 * request is logged, so a test can check what the portal asked the wallet to sign.
 */
import type { BrowserContext } from "playwright-core";
import type { Hex, LocalAccount } from "viem";

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

/**
 * Installs the wallet of `account` in `context`. `decline` makes it refuse signatures as a person
 * pressing "Reject" would (EIP-1193 code 4001).
 */
export async function injectWallet(
  context: BrowserContext,
  account: LocalAccount,
  options: { chainId: number; decline?: () => boolean },
): Promise<WalletRequest[]> {
  const log: WalletRequest[] = [];
  await context.exposeBinding("__hejieTestWallet", async (_source, method: string, params: unknown[]) => {
    log.push({ method, params });
    try {
      return { result: await answer(account, options, method, params) };
    } catch (error) {
      const { code, message } = error as { code?: number; message?: string };
      return { error: { code: code ?? -32603, message: message ?? String(error) } };
    }
  });
  await context.addInitScript({ content: PROVIDER_SCRIPT });
  return log;
}

class ProviderError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function answer(
  account: LocalAccount,
  options: { chainId: number; decline?: () => boolean },
  method: string,
  params: unknown[],
): Promise<unknown> {
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
