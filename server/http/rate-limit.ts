/** Rate limits answering with the gateway's error shape (429 RATE_LIMITED). */
import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";

import { AppError } from "./errors.js";

export function perMinute(limit: number, what: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new AppError(429, "RATE_LIMITED", `Too many ${what}: at most ${limit} a minute. Try again shortly.`)),
  });
}
