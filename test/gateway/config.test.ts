/**
 * Configuration: `loadConfig` fails fast naming each bad variable (and never repeats a secret), and
 * `npm run gateway` starts `server/main.ts` on the project's Node — exit code 2 with a clear message
 * for a bad configuration, a clean stop on SIGTERM, exit code 1 when it cannot listen. No chain is
 * needed: the gateway starts without one (and says so on /health).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { ConfigError, loadConfig } from "../../server/config.js";
import { call } from "../../protocol/gateway-client.js";
import { freePort } from "../helpers/ports.js";
import { DEFAULT_KEYS } from "./harness.js";

const A = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const RELAYER_KEY = DEFAULT_KEYS[9]!;
/** The variables without which the gateway does not start (no defaults). */
const REQUIRED = {
  HEJIE_REGISTRY_ADDRESS: A,
  HEJIE_EVIDENCE_ADDRESS: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  HEJIE_ACCESS_MANAGER_ADDRESS: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  HEJIE_CASE_REGISTRY_ADDRESS: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
  HEJIE_RELAYER_KEY: RELAYER_KEY,
};

/** Loads `env` expecting a ConfigError; returns it. */
function refused(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("gateway configuration (loadConfig)", () => {
  it("takes the required variables and defaults the rest (listening on 127.0.0.1)", () => {
    const config = loadConfig(REQUIRED);
    expect(config).to.deep.include({
      host: "127.0.0.1",
      port: 8080,
      publicUrl: undefined,
      chain: { rpcUrl: "http://127.0.0.1:8545", chainId: 31_337, confirmations: 1 },
      contracts: {
        registry: A,
        evidence: REQUIRED.HEJIE_EVIDENCE_ADDRESS,
        accessManager: REQUIRED.HEJIE_ACCESS_MANAGER_ADDRESS,
        caseRegistry: REQUIRED.HEJIE_CASE_REGISTRY_ADDRESS,
      },
      relayerKey: RELAYER_KEY,
      sessionTtlSeconds: 43_200,
      rateLimits: { signInPerMinute: 30, uploadsPerMinute: 60 },
      logLevel: "info",
    });
    expect(config.dataDir).to.match(/\/data$/);
  });

  it("names every missing required variable at once", () => {
    const error = refused({});
    expect(error.variables).to.deep.equal(Object.keys(REQUIRED));
    for (const name of Object.keys(REQUIRED))
      expect(error.message).to.match(new RegExp(`^  ${name} is required: `, "m"));
  });

  const cases: [variable: string, value: string, says: string][] = [
    ["HEJIE_REGISTRY_ADDRESS", "0x1234", "must be a 0x-prefixed 20-byte hex address"],
    ["HEJIE_EVIDENCE_ADDRESS", "5FbDB2315678afecb367f032d93F642f64180aa3", "must be a 0x-prefixed 20-byte hex address"],
    ["HEJIE_ACCESS_MANAGER_ADDRESS", `0x${"0".repeat(40)}`, "must not be the zero address"],
    ["HEJIE_RELAYER_KEY", "0x1234", "must be a 0x-prefixed 32-byte hex private key"],
    ["HEJIE_RELAYER_KEY", `0x${"0".repeat(64)}`, "is not a valid secp256k1 private key"],
    ["HEJIE_RELAYER_KEY", `0x${"f".repeat(64)}`, "is not a valid secp256k1 private key"],
    ["HEJIE_KEK", "0xabc", "must be a 0x-prefixed 32-byte hex key"],
    ["HEJIE_RPC_URL", "localhost:8545", "must be an http:// or https:// URL"],
    ["HEJIE_RPC_URL", "ws://127.0.0.1:8545", "must be an http:// or https:// URL"],
    ["HEJIE_PUBLIC_URL", "gateway.example", "must be an http:// or https:// URL"],
    ["HEJIE_PORT", "70000", "must be a TCP port, 0 to 65535"],
    ["HEJIE_PORT", "-1", "must be a whole number"],
    ["HEJIE_PORT", "80a", "must be a whole number"],
    ["HEJIE_PORT", "0x50", "must be a whole number"],
    ["HEJIE_PORT", "8080.5", "must be a whole number"],
    ["HEJIE_CHAIN_ID", "0", "must be at least 1"],
    ["HEJIE_SESSION_TTL_SECONDS", "0", "must be at least 1"],
    ["HEJIE_SIGN_IN_RATE_LIMIT", "many", "must be a whole number"],
    ["HEJIE_HOST", "my host", "must be a host name or an IP address"],
    ["HEJIE_LOG_LEVEL", "verbose", "must be one of fatal, error, warn, info, debug, trace, silent"],
  ];
  for (const [variable, value, says] of cases) {
    it(`refuses ${variable}=${JSON.stringify(value)}, naming it: ${says}`, () => {
      const error = refused({ ...REQUIRED, [variable]: value });
      expect(error.variables).to.deep.equal([variable]);
      expect(error.message).to.match(
        new RegExp(`^  ${variable}\\b.*${says.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m"),
      );
    });
  }

  it("repeats a public value to help the operator, never a key or an RPC URL (it may carry an API key)", () => {
    const error = refused({
      ...REQUIRED,
      HEJIE_PORT: "99999",
      HEJIE_RELAYER_KEY: `0x${"f".repeat(64)}`,
      HEJIE_KEK: "0xsecret-kek",
      HEJIE_RPC_URL: "wss://node.example/v3/api-key-123",
    });
    expect(error.variables).to.have.members(["HEJIE_PORT", "HEJIE_RELAYER_KEY", "HEJIE_KEK", "HEJIE_RPC_URL"]);
    expect(error.message).to.contain('HEJIE_PORT="99999"');
    for (const secret of ["f".repeat(64), "secret-kek", "api-key-123"]) expect(error.message).not.to.contain(secret);
  });

  it("treats an empty variable as unset: a default applies, a required one is missing", () => {
    expect(loadConfig({ ...REQUIRED, HEJIE_PORT: "", HEJIE_CONFIRMATIONS: " " }).port).to.equal(8080);
    expect(refused({ ...REQUIRED, HEJIE_REGISTRY_ADDRESS: "" }).variables).to.deep.equal(["HEJIE_REGISTRY_ADDRESS"]);
  });

  it("needs HEJIE_PUBLIC_URL when listening on a wildcard address (sign-in messages name the origin)", () => {
    expect(refused({ ...REQUIRED, HEJIE_HOST: "0.0.0.0" }).variables).to.deep.equal(["HEJIE_PUBLIC_URL"]);
    expect(
      loadConfig({ ...REQUIRED, HEJIE_HOST: "0.0.0.0", HEJIE_PUBLIC_URL: "https://hejie.example" }).publicUrl,
    ).to.equal("https://hejie.example");
  });
});

/** The environment of a child process: this one's, without any HEJIE_* variable, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("HEJIE_")));
  return { ...base, PATH: `${join(process.cwd(), "node_modules", ".bin")}:${process.env.PATH ?? ""}`, ...env };
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): { output: () => Finished; exited: Promise<Finished> } {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const output = () => ({ code: child.exitCode, signal: child.signalCode, stdout, stderr });
  const exited = new Promise<Finished>((resolve) => child.once("exit", () => resolve(output())));
  return { output, exited };
}

/** The `gateway` script of package.json, run directly (npm does not pass SIGTERM through `sh -c`). */
function gatewayCommand(): string[] {
  const script = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts
    .gateway;
  expect(script, "npm run gateway runs server/main.ts on the project's Node").to.match(/^node .*server\/main\.ts$/);
  return script!.split(" ");
}

describe("gateway process (npm run gateway)", function () {
  this.timeout(60_000);
  let dataDir: string;

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), "hejie-gateway-process-"));
  });
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("exits with code 2 and a message naming each bad variable, before anything starts", async () => {
    const child = spawn("npm", ["run", "--silent", "--ignore-scripts", "gateway"], {
      env: childEnv({ ...REQUIRED, HEJIE_PORT: "http", HEJIE_REGISTRY_ADDRESS: "0xnope", HEJIE_DATA_DIR: dataDir }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const finished = await collect(child).exited;
    expect(finished.code, finished.stderr).to.equal(2);
    expect(finished.stderr).to.match(/^Invalid configuration/);
    expect(finished.stderr).to.match(/^ {2}HEJIE_PORT="http" must be a whole number/m);
    expect(finished.stderr).to.match(/^ {2}HEJIE_REGISTRY_ADDRESS="0xnope" must be a 0x-prefixed 20-byte hex address/m);
    expect(finished.stderr, "no stack trace").not.to.match(/^\s+at /m);
    expect(finished.stdout).to.equal("");
  });

  it("starts from the environment, serves without a chain (/health 503), and stops cleanly on SIGTERM", async () => {
    const [command, ...args] = gatewayCommand();
    expect(command).to.equal("node");
    const rpc = await freePort();
    const child = spawn(process.execPath, args, {
      env: childEnv({
        ...REQUIRED,
        HEJIE_PORT: "0",
        HEJIE_DATA_DIR: dataDir,
        HEJIE_RPC_URL: `http://127.0.0.1:${rpc.port}`,
      }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const run = collect(child);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const look = () => {
          const match = /Hejie gateway listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output().stdout);
          if (match !== null) resolve(match[1]!);
        };
        child.stdout?.on("data", look);
        child.once("exit", () => reject(new Error(`exited: ${JSON.stringify(run.output())}`)));
      });
      expect((await call(url, "GET", "/live")).status).to.equal(200);
      const health = await call<{ checks: { chain: string } }>(url, "GET", "/health");
      expect([health.status, health.body.checks.chain]).to.deep.equal([
        503,
        "unavailable: the JSON-RPC endpoint does not answer",
      ]);
      child.kill("SIGTERM");
      const finished = await run.exited;
      expect([finished.code, finished.signal]).to.deep.equal([0, null]);
      expect(finished.stdout).to.contain('"msg":"stopping"');
      expect(finished.stderr, "no warnings or errors").to.equal("");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  it("exits with code 1 and a one-line reason when it cannot listen (the port is taken)", async () => {
    const [, ...args] = gatewayCommand();
    const taken = await freePort(true);
    try {
      const child = spawn(process.execPath, args, {
        env: childEnv({
          ...REQUIRED,
          HEJIE_PORT: String(taken.port),
          HEJIE_DATA_DIR: dataDir,
          HEJIE_LOG_LEVEL: "silent",
        }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      const finished = await collect(child).exited;
      expect(finished.code).to.equal(1);
      expect(finished.stderr.trim()).to.match(/^The Hejie gateway could not start: listen EADDRINUSE/);
      expect(finished.stderr.trim().split("\n")).to.have.length(1);
    } finally {
      await new Promise<void>((resolve) => taken.server.close(() => resolve()));
    }
  });
});
