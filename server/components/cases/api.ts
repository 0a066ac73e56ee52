/** Cases: a lawyer opens one for a borrower and one or more platforms; parties read their cases. */
import { randomBytes } from "node:crypto";

import { getAddress } from "viem";
import { z } from "zod";

import type { Context } from "../../context.js";
import { type Endpoint, endpoint, schemas } from "../../http/api.js";
import { badRequest, forbidden } from "../../http/errors.js";
import type { MemberDirectory } from "../identity/roles.js";
import type { CaseMembership } from "./membership.js";
import { type Case, type Party, casesOf, insertCase } from "./repository.js";

const caseBody = z.object({
  id: schemas.bytes32.describe("The case id: random, used on chain as the settlement's caseId"),
  title: z.string(),
  openedBy: schemas.address,
  openedAt: z.number(),
  parties: z.array(
    z.object({
      accountId: z.number().describe("The party's member account on the chain"),
      address: schemas.address.describe("The key it used when the case was opened"),
      role: z.enum(["borrower", "platform", "lawyer"]),
    }),
  ),
});

const caseParams = z.object({ caseId: schemas.bytes32 });

export function casesEndpoints(
  context: Context,
  members: MemberDirectory,
  membership: CaseMembership,
): Endpoint<never, never, never>[] {
  /** Checks on chain that `address` holds `role` actively and returns its account, or refuses naming the field. */
  const requireRole = async (address: `0x${string}`, role: "BORROWER" | "PLATFORM" | "LAWYER", field: string) => {
    const { key } = await members.lookup(address);
    if (key.status !== "Active" || key.role !== role) {
      throw badRequest("PARTY_NOT_ELIGIBLE", `${field} must be an active ${role} key on the chain.`, {
        field,
        address,
        role: key.role ?? null,
        status: key.status,
      });
    }
    return key.accountId;
  };

  return [
    endpoint({
      method: "post",
      path: "/cases",
      summary: "Open a case (lawyers): a borrower and the platforms (creditors) involved",
      tags: ["cases"],
      body: z.object({
        title: z.string().trim().min(1).max(200).describe("A label for the parties; no personal data"),
        borrower: schemas.address,
        platforms: z.array(schemas.address).min(1).max(20),
      }),
      responses: {
        201: { description: "The case", body: caseBody },
        400: { description: "Invalid input, or a party without the right key on chain" },
        403: { description: "The caller is not an active lawyer" },
      },
      handle: async ({ caller, body }) => {
        const lawyer = await members.lookup(caller.address);
        if (lawyer.key.status !== "Active" || lawyer.key.role !== "LAWYER") {
          throw forbidden("Only an active lawyer may open a case.", "NOT_A_LAWYER");
        }
        const borrower = getAddress(body.borrower);
        const platforms = [...new Set(body.platforms.map((p) => getAddress(p)))];
        const parties: Party[] = [
          { accountId: await requireRole(borrower, "BORROWER", "body.borrower"), address: borrower, role: "borrower" },
        ];
        for (const [i, address] of platforms.entries()) {
          const accountId = await requireRole(address, "PLATFORM", `body.platforms.${i}`);
          if (parties.some((party) => party.accountId === accountId)) {
            throw badRequest("DUPLICATE_PARTY", `body.platforms.${i} is a key of a platform already named.`, {
              field: `body.platforms.${i}`,
            });
          }
          parties.push({ accountId, address, role: "platform" });
        }
        parties.push({ accountId: lawyer.key.accountId, address: caller.address, role: "lawyer" });
        const value: Case = {
          id: `0x${randomBytes(32).toString("hex")}`,
          title: body.title,
          openedBy: caller.address,
          openedAt: context.clock.now(),
          parties,
        };
        await insertCase(context.db, value);
        return { status: 201, body: value };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases",
      summary: "The caller's cases",
      tags: ["cases"],
      responses: { 200: { description: "Cases the caller is a party to", body: z.array(caseBody) } },
      handle: async ({ caller }) => {
        const accountId = await membership.activeAccountOf(caller.address);
        return { body: accountId === undefined ? [] : await casesOf(context.db, accountId) };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId",
      summary: "One case (its parties only)",
      tags: ["cases"],
      params: caseParams,
      responses: {
        200: { description: "The case", body: caseBody },
        403: { description: "The caller is not a party" },
        404: { description: "No such case" },
      },
      handle: async ({ caller, params }) => {
        await membership.requireParty(params.caseId, caller.address);
        return { body: await membership.caseOf(params.caseId) };
      },
    }),
  ] as Endpoint<never, never, never>[];
}
