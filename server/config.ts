/**
 * The gateway's configuration, read from the environment and validated at start-up: a wrong or
 * missing value stops the process with a message naming the variable, before anything listens.
 * An empty variable counts as unset (`HEJIE_PORT= npm run gateway` uses the default port).
 */
import { availableParallelism } from "node:os";
import { resolve } from "node:path";

import { z } from "zod";

/** secp256k1's group order: a private key is an integer in [1, n - 1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** zod's message for a missing variable is about types; say what is missing instead. */
const missing = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `is required: ${what}` : undefined;

const address = (what: string) =>
  z
    .string({ error: missing(what) })
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
    .refine((value) => !/^0x[0-9a-fA-F]{40}$/.test(value) || BigInt(value) !== 0n, "must not be the zero address");
const privateKey = (what: string) =>
  z
    .string({ error: missing(what) })
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
    .refine(
      (value) => !/^0x[0-9a-fA-F]{64}$/.test(value) || (BigInt(value) > 0n && BigInt(value) < SECP256K1_N),
      "is not a valid secp256k1 private key (zero, or not below the curve order)",
    );
/** Decimal digits only: `Number()` would also take "", "0x10", "1e3" and " 8". */
const integer = z
  .string()
  .regex(/^[0-9]{1,15}$/, "must be a whole number (decimal digits)")
  .transform((value) => Number(value));
const positiveInt = integer.pipe(z.number().min(1, "must be at least 1"));
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });
/** A whole number within [min, max]. */
const bounded = (min: number, max: number) =>
  integer.pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const onOff = z
  .enum(["on", "off", "true", "false", "1", "0"], { error: "must be on or off" })
  .transform((v) => v === "on" || v === "true" || v === "1");

