/** The evidence endpoints: a lawyer submits case documents as evidence; anyone verifies a file or a hash. */
import { createHash } from "node:crypto";

import { z } from "zod";

import { type Endpoint, endpoint, schemas } from "../../http/api.js";
import { AppError, badRequest, payloadTooLarge } from "../../http/errors.js";
import { UPLOAD_MEDIA_TYPES } from "../documents/transfer.js";
import { courtReportHtml } from "./court-report.js";
import type { EvidenceAnchor, EvidenceItem } from "./repository.js";
import type { EvidenceService, Verification } from "./service.js";

const itemView = z.object({
  id: z.string(),
  caseId: schemas.bytes32,
  documentId: schemas.bytes32,
  sha256: schemas.bytes32,
  state: z.enum(["queued", "anchored"]),
  queuedAt: z.number().describe("Unix milliseconds"),
  anchor: z
    .object({
      root: schemas.bytes32,
      txHash: schemas.bytes32,
      blockNumber: z.number(),
      blockTime: z.number().describe("Unix seconds"),
    })
    .nullable(),
});

const viewOf = (item: EvidenceItem, anchor?: EvidenceAnchor) => ({
  id: item.id,
  caseId: item.caseId,
  documentId: item.documentId,
  sha256: item.sha256,
  state: item.root === null ? "queued" : "anchored",
  queuedAt: item.queuedAt,
  anchor:
    anchor === undefined
      ? null
      : { root: anchor.root, txHash: anchor.txHash, blockNumber: anchor.blockNumber, blockTime: anchor.blockTime },
});

const verification = z.object({
  anchored: z.boolean().describe("Whether any anchored evidence has this SHA-256 and its proof verifies on chain now"),
  sha256: schemas.bytes32,
  anchors: z
    .array(z.record(z.string(), z.unknown()))
    .describe(
      "Per anchored copy: verified (checked on chain now), evidenceId, caseId, documentId, salt, proof, root, " +
        "txHash, blockNumber, blockHash, anchoredAt (Unix seconds), submitter, chainId, contract",
    ),
});

const answer = (sha256: `0x${string}`, found: Verification[]) => ({
  anchored: found.some((v) => v.verified),
  sha256,
  anchors: found,
});

export function evidenceEndpoints(evidence: EvidenceService, maxUploadBytes: number): Endpoint<never, never, never>[] {
  const caseParams = z.object({ caseId: schemas.bytes32 });
  const reportParams = z.object({ evidenceId: schemas.id });
  return [
    endpoint({
      method: "post",
      path: "/cases/:caseId/evidence",
      summary: "Submit a case document as evidence (the case's lawyer): its SHA-256 is queued for anchoring",
      tags: ["evidence"],
      params: caseParams,
      body: z.object({ documentId: schemas.bytes32.describe("An available document of the case") }),
      responses: {
        202: { description: "Queued: anchored with the case's next batch", body: itemView },
        403: { description: "NOT_A_PARTY or NOT_THE_LAWYER" },
        404: { description: "No such case or document" },
        409: { description: "ALREADY_EVIDENCE" },
      },
      handle: async ({ caller, params, body }) => {
        const item = await evidence.submit(
          params.caseId as `0x${string}`,
          body.documentId as `0x${string}`,
          caller.address,
        );
        return { status: 202, body: viewOf(item) };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/evidence",
      summary: "The case's evidence and where each item is anchored (the case's parties)",
      tags: ["evidence"],
      params: caseParams,
      responses: { 200: { description: "Evidence items", body: z.array(itemView) } },
      handle: async ({ caller, params }) => ({
        body: (await evidence.ofCase(params.caseId as `0x${string}`, caller.address)).map(({ item, anchor }) =>
          viewOf(item, anchor),
        ),
      }),
    }),
    endpoint({
      method: "get",
      path: "/evidence/:evidenceId/report",
      summary: "The court report of one piece of evidence, as JSON (the case's parties)",
      tags: ["evidence"],
      params: reportParams,
      responses: {
        200: { description: "The report, verified on chain now", body: z.record(z.string(), z.unknown()) },
        403: { description: "NOT_A_PARTY" },
        404: { description: "No such evidence" },
        409: { description: "NOT_ANCHORED_YET" },
      },
      handle: async ({ caller, params }) => ({ body: await evidence.report(params.evidenceId, caller.address) }),
    }),
    endpoint({
      method: "get",
      path: "/evidence/:evidenceId/report.html",
      summary: "The court report as a printable HTML page (the case's parties)",
      tags: ["evidence"],
      params: reportParams,
      responses: { 200: { description: "The page", contentType: "text/html" } },
      handle: async ({ res, caller, params }) => {
        res.type("text/html").send(courtReportHtml(await evidence.report(params.evidenceId, caller.address)));
        return undefined;
      },
    }),
    endpoint({
      method: "post",
      path: "/verify",
      summary: "Was a document (by its SHA-256) anchored, and when? Each proof is checked on chain now",
      tags: ["evidence"],
      auth: "public",
      body: z.object({ sha256: schemas.bytes32.describe("SHA-256 of the file's bytes") }),
      responses: { 200: { description: "The answer (anchored: false when nothing matches)", body: verification } },
      handle: async ({ body }) => {
        const sha256 = body.sha256.toLowerCase() as `0x${string}`;
        return { body: answer(sha256, await evidence.verify(sha256)) };
      },
    }),
    endpoint({
      method: "post",
      path: "/verify/file",
      summary: "Was this file anchored, and when? The raw body is the file; it is hashed, never stored",
      tags: ["evidence"],
      auth: "public",
      body: { raw: UPLOAD_MEDIA_TYPES, description: "The file's bytes" },
      responses: {
        200: { description: "The answer", body: verification },
        413: { description: "PAYLOAD_TOO_LARGE" },
      },
      handle: async ({ req, res }) => {
        const hash = createHash("sha256");
        let size = 0;
        try {
          for await (const chunk of req.iterator({ destroyOnReturn: false })) {
            size += (chunk as Buffer).length;
            if (size > maxUploadBytes) throw payloadTooLarge(maxUploadBytes);
            hash.update(chunk as Buffer);
          }
        } catch (error) {
          if (!req.complete) res.setHeader("Connection", "close");
          if (error instanceof AppError) throw error;
          throw badRequest("REQUEST_ABORTED", "The file was cut short.");
        }
        const sha256 = `0x${hash.digest("hex")}` as const;
        return { body: answer(sha256, await evidence.verify(sha256)) };
      },
    }),
  ] as Endpoint<never, never, never>[];
}
