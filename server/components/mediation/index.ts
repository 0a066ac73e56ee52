import type { Component, Context } from "../../context.js";
import type { MemberDirectory } from "../identity/roles.js";
import { mediationEndpoints } from "./api.js";
import { MediationService } from "./service.js";

/**
 * Mediation cases on the CaseRegistry (issue 6): reads for parties and the committee, the deadlines
 * view, standstills relayed from creditors' signatures, disputes. Its read models are the indexer's
 * (server/components/indexer/mediation.ts): no migration of its own.
 */
export function mediationComponent(
  context: Context,
  deps: { members: MemberDirectory },
): { component: Component; mediation: MediationService } {
  const mediation = new MediationService({ db: context.db, chain: context.chain, members: deps.members });
  return {
    mediation,
    component: { name: "mediation", migrations: [], endpoints: mediationEndpoints(mediation) },
  };
}