const schema = z.object({
  HEJIE_DATA_DIR: z.string().default("./data"),
  HEJIE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, "must be a host name or an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0)")
    .default("127.0.0.1"),
  HEJIE_PORT: integer.pipe(z.number().max(65_535, "must be a TCP port, 0 to 65535")).default(8080),
  /** The origin clients reach the gateway at; Sign-In with Ethereum messages name it. */
  HEJIE_PUBLIC_URL: httpUrl.optional(),
  HEJIE_RPC_URL: httpUrl.default("http://127.0.0.1:8545"),
  HEJIE_CHAIN_ID: positiveInt.default(31_337),
  HEJIE_REGISTRY_ADDRESS: address("the HejieRegistry's address, from the deployment"),
  HEJIE_EVIDENCE_ADDRESS: address("the EvidenceRegistry's address, from the deployment"),
  HEJIE_ACCESS_MANAGER_ADDRESS: address("the AccessManager's address, from the deployment"),
  HEJIE_CASE_REGISTRY_ADDRESS: address("the CaseRegistry's address (mediation cases), from the deployment"),
  /** The key that pays for the chain writes the gateway makes (registrations, anchors). */
  HEJIE_RELAYER_KEY: privateKey("the private key that pays for the gateway's transactions"),
  /** The key-encryption key, hex; default: a key file created in the data directory. */
  HEJIE_KEK: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex key")
    .optional(),
  HEJIE_MAX_UPLOAD_BYTES: positiveInt.default(32 * 1024 * 1024),
  /** The longest a disclosure grant may last, in days. */
  HEJIE_MAX_GRANT_DAYS: bounded(1, 3650).default(365),
  /** Worker threads for upload encryption (0: in the event loop); default: one per core but one, 1 to 4. */
  HEJIE_CRYPTO_WORKERS: bounded(0, 64).optional(),
  /** Anchor the audit log's head on chain this often when it changed (0: only on request). */
  HEJIE_AUDIT_ANCHOR_INTERVAL_SECONDS: integer.default(0),
  HEJIE_SESSION_TTL_SECONDS: positiveInt.default(12 * 60 * 60),
  HEJIE_SIGN_IN_RATE_LIMIT: positiveInt.default(30).describe("sign-in attempts per client IP address per minute"),
  HEJIE_UPLOAD_RATE_LIMIT: positiveInt.default(60).describe("uploads per client IP address per minute"),
  HEJIE_CONFIRMATIONS: integer.default(1),
  /** How long the parties have to sign a draft: its terms' `deadline` is this long after drafting. */
  HEJIE_AGREEMENT_DEADLINE_SECONDS: bounded(3_600, 366 * 86_400).default(7 * 86_400),
  /** Whether this gateway runs the registration outbox's worker ("off": jobs wait in SQL). */
  HEJIE_OUTBOX_WORKER: onOff.default(true),
  HEJIE_OUTBOX_POLL_MS: bounded(10, 60_000).default(1_000),
  /** Attempts after a transient failure (node down, timeout) before a job is marked failed. */
  HEJIE_OUTBOX_MAX_ATTEMPTS: bounded(1, 1_000).default(20),
  /** The first retry's delay; each further retry doubles it, up to HEJIE_OUTBOX_MAX_BACKOFF_MS. */
  HEJIE_OUTBOX_BACKOFF_MS: bounded(1, 3_600_000).default(1_000),
  HEJIE_OUTBOX_MAX_BACKOFF_MS: bounded(1, 86_400_000).default(300_000),
  /** Whether this gateway runs the payment submitter ("off": accepted reports wait in SQL). */
  HEJIE_PAYMENTS_SUBMITTER: onOff.default(true),
  /** Payment reports per transaction at most. */
  HEJIE_PAYMENTS_BATCH_SIZE: bounded(1, 200).default(50),
  /** How often waiting reports are looked for: the longest a lone report waits for others to batch with. */
  HEJIE_PAYMENTS_POLL_MS: bounded(10, 60_000).default(1_000),
  HEJIE_PAYMENTS_MAX_BACKOFF_MS: bounded(1, 86_400_000).default(60_000),
  HEJIE_PAYMENT_REPORT_RATE_LIMIT: positiveInt.default(6_000).describe("payment reports per client per minute"),
  /** Whether this gateway anchors queued evidence ("off": items wait in SQL). */
  HEJIE_EVIDENCE_ANCHORER: onOff.default(true),
  /** Evidence items of one case anchored together at most. */
  HEJIE_EVIDENCE_BATCH_SIZE: bounded(1, 10_000).default(100),
  /** The longest an item waits for others before its case's batch is anchored anyway. */
  HEJIE_EVIDENCE_MAX_WAIT_SECONDS: bounded(1, 86_400).default(60),
  /** Whether this gateway follows the chain into its read models ("off": they stay as they are). */
  HEJIE_INDEXER: onOff.default(true),
  /** How often the indexer looks for new final blocks once it has caught up. */
  HEJIE_INDEXER_POLL_MS: bounded(10, 60_000).default(1_000),
  /** The first block to index on a new database (the deployment's block saves reading older ones). */
  HEJIE_INDEXER_START_BLOCK: integer.default(0),
  /** Blocks per `eth_getLogs` call at most (some nodes limit the range). */
  HEJIE_INDEXER_BLOCK_RANGE: bounded(1, 100_000).default(2_000),
  HEJIE_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
});

/** Sign-in messages name the origin clients use: a wildcard listen address is not one. */
const checked = schema.superRefine((e, ctx) => {
  if (e.HEJIE_PUBLIC_URL === undefined && ["0.0.0.0", "::", "[::]"].includes(e.HEJIE_HOST)) {
    ctx.addIssue({
      code: "custom",
      path: ["HEJIE_PUBLIC_URL"],
      message: `is required when HEJIE_HOST is a wildcard address (${e.HEJIE_HOST}): the URL clients reach the gateway at`,
    });
  }
  if (e.HEJIE_OUTBOX_BACKOFF_MS > e.HEJIE_OUTBOX_MAX_BACKOFF_MS) {
    ctx.addIssue({
      code: "custom",
      path: ["HEJIE_OUTBOX_BACKOFF_MS"],
      message: "must not exceed HEJIE_OUTBOX_MAX_BACKOFF_MS",
    });
  }
});

/** Values never repeated in an error message: keys, and RPC URLs (they often carry an API key). */
const SECRET_VARIABLES: readonly string[] = ["HEJIE_RELAYER_KEY", "HEJIE_KEK", "HEJIE_RPC_URL"];

