/**
 * Runs `anvil` (from the npm package @foundry-rs/anvil): the local profile's chain, and the chain of
 * the gateway tests. Resolves once anvil listens; rejects with its output when it exits first.
 */
import { type ChildProcess, spawn } from "node:child_process";
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
  const child = spawn(join(process.cwd(), "node_modules", ".bin", "anvil"), args, {
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
