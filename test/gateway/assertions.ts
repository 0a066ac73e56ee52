/** Assertions shared by the gateway tests. */
import { expect } from "chai";

import type { ApiResponse, ErrorResponseBody } from "../../protocol/gateway-client.js";

/** What no error body may contain: stack frames, source paths, engine or library internals. */
const INTERNALS = [
  /\bat [^ ]+ \(/, // a stack frame: "at fn (file:line)"
  /\.ts:\d+/,
  /node:internal|node_modules|\/work\/|\/tmp\//,
  /SQLITE|no such table|sqlite/i,
  /fetch failed|ECONNREFUSED|HttpRequestError|viem|Version: viem/i,
  /127\.0\.0\.1:\d{3,5}/, // the RPC URL's port (the gateway's own URL never appears in a body either)
];

/**
 * Asserts `response` is the one error shape — exactly `{"error": {"code", "message", "details"}}`,
 * JSON, with a request id — with this status and code, and that it reveals nothing internal.
 */
export function expectError(response: ApiResponse<unknown>, status: number, code: string): ErrorResponseBody {
  const text = JSON.stringify(response.body);
  expect(response.status, `status (body ${text})`).to.equal(status);
  expect(response.headers.get("content-type"), "content type").to.match(/^application\/json/);
  expect(response.headers.get("x-request-id"), "X-Request-Id").to.be.a("string").and.not.equal("");
  const body = response.body as ErrorResponseBody;
  expect(Object.keys(body), "top-level keys").to.deep.equal(["error"]);
  expect(Object.keys(body.error).sort(), "error keys").to.deep.equal(["code", "details", "message"]);
  expect(body.error.code, text).to.equal(code);
  expect(body.error.message).to.be.a("string").and.not.equal("");
  expect(body.error.details).to.be.an("object");
  for (const pattern of INTERNALS) expect(text, `body reveals internals (${pattern})`).not.to.match(pattern);
  return body;
}
