/**
 * `npm start` and `npm run demo` as a newcomer runs them: the system started as `npm start` starts it
 * (`hardhat run scripts/start.ts`, on free ports and a temporary data directory), the demo played
 * against it over HTTP, a stop with Ctrl-C (SIGINT), and a second start on the same data directory,
 * which must find every case, document, agreement, payment and anchor where it was, without deploying
 * again; then the demo plays once more on top.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { type Hex, createPublicClient, http, parseAbiItem } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import { LOCAL_MNEMONIC, members } from "../deploy/local/parties.js";
import { call, signIn } from "../protocol/gateway-client.js";
import { sha256Hex } from "../protocol/evidence.js";
import { caseRegistryAbi } from "../server/chain/abi.js";
import { freePort } from "./helpers/ports.js";

const ROOT = process.cwd();

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Runs a command of the project; resolves once `ready` appears in its output (rejects if it exits first). */
function launch(command: string, args: string[], env: Record<string, string>, ready?: string): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready !== undefined && output.includes(ready)) resolve({ child, output: () => output });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      if (ready === undefined) resolve({ child, output: () => output });
      else reject(new Error(`${command} ${args.join(" ")} exited (${code ?? signal}) before "${ready}":\n${output}`));
    });
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

/** Everything the lawyer can see through the API, and what the chain holds: must survive a restart. */
async function snapshot(url: string, chainUrl: string) {
  const lawyer = await signIn(url, mnemonicToAccount(LOCAL_MNEMONIC, { addressIndex: members.lawyer.key }));
  const cases = (await call<{ id: Hex }[]>(url, "GET", "/cases", { token: lawyer })).body;
  const records = [];
  for (const { id } of cases) {
    const documents = (
      await call<{ id: Hex; name: string; sha256: Hex; status: string }[]>(url, "GET", `/cases/${id}/documents`, {
        token: lawyer,
      })
    ).body;
    // Every document still decrypts to its SHA-256: the key-encryption key and the blobs survived.
    const contents = [];
    for (const document of documents) {
      const response = await fetch(`${url}/cases/${id}/documents/${document.id}/content`, {
        headers: { authorization: `Bearer ${lawyer}` },
      });
      contents.push(
        response.status === 200 && sha256Hex(new Uint8Array(await response.arrayBuffer())) === document.sha256,
      );
    }
    const drafts = (await call<{ id: string; status: string }[]>(url, "GET", `/cases/${id}/drafts`, { token: lawyer }))
      .body;
    const agreements = (
      await call<{ settlementId: Hex; compliance: { paidTotal: string } }[]>(url, "GET", `/cases/${id}/agreements`, {
        token: lawyer,
      })
    ).body;
    const evidence = (
      await call<{ sha256: Hex; state: string; anchor: { root: Hex } | null }[]>(url, "GET", `/cases/${id}/evidence`, {
        token: lawyer,
      })
    ).body;
    records.push({
      id,
      evidence: evidence.map((e) => [e.sha256, e.state, e.anchor?.root ?? null]),
      documents: documents.map((d) => [d.name, d.sha256, d.status]),
      contents,
      drafts: drafts.map((d) => [d.id, d.status]),
      agreements: agreements.map((a) => [a.settlementId, a.compliance.paidTotal]),
    });
  }
  const anchors = (await call<unknown[]>(url, "GET", "/audit/anchors", { token: lawyer })).body;
  const contracts = (
    await call<{ contracts: { registry: Hex; evidence: Hex; caseRegistry: Hex } }>(url, "GET", "/chain")
  ).body.contracts;
  const mediation = (
    await call<{ cases: { caseId: Hex; status: string }[] }>(url, "GET", "/mediation/cases", { token: lawyer })
  ).body.cases.map((c) => [c.caseId, c.status]);
  const chain = createPublicClient({ transport: http(chainUrl) });
  const logs = async (address: Hex) => (await chain.getLogs({ address, fromBlock: 0n })).length;
  const paymentEvents = await chain.getLogs({
    address: contracts.registry,
    event: parseAbiItem(
      "event PaymentRecorded(bytes32 indexed settlementId, uint32 sequence, uint64 amount, uint40 paidAt)",
    ),
    fromBlock: 0n,
  });
  // The CaseRegistry's facts the gateway records as evidence too: standstill breaches, decided disputes.
  const mediationFacts = (
    await Promise.all(
      (["StandstillBreached", "DisputeDecided"] as const).map((eventName) =>
        chain.getContractEvents({ address: contracts.caseRegistry, abi: caseRegistryAbi, eventName, fromBlock: 0n }),
      ),
    )
  ).flat().length;
  return {
    records,
    anchors,
    mediationFacts,
    contracts,
    mediation,
    payments: paymentEvents.length,
    caseEvents: await logs(contracts.caseRegistry),
    registryEvents: await logs(contracts.registry),
    evidenceEvents: await logs(contracts.evidence),
  };
}

