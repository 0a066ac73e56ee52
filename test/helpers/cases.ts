/**
 * The CaseRegistry of a deployment made by `deployHejie` (test/helpers/hejie.ts). The Ignition module
 * returns it, but `deployHejie` predates it; the module grants RESOLVER to the CaseRegistry during
 * deployment, so the first RESOLVER grant names it.
 */
import { Roles } from "../../protocol/roles.js";
import type { CaseRegistry } from "../../types/ethers-contracts/index.js";
import type { Hejie } from "./hejie.js";

export async function caseRegistryOf(h: Hejie): Promise<CaseRegistry> {
  const [grant] = await h.accessManager.queryFilter(h.accessManager.filters.RoleGranted(Roles.RESOLVER), 0);
  if (grant === undefined) throw new Error("no RESOLVER grant: was the CaseRegistry deployed?");
  return (await h.ethers.getContractAt("CaseRegistry", grant.args.account)) as unknown as CaseRegistry;
}
