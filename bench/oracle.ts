/**
 * Payment oracle benchmark: `npm run bench:oracle` (`hardhat run bench/oracle.ts`). See bench/README.md.
 *
 * Starts anvil (automine), deploys with the Ignition module, registers agreements, and starts the
 * gateway as its own process (production defaults, batches of HEJIE_PAYMENTS_BATCH_SIZE). Then, in
 * one run:
 *
 * - posts signed payment reports to `POST /payments/reports` from this process over keep-alive HTTP
 *   (signatures made beforehand: signing is the payment system's work) and measures reports accepted
 *   per second (202s) and recorded on chain per second (from the first post until every agreement's
 *   on-chain report count is complete);
 * - reads the gas of the gateway's `recordPayments` transactions from their receipts: gas per payment
 *   and the batch sizes it used;
 * - measures a peer on the same chain: the same kind of reports relayed straight to the registry, one
 *   `recordPayment` transaction each, waiting for each receipt (what a payment system without the
 *   gateway would do).
 *
 * - evidence verification latency: `POST /verify` by hash (p50, p95; target p95 ≤ 20 ms) beside the
 *   same proofs checked in-process.
 *
 * Writes `bench/oracle.json` (not committed).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { network } from "hardhat";
import { type Hex, toHex } from "viem";

import { grantAnchorer } from "../deploy/anchorer.js";
import { EVIDENCE_LEAF_ENCODING } from "../protocol/evidence.js";
import { signedPaymentReport } from "../protocol/payment-reports.js";
import { call, signIn } from "../protocol/gateway-client.js";
import { gatewayEnv, startAnvil, wallets } from "../test/gateway/harness.js";
import { type Hejie, deployHejie, paymentReport, recordPayment, registerSettlement } from "../test/helpers/hejie.js";
import { freePort } from "../test/helpers/ports.js";
import { type Child, ROOT, agent, round, send, startProcess, timed } from "./processes.js";

const OUTPUT = join(ROOT, "bench", "oracle.json");
const AGREEMENTS = Number(process.env.BENCH_AGREEMENTS ?? 20);
const REPORTS_PER_AGREEMENT = Number(process.env.BENCH_REPORTS_PER_AGREEMENT ?? 25);
const BATCH_SIZE = Number(process.env.HEJIE_PAYMENTS_BATCH_SIZE ?? 50);
const CONCURRENCY = 16;
const PEER_REPORTS = 100;
const AMOUNT = 1_000n;
const EVIDENCE_DOCUMENTS = 20;
const VERIFY_REQUESTS = 500;
const VERIFY_P95_TARGET_MS = 20;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const elapsedMs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

/**
 * Evidence verification latency: documents uploaded and submitted as evidence through the gateway,
 * anchored by it, then `POST /verify` by hash one request at a time; beside it, the same proofs
 * checked in-process (`StandardMerkleTree.verify`, no chain, no HTTP).
 */
