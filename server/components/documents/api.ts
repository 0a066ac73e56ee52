/** The documents endpoints: upload, list, describe, download, delete, disclosure grants, audit. */
import { randomBytes } from "node:crypto";

import type { RequestHandler } from "express";
import { getAddress } from "viem";
import { z } from "zod";

import { disclosureGrantTypes, eip712DomainType } from "../../../protocol/typed-data.js";
import type { Context } from "../../context.js";
import { type Endpoint, endpoint, schemas } from "../../http/api.js";
import { conflict, forbidden } from "../../http/errors.js";
import type { MemberDirectory } from "../identity/roles.js";
import type { AuditAnchorer } from "./anchor.js";
import { caseTrail, verifyAuditChain } from "./audit.js";
import { type GrantService, grantTypedData } from "./grants.js";
import { DOCUMENT_KINDS, GATEWAY_DOCUMENT_KINDS, type Grant, publicInfo } from "./repository.js";
import type { DocumentService } from "./service.js";
import { UPLOAD_MEDIA_TYPES, documentName, receiveUpload, sendDocument } from "./transfer.js";

const lowerHex = <T extends z.ZodType<string>>(schema: T) => schema.transform((v) => v.toLowerCase() as `0x${string}`);

const caseParams = z.object({ caseId: lowerHex(schemas.bytes32) });
const documentParams = z.object({
  caseId: lowerHex(schemas.bytes32),
  documentId: lowerHex(schemas.bytes32.describe("The document id (32 random bytes)")),
});
const grantParams = documentParams.extend({ grantId: lowerHex(schemas.bytes32.describe("The grant id")) });

const documentBody = z.object({
  id: schemas.bytes32,
  caseId: schemas.bytes32,
  name: z.string(),
  kind: z.enum([...DOCUMENT_KINDS, ...GATEWAY_DOCUMENT_KINDS]),
  mediaType: z.string(),
  size: z.number().describe("Plaintext bytes"),
  sha256: schemas.bytes32.describe("SHA-256 of the plaintext, kept after deletion"),
  uploader: schemas.address,
  createdAt: z.number().describe("Unix milliseconds"),
  status: z.enum(["available", "deleted"]),
  deletedAt: z.number().nullable(),
  deletedBy: schemas.address.nullable(),
});

const grantBody = z.object({
  id: schemas.bytes32.describe("The EIP-712 digest of the signed grant"),
  documentId: schemas.bytes32,
  caseId: schemas.bytes32,
  granter: schemas.address,
  grantee: schemas.address,
  expiresAt: schemas.unixSeconds,
  salt: schemas.bytes32,
  signature: schemas.signature,
  submittedBy: schemas.address,
  createdAt: z.number().describe("Unix milliseconds"),
  revokedAt: z.number().nullable(),
  revokedBy: schemas.address.nullable(),
  state: z.enum(["active", "expired", "revoked"]),
});

const auditEntryBody = z.object({
  sequence: z.number(),
  at: z.number().describe("Unix milliseconds"),
  actor: schemas.address.nullable(),
  action: z.string(),
  caseId: schemas.bytes32.nullable(),
  documentId: schemas.bytes32.nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: schemas.bytes32,
  hash: schemas.bytes32,
});

const anchorBody = z.object({
  sequence: z.number(),
  hash: schemas.bytes32,
  txHash: schemas.bytes32,
  blockNumber: z.number(),
  chainTime: schemas.unixSeconds,
  recordedAt: z.number(),
});

const errorBody = (description: string) => ({ description });

