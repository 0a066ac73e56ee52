/**
 * `npx hejie` (bin/hejie.mjs → cli/hejie.ts) as a court or an operator runs it: a court report
 * produced by the gateway, then checked by the CLI with the gateway stopped — only a chain node's
 * JSON-RPC URL — for the real file (verified, exit 0), a tampered one (not verified, exit 1) and bad
 * input (exit 2); and an agreement's compliance read from the chain.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { Hex } from "viem";

import type { Manifest } from "../cli/bundle.js";
import { grantAnchorer } from "../deploy/anchorer.js";
import { call, signIn } from "../protocol/gateway-client.js";
import { openCase } from "./gateway/agreements-fixture.js";
import { DEFAULT_KEYS, type System, startSystem, wallets } from "./gateway/harness.js";
import { registerSettlement } from "./helpers/hejie.js";

function hejie(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bin/hejie.mjs", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("npx hejie: the command line for courts and operators", function () {
  this.timeout(300_000);
  let system: System;
  let dir: string;

  before(async () => {
    system = await startSystem({ env: { HEJIE_EVIDENCE_ANCHORER: "off" } });
    await grantAnchorer(system.hejie.accessManager, wallets.relayer.address);
    dir = mkdtempSync(join(tmpdir(), "hejie-cli-"));
  });
  after(async () => {
    await system?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exports a case's evidence bundle; the bundle verifies against the chain alone, a tampered one does not", async () => {
    const lawyer = await signIn(system.url, wallets.lawyer);
    const caseId = await openCase(system, lawyer, wallets.borrower.address, [wallets.platform.address]);
    const submit = async (name: string, bytes: Buffer) => {
      const uploaded = await call<{ id: Hex }>(system.url, "POST", `/cases/${caseId}/documents?name=${name}`, {
        token: lawyer,
        body: bytes,
        contentType: "application/pdf",
      });
      await call(system.url, "POST", `/cases/${caseId}/evidence`, {
        token: lawyer,
        json: { documentId: uploaded.body.id },
      });
    };
    const files = { "notice.pdf": randomBytes(3000), "statement.pdf": randomBytes(7000) };
    for (const [name, bytes] of Object.entries(files)) await submit(name, bytes);
    await system.gateway.evidence.anchorRound(true);
    await submit("late.pdf", randomBytes(100)); // still queued at export

    const out = join(dir, "bundle");
    const lawyerKey = { HEJIE_PRIVATE_KEY: DEFAULT_KEYS[3]! };
    const exported = await hejie(["export", caseId, "--gateway", system.url, "--out", out], lawyerKey);
    expect(exported.code, exported.output).to.equal(0);
    expect(exported.output).to.contain("2 anchored item(s) exported").and.contain("1 still queued");
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
    expect(manifest.items.map((item) => [item.state, item.file])).to.deep.equal([
      ["anchored", "evidence/01-notice.pdf"],
      ["anchored", "evidence/02-statement.pdf"],
      ["queued", null],
    ]);
    expect(readFileSync(join(out, "evidence", "02-statement.pdf")).equals(files["statement.pdf"])).to.equal(true);
    expect(readFileSync(join(out, "reports", "01-notice.pdf.html"), "utf8")).to.contain("<html");
    expect(readFileSync(join(out, "HOW-TO-VERIFY.txt"), "utf8")).to.contain("npx hejie verify");

    // The same bundle with each court report rendered as PDF too (Chromium, as in .ci/run).
    const withPdf = join(dir, "bundle-pdf");
    const printed = await hejie(["export", caseId, "--gateway", system.url, "--out", withPdf, "--pdf"], lawyerKey);
    expect(printed.code, printed.output).to.equal(0);
    const pdfManifest = JSON.parse(readFileSync(join(withPdf, "manifest.json"), "utf8")) as Manifest;
    expect(pdfManifest.items.map((item) => item.reportPdf)).to.deep.equal([
      "reports/01-notice.pdf.pdf",
      "reports/02-statement.pdf.pdf",
      null,
    ]);
    const pdf = readFileSync(join(withPdf, "reports", "01-notice.pdf.pdf"));
    expect(pdf.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    const noBrowser = await hejie(["export", caseId, "--gateway", system.url, "--out", join(dir, "x"), "--pdf"], {
      ...lawyerKey,
      HEJIE_CHROMIUM: join(dir, "no-such-browser"),
    });
    expect([noBrowser.code, noBrowser.output.includes("no Chromium at")]).to.deep.equal([2, true]);

    const again = await hejie(["export", caseId, "--gateway", system.url, "--out", out], lawyerKey);
    expect([again.code, again.output.includes("is not empty")]).to.deep.equal([2, true]);
    const anonymous = await hejie(["export", caseId, "--gateway", system.url, "--out", join(dir, "other")]);
    expect([anonymous.code, anonymous.output.includes("HEJIE_PRIVATE_KEY")]).to.deep.equal([2, true]);
    const stranger = await hejie(["export", caseId, "--gateway", system.url, "--out", join(dir, "other")], {
      HEJIE_PRIVATE_KEY: DEFAULT_KEYS[6]!,
    });
    expect([stranger.code, stranger.output.includes("NOT_A_PARTY")]).to.deep.equal([2, true]);

    const verified = await hejie(["verify", out, "--rpc", system.anvil.url]);
    expect(verified.code, verified.output).to.equal(0);
    expect(verified.output).to.contain("2 of 2 file(s) verified");
    const notice = join(out, "evidence", "01-notice.pdf");
    const tampered = readFileSync(notice);
    tampered[0] = tampered[0]! ^ 1;
    writeFileSync(notice, tampered);
    const refused = await hejie(["verify", out, "--rpc", system.anvil.url]);
    expect(refused.code, refused.output).to.equal(1);
    expect(refused.output).to.contain("1 of 2 file(s) verified");
  });

  it("verifies a file against a court report with the gateway stopped; refuses a tampered file", async () => {
    const lawyer = await signIn(system.url, wallets.lawyer);
    const caseId = await openCase(system, lawyer, wallets.borrower.address, [wallets.platform.address]);
    const bytes = randomBytes(5000);
    const uploaded = await call<{ id: Hex }>(system.url, "POST", `/cases/${caseId}/documents?name=letter.pdf`, {
      token: lawyer,
      body: bytes,
      contentType: "application/pdf",
    });
    const queued = await call<{ id: string }>(system.url, "POST", `/cases/${caseId}/evidence`, {
      token: lawyer,
      json: { documentId: uploaded.body.id },
    });
    await system.gateway.evidence.anchorRound(true);
    const report = await call(system.url, "GET", `/evidence/${queued.body.id}/report`, { token: lawyer });
    expect(report.status).to.equal(200);
    writeFileSync(join(dir, "report.json"), JSON.stringify(report.body));
    writeFileSync(join(dir, "letter.pdf"), bytes);
    const tampered = Buffer.from(bytes);
    tampered[100] = tampered[100]! ^ 0x20;
    writeFileSync(join(dir, "tampered.pdf"), tampered);

    await system.running.close(); // the court needs no gateway
    const rpc = system.anvil.url;
    const verified = await hejie([
      "verify",
      join(dir, "letter.pdf"),
      "--report",
      join(dir, "report.json"),
      "--rpc",
      rpc,
    ]);
    expect(verified.code, verified.output).to.equal(0);
    expect(verified.output).to.contain("VERIFIED: letter.pdf").and.not.contain("FAIL");

    const refused = await hejie([
      "verify",
      join(dir, "tampered.pdf"),
      "--report",
      join(dir, "report.json"),
      "--rpc",
      rpc,
    ]);
    expect(refused.code, refused.output).to.equal(1);
    expect(refused.output).to.contain("NOT VERIFIED").and.contain("FAIL  the file's SHA-256 is the report's");

    const noReport = await hejie(["verify", join(dir, "letter.pdf"), "--report", join(dir, "none.json"), "--rpc", rpc]);
    expect([noReport.code, noReport.output]).to.satisfy(
      ([code, output]: [number, string]) => code === 2 && output.includes("cannot read the report"),
    );
    expect((await hejie(["verify", join(dir, "letter.pdf")])).code).to.equal(2);
    const help = await hejie(["--help"]);
    expect([help.code, help.output]).to.satisfy(
      ([code, output]: [number, string]) => code === 0 && output.includes("Usage"),
    );
  });

  it("reads an agreement's compliance from the chain", async () => {
    const id = await registerSettlement(system.hejie);
    const read = await hejie([
      "compliance",
      id,
      "--registry",
      await system.hejie.settlements.getAddress(),
      "--rpc",
      system.anvil.url,
    ]);
    expect(read.code, read.output).to.equal(0);
    expect(read.output)
      .to.match(/status\s+Active/)
      .and.match(/total due\s+¥12000\.00/)
      .and.match(/paid\s+¥0\.00/);
  });
});
