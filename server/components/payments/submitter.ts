/**
 * Reports onto the chain. A round takes the reports waiting in SQL, reads each agreement's report
 * count from the chain, and sends, in one `recordPayments` transaction from the relayer, up to
 * `batchSize` reports that are next in line (an agreement's reports are recorded in sequence order).
 *
 * Why every acknowledged report ends up recorded exactly once, whatever crashes:
 * - Acceptance is durable before the 202 (intake.ts); the submitter only reads SQL and the chain.
 * - The chain is the judge of what is recorded: the registry records sequence n only after n − 1 and
 *   never twice. Each round first marks as recorded every waiting report whose sequence is below the
 *   agreement's on-chain count — whether our transaction, one sent before a crash, or another
 *   relayer's recorded it. A report can therefore be sent again after a crash, but never counted twice.
 * - Each batch is simulated first. When the registry would refuse it, the culprit is found by
 *   simulating each agreement's run of reports prefix by prefix: the refused report is marked failed
 *   with the registry's decoded error (its sequence number is then free for a corrected report), the
 *   agreement's later reports wait for it, and the rest of the batch goes on. One bad report cannot
 *   sink a batch.
 * - A transient failure (node down, nonce race with the gateway's other transactions) leaves the
 *   reports waiting; the next round, after a backoff, starts over from the chain's counts.
 */
import type { Hex } from "viem";
import type { Logger } from "pino";

import { compactSignature } from "../../../protocol/signatures.js";
import { registryAbi } from "../../chain/abi.js";
import type { ChainClients } from "../../chain/client.js";
import { readLedger } from "../../chain/ledger.js";
import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import { WorkerLoop } from "../../workers/loop.js";
import { describe, refusalOf } from "../agreements/registry.js";
import { type StoredReport, markFailed, markRecorded, markSubmitted, openReports } from "./repository.js";

export interface SubmitterSettings {
  /** Reports per transaction at most. */
  batchSize: number;
  /** How often waiting reports are looked for (also the longest a lone report waits for company). */
  pollMs: number;
  /** Blocks a recording transaction needs before its reports count as recorded. */
  confirmations: number;
  maxBackoffMs: number;
}

const callArgs = (reports: readonly StoredReport[]) =>
  [
    reports.map((r) => ({
      settlementId: r.settlementId,
      sequence: r.sequence,
      amount: r.amount,
      paidAt: r.paidAt,
      bankReference: r.bankReference,
    })),
    reports.map((r) => compactSignature(r.signature)),
  ] as const;

export class PaymentSubmitter {
  private readonly loop: WorkerLoop;

