/**
 * Runs `anvil` (from the npm package @foundry-rs/anvil): the local profile's chain, and the chain of
 * the gateway tests. Resolves once anvil listens; rejects with its output when it exits first.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

export interface Anvil {
  url: string;
  port: number;
  process: ChildProcess;
  /** Stops anvil with SIGINT, so that it writes its state file first (when it has one). */
  stop(): Promise<void>;
}

export interface AnvilOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  chainId?: number;
  /** How many funded accounts of the default mnemonic (default 10). */
  accounts?: number;
  /** Keep the chain in this file: loaded at start, written every `stateInterval` seconds and on stop. */
  stateFile?: string;
  stateInterval?: number;
}

export class AnvilExitedError extends Error {
  override readonly name = "AnvilExitedError";

  constructor(
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`anvil exited (code ${code}) before listening`);
  }
}

const ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };

/**
 * The anvil binary of this platform's package (@foundry-rs/anvil-<os>-<arch>). Not the package's
 * `node_modules/.bin/anvil` wrapper: on SIGINT the wrapper forwards the signal and exits at once,
 * while anvil itself may still be writing its state and answering requests — a `stop()` that waits
 * for the wrapper would return with the chain still up.
 */
function anvilBinary(): string {
  const wrapper = join(process.cwd(), "node_modules", ".bin", "anvil");
  const arch = ARCH[process.arch];
  if (arch === undefined) return wrapper;
  const name = process.platform === "win32" ? "anvil.exe" : "anvil";
  try {
    const binary = createRequire(join(process.cwd(), "package.json")).resolve(
      `@foundry-rs/anvil-${process.platform}-${arch}/bin/${name}`,
    );
    return existsSync(binary) ? binary : wrapper;
  } catch {
    return wrapper;
  }
}

export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(options.port ?? 0),
    "--chain-id",
    String(options.chainId ?? 31_337),
    "--accounts",
    String(options.accounts ?? 10),
  ];
  if (options.stateFile !== undefined) {
    args.push("--state", options.stateFile, "--state-interval", String(options.stateInterval ?? 5));
  }
  const child = spawn(anvilBinary(), args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match !== null) resolve(Number(match[1]));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new AnvilExitedError(code, output)));
    child.once("error", reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}
