/**
 * Builds the gateway (`createGateway`) and runs it (`startGateway`). Building and running are apart so
 * tests build it on a temporary data directory and listen on port 0.
 */
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";

import express, { type Express } from "express";
import { type Logger, pino } from "pino";
import { Registry, collectDefaultMetrics } from "prom-client";

import { chainClients } from "./chain/client.js";
import { agreementDocumentsOf, agreementsComponent } from "./components/agreements/index.js";
import type { AgreementService } from "./components/agreements/service.js";
import { casesComponent } from "./components/cases/index.js";
import type { CaseMembership } from "./components/cases/membership.js";
import { type DocumentService, documentsComponent } from "./components/documents/index.js";
import { identityComponent } from "./components/identity/index.js";
import { indexerComponent } from "./components/indexer/index.js";
import type { ChainFollower } from "./components/indexer/follower.js";
import type { IndexerService } from "./components/indexer/service.js";
import type { MemberDirectory } from "./components/identity/roles.js";
import { mediationComponent } from "./components/mediation/index.js";
import { evidenceComponent } from "./components/evidence/index.js";
import type { EvidenceService } from "./components/evidence/service.js";
import type { CaseRecorder } from "./components/evidence/records.js";
import { paymentsComponent } from "./components/payments/index.js";
import type { PaymentSubmitter } from "./components/payments/submitter.js";
import type { Config } from "./config.js";
import { type Clock, type Component, type Context, systemClock } from "./context.js";
import { SqliteDb } from "./db/sqlite.js";
import { migrate } from "./db/migrations.js";
import { type Authenticate, type Endpoint, mount } from "./http/api.js";
import { AppError, errorHandler } from "./http/errors.js";
import { docsPage, openApiDocument } from "./http/openapi.js";
import { operationsEndpoints, requestLogging, requestMetrics } from "./http/operations.js";
import { portal } from "./http/portal.js";

export interface GatewayOptions {
  clock?: Clock;
  logger?: Logger;
}

export interface Gateway {
  app: Express;
  context: Context;
  authenticate: Authenticate;
  members: MemberDirectory;
  membership: CaseMembership;
  documents: DocumentService;
  agreements: AgreementService;
  /** The payment submitter (tests run its rounds by hand). */
  payments: PaymentSubmitter;
  evidence: EvidenceService;
  /** Records case events as evidence (tests run its rounds by hand). */
  recorder: CaseRecorder;
  /** Read models of the chain (tests run the follower's rounds by hand). */
  indexer: IndexerService;
  follower: ChainFollower;
  components: Component[];
  endpoints: Endpoint<never, never, never>[];
  /** Stops background work and closes the database. */
  close(): Promise<void>;
}

/** The origin clients reach the gateway at, for Sign-In with Ethereum messages. */
const originOf = (config: Config) =>
  config.publicUrl ?? `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;

export async function createGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logger = options.logger ?? pino({ level: config.logLevel, name: "hejie-gateway" });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: "hejie_" });
  const db = SqliteDb.open(join(config.dataDir, "gateway.sqlite"));
  const context: Context = {
    config,
    db,
    chain: chainClients(config),
    logger,
    metrics,
    clock: options.clock ?? systemClock,
  };

  const identity = identityComponent(context, originOf(config));
  const { authenticate, members } = identity;
  const cases = casesComponent(context, members);
  const { membership } = cases;
  const documents = await documentsComponent(context, { membership, members });
  const agreements = agreementsComponent(context, {
    membership,
    documents: agreementDocumentsOf(documents.documents),
  });
  const payments = paymentsComponent(context, { members });
  const evidence = evidenceComponent(context, { membership, members, documents: documents.documents });
  const indexer = indexerComponent(context, { membership, members });
  const mediation = mediationComponent(context, { members, documents: documents.documents });
  const components: Component[] = [
    identity.component,
    cases.component,
    documents.component,
    agreements.component,
    payments.component,
    evidence.component,
    indexer.component,
    mediation.component,
  ];
  await migrate(
    db,
    components.flatMap((component) => component.migrations),
  );
  await documents.open().catch(async (error: unknown) => {
    await db.close();
    throw error;
  });

  // The documentation endpoints describe every endpoint, themselves included: built once, served later.
  const documentation = { document: () => document, page: () => page };
  const endpoints = [
    ...operationsEndpoints(context, documentation),
    ...components.flatMap((component) => component.endpoints),
  ];
  const document = openApiDocument(endpoints, {
    title: "Hejie gateway",
    version: "0.1.0",
    description:
      "Sign in with a wallet, keep case documents encrypted, draft settlements and collect the parties' " +
      "signatures, register them on the chain, and take the platforms' payment reports onto it.",
  });
  const page = docsPage(document);

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(requestLogging(logger));
  app.use(requestMetrics(metrics));
  // strict: false — any JSON value parses, so `7` or `null` is a validation error naming the body,
  // not "malformed JSON".
  app.use(express.json({ limit: "1mb", strict: false }));
  app.use(mount(endpoints, authenticate));
  // The web portal (web/dist) under /portal/; / redirects there.
  app.use(portal());
  app.use((req, _res, next) => next(new AppError(404, "NOT_FOUND", `No endpoint ${req.method} ${req.path}.`)));
  app.use(errorHandler(logger));

  return {
    app,
    context,
    authenticate,
    members,
    membership,
    documents: documents.documents,
    agreements: agreements.agreements,
    payments: payments.submitter,
    evidence: evidence.evidence,
    recorder: evidence.recorder,
    indexer: indexer.indexer,
    follower: indexer.follower,
    components,
    endpoints,
    close: async () => {
      // In reverse order: a component stops before those it depends on (the evidence round before the
      // documents' crypto pool it stores records through).
      for (const component of [...components].reverse()) await component.stop?.();
      await db.close();
    },
  };
}

export interface RunningGateway {
  gateway: Gateway;
  server: Server;
  /** e.g. "http://127.0.0.1:8080" (the real port when the configured one was 0). */
  url: string;
  close(): Promise<void>;
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<RunningGateway> {
  const gateway = await createGateway(config, options);
  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 calls this callback with the error too (e.g. EADDRINUSE): listening failed then.
    const listening = gateway.app.listen(config.port, config.host, (error?: Error) =>
      error === undefined ? resolve(listening) : reject(error),
    );
  }).catch(async (error: unknown) => {
    await gateway.close();
    throw error;
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  for (const component of gateway.components) component.start?.();
  let closing: Promise<void> | undefined;
  return {
    gateway,
    server,
    url: `http://${config.host}:${port}`,
    // Idempotent: a second call waits for the first.
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await gateway.close();
      })()),
  };
}
