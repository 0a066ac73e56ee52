/** The payments endpoints: a platform's payment system posts signed reports and follows them. */
import type { RequestHandler } from "express";
import { z } from "zod";

import type { Db } from "../../db/database.js";
import { type Endpoint, endpoint, schemas } from "../../http/api.js";
import { badRequest, forbidden, notFound } from "../../http/errors.js";
import type { MemberDirectory } from "../identity/roles.js";
import type { PaymentIntake } from "./intake.js";
import { type StoredReport, findReport } from "./repository.js";

const reportView = z.object({
  id: schemas.bytes32.describe("The report's EIP-712 digest: what the oracle signed"),
  settlementId: schemas.bytes32,
  sequence: z.number(),
  amount: z.string().describe("Fen, decimal string"),
  paidAt: z.number().describe("Unix seconds"),
  oracle: schemas.address.describe("The ORACLE key that signed"),
  state: z
    .enum(["accepted", "submitted", "recorded", "failed"])
    .describe(
      "accepted: stored, waiting for its turn · submitted: in a transaction · recorded: on chain · " +
        "failed: the registry refused it (see `error`); its sequence number is free for a corrected report",
    ),
  receivedAt: z.number().describe("Unix milliseconds"),
  txHash: schemas.bytes32.nullable().describe("The recording transaction, when the gateway sent it"),
  blockNumber: z.number().nullable(),
  error: z.object({ name: z.string(), args: z.array(z.unknown()) }).nullable(),
});

const viewOf = (report: StoredReport) => ({
  id: report.id,
  settlementId: report.settlementId,
  sequence: report.sequence,
  amount: report.amount.toString(),
  paidAt: report.paidAt,
  oracle: report.oracle,
  state: report.state,
  receivedAt: report.receivedAt,
  txHash: report.txHash,
  blockNumber: report.blockNumber,
  error: report.error,
});

export function paymentsEndpoints(
  intake: PaymentIntake,
  db: Db,
  members: MemberDirectory,
  limiter: RequestHandler,
): Endpoint<never, never, never>[] {
  return [
    endpoint({
      method: "post",
      path: "/payments/reports",
      summary: "Post a payment report signed by the platform's ORACLE key (the platform's payment system)",
      description:
        "The body is the EIP-712 PaymentReport the registry verifies (domain: the registry's) and the oracle's " +
        "65-byte signature. No session: the signature is the credential. Stored before the answer (202); the " +
        "same report posted again answers its current state (200) and never counts twice.",
      tags: ["payments"],
      auth: "public",
      before: [limiter],
      body: z.object({
        settlementId: schemas.bytes32,
        sequence: z.number().int().min(0).max(65_534).describe("0, 1, 2, … per agreement, in reporting order"),
        amount: schemas.amount,
        paidAt: schemas.unixSeconds,
        bankReference: schemas.bytes32.describe("Salted hash of the bank transaction reference (never the reference)"),
        signature: schemas.signature,
      }),
      responses: {
        200: { description: "Known already: its current state", body: reportView },
        202: { description: "Accepted: it will be recorded on chain", body: reportView },
        400: { description: "Malformed, future-dated, overpaying or badly signed (the code says which)" },
        403: { description: "Not signed by an active ORACLE key of the agreement's platform" },
        404: { description: "No such agreement" },
        409: { description: "Sequence number taken or recorded, or the agreement takes no payments" },
        429: { description: "Too many reports from this client this minute" },
      },
      handle: async ({ body }) => {
        if (body.amount === 0n) {
          throw badRequest("ZERO_PAYMENT", "A payment of zero is no payment.", { field: "body.amount" });
        }
        const { report, created } = await intake.accept({
          settlementId: body.settlementId as `0x${string}`,
          sequence: body.sequence,
          amount: body.amount,
          paidAt: body.paidAt,
          bankReference: body.bankReference as `0x${string}`,
          signature: body.signature as `0x${string}`,
        });
        return { status: created ? 202 : 200, body: viewOf(report) };
      },
    }),
    endpoint({
      method: "get",
      path: "/payments/reports/:reportId",
      summary: "A payment report's state (keys of the agreement's platform: its platform key or oracle keys)",
      tags: ["payments"],
      params: z.object({ reportId: schemas.bytes32 }),
      responses: {
        200: { description: "The report", body: reportView },
        403: { description: "NOT_THE_PLATFORM" },
        404: { description: "No such report" },
      },
      handle: async ({ caller, params }) => {
        const report = await findReport(db, params.reportId);
        if (report === undefined) throw notFound("Payment report", { reportId: params.reportId });
        const { key } = await members.lookup(caller.address);
        if (key.status !== "Active" || key.accountId !== report.platformId) {
          throw forbidden("Only the agreement's platform follows its payment reports.", "NOT_THE_PLATFORM");
        }
        return { body: viewOf(report) };
      },
    }),
  ] as Endpoint<never, never, never>[];
}
