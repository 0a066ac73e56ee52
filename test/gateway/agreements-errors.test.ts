/**
 * server/components/agreements/README.md lists every error code the agreements component sends, with
 * the status it sends it with, and no code it does not send. Codes are read from the component's
 * source: the code literal of each `badRequest`, `conflict`, `forbidden`, `refuse` (400) and
 * `new AppError(status, …)` call.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { markdownTables } from "../helpers/markdown.js";

const FOLDER = join(process.cwd(), "server", "components", "agreements");
/** Codes the component's endpoints answer with that other layers send (validation, membership). */
const FROM_ELSEWHERE: Record<string, number> = { VALIDATION_FAILED: 400, NOT_A_PARTY: 403 };

function thrownCodes(): Map<string, Set<number>> {
  const found = new Map<string, Set<number>>();
  const add = (code: string, status: number) => found.set(code, (found.get(code) ?? new Set()).add(status));
  for (const file of readdirSync(FOLDER).filter((name) => name.endsWith(".ts"))) {
    const source = readFileSync(join(FOLDER, file), "utf8");
    const calls = /\b(badRequest|conflict|forbidden|refuse|new AppError)\(\s*(\d{3})?[^;]*?"([A-Z][A-Z0-9_]+)"/g;
    for (const [, factory, status, code] of source.matchAll(calls)) {
      const byFactory: Record<string, number> = { badRequest: 400, refuse: 400, conflict: 409, forbidden: 403 };
      add(code as string, factory === "new AppError" ? Number(status) : (byFactory[factory as string] as number));
    }
    if (/\bnotFound\(/.test(source)) add("NOT_FOUND", 404);
  }
  return found;
}

describe("agreements README: error codes", () => {
  const thrown = thrownCodes();
  const rows = (markdownTables(join(FOLDER, "README.md")).get("Errors") ?? []).filter(([status]) =>
    /^\d{3}$/.test(status ?? ""),
  );
  const documented = new Map<string, Set<number>>();
  for (const [status, code] of rows) {
    documented.set(code as string, (documented.get(code as string) ?? new Set()).add(Number(status)));
  }

  it("finds codes in the source and in the README (the checks below are not vacuous)", () => {
    expect(thrown.size).to.be.greaterThan(25);
    expect(thrown.get("STALE_NONCE")).to.deep.equal(new Set([409]));
    expect(thrown.get("CHAIN_UNAVAILABLE")).to.deep.equal(new Set([503]));
    expect(documented.size).to.be.greaterThan(25);
  });

  it("documents every code the component sends, with its status", () => {
    for (const [code, statuses] of thrown) {
      expect(documented.get(code), `${code} in the README`).to.not.equal(undefined);
      for (const status of statuses) expect([...(documented.get(code) ?? [])], code).to.include(status);
    }
  });

  it("documents no code the component does not send", () => {
    for (const [code, statuses] of documented) {
      const sent = thrown.get(code) ?? (code in FROM_ELSEWHERE ? new Set([FROM_ELSEWHERE[code]]) : undefined);
      expect(sent, `${code} is sent`).to.not.equal(undefined);
      for (const status of statuses) expect([...(sent ?? [])], `${code} ${status}`).to.include(status);
    }
  });
});