async function measureVerification(hejie: Hejie, url: string) {
  const { accessManager } = hejie;
  await grantAnchorer(accessManager, wallets.relayer.address);
  const token = await signIn(url, wallets.lawyer);
  const opened = await call<{ id: Hex }>(url, "POST", "/cases", {
    token,
    json: { title: "Benchmark", borrower: wallets.borrower.address, platforms: [wallets.platform.address] },
  });
  const hashes: Hex[] = [];
  for (let i = 0; i < EVIDENCE_DOCUMENTS; i += 1) {
    const bytes = Buffer.from(crypto.getRandomValues(new Uint8Array(2048)));
    const uploaded = await call<{ id: Hex; sha256: Hex }>(
      url,
      "POST",
      `/cases/${opened.body.id}/documents?name=e.pdf`,
      {
        token,
        body: bytes,
        contentType: "application/pdf",
      },
    );
    await call(url, "POST", `/cases/${opened.body.id}/evidence`, { token, json: { documentId: uploaded.body.id } });
    hashes.push(uploaded.body.sha256);
  }
  for (let waited = 0; ; waited += 200) {
    const items = (await call<{ state: string }[]>(url, "GET", `/cases/${opened.body.id}/evidence`, { token })).body;
    if (items.length === EVIDENCE_DOCUMENTS && items.every((item) => item.state === "anchored")) break;
    if (waited > 60_000) throw new Error("evidence not anchored within a minute");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  type Answer = { anchored: boolean; anchors: { root: Hex; salt: Hex; proof: Hex[] }[] };
  const latencies: number[] = [];
  const proofs: { sha256: Hex; root: Hex; salt: Hex; proof: Hex[] }[] = [];
  for (let i = 0; i < VERIFY_REQUESTS; i += 1) {
    const sha256 = hashes[i % hashes.length]!;
    const started = process.hrtime.bigint();
    const answer = await call<Answer>(url, "POST", "/verify", { json: { sha256 } });
    latencies.push(elapsedMs(started));
    if (!answer.body.anchored) throw new Error(`document ${sha256} does not verify`);
    if (proofs.length < hashes.length) proofs.push({ sha256, ...answer.body.anchors[0]! });
  }
  const inProcess: number[] = [];
  for (let i = 0; i < VERIFY_REQUESTS; i += 1) {
    const { sha256, root, salt, proof } = proofs[i % proofs.length]!;
    const started = process.hrtime.bigint();
    const ok = StandardMerkleTree.verify(root, [...EVIDENCE_LEAF_ENCODING], [sha256, salt], proof);
    inProcess.push(elapsedMs(started));
    if (!ok) throw new Error("an in-process proof check failed");
  }
  return {
    p50: round(percentile(latencies, 50), 2),
    p95: round(percentile(latencies, 95), 2),
    inProcessP95: round(percentile(inProcess, 95), 3),
  };
}

async function main(): Promise<void> {
  const anvil = await startAnvil();
  const dataDir = mkdtempSync(join(tmpdir(), "hejie-bench-oracle-"));
  const deploymentId = `bench-oracle-${randomUUID()}`;
  let gateway: Child | undefined;
  try {
    const connection = await network.create({ network: "local", override: { url: anvil.url } });
    const hejie = await deployHejie(connection as never, { deploymentId });
    rmSync(join(ROOT, "deploy", "deployments", deploymentId), { recursive: true, force: true });
    const registry = (await hejie.settlements.getAddress()) as Hex;
    const agreements: Hex[] = [];
    for (let i = 0; i < AGREEMENTS; i += 1) agreements.push((await registerSettlement(hejie)) as Hex);

    const port = (await freePort()).port;
    gateway = await startProcess(
      "server/main.ts",
      [],
      {
        ...(await gatewayEnv(anvil, hejie, dataDir)),
        HEJIE_PORT: String(port),
        HEJIE_CONFIRMATIONS: "1",
        HEJIE_PAYMENTS_BATCH_SIZE: String(BATCH_SIZE),
        HEJIE_PAYMENTS_POLL_MS: "200",
        HEJIE_PAYMENT_REPORT_RATE_LIMIT: "100000000",
        HEJIE_UPLOAD_RATE_LIMIT: "100000000",
        HEJIE_EVIDENCE_MAX_WAIT_SECONDS: "1",
        HEJIE_LOG_LEVEL: "warn",
      },
      port,
      "/live",
    );

    // The payment system's work, done beforehand: each report signed by the platform's oracle key.
    const paidAt = Math.floor(Date.now() / 1000) - 3_600;
    const bodies: Buffer[] = [];
    for (let sequence = 0; sequence < REPORTS_PER_AGREEMENT; sequence += 1) {
      for (const settlementId of agreements) {
        const bankReference = toHex(crypto.getRandomValues(new Uint8Array(32)));
        const body = await signedPaymentReport(wallets.oracle, hejie.chainId, registry, {
          settlementId,
          sequence,
          amount: AMOUNT,
          paidAt,
          bankReference,
        });
        bodies.push(Buffer.from(JSON.stringify(body)));
      }
    }
    const total = bodies.length;
    const firstBlock = BigInt(await hejie.ethers.provider.getBlockNumber()) + 1n;

    const started = process.hrtime.bigint();
    const acceptSeconds = await timed(total, CONCURRENCY, async (i) => {
      const status = await send(
        `${gateway!.url}/payments/reports`,
        "POST",
        { "content-type": "application/json" },
        bodies[i],
      );
      if (status !== 202) throw new Error(`report ${i} answered ${status}`);
    });
    const recorded = async () => {
      let sum = 0;
      for (const id of agreements) sum += Number((await hejie.settlements.getSettlement(id))[0].reportCount);
      return sum;
    };
    while ((await recorded()) < total) {
      if (Number(process.hrtime.bigint() - started) / 1e9 > 600) throw new Error("reports not recorded in 10 minutes");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const confirmSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    // The gateway's recording transactions: from its relayer to the registry, since the first post.
    let gas = 0n;
    let transactions = 0;
    const lastBlock = BigInt(await hejie.ethers.provider.getBlockNumber());
    for (let number = firstBlock; number <= lastBlock; number += 1n) {
      const block = await hejie.ethers.provider.getBlock(number, true);
      for (const tx of block?.prefetchedTransactions ?? []) {
        if (tx.from !== wallets.relayer.address || tx.to?.toLowerCase() !== registry.toLowerCase()) continue;
        const receipt = await hejie.ethers.provider.getTransactionReceipt(tx.hash);
        gas += receipt!.gasUsed;
        transactions += 1;
      }
    }

    // The peer: one `recordPayment` per report, straight to the registry, each receipt awaited.
    const peerAgreement = await registerSettlement(hejie);
    const peerStarted = process.hrtime.bigint();
    let peerGas = 0n;
    for (let sequence = 0; sequence < PEER_REPORTS; sequence += 1) {
      const report = paymentReport(peerAgreement, BigInt(sequence), AMOUNT, BigInt(paidAt));
      const receipt = await (await recordPayment(hejie, report)).wait();
      peerGas += receipt!.gasUsed;
    }
    const peerSeconds = Number(process.hrtime.bigint() - peerStarted) / 1e9;

    const verification = await measureVerification(hejie, gateway.url);

    const json = {
      acceptedPerSec: round(total / acceptSeconds, 1),
      confirmedPerSec: round(total / confirmSeconds, 1),
      gasPerPayment: round(Number(gas) / total, 1),
      batchSize: round(total / transactions, 1),
      verifyP50Ms: verification.p50,
      verifyP95Ms: verification.p95,
      inProcessVerifyP95Ms: verification.inProcessP95,
      transactions,
      reports: total,
      peerDirect: {
        recordedPerSec: round(PEER_REPORTS / peerSeconds, 1),
        gasPerPayment: round(Number(peerGas) / PEER_REPORTS, 1),
      },
    };
    writeFileSync(OUTPUT, `${JSON.stringify(json, null, 2)}\n`);
    console.log(
      `\nPayment oracle benchmark (written to bench/oracle.json): ${total} reports over ${AGREEMENTS} agreements\n`,
    );
    console.log(
      `| measure                    | through the gateway              | peer: direct, one per transaction |`,
    );
    console.log(
      `|----------------------------|----------------------------------|-----------------------------------|`,
    );
    console.log(
      `| accepted (202) per second  | ${String(json.acceptedPerSec).padEnd(32)} | —                                 |`,
    );
    console.log(
      `| recorded on chain / second | ${String(json.confirmedPerSec).padEnd(32)} | ${String(json.peerDirect.recordedPerSec).padEnd(33)} |`,
    );
    console.log(
      `| gas per payment            | ${`${json.gasPerPayment} (${json.transactions} txs, ~${json.batchSize}/tx)`.padEnd(32)} | ${String(json.peerDirect.gasPerPayment).padEnd(33)} |`,
    );
    console.log(
      `\nPOST /verify by hash (${VERIFY_REQUESTS} requests, one at a time, ${EVIDENCE_DOCUMENTS} anchored documents): ` +
        `p50 ${json.verifyP50Ms} ms, p95 ${json.verifyP95Ms} ms (target p95 ≤ ${VERIFY_P95_TARGET_MS} ms: ` +
        `${json.verifyP95Ms <= VERIFY_P95_TARGET_MS ? "pass" : "FAIL"}); the same proofs checked in-process: ` +
        `p95 ${json.inProcessVerifyP95Ms} ms`,
    );
  } finally {
    agent.destroy();
    await gateway?.stop();
    await anvil.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
