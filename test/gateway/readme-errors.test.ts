/**
 * The components that list their error codes in their own README (documents, payments, mediation) list every
 * code the component sends, once, with the status it sends it with, and no code it does not send.
 * Codes are read from each component's source with the TypeScript parser (test/helpers/thrown-codes.ts).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { markdownTables } from "../helpers/markdown.js";
import { thrownCodes } from "../helpers/thrown-codes.js";

interface ComponentCodes {
  folder: string;
  /** Codes picked at run time, which the parser cannot see (each must still appear in the source). */
  computed: Record<string, number>;
  /** Codes the component's endpoints answer with that the shared layer sends, listed in its README. */
  fromElsewhere: Record<string, number>;
  /** Codes that must be found (so that the checks are not vacuous). */
  sample: Record<string, number>;
}

const COMPONENTS: ComponentCodes[] = [
  {
    folder: "server/components/documents/",
    computed: { GRANT_EXPIRED: 403, GRANT_REVOKED: 403 },
    fromElsewhere: { UNSUPPORTED_MEDIA_TYPE: 415 },
    sample: { DOCUMENT_CORRUPTED: 500, NOT_FOUND: 404, GRANT_NOT_BY_PARTY: 403 },
  },
  {
    folder: "server/components/payments/",
    computed: {},
    fromElsewhere: {},
    sample: { REPORT_SIGNER_NOT_ORACLE: 403, SEQUENCE_TAKEN: 409, AGREEMENT_NOT_FOUND: 404 },
  },
  {
    folder: "server/components/mediation/",
    computed: {},
    // The resolution upload goes through the documents component's receiveUpload (documents/transfer.ts).
    fromElsewhere: { REQUEST_ABORTED: 400, PAYLOAD_TOO_LARGE: 413 },
    sample: { STANDSTILL_SIGNATURE_INVALID: 403, NOT_A_CASE_PARTY: 403, MEDIATION_CASE_NOT_FOUND: 404 },
  },
];

for (const { folder, computed, fromElsewhere, sample } of COMPONENTS) {
  describe(`${folder}README.md: error codes`, () => {
    const sent = new Map<string, Set<number>>();
    for (const { code, status, where } of thrownCodes((path) => path.startsWith(folder))) {
      expect(status, `the status of ${code} at ${where}`).to.be.a("number");
      sent.set(code, (sent.get(code) ?? new Set()).add(status!));
    }
    const source = readdirSync(folder)
      .filter((file) => file.endsWith(".ts"))
      .map((file) => readFileSync(join(folder, file), "utf8"))
      .join("\n");
    const rows = markdownTables(join(folder, "README.md")).get("Errors") ?? [];
    const documented = new Map(rows.map(([status, code]) => [code!, Number(status)]));
    const besides = { ...computed, ...fromElsewhere };

    it("finds codes in the source and in the README (the checks below are not vacuous)", () => {
      for (const [code, status] of Object.entries(sample))
        expect(sent.get(code), code).to.deep.equal(new Set([status]));
      expect(documented.size).to.be.at.least(sent.size);
      for (const code of Object.keys(computed)) expect(source, code).to.contain(`"${code}"`);
    });

    it("documents every code the component sends, once, with its status", () => {
      expect(rows.length, "rows").to.equal(documented.size);
      for (const [code, statuses] of sent) {
        expect(statuses.size, `${code} is sent with one status`).to.equal(1);
        expect(documented.get(code), `${code} in the README`).to.equal([...statuses][0]);
      }
      for (const [code, status] of Object.entries(besides)) expect(documented.get(code), code).to.equal(status);
    });

    it("documents no code the component does not send", () => {
      const stale = [...documented.keys()].filter((code) => !sent.has(code) && !(code in besides));
      expect(stale).to.deep.equal([]);
    });
  });
}
