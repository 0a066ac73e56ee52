import { readdirSync } from "node:fs";
import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

// solc comes from the npm package `solc` (WebAssembly), pinned exactly in
// package.json, so compiling never downloads anything. The version below must
// equal that package's version; `test/toolchain.test.ts` checks it.
const require = createRequire(import.meta.url);
const solcVersion: string = require("solc/package.json").version;

export const EVM_VERSION = "cancun";
/** The Besu consortium's chain id (deploy/besu/network.json; a test keeps them equal). */
export const CONSORTIUM_CHAIN_ID = 2_026_120;

// One compiler setting for every build profile. `hardhat ignition deploy` builds with the
// `production` profile, which Hardhat would otherwise derive from the default one *without* its
// settings (no viaIR, solc's default EVM version, 200 optimizer runs): the registry does not even
// compile that way, and deployed bytecode must be the bytecode the tests ran.
const compiler = {
  version: solcVersion,
  path: require.resolve("solc/soljson.js"),
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: { enabled: true, runs: 10_000 },
    viaIR: true,
  },
};

// Solidity tests deploy the contracts from their production artifacts (`vm.getCode`), so only the
// tests' own code is compiled with these settings: the legacy pipeline without the optimizer
// compiles it about five times faster than viaIR, which keeps `hardhat test solidity` within minutes.
// (Hardhat compiles each overridden file on its own, so every second per file counts.)
const SOLIDITY_TESTS = "test/contracts";
const solidityTestCompiler = { ...compiler, settings: { evmVersion: EVM_VERSION } };
const solidityTestOverrides = Object.fromEntries(
  readdirSync(new URL(SOLIDITY_TESTS, import.meta.url), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".sol"))
    .map((file) => [`${SOLIDITY_TESTS}/${file.split("\\").join("/")}`, solidityTestCompiler]),
);
const buildProfile = { compilers: [compiler], overrides: solidityTestOverrides };

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    profiles: { default: buildProfile, production: buildProfile },
    // Deployed as is from OpenZeppelin: the one authority over every Hejie contract.
    npmFilesToBuild: ["@openzeppelin/contracts/access/manager/AccessManager.sol"],
  },
  paths: {
    sources: "./contracts",
    tests: { mocha: "./test", solidity: "./test/contracts" },
    ignition: "./deploy",
  },
  test: {
    solidity: {
      profiles: {
        // The default profile keeps `npm test` quick on a 2-core machine.
        default: { fuzz: { runs: 256 }, invariant: { runs: 64, depth: 32 } },
        // `npm run test:fuzz-deep` digs further.
        deep: { fuzz: { runs: 10_000 }, invariant: { runs: 512, depth: 128 } },
      },
    },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1", hardfork: EVM_VERSION },
    // A JSON-RPC chain on this machine (anvil): `npm start`, and the gateway tests (which override the URL).
    local: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    consortium: {
      type: "http",
      chainType: "l1",
      chainId: CONSORTIUM_CHAIN_ID,
      url: configVariable("HEJIE_CONSORTIUM_RPC_URL"),
      accounts: [configVariable("HEJIE_CONSORTIUM_DEPLOYER_KEY")],
    },
  },
});
