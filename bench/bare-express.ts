/**
 * The baseline of `bench/gateway.ts`'s authenticated reads: a bare Express 5 application with one
 * handler answering the same path with a JSON body of the same shape and size as the gateway's
 * document description, and nothing else (no session, no database, no logs, no metrics). Run as its
 * own process, like the gateway, so both are measured from the same client the same way.
 *
 * `node --import tsx bench/bare-express.ts <port> <json body>`; prints "listening <port>" when ready.
 */
import express from "express";

const port = Number(process.argv[2] ?? 0);
const body = process.argv[3] ?? "{}";

const app = express();
app.get("/cases/:caseId/documents/:documentId", (_req, res) => {
  res.type("application/json").send(body);
});
const server = app.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address !== null ? address.port : port}`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
