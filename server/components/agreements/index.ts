import type { Component, Context } from "../../context.js";
import type { CaseMembership } from "../cases/membership.js";
import { agreementsEndpoints } from "./api.js";
import type { AgreementDocuments } from "./documents.js";
import { agreementsMigrations } from "./migrations.js";
import { RegistrationOutbox } from "./outbox.js";
import { AgreementService } from "./service.js";

export { type AgreementDocuments, agreementDocumentsOf } from "./documents.js";

/**
 * Drafting, signatures and registration on chain. `start()` runs the registration outbox's worker
 * (unless HEJIE_OUTBOX_WORKER=off); `stop()` lets its round in progress finish.
 */
export function agreementsComponent(
  context: Context,
  deps: { membership: CaseMembership; documents: AgreementDocuments },
): { component: Component; agreements: AgreementService; outbox: RegistrationOutbox } {
  const { outbox: settings } = context.config.agreements;
  const outbox = new RegistrationOutbox(
    context.db,
    context.chain,
    context.clock,
    context.logger.child({ component: "agreements-outbox" }),
    { ...settings, confirmations: context.chain.confirmations },
    context.metrics,
  );
  const agreements = new AgreementService(context, deps.membership, deps.documents, () => outbox.wake());
  return {
    agreements,
    outbox,
    component: {
      name: "agreements",
      migrations: agreementsMigrations,
      endpoints: agreementsEndpoints(agreements),
      start: () => {
        if (settings.worker) outbox.start();
      },
      stop: () => outbox.stop(),
    },
  };
}
