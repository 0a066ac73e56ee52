/** Mediation endpoints: cases, deadlines, standstills (typed data, relay, public query), disputes. */

import { z } from "zod";

import type { Context } from "../../context.js";
import { type Endpoint, endpoint, schemas } from "../../http/api.js";
import { UPLOAD_MEDIA_TYPES, documentName, receiveUpload, sendDocument } from "../documents/transfer.js";
import type { MediationService } from "./service.js";

const accountId = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, "must be a member account id (a positive integer)")
  .transform(Number)
  .refine((n) => n <= 0xffffffff, "must fit in 32 bits");

const anything = z.record(z.string(), z.unknown());

const disputeId = z.string().regex(/^[1-9][0-9]{0,18}$/, "must be a dispute id (a positive integer)");

export function mediationEndpoints(context: Context, service: MediationService): Endpoint<never, never, never>[] {
  const { maxUploadBytes } = context.config;
  return [
    endpoint({
      method: "get",
      path: "/mediation/cases",
      summary: "The caller's mediation cases (every case for the committee), as the indexer recorded them",
      description:
        "Each case with its status and the caller's roles in it. Read `/mediation/cases/:caseId` for the rest.",
      tags: ["mediation"],
      responses: {
        200: { description: "The cases", body: anything },
        403: { description: "NOT_A_MEMBER" },
      },
      handle: async ({ caller }) => ({ body: await service.casesList(caller.address) }),
    }),
    endpoint({
      method: "get",
      path: "/disputes",
      summary: "The disputes of the caller's mediation cases (every dispute for the committee)",
      description:
        "Open disputes by voting deadline; `?state=all` adds the decided and expired ones. `yourTurn`: the " +
        "caller is on the panel and has not voted; `needsPanel`: open, and no panel appointed yet.",
      tags: ["mediation"],
      query: z.object({
        state: z.enum(["open", "all"]).optional().describe("open (default) or all"),
      }),
      responses: {
        200: { description: "The disputes", body: anything },
        403: { description: "NOT_A_MEMBER" },
      },
      handle: async ({ caller, query }) => ({
        body: await service.disputesList(caller.address, query.state === "all"),
      }),
    }),
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
      params: z.object({ disputeId }),
      responses: {
        200: { description: "The dispute", body: anything },
        403: { description: "NOT_A_CASE_PARTY" },
        404: { description: "DISPUTE_NOT_FOUND" },
      },
      handle: async ({ caller, params }) => ({
        body: await service.disputeView(caller.address, BigInt(params.disputeId)),
      }),
    }),
    endpoint({
      method: "post",
      path: "/disputes/:disputeId/resolutions",
      summary: "Upload the panel's written resolution: stored encrypted; its SHA-256 is the resolutionHash to record",
      description:
        `The raw body is the file (at most ${maxUploadBytes} bytes), streamed, hashed and encrypted like any case ` +
        "document. A panel member uploads it, then passes the answered `sha256` to `resolveDispute` as its " +
        "resolutionHash; GET /disputes/:disputeId then says whether it `matches` the recorded one.",
      tags: ["mediation"],
      params: z.object({ disputeId }),
      query: z.object({
        name: documentName,
      }),
      body: { raw: UPLOAD_MEDIA_TYPES, description: "The resolution's bytes" },
      responses: {
        201: {
          description: "The stored resolution",
          body: z.object({
            documentId: schemas.bytes32,
            disputeId: z.string(),
            name: z.string(),
            size: z.number(),
            sha256: schemas.bytes32,
          }),
        },
        400: { description: "Invalid name, or the upload was cut short (REQUEST_ABORTED)" },
        403: { description: "NOT_ON_PANEL" },
        404: { description: "DISPUTE_NOT_FOUND" },
        413: { description: "PAYLOAD_TOO_LARGE: nothing was stored" },
        415: { description: "UNSUPPORTED_MEDIA_TYPE" },
      },
      handle: async ({ req, res, caller, params, query }) => {
        const stored = await receiveUpload(req, res, maxUploadBytes, (file) =>
          service.uploadResolution(caller.address, BigInt(params.disputeId), { name: query.name, ...file }),
        );
        return { status: 201, body: stored };
      },
    }),
    endpoint({
      method: "get",
      path: "/disputes/:disputeId/resolutions/:documentId",
      summary: "Download a written resolution, decrypted and verified (the dispute's readers)",
      tags: ["mediation"],
      params: z.object({ disputeId, documentId: schemas.bytes32 }),
      responses: {
        200: { description: "The file's bytes, in its media type", contentType: "application/octet-stream" },
        403: { description: "NOT_A_CASE_PARTY" },
        404: { description: "DISPUTE_NOT_FOUND, RESOLUTION_NOT_FOUND" },
      },
      handle: async ({ req, res, caller, params }) => {
        return sendDocument(
          req,
          res,
          await service.openResolution(caller.address, BigInt(params.disputeId), params.documentId),
        );
      },
    }),
  ] as Endpoint<never, never, never>[];
}
