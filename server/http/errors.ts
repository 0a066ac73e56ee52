/**
 * Every error a client can receive has one JSON shape — `{"error": {"code", "message", "details"}}` —
 * with a stable `code` (each one listed in docs/api.md) and an HTTP status. Components throw
 * `AppError`s; `errorHandler` turns them, Express's own parsing errors and an unreachable chain node
 * into responses. Anything else is a bug: logged with its stack, answered as a bare 500 that reveals
 * nothing.
 */
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { HttpRequestError, SocketClosedError, TimeoutError, WebSocketRequestError } from "viem";

export interface ErrorBody {
  /** `details` is always present: an empty object when there is nothing to add. */
  error: { code: string; message: string; details: unknown };
}

export class AppError extends Error {
  override readonly name = "AppError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details ?? {} } };
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthenticated = (message = "Sign in first: this request needs a session.", code = "UNAUTHENTICATED") =>
  new AppError(401, code, message);
export const forbidden = (message: string, code = "FORBIDDEN", details?: unknown) =>
  new AppError(403, code, message, details);
export const notFound = (what: string, details?: unknown) =>
  new AppError(404, "NOT_FOUND", `${what} not found.`, details);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const payloadTooLarge = (limit: number) =>
  new AppError(413, "PAYLOAD_TOO_LARGE", `The body exceeds the limit of ${limit} bytes.`, { limit });
export const unsupportedMediaType = (expected: readonly string[], got: string | undefined) =>
  new AppError(415, "UNSUPPORTED_MEDIA_TYPE", `Send the body as ${expected.join(" or ")}.`, {
    expected,
    got: got ?? null,
  });
export const chainUnavailable = (cause?: unknown) =>
  new AppError(
    503,
    "CHAIN_UNAVAILABLE",
    "The blockchain node does not answer at the moment, so this request cannot be checked or carried out. " +
      "Nothing was changed; try again shortly.",
    undefined,
    { cause },
  );

/** Causes followed at most (a guard against a cyclic `cause` chain). */
const MAX_CAUSES = 16;

/**
 * True when `error`, or an error in its `cause` chain, is a transport failure reaching the chain's
 * JSON-RPC node (refused connection, timeout, closed socket, an HTTP error from the node or a proxy).
 * A call the node answered — a revert, a JSON-RPC error — is not one: that is the component's to map.
 */
export function isChainUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && typeof current === "object" && current !== null; depth += 1) {
    if (
      current instanceof HttpRequestError ||
      current instanceof TimeoutError ||
      current instanceof WebSocketRequestError ||
      current instanceof SocketClosedError
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Express's body parsers tag their errors with `type`; map the ones a client can cause. */
function fromParserError(error: unknown): AppError | undefined {
  if (typeof error !== "object" || error === null || !("type" in error)) return undefined;
  const { type, limit } = error as { type: unknown; limit?: number };
  if (type === "entity.too.large") return payloadTooLarge(limit ?? 0);
  if (type === "entity.parse.failed") return badRequest("MALFORMED_JSON", "The request body is not valid JSON.");
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return new AppError(415, "UNSUPPORTED_MEDIA_TYPE", "The body's encoding or charset is not supported.");
  }
  if (type === "request.aborted") return badRequest("REQUEST_ABORTED", "The client aborted the request.");
  return undefined;
}

/**
 * Other 4xx errors raised by Express itself (e.g. a path parameter that is not valid percent-encoding,
 * `/cases/%E0%A4%A`): the client's fault, answered without repeating their internal message.
 */
function fromHttpError(error: unknown): AppError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  if (typeof status !== "number" || status < 400 || status > 499) return undefined;
  return badRequest("MALFORMED_REQUEST", "The request could not be read (its URL, headers or body are malformed).");
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let known: AppError | undefined;
    if (error instanceof AppError) known = error;
    else if (isChainUnavailable(error)) known = chainUnavailable(error);
    else known = fromParserError(error) ?? fromHttpError(error);

    if (known === undefined) {
      logger.error({ err: error, requestId: req.id }, "unhandled error");
    } else if (known.code === "CHAIN_UNAVAILABLE") {
      const cause = known.cause instanceof Error ? known.cause : undefined;
      logger.warn({ requestId: req.id, cause: cause?.message }, "chain node unavailable");
    } else if (known.status >= 500) {
      logger.error({ err: known.cause ?? known, requestId: req.id, code: known.code }, known.message);
    }
    const answer = known ?? new AppError(500, "INTERNAL", "Something went wrong on our side; it has been logged.");
    if (res.headersSent) {
      // A streamed response already started: the only honest signal left is to cut the connection.
      res.destroy(error instanceof Error ? error : undefined);
      return;
    }
    if (answer.status === 503) res.setHeader("Retry-After", "5");
    res.status(answer.status).json(answer.toBody());
  };
}
