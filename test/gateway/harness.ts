/**
 * A real system for gateway tests: an `anvil` chain (JSON-RPC on a free port), the contracts deployed
 * by the Ignition module with admitted parties, and the gateway on a temporary data directory,
 * listening on port 0. Everything is torn down by `stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import type { Logger } from "pino";
import { type Hex, type LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { type Anvil, type AnvilOptions, startAnvil } from "../../deploy/local/anvil.js";
import { type Gateway, type RunningGateway, startGateway } from "../../server/app.js";
import { type Config, loadConfig } from "../../server/config.js";
import type { Clock } from "../../server/context.js";
import { caseRegistryOf } from "../helpers/cases.js";
import { type Hejie, deployHejie } from "../helpers/hejie.js";

export { startAnvil };

/** The well-known keys of anvil's (and Hardhat's) default accounts, in account order. */
export const DEFAULT_KEYS: readonly Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

/** Wallets of the parties `deployHejie` admits, by their account index. */
export const wallets = {
  registrar: privateKeyToAccount(DEFAULT_KEYS[0]!),
  borrower: privateKeyToAccount(DEFAULT_KEYS[1]!),
  platform: privateKeyToAccount(DEFAULT_KEYS[2]!),
  lawyer: privateKeyToAccount(DEFAULT_KEYS[3]!),
  oracle: privateKeyToAccount(DEFAULT_KEYS[4]!),
  committee: privateKeyToAccount(DEFAULT_KEYS[5]!),
  outsider: privateKeyToAccount(DEFAULT_KEYS[6]!),
  spare1: privateKeyToAccount(DEFAULT_KEYS[7]!),
  spare2: privateKeyToAccount(DEFAULT_KEYS[8]!),
  /** Pays for the gateway's transactions. */
  relayer: privateKeyToAccount(DEFAULT_KEYS[9]!),
} satisfies Record<string, LocalAccount>;

export interface System {
  anvil: Anvil;
  /** The contracts and the admitted parties (ethers, through Hardhat's connection to anvil). */
  hejie: Hejie;
  config: Config;
  running: RunningGateway;
  gateway: Gateway;
  /** e.g. "http://127.0.0.1:41235" */
  url: string;
  dataDir: string;
  /** Restarts the gateway on the same data directory and chain (a crash stops it without `close`). */
  restart(options?: { clock?: Clock }): Promise<void>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  clock?: Clock;
  /** The gateway's logger (default: pino at HEJIE_LOG_LEVEL, silent in tests). */
  logger?: Logger;
  /** Environment overrides for the gateway's configuration. */
  env?: Record<string, string>;
  /** How to run anvil (e.g. with a state file, so that a test can stop and restart the chain). */
  anvil?: AnvilOptions;
}

/** The gateway's environment for a deployment on `anvil`: chain, contracts, relayer, data directory. */
export async function gatewayEnv(anvil: Anvil, hejie: Hejie, dataDir: string): Promise<Record<string, string>> {
  return {
    HEJIE_DATA_DIR: dataDir,
    HEJIE_RPC_URL: anvil.url,
    HEJIE_CHAIN_ID: "31337",
    HEJIE_REGISTRY_ADDRESS: await hejie.settlements.getAddress(),
    HEJIE_EVIDENCE_ADDRESS: await hejie.evidence.getAddress(),
    HEJIE_ACCESS_MANAGER_ADDRESS: await hejie.accessManager.getAddress(),
    HEJIE_CASE_REGISTRY_ADDRESS: await (await caseRegistryOf(hejie)).getAddress(),
    HEJIE_RELAYER_KEY: DEFAULT_KEYS[9]!,
    HEJIE_CONFIRMATIONS: "0",
  };
}

/** Starts anvil, deploys and admits parties, and starts the gateway. */
export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const anvil = await startAnvil(options.anvil);
  const deploymentId = `gateway-test-${randomUUID()}`;
  const connection = await network.create({ network: "local", override: { url: anvil.url } });
  const hejie = await deployHejie(connection as never, { deploymentId });
  rmSync(join(process.cwd(), "deploy", "deployments", deploymentId), { recursive: true, force: true });
  const dataDir = mkdtempSync(join(tmpdir(), "hejie-gateway-"));
  const config = loadConfig({
    ...(await gatewayEnv(anvil, hejie, dataDir)),
    HEJIE_PORT: "0",
    HEJIE_PUBLIC_URL: "http://127.0.0.1:8080",
    HEJIE_LOG_LEVEL: "silent",
    ...options.env,
  });
  let running = await startGateway(config, { clock: options.clock, logger: options.logger });
  const system: System = {
    anvil,
    hejie,
    config,
    running,
    gateway: running.gateway,
    url: running.url,
    dataDir,
    restart: async (restartOptions = {}) => {
      await running.close();
      running = await startGateway(
        { ...config, port: 0 },
        { clock: restartOptions.clock ?? options.clock, logger: options.logger },
      );
      system.running = running;
      system.gateway = running.gateway;
      system.url = running.url;
    },
    stop: async () => {
      await running.close();
      await system.anvil.stop(); // the chain a test may have restarted
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return system;
}

/** A clock the test moves by hand (pass it to `startSystem({ clock })`); starts at the wall clock. */
export class ManualClock implements Clock {
  constructor(private time = Date.now()) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited (after a kill, say). */
  exited: Promise<void>;
}

/**
 * The gateway as its own process (`npm run gateway`'s command) on `dataDir` and the system's chain,
 * for tests that kill it; resolves once it listens.
 */
export async function gatewayProcess(
  system: System,
  dataDir: string,
  env: Record<string, string>,
): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: { ...process.env, ...(await gatewayEnv(system.anvil, system.hejie, dataDir)), HEJIE_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Hejie gateway listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match !== null) resolve(match[1]!);
    };
    child.stdout?.on("data", look);
    child.stderr?.on("data", look);
    child.once("exit", (code, signal) => reject(new Error(`gateway exited (${code ?? signal}):\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { url, child, exited };
}

/** Stops gateway processes a test left running (SIGKILL) and waits for them. */
export async function killAll(gateways: readonly GatewayProcess[]): Promise<void> {
  for (const { child, exited } of gateways) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  }
}
