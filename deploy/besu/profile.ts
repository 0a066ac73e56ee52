/**
 * The Besu consortium profile, derived from `deploy/besu/network.json`: the QBFT genesis and each
 * institution's node configuration with its local node and account allowlists. `npm run besu:profile`
 * writes the files; `test/besu-profile.test.ts` checks the committed files equal what this produces.
 */
import { encodeRlp, getAddress } from "ethers";

/** The EVM version the contracts are compiled for (hardhat.config.ts), as genesis fork times. */
const FORKS_UP_TO: Record<string, readonly string[]> = {
  cancun: ["shanghaiTime", "cancunTime"],
};

export interface Institution {
  name: string;
  description: string;
  host: string;
  p2pPort: number;
  rpcPort: number;
  validator: string;
  enodePublicKey: string;
}

export interface Network {
  chainId: number;
  blockPeriodSeconds: number;
  requestTimeoutSeconds: number;
  epochLength: number;
  gasLimit: string;
  institutions: Institution[];
  accounts: { name: string; address: string }[];
}

/** QBFT extra data: RLP([32-byte vanity, validators, votes, round, seals]), empty but the validators. */
export function qbftExtraData(validators: readonly string[]): string {
  return encodeRlp([`0x${"00".repeat(32)}`, validators.map((v) => getAddress(v).toLowerCase()), [], "0x", []]);
}

export function enodeUrl(institution: Institution): string {
  return `enode://${institution.enodePublicKey.replace(/^0x/, "")}@${institution.host}:${institution.p2pPort}`;
}

export function genesis(network: Network, evmVersion: string) {
  const forks = FORKS_UP_TO[evmVersion];
  if (forks === undefined) throw new Error(`no fork schedule for EVM version ${evmVersion}`);
  return {
    config: {
      chainId: network.chainId,
      homesteadBlock: 0,
      eip150Block: 0,
      eip155Block: 0,
      eip158Block: 0,
      byzantiumBlock: 0,
      constantinopleBlock: 0,
      petersburgBlock: 0,
      istanbulBlock: 0,
      berlinBlock: 0,
      londonBlock: 0,
      ...Object.fromEntries(forks.map((fork) => [fork, 0])),
      // A permissioned chain without fees: members pay nothing to transact.
      zeroBaseFee: true,
      qbft: {
        blockperiodseconds: network.blockPeriodSeconds,
        epochlength: network.epochLength,
        requesttimeoutseconds: network.requestTimeoutSeconds,
      },
    },
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: network.gasLimit,
    difficulty: "0x1",
    mixHash: "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
    coinbase: "0x0000000000000000000000000000000000000000",
    alloc: {},
    extraData: qbftExtraData(network.institutions.map((institution) => institution.validator)),
  };
}

const tomlList = (values: readonly string[]) => `[\n${values.map((value) => `  "${value}",`).join("\n")}\n]`;

/** A node's local allowlists: every institution's node, and the accounts that may transact. */
export function permissionsToml(network: Network): string {
  return (
    `# Generated from deploy/besu/network.json by \`npm run besu:profile\`: do not edit.\n` +
    `nodes-allowlist=${tomlList(network.institutions.map(enodeUrl))}\n` +
    `accounts-allowlist=${tomlList(network.accounts.map((account) => getAddress(account.address)))}\n`
  );
}

export function nodeConfigToml(institution: Institution): string {
  return `# ${institution.description}
# Generated from deploy/besu/network.json by \`npm run besu:profile\`: do not edit.
# Start: besu --config-file=deploy/besu/nodes/${institution.name}/config.toml
data-path="/var/lib/besu/${institution.name}"
genesis-file="deploy/besu/genesis.json"
# The node key stays on this machine (besu --data-path=… public-key export shows its public half).
node-private-key-file="/var/lib/besu/${institution.name}/key"

p2p-host="${institution.host}"
p2p-port=${institution.p2pPort}
# No discovery: the node dials the other institutions' nodes listed in static-nodes.json.
discovery-enabled=false
static-nodes-file="deploy/besu/nodes/${institution.name}/static-nodes.json"

# Local permissioning: only the consortium's nodes connect, only listed accounts transact.
permissions-nodes-config-file-enabled=true
permissions-nodes-config-file="deploy/besu/nodes/${institution.name}/permissions_config.toml"
permissions-accounts-config-file-enabled=true
permissions-accounts-config-file="deploy/besu/nodes/${institution.name}/permissions_config.toml"

# JSON-RPC for the institution's own gateway; keep it on the private network.
rpc-http-enabled=true
rpc-http-host="${institution.host}"
rpc-http-port=${institution.rpcPort}
rpc-http-api=["ETH","NET","WEB3","QBFT"]
host-allowlist=["localhost","127.0.0.1","${institution.host}"]

min-gas-price=0
sync-mode="FULL"
`;
}

/** Every generated file, by path relative to the repository root. */
export function profileFiles(network: Network, evmVersion: string): Record<string, string> {
  const files: Record<string, string> = {
    "deploy/besu/genesis.json": `${JSON.stringify(genesis(network, evmVersion), null, 2)}\n`,
  };
  for (const institution of network.institutions) {
    const others = network.institutions.filter((other) => other.name !== institution.name).map(enodeUrl);
    files[`deploy/besu/nodes/${institution.name}/config.toml`] = nodeConfigToml(institution);
    files[`deploy/besu/nodes/${institution.name}/permissions_config.toml`] = permissionsToml(network);
    files[`deploy/besu/nodes/${institution.name}/static-nodes.json`] = `${JSON.stringify(others, null, 2)}\n`;
  }
  return files;
}