export function documentsEndpoints(
  context: Context,
  deps: {
    documents: DocumentService;
    grants: GrantService;
    anchorer: AuditAnchorer;
    members: MemberDirectory;
    uploadLimiter: RequestHandler;
  },
): Endpoint<never, never, never>[] {
  const { documents, grants, anchorer, members } = deps;
  const { maxUploadBytes } = context.config;
  const withState = (grant: Grant) => ({
    ...grant,
    state:
      grant.revokedAt !== null
        ? ("revoked" as const)
        : Math.floor(context.clock.now() / 1000) >= grant.expiresAt
          ? ("expired" as const)
          : ("active" as const),
  });

  return [
    endpoint({
      method: "post",
      path: "/cases/:caseId/documents",
      summary: "Upload a document to a case (its parties): streamed, encrypted, stored",
      description:
        `The raw body is the file (at most ${maxUploadBytes} bytes), streamed: never held whole in memory. ` +
        "It is hashed (SHA-256) and encrypted under a fresh key while it arrives; the document is recorded " +
        "only once its encrypted blob is durable. An upload cut short leaves nothing behind.",
      tags: ["documents"],
      before: [deps.uploadLimiter],
      params: caseParams,
      query: z.object({ name: documentName, kind: z.enum(DOCUMENT_KINDS).default("other") }),
      body: { raw: UPLOAD_MEDIA_TYPES, description: "The file's bytes" },
      responses: {
        201: { description: "The document", body: documentBody },
        400: errorBody("Invalid name or kind, or the upload was aborted"),
        403: errorBody("NOT_A_PARTY (audited)"),
        404: errorBody("No such case"),
        413: errorBody("PAYLOAD_TOO_LARGE: nothing was stored"),
        415: errorBody("UNSUPPORTED_MEDIA_TYPE"),
        429: errorBody("Too many uploads"),
      },
      handle: async ({ req, res, caller, params, query }) => {
        const document = await receiveUpload(req, res, maxUploadBytes, (file) =>
          documents.upload({
            caseId: params.caseId,
            uploader: caller.address,
            name: query.name,
            kind: query.kind,
            ...file,
          }),
        );
        res.setHeader("Location", `/cases/${document.caseId}/documents/${document.id}`);
        return { status: 201, body: document };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/documents",
      summary: "The case's documents (its parties), deleted ones as tombstones",
      tags: ["documents"],
      params: caseParams,
      responses: {
        200: { description: "Documents, oldest first", body: z.array(documentBody) },
        403: errorBody("NOT_A_PARTY (audited)"),
        404: errorBody("No such case"),
      },
      handle: async ({ caller, params }) => ({ body: await documents.list(params.caseId, caller.address) }),
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/documents/:documentId",
      summary: "A document's description (parties, and holders of a valid disclosure grant)",
      tags: ["documents"],
      params: documentParams,
      responses: {
        200: { description: "The document", body: documentBody },
        403: errorBody("NOT_A_PARTY, GRANT_EXPIRED or GRANT_REVOKED (audited)"),
        404: errorBody("No such case or document"),
      },
      handle: async ({ caller, params }) => {
        const { document } = await documents.access(params.caseId, params.documentId, caller.address, "metadata");
        return { body: publicInfo(document) };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/documents/:documentId/content",
      summary: "Download a document, decrypted and verified (parties, and holders of a valid grant)",
      description:
        "Each 64 KiB segment is released only after its authentication tag verifies. The first segment is " +
        "verified before the response starts, so a tampered or truncated blob is answered with 500 " +
        "DOCUMENT_CORRUPTED; damage further in cuts the connection short of Content-Length. Every read is audited.",
      tags: ["documents"],
      params: documentParams,
      responses: {
        200: { description: "The document's bytes, in its media type", contentType: "application/octet-stream" },
        403: errorBody("NOT_A_PARTY, GRANT_EXPIRED or GRANT_REVOKED (audited)"),
        404: errorBody("No such case or document"),
        410: errorBody("DOCUMENT_DELETED"),
        500: errorBody("DOCUMENT_CORRUPTED or DOCUMENT_KEY_UNAVAILABLE (audited as read_failed)"),
      },
      handle: async ({ req, res, caller, params }) => {
        const { document, access } = await documents.access(
          params.caseId,
          params.documentId,
          caller.address,
          "content",
        );
        return sendDocument(req, res, await documents.open(document, caller.address, access));
      },
    }),
    endpoint({
      method: "delete",
      path: "/cases/:caseId/documents/:documentId",
      summary: "Delete a document by destroying its key (crypto-shredding): its uploader or the case's lawyer",
      description:
        "The wrapped key and the blob are destroyed; the row stays as a tombstone with the SHA-256, and reading " +
        "the document afterwards answers 410 DOCUMENT_DELETED.",
      tags: ["documents"],
      params: documentParams,
      responses: {
        200: { description: "The tombstone", body: documentBody },
        403: errorBody("NOT_A_PARTY or DELETE_NOT_ALLOWED (audited)"),
        404: errorBody("No such case or document"),
        410: errorBody("DOCUMENT_DELETED: already deleted"),
      },
      handle: async ({ caller, params }) => ({
        body: await documents.delete(params.caseId, params.documentId, caller.address),
      }),
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/documents/:documentId/grants/typed-data",
      summary: "The EIP-712 DisclosureGrant to sign for a grantee and an expiry (with a fresh salt)",
      tags: ["documents"],
      params: documentParams,
      query: z.object({
        grantee: schemas.address,
        expiresAt: z.coerce
          .number()
          .int()
          .min(0)
          .max(2 ** 40 - 1)
          .describe("Unix seconds"),
      }),
      responses: {
        200: {
          description: "Pass to the wallet's eth_signTypedData_v4, then POST the signature with the message",
          body: z.object({
            domain: z.object({
              name: z.string(),
              version: z.string(),
              chainId: z.number(),
              verifyingContract: schemas.address,
            }),
            types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
            primaryType: z.literal("DisclosureGrant"),
            message: z.object({
              caseId: schemas.bytes32,
              documentId: schemas.bytes32,
              grantee: schemas.address,
              expiresAt: schemas.unixSeconds,
              salt: schemas.bytes32,
            }),
          }),
        },
        403: errorBody("NOT_A_PARTY"),
      },
      handle: async ({ caller, params, query }) => {
        await documents.requireParty(params.caseId, caller.address, params.documentId, "read_refused", {
          what: "grant_typed_data",
        });
        const typed = grantTypedData(context.chain, {
          caseId: params.caseId,
          documentId: params.documentId,
          grantee: getAddress(query.grantee),
          expiresAt: BigInt(query.expiresAt),
          salt: `0x${randomBytes(32).toString("hex")}`,
        });
        return {
          body: {
            domain: { ...typed.domain, chainId: Number(typed.domain.chainId) },
            types: { EIP712Domain: eip712DomainType, ...disclosureGrantTypes },
            primaryType: typed.primaryType,
            message: { ...typed.message, expiresAt: query.expiresAt },
          },
        };
      },
    }),
    endpoint({
      method: "post",
      path: "/cases/:caseId/documents/:documentId/grants",
      summary: "Record a disclosure grant signed by a party of the case (EIP-712 DisclosureGrant)",
      description:
        "Anyone signed in may submit it (the granter, or the grantee it was handed to): the signature is the " +
        "authority. Plain keys and ERC-1271 contract wallets are verified through the chain.",
      tags: ["documents"],
      params: documentParams,
      body: z.object({
        granter: schemas.address.describe("The party who signed"),
        grantee: schemas.address,
        expiresAt: schemas.unixSeconds,
        salt: schemas.bytes32,
        signature: schemas.signature,
      }),
      responses: {
        201: { description: "The grant", body: grantBody },
        400: errorBody("GRANT_ALREADY_EXPIRED, GRANT_TOO_LONG, GRANT_TO_SELF or invalid input"),
        403: errorBody("GRANT_NOT_BY_PARTY or GRANT_SIGNATURE_INVALID (audited)"),
        404: errorBody("No such case or document"),
        409: errorBody("GRANT_EXISTS"),
        410: errorBody("DOCUMENT_DELETED"),
      },
      handle: async ({ caller, params, body }) => {
        const grant = await grants.submit(params.caseId, params.documentId, caller.address, {
          granter: body.granter as `0x${string}`,
          grantee: body.grantee as `0x${string}`,
          expiresAt: body.expiresAt,
          salt: body.salt as `0x${string}`,
          signature: body.signature as `0x${string}`,
        });
        return { status: 201, body: withState(grant) };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/documents/:documentId/grants",
      summary: "A document's disclosure grants (the case's parties)",
      tags: ["documents"],
      params: documentParams,
      responses: {
        200: { description: "Grants, oldest first", body: z.array(grantBody) },
        403: errorBody("NOT_A_PARTY (audited)"),
        404: errorBody("No such case or document"),
      },
      handle: async ({ caller, params }) => ({
        body: (await grants.list(params.caseId, params.documentId, caller.address)).map(withState),
      }),
    }),
    endpoint({
      method: "delete",
      path: "/cases/:caseId/documents/:documentId/grants/:grantId",
      summary: "Revoke a disclosure grant (any party of the case)",
      tags: ["documents"],
      params: grantParams,
      responses: {
        200: { description: "The revoked grant", body: grantBody },
        403: errorBody("NOT_A_PARTY (audited)"),
        404: errorBody("No such case or grant"),
        409: errorBody("GRANT_ALREADY_REVOKED"),
      },
      handle: async ({ caller, params }) => ({
        body: withState(await grants.revoke(params.caseId, params.documentId, params.grantId, caller.address)),
      }),
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/audit",
      summary: "The case's audit trail (its parties): uploads, reads, refusals, grants, revocations, deletions",
      tags: ["audit"],
      params: caseParams,
      query: z.object({
        after: z.coerce.number().int().min(0).default(0).describe("Entries after this sequence number"),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
      }),
      responses: {
        200: { description: "Entries in order, with their hashes", body: z.array(auditEntryBody) },
        403: errorBody("NOT_A_PARTY (audited)"),
        404: errorBody("No such case"),
      },
      handle: async ({ caller, params, query }) => {
        await documents.requireParty(params.caseId, caller.address, null, "read_refused", { what: "audit" });
        return { body: await caseTrail(context.db, params.caseId, query.after, query.limit) };
      },
    }),
    endpoint({
      method: "get",
      path: "/audit/verify",
      summary: "Verify the whole audit log's hash chain, and that its latest anchor is on chain",
      tags: ["audit"],
      responses: {
        200: {
          description: "The result (valid or not, with the first broken entry)",
          body: z.object({
            valid: z.boolean(),
            entries: z.number(),
            head: z.object({ sequence: z.number(), hash: schemas.bytes32 }).nullable(),
            brokenAt: z.object({ sequence: z.number(), reason: z.string() }).optional(),
            anchorsChecked: z.number(),
            latestAnchor: anchorBody.extend({ onChain: z.boolean() }).nullable(),
          }),
        },
      },
      handle: async () => {
        const result = await verifyAuditChain(context.db);
        const [latest] = await anchorer.list(1);
        let latestAnchor = null;
        if (latest !== undefined) {
          const onChain = await anchorer.onChain(latest.hash);
          latestAnchor = { ...latest, onChain: onChain.anchoredAt !== 0 && onChain.blockNumber === latest.blockNumber };
        }
        const valid = result.valid && (latestAnchor === null || latestAnchor.onChain);
        return { body: { ...result, valid, latestAnchor } };
      },
    }),
    endpoint({
      method: "post",
      path: "/audit/anchors",
      summary: "Anchor the audit log's head on chain (lawyers and committee members)",
      description:
        "Sends EvidenceRegistry.anchor(head hash, caseId 0, kind Other, 1 leaf) from the gateway's relayer, which " +
        "must hold the ANCHORER role. Idempotent: an already anchored head is returned as is (200).",
      tags: ["audit"],
      responses: {
        200: { description: "The head was already anchored", body: anchorBody },
        201: { description: "Anchored now", body: anchorBody },
        403: errorBody("ANCHOR_NOT_ALLOWED"),
        409: errorBody("AUDIT_LOG_EMPTY"),
        502: errorBody("ANCHOR_FAILED"),
        503: errorBody("ANCHOR_NOT_PERMITTED (the relayer lacks ANCHORER) or CHAIN_UNAVAILABLE"),
      },
      handle: async ({ caller }) => {
        const { key } = await members.lookup(caller.address);
        if (key.status !== "Active" || (key.role !== "LAWYER" && key.role !== "COMMITTEE")) {
          throw forbidden("Only active lawyers and committee members may anchor the audit log.", "ANCHOR_NOT_ALLOWED");
        }
        const result = await anchorer.anchorHead();
        if (result === undefined) throw conflict("AUDIT_LOG_EMPTY", "The audit log is empty: nothing to anchor.");
        return { status: result.created ? 201 : 200, body: result.anchor };
      },
    }),
    endpoint({
      method: "get",
      path: "/audit/anchors",
      summary: "The audit log's anchors on chain, newest first",
      tags: ["audit"],
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      responses: { 200: { description: "Anchors", body: z.array(anchorBody) } },
      handle: async ({ query }) => ({ body: await anchorer.list(query.limit) }),
    }),
  ] as Endpoint<never, never, never>[];
}
