/**
 * Files in and out over HTTP, for every endpoint that stores or serves a document (case documents,
 * the committee's written resolutions): the accepted media types and file names, a streamed upload
 * that refuses an oversized declaration before reading and says when the client cut it short, and a
 * download of a decrypted, verified document with its digest.
 */
import { pipeline } from "node:stream/promises";

import type { Request, Response } from "express";
import { z } from "zod";

import { AppError, badRequest, payloadTooLarge } from "../../http/errors.js";
import type { OpenedDocument } from "./service.js";

/** Media types accepted for upload (the document's type is kept and served back). */
export const UPLOAD_MEDIA_TYPES = [
  "application/pdf",
  "application/octet-stream",
  "image/png",
  "image/jpeg",
  "text/plain",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
] as const;

export const documentName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine(
    (name) => ![...name].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f" || c === "/" || c === "\\"),
    "must not contain control characters, / or \\",
  )
  .describe("The file name shown to the parties (no path)");

/** What `receiveUpload` hands to the store: the body as it arrives, and its media type. */
export interface IncomingFile {
  mediaType: string;
  source: AsyncIterable<Uint8Array>;
}

/**
 * Runs `store` over the request's body. A declared size over the limit is refused before reading;
 * an upload the client cut short becomes 400 REQUEST_ABORTED (the store leaves nothing behind).
 */
export async function receiveUpload<T>(
  req: Request,
  res: Response,
  maxUploadBytes: number,
  store: (file: IncomingFile) => Promise<T>,
): Promise<T> {
  try {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > maxUploadBytes) throw payloadTooLarge(maxUploadBytes);
    return await store({
      mediaType: req.headers["content-type"]!.split(";")[0]!.trim().toLowerCase(),
      // Not destroyed when the upload stops reading early (413, 403): the answer still goes out.
      source: req.iterator({ destroyOnReturn: false }),
    });
  } catch (error) {
    // Whatever of the body was not read is not worth reading: answer and close.
    if (!req.complete) res.setHeader("Connection", "close");
    if (!(error instanceof AppError) && (req.destroyed || !req.complete)) {
      throw badRequest("REQUEST_ABORTED", "The upload was cut short; nothing was stored.");
    }
    throw error;
  }
}

/** `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 8187). */
function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Streams an opened document (verified segment by segment) with its type, size, name and SHA-256. */
export async function sendDocument(req: Request, res: Response, opened: OpenedDocument): Promise<undefined> {
  const info = opened.document;
  res.status(200);
  res.setHeader("Content-Type", info.mediaType);
  res.setHeader("Content-Length", String(info.size));
  res.setHeader("Content-Disposition", contentDisposition(info.name));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "private, no-store");
  res.setHeader("Repr-Digest", `sha-256=:${Buffer.from(info.sha256.slice(2), "hex").toString("base64")}:`);
  try {
    await pipeline(async function* () {
      yield* opened.head;
      yield* opened.rest;
    }, res);
  } catch (error) {
    // A client that went away is not an error of ours; corruption is (the error handler cuts the connection).
    if (error instanceof AppError || !req.socket.destroyed) throw error;
  }
  return undefined;
}
