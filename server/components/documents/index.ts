/**
 * The documents component: encrypted case documents, disclosure grants and the audit log
 * (README.md beside this file). Built by `app.ts` after identity and cases; `open()` must be awaited
 * after the migrations ran (it checks the key-encryption key against the database).
 */
import { join } from "node:path";

import type { Component, Context } from "../../context.js";
import { perMinute } from "../../http/rate-limit.js";
import type { CaseMembership } from "../cases/membership.js";
import type { MemberDirectory } from "../identity/roles.js";
import { AuditAnchorer } from "./anchor.js";
import { documentsEndpoints } from "./api.js";
import { DirectoryBlobStore } from "./blob-store.js";
import { CryptoPool } from "./crypto-pool.js";
import { GrantService } from "./grants.js";
import { checkKek, loadKek } from "./keys.js";
import { documentsMigrations } from "./migrations.js";
import { isBlobReferenced } from "./repository.js";
import { DocumentService } from "./service.js";

export { DocumentService } from "./service.js";
export type { DocumentInfo } from "./repository.js";

/** Crash leftovers (temporary files, unreferenced blobs) older than this are removed at start. */
const SWEEP_GRACE_MS = 60 * 60 * 1000;

export interface DocumentsComponent {
  component: Component;
  /** For other components: `describe(caseId, documentId)` (e.g. the SHA-256 of an agreement document). */
  documents: DocumentService;
  anchorer: AuditAnchorer;
  blobs: DirectoryBlobStore;
  /** Checks the key-encryption key against the database; call once the migrations have run. */
  open(): Promise<void>;
}

export async function documentsComponent(
  context: Context,
  deps: { membership: CaseMembership; members: MemberDirectory },
): Promise<DocumentsComponent> {
  const { config, db, clock, logger, chain } = context;
  const kek = await loadKek(config.dataDir, config.kek);
  const blobs = new DirectoryBlobStore(join(config.dataDir, "blobs"));
  const pool = config.cryptoWorkers > 0 ? new CryptoPool(config.cryptoWorkers) : undefined;
  const base = {
    db,
    clock,
    logger,
    kek,
    blobs,
    membership: deps.membership,
    maxUploadBytes: config.maxUploadBytes,
    pool,
  };
  const documents = new DocumentService(base);
  const grants = new GrantService({ ...base, chain, maxGrantSeconds: config.maxGrantSeconds }, documents);
  const anchorer = new AuditAnchorer({ db, chain, clock, logger });
  const endpoints = documentsEndpoints(context, {
    documents,
    grants,
    anchorer,
    members: deps.members,
    uploadLimiter: perMinute(config.rateLimits.uploadsPerMinute, "uploads"),
  });

  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const intervalMs = config.auditAnchorIntervalSeconds * 1000;
  const component: Component = {
    name: "documents",
    migrations: documentsMigrations,
    endpoints,
    start() {
      track(
        blobs
          .sweep((id) => isBlobReferenced(db, id), SWEEP_GRACE_MS, clock.now())
          .then((removed) => {
            if (removed.length > 0) logger.warn({ removed }, "removed blob store leftovers of an earlier crash");
          })
          .catch((error: unknown) => logger.error({ err: error }, "blob store sweep failed")),
      );
      if (intervalMs > 0) {
        timer = setInterval(() => {
          track(
            anchorer
              .anchorHead()
              .catch((error: unknown) => logger.error({ err: error }, "anchoring the audit log failed")),
          );
        }, intervalMs);
        timer.unref();
      }
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      await Promise.all(inFlight);
      await pool?.close();
    },
  };
  return { component, documents, anchorer, blobs, open: () => checkKek(db, kek, clock.now()) };
}
