/** Mediation endpoints: cases, deadlines, standstills (typed data, relay, public query), disputes. */
import { z } from "zod";

import { type Endpoint, endpoint, schemas } from "../../http/api.js";
import type { MediationService } from "./service.js";

const accountId = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, "must be a member account id (a positive integer)")
  .transform(Number)
  .refine((n) => n <= 0xffffffff, "must fit in 32 bits");

const anything = z.record(z.string(), z.unknown());

export function mediationEndpoints(service: MediationService): Endpoint<never, never, never>[] {
  return [
    endpoint({
      method: "get",
      path: "/mediation/cases/:caseId",
      summary: "A mediation case from the CaseRegistry: status, parties, creditors, agreements, standstills, deadlines",
      description:
        "For the case's parties (borrower, creditors, their counsel, coordinator, mediator; by member account) " +
        "and COMMITTEE keys. Deadlines are Unix seconds (null: not running yet).",
      tags: ["mediation"],
      params: z.object({ caseId: schemas.bytes32 }),
      responses: {
        200: { description: "The case", body: anything },
        403: { description: "NOT_A_CASE_PARTY" },
        404: { description: "MEDIATION_CASE_NOT_FOUND" },
      },
      handle: async ({ caller, params }) => ({
        body: await service.caseView(caller.address, params.caseId as `0x${string}`),
      }),
    }),
    endpoint({
      method: "get",
      path: "/deadlines",
      summary: "What is due within N days across the caller's mediation cases, per case and per role",
      description:
        "The committee sees every case. Times are the chain's (the latest block's time is `asOf`); overdue " +
        "items are included and flagged.",
      tags: ["mediation"],
      query: z.object({
        days: z
          .string()
          .regex(/^[0-9]{1,4}$/, "must be a number of days, 0 to 3660")
          .transform(Number)
          .refine((n) => n <= 3660, "must be a number of days, 0 to 3660")
          .optional()
          .describe("The horizon in days (default 30)"),
      }),
      responses: {
        200: { description: "Cases with their due items", body: anything },
        403: { description: "NOT_A_MEMBER" },
      },
      handle: async ({ caller, query }) => ({ body: await service.deadlinesView(caller.address, query.days ?? 30) }),
    }),
    endpoint({
      method: "get",
      path: "/mediation/cases/:caseId/standstills/typed-data",
      summary: "The EIP-712 standstill a creditor's PLATFORM key signs (the caller's own key)",
      tags: ["mediation"],
      params: z.object({ caseId: schemas.bytes32 }),
      query: z.object({
        creditorId: accountId.describe("The creditor's member account id"),
        endsAt: z
          .string()
          .regex(/^[0-9]{1,12}$/, "must be Unix seconds")
          .transform(Number)
          .optional()
          .describe(
            "When the standstill ends (default: now + the maximum mediation duration + the confirmation window)",
          ),
      }),
      responses: {
        200: { description: "domain, types, primaryType, message", body: anything },
        403: { description: "NOT_THE_CREDITOR" },
        404: { description: "MEDIATION_CASE_NOT_FOUND, NOT_A_CASE_CREDITOR" },
      },
      handle: async ({ caller, params, query }) => ({
        body: await service.standstillTypedData(
          caller.address,
          params.caseId as `0x${string}`,
          query.creditorId,
          query.endsAt,
        ),
      }),
    }),
    endpoint({
      method: "post",
      path: "/mediation/cases/:caseId/standstills",
      summary:
        "Relays a creditor's signed standstill to the CaseRegistry (recordStandstill, from the gateway's relayer)",
      description:
        "Any session may relay (the CaseRegistry lets anyone submit a signed standstill). The signature is checked " +
        "and the call simulated first: a refusal sends nothing.",
      tags: ["mediation"],
      params: z.object({ caseId: schemas.bytes32 }),
      body: z.object({
        standstill: z.object({
          caseId: schemas.bytes32,
          creditor: schemas.address,
          borrowerId: z.number().int().min(1).max(0xffffffff),
          endsAt: schemas.unixSeconds,
          nonce: z.number().int().min(0).max(0xffffffff),
          deadline: schemas.unixSeconds,
        }),
        signature: schemas.signature,
      }),
      responses: {
        201: {
          description: "Recorded on chain",
          body: z.object({ txHash: schemas.bytes32, blockNumber: z.number() }),
        },
        400: { description: "STANDSTILL_CASE_MISMATCH, STANDSTILL_SIGNATURE_EXPIRED, STANDSTILL_WRONG_BORROWER" },
        403: { description: "STANDSTILL_SIGNATURE_INVALID, NOT_A_CREDITOR" },
        404: { description: "MEDIATION_CASE_NOT_FOUND" },
        409: {
          description: "STANDSTILL_NONCE_STALE, MEDIATION_CASE_ENDED, STANDSTILL_NOT_EXTENDED, STANDSTILL_REFUSED",
        },
      },
      handle: async ({ params, body }) => ({
        status: 201,
        body: await service.relayStandstill(
          params.caseId as `0x${string}`,
          {
            ...body.standstill,
            caseId: body.standstill.caseId as `0x${string}`,
            creditor: body.standstill.creditor as `0x${string}`,
          },
          body.signature as `0x${string}`,
        ),
      }),
    }),
    endpoint({
      method: "get",
      path: "/standstills",
      summary: "Whether a creditor is under standstill towards a borrower now (public: account ids only)",
      tags: ["mediation"],
      auth: "public",
      query: z.object({ creditorId: accountId, borrowerId: accountId }),
      responses: {
        200: {
          description: "The CaseRegistry's isUnderStandstill, at the latest block",
          body: z.object({
            creditorId: z.number(),
            borrowerId: z.number(),
            underStandstill: z.boolean(),
            asOf: z.number(),
          }),
        },
      },
      handle: async ({ query }) => ({ body: await service.underStandstill(query.creditorId, query.borrowerId) }),
    }),
    endpoint({
      method: "get",
      path: "/disputes/:disputeId",
      summary: "A committee dispute: subject, panel, votes (dissent included), outcome and resolution hash",
      description: "For the parties of the dispute's case and COMMITTEE keys.",
      tags: ["mediation"],
      params: z.object({
        disputeId: z.string().regex(/^[1-9][0-9]{0,18}$/, "must be a dispute id (a positive integer)"),
      }),
      responses: {
        200: { description: "The dispute", body: anything },
        403: { description: "NOT_A_CASE_PARTY" },
        404: { description: "DISPUTE_NOT_FOUND" },
      },
      handle: async ({ caller, params }) => ({
        body: await service.disputeView(caller.address, BigInt(params.disputeId)),
      }),
    }),
  ] as Endpoint<never, never, never>[];
}
