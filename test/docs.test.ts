/**
 * docs/errors.md documents every custom error the contracts can return, each exactly once, and
 * nothing else: a heading per error (its Solidity signature), its selector on the next line, then
 * "Why" and "How to fix the call". The ABIs come from the compiled artifacts.
 */
import { readFile } from "node:fs/promises";

import { expect } from "chai";
import { type ErrorFragment, Interface } from "ethers";
import hre from "hardhat";

const DOCUMENTED_CONTRACTS = ["HejieRegistry", "EvidenceRegistry", "CaseRegistry", "MultisigWallet"] as const;

interface DocumentedError {
  name: string;
  /** Parameter names, in order (types are Solidity types, e.g. enums by name: not compared). */
  params: string[];
  selector: string | undefined;
  body: string;
}

/** Splits docs/errors.md into its error sections: `### \`Name(Type name, …)\`` headings. */
function parseErrorsPage(markdown: string): DocumentedError[] {
  const heading = /^### `([A-Za-z0-9_]+)\((.*)\)`\s*$/;
  const errors: DocumentedError[] = [];
  let current: DocumentedError | undefined;
  for (const line of markdown.split("\n")) {
    const match = heading.exec(line);
    if (match !== null) {
      const [, name = "", params = ""] = match;
      current = {
        name,
        params: params === "" ? [] : params.split(",").map((p) => p.trim().split(/\s+/).at(-1) ?? ""),
        selector: undefined,
        body: "",
      };
      errors.push(current);
    } else if (/^#{1,3} /.test(line)) {
      current = undefined; // any other heading ends the section
    } else if (current !== undefined) {
      if (current.selector === undefined && line.trim() !== "") {
        current.selector = /^`(0x[0-9a-f]{8})`/.exec(line)?.[1] ?? "missing";
      }
      current.body += `${line}\n`;
    }
  }
  return errors;
}

async function abiErrors(): Promise<Map<string, ErrorFragment>> {
  const errors = new Map<string, ErrorFragment>();
  for (const contract of DOCUMENTED_CONTRACTS) {
    const { abi } = await hre.artifacts.readArtifact(contract);
    new Interface(abi).forEachError((fragment) => {
      const known = errors.get(fragment.name);
      if (known !== undefined && known.selector !== fragment.selector) {
        throw new Error(`${fragment.name} has two signatures: ${known.format()} and ${fragment.format()}`);
      }
      errors.set(fragment.name, fragment);
    });
  }
  return errors;
}

describe("docs/errors.md", function () {
  let documented: DocumentedError[];
  let inAbi: Map<string, ErrorFragment>;

  before(async function () {
    documented = parseErrorsPage(await readFile(new URL("../docs/errors.md", import.meta.url), "utf8"));
    inAbi = await abiErrors();
  });

  it("finds the errors of the contracts' ABIs", function () {
    // Guards against a parser or artifact mistake that would make the checks below vacuous.
    expect(inAbi.size).to.be.greaterThan(50);
    expect(documented.length).to.be.greaterThan(50);
  });

  it("has exactly one heading for every error in the ABIs", function () {
    for (const name of inAbi.keys()) {
      const count = documented.filter((e) => e.name === name).length;
      expect(count, `headings for ${name}`).to.equal(1);
    }
  });

  it("documents no error that does not exist", function () {
    const stale = documented.map((e) => e.name).filter((name) => !inAbi.has(name));
    expect(stale, "headings for errors missing from the ABIs").to.deep.equal([]);
  });

  it("gives each error's selector and parameter names as in the ABI", function () {
    for (const doc of documented) {
      const fragment = inAbi.get(doc.name);
      if (fragment === undefined) continue; // reported by the test above
      expect(doc.selector, `selector of ${doc.name}`).to.equal(fragment.selector);
      expect(doc.params, `parameters of ${doc.name}`).to.deep.equal(fragment.inputs.map((i) => i.name));
    }
  });

  it("explains why each error happens and how to fix the call", function () {
    for (const doc of documented) {
      expect(doc.body, doc.name).to.include("**Why.**");
      expect(doc.body, doc.name).to.include("**How to fix the call.**");
    }
  });
});
