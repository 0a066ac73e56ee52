/**
 * Gateway benchmark: `npm run bench:gateway` (`hardhat run bench/gateway.ts`). See bench/README.md.
 *
 * Starts everything it needs: anvil, the Ignition deployment with admitted parties, the gateway
 * (`server/main.ts`, its own process, production defaults, logs to /dev/null) and a bare Express
 * server (`bench/bare-express.ts`, its own process). The load comes from this process over loopback
 * HTTP with keep-alive connections. In one run it measures:
 *
 * - encrypted upload throughput through the gateway (session, party check, streaming SHA-256 and
 *   segmented AES-256-GCM, durable blob, SQL row and audit entry) for 1 MiB and 16 KiB documents,
 *   against a raw in-process AES-256-GCM + SHA-256 pipeline over the same documents (one thread,
 *   one-shot calls: the cost of the cryptography alone);
 * - authenticated reads per second (a document's description, with a session) against a bare
 *   Express handler answering the same path with the same body.
 *
 * Beside them, a peer: the bare Express server storing each upload as durably as the gateway does
 * (temporary file, fsync, rename, directory fsync) with no cryptography, SQL or audit — the ceiling
 * any durable upload can reach on this machine, printed so the raw-pipeline ratio can be read
 * against it.
 *
 * Each figure is the median of several rounds after a warm-up; rounds of the gateway and of its
 * baseline alternate, so both see the same machine. Writes `bench/gateway.json`; prints a table with
 * the targets. A missed target fails the run only with `BENCH_STRICT=1`.
 */
