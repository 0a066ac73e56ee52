import type { Component, Context } from "../../context.js";
import type { MemberDirectory } from "../identity/roles.js";
import type { DocumentService } from "../documents/service.js";
import { mediationEndpoints } from "./api.js";
import { mediationMigrations } from "./migrations.js";
import { MediationService } from "./service.js";

/**
 * Mediation cases on the CaseRegistry (issue 6): reads for parties and the committee, the deadlines
 * view, standstills relayed from creditors' signatures, disputes. Its read models are the indexer's
 * (server/components/indexer/mediation.ts); its own table lists the uploaded written resolutions.
 */
export function mediationComponent(
  context: Context,
  deps: { members: MemberDirectory; documents: DocumentService },
): { component: Component; mediation: MediationService } {
  const mediation = new MediationService({
    db: context.db,
    chain: context.chain,
    members: deps.members,
    documents: deps.documents,
    clock: context.clock,
  });
  return {
    mediation,
    component: {
      name: "mediation",
      migrations: mediationMigrations,
      endpoints: mediationEndpoints(context, mediation),
    },
  };
}
