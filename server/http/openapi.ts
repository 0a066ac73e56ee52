/**
 * The OpenAPI 3.1 document, generated from the same endpoint declarations that validate requests
 * (`http/api.ts`), and a readable HTML page of it (self-contained: no scripts, no CDN).
 */
import { type ZodType, z } from "zod";

import type { Endpoint } from "./api.js";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    unrepresentable: "any",
    io,
  }) as JsonSchema;
  return rest;
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

function parameters(spec: Endpoint, where: "path" | "query") {
  const schema = where === "path" ? spec.params : spec.query;
  if (schema === undefined) return [];
  const object = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (object.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === "string" ? { description: property.description } : {}),
  }));
}

function requestBody(spec: Endpoint) {
  if (spec.body === undefined) return undefined;
  if ("raw" in spec.body) {
    const raw = spec.body as { raw: readonly string[]; description: string };
    return {
      required: true,
      description: raw.description,
      content: Object.fromEntries(raw.raw.map((type) => [type, { schema: { type: "string", format: "binary" } }])),
    };
  }
  return { required: true, content: { "application/json": { schema: jsonSchema(spec.body as ZodType, "input") } } };
}

export interface ApiInfo {
  title: string;
  version: string;
  description: string;
}

/** A stable, unique operation id from the method and path: `GET /cases/:caseId` → `getCasesCaseId`. */
function operationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  return method + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/**
 * The responses of an operation: the declared ones, each error response with the Error schema, plus
 * the errors the framework itself gives (400 for invalid input, 401 without a session, 413 and 415 for
 * a body, 500) where the declaration does not mention them.
 */
function responses(spec: Endpoint): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    out[status] =
      response.body !== undefined
        ? {
            description: response.description,
            content: { "application/json": { schema: jsonSchema(response.body, "output") } },
          }
        : response.contentType !== undefined
          ? {
              description: response.description,
              content: {
                [response.contentType]: { schema: { type: "string", ...binaryOrText(response.contentType) } },
              },
            }
          : Number(status) >= 400
            ? errorResponse(response.description)
            : { description: response.description };
  }
  const implicit: [string, boolean, string][] = [
    [
      "400",
      spec.params !== undefined || spec.query !== undefined || spec.body !== undefined,
      "Invalid input (VALIDATION_FAILED, naming the field)",
    ],
    ["401", spec.auth !== "public", "No valid session (UNAUTHENTICATED, SESSION_INVALID, SESSION_EXPIRED)"],
    ["413", spec.body !== undefined, "The body is too large (PAYLOAD_TOO_LARGE)"],
    ["415", spec.body !== undefined, "The body is not in an accepted content type (UNSUPPORTED_MEDIA_TYPE)"],
  ];
  for (const [status, applies, description] of implicit) {
    if (applies && out[status] === undefined) out[status] = errorResponse(description);
  }
  out["500"] ??= errorResponse("An unexpected error, logged on the server (INTERNAL); the body reveals nothing");
  return out;
}

const binaryOrText = (contentType: string) =>
  contentType.startsWith("text/") || contentType.includes("json") ? {} : { format: "binary" };

export function openApiDocument(endpoints: readonly Endpoint<never, never, never>[], info: ApiInfo) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of endpoints as readonly Endpoint[]) {
    const path = openApiPath(spec.path);
    const body = requestBody(spec);
    paths[path] ??= {};
    paths[path][spec.method] = {
      operationId: operationId(spec.method, spec.path),
      summary: spec.summary,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      tags: spec.tags,
      security: spec.auth === "public" ? [] : [{ session: [] }],
      parameters: [...parameters(spec, "path"), ...parameters(spec, "query")],
      ...(body === undefined ? {} : { requestBody: body }),
      responses: responses(spec),
    };
  }
  return {
    openapi: "3.1.0",
    info,
    components: {
      securitySchemes: {
        session: { type: "http", scheme: "bearer", description: "The token from POST /auth/sign-in" },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message", "details"],
              properties: {
                code: { type: "string", description: "Stable, upper snake case: see docs/api.md" },
                message: { type: "string", description: "For people; may change" },
                details: { type: "object", description: "Facts about the error, e.g. `issues` for VALIDATION_FAILED" },
              },
            },
          },
        },
      },
    },
    security: [{ session: [] }],
    paths,
  };
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** A readable page of the document: one section per endpoint, grouped by tag. */
export function docsPage(document: ReturnType<typeof openApiDocument>): string {
  const sections: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(operations) as [string, Record<string, unknown>][]) {
      const json = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;
      const open = Array.isArray(op.security) && op.security.length === 0;
      sections.push(
        `<section><h3><code>${method.toUpperCase()} ${escape(path)}</code>${open ? "" : " 🔒"}</h3>` +
          `<p>${escape(String(op.summary))}</p>` +
          (op.description ? `<p>${escape(String(op.description))}</p>` : "") +
          ((op.parameters as unknown[]).length > 0 ? `<h4>Parameters</h4>${json(op.parameters)}` : "") +
          (op.requestBody ? `<h4>Request body</h4>${json(op.requestBody)}` : "") +
          `<h4>Responses</h4>${json(op.responses)}</section>`,
      );
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)} API</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
section{border-top:1px solid #ddd;padding:.5rem 0}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:.8rem}</style>
</head><body><h1>${escape(document.info.title)} API ${escape(document.info.version)}</h1><p>${escape(document.info.description)}</p>
<p>🔒 needs <code>Authorization: Bearer &lt;token&gt;</code> from <code>POST /auth/sign-in</code>. Machine-readable:
<a href="/openapi.json">/openapi.json</a>. Errors: <code>{"error": {"code", "message", "details"}}</code>.</p>
${sections.join("\n")}</body></html>`;
}