export interface Config {
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string | undefined;
  chain: { rpcUrl: string; chainId: number; confirmations: number };
  contracts: {
    registry: `0x${string}`;
    evidence: `0x${string}`;
    accessManager: `0x${string}`;
    caseRegistry: `0x${string}`;
  };
  relayerKey: `0x${string}`;
  kek: `0x${string}` | undefined;
  maxUploadBytes: number;
  maxGrantSeconds: number;
  cryptoWorkers: number;
  auditAnchorIntervalSeconds: number;
  sessionTtlSeconds: number;
  rateLimits: { signInPerMinute: number; uploadsPerMinute: number };
  logLevel: z.infer<typeof schema>["HEJIE_LOG_LEVEL"];
  evidence: {
    /** Runs the anchorer. */
    anchorer: boolean;
    batchSize: number;
    maxWaitMs: number;
  };
  indexer: {
    /** Follows the chain. */
    follow: boolean;
    pollMs: number;
    startBlock: number;
    blockRange: number;
  };
  payments: {
    /** Runs the submitter that records accepted reports on chain. */
    submitter: boolean;
    batchSize: number;
    pollMs: number;
    maxBackoffMs: number;
    reportsPerMinute: number;
  };
  agreements: {
    /** Seconds from drafting to the terms' deadline. */
    deadlineSeconds: number;
    outbox: {
      /** Runs the worker that registers fully signed agreements. */
      worker: boolean;
      pollMs: number;
      maxAttempts: number;
      backoffMs: number;
      maxBackoffMs: number;
    };
  };
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(
    message: string,
    /** The variables at fault, in the order reported. */
    readonly variables: readonly string[],
  ) {
    super(message);
  }
}

/** The variables the gateway reads (a typo in a name, e.g. HEJIE_RPC, is simply not one of them). */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as readonly (keyof typeof schema.shape)[];

/** Reads and checks the configuration; throws `ConfigError` listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const given = Object.fromEntries(
    CONFIG_VARIABLES.filter((name) => env[name] !== undefined && env[name].trim() !== "").map((name) => [
      name,
      env[name]!.trim(),
    ]),
  );
  const parsed = checked.safeParse(given);
  if (!parsed.success) {
    const variables = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    const problems = variables.map((name) => {
      const messages = parsed.error.issues.filter((issue) => issue.path[0] === name).map((issue) => issue.message);
      const value =
        given[name] === undefined || SECRET_VARIABLES.includes(name) ? "" : `=${JSON.stringify(given[name])}`;
      return `  ${name}${value} ${[...new Set(messages)].join("; ")}`;
    });
    throw new ConfigError(
      `Invalid configuration (environment variables):\n${problems.join("\n")}\n` +
        "Every variable is described in README.md, section Gateway.",
      variables,
    );
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
      caseRegistry: e.HEJIE_CASE_REGISTRY_ADDRESS as `0x${string}`,
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
    evidence: {
      anchorer: e.HEJIE_EVIDENCE_ANCHORER,
      batchSize: e.HEJIE_EVIDENCE_BATCH_SIZE,
      maxWaitMs: e.HEJIE_EVIDENCE_MAX_WAIT_SECONDS * 1000,
    },
    indexer: {
      follow: e.HEJIE_INDEXER,
      pollMs: e.HEJIE_INDEXER_POLL_MS,
      startBlock: e.HEJIE_INDEXER_START_BLOCK,
      blockRange: e.HEJIE_INDEXER_BLOCK_RANGE,
    },
    payments: {
      submitter: e.HEJIE_PAYMENTS_SUBMITTER,
      batchSize: e.HEJIE_PAYMENTS_BATCH_SIZE,
      pollMs: e.HEJIE_PAYMENTS_POLL_MS,
      maxBackoffMs: e.HEJIE_PAYMENTS_MAX_BACKOFF_MS,
      reportsPerMinute: e.HEJIE_PAYMENT_REPORT_RATE_LIMIT,
    },
    agreements: {
      deadlineSeconds: e.HEJIE_AGREEMENT_DEADLINE_SECONDS,
      outbox: {
        worker: e.HEJIE_OUTBOX_WORKER,
        pollMs: e.HEJIE_OUTBOX_POLL_MS,
        maxAttempts: e.HEJIE_OUTBOX_MAX_ATTEMPTS,
        backoffMs: e.HEJIE_OUTBOX_BACKOFF_MS,
        maxBackoffMs: e.HEJIE_OUTBOX_MAX_BACKOFF_MS,
      },
    },
  };
}
