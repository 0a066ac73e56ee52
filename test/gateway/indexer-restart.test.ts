/**
 * The indexer killed in mid-stream: a gateway process follows a chain of registrations, payments and
 * anchors one block per round, is killed with SIGKILL part-way, more events arrive, and a new process
 * on the same data directory finishes the job. The read model must then hold exactly the chain's
 * events — none missing, none twice — and answer compliance as the registry does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { type Hex, keccak256, toHex } from "viem";

import { call, signIn } from "../../protocol/gateway-client.js";
import { EvidenceKind } from "../../protocol/enums.js";
import { now, paymentReport, recordPayment, registerSettlement, settlementTerms } from "../helpers/hejie.js";
import { type GatewayProcess, type System, gatewayProcess, killAll, startSystem, wallets } from "./harness.js";

interface Progress {
  checkpoint: { blockNumber: number } | null;
  finalHead: number;
  behind: number;
}

describe("gateway: indexer restarted mid-stream", function () {
  this.timeout(300_000);
  let system: System;

  before(async () => {
    system = await startSystem({ env: { HEJIE_INDEXER: "off" } });
  });
  after(async () => {
    await system?.stop();
  });

  /** Registrations, payments and anchors: one block each (anvil mines every transaction). */
  async function activity(agreements: number, paymentsEach: number, ids: Hex[] = []): Promise<Hex[]> {
    const h = system.hejie;
    for (let k = 0; k < agreements; k++) {
      const terms = settlementTerms(h, { deadline: (await now(h)) + 86_400n * 365n });
      ids.push((await registerSettlement(h, terms)) as Hex);
      const root = keccak256(toHex(`batch ${ids.length} ${Date.now()}`));
      await (await h.evidence.connect(h.lawyer).anchor(root, terms.caseId, EvidenceKind.Other, 3)).wait();
    }
    for (const id of ids) {
      const [ledger] = await h.settlements.getSettlement(id);
      for (let p = 0; p < paymentsEach; p++) {
        const report = paymentReport(id, BigInt(Number(ledger.reportCount) + p), 10_000n, await now(h));
        await (await recordPayment(h, report)).wait();
      }
    }
    return ids;
  }

  const progress = async (url: string) => (await call<Progress>(url, "GET", "/indexer")).body;

  it("resumes from its checkpoint: no gap, no duplicate", async () => {
    const ids = await activity(12, 3);
    const dataDir = mkdtempSync(join(tmpdir(), "hejie-indexer-kill-"));
    const gateways: GatewayProcess[] = [];
    const env = { HEJIE_INDEXER_BLOCK_RANGE: "1", HEJIE_INDEXER_POLL_MS: "10", HEJIE_PAYMENTS_SUBMITTER: "off" };
    try {
      const first = await gatewayProcess(system, dataDir, env);
      gateways.push(first);
      let seen = await progress(first.url);
      while ((seen.checkpoint?.blockNumber ?? 0) < 20) seen = await progress(first.url);
      first.child.kill("SIGKILL");
      await first.exited;
      expect(seen.behind, "killed before it caught up").to.be.greaterThan(0);

      await activity(2, 2, ids); // the chain goes on while no indexer runs
      const second = await gatewayProcess(system, dataDir, env);
      gateways.push(second);
      const head = await system.hejie.ethers.provider.getBlockNumber();
      for (let polls = 0; polls < 3_000; polls++) {
        seen = await progress(second.url);
        if (seen.behind === 0 && seen.checkpoint!.blockNumber >= head) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen.checkpoint!.blockNumber).to.be.greaterThanOrEqual(head);

      // The borrower (a party of every agreement here) reads them, cross-checked against the chain.
      const borrower = await signIn(second.url, wallets.borrower);
      for (const id of [ids[0]!, ids.at(-1)!]) {
        const reply = await call<{ crossCheck: { matches: boolean } }>(
          second.url,
          "GET",
          `/agreements/${id}?crossCheck=true`,
          {
            token: borrower,
          },
        );
        expect(reply.body.crossCheck.matches).to.equal(true);
      }
      second.child.kill("SIGTERM");
      await second.exited;

      // Exactly the chain's events, each once.
      const h = system.hejie;
      const logs = await h.ethers.provider.getLogs({
        address: [await h.settlements.getAddress(), await h.evidence.getAddress()],
        fromBlock: 0,
        toBlock: seen.checkpoint!.blockNumber,
      });
      const db = new DatabaseSync(join(dataDir, "gateway.sqlite"), { readOnly: true });
      try {
        const indexed = db
          .prepare("SELECT block_number, log_index, tx_hash FROM ix_events ORDER BY block_number, log_index")
          .all()
          .map((row) => `${String(row.block_number)}/${String(row.log_index)}/${String(row.tx_hash)}`);
        const onChain = logs.map((log) => `${log.blockNumber}/${log.index}/${log.transactionHash.toLowerCase()}`);
        expect(indexed).to.deep.equal(onChain);
        for (const id of ids) {
          const [ledger] = await h.settlements.getSettlement(id);
          const row = db.prepare("SELECT COUNT(*) AS n FROM ix_payments WHERE settlement_id = ?").get(id.toLowerCase());
          expect(Number(row!.n), `payments of ${id}`).to.equal(Number(ledger.reportCount));
        }
        const anchors = db.prepare("SELECT COUNT(*) AS n FROM ix_anchors").get();
        const anchored = await h.evidence.queryFilter(h.evidence.filters.Anchored(), 0, seen.checkpoint!.blockNumber);
        expect(Number(anchors!.n)).to.equal(anchored.length).and.to.equal(14);
      } finally {
        db.close();
      }
    } finally {
      await killAll(gateways);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
