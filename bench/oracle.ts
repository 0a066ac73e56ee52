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
 * Evidence verification latency (`POST /verify`) is not measured yet: the endpoint does not exist
 * (issue 4); its fields are null. Writes `bench/oracle.json` (not committed).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import { type Hex, toHex } from "viem";

import { paymentReportTypes, settlementDomain, typesOf } from "../protocol/typed-data.js";
import { gatewayEnv, startAnvil, wallets } from "../test/gateway/harness.js";
import { deployHejie, paymentReport, recordPayment, registerSettlement } from "../test/helpers/hejie.js";
import { freePort } from "../test/helpers/ports.js";
import { type Child, ROOT, agent, round, send, startProcess, timed } from "./processes.js";

const OUTPUT = join(ROOT, "bench", "oracle.json");
const AGREEMENTS = Number(process.env.BENCH_AGREEMENTS ?? 20);
const REPORTS_PER_AGREEMENT = Number(process.env.BENCH_REPORTS_PER_AGREEMENT ?? 25);
const BATCH_SIZE = Number(process.env.HEJIE_PAYMENTS_BATCH_SIZE ?? 50);
const CONCURRENCY = 16;
const PEER_REPORTS = 100;
const AMOUNT = 1_000n;

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
        HEJIE_LOG_LEVEL: "warn",
      },
      port,
      "/live",
    );

    // The payment system's work, done beforehand: each report signed by the platform's oracle key.
    const domain = settlementDomain(hejie.chainId, registry);
    const paidAt = Math.floor(Date.now() / 1000) - 3_600;
    const bodies: Buffer[] = [];
    for (let sequence = 0; sequence < REPORTS_PER_AGREEMENT; sequence += 1) {
      for (const settlementId of agreements) {
        const message = { settlementId, sequence: BigInt(sequence), amount: AMOUNT, paidAt: BigInt(paidAt) };
        const bankReference = toHex(crypto.getRandomValues(new Uint8Array(32)));
        const signature = await wallets.oracle.signTypedData({
          domain: { ...domain, verifyingContract: registry },
          types: typesOf(paymentReportTypes),
          primaryType: "PaymentReport",
          message: { ...message, bankReference },
        });
        const body = { settlementId, sequence, amount: AMOUNT.toString(), paidAt, bankReference, signature };
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

    const json = {
      acceptedPerSec: round(total / acceptSeconds, 1),
      confirmedPerSec: round(total / confirmSeconds, 1),
      gasPerPayment: round(Number(gas) / total, 1),
      batchSize: round(total / transactions, 1),
      verifyP50Ms: null,
      verifyP95Ms: null,
      inProcessVerifyP95Ms: null,
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
    console.log(`\nverification latency: not measured (POST /verify does not exist yet)`);
  } finally {
    agent.destroy();
    await gateway?.stop();
    await anvil.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
