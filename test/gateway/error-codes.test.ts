/**
 * docs/api.md lists every error code the gateway can send outside the documents and agreements
 * components (which list theirs in their own READMEs), each once, with the status the code sends it
 * with, and nothing stale. The codes are read from the source with the TypeScript parser: string
 * literals passed as the `code` argument of `new AppError(status, code, …)` or of any function that
 * builds an AppError and has a `code` parameter (`badRequest`, `forbidden`, a component's own helper),
 * and the defaults of such parameters.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

import { expect } from "chai";
import ts from "typescript";

import { markdownTables } from "../helpers/markdown.js";

const ROOT = process.cwd();
/** Components that document their codes in their own README (written by their owners). */
const OWN_READMES = ["server/components/documents/", "server/components/agreements/"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

interface Factory {
  /** Index of the `code` parameter. */
  codeIndex: number;
  /** The status of the AppError it builds, when it is a literal. */
  status: number | undefined;
}

interface Thrown {
  code: string;
  status: number | undefined;
  where: string;
}

const calleeName = (node: ts.CallExpression | ts.NewExpression): string | undefined => {
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
};

const literal = (node: ts.Node | undefined): string | undefined =>
  node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;

const numeric = (node: ts.Node | undefined): number | undefined =>
  node !== undefined && ts.isNumericLiteral(node) ? Number(node.text) : undefined;

/** Function-likes with a name: `function f(…)`, `const f = (…) =>`, `const f = function (…)`. */
function namedFunctions(file: ts.SourceFile): [string, ts.SignatureDeclaration & { body?: ts.Node }][] {
  const found: [string, ts.SignatureDeclaration & { body?: ts.Node }][] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) && node.name !== undefined) found.push([node.name.text, node]);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const init = node.initializer;
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) found.push([node.name.text, init]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function calls(node: ts.Node): (ts.CallExpression | ts.NewExpression)[] {
  const found: (ts.CallExpression | ts.NewExpression)[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) found.push(n);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** Every code thrown in the scanned source, with its status where the source says it literally. */
function thrownCodes(): Thrown[] {
  const files = sourceFiles(join(ROOT, "server"))
    .filter((path) => !OWN_READMES.some((folder) => relative(ROOT, path).startsWith(folder)))
    .map((path) => ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true));

  // Factories: AppError itself, then every function with a `code` parameter that calls a factory.
  const factories = new Map<string, Factory>([["AppError", { codeIndex: 1, status: undefined }]]);
  const functions = files.flatMap((file) => namedFunctions(file).map(([name, fn]) => ({ name, fn, file })));
  for (let changed = true; changed;) {
    changed = false;
    for (const { name, fn } of functions) {
      if (factories.has(name) || fn.body === undefined) continue;
      const codeIndex = fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === "code");
      if (codeIndex < 0) continue;
      const inner = calls(fn.body).find((c) => factories.has(calleeName(c) ?? ""));
      if (inner === undefined) continue;
      const innerName = calleeName(inner)!;
      const status = innerName === "AppError" ? numeric(inner.arguments?.[0]) : factories.get(innerName)!.status;
      factories.set(name, { codeIndex, status });
      changed = true;
    }
  }

  const thrown: Thrown[] = [];
  for (const file of files) {
    const where = (node: ts.Node) =>
      `${relative(ROOT, file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    for (const call of calls(file)) {
      const name = calleeName(call);
      const factory = name === undefined ? undefined : factories.get(name);
      if (factory === undefined) continue;
      const code = literal(call.arguments?.[factory.codeIndex]);
      const status = name === "AppError" ? numeric(call.arguments?.[0]) : factory.status;
      if (code !== undefined) thrown.push({ code, status, where: where(call) });
    }
    // Defaults of `code` parameters of factories, e.g. `forbidden(message, code = "FORBIDDEN")`.
    for (const [name, fn] of namedFunctions(file)) {
      const factory = factories.get(name);
      if (factory === undefined) continue;
      const code = literal(fn.parameters[factory.codeIndex]?.initializer);
      if (code !== undefined) thrown.push({ code, status: factory.status, where: where(fn) });
    }
  }
  return thrown;
}

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
  const thrown = thrownCodes();
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

  it("documents every code thrown outside the documents and agreements components, once", () => {
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

  it("points to the documents and agreements components' own READMEs", () => {
    const page = readFileSync(join(ROOT, "docs", "api.md"), "utf8");
    expect(page).to.match(/^## Documents$/m);
    expect(page).to.match(/^## Agreements$/m);
    expect(page).to.contain("server/components/documents/README.md");
    expect(page).to.contain("server/components/agreements/README.md");
  });
});
