/**
 * A case's evidence bundle: what a lawyer hands a court. `exportBundle` fetches, from the gateway, each
 * anchored piece of evidence of a case (the file, decrypted for the signed-in party), its court report
 * as JSON and printable HTML, and writes them with a manifest and instructions into a new directory:
 *
 *   manifest.json            case, gateway, export time, and per item: file, SHA-256, reports, anchor
 *   HOW-TO-VERIFY.txt        the checks a court makes, and the command that makes them
 *   evidence/01-letter.pdf   the files, numbered in the order they were submitted
 *   reports/01-letter.pdf.json, reports/01-letter.pdf.html (and reports/01-letter.pdf.pdf with `pdf`)
 *
 * Each file's SHA-256 is checked against its report before it is written. Evidence still waiting for
 * its anchor is listed in the manifest as `queued`, without a file. `verifyBundle` then checks every
 * item against the chain alone (no gateway).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { call, signIn } from "../protocol/gateway-client.js";
import { chromiumInstalled, chromiumPath, renderPdfs } from "./pdf.js";

export class BundleError extends Error {}

interface EvidenceItem {
  id: string;
  documentId: Hex;
  sha256: Hex;
  state: "queued" | "anchored";
  anchor: { root: Hex; txHash: Hex; blockNumber: number; blockTime: number } | null;
}

export interface Manifest {
  caseId: Hex;
  gateway: string;
  exportedAt: string;
  items: {
    evidenceId: string;
    state: "queued" | "anchored";
    sha256: Hex;
    file: string | null;
    report: string | null;
    reportHtml: string | null;
    /** With the `pdf` option: the report rendered as PDF. */
    reportPdf: string | null;
    anchor: EvidenceItem["anchor"];
  }[];
}

const HOW_TO_VERIFY = `How to verify this evidence bundle
==================================

Each file in evidence/ was anchored on the Hejie consortium chain. Its court report (reports/*.json,
printable as reports/*.html) says where: the Merkle root, the anchoring transaction, its block and
the EvidenceRegistry contract. Anyone can check a file against the chain, without Hejie's servers:

1. Compute the file's SHA-256 (e.g. \`sha256sum evidence/01-letter.pdf\`): it must equal the report's
   document.sha256.
2. Ask any node of the chain, by an eth_call, EvidenceRegistry.verifyDocument(root, sha256, salt, proof)
   with the report's root, leaf.salt and proof: it must answer true.
3. The report's transaction must be in the report's block, and getAnchor(root) must give that block.

The command line makes every check for every file of the bundle:

    npx hejie verify <this directory> --rpc <a chain node's JSON-RPC URL>

or for one file:

    npx hejie verify evidence/01-letter.pdf --report reports/01-letter.pdf.json --rpc <url>
`;

/** A session for the gateway: the token given, or one signed in with the key given (never on the command line). */
async function session(gateway: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.HEJIE_TOKEN !== undefined && env.HEJIE_TOKEN !== "") return env.HEJIE_TOKEN;
  const key = env.HEJIE_PRIVATE_KEY;
  if (key === undefined || !/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new BundleError(
      "set HEJIE_TOKEN (a session token) or HEJIE_PRIVATE_KEY (0x… the party's wallet key) to sign in to the gateway",
    );
  }
  return signIn(gateway, privateKeyToAccount(key as Hex));
}

async function fetchOk<T>(gateway: string, path: string, token: string): Promise<T> {
  const reply = await call<T>(gateway, "GET", path, { token });
  if (reply.status !== 200) throw new BundleError(`GET ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function download(gateway: string, path: string, token: string): Promise<Buffer> {
  const response = await fetch(`${gateway}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new BundleError(`GET ${path}: ${response.status} ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer());
}

export async function exportBundle(
  gateway: string,
  caseId: string,
  out: string,
  options: { pdf?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<Manifest> {
  const env = options.env ?? process.env;
  if (!/^0x[0-9a-fA-F]{64}$/.test(caseId)) throw new BundleError("the case id is 32 bytes hex");
  if (existsSync(out) && readdirSync(out).length > 0) {
    throw new BundleError(`${out} is not empty: name a new directory`);
  }
  if (options.pdf === true && !chromiumInstalled(env)) {
    throw new BundleError(
      `no Chromium at ${chromiumPath(env)} to render PDFs: install it (apt-get install chromium), ` +
        "set HEJIE_CHROMIUM, or export without --pdf",
    );
  }
  const token = await session(gateway, env);
  const items = await fetchOk<EvidenceItem[]>(gateway, `/cases/${caseId}/evidence`, token);
  mkdirSync(join(out, "evidence"), { recursive: true });
  mkdirSync(join(out, "reports"), { recursive: true });
  const manifest: Manifest = {
    caseId: caseId.toLowerCase() as Hex,
    gateway,
    exportedAt: new Date().toISOString(),
    items: [],
  };
  const pdfs: { html: string; path: string }[] = [];
  for (const [index, item] of items.entries()) {
    const entry: Manifest["items"][number] = {
      evidenceId: item.id,
      state: item.state,
      sha256: item.sha256,
      file: null,
      report: null,
      reportHtml: null,
      reportPdf: null,
      anchor: item.anchor,
    };
    manifest.items.push(entry);
    if (item.state !== "anchored") continue;
    const report = await fetchOk<{ document: { name: string; sha256: Hex } }>(
      gateway,
      `/evidence/${item.id}/report`,
      token,
    );
    const bytes = await download(gateway, `/cases/${caseId}/documents/${item.documentId}/content`, token);
    const sha256 = `0x${createHash("sha256").update(bytes).digest("hex")}`;
    if (sha256 !== report.document.sha256.toLowerCase()) {
      throw new BundleError(
        `evidence ${item.id}: the file served has SHA-256 ${sha256}, its report ${report.document.sha256}`,
      );
    }
    const html = await download(gateway, `/evidence/${item.id}/report.html`, token);
    // Document names carry no path (the gateway refuses one); numbered, two files never collide.
    const name = `${String(index + 1).padStart(2, "0")}-${report.document.name}`;
    entry.file = `evidence/${name}`;
    entry.report = `reports/${name}.json`;
    entry.reportHtml = `reports/${name}.html`;
    writeFileSync(join(out, entry.file), bytes);
    writeFileSync(join(out, entry.report), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(out, entry.reportHtml), html);
    if (options.pdf === true) {
      entry.reportPdf = `reports/${name}.pdf`;
      pdfs.push({ html: html.toString("utf8"), path: join(out, entry.reportPdf) });
    }
  }
  if (pdfs.length > 0) await renderPdfs(pdfs);
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(out, "HOW-TO-VERIFY.txt"), HOW_TO_VERIFY);
  return manifest;
}

/** The anchored items of a bundle directory, as (file, report) paths. */
export function bundleItems(dir: string): { file: string; report: string }[] {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  } catch (error) {
    throw new BundleError(`${dir} holds no readable manifest.json: ${(error as Error).message}`);
  }
  return manifest.items
    .filter((item) => item.file !== null && item.report !== null)
    .map((item) => ({ file: join(dir, item.file!), report: join(dir, item.report!) }));
}
