/**
 * The error codes the gateway's source sends, read with the TypeScript parser (so that the pages that
 * list them — docs/api.md, the components' READMEs — can be checked against the code):
 *
 * - string literals passed as the `code` argument of `new AppError(status, code, …)` or of any function
 *   that builds an AppError and has a `code` parameter (`badRequest`, `forbidden`, a component's own
 *   helper), and the defaults of such parameters;
 * - calls of functions that build an AppError with a fixed code (`notFound`, `payloadTooLarge`, …).
 *
 * Codes computed at run time (a variable, a conditional) are not seen: a test lists those itself.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

import ts from "typescript";

const ROOT = process.cwd();

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

export interface Thrown {
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

/** A function building an AppError whose code is always the same (`notFound`, `payloadTooLarge`). */
interface FixedFactory {
  code: string;
  status: number | undefined;
}

/**
 * Every code sent from the source files `include` accepts (paths relative to the project root), with
 * its status where the source says it literally. Factories are found in those files and in
 * `server/http/` (the shared ones); a name is looked up in the file's own scope first, so two
 * components may each have their own `refuse`.
 */
export function thrownCodes(include: (path: string) => boolean): Thrown[] {
  const parsed = sourceFiles(join(ROOT, "server"))
    .map((path) => ({ path, rel: relative(ROOT, path) }))
    .filter(({ rel }) => include(rel) || rel.startsWith("server/http/"))
    .map(({ path, rel }) => ({
      rel,
      scanned: include(rel),
      file: ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true),
    }));

  // Factories: AppError itself, then every function with a `code` parameter that calls a factory.
  const shared = new Map<string, Factory>([["AppError", { codeIndex: 1, status: undefined }]]);
  const fixed = new Map<string, FixedFactory>();
  const local = new Map<string, Map<string, Factory>>(parsed.map(({ rel }) => [rel, new Map()]));
  const lookup = (rel: string, name: string) => local.get(rel)!.get(name) ?? shared.get(name);
  const functions = parsed.flatMap(({ rel, file }) => namedFunctions(file).map(([name, fn]) => ({ rel, name, fn })));
  for (let changed = true; changed;) {
    changed = false;
    for (const { rel, name, fn } of functions) {
      const scope = rel.startsWith("server/http/") ? shared : local.get(rel)!;
      if (scope.has(name) || fixed.has(name) || fn.body === undefined) continue;
      const codeIndex = fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === "code");
      const inner = calls(fn.body).find((c) => lookup(rel, calleeName(c) ?? "") !== undefined);
      if (inner === undefined) continue;
      const innerName = calleeName(inner)!;
      const innerFactory = lookup(rel, innerName)!;
      const status = innerName === "AppError" ? numeric(inner.arguments?.[0]) : innerFactory.status;
      const code = literal(inner.arguments?.[innerFactory.codeIndex]);
      if (codeIndex >= 0) scope.set(name, { codeIndex, status });
      else if (code !== undefined) fixed.set(name, { code, status });
      else continue;
      changed = true;
    }
  }

  const thrown: Thrown[] = [];
  for (const { rel, scanned, file } of parsed) {
    if (!scanned) continue;
    const where = (node: ts.Node) => `${rel}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    for (const call of calls(file)) {
      const name = calleeName(call);
      if (name === undefined) continue;
      const factory = lookup(rel, name);
      if (factory !== undefined) {
        const code = literal(call.arguments?.[factory.codeIndex]);
        const status = name === "AppError" ? numeric(call.arguments?.[0]) : factory.status;
        if (code !== undefined) thrown.push({ code, status, where: where(call) });
      }
      // By plain name only: `JSON.parse` is not http/api.ts's `parse`.
      const always = ts.isIdentifier(call.expression) ? fixed.get(name) : undefined;
      if (always !== undefined) thrown.push({ ...always, where: where(call) });
    }
    // Defaults of `code` parameters of factories, e.g. `forbidden(message, code = "FORBIDDEN")`.
    for (const [name, fn] of namedFunctions(file)) {
      const factory = lookup(rel, name);
      if (factory === undefined) continue;
      const code = literal(fn.parameters[factory.codeIndex]?.initializer);
      if (code !== undefined) thrown.push({ code, status: factory.status, where: where(fn) });
    }
  }
  return thrown;
}