  constructor(
    private readonly db: Db,
    private readonly chain: ChainClients,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: SubmitterSettings,
  ) {
    // A full batch went out: more may be waiting.
    const round = async () => (await this.runOnce()) >= settings.batchSize;
    this.loop = new WorkerLoop(round, settings, logger, "payment submission round failed", describe);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** New reports wait: run a round soon (at once when idle). */
  wake(): void {
    this.loop.wake();
  }

  /** One round; resolves with how many reports it sent. Public for tests. */
  async runOnce(): Promise<number> {
    const batch = await this.nextBatch();
    if (batch.length === 0) return 0;
    const sendable = await this.weedOut(batch);
    if (sendable.length === 0) return 0;
    const hash = await this.chain.relayer.writeContract({
      address: this.chain.contracts.registry,
      abi: registryAbi,
      functionName: "recordPayments",
      args: callArgs(sendable) as never,
    });
    await markSubmitted(
      this.db,
      sendable.map((r) => r.id),
      hash,
    );
    this.logger.info({ txHash: hash, reports: sendable.length }, "payment reports submitted");
    const receipt = await this.chain.public.waitForTransactionReceipt({
      hash,
      confirmations: Math.max(1, this.settings.confirmations),
    });
    if (receipt.status !== "success") {
      // Beaten by another transaction (e.g. the same reports relayed by someone else): the next round
      // reads the counts from the chain and settles each report.
      this.logger.warn({ txHash: hash }, "payment batch reverted on chain; re-checking against the chain");
      return 0;
    }
    const now = this.clock.now();
    for (const report of sendable) await markRecorded(this.db, report.id, now, hash, Number(receipt.blockNumber));
    return sendable.length;
  }

  /**
   * The reports next in line: per agreement, those continuing its on-chain count without a gap, up to
   * the batch size; the ones the chain has recorded already are marked so on the way.
   */
  private async nextBatch(): Promise<StoredReport[]> {
    const waiting = await openReports(this.db);
    const byAgreement = new Map<Hex, StoredReport[]>();
    for (const report of waiting) {
      const list = byAgreement.get(report.settlementId) ?? [];
      list.push(report);
      byAgreement.set(report.settlementId, list);
    }
    const batch: StoredReport[] = [];
    for (const [settlementId, reports] of byAgreement) {
      if (batch.length >= this.settings.batchSize) break;
      let next = (await readLedger(this.chain, settlementId)).reportCount;
      const behind = reports.filter((report) => report.sequence < next);
      if (behind.length > 0) await this.settleRecorded(settlementId, behind);
      for (const report of reports) {
        if (report.sequence === next && batch.length < this.settings.batchSize) {
          batch.push(report);
          next += 1;
        }
      }
    }
    return batch;
  }

  /**
   * Waiting reports whose sequence number the chain has recorded already — by a transaction of ours
   * sent before a crash, or by another relayer. The `PaymentRecorded` event says which payment took
   * the number: ours (same amount and time) is recorded, with that transaction; another one means the
   * oracle signed two reports with one number, and ours failed (`RecordedOtherReport`).
   */
  private async settleRecorded(settlementId: Hex, reports: readonly StoredReport[]): Promise<void> {
    const events = await this.chain.public.getContractEvents({
      address: this.chain.contracts.registry,
      abi: registryAbi,
      eventName: "PaymentRecorded",
      args: { settlementId },
      fromBlock: 0n,
    });
    const now = this.clock.now();
    for (const report of reports) {
      const event = events.find((e) => Number((e.args as { sequence: number }).sequence) === report.sequence);
      const args = (event?.args ?? {}) as { amount?: bigint; paidAt?: number };
      if (
        event !== undefined &&
        BigInt(args.amount ?? -1n) === report.amount &&
        Number(args.paidAt) === report.paidAt
      ) {
        await markRecorded(this.db, report.id, now, event.transactionHash, Number(event.blockNumber));
      } else {
        await markFailed(this.db, report.id, now, {
          name: "RecordedOtherReport",
          args: [report.sequence, args.amount?.toString() ?? null, args.paidAt ?? null],
        });
        this.logger.warn({ reportId: report.id }, "another report was recorded with this report's sequence number");
      }
    }
  }

  /** The batch without the reports the registry would refuse (each marked failed with its error). */
  private async weedOut(batch: StoredReport[]): Promise<StoredReport[]> {
    if (await this.accepted(batch)) return batch;
    const kept: StoredReport[] = [];
    const runs = new Map<Hex, StoredReport[]>();
    for (const report of batch) runs.set(report.settlementId, [...(runs.get(report.settlementId) ?? []), report]);
    for (const run of runs.values()) {
      for (let length = 1; length <= run.length; length += 1) {
        const refusal = await this.refusal(run.slice(0, length));
        if (refusal === undefined) continue;
        const culprit = run[length - 1]!;
        await markFailed(this.db, culprit.id, this.clock.now(), refusal);
        this.logger.warn({ reportId: culprit.id, error: refusal.name }, "payment report refused by the registry");
        run.length = length - 1; // the agreement's later reports wait for a corrected one
        break;
      }
      kept.push(...run);
    }
    return kept;
  }

  private async accepted(reports: readonly StoredReport[]): Promise<boolean> {
    return (await this.refusal(reports)) === undefined;
  }

  /** The registry's refusal of recording `reports` now, or undefined; throws on transient failures. */
  private async refusal(reports: readonly StoredReport[]) {
    try {
      await this.chain.public.simulateContract({
        account: this.chain.relayer.account,
        address: this.chain.contracts.registry,
        abi: registryAbi,
        functionName: "recordPayments",
        args: callArgs(reports) as never,
      });
      return undefined;
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === undefined) throw error;
      return { name: refusal.name, args: refusal.args };
    }
  }
}
