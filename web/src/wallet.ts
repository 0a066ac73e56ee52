/**
 * Any injected EIP-1193 wallet: those announcing themselves by EIP-6963 (several wallets side by
 * side), else `window.ethereum`. The portal asks the wallet for the account (`eth_requestAccounts`),
 * a Sign-In with Ethereum signature (`personal_sign`), an EIP-712 signature (`eth_signTypedData_v4`,
 * so the wallet shows every field being signed), and — for the CaseRegistry, whose functions check
 * the sender — a transaction (`eth_sendTransaction`) and its receipt (`eth_getTransactionReceipt`).
 */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): void;
}

export interface WalletInfo {
  name: string;
  icon?: string;
  provider: Eip1193Provider;
}

/** A wallet's refusal (EIP-1193 error codes: 4001 the user declined, 4100 unauthorised, …). */
export class WalletError extends Error {
  override readonly name = "WalletError";
  constructor(
    readonly code: number | undefined,
    message: string,
    /** What the wallet attached (a reverted call's data, as `0x…` or nested in an object). */
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** No wallet in this browser. */
export class NoWalletError extends Error {
  override readonly name = "NoWalletError";
}

const announced: WalletInfo[] = [];

interface AnnounceEvent extends Event {
  detail: { info: { name: string; icon?: string; uuid: string }; provider: Eip1193Provider };
}

window.addEventListener("eip6963:announceProvider", (event) => {
  const { info, provider } = (event as AnnounceEvent).detail;
  if (!announced.some((wallet) => wallet.provider === provider)) {
    announced.push({ name: info.name, icon: info.icon, provider });
  }
});
window.dispatchEvent(new Event("eip6963:requestProvider"));

/** The wallets this browser offers (EIP-6963 announcements, else the legacy `window.ethereum`). */
export function wallets(): WalletInfo[] {
  if (announced.length > 0) return [...announced];
  const legacy = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
  return legacy === undefined ? [] : [{ name: "Browser wallet", provider: legacy }];
}

let chosen: Eip1193Provider | undefined;
const watched = new WeakSet<Eip1193Provider>();
const accountListeners = new Set<(account: string | undefined) => void>();

async function request<T>(method: string, params?: unknown[]): Promise<T> {
  const provider = chosen ?? wallets()[0]?.provider;
  if (provider === undefined) throw new NoWalletError("No wallet");
  try {
    return (await provider.request({ method, params })) as T;
  } catch (error) {
    const { code, message, data } = (error ?? {}) as { code?: number; message?: string; data?: unknown };
    throw new WalletError(code, message ?? String(error), data);
  }
}

/** Asks the wallet for its account (the wallet may ask the person first). */
export async function connect(wallet?: WalletInfo): Promise<`0x${string}`> {
  chosen = wallet?.provider ?? chosen ?? wallets()[0]?.provider;
  if (chosen === undefined) throw new NoWalletError("No wallet");
  if (!watched.has(chosen)) {
    watched.add(chosen);
    chosen.on?.("accountsChanged", (...args: unknown[]) => {
      for (const listener of accountListeners) listener((args[0] as string[] | undefined)?.[0]);
    });
  }
  const [account] = await request<string[]>("eth_requestAccounts");
  if (account === undefined) throw new WalletError(4100, "The wallet gave no account");
  return account as `0x${string}`;
}

/** Called when the person switches accounts in the wallet. */
export function onAccountChange(listener: (account: string | undefined) => void): void {
  accountListeners.add(listener);
}

const hexOf = (text: string) =>
  `0x${Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("")}`;

/** EIP-191 `personal_sign` of a text message (sent hex-encoded, as wallets expect). */
export function signMessage(address: string, message: string): Promise<`0x${string}`> {
  return request("personal_sign", [hexOf(message), address]);
}

interface TypedData {
  types: Record<string, { name: string; type: string }[]>;
  domain: Record<string, unknown>;
}

const DOMAIN_FIELDS = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
  { name: "salt", type: "bytes32" },
];

/**
 * The typed data with its `EIP712Domain` type, derived from the domain's fields when the gateway left
 * it out (as `/grants/typed-data` does): MetaMask's signer would otherwise hash an empty domain type
 * and sign another digest than the one the gateway checks.
 */
export function withDomainType<T extends TypedData>(typedData: T): T {
  if (typedData.types.EIP712Domain !== undefined) return typedData;
  const EIP712Domain = DOMAIN_FIELDS.filter((field) => typedData.domain[field.name] !== undefined);
  return { ...typedData, types: { EIP712Domain, ...typedData.types } };
}

/** EIP-712 `eth_signTypedData_v4` of the typed data the gateway served (its domain type made explicit). */
export function signTypedData(address: string, typedData: TypedData): Promise<`0x${string}`> {
  return request("eth_signTypedData_v4", [address, JSON.stringify(withDomainType(typedData))]);
}

/** The wallet is on another account than the one signed in. */
export class OtherAccountError extends Error {
  override readonly name = "OtherAccountError";
}

/** Makes sure the wallet signs as `address` (the signed-in account), before asking it to sign. */
export async function ensureAccount(address: string): Promise<void> {
  const account = await connect();
  if (account.toLowerCase() !== address.toLowerCase()) throw new OtherAccountError(account);
}

/** Asks the wallet to send a transaction from `from` (the wallet estimates gas and signs it); resolves to its hash. */
export function sendTransaction(from: string, to: string, data: `0x${string}`): Promise<`0x${string}`> {
  return request("eth_sendTransaction", [{ from, to, data }]);
}

/** The transaction's receipt through the wallet's node (null while not mined). */
export function transactionReceipt(hash: string): Promise<{ status: string; blockNumber: string } | null> {
  return request("eth_getTransactionReceipt", [hash]);
}
