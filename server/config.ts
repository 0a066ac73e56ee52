/**
 * The gateway's configuration, read from the environment and validated at start-up: a wrong or
 * missing value stops the process with a message naming the variable, before anything listens.
 */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";

import { z } from "zod";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address");
const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key");
const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  HEJIE_DATA_DIR: z.string().min(1).default("./data"),
  HEJIE_HOST: z.string().min(1).default("127.0.0.1"),
  HEJIE_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** The origin clients reach the gateway at; Sign-In with Ethereum messages name it. */
  HEJIE_PUBLIC_URL: z.url().optional(),
  HEJIE_RPC_URL: z.url().default("http://127.0.0.1:8545"),
  HEJIE_CHAIN_ID: positiveInt.default(31_337),
  HEJIE_REGISTRY_ADDRESS: address,
  HEJIE_EVIDENCE_ADDRESS: address,
  HEJIE_ACCESS_MANAGER_ADDRESS: address,
  /** The key that pays for the chain writes the gateway makes (registrations, anchors). */
  HEJIE_RELAYER_KEY: privateKey,
  /** The key-encryption key, hex; default: a key file created in the data directory. */
  HEJIE_KEK: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex key")
    .optional(),
  HEJIE_MAX_UPLOAD_BYTES: positiveInt.default(32 * 1024 * 1024),
  /** The longest a disclosure grant may last, in days. */
  HEJIE_MAX_GRANT_DAYS: positiveInt.max(3650).default(365),
  /** Worker threads for upload encryption (0: in the event loop); default: one per core but one, 1 to 4. */
  HEJIE_CRYPTO_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  /** Anchor the audit log's head on chain this often when it changed (0: only on request). */
  HEJIE_AUDIT_ANCHOR_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(0),
  HEJIE_SESSION_TTL_SECONDS: positiveInt.default(12 * 60 * 60),
  HEJIE_SIGN_IN_RATE_LIMIT: positiveInt.default(30).describe("sign-in attempts per address per minute"),
  HEJIE_UPLOAD_RATE_LIMIT: positiveInt.default(60).describe("uploads per caller per minute"),
  HEJIE_CONFIRMATIONS: z.coerce.number().int().min(0).default(1),
  HEJIE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string | undefined;
  chain: { rpcUrl: string; chainId: number; confirmations: number };
  contracts: { registry: `0x${string}`; evidence: `0x${string}`; accessManager: `0x${string}` };
  relayerKey: `0x${string}`;
  kek: `0x${string}` | undefined;
  maxUploadBytes: number;
  maxGrantSeconds: number;
  cryptoWorkers: number;
  auditAnchorIntervalSeconds: number;
  sessionTtlSeconds: number;
  rateLimits: { signInPerMinute: number; uploadsPerMinute: number };
  logLevel: z.infer<typeof schema>["HEJIE_LOG_LEVEL"];
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Reads and checks the configuration; throws `ConfigError` listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join("\n")}`);
  }
  const e = parsed.data;
  return {
    dataDir: resolve(e.HEJIE_DATA_DIR),
    host: e.HEJIE_HOST,
    port: e.HEJIE_PORT,
    publicUrl: e.HEJIE_PUBLIC_URL,
    chain: { rpcUrl: e.HEJIE_RPC_URL, chainId: e.HEJIE_CHAIN_ID, confirmations: e.HEJIE_CONFIRMATIONS },
    contracts: {
      registry: e.HEJIE_REGISTRY_ADDRESS as `0x${string}`,
      evidence: e.HEJIE_EVIDENCE_ADDRESS as `0x${string}`,
      accessManager: e.HEJIE_ACCESS_MANAGER_ADDRESS as `0x${string}`,
    },
    relayerKey: e.HEJIE_RELAYER_KEY as `0x${string}`,
    kek: e.HEJIE_KEK as `0x${string}` | undefined,
    maxUploadBytes: e.HEJIE_MAX_UPLOAD_BYTES,
    maxGrantSeconds: e.HEJIE_MAX_GRANT_DAYS * 86_400,
    cryptoWorkers: e.HEJIE_CRYPTO_WORKERS ?? Math.min(4, Math.max(1, availableParallelism() - 1)),
    auditAnchorIntervalSeconds: e.HEJIE_AUDIT_ANCHOR_INTERVAL_SECONDS,
    sessionTtlSeconds: e.HEJIE_SESSION_TTL_SECONDS,
    rateLimits: { signInPerMinute: e.HEJIE_SIGN_IN_RATE_LIMIT, uploadsPerMinute: e.HEJIE_UPLOAD_RATE_LIMIT },
    logLevel: e.HEJIE_LOG_LEVEL,
  };
}
