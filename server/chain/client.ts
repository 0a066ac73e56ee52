/**
 * The gateway's view of the chain: a JSON-RPC URL and a chain id, nothing else (the same code runs on
 * the in-process test chain, a local anvil and a Besu consortium).
 */
import {
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

import type { Config } from "../config.js";

export interface ChainClients {
  chain: Chain;
  public: PublicClient<Transport, Chain>;
  /** Signs and sends the gateway's own transactions (the relayer pays their gas). */
  relayer: WalletClient<Transport, Chain, Account>;
  contracts: Config["contracts"];
  confirmations: number;
}

export function chainClients(config: Config): ChainClients {
  const chain = defineChain({
    id: config.chain.chainId,
    name: `hejie-${config.chain.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.chain.rpcUrl] } },
  });
  const transport = http(config.chain.rpcUrl, { retryCount: 2 });
  return {
    chain,
    public: createPublicClient({ chain, transport }),
    relayer: createWalletClient({ chain, transport, account: privateKeyToAccount(config.relayerKey) }),
    contracts: config.contracts,
    confirmations: config.chain.confirmations,
  };
}
