import type { Component, Context } from "../../context.js";
import type { CaseMembership } from "../cases/membership.js";
import type { MemberDirectory } from "../identity/roles.js";
import { evidenceEndpoints } from "./api.js";
import { evidenceMigrations } from "./migrations.js";
import { type EvidenceDocuments, EvidenceService } from "./service.js";

/**
 * Evidence anchoring and verification. `start()` runs the anchorer every few seconds (unless
 * HEJIE_EVIDENCE_ANCHORER=off); `stop()` lets its round in progress finish.
 */
export function evidenceComponent(
  context: Context,
  deps: { membership: CaseMembership; members: MemberDirectory; documents: EvidenceDocuments },
): { component: Component; evidence: EvidenceService } {
  const settings = context.config.evidence;
  const evidence = new EvidenceService({
    db: context.db,
    chain: context.chain,
    clock: context.clock,
    logger: context.logger.child({ component: "evidence" }),
    membership: deps.membership,
    members: deps.members,
    documents: deps.documents,
    settings,
  });
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> | undefined;
  return {
    evidence,
    component: {
      name: "evidence",
      migrations: evidenceMigrations,
      endpoints: evidenceEndpoints(evidence, context.config.maxUploadBytes),
      start: () => {
        if (!settings.anchorer) return;
        timer = setInterval(
          () => {
            round ??= evidence
              .anchorRound()
              .catch((error: unknown) => context.logger.warn({ err: error }, "evidence anchoring round failed"))
              .finally(() => (round = undefined));
          },
          Math.min(settings.maxWaitMs, 5_000),
        );
      },
      stop: async () => {
        if (timer !== undefined) clearInterval(timer);
        await round;
      },
    },
  };
}
