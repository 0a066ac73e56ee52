/**
 * docs/api.md lists every error code the gateway can send outside the documents, agreements and payments
 * components (which list theirs in their own READMEs), each once, with the status the code sends it
 * with, and nothing stale. The codes are read from the source with the TypeScript parser
 * (test/helpers/thrown-codes.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { markdownTables } from "../helpers/markdown.js";
import { thrownCodes } from "../helpers/thrown-codes.js";

const ROOT = process.cwd();
/** Components that document their codes in their own README (written by their owners). */
const OWN_READMES = [
  "server/components/documents/",
  "server/components/agreements/",
  "server/components/payments/",
  "server/components/mediation/",
];

/** The rows of every "Error codes: …" table of docs/api.md: code, status, meaning. */
function documentedCodes(): { code: string; status: string; meaning: string; section: string }[] {
  const tables = markdownTables(join(ROOT, "docs", "api.md"));
  return [...tables.entries()]
    .filter(([heading]) => heading.startsWith("Error codes"))
    .flatMap(([section, rows]) =>
      rows.map(([code = "", status = "", meaning = ""]) => ({ code, status, meaning, section })),
    );
}

describe("docs/api.md: error codes", () => {
  const thrown = thrownCodes((path) => !OWN_READMES.some((folder) => path.startsWith(folder)));
  const documented = documentedCodes();

  it("finds the codes in the source and in the page (the checks below are not vacuous)", () => {
    const codes = new Set(thrown.map((t) => t.code));
    for (const known of [
      "VALIDATION_FAILED",
      "INTERNAL",
      "CHAIN_UNAVAILABLE",
      "SIWE_NONCE_USED",
      "NOT_A_PARTY",
      "FORBIDDEN",
    ]) {
      expect(codes, known).to.include(known);
    }
    expect(codes.size).to.be.greaterThan(20);
    expect(documented.length).to.be.greaterThan(20);
  });

  it("codes are stable upper snake case", () => {
    for (const { code, where } of thrown) expect(code, where).to.match(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it("documents every code thrown outside the components with their own README, once", () => {
    for (const { code, where } of thrown) {
      const rows = documented.filter((row) => row.code === code);
      expect(rows.length, `${code} (thrown at ${where}) rows in docs/api.md`).to.equal(1);
    }
  });

  it("gives each code the status the source sends it with, and a meaning", () => {
    for (const { code, status, where } of thrown) {
      const row = documented.find((r) => r.code === code);
      if (row === undefined) continue; // reported above
      expect(row.meaning, code).not.to.equal("");
      if (status !== undefined) expect(Number(row.status), `status of ${code} (thrown at ${where})`).to.equal(status);
    }
  });

  it("documents no code that the source does not throw", () => {
    const codes = new Set(thrown.map((t) => t.code));
    const stale = documented.filter((row) => !codes.has(row.code)).map((row) => `${row.code} (${row.section})`);
    expect(stale).to.deep.equal([]);
  });

  it("points to the components' own READMEs", () => {
    const page = readFileSync(join(ROOT, "docs", "api.md"), "utf8");
    for (const [heading, folder] of [
      ["Documents", "documents"],
      ["Agreements", "agreements"],
      ["Payments", "payments"],
      ["Mediation", "mediation"],
    ]) {
      expect(page).to.match(new RegExp(`^## ${heading}$`, "m"));
      expect(page).to.contain(`server/components/${folder}/README.md`);
    }
  });
});