/**
 * Waits (a bounded number of polls) until the gateway has recorded every case event of the demo as
 * evidence — each party's signature and each registration (4 per agreement) and each payment — and
 * anchored it with the rest of the evidence: the background rounds run every few seconds.
 */
async function recordsSettled(url: string, chainUrl: string) {
  let last: Awaited<ReturnType<typeof snapshot>> | undefined;
  for (let poll = 0; poll < 300; poll++) {
    last = await snapshot(url, chainUrl);
    const agreements = last.records.flatMap((r) => r.agreements).length;
    const recorded = last.records.flatMap((r) => r.documents).filter(([name]) => String(name).endsWith(".json"));
    const evidence = last.records.flatMap((r) => r.evidence);
    const facts = 4 * agreements + last.payments + last.mediationFacts;
    if (recorded.length === facts && evidence.every(([, state]) => state === "anchored")) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the demo's case events were not all recorded and anchored: ${JSON.stringify(last)}`);
}

describe("npm start and npm run demo: the whole system, kept across a restart", function () {
  this.timeout(900_000);
  let dataDir: string;
  let env: Record<string, string>;
  let running: Started | undefined;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "hejie-start-"));
    env = {
      HEJIE_DATA_DIR: dataDir,
      HEJIE_PORT: String((await freePort()).port),
      HEJIE_CHAIN_PORT: String((await freePort()).port),
    };
  });
  after(async () => {
    if (running !== undefined) {
      running.child.kill("SIGINT");
      await exited(running.child);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const url = () => `http://127.0.0.1:${env.HEJIE_PORT}`;
  const chainUrl = () => `http://127.0.0.1:${env.HEJIE_CHAIN_PORT}`;
  const start = async () => {
    running = await launch(
      join(ROOT, "node_modules", ".bin", "hardhat"),
      ["run", "scripts/start.ts"],
      env,
      "Stop: Ctrl-C",
    );
    expect((await call(url(), "GET", "/health")).status).to.equal(200);
    return running;
  };
  const stop = async () => {
    const { child, output } = running!;
    child.kill("SIGINT");
    expect(await exited(child), output()).to.equal(0);
    expect(output()).to.contain("Stopped.");
    running = undefined;
  };
  const demo = async () => {
    const played = await launch(process.execPath, ["--import", "tsx", "scripts/demo.ts"], { ...env, HEJIE_URL: url() });
    expect(await exited(played.child), played.output()).to.equal(0);
    return played.output();
  };

  it("plays both seed cases, stops on Ctrl-C, and starts again with every record in place", async () => {
    const first = await start();
    expect(first.output()).to.contain("Deploying the contracts");
    const played = await demo();
    expect(played).to.contain("#2 PaidLate");
    expect(played).to.contain("was never anchored");
    // Case 2's mediation: standstills, a breach, a committee decision terminating an agreement, confirmation.
    expect(played).to.contain("flagged as a standstill breach (1)");
    expect(played).to.contain("outcome Terminate, Kuaijie's agreement is now Terminated");
    expect(played).to.contain("the settlement is Confirmed");
    expect(played).to.contain("Both cases played.");
    // The local profile lets the gateway's relayer anchor the audit log's head.
    const lawyer = await signIn(url(), mnemonicToAccount(LOCAL_MNEMONIC, { addressIndex: members.lawyer.key }));
    expect((await call(url(), "POST", "/audit/anchors", { token: lawyer })).status).to.equal(201);
    const before = await recordsSettled(url(), chainUrl());
    expect(before.anchors).to.have.length(1);
    expect(before.records).to.have.length(2);
    expect(before.records.flatMap((r) => r.agreements)).to.have.length(4);
    expect(before.payments).to.equal(5);
    expect(before.mediation.map(([, status]) => status)).to.deep.equal(["Confirmed"]);
    expect(before.mediationFacts).to.equal(2);
    // 11 documents the demo uploaded (9, a call note, the committee's written resolution), and 23 records:
    // 4 agreements × (3 signatures + registration), 5 payments, the standstill breach, the committee's decision.
    expect(before.records.flatMap((r) => r.contents)).to.satisfy(
      (ok: boolean[]) => ok.length === 11 + 23 && ok.every(Boolean),
    );
    expect(before.evidenceEvents).to.be.greaterThan(0);
    expect(before.records.flatMap((r) => r.evidence.map((e) => e[1]))).to.have.length(3 + 23);
    await stop();

    const second = await start();
    expect(second.output()).not.to.contain("Deploying the contracts");
    expect(await snapshot(url(), chainUrl())).to.deep.equal(before);

    // The demo plays again on the same data: new cases beside the old ones.
    await demo();
    const after = await recordsSettled(url(), chainUrl());
    expect(after.records).to.have.length(4);
    expect(after.mediation.map(([, status]) => status)).to.deep.equal(["Confirmed", "Confirmed"]);
    expect(after.records.filter((r) => before.records.some((b) => b.id === r.id))).to.deep.equal(before.records);
    await stop();
  });

  /** Runs `npm start` expecting it to refuse: exit code 2, a message, no stack trace. */
  const refusal = async (overrides: Record<string, string>, message: string) => {
    if (running !== undefined) await stop(); // left running by a failed test above: its ports are taken
    const refused = await launch(join(ROOT, "node_modules", ".bin", "hardhat"), ["run", "scripts/start.ts"], {
      ...env,
      ...overrides,
    });
    expect(await exited(refused.child), refused.output()).to.equal(2);
    expect(refused.output()).to.contain(message);
    expect(refused.output()).not.to.match(/\n\s+at /);
  };

  it("refuses a damaged chain state file, saying what to do", async () => {
    const damaged = mkdtempSync(join(tmpdir(), "hejie-start-damaged-"));
    try {
      mkdirSync(join(damaged, "chain"));
      writeFileSync(join(damaged, "chain", "anvil-state.json"), "{ this is not a chain state");
      await refusal({ HEJIE_DATA_DIR: damaged }, "The local chain did not start");
    } finally {
      rmSync(damaged, { recursive: true, force: true });
    }
  });

  it("refuses a recorded deployment the chain does not hold (chain state lost)", async () => {
    const lost = mkdtempSync(join(tmpdir(), "hejie-start-lost-"));
    try {
      cpSync(join(dataDir, "deployment.json"), join(lost, "deployment.json"));
      await refusal({ HEJIE_DATA_DIR: lost }, "but the chain has no contract there");
    } finally {
      rmSync(lost, { recursive: true, force: true });
    }
  });

  it("refuses to start on a port already in use, with a message and no stack trace", async () => {
    const taken = await freePort(true);
    try {
      await refusal({ HEJIE_PORT: String(taken.port) }, `Port ${taken.port} (HEJIE_PORT) is already in use`);
    } finally {
      taken.server.close();
    }
  });
});
