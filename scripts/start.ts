/**
 * `npm start`: the whole system on this machine. A local chain (anvil) keeping its state in the data
 * directory, the contracts deployed once with the Ignition module (with the demo parties admitted),
 * and the gateway. Ctrl-C stops everything cleanly; starting again resumes where it stopped.
 *
 * Environment: HEJIE_DATA_DIR (default ./data), HEJIE_PORT (gateway, 8080), HEJIE_CHAIN_PORT (8545),
 * and any other HEJIE_* gateway variable (server/config.ts).
 */
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

import { network } from "hardhat";
import { mnemonicToAccount } from "viem/accounts";

import { type Anvil, AnvilExitedError, startAnvil } from "../deploy/local/anvil.js";
import { DeploymentMissingError, bootstrap } from "../deploy/local/bootstrap.js";
import { LOCAL_ACCOUNTS, LOCAL_MNEMONIC, RELAYER_INDEX, borrowers, members } from "../deploy/local/parties.js";
import { type RunningGateway, startGateway } from "../server/app.js";
import { ConfigError, loadConfig } from "../server/config.js";

class StartError extends Error {
  override readonly name = "StartError";
}

const log = (line = "") => console.log(line);

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer()
      .once("error", () => done(false))
      .once("listening", () => probe.close(() => done(true)))
      .listen(port, "127.0.0.1");
  });
}

const hexKey = (index: number) =>
  `0x${Buffer.from(mnemonicToAccount(LOCAL_MNEMONIC, { addressIndex: index }).getHdKey().privateKey!).toString("hex")}` as const;
const address = (index: number) => mnemonicToAccount(LOCAL_MNEMONIC, { addressIndex: index }).address;

async function main(): Promise<void> {
  const dataDir = resolve(process.env.HEJIE_DATA_DIR ?? "./data");
  const gatewayPort = Number(process.env.HEJIE_PORT ?? 8080);
  const chainPort = Number(process.env.HEJIE_CHAIN_PORT ?? 8545);
  for (const [name, port] of [
    ["HEJIE_PORT", gatewayPort],
    ["HEJIE_CHAIN_PORT", chainPort],
  ] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw new StartError(`${name} must be a port number (1-65535).`);
    if (!(await portFree(port))) {
      throw new StartError(
        `Port ${port} (${name}) is already in use: stop what uses it, or set ${name} to another port.`,
      );
    }
  }
  mkdirSync(join(dataDir, "chain"), { recursive: true, mode: 0o700 });

  const stateFile = join(dataDir, "chain", "anvil-state.json");
  let anvil: Anvil;
  try {
    anvil = await startAnvil({ port: chainPort, accounts: LOCAL_ACCOUNTS, stateFile, stateInterval: 5 });
  } catch (error) {
    if (error instanceof AnvilExitedError) {
      throw new StartError(
        `The local chain did not start. If ${stateFile} is damaged, move it away (the chain then starts empty ` +
          `and the data directory's deployment no longer matches: move the whole data directory away).\n` +
          `anvil said: ${error.output.trim().split("\n").slice(-3).join("\n")}`,
      );
    }
    throw error;
  }

  let running: RunningGateway | undefined;
  const stop = async (signal: string) => {
    log(`\n${signal}: stopping…`);
    await running?.close();
    await anvil.stop();
    log("Stopped. `npm start` resumes from the data directory.");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));

  try {
    const connection = await network.create({ network: "local", override: { url: anvil.url } });
    const deployment = await bootstrap(connection as never, dataDir, log);
    const config = loadConfig({
      ...process.env,
      HEJIE_DATA_DIR: join(dataDir, "gateway"),
      HEJIE_PORT: String(gatewayPort),
      HEJIE_RPC_URL: anvil.url,
      HEJIE_CHAIN_ID: String(deployment.chainId),
      HEJIE_REGISTRY_ADDRESS: deployment.registry,
      HEJIE_EVIDENCE_ADDRESS: deployment.evidence,
      HEJIE_ACCESS_MANAGER_ADDRESS: deployment.accessManager,
      HEJIE_CASE_REGISTRY_ADDRESS: deployment.caseRegistry,
      HEJIE_RELAYER_KEY: process.env.HEJIE_RELAYER_KEY ?? hexKey(RELAYER_INDEX),
      HEJIE_LOG_LEVEL: process.env.HEJIE_LOG_LEVEL ?? "warn",
      // Locally, evidence is anchored within seconds rather than batched for a minute.
      HEJIE_EVIDENCE_MAX_WAIT_SECONDS: process.env.HEJIE_EVIDENCE_MAX_WAIT_SECONDS ?? "3",
    });
    running = await startGateway(config);
    printSummary(dataDir, anvil.url, running.url, deployment);
  } catch (error) {
    await running?.close();
    await anvil.stop();
    throw error;
  }
}

function printSummary(
  dataDir: string,
  chainUrl: string,
  gatewayUrl: string,
  deployment: { registry: string; evidence: string; caseRegistry: string },
) {
  log();
  log("Hejie is running.");
  log(`  gateway     ${gatewayUrl}   (API page: ${gatewayUrl}/docs, health: ${gatewayUrl}/health)`);
  log(`  portal      ${gatewayUrl}/portal/   (sign in with a wallet; verify a file without one)`);
  log(`  chain       ${chainUrl}   (anvil, chain id 31337; state kept in ${join(dataDir, "chain")})`);
  log(
    `  contracts   HejieRegistry ${deployment.registry}, EvidenceRegistry ${deployment.evidence}, CaseRegistry ${deployment.caseRegistry}`,
  );
  log(`  data        ${dataDir}`);
  log();
  log("Demo parties (local keys of anvil's default mnemonic — never use them elsewhere):");
  const width = Math.max(...[...Object.values(members), ...Object.values(borrowers)].map((p) => p.name.length));
  for (const member of Object.values(members)) {
    const oracle = "oracle" in member ? `  oracle ${address(member.oracle)}` : "";
    log(`  ${member.name.padEnd(width)}  ${address(member.key)}${oracle}`);
  }
  for (const borrower of Object.values(borrowers)) log(`  ${borrower.name.padEnd(width)}  ${address(borrower.key)}`);
  log(`  ${"Gateway relayer (pays its transactions)".padEnd(width)}  ${address(RELAYER_INDEX)}`);
  log();
  log("Play the seed cases: `npm run demo` (in another terminal). Stop: Ctrl-C.");
}

try {
  await main();
} catch (error) {
  if (error instanceof StartError || error instanceof ConfigError || error instanceof DeploymentMissingError) {
    console.error(`\nCannot start: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
