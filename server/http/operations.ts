/**
 * Operational plumbing shared by every request: request ids, structured logs, Prometheus metrics,
 * and the liveness/health endpoints.
 */
import { randomUUID } from "node:crypto";

import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { Counter, Histogram, type Registry } from "prom-client";

import type { Context } from "../context.js";
import { type Endpoint, endpoint, schemas } from "./api.js";
import { z } from "zod";

const requestIdPattern = /^[A-Za-z0-9._-]{1,128}$/;

declare module "node:http" {
  interface IncomingMessage {
    /** The request id (`requestLogging`): in every log line about the request, and in `X-Request-Id`. */
    id: string;
  }
}

/**
 * Assigns the request id (`req.id`: the client's `X-Request-Id` when it is sane, else a fresh UUID),
 * echoes it back, and logs each request once it is over, as one JSON line (pino): request id, method,
 * URL, status, milliseconds, and whether the client went away first. Never headers or bodies: they
 * carry session tokens and signed payloads. A small middleware rather than pino-http, whose per-request
 * child logger cost more than the rest of a simple read.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers["x-request-id"];
    const id = typeof given === "string" && requestIdPattern.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader("X-Request-Id", id);
    const started = process.hrtime.bigint();
    // "close" comes after "finish" for a completed response, and alone for one cut short.
    res.once("close", () => {
      const line = {
        requestId: id,
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (res.statusCode >= 500) logger.error(line, "request failed");
      else logger.info(line, "request completed");
    });
    next();
  };
}

/** Counts and times requests by route pattern (not by URL: ids would explode the label space). */
export function requestMetrics(registry: Registry): RequestHandler {
  const requests = new Counter({
    name: "hejie_http_requests_total",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "hejie_http_request_duration_seconds",
    help: "HTTP request duration by method and route",
    labelNames: ["method", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const route = req.route?.path === undefined ? "unmatched" : `${req.baseUrl}${String(req.route.path)}`;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      requests.inc({ method: req.method, route, status: res.statusCode });
      duration.observe({ method: req.method, route }, seconds);
    });
    next();
  };
}

const healthBody = z.object({
  status: z.enum(["ok", "unavailable"]),
  checks: z.object({
    database: z.string().describe('"ok", or why not'),
    chain: z.string().describe('"ok", or why not (no answer, wrong chain id, no registry contract)'),
  }),
});

/** What the documentation endpoints serve: the OpenAPI document and its page (built after the endpoints). */
export interface Documentation {
  document(): unknown;
  page(): string;
}

/**
 * `GET /live`: the process answers. `GET /health` (readiness): the database answers and the chain
 * answers with the configured chain id and has the registry deployed. `GET /metrics`: Prometheus.
 * `GET /openapi.json` and `GET /docs`: this API's description.
 */
export function operationsEndpoints(context: Context, documentation: Documentation): Endpoint<never, never, never>[] {
  return [
    endpoint({
      method: "get",
      path: "/live",
      summary: "Liveness: the process is up",
      tags: ["operations"],
      auth: "public",
      responses: { 200: { description: "Up", body: z.object({ status: z.literal("ok") }) } },
      handle: async () => ({ body: { status: "ok" } }),
    }),
    endpoint({
      method: "get",
      path: "/health",
      summary: "Readiness: the database answers, the chain answers with the configured chain id and holds the registry",
      description: "Reasons are for operators and reveal no internal message; details go to the log.",
      tags: ["operations"],
      auth: "public",
      responses: {
        200: { description: "Everything is up", body: healthBody },
        503: { description: "A dependency is down", body: healthBody },
      },
      handle: async () => {
        const checks = { database: "ok", chain: "ok" };
        try {
          await context.db.get("SELECT 1 AS one");
        } catch (error) {
          context.logger.error({ err: error }, "health: the database does not answer");
          checks.database = "unavailable: the database does not answer";
        }
        try {
          const chainId = await context.chain.public.getChainId();
          if (chainId !== context.config.chain.chainId) {
            checks.chain = `wrong chain: the node says chain id ${chainId}, the gateway expects ${context.config.chain.chainId}`;
          } else {
            const code = await context.chain.public.getCode({ address: context.config.contracts.registry });
            if (code === undefined || code === "0x") checks.chain = "no contract at the configured registry address";
          }
        } catch (error) {
          context.logger.warn({ err: error }, "health: the chain node does not answer");
          checks.chain = "unavailable: the JSON-RPC endpoint does not answer";
        }
        const ok = checks.database === "ok" && checks.chain === "ok";
        return { status: ok ? 200 : 503, body: { status: ok ? "ok" : "unavailable", checks } };
      },
    }),
    endpoint({
      method: "get",
      path: "/chain",
      summary: "The chain the gateway works on and its contracts: what a wallet, a script or a court checks against",
      tags: ["operations"],
      auth: "public",
      responses: {
        200: {
          description: "Chain id and contract addresses (from the gateway's configuration)",
          body: z.object({
            chainId: z.number(),
            contracts: z.object({
              registry: schemas.address.describe("HejieRegistry (members and settlements)"),
              evidence: schemas.address.describe("EvidenceRegistry"),
              accessManager: schemas.address.describe("AccessManager"),
              caseRegistry: schemas.address.describe("CaseRegistry (mediation cases, standstills, disputes)"),
            }),
          }),
        },
      },
      handle: async () => ({
        body: { chainId: context.config.chain.chainId, contracts: context.config.contracts },
      }),
    }),
    endpoint({
      method: "get",
      path: "/metrics",
      summary: "Prometheus metrics (requests by route and status, durations, process figures)",
      description: "Labels are route patterns, never URLs or addresses: no personal data.",
      tags: ["operations"],
      auth: "public",
      responses: { 200: { description: "The Prometheus text format", contentType: "text/plain" } },
      handle: async ({ res }) => {
        res.type(context.metrics.contentType).send(await context.metrics.metrics());
        return undefined;
      },
    }),
    endpoint({
      method: "get",
      path: "/openapi.json",
      summary: "This API's OpenAPI 3.1 document",
      tags: ["operations"],
      auth: "public",
      responses: { 200: { description: "The OpenAPI document", contentType: "application/json" } },
      handle: async () => ({ body: documentation.document() }),
    }),
    endpoint({
      method: "get",
      path: "/docs",
      summary: "This API's documentation as a readable page (every endpoint, its parameters, body and responses)",
      tags: ["operations"],
      auth: "public",
      responses: { 200: { description: "An HTML page", contentType: "text/html" } },
      handle: async ({ res }) => {
        res.type("text/html").send(documentation.page());
        return undefined;
      },
    }),
  ] as Endpoint<never, never, never>[];
}
