/**
 * server/components/documents/README.md lists every error code the documents component sends, with
 * the status it sends it with, and no code it does not send. Codes are read from the component's
 * source with the TypeScript parser (test/helpers/thrown-codes.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { markdownTables } from "../helpers/markdown.js";
import { thrownCodes } from "../helpers/thrown-codes.js";

const FOLDER = "server/components/documents/";
/** Codes picked at run time (`grants[0].revokedAt !== null ? "GRANT_REVOKED" : "GRANT_EXPIRED"`). */
const COMPUTED: Record<string, number> = { GRANT_EXPIRED: 403, GRANT_REVOKED: 403 };
/** Codes the component's endpoints answer with that the shared layer sends (`http/api.ts`). */
const FROM_ELSEWHERE: Record<string, number> = { UNSUPPORTED_MEDIA_TYPE: 415 };

describe("documents README: error codes", () => {
  const sent = new Map<string, Set<number>>();
  const add = (code: string, status: number) => sent.set(code, (sent.get(code) ?? new Set()).add(status));
  for (const { code, status, where } of thrownCodes((path) => path.startsWith(FOLDER))) {
    expect(status, `the status of ${code} at ${where}`).to.be.a("number");
    add(code, status!);
  }
  const source = ["service.ts"].map((file) => readFileSync(join(FOLDER, file), "utf8")).join("\n");
  const rows = markdownTables(join(FOLDER, "README.md")).get("Errors") ?? [];
  const documented = new Map(rows.map(([status, code]) => [code!, Number(status)]));

  it("finds codes in the source and in the README (the checks below are not vacuous)", () => {
    expect(sent.get("DOCUMENT_CORRUPTED")).to.deep.equal(new Set([500]));
    expect(sent.get("NOT_FOUND")).to.deep.equal(new Set([404]));
    expect(sent.get("GRANT_NOT_BY_PARTY")).to.deep.equal(new Set([403]));
    expect(sent.size).to.be.greaterThan(15);
    expect(documented.size).to.be.greaterThan(15);
    for (const code of Object.keys(COMPUTED)) expect(source, code).to.contain(`"${code}"`);
  });

  it("documents every code the component sends, once, with its status", () => {
    expect(rows.length, "rows").to.equal(documented.size);
    for (const [code, statuses] of sent) {
      expect(statuses.size, `${code} is sent with one status`).to.equal(1);
      expect(documented.get(code), `${code} in the README`).to.equal([...statuses][0]);
    }
    for (const [code, status] of Object.entries({ ...COMPUTED, ...FROM_ELSEWHERE })) {
      expect(documented.get(code), code).to.equal(status);
    }
  });

  it("documents no code the component does not send", () => {
    const stale = [...documented.keys()].filter(
      (code) => !sent.has(code) && !(code in { ...COMPUTED, ...FROM_ELSEWHERE }),
    );
    expect(stale).to.deep.equal([]);
  });
});
