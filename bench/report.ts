/**
 * The benchmark's output: the figures' JSON shape, their targets, the comparison with the previous
 * snapshot (`bench/gas.json` as last committed) and the table printed on stdout and kept in
 * `bench/README.md`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";

/** `bench/gas.json` without its `meta`: gas per transaction, or per item where the key says so. */
export interface GasFigures {
  register: { "6": number; "12": number; "36": number; "12irregular": number };
  payment: { single: number; batch20PerPayment: number; batch100PerPayment: number };
  anchor: { single: number; perDoc100: number; perDoc1000: number; verifyProofDepth10: number };
  peers: { easDelegatedAttestTimes3: number; easTimestamp: number; easMultiTimestampPerItem100: number };
}

/** One line of the table: where its figure sits in `bench/gas.json`, and what it is held to. */
export interface Row {
  path: readonly string[];
  /** What the figure is, in a few words. */
  label: string;
  /** The figure must not exceed this. */
  target?: number;
  /** A figure quoted for comparison (not a target). */
  quoted?: number;
}

export const ROWS: readonly Row[] = [
  { path: ["register", "6"], label: "registerMonthly, 6 monthly instalments" },
  { path: ["register", "12"], label: "registerMonthly, 12 monthly instalments", target: 110_000 },
  { path: ["register", "36"], label: "registerMonthly, 36 monthly instalments" },
  { path: ["register", "12irregular"], label: "register, 12 irregular instalments", target: 200_000 },
  { path: ["payment", "single"], label: "recordPayment, relayed: completes an instalment on time", target: 40_000 },
  { path: ["meta", "payment", "partial"], label: "  the same, paying half an instalment" },
  { path: ["meta", "payment", "late"], label: "  the same, completing it 2 days late" },
  { path: ["meta", "payment", "dueDate"], label: "  the same, paid at the very due time (exact calendar check)" },
  { path: ["payment", "batch20PerPayment"], label: "recordPayments, 20 agreements, on time: tx / 20" },
  {
    path: ["payment", "batch100PerPayment"],
    label: "recordPayments, 100 agreements, on time: tx / 100",
    target: 15_000,
  },
  { path: ["anchor", "single"], label: "anchor one document (leafCount 1)" },
  { path: ["anchor", "perDoc100"], label: "anchor a root of 100 documents: tx / 100", target: 600 },
  { path: ["anchor", "perDoc1000"], label: "anchor a root of 1,000 documents: tx / 1,000", target: 60 },
  { path: ["anchor", "verifyProofDepth10"], label: "verifyDocument (10-hash proof) sent as a tx" },
  { path: ["meta", "anchor", "verifyProofDepth10Execution"], label: "  the same, less 21,000 and calldata" },
  { path: ["peers", "easDelegatedAttestTimes3"], label: "EAS attestByDelegation x 3, agreement data", quoted: 730_000 },
  {
    path: ["meta", "peers", "easDelegatedAttestTimes3HashesOnly"],
    label: "  the same, data = caseId + agreement hash",
  },
  { path: ["peers", "easTimestamp"], label: "EAS timestamp(bytes32)", quoted: 45_900 },
  { path: ["peers", "easMultiTimestampPerItem100"], label: "EAS multiTimestamp, 100 hashes: tx / 100" },
];

function at(json: unknown, path: readonly string[]): number | undefined {
  let node = json;
  for (const key of path) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "number" ? node : undefined;
}

/** Gas per item, to two decimals: a per-document figure of 45 needs its fraction to be compared. */
export const perItem = (gas: number, items: number): number => Math.round((gas / items) * 100) / 100;

export interface Baseline {
  json: unknown;
  /** Where the previous figures come from, for the table's heading. */
  source: string;
}

/**
 * The previous snapshot: `bench/gas.json` in the last commit (what later changes are compared
 * with), else the file on disk (a run not yet committed), else none.
 */
export function readBaseline(file: string, repoRoot: string): Baseline | undefined {
  const inRepo = relative(repoRoot, file).split("\\").join("/");
  try {
    const text = execFileSync("git", ["show", `HEAD:${inRepo}`], { cwd: repoRoot, encoding: "utf8", stdio: "pipe" });
    const commit = execFileSync("git", ["log", "-1", "--format=%h", "--", inRepo], { cwd: repoRoot, encoding: "utf8" });
    return { json: JSON.parse(text), source: `${inRepo} as committed in ${commit.trim() || "HEAD"}` };
  } catch {
    // Not committed yet, or no git: fall back to the file on disk.
  }
  if (!existsSync(file)) return undefined;
  return { json: JSON.parse(readFileSync(file, "utf8")), source: `${inRepo} on disk (not committed)` };
}

const grouped = (n: number): string =>
  n.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 2 });

function change(now: number, before: number | undefined): string {
  if (before === undefined) return "new";
  const delta = Math.round((now - before) * 100) / 100;
  if (delta === 0) return "=";
  const sign = delta > 0 ? "+" : "-";
  const percent = before === 0 ? "" : ` (${sign}${Math.abs((delta / before) * 100).toFixed(1)}%)`;
  return `${sign}${grouped(Math.abs(delta))}${percent}`;
}

export interface Table {
  text: string;
  failures: string[];
}

/** The table: each figure, its target and whether it is met, and the change since the baseline. */
export function table(current: unknown, baseline: Baseline | undefined): Table {
  const header = ["Figure", "Gas", "Target", "Result", "Previous", "Change", "What"];
  const failures: string[] = [];
  const lines = ROWS.map((row) => {
    const value = at(current, row.path);
    if (value === undefined) throw new Error(`no figure at ${row.path.join(".")}`);
    const before = baseline === undefined ? undefined : at(baseline.json, row.path);
    let target = "";
    let result = "";
    if (row.target !== undefined) {
      target = `<= ${grouped(row.target)}`;
      result = value <= row.target ? "pass" : "FAIL";
      if (value > row.target) failures.push(`${row.path.join(".")}: ${grouped(value)} > ${grouped(row.target)}`);
    } else if (row.quoted !== undefined) {
      target = `(quoted ~${grouped(row.quoted)})`;
    }
    return [
      row.path.filter((p) => p !== "meta").join("."),
      grouped(value),
      target,
      result,
      before === undefined ? "" : grouped(before),
      baseline === undefined ? "" : change(value, before),
      row.label,
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => (l[c] ?? "").length)));
  const numeric = new Set([1, 4]);
  const format = (cells: string[]) =>
    cells
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const text = [format(header), rule, ...lines.map(format)].join("\n");
  return { text, failures };
}

export const README_START = "<!-- gas-table:start -->";
export const README_END = "<!-- gas-table:end -->";

/** Replaces the table between the README's markers with this run's. */
export function updateReadme(file: string, block: string): boolean {
  if (!existsSync(file)) return false;
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  const updated = `${text.slice(0, start + README_START.length)}\n\n${block}\n\n${text.slice(end)}`;
  if (updated !== text) writeFileSync(file, updated);
  return true;
}
