/** The read-model endpoints: agreement compliance, platform portfolio, case timeline, indexer progress. */
import { z } from "zod";

import { type Endpoint, endpoint, schemas } from "../../http/api.js";
import type { AgreementAnswer, IndexerService } from "./service.js";
import type { TimelineEvent } from "./repository.js";

const asOfQuery = z
  .string()
  .regex(/^[0-9]{1,12}$/, "must be Unix seconds")
  .transform(Number)
  .optional()
  .describe("Unix seconds to compute compliance at (default: now)");

const agreementView = (answer: AgreementAnswer) => {
  const { record, figures } = answer;
  return {
    settlementId: record.settlementId,
    caseId: record.caseId,
    amends: record.amends,
    parties: {
      borrower: { address: record.borrower, accountId: record.borrowerId },
      platform: { address: record.platform, accountId: record.platformId },
      lawyer: { address: record.lawyer, accountId: record.lawyerId },
    },
    registered: { at: record.registeredAt, blockNumber: record.blockNumber },
    periods: { grace: record.gracePeriod, cure: record.curePeriod, contestWindow: record.contestWindow },
    asOf: answer.asOf,
    compliance: {
      status: answer.status,
      standing: figures.standing,
      totalDue: figures.totalDue,
      paidTotal: figures.paidTotal,
      dueToDate: figures.dueToDate,
      arrears: figures.arrears,
      daysOverdue: figures.daysOverdue,
      nextInstalment: figures.nextInstalment,
    },
    instalments: figures.instalments,
    payments: record.payments,
    ...(answer.crossCheck === undefined ? {} : { crossCheck: answer.crossCheck }),
  };
};

/** Timeline entries: what happened, when (block time), where (block, transaction). */
const timelineView = (event: TimelineEvent) => ({
  at: event.blockTime,
  event: event.name,
  settlementId: event.settlementId,
  blockNumber: event.blockNumber,
  logIndex: event.logIndex,
  txHash: event.txHash,
  details: event.args,
});

const amountsView = z.object({
  count: z.number(),
  totalDue: z.string(),
  paid: z.string(),
  outstanding: z.string(),
  arrears: z.string(),
});

export function indexerEndpoints(service: IndexerService): Endpoint<never, never, never>[] {
  return [
    endpoint({
      method: "get",
      path: "/agreements/:settlementId",
      summary: "An agreement's compliance, instalment table and payments, from the indexer (its parties)",
      tags: ["indexer"],
      params: z.object({ settlementId: schemas.bytes32 }),
      query: z.object({
        asOf: asOfQuery,
        crossCheck: z
          .enum(["true", "false"])
          .optional()
          .describe("true: also compare with the registry's own views read by eth_call at the indexed block"),
      }),
      responses: {
        200: {
          description: "Compliance (amounts in minor units, as strings)",
          body: z.record(z.string(), z.unknown()),
        },
        403: { description: "NOT_A_PARTY" },
        404: { description: "Not indexed (not registered, or not indexed yet)" },
        503: { description: "CROSS_CHECK_UNAVAILABLE" },
      },
      handle: async ({ caller, params, query }) => ({
        body: agreementView(
          await service.agreement(caller.address, params.settlementId as `0x${string}`, {
            asOf: query.asOf,
            crossCheck: query.crossCheck === "true",
          }),
        ),
      }),
    }),
    endpoint({
      method: "get",
      path: "/portfolio",
      summary: "The caller's platform's agreements: performing, in arrears, in default, completed, closed",
      tags: ["indexer"],
      query: z.object({ asOf: asOfQuery }),
      responses: {
        200: {
          description: "Counts and amounts per bucket, and each agreement's standing",
          body: z.object({
            platformId: z.number(),
            asOf: z.number(),
            buckets: z.record(z.string(), amountsView),
            agreements: z.array(z.record(z.string(), z.unknown())),
          }),
        },
        403: { description: "NOT_A_PLATFORM" },
      },
      handle: async ({ caller, query }) => {
        const portfolio = await service.portfolio(caller.address, query.asOf);
        return {
          body: {
            ...portfolio,
            agreements: portfolio.agreements.map(({ record, status, figures, bucket }) => ({
              settlementId: record.settlementId,
              caseId: record.caseId,
              bucket,
              status,
              standing: figures.standing,
              totalDue: figures.totalDue,
              paidTotal: figures.paidTotal,
              arrears: figures.arrears,
              daysOverdue: figures.daysOverdue,
            })),
          },
        };
      },
    }),
    endpoint({
      method: "get",
      path: "/cases/:caseId/timeline",
      summary: "The case's on-chain history in order: registrations, payments, contests, status changes, anchors",
      tags: ["indexer"],
      params: z.object({ caseId: schemas.bytes32 }),
      responses: {
        200: { description: "Events, oldest first", body: z.array(z.record(z.string(), z.unknown())) },
        403: { description: "NOT_A_PARTY" },
        404: { description: "No such case" },
      },
      handle: async ({ caller, params }) => ({
        body: (await service.timeline(caller.address, params.caseId as `0x${string}`)).map(timelineView),
      }),
    }),
    endpoint({
      method: "get",
      path: "/indexer",
      summary: "How far the indexer has read the chain",
      tags: ["indexer"],
      auth: "public",
      responses: {
        200: {
          description: "The checkpoint (last block indexed), the newest final block, and the gap",
          body: z.object({
            checkpoint: z.object({ blockNumber: z.number(), blockHash: z.string() }).nullable(),
            finalHead: z.number().nullable(),
            behind: z.number().nullable(),
          }),
        },
      },
      handle: async () => ({ body: await service.progress() }),
    }),
  ] as Endpoint<never, never, never>[];
}
