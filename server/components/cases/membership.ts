/**
 * Who may act in a case: its parties, as member accounts on the chain. A caller is a party through any
 * ACTIVE key of a party's account, as the chain says now (cached briefly): a rotated key keeps
 * access, a revoked or suspended one loses it. Other components ask here rather than trusting
 * anything in the request.
 */
import type { Db } from "../../db/database.js";
import { forbidden, notFound } from "../../http/errors.js";
import type { MemberDirectory } from "../identity/roles.js";
import { type Case, type PartyRole, findCase, rolesIn } from "./repository.js";

/** (case, account) pairs whose roles are kept in memory at most. */
const MAX_CACHED_ROLES = 10_000;

export class CaseMembership {
  private readonly roles = new Map<string, PartyRole[]>();

  constructor(
    private readonly db: Db,
    private readonly members: MemberDirectory,
  ) {}

  /** The case, when it exists (404 otherwise). */
  async caseOf(caseId: string): Promise<Case> {
    const found = await findCase(this.db, caseId);
    if (found === undefined) throw notFound("Case", { caseId });
    return found;
  }

  /** The caller's roles in an existing case, or 403 when it is not a party. */
  async requireParty(caseId: string, address: `0x${string}`): Promise<PartyRole[]> {
    await this.caseOf(caseId);
    const roles = await this.rolesOf(caseId, address);
    if (roles.length === 0) throw forbidden("Only the case's parties may do this.", "NOT_A_PARTY", { caseId });
    return roles;
  }

  /** The caller's roles in the case, or none (for callers that may also hold a disclosure grant). */
  async rolesOf(caseId: string, address: `0x${string}`): Promise<PartyRole[]> {
    const accountId = await this.activeAccountOf(address);
    if (accountId === undefined) return [];
    // A case's parties are fixed when it is opened: an account's roles in it never change, so they
    // are read once (only when it has some: a case opened later under the same id is not prejudged).
    const key = `${caseId.toLowerCase()}/${accountId}`;
    const known = this.roles.get(key);
    if (known !== undefined) return known;
    const roles = await rolesIn(this.db, caseId, accountId);
    if (roles.length > 0) {
      if (this.roles.size >= MAX_CACHED_ROLES) this.roles.clear();
      this.roles.set(key, roles);
    }
    return roles;
  }

  /** The member account an address is a key of, in any state (rotated, revoked), or undefined. */
  async accountOf(address: `0x${string}`): Promise<number | undefined> {
    const { key } = await this.members.lookup(address);
    return key.status === "None" ? undefined : key.accountId;
  }

  /** The member account an address is an active key of, or undefined. */
  async activeAccountOf(address: `0x${string}`): Promise<number | undefined> {
    const { key } = await this.members.lookup(address);
    return key.status === "Active" ? key.accountId : undefined;
  }
}
