/**
 * What every component is built from: configuration, the database, the chain, logging, metrics and a
 * clock (tests move time without waiting). Built once by `app.ts`.
 */
import type { Logger } from "pino";
import type { Registry } from "prom-client";

import type { ChainClients } from "./chain/client.js";
import type { Config } from "./config.js";
import type { Db } from "./db/database.js";
import type { Migration } from "./db/migrations.js";
import type { Endpoint } from "./http/api.js";

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface Context {
  config: Config;
  db: Db;
  chain: ChainClients;
  logger: Logger;
  metrics: Registry;
  clock: Clock;
}

/** A business component: its tables, its endpoints, and any background work it runs. */
export interface Component {
  name: string;
  migrations: readonly Migration[];
  endpoints: readonly Endpoint<never, never, never>[];
  /** Starts background work (e.g. a queue worker); called once the server listens. */
  start?(): void;
  /** Stops it, finishing what is in flight; called before the database closes. */
  stop?(): Promise<void>;
}
