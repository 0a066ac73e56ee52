/** The agreements endpoints: drafts, their typed data and signatures, status, registered agreements. */
import { z } from "zod";

import { type Endpoint, endpoint, schemas } from "../../http/api.js";
import type { AgreementService } from "./service.js";
import { draftInput } from "./terms.js";

const caseParams = z.object({ caseId: schemas.bytes32 });
const draftParams = z.object({ caseId: schemas.bytes32, draftId: schemas.id });
const decimal = z.string().describe("A decimal integer string (fen, or a uint)");
const role = z.enum(["borrower", "platform", "lawyer"]);

const draftView = z.object({
  id: z.string(),
  caseId: schemas.bytes32,
  status: z
    .enum(["drafted", "partly_signed", "expired", "withdrawn", "queued", "submitted", "registered", "failed"])
    .describe(
      "drafted: nobody signed · partly_signed · expired: the deadline passed before all signed · withdrawn · " +
        "queued: all three signed, registration waiting in the outbox · submitted: transaction sent · " +
        "registered: confirmed on chain · failed: the registry refused (see `failure`)",
    ),
  settlementId: schemas.bytes32.describe("The EIP-712 digest the parties sign: the agreement's id on chain"),
  createdBy: schemas.address,
  createdAt: z.number(),
  updatedAt: z.number(),
  withdrawnAt: z.number().nullable(),
  deadline: z.number().describe("Signatures are void after this time (Unix seconds)"),
  document: z.object({
    id: z.string(),
    sha256: schemas.bytes32,
    salt: schemas.bytes32.describe("Never on chain: with the file, recomputes `hash`"),
    hash: schemas.bytes32.describe("keccak256(sha256 ‖ salt): the terms' documentHash"),
  }),
  terms: z.object({
    caseId: schemas.bytes32,
    borrower: schemas.address,
    platform: schemas.address,
    lawyer: schemas.address,
    documentHash: schemas.bytes32,
    currency: z.string(),
    originalPrincipal: decimal,
    loanFormedAt: z.number(),
    settledAmount: decimal,
    instalments: z.array(z.object({ dueAt: z.number(), amount: decimal })),
    gracePeriod: z.number(),
    curePeriod: z.number(),
    contestWindow: z.number(),
    amends: schemas.bytes32,
    borrowerNonce: z.number(),
    platformNonce: z.number(),
    lawyerNonce: z.number(),
    deadline: z.number(),
  }),
  registrationMethod: z.enum(["register", "registerMonthly"]),
  signatures: z.array(z.object({ role, signer: schemas.address, signedAt: z.number(), submittedBy: schemas.address })),
  awaiting: z.array(role),
  submission: z
    .object({
      attempts: z.number(),
      lastError: z.string().nullable(),
      txHash: schemas.bytes32.nullable(),
      nonce: z.number().nullable(),
      submittedAt: z.number().nullable(),
      transactions: z.number().describe("Transactions ever signed for this registration"),
    })
    .nullable(),
  registration: z
    .object({
      txHash: schemas.bytes32.nullable(),
      blockNumber: z.number().nullable(),
      blockHash: z.string().nullable(),
    })
    .nullable(),
  failure: z
    .object({
      error: z.string().nullable().describe("The registry's custom error (docs/errors.md), or RETRIES_EXHAUSTED"),
      args: z.array(z.unknown()).nullable(),
      message: z.string().nullable(),
    })
    .nullable(),
});

const typedDataBody = z.object({
  draftId: z.string(),
  settlementId: schemas.bytes32,
  signers: z.object({ borrower: schemas.address, platform: schemas.address, lawyer: schemas.address }),
  typedData: z
    .object({
      types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
      primaryType: z.literal("Settlement"),
      domain: z.object({
        name: z.string(),
        version: z.string(),
        chainId: z.number(),
        verifyingContract: schemas.address,
      }),
      message: z.record(z.string(), z.unknown()),
    })
    .describe("Exactly what eth_signTypedData_v4 takes (uints as decimal strings)"),
});

const agreementBody = z.object({
  settlementId: schemas.bytes32,
  draftId: z.string(),
  platform: schemas.address,
  settledAmount: decimal,
  instalmentCount: z.number(),
  amends: schemas.bytes32.nullable(),
  registration: z.object({
    txHash: schemas.bytes32.nullable(),
    blockNumber: z.number().nullable(),
    blockHash: z.string().nullable(),
  }),
  compliance: z.object({
    status: z.string(),
    standing: z.string(),
    totalDue: decimal,
    paidTotal: decimal,
    dueToDate: decimal,
    arrears: decimal,
    daysOverdue: z.number(),
    nextInstalment: z.number(),
  }),
});

const refusals = {
  401: { description: "No valid session" },
  403: { description: "Not a party of the case (NOT_A_PARTY), or not its lawyer (NOT_THE_LAWYER)" },
  404: { description: "No such case or draft" },
  503: { description: "The chain's node does not answer (CHAIN_UNAVAILABLE)" },
};

