/** Cases and their parties, in SQL. */
import type { Db } from "../../db/database.js";

export type PartyRole = "borrower" | "platform" | "lawyer";

/**
 * A party is a member account on the chain (its keys may rotate); `address` is the key it used when the
 * case was opened, kept for display and for the settlement's typed data.
 */
export interface Party {
  accountId: number;
  address: `0x${string}`;
  role: PartyRole;
}

export interface Case {
  id: `0x${string}`;
  title: string;
  openedBy: `0x${string}`;
  openedAt: number;
  parties: Party[];
}

interface CaseRow extends Record<string, string | number> {
  id: string;
  title: string;
  opened_by: string;
  opened_at: number;
}

export async function insertCase(db: Db, value: Case): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run("INSERT INTO cases (id, title, opened_by, opened_at) VALUES (?, ?, ?, ?)", [
      value.id,
      value.title,
      value.openedBy,
      value.openedAt,
    ]);
    for (const party of value.parties) {
      await tx.run("INSERT INTO case_parties (case_id, account_id, role, address) VALUES (?, ?, ?, ?)", [
        value.id,
        party.accountId,
        party.role,
        party.address,
      ]);
    }
  });
}

async function withParties(db: Db, row: CaseRow): Promise<Case> {
  const parties = await db.all<{ account_id: number; address: string; role: string }>(
    "SELECT account_id, address, role FROM case_parties WHERE case_id = ? ORDER BY role, account_id",
    [row.id],
  );
  return {
    id: row.id as `0x${string}`,
    title: row.title,
    openedBy: row.opened_by as `0x${string}`,
    openedAt: row.opened_at,
    parties: parties.map((p) => ({
      accountId: p.account_id,
      address: p.address as `0x${string}`,
      role: p.role as PartyRole,
    })),
  };
}

export async function findCase(db: Db, id: string): Promise<Case | undefined> {
  const row = await db.get<CaseRow>("SELECT * FROM cases WHERE id = ?", [id.toLowerCase()]);
  return row === undefined ? undefined : withParties(db, row);
}

export async function casesOf(db: Db, accountId: number): Promise<Case[]> {
  const rows = await db.all<CaseRow>(
    `SELECT DISTINCT c.* FROM cases c JOIN case_parties p ON p.case_id = c.id
     WHERE p.account_id = ? ORDER BY c.opened_at DESC`,
    [accountId],
  );
  return Promise.all(rows.map((row) => withParties(db, row)));
}

/** The roles an account holds in the case (empty when it is not a party). */
export async function rolesIn(db: Db, caseId: string, accountId: number): Promise<PartyRole[]> {
  const rows = await db.all<{ role: string }>("SELECT role FROM case_parties WHERE case_id = ? AND account_id = ?", [
    caseId.toLowerCase(),
    accountId,
  ]);
  return rows.map((row) => row.role as PartyRole);
}
