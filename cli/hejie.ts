/**
 * `npx hejie …` — the command line for operators and courts. Verifying and reading compliance talk
 * to a chain node's JSON-RPC only, never to the gateway: what they say holds even if Hejie's servers
 * are gone. Exporting a bundle is the one command that asks the gateway (the files are kept there).
 *
 *   hejie verify <file> --report <report.json> --rpc <url>
 *       Checks a file against a court report (GET /evidence/:id/report): its SHA-256, the salted leaf,
 *       the proof against the root on the EvidenceRegistry, and the anchoring transaction and block.
 *   hejie verify <bundle directory> --rpc <url>
 *       The same for every file of an exported evidence bundle.
 *   hejie compliance <settlementId> --registry <address> --rpc <url>
 *       An agreement's status, standing and amounts, as the registry computes them now.
 *   hejie export <caseId> --gateway <url> --out <directory> [--pdf]
 *       A case's evidence bundle (bundle.ts): files, court reports (JSON, HTML, and PDF with --pdf),
 *       manifest, how to verify. Signs in with HEJIE_TOKEN or HEJIE_PRIVATE_KEY from the environment.
 *
 * Exit codes: 0 verified / read; 1 not verified; 2 bad usage or unreadable input.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";

import { type Hex, createPublicClient, http, isHex } from "viem";

import { evidenceLeafHash } from "../protocol/evidence.js";
import { BundleError, bundleItems, exportBundle } from "./bundle.js";
import { Standing, Status } from "../protocol/enums.js";

const EVIDENCE_ABI = [
  {
    type: "function",
    name: "verifyDocument",
    stateMutability: "view",
    inputs: [
      { name: "root", type: "bytes32" },
      { name: "documentSha256", type: "bytes32" },
      { name: "salt", type: "bytes32" },
      { name: "proof", type: "bytes32[]" },
    ],
    outputs: [{ type: "bool" }],
  },
  {
    type: "function",
    name: "getAnchor",
    stateMutability: "view",
    inputs: [{ name: "root", type: "bytes32" }],
    outputs: [
      {
        type: "tuple",
        components: [
          { name: "submitter", type: "address" },
          { name: "anchoredAt", type: "uint40" },
          { name: "blockNumber", type: "uint40" },
          { name: "kind", type: "uint8" },
        ],
      },
    ],
  },
] as const;

const COMPLIANCE_ABI = [
  {
    type: "function",
    name: "compliance",
    stateMutability: "view",
    inputs: [{ name: "settlementId", type: "bytes32" }],
    outputs: [
      {
        type: "tuple",
        components: [
          { name: "status", type: "uint8" },
          { name: "standing", type: "uint8" },
          { name: "totalDue", type: "uint64" },
          { name: "paidTotal", type: "uint64" },
          { name: "dueToDate", type: "uint64" },
          { name: "arrears", type: "uint64" },
          { name: "daysOverdue", type: "uint32" },
          { name: "nextInstalment", type: "uint16" },
        ],
      },
    ],
  },
] as const;

class UsageError extends Error {}

const USAGE = `Usage:
  hejie verify <file> --report <report.json> --rpc <url>
  hejie verify <bundle directory> --rpc <url>
  hejie compliance <settlementId> --registry <address> --rpc <url>
  hejie export <caseId> --gateway <url> --out <directory> [--pdf]   (HEJIE_TOKEN or HEJIE_PRIVATE_KEY set)
  hejie --help`;

interface Report {
  document: { name: string; sha256: Hex };
  leaf: { salt: Hex; hash: Hex };
  proof: Hex[];
  root: Hex;
  anchor: { txHash: Hex; blockNumber: number; blockHash: Hex; blockTime: number; chainId: number; contract: Hex };
}

function readReport(path: string): Report {
  let report: Report;
  try {
    report = JSON.parse(readFileSync(path, "utf8")) as Report;
  } catch (error) {
    throw new UsageError(`cannot read the report ${path}: ${(error as Error).message}`);
  }
  const fields = [report?.document?.sha256, report?.leaf?.salt, report?.root, report?.anchor?.contract];
  if (!fields.every((value) => typeof value === "string" && isHex(value)) || !Array.isArray(report.proof)) {
    throw new UsageError(`${path} is not a Hejie court report (GET /evidence/:id/report)`);
  }
  return report;
}

async function verify(file: string, reportPath: string, rpc: string): Promise<boolean> {
  const report = readReport(reportPath);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const client = createPublicClient({ transport: http(rpc) });
  const checks: [string, boolean][] = [];
  const sha256 = `0x${createHash("sha256").update(bytes).digest("hex")}` as Hex;
  checks.push([`the file's SHA-256 is the report's (${sha256})`, sha256 === report.document.sha256.toLowerCase()]);
  const leaf = evidenceLeafHash({ sha256, salt: report.leaf.salt });
  checks.push(["the salted leaf is the report's", leaf === report.leaf.hash.toLowerCase()]);
  checks.push([
    `the node serves chain ${report.anchor.chainId}`,
    (await client.getChainId()) === report.anchor.chainId,
  ]);
  const contract = report.anchor.contract;
  checks.push([
    "the EvidenceRegistry proves the file in the anchored root (verifyDocument)",
    await client.readContract({
      address: contract,
      abi: EVIDENCE_ABI,
      functionName: "verifyDocument",
      args: [report.root, sha256, report.leaf.salt, report.proof],
    }),
  ]);
  const anchor = await client.readContract({
    address: contract,
    abi: EVIDENCE_ABI,
    functionName: "getAnchor",
    args: [report.root],
  });
  checks.push([
    `the root was anchored in block ${report.anchor.blockNumber} at ${new Date(report.anchor.blockTime * 1000).toISOString()}`,
    Number(anchor.blockNumber) === report.anchor.blockNumber && Number(anchor.anchoredAt) === report.anchor.blockTime,
  ]);
  const receipt = await client.getTransactionReceipt({ hash: report.anchor.txHash }).catch(() => undefined);
  checks.push([
    `transaction ${report.anchor.txHash} is in block ${report.anchor.blockHash}`,
    receipt !== undefined && receipt.status === "success" && receipt.blockHash === report.anchor.blockHash,
  ]);
  for (const [what, ok] of checks) console.log(`${ok ? "ok  " : "FAIL"}  ${what}`);
  const verified = checks.every(([, ok]) => ok);
  console.log(verified ? `\nVERIFIED: ${report.document.name}` : `\nNOT VERIFIED: ${report.document.name}`);
  return verified;
}

/** Verifies each (file, report) pair of a bundle; true when all verify. */
async function verifyAll(items: { file: string; report: string }[], rpc: string): Promise<boolean> {
  if (items.length === 0) throw new UsageError("the bundle holds no anchored evidence");
  let verified = 0;
  for (const { file, report } of items) {
    console.log(`\n${file}`);
    if (await verify(file, report, rpc)) verified += 1;
  }
  console.log(`\n${verified} of ${items.length} file(s) verified`);
  return verified === items.length;
}

