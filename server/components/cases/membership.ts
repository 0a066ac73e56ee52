/**
 * Who may act in a case: its parties, each checked against the chain when the case is opened (a
 * lawyer with an active LAWYER key, platforms with active PLATFORM keys, a borrower whose wallet is
 * bound). Other components ask here rather than trusting anything in the request.
 */
import type { Db } from "../../db/database.js";
import { forbidden, notFound } from "../../http/errors.js";
import { type Case, type PartyRole, findCase, rolesIn } from "./repository.js";

export class CaseMembership {
  constructor(private readonly db: Db) {}

  /** The case, when it exists (404 otherwise). */
  async caseOf(caseId: string): Promise<Case> {
    const found = await findCase(this.db, caseId);
    if (found === undefined) throw notFound("Case", { caseId });
    return found;
  }

  /** The caller's roles in an existing case, or 403 when it is not a party. */
  async requireParty(caseId: string, address: `0x${string}`): Promise<PartyRole[]> {
    await this.caseOf(caseId);
    const roles = await rolesIn(this.db, caseId, address);
    if (roles.length === 0) throw forbidden("Only the case's parties may do this.", "NOT_A_PARTY", { caseId });
    return roles;
  }

  /** The caller's roles in the case, or none (for callers that may also hold a disclosure grant). */
  async rolesOf(caseId: string, address: `0x${string}`): Promise<PartyRole[]> {
    return rolesIn(this.db, caseId, address);
  }
}