export function agreementsEndpoints(service: AgreementService): Endpoint<never, never, never>[] {
  return [
    endpoint({
      method: "post",
      path: "/cases/:caseId/drafts",
      summary: "Draft a settlement (the case's lawyer)",
      description:
        "Checks the terms as the registry would (schedule, amounts, parties' keys), computes the salted " +
        "document hash, reads each party's key nonce from the chain and sets the signing deadline.",
      tags: ["agreements"],
      params: caseParams,
      body: draftInput,
      responses: {
        201: { description: "The draft", body: draftView },
        400: { description: "Invalid terms, naming the field (see the agreements README for every code)" },
        ...refusals,
      },
      handle: async ({ caller, params, body }) => {
        const draft = await service.draft(caller, params.caseId as `0x${string}`, body);
        return { status: 201, body: await service.viewOf(draft) };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/drafts",
      summary: "The case's drafts and their status",
      tags: ["agreements"],
      params: caseParams,
      responses: { 200: { description: "Drafts, oldest first", body: z.array(draftView) }, ...refusals },
      handle: async ({ caller, params }) => ({ body: await service.list(caller, params.caseId as `0x${string}`) }),
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/drafts/:draftId",
      summary: "A draft's status: drafted, partly signed (who signed), queued, submitted, registered or failed",
      tags: ["agreements"],
      params: draftParams,
      responses: { 200: { description: "The draft", body: draftView }, ...refusals },
      handle: async ({ caller, params }) => ({
        body: await service.read(caller, params.caseId as `0x${string}`, params.draftId),
      }),
    }),
    endpoint({
      method: "put",
      path: "/cases/:caseId/drafts/:draftId",
      summary: "Replace a draft's terms (the case's lawyer; only while nobody has signed)",
      tags: ["agreements"],
      params: draftParams,
      body: draftInput,
      responses: {
        200: { description: "The draft with its new terms (and a new settlement id)", body: draftView },
        400: { description: "Invalid terms, naming the field" },
        409: { description: "Someone signed (DRAFT_SIGNED), or it was withdrawn or fully signed" },
        ...refusals,
      },
      handle: async ({ caller, params, body }) => {
        const draft = await service.edit(caller, params.caseId as `0x${string}`, params.draftId, body);
        return { body: await service.viewOf(draft) };
      },
    }),
    endpoint({
      method: "delete",
      path: "/cases/:caseId/drafts/:draftId",
      summary: "Withdraw a draft (the case's lawyer; not once all three signed)",
      tags: ["agreements"],
      params: draftParams,
      responses: {
        200: { description: "The withdrawn draft", body: draftView },
        409: { description: "Already withdrawn (DRAFT_WITHDRAWN) or fully signed (DRAFT_COMPLETE)" },
        ...refusals,
      },
      handle: async ({ caller, params }) => {
        const draft = await service.withdraw(caller, params.caseId as `0x${string}`, params.draftId);
        return { body: await service.viewOf(draft) };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/drafts/:draftId/typed-data",
      summary: "The EIP-712 typed data every party signs (eth_signTypedData_v4), and the settlement id",
      tags: ["agreements"],
      params: draftParams,
      responses: { 200: { description: "The typed data", body: typedDataBody }, ...refusals },
      handle: async ({ caller, params }) => ({
        body: await service.typedData(caller, params.caseId as `0x${string}`, params.draftId),
      }),
    }),
    endpoint({
      method: "post",
      path: "/cases/:caseId/drafts/:draftId/signatures",
      summary: "Hand in a party's signature of the draft's typed data",
      description:
        "Any party of the case may hand in a signature; it is checked against the signer the terms name for " +
        "`role` (default: the caller's own role) — plain keys and ERC-1271 contract wallets — and against that " +
        "signer's current key nonce on chain. The third signature queues the registration before the answer.",
      tags: ["agreements"],
      params: draftParams,
      body: z
        .object({
          role: role.optional().describe("Whose signature this is; default: the caller's role in the terms"),
          signature: schemas.signature,
        })
        .strict(),
      responses: {
        201: { description: "Stored; the draft's new status (queued after the third)", body: draftView },
        400: {
          description:
            "SIGNATURE_INVALID, SIGNATURE_WRONG_SIGNER, SIGNATURE_FOR_OTHER_DRAFT, ROLE_REQUIRED, VALIDATION_FAILED",
        },
        409: {
          description:
            "SIGNATURE_REPLAYED, ALREADY_SIGNED, STALE_NONCE, SIGNER_KEY_NOT_ACTIVE, DRAFT_EXPIRED, DRAFT_WITHDRAWN, " +
            "DRAFT_COMPLETE, DRAFT_CHANGED",
        },
        ...refusals,
      },
      handle: async ({ caller, params, body }) => {
        const { draft } = await service.sign(caller, params.caseId as `0x${string}`, params.draftId, body);
        return { status: 201, body: await service.viewOf(draft) };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/agreements",
      summary: "The case's registered agreements, with their compliance read from the chain",
      tags: ["agreements"],
      params: caseParams,
      responses: { 200: { description: "Registered agreements", body: z.array(agreementBody) }, ...refusals },
      handle: async ({ caller, params }) => ({
        body: await service.agreements(caller, params.caseId as `0x${string}`),
      }),
    }),
  ] as Endpoint<never, never, never>[];
}
