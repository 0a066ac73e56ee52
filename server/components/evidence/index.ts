import type { Component, Context } from "../../context.js";
import { WorkerLoop } from "../../workers/loop.js";
import type { CaseMembership } from "../cases/membership.js";
import type { MemberDirectory } from "../identity/roles.js";
import { evidenceEndpoints } from "./api.js";
import { evidenceMigrations } from "./migrations.js";
import { CaseRecorder, type RecordDocuments } from "./records.js";
import { type EvidenceDocuments, EvidenceService } from "./service.js";

/**
 * Evidence anchoring and verification. `start()` runs, every few seconds (unless
 * HEJIE_EVIDENCE_ANCHORER=off), a round that records new case events as evidence and then anchors
 * the batches that are due; `stop()` lets the round in progress finish.
 */
export function evidenceComponent(
  context: Context,
  deps: {
    membership: CaseMembership;
    members: MemberDirectory;
    documents: EvidenceDocuments & RecordDocuments;
  },
): { component: Component; evidence: EvidenceService; recorder: CaseRecorder } {
  const settings = context.config.evidence;
  const logger = context.logger.child({ component: "evidence" });
  const evidence = new EvidenceService({
    db: context.db,
    chain: context.chain,
    clock: context.clock,
    logger,
    membership: deps.membership,
    members: deps.members,
    documents: deps.documents,
    settings,
  });
  const recorder = new CaseRecorder({ ...context, logger, documents: deps.documents });
  const round = async () => {
    await recorder.round();
    await evidence.anchorRound();
    return false;
  };
  const pollMs = Math.min(settings.maxWaitMs, 5_000);
  const loop = new WorkerLoop(round, { pollMs, maxBackoffMs: 60_000 }, logger, "evidence round failed");
  return {
    evidence,
    recorder,
    component: {
      name: "evidence",
      migrations: evidenceMigrations,
      endpoints: evidenceEndpoints(evidence, context.config.maxUploadBytes),
      start: () => {
        if (settings.anchorer) loop.start();
      },
      stop: () => loop.stop(),
    },
  };
}
