/**
 * Endpoints are declared once, with zod schemas for their params, query and body: the same
 * declaration validates each request (400 naming the field on failure), authenticates it, and
 * describes the endpoint in the OpenAPI 3.1 document the gateway serves (`http/openapi.ts`).
 */
import { type Request, type RequestHandler, type Response, Router } from "express";
import { isAddress } from "viem";
import { type ZodType, z } from "zod";

import { badRequest, unsupportedMediaType } from "./errors.js";

/** Who is calling, as established by the identity component (`components/identity`). */
export interface Caller {
  /** The wallet that signed in (checksummed). */
  address: `0x${string}`;
  /** The session's id (for sign-out). */
  sessionId: string;
}

/** Turns a request into its caller, or throws 401. Supplied by the identity component. */
export type Authenticate = (req: Request) => Promise<Caller>;

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseSpec {
  description: string;
  /** JSON body schema; omit for empty or non-JSON bodies. */
  body?: ZodType;
  /** For non-JSON bodies, e.g. "application/octet-stream" or "text/html". */
  contentType?: string;
}

export interface HandlerContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  /** Present on endpoints with `auth: "session"` (the default). */
  caller: Caller;
}

/** A JSON reply; or `undefined` when the handler wrote the response itself (a stream). */
export type Reply = { status?: number; body?: unknown } | undefined;

export interface Endpoint<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Express path, e.g. "/cases/:caseId/documents". */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** "session" (default): needs a signed-in caller; "public": anyone. */
  auth?: "session" | "public";
  params?: ZodType<P>;
  query?: ZodType<Q>;
  /** A JSON body schema, or `{ raw }`: the body is streamed to the handler, in one of these types. */
  body?: ZodType<B> | { raw: readonly string[]; description: string };
  responses: Record<number, ResponseSpec>;
  /** Extra middleware run before validation (e.g. a rate limiter). */
  before?: RequestHandler[];
  handle(context: HandlerContext<P, Q, B>): Promise<Reply>;
}

/** Declares an endpoint with its types inferred from its schemas. */
export function endpoint<P = undefined, Q = undefined, B = undefined>(spec: Endpoint<P, Q, B>): Endpoint<P, Q, B> {
  return spec;
}

/** JSON with bigints as decimal strings (amounts are minor units; JSON numbers cannot hold them all). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: "params" | "query" | "body"): T {
  if (schema === undefined) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  const first = issues[0];
  throw badRequest(
    "VALIDATION_FAILED",
    first === undefined ? `Invalid ${where}.` : `Invalid ${first.field}: ${first.message}`,
    { issues },
  );
}

/** A non-empty body: chunked, or a Content-Length above zero. */
const hasBody = (req: Request) =>
  req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? "0") > 0;

function isRaw(body: Endpoint["body"]): body is { raw: readonly string[]; description: string } {
  return typeof body === "object" && body !== null && "raw" in body;
}

/** Mounts endpoints on a router: validation, authentication, JSON replies, errors to `next`. */
export function mount(endpoints: readonly Endpoint<never, never, never>[], authenticate: Authenticate): Router {
  const router = Router();
  for (const spec of endpoints as readonly Endpoint[]) {
    const handler: RequestHandler = async (req, res, next) => {
      try {
        const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() || undefined;
        if (isRaw(spec.body)) {
          if (type === undefined || !spec.body.raw.includes(type)) throw unsupportedMediaType(spec.body.raw, type);
        } else if (spec.body !== undefined && hasBody(req) && req.is("application/json") !== "application/json") {
          // A body in another type (a form, text, none declared) is refused rather than silently
          // ignored by the JSON parser and then reported as a missing body. An empty request goes on:
          // validation names the missing body.
          throw unsupportedMediaType(["application/json"], type);
        }
        const caller = spec.auth === "public" ? (undefined as unknown as Caller) : await authenticate(req);
        const reply = await spec.handle({
          req,
          res,
          caller,
          params: parse(spec.params, req.params, "params"),
          query: parse(spec.query, req.query, "query"),
          body: isRaw(spec.body) ? undefined : parse(spec.body as ZodType | undefined, req.body, "body"),
        });
        if (reply === undefined) return;
        res.status(reply.status ?? 200);
        if (reply.body === undefined) res.end();
        else res.type("application/json").send(toJson(reply.body));
      } catch (error) {
        next(error);
      }
    };
    router[spec.method](spec.path, ...(spec.before ?? []), handler);
  }
  return router;
}

/** Schemas shared by many endpoints. */
export const schemas = {
  address: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
    // Mixed case is an EIP-55 checksum: a wrong one is a typo, not another address.
    .refine(
      (value) => !/^0x[0-9a-fA-F]{40}$/.test(value) || isAddress(value, { strict: true }),
      "has a wrong EIP-55 checksum (mixed case)",
    )
    .describe("An Ethereum address (all lower case, or EIP-55 checksummed)"),
  bytes32: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string")
    .describe("32 bytes, hex"),
  signature: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2})+$/, "must be 0x-prefixed hex")
    .max(2 + 2 * 4096)
    .describe("A signature: 65 bytes for a plain key, any length for an ERC-1271 wallet"),
  /** Minor currency units (fen) as a decimal string: JSON numbers cannot hold every amount. */
  amount: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,19})$/, "must be a decimal integer string of minor units (fen)")
    .transform((value) => BigInt(value))
    .describe("An amount in minor currency units (fen), as a decimal string"),
  unixSeconds: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40 - 1)
    .describe("Unix time, seconds"),
  id: z.string().uuid().describe("A UUID"),
};