async function compliance(settlementId: string, registry: string, rpc: string): Promise<void> {
  if (!isHex(settlementId) || settlementId.length !== 66) throw new UsageError("the settlement id is 32 bytes hex");
  if (!isHex(registry) || registry.length !== 42) throw new UsageError("--registry is the HejieRegistry's address");
  const client = createPublicClient({ transport: http(rpc) });
  const c = await client.readContract({
    address: registry,
    abi: COMPLIANCE_ABI,
    functionName: "compliance",
    args: [settlementId],
  });
  const name = (table: Record<string, number>, value: number) =>
    Object.entries(table).find(([, v]) => v === value)?.[0] ?? String(value);
  const fen = (value: bigint) => `¥${(Number(value) / 100).toFixed(2)}`;
  console.log(`status          ${name(Status, Number(c.status))}`);
  console.log(`standing        ${name(Standing, Number(c.standing))}`);
  console.log(`total due       ${fen(c.totalDue)}`);
  console.log(`paid            ${fen(c.paidTotal)}`);
  console.log(`due to date     ${fen(c.dueToDate)}`);
  console.log(`arrears         ${fen(c.arrears)}`);
  console.log(`days overdue    ${c.daysOverdue}`);
  console.log(`next instalment #${Number(c.nextInstalment) + 1}`);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      report: { type: "string" },
      rpc: { type: "string" },
      registry: { type: "string" },
      gateway: { type: "string" },
      out: { type: "string" },
      pdf: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, subject] = positionals;
  if (values.help === true || command === undefined) {
    console.log(USAGE);
    return values.help === true ? 0 : 2;
  }
  if (command === "export") {
    if (subject === undefined || values.gateway === undefined || values.out === undefined) {
      throw new UsageError("export <caseId> --gateway <url> --out <directory>");
    }
    const manifest = await exportBundle(values.gateway, subject, values.out, { pdf: values.pdf === true });
    const files = manifest.items.filter((item) => item.file !== null);
    for (const item of files) console.log(`${item.file}  ${item.sha256}`);
    const queued = manifest.items.length - files.length;
    console.log(
      `\n${files.length} anchored item(s) exported to ${values.out}${queued > 0 ? `; ${queued} still queued` : ""}`,
    );
    return 0;
  }
  if (values.rpc === undefined) throw new UsageError("--rpc <url> is required: the chain node to ask");
  if (command === "verify") {
    if (subject === undefined) throw new UsageError("verify <file> --report <json>, or verify <bundle directory>");
    if (values.report === undefined && existsSync(subject) && statSync(subject).isDirectory()) {
      return (await verifyAll(bundleItems(subject), values.rpc)) ? 0 : 1;
    }
    if (values.report === undefined) throw new UsageError("verify <file> --report <json>");
    return (await verify(subject, values.report, values.rpc)) ? 0 : 1;
  }
  if (command === "compliance") {
    if (subject === undefined || values.registry === undefined) {
      throw new UsageError("compliance <settlementId> --registry <address>");
    }
    await compliance(subject, values.registry, values.rpc);
    return 0;
  }
  throw new UsageError(`unknown command ${command}`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(
    error instanceof UsageError || error instanceof TypeError
      ? `hejie: ${error.message}\n${USAGE}`
      : error instanceof BundleError
        ? `hejie: ${error.message}`
        : error,
  );
  process.exitCode = 2;
}
