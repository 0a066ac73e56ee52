import type { Component, Context } from "../../context.js";
import type { MemberDirectory } from "../identity/roles.js";
import { casesEndpoints } from "./api.js";
import { CaseMembership } from "./membership.js";
import { casesMigrations } from "./migrations.js";

export function casesComponent(
  context: Context,
  members: MemberDirectory,
): { component: Component; membership: CaseMembership } {
  const membership = new CaseMembership(context.db, members);
  return {
    membership,
    component: { name: "cases", migrations: casesMigrations, endpoints: casesEndpoints(context, members, membership) },
  };
}
