/**
 * Grants ANCHORER to an account that is not a member key — a gateway's relayer, which anchors
 * evidence and the audit log's head. ANCHORER is administered by the HejieRegistry (it mirrors
 * members' keys), so the AccessManager's admin takes the role's administration for a moment, grants it
 * and hands it back: three transactions from the admin account.
 */
import { Roles } from "../protocol/roles.js";

interface Sent {
  wait(): Promise<unknown>;
}

/** The part of an (ethers) AccessManager contract this needs, connected to its admin. */
export interface RoleAdministration {
  setRoleAdmin(roleId: bigint, admin: bigint): Promise<Sent>;
  grantRole(roleId: bigint, account: string, executionDelay: number): Promise<Sent>;
}

export async function grantAnchorer(accessManager: RoleAdministration, account: string): Promise<void> {
  await (await accessManager.setRoleAdmin(Roles.ANCHORER, Roles.ADMIN)).wait();
  await (await accessManager.grantRole(Roles.ANCHORER, account, 0)).wait();
  await (await accessManager.setRoleAdmin(Roles.ANCHORER, Roles.MEMBER_REGISTRY)).wait();
}
