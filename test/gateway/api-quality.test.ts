/**
 * API quality over real HTTP: bad input never causes a 500 and every refusal has the one error shape
 * `{"error": {"code", "message", "details"}}` revealing nothing internal; request ids; metrics; the
 * OpenAPI document and its page; health and liveness; a chain outage answered 503; an internal error
 * answered as a bare 500; the sign-in rate limiter. The tests run in order: the chain is stopped near
 * the end, and the rate limiter's budget is spent last.
 */
import { randomBytes } from "node:crypto";

import { expect } from "chai";
import { pino } from "pino";

import { expectError } from "./assertions.js";
import { type ApiResponse, call, challengeFor, signIn } from "../../protocol/gateway-client.js";
import { ManualClock, type System, startSystem, wallets } from "./harness.js";
import { caseRegistryOf } from "../helpers/cases.js";

interface Operation {
  operationId: string;
  summary: string;
  security: Record<string, string[]>[];
  parameters: { name: string; in: string; required: boolean; schema?: unknown }[];
  requestBody?: { required: boolean; content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  security: unknown;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const SIGN_IN_LIMIT = 3;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** Every `$ref` string anywhere in `value`. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "$ref" && typeof inner === "string" ? [inner] : refsIn(inner),
  );
}

describe("gateway: API quality", function () {
  this.timeout(120_000);
  const clock = new ManualClock();
  let system: System;
  /** A lawyer's session (any session passes authentication; the lawyer may also open cases). */
  let token: string;
  let openapi: OpenApi;
  /** Every line the gateway logged. */
  const logLines: Record<string, unknown>[] = [];

  const operations = () =>
    Object.entries(openapi.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );

  before(async () => {
    system = await startSystem({
      clock,
      env: { HEJIE_SIGN_IN_RATE_LIMIT: String(SIGN_IN_LIMIT) },
      logger: pino({ level: "info" }, { write: (line: string) => logLines.push(JSON.parse(line)) }),
    });
    token = await signIn(system.url, wallets.lawyer);
    openapi = (await call<OpenApi>(system.url, "GET", "/openapi.json")).body;
  });
  after(async () => {
    await system?.stop(); // the chain was stopped below: stopping it again is a no-op
  });

  it("answers malformed JSON with 400 MALFORMED_JSON", async () => {
    for (const body of ["{", '{"title": "x",}', "nul", "'single'", "[1, 2", "{} {}", "\u0000"]) {
      expectError(
        await call(system.url, "POST", "/cases", { token, body, contentType: "application/json" }),
        400,
        "MALFORMED_JSON",
      );
    }
    // Parsed before any route: the same for an unknown path and without a session.
    expectError(
      await call(system.url, "POST", "/nowhere", { body: "{", contentType: "application/json" }),
      400,
      "MALFORMED_JSON",
    );
  });

  it("answers wrong types and missing fields with 400 VALIDATION_FAILED, naming every field", async () => {
    const refused = expectError(
      await call(system.url, "POST", "/cases", { token, json: { title: 42, platforms: "0x12" } }),
      400,
      "VALIDATION_FAILED",
    );
    const fields = (refused.error.details.issues as { field: string; message: string }[]).map((issue) => issue.field);
    expect(fields).to.have.members(["body.title", "body.borrower", "body.platforms"]);
    expect(refused.error.message).to.match(/^Invalid body\.(title|borrower|platforms): /);

    const nested = expectError(
      await call(system.url, "POST", "/cases", {
        token,
        json: { title: "t", borrower: wallets.borrower.address, platforms: [wallets.platform.address, "0xnope"] },
      }),
      400,
      "VALIDATION_FAILED",
    );
    expect(nested.error.details.issues).to.deep.equal([
      { field: "body.platforms.1", message: "must be a 0x-prefixed 20-byte hex address" },
    ]);

    for (const json of [null, [], "text", 7, {}, true]) {
      expectError(await call(system.url, "POST", "/cases", { token, json }), 400, "VALIDATION_FAILED");
    }
    // No body at all: the body is named as missing.
    const missing = expectError(await call(system.url, "POST", "/cases", { token }), 400, "VALIDATION_FAILED");
    expect(missing.error.details.issues).to.have.length.greaterThan(0);

    const param = expectError(await call(system.url, "GET", "/cases/0x12", { token }), 400, "VALIDATION_FAILED");
    expect(param.error.details.issues).to.deep.equal([
      { field: "params.caseId", message: "must be a 0x-prefixed 32-byte hex string" },
    ]);
  });

  it("answers an unknown route, or a known path with another method, with 404 NOT_FOUND", async () => {
    expectError(await call(system.url, "GET", "/nowhere"), 404, "NOT_FOUND");
    expectError(await call(system.url, "GET", "/cases/0x12/nothing", { token }), 404, "NOT_FOUND");
    expectError(await call(system.url, "DELETE", "/auth/me", { token }), 404, "NOT_FOUND");
    expectError(await call(system.url, "PUT", "/live"), 404, "NOT_FOUND");
  });

  it("refuses a body that is not JSON on a JSON endpoint with 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const json = JSON.stringify({
      title: "t",
      borrower: wallets.borrower.address,
      platforms: [wallets.platform.address],
    });
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/octet-stream",
      "application/xml",
    ]) {
      const refused = expectError(
        await call(system.url, "POST", "/cases", { token, body: json, contentType }),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      );
      expect(refused.error.details).to.deep.equal({ expected: ["application/json"], got: contentType });
    }
    // A body without any content type.
    const untyped = expectError(
      await call(system.url, "POST", "/cases", { token, body: new Blob([json]) }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expect(untyped.error.details).to.deep.equal({ expected: ["application/json"], got: null });
    // JSON in a charset other than UTF-8.
    expectError(
      await call(system.url, "POST", "/cases", { token, body: json, contentType: "application/json; charset=latin1" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    // JSON with a charset parameter is JSON.
    const opened = await call(system.url, "POST", "/cases", {
      token,
      body: json,
      contentType: "application/json; charset=utf-8",
    });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
  });

  it("refuses an oversized JSON body with 413 PAYLOAD_TOO_LARGE", async () => {
    const title = "x".repeat(1024 * 1024 + 1);
    const refused = expectError(
      await call(system.url, "POST", "/cases", {
        token,
        json: { title, borrower: wallets.borrower.address, platforms: [] },
      }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    expect(refused.error.details).to.deep.equal({ limit: 1024 * 1024 });
  });

  it("answers a path that is not valid percent-encoding with 400 MALFORMED_REQUEST", async () => {
    expectError(await call(system.url, "GET", "/cases/%E0%A4%A", { token }), 400, "MALFORMED_REQUEST");
    expectError(await call(system.url, "GET", "/cases/%zz", { token }), 400, "MALFORMED_REQUEST");
  });

  it("every endpoint that needs a session refuses a request without one (401 UNAUTHENTICATED)", async () => {
    const guarded = operations().filter(({ operation }) => operation.security.length > 0);
    expect(guarded.length).to.be.greaterThan(3);
    for (const { path, method, operation } of guarded) {
      const url = path.replace(/\{[^}]+\}/g, "0x" + "11".repeat(32));
      const types = Object.keys(operation.requestBody?.content ?? {});
      const type = types[0];
      const answer = await call(system.url, method.toUpperCase(), url, {
        ...(type === undefined ? {} : { body: type === "application/json" ? "{}" : "data", contentType: type }),
      });
      expectError(answer, 401, "UNAUTHENTICATED");
      for (const garbage of ["Bearer nonsense", "Basic dXNlcjpwYXNz"]) {
        const refused = await call(system.url, method.toUpperCase(), url, {
          headers: { authorization: garbage },
          ...(type === undefined ? {} : { body: type === "application/json" ? "{}" : "data", contentType: type }),
        });
        expectError(refused, 401, "SESSION_INVALID");
      }
    }
  });

  it("bad input never causes a 500: garbage in every parameter and body of every endpoint", async () => {
    const garbageStrings = [
      "",
      " ",
      "0x",
      "-1",
      "1e309",
      "null",
      "%00",
      "..%2f..%2fetc",
      "' OR 1=1 --",
      "💥".repeat(50),
      "x".repeat(5000),
    ];
    const garbageBodies: unknown[] = [
      null,
      [],
      0,
      "x",
      { a: { b: { c: [] } } },
      { title: [], borrower: {}, platforms: [null] },
    ];
    let requests = 0;
    for (const { path, method, operation } of operations()) {
      const params = operation.parameters.filter((p) => p.in === "path");
      const hasJsonBody = operation.requestBody?.content["application/json"] !== undefined;
      // Endpoints without input would only be called as they are (e.g. sign-out): nothing to garble.
      if (params.length === 0 && !hasJsonBody) continue;
      // Sign-in endpoints spend the rate limiter's budget: their input is covered by the tests above.
      if (path.startsWith("/auth/")) continue;
      const urls =
        params.length === 0
          ? [path]
          : garbageStrings.map((g) => path.replace(/\{[^}]+\}/g, encodeURIComponent(g) || "%20"));
      const bodies = hasJsonBody ? garbageBodies : [undefined];
      for (const url of urls) {
        for (const json of bodies) {
          const answer: ApiResponse<unknown> = await call(system.url, method.toUpperCase(), url, {
            token,
            ...(json === undefined ? {} : { json }),
          });
          requests += 1;
          expect(answer.status, `${method.toUpperCase()} ${url} ${JSON.stringify(json)}`).to.be.within(400, 499);
          const { error } = answer.body as { error: { code: string } };
          expectError(answer, answer.status, error.code);
        }
      }
    }
    expect(requests).to.be.greaterThan(10);
  });

  it("echoes a sane X-Request-Id, and makes one up otherwise", async () => {
    const given = await call(system.url, "GET", "/live", { headers: { "x-request-id": "trace-abc_123.4" } });
    expect(given.headers.get("x-request-id")).to.equal("trace-abc_123.4");
    const none = await call(system.url, "GET", "/live");
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(none.headers.get("x-request-id")).to.match(uuid);
    for (const insane of ["has spaces", "x".repeat(129), "semi;colon", "<script>"]) {
      const replaced = await call(system.url, "GET", "/live", { headers: { "x-request-id": insane } });
      expect(replaced.headers.get("x-request-id")).to.match(uuid);
    }
    // Errors carry it too.
    const refused = await call(system.url, "GET", "/nowhere", { headers: { "x-request-id": "req-404" } });
    expect(refused.headers.get("x-request-id")).to.equal("req-404");
  });

  it("logs each request once, as JSON with its request id, status and duration, never its credentials", async () => {
    const answered = await call(system.url, "GET", "/auth/me", { token, headers: { "x-request-id": "log-line-1" } });
    expect(answered.status).to.equal(200);
    const lines = logLines.filter((line) => line.requestId === "log-line-1");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ method: "GET", url: "/auth/me", status: 200, msg: "request completed" });
    expect(lines[0]!.ms).to.be.a("number").and.at.least(0);
    expect(JSON.stringify(logLines)).not.to.contain(token);
  });

  it("/metrics counts requests by route pattern and status (never by URL)", async () => {
    const caseId = `0x${randomBytes(32).toString("hex")}`;
    expectError(await call(system.url, "GET", `/cases/${caseId}`, { token }), 404, "NOT_FOUND");
    const metrics = await call<string>(system.url, "GET", "/metrics");
    expect(metrics.status).to.equal(200);
    expect(metrics.headers.get("content-type")).to.match(/^text\/plain/);
    expect(metrics.body).to.match(
      /^hejie_http_requests_total\{method="GET",route="\/cases\/:caseId",status="404"\} [1-9]/m,
    );
    expect(metrics.body).to.match(/^hejie_http_requests_total\{method="POST",route="\/cases",status="201"\} 1$/m);
    expect(metrics.body).to.match(/^hejie_http_requests_total\{method="GET",route="unmatched",status="404"\} [1-9]/m);
    expect(metrics.body).to.match(/^hejie_http_request_duration_seconds_count\{method="GET",route="\/live"\} [1-9]/m);
    expect(metrics.body).to.match(/^hejie_process_cpu_seconds_total /m);
    expect(metrics.body).not.to.contain(caseId);
    expect(metrics.body).not.to.contain(wallets.lawyer.address);
  });

  it("/live answers 200 and /health 200 with every check ok", async () => {
    expect((await call(system.url, "GET", "/live")).body).to.deep.equal({ status: "ok" });
    const health = await call(system.url, "GET", "/health");
    expect([health.status, health.body]).to.deep.equal([
      200,
      { status: "ok", checks: { database: "ok", chain: "ok" } },
    ]);
  });

  it("/chain names the chain id and the deployed contracts, without a session", async () => {
    const chain = await call(system.url, "GET", "/chain");
    expect([chain.status, chain.body]).to.deep.equal([
      200,
      {
        chainId: 31337,
        contracts: {
          registry: await system.hejie.settlements.getAddress(),
          evidence: await system.hejie.evidence.getAddress(),
          accessManager: await system.hejie.accessManager.getAddress(),
          caseRegistry: await (await caseRegistryOf(system.hejie)).getAddress(),
        },
      },
    ]);
  });

  it("serves a valid OpenAPI 3.1 document: schemas for every parameter and body, responses, security", async () => {
    expect(openapi.openapi).to.equal("3.1.0");
    expect(openapi.info.title).to.be.a("string").and.not.equal("");
    expect(openapi.info.version).to.match(/^\d+\.\d+\.\d+/);
    expect(openapi.components.securitySchemes).to.have.property("session");
    expect(openapi.security).to.deep.equal([{ session: [] }]);
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(openapi.paths)) {
      expect(path, "paths start with /").to.match(/^\//);
      expect(path, "Express syntax leaked into a path").not.to.match(/:[A-Za-z]/);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(METHODS, where).to.include(method);
        expect(op.operationId, where).to.be.a("string");
        expect(ids.has(op.operationId), `operationId ${op.operationId} is unique`).to.equal(false);
        ids.add(op.operationId);
        expect(op.summary, where).to.be.a("string").and.not.equal("");
        // Parameters: every templated one declared (required, in: path), none undeclared; all with schemas.
        const pathParams = op.parameters.filter((p) => p.in === "path").map((p) => p.name);
        expect(pathParams, `${where}: path parameters`).to.have.members(templated);
        for (const p of op.parameters) {
          expect(["path", "query", "header", "cookie"], where).to.include(p.in);
          expect(p.schema, `${where}: schema of ${p.name}`).to.be.an("object");
          if (p.in === "path") expect(p.required, `${where}: ${p.name} required`).to.equal(true);
        }
        if (op.requestBody !== undefined) {
          const content = Object.entries(op.requestBody.content);
          expect(content, `${where}: body content`).to.have.length.greaterThan(0);
          for (const [type, media] of content) expect(media.schema, `${where}: ${type} schema`).to.be.an("object");
          expect(op.responses, `${where}: 415 documented`).to.have.property("415");
        }
        // Responses: at least one success, each with a description; errors in the Error shape.
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => /^2\d\d$/.test(s)),
          `${where}: a 2xx response`,
        ).to.equal(true);
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status, where).to.match(/^[1-5]\d\d$|^default$/);
          expect(response.description, `${where} ${status}: description`).to.be.a("string").and.not.equal("");
          for (const [type, media] of Object.entries(response.content ?? {})) {
            expect(media.schema, `${where} ${status} ${type}: schema`).to.be.an("object");
          }
          // Every error answer is the one error shape (/health's 503 is its report, not an error).
          const healthReport = where === "GET /health" && status === "503";
          if (Number(status) >= 400 && response.content?.["application/json"] !== undefined && !healthReport) {
            expect(response.content["application/json"].schema, `${where} ${status}`).to.deep.equal({
              $ref: "#/components/schemas/Error",
            });
          }
        }
        // Security: public operations say so ([]); every other one names the session scheme and 401.
        expect(op.security, `${where}: security`).to.be.an("array");
        if (op.security.length > 0) {
          expect(op.security, where).to.deep.equal([{ session: [] }]);
          expect(op.responses, `${where}: 401 documented`).to.have.property("401");
        }
      }
    }
    for (const ref of refsIn(openapi)) {
      const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
      expect(name !== undefined && name in openapi.components.schemas, `$ref ${ref} resolves`).to.equal(true);
    }
    // The public ones are exactly these (so that a new endpoint is public only on purpose).
    const open = operations()
      .filter(({ operation }) => operation.security.length === 0)
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(open).to.have.members([
      "GET /live",
      "GET /health",
      "GET /chain",
      "GET /metrics",
      "GET /openapi.json",
      "GET /docs",
      "POST /auth/challenge",
      "POST /auth/sign-in",
      "POST /payments/reports", // the oracle's signature is the credential
      "POST /verify", // courts verify without an account
      "POST /verify/file",
      "GET /indexer",
      "GET /standstills", // how far the chain is read: nothing private
    ]);
  });

  it("/docs lists every endpoint of the OpenAPI document", async () => {
    const page = await call<string>(system.url, "GET", "/docs");
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.match(/^text\/html/);
    for (const { path, method, operation } of operations()) {
      expect(page.body, `${method} ${path}`).to.contain(`<code>${method.toUpperCase()} ${path}</code>`);
      expect(page.body).to.contain(escapeHtml(operation.summary));
    }
    expect(page.body).to.contain('href="/openapi.json"');
  });

  describe("with the chain node stopped", () => {
    before(async () => {
      await system.anvil.stop();
      // Past the member cache's 15 s: what the gateway knows about wallets must come from the chain.
      clock.advance(16_000);
    });

    it("/health answers 503 naming the chain; /live still 200", async () => {
      const health = await call(system.url, "GET", "/health");
      expect([health.status, health.body]).to.deep.equal([
        503,
        {
          status: "unavailable",
          checks: { database: "ok", chain: "unavailable: the JSON-RPC endpoint does not answer" },
        },
      ]);
      expect((await call(system.url, "GET", "/live")).status).to.equal(200);
    });

    it("an endpoint that needs the chain answers 503 CHAIN_UNAVAILABLE, with Retry-After and no internals", async () => {
      const me = expectError(await call(system.url, "GET", "/auth/me", { token }), 503, "CHAIN_UNAVAILABLE");
      expect(me.error.details).to.deep.equal({});
      const opened = await call(system.url, "POST", "/cases", {
        token,
        json: { title: "t", borrower: wallets.borrower.address, platforms: [wallets.platform.address] },
      });
      expectError(opened, 503, "CHAIN_UNAVAILABLE");
      expect(opened.headers.get("retry-after")).to.equal("5");
      expect(JSON.stringify(opened.body)).not.to.contain(system.anvil.url);
    });

    it("a plain key still signs in: its signature is recovered without the chain", async () => {
      const message = await challengeFor(system.url, wallets.borrower.address);
      const session = await call<{ token: string }>(system.url, "POST", "/auth/sign-in", {
        json: { message, signature: await wallets.borrower.signMessage({ message }) },
      });
      expect(session.status, JSON.stringify(session.body)).to.equal(200);
    });

    it("an internal error answers a bare 500 INTERNAL that reveals nothing", async () => {
      // A real fault, made from outside the code: a table vanishes under the gateway.
      const { db } = system.gateway.context;
      await db.run("ALTER TABLE audit_anchors RENAME TO audit_anchors_away");
      try {
        const broken = expectError(await call(system.url, "GET", "/audit/anchors", { token }), 500, "INTERNAL");
        expect(broken.error).to.deep.equal({
          code: "INTERNAL",
          message: "Something went wrong on our side; it has been logged.",
          details: {},
        });
      } finally {
        await db.run("ALTER TABLE audit_anchors_away RENAME TO audit_anchors");
      }
    });
  });

  describe("rate limiting (last: it spends the sign-in budget of this file)", () => {
    it(`limits sign-in attempts per client (HEJIE_SIGN_IN_RATE_LIMIT=${SIGN_IN_LIMIT}): 429 RATE_LIMITED`, async () => {
      // This file has already asked for two challenges (the lawyer's sign-in, the borrower's with the chain down).
      const statuses: number[] = [];
      let limited: ApiResponse | undefined;
      for (let i = 0; i < SIGN_IN_LIMIT + 1; i += 1) {
        const answer = await call(system.url, "POST", "/auth/challenge", {
          json: { address: wallets.platform.address },
        });
        statuses.push(answer.status);
        if (answer.status === 429) limited = answer;
      }
      expect(statuses.at(-1)).to.equal(429);
      expect(statuses, "200s, then 429s").to.deep.equal([...statuses].sort());
      const refused = expectError(limited!, 429, "RATE_LIMITED");
      expect(refused.error.message).to.contain(`at most ${SIGN_IN_LIMIT} a minute`);
      expect(limited!.headers.get("ratelimit-policy")).to.match(
        new RegExp(`^"\\d+-in-1min"; q=${SIGN_IN_LIMIT}; w=60`),
      );
      // Other endpoints are not limited.
      expect((await call(system.url, "GET", "/live")).status).to.equal(200);
    });
  });
});
