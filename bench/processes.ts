/**
 * What the benchmarks share: server processes started on the project's Node, an HTTP client over
 * keep-alive connections, a concurrency runner, and medians.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
export const round = (value: number, digits: number) => Number(value.toFixed(digits));

export interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a TypeScript entry point as a process on the project's Node and waits until `probe` answers. */
export async function startProcess(
  entry: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  probe: string,
) {
  // BENCH_PROFILE_DIR: write a V8 CPU profile of each server process there (open it in Chrome's DevTools).
  const profile =
    process.env.BENCH_PROFILE_DIR === undefined
      ? []
      : ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", join(ROOT, entry), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited (${child.exitCode}):\n${stderr}`);
    const ok = await fetch(`${url}${probe}`).then(
      (response) => response.status < 500,
      () => false,
    );
    if (ok) break;
    if (Date.now() - started > 60_000) throw new Error(`${entry} did not start:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  } satisfies Child;
}

export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request over the shared keep-alive agent; resolves with the status once the body is read. */
export function send(url: string, method: string, headers: Record<string, string>, body?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Runs `count` tasks with `concurrency` in flight; returns the elapsed seconds. */
export async function timed(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}
