/**
 * Every error a client can receive has one JSON shape — `{"error": {"code", "message", "details"}}` —
 * with a stable `code` (documented in docs/api-errors.md) and an HTTP status. Components throw
 * `AppError`s; `errorHandler` turns them (and Express's own parsing errors) into responses. Anything
 * else is a bug: logged with its stack, answered as a bare 500 that reveals nothing.
 */
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
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
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
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

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof AppError ? error : fromParserError(error);
    if (known === undefined) {
      logger.error({ err: error, requestId: req.id }, "unhandled error");
    } else if (known.status >= 500) {
      logger.error({ err: known.cause ?? known, requestId: req.id, code: known.code }, known.message);
    }
    const answer = known ?? new AppError(500, "INTERNAL", "Something went wrong on our side; it has been logged.");
    if (res.headersSent) {
      // A streamed response already started: the only honest signal left is to cut the connection.
      res.destroy(error instanceof Error ? error : undefined);
      return;
    }
    res.status(answer.status).json(answer.toBody());
  };
}