import { createCipheriv, createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";

import { call, signIn } from "../protocol/gateway-client.js";
import { gatewayEnv, startAnvil, wallets } from "../test/gateway/harness.js";
import { deployHejie } from "../test/helpers/hejie.js";
import { freePort } from "../test/helpers/ports.js";
import { type Child, ROOT, agent, median, round, send, startProcess, timed } from "./processes.js";

const OUTPUT = join(ROOT, "bench", "gateway.json");
const KiB = 1024;
const MiB = 1024 * KiB;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Two cores: a few uploads in flight overlap one's disk waits with another's cryptography. */
const SCENARIOS = {
  upload1MiB: { size: MiB, perRound: 128, concurrency: 4, warmup: 32 },
  upload16KiB: { size: 16 * KiB, perRound: 1500, concurrency: 8, warmup: 300 },
};
const READS = { perRound: 20_000, concurrency: 16, warmup: 5_000 };
const TARGETS = { upload1MiB: 0.7, authRead: 0.5 };

/** The baseline: SHA-256 and AES-256-GCM (fresh key and nonce) over each document, one after another. */
function rawPipeline(documents: Buffer[], count: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    const document = documents[i % documents.length]!;
    createHash("sha256").update(document).digest();
    const cipher = createCipheriv("aes-256-gcm", randomBytes(32), randomBytes(12));
    cipher.update(document);
    cipher.final();
    cipher.getAuthTag();
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  const anvil = await startAnvil();
  const dataDir = mkdtempSync(join(tmpdir(), "hejie-bench-"));
  const deploymentId = `bench-gateway-${randomUUID()}`;
  const children: Child[] = [];
  try {
    const connection = await network.create({ network: "local", override: { url: anvil.url } });
    const hejie = await deployHejie(connection as never, { deploymentId });
    rmSync(join(ROOT, "deploy", "deployments", deploymentId), { recursive: true, force: true });

    const gatewayPort = (await freePort()).port;
    const gateway = await startProcess(
      "server/main.ts",
      [],
      {
        ...(await gatewayEnv(anvil, hejie, dataDir)),
        HEJIE_PORT: String(gatewayPort),
        // The benchmark sends far more than a person would: lift the per-minute upload limit.
        HEJIE_UPLOAD_RATE_LIMIT: "100000000",
        HEJIE_MAX_UPLOAD_BYTES: String(4 * MiB),
      },
      gatewayPort,
      "/live",
    );
    children.push(gateway);

    const token = await signIn(gateway.url, wallets.lawyer);
    const opened = await call<{ id: string }>(gateway.url, "POST", "/cases", {
      token,
      json: { title: "Benchmark", borrower: wallets.borrower.address, platforms: [wallets.platform.address] },
    });
    if (opened.status !== 201) throw new Error(`cannot open a case: ${JSON.stringify(opened.body)}`);
    const caseId = opened.body.id;
    const uploadUrl = `${gateway.url}/cases/${caseId}/documents?name=bench.pdf&kind=evidence`;
    const upload = async (document: Buffer) => {
      const status = await send(
        uploadUrl,
        "POST",
        {
          authorization: `Bearer ${token}`,
          "content-type": "application/pdf",
          "content-length": String(document.length),
        },
        document,
      );
      if (status !== 201) throw new Error(`upload answered ${status}`);
    };

    // The document whose description is read, and the bare server answering with the same body (and
    // storing uploads durably, as the peer of the upload figures).
    const described = await call<{ id: string }>(gateway.url, "POST", `/cases/${caseId}/documents?name=read.pdf`, {
      token,
      body: randomBytes(KiB),
      contentType: "application/pdf",
    });
    const readPath = `/cases/${caseId}/documents/${described.body.id}`;
    const readBody = await call(gateway.url, "GET", readPath, { token });
    if (readBody.status !== 200) throw new Error(`read answered ${readBody.status}`);
    const barePort = (await freePort()).port;
    const bare = await startProcess(
      "bench/bare-express.ts",
      [String(barePort), JSON.stringify(readBody.body), join(dataDir, "sink")],
      {},
      barePort,
      readPath,
    );
    children.push(bare);

    const sinkUrl = `${bare.url}/sink`;
    const sink = async (document: Buffer) => {
      const status = await send(
        sinkUrl,
        "POST",
        { "content-type": "application/pdf", "content-length": String(document.length) },
        document,
      );
      if (status !== 201) throw new Error(`the durable sink answered ${status}`);
    };

    const results: Record<string, { gateway: number[]; baseline: number[]; sink?: number[] }> = {};
    // BENCH_ONLY=upload1MiB,authRead: a subset, for profiling (the JSON is then not written).
    const only = process.env.BENCH_ONLY?.split(",");
    const selected = (name: string) => only === undefined || only.includes(name);
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      if (!selected(name)) continue;
      const documents = Array.from({ length: 32 }, () => randomBytes(scenario.size));
      const mib = (count: number) => (count * scenario.size) / MiB;
      await timed(scenario.warmup, scenario.concurrency, (i) => upload(documents[i % documents.length]!));
      rawPipeline(documents, scenario.warmup);
      await timed(scenario.warmup, scenario.concurrency, (i) => sink(documents[i % documents.length]!));
      results[name] = { gateway: [], baseline: [], sink: [] };
      for (let r = 0; r < ROUNDS; r += 1) {
        const seconds = await timed(scenario.perRound, scenario.concurrency, (i) =>
          upload(documents[i % documents.length]!),
        );
        results[name].gateway.push(mib(scenario.perRound) / seconds);
        results[name].baseline.push(mib(scenario.perRound) / rawPipeline(documents, scenario.perRound));
        const sinkSeconds = await timed(scenario.perRound, scenario.concurrency, (i) =>
          sink(documents[i % documents.length]!),
        );
        results[name].sink!.push(mib(scenario.perRound) / sinkSeconds);
        console.log(
          `  ${name} round ${r + 1}: gateway ${results[name].gateway.at(-1)!.toFixed(1)} MiB/s, ` +
            `raw ${results[name].baseline.at(-1)!.toFixed(1)} MiB/s, ` +
            `durable sink ${results[name].sink!.at(-1)!.toFixed(1)} MiB/s`,
        );
      }
    }

    if (!selected("authRead")) return;
    const authorised = { authorization: `Bearer ${token}` };
    const read = (url: string, headers: Record<string, string>) => async () => {
      const status = await send(url, "GET", headers);
      if (status !== 200) throw new Error(`read answered ${status}`);
    };
    const gatewayRead = read(`${gateway.url}${readPath}`, authorised);
    const bareRead = read(`${bare.url}${readPath}`, authorised);
    await timed(READS.warmup, READS.concurrency, gatewayRead);
    await timed(READS.warmup, READS.concurrency, bareRead);
    results.authRead = { gateway: [], baseline: [] };
    for (let r = 0; r < ROUNDS; r += 1) {
      results.authRead.gateway.push(READS.perRound / (await timed(READS.perRound, READS.concurrency, gatewayRead)));
      results.authRead.baseline.push(READS.perRound / (await timed(READS.perRound, READS.concurrency, bareRead)));
      console.log(
        `  authRead round ${r + 1}: gateway ${results.authRead.gateway.at(-1)!.toFixed(0)} req/s, ` +
          `bare ${results.authRead.baseline.at(-1)!.toFixed(0)} req/s`,
      );
    }

    if (only !== undefined) return;
    const figure = (name: string, digits: number) => {
      const gatewayMedian = median(results[name]!.gateway);
      const baselineMedian = median(results[name]!.baseline);
      const sinkMedian = results[name]!.sink === undefined ? undefined : median(results[name]!.sink);
      return {
        gateway: round(gatewayMedian, digits),
        baseline: round(baselineMedian, digits),
        ratio: round(gatewayMedian / baselineMedian, 3),
        sink: sinkMedian === undefined ? undefined : round(sinkMedian, digits),
        sinkRatio: sinkMedian === undefined ? undefined : round(sinkMedian / baselineMedian, 3),
      };
    };
    const u1 = figure("upload1MiB", 1);
    const u16 = figure("upload16KiB", 1);
    const reads = figure("authRead", 0);
    const json = {
      upload1MiB: {
        gatewayMiBps: u1.gateway,
        rawMiBps: u1.baseline,
        ratio: u1.ratio,
        durableSinkMiBps: u1.sink,
        durableSinkRatio: u1.sinkRatio,
      },
      upload16KiB: {
        gatewayMiBps: u16.gateway,
        rawMiBps: u16.baseline,
        ratio: u16.ratio,
        durableSinkMiBps: u16.sink,
        durableSinkRatio: u16.sinkRatio,
      },
      authRead: { gatewayRps: reads.gateway, bareRps: reads.baseline, ratio: reads.ratio },
    };
    writeFileSync(OUTPUT, `${JSON.stringify(json, null, 2)}\n`);

    const verdict = (ratio: number, target: number | undefined) =>
      target === undefined ? "(no target)" : ratio >= target ? "pass" : "FAIL";
    const rows = [
      ["measure", "gateway", "baseline", "ratio", "target", "result", "peer: durable sink (ratio to raw)"],
      [
        "encrypted upload, 1 MiB",
        `${u1.gateway} MiB/s`,
        `${u1.baseline} MiB/s (raw)`,
        u1.ratio.toFixed(3),
        `≥ ${TARGETS.upload1MiB}`,
        verdict(u1.ratio, TARGETS.upload1MiB),
        `${u1.sink} MiB/s (${u1.sinkRatio})`,
      ],
      [
        "encrypted upload, 16 KiB",
        `${u16.gateway} MiB/s`,
        `${u16.baseline} MiB/s (raw)`,
        u16.ratio.toFixed(3),
        "—",
        verdict(u16.ratio, undefined),
        `${u16.sink} MiB/s (${u16.sinkRatio})`,
      ],
      [
        "authenticated read",
        `${reads.gateway} req/s`,
        `${reads.baseline} req/s (bare)`,
        reads.ratio.toFixed(3),
        `≥ ${TARGETS.authRead}`,
        verdict(reads.ratio, TARGETS.authRead),
        "—",
      ],
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
    console.log(`\nGateway benchmark: medians of ${ROUNDS} rounds (written to bench/gateway.json)\n`);
    console.log(line(rows[0]!));
    console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
    for (const row of rows.slice(1)) console.log(line(row));
    console.log(
      `\nuploads: 1 MiB × ${SCENARIOS.upload1MiB.perRound}/round with ${SCENARIOS.upload1MiB.concurrency} in flight, ` +
        `16 KiB × ${SCENARIOS.upload16KiB.perRound}/round with ${SCENARIOS.upload16KiB.concurrency} in flight; ` +
        `reads: ${READS.perRound}/round with ${READS.concurrency} in flight`,
    );
    const missed = u1.ratio < TARGETS.upload1MiB || reads.ratio < TARGETS.authRead;
    if (missed && process.env.BENCH_STRICT === "1") process.exitCode = 1;
  } finally {
    agent.destroy();
    for (const child of children) await child.stop();
    await anvil.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
