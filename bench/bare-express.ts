/**
 * The baselines of `bench/gateway.ts`, as one bare Express 5 application with nothing else (no
 * session, no database, no logs, no metrics), run as its own process like the gateway so both are
 * measured from the same client the same way:
 *
 * - `GET /cases/:caseId/documents/:documentId` answers a fixed JSON body of the same shape and size as
 *   the gateway's document description (the authenticated read's baseline);
 * - `POST /sink` stores the raw body as durably as the gateway stores a blob — written to a temporary
 *   file, fsynced, renamed, the directory fsynced — with no cryptography, no SQL and no audit: the
 *   ceiling of any durable upload on this machine's loopback and disk.
 *
 * `node --import tsx bench/bare-express.ts <port> <json body> <sink directory>`.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { join } from "node:path";

import express from "express";

const port = Number(process.argv[2] ?? 0);
const body = process.argv[3] ?? "{}";
const sinkDir = process.argv[4];

const app = express();
app.get("/cases/:caseId/documents/:documentId", (_req, res) => {
  res.type("application/json").send(body);
});
if (sinkDir !== undefined) {
  mkdirSync(sinkDir, { recursive: true });
  app.post("/sink", async (req, res) => {
    const name = randomBytes(16).toString("hex");
    const temporary = join(sinkDir, `${name}.part`);
    const file = await open(temporary, "wx", 0o600);
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    await file.writev(parts);
    await file.datasync();
    await file.close();
    await rename(temporary, join(sinkDir, name));
    const dir = await open(sinkDir, "r");
    await dir.sync();
    await dir.close();
    res.status(201).end();
  });
}
const server = app.listen(port, "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
