/**
 * The web portal's static files (`web/`, built by `npm run build:web` into `web/dist`), served under
 * `/portal/` so that they never collide with an API route; `/` redirects there. The portal routes in
 * the URL's fragment (`/portal/#/cases/…`), so the server knows nothing of its pages. Files are served
 * with a strict Content-Security-Policy: the portal loads only its own scripts and styles and talks
 * only to this gateway.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import express, { type RequestHandler, Router } from "express";

import { AppError } from "./errors.js";

export const PORTAL_PATH = "/portal";

/** `web/dist` of this checkout. */
export const PORTAL_DIR = fileURLToPath(new URL("../../web/dist", import.meta.url));

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  next();
};

/** Serves the built portal from `dir`; a missing build answers 404 saying how to build it. */
export function portal(dir: string = PORTAL_DIR): Router {
  const router = Router();
  router.get("/", (_req, res) => res.redirect(302, `${PORTAL_PATH}/`));
  router.use(
    PORTAL_PATH,
    securityHeaders,
    express.static(dir, {
      index: "index.html",
      // Vite names assets by their content hash: they never change. index.html is checked each time.
      setHeaders: (res, path) =>
        res.setHeader(
          "Cache-Control",
          path.includes(`${join("dist", "assets")}`) ? "public, max-age=31536000, immutable" : "no-cache",
        ),
    }),
    (req, _res, next) =>
      next(
        existsSync(join(dir, "index.html"))
          ? new AppError(404, "NOT_FOUND", `No file ${req.originalUrl} in the portal.`)
          : new AppError(404, "NOT_FOUND", "The portal is not built: run `npm run build:web`, then reload."),
      ),
  );
  return router;
}
