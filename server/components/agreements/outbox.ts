/**
 * The registration outbox's worker. A job is written in the same SQL transaction as the third
 * signature; this worker registers it on chain through the relayer, exactly once:
 *
 * - Before anything, it asks the chain: an agreement that is already registered (by this gateway in an
 *   earlier life, or by anyone else holding the signatures) is recorded as registered, never sent again.
 * - It simulates the call first: a contract refusal becomes a `failed` job with the decoded error (no
 *   retry loop); a transient failure (node down, timeout) is retried with exponential backoff.
 * - It signs the transaction locally and records its hash, nonce and raw bytes in SQL BEFORE
 *   broadcasting. After a crash, a recorded transaction is looked up by hash (receipt, mempool); if the
 *   node never saw it, the very same raw transaction is broadcast again — same hash, same nonce — so no
 *   second transaction can ever register the agreement. A recorded transaction is given up only when
 *   it can no longer be mined (mined and reverted, or its nonce taken by another transaction).
 * - It marks the job registered once the receipt has `confirmations` blocks (counting its own).
 *
 * One worker per database: run the others with HEJIE_OUTBOX_WORKER=off.
 */
import { BaseError, type Hex, NonceTooLowError, TransactionNotFoundError, TransactionReceiptNotFoundError } from "viem";
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";

import type { ChainClients } from "../../chain/client.js";
import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import { WorkerLoop } from "../../workers/loop.js";
import {
  type OutboxJob,
  checkAgainAt,
  dropTransaction,
  dueJobs,
  findDraftById,
  findJob,
  highestLiveNonce,
  markFailed,
  markRegistered,
  recordTransaction,
  scheduleRetry,
  signaturesOf,
} from "./repository.js";
import {
  describe,
  findRegistration,
  pendingNonce,
  receiptRegisters,
  refusalOf,
  registrationCall,
  settlementStatus,
  signRegistration,
  simulateRegistration,
} from "./registry.js";

export interface OutboxSettings {
  pollMs: number;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Blocks a receipt needs, its own included (0 and 1: mined). */
  confirmations: number;
}

const REGISTERED_ELSEWHERE: readonly string[] = [
  "Active",
  "Completed",
  "InDefault",
  "Disputed",
  "Terminated",
  "Superseded",
];

export class RegistrationOutbox {
  private readonly loop: WorkerLoop;
  private stopping = false;
  /** A transaction went out in this round: follow it up at once rather than at the next poll. */
  private followUpSoon = false;
  private readonly outcomes: Counter<"outcome">;

  constructor(
    private readonly db: Db,
    private readonly chain: ChainClients,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: OutboxSettings,
    metrics: Registry,
  ) {
    this.outcomes = new Counter({
      name: "hejie_agreement_outbox_events_total",
      help: "Registration outbox events: broadcast, registered, failed, retried",
      labelNames: ["outcome"],
      registers: [metrics],
    });
    const round = async () => {
      this.followUpSoon = false;
      await this.runOnce();
      return this.followUpSoon;
    };
    this.loop = new WorkerLoop(round, settings, logger, "registration outbox round failed");
  }

  start(): void {
    this.stopping = false;
    this.loop.start();
  }

  /** Stops polling and waits for the round in progress to finish (it stops between jobs). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
  }

  /** A job was queued: look now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /**
   * One round: first the jobs whose transaction is recorded (to settle nonces), then new ones. Public
   * so that an operator's tool (or a test) can drive the outbox without the timer.
   */
  async runOnce(): Promise<void> {
    for (const job of await dueJobs(this.db, "submitted", this.clock.now())) {
      if (this.stopping) return;
      await this.guard(job, () => this.followUp(job));
    }
    for (const job of await dueJobs(this.db, "pending", this.clock.now())) {
      if (this.stopping) return;
      await this.guard(job, () => this.submit(job));
    }
  }

  /** Runs a step; a transient failure schedules a retry with backoff. */
  private async guard(job: OutboxJob, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      const current = (await findJob(this.db, job.id)) ?? job;
      const now = this.clock.now();
      const message = describe(error);
      this.outcomes.inc({ outcome: "retried" });
      // A job without a live transaction gives up after maxAttempts; one with a recorded transaction
      // never does (the transaction may still be mined), it keeps looking with capped backoff.
      if (current.state === "pending" && current.attempts + 1 >= this.settings.maxAttempts) {
        this.logger.warn({ job: job.id, err: error }, "registration gave up after transient failures");
        await markFailed(this.db, current, { name: "RETRIES_EXHAUSTED", args: [current.attempts + 1], message }, now);
        this.outcomes.inc({ outcome: "failed" });
        return;
      }
      const delay = Math.min(this.settings.maxBackoffMs, this.settings.backoffMs * 2 ** current.attempts);
      this.logger.warn({ job: job.id, err: error, retryInMs: delay }, "registration step failed; will retry");
      await scheduleRetry(this.db, current, message, now + delay, now);
    }
  }

  /** A pending job: no transaction of ours may be mined, so ask the chain, simulate, sign, record, send. */
  private async submit(job: OutboxJob): Promise<void> {
    const id = job.settlementId;
    const status = await settlementStatus(this.chain, id);
    if (REGISTERED_ELSEWHERE.includes(status)) {
      await this.registeredOnChain(job);
      return;
    }
    const call = await this.callOf(job);
    try {
      await simulateRegistration(this.chain, call);
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === undefined) throw error; // transient: retried by `guard`
      if (refusal.name === "SettlementRegistryAlreadyRegistered") {
        await this.registeredOnChain(job);
        return;
      }
      this.logger.info({ job: job.id, settlementId: id, refusal }, "the registry refuses this agreement");
      await markFailed(this.db, job, refusal, this.clock.now());
      this.outcomes.inc({ outcome: "failed" });
      return;
    }
    const live = await highestLiveNonce(this.db);
    const nonce = Math.max(await pendingNonce(this.chain), live === undefined ? 0 : live + 1);
    const tx = await signRegistration(this.chain, call, nonce);
    // The write-ahead record: from here on, this transaction is the only one that may register the job.
    await recordTransaction(this.db, job.id, tx, this.clock.now());
    this.logger.info({ job: job.id, settlementId: id, txHash: tx.hash, nonce }, "registration signed and recorded");
    const recorded = await findJob(this.db, job.id);
    if (recorded === undefined) return;
    await this.broadcast(recorded);
    this.outcomes.inc({ outcome: "broadcast" });
    this.followUpSoon = true;
  }

  /** Sends the recorded raw transaction; a node that already has it, or mined it, is fine. */
  private async broadcast(job: OutboxJob): Promise<void> {
    if (job.rawTx === null || job.txHash === null) return;
    try {
      await this.chain.public.sendRawTransaction({ serializedTransaction: job.rawTx });
      this.logger.debug({ job: job.id, txHash: job.txHash }, "broadcast");
    } catch (error) {
      if (await this.knownToNode(job.txHash)) return;
      if (error instanceof BaseError && error.walk((e) => e instanceof NonceTooLowError) !== null) {
        // Its nonce is used: either it was mined (the follow-up finds the receipt) or another
        // transaction took the nonce, and this one can never be mined.
        if ((await this.receipt(job.txHash)) === undefined) {
          this.logger.warn({ job: job.id, txHash: job.txHash }, "recorded transaction's nonce was taken; re-signing");
          await dropTransaction(this.db, job, "dead", this.clock.now());
        }
        return;
      }
      throw error;
    }
  }

  /** A job with a recorded transaction: find out what became of it. */
  private async followUp(job: OutboxJob): Promise<void> {
    if (job.txHash === null) return;
    const receipt = await this.receipt(job.txHash);
    const now = this.clock.now();
    this.logger.debug({ job: job.id, txHash: job.txHash, mined: receipt !== undefined }, "following up");
    if (receipt === undefined) {
      if (await this.knownToNode(job.txHash)) {
        await checkAgainAt(this.db, job, now + this.settings.pollMs);
        return;
      }
      // Not mined and unknown to the node: the broadcast was lost (a crash right after recording, a
      // node restart). Unless someone else registered the agreement meanwhile, send the same bytes.
      const status = await settlementStatus(this.chain, job.settlementId);
      if (REGISTERED_ELSEWHERE.includes(status)) {
        await this.registeredOnChain(job);
        return;
      }
      this.logger.info({ job: job.id, txHash: job.txHash }, "re-broadcasting the recorded registration");
      await this.broadcast(job);
      await checkAgainAt(this.db, job, now + this.settings.pollMs);
      return;
    }
    if (receipt.status === "success" && receiptRegisters(receipt.logs, job.settlementId)) {
      const head = await this.chain.public.getBlockNumber({ cacheTime: 0 });
      const depth = Number(head - receipt.blockNumber) + 1;
      if (depth < Math.max(1, this.settings.confirmations)) {
        await checkAgainAt(this.db, job, now + this.settings.pollMs);
        return;
      }
      await markRegistered(
        this.db,
        job,
        { blockNumber: Number(receipt.blockNumber), blockHash: receipt.blockHash, txHash: receipt.transactionHash },
        now,
      );
      this.outcomes.inc({ outcome: "registered" });
      this.logger.info({ job: job.id, settlementId: job.settlementId, block: receipt.blockNumber }, "registered");
      return;
    }
    // Mined but reverted (the chain changed between simulation and mining): this transaction is
    // spent. Back to pending: the next round asks the chain and simulates, which decodes the refusal.
    this.logger.warn({ job: job.id, txHash: job.txHash }, "registration transaction reverted");
    await dropTransaction(this.db, job, "reverted", now);
  }

  /** The agreement is registered on chain (by us or anyone): record where, once confirmed. */
  private async registeredOnChain(job: OutboxJob): Promise<void> {
    const registration = await findRegistration(this.chain, job.settlementId);
    const now = this.clock.now();
    if (registration === undefined) {
      await checkAgainAt(this.db, job, now + this.settings.pollMs);
      return;
    }
    const head = await this.chain.public.getBlockNumber({ cacheTime: 0 });
    if (Number(head) - registration.blockNumber + 1 < Math.max(1, this.settings.confirmations)) {
      await checkAgainAt(this.db, job, now + this.settings.pollMs);
      return;
    }
    await markRegistered(this.db, job, registration, now);
    this.outcomes.inc({ outcome: "registered" });
    this.logger.info({ job: job.id, settlementId: job.settlementId, ...registration }, "registered (found on chain)");
  }

  private async callOf(job: OutboxJob) {
    const draft = await findDraftById(this.db, job.draftId);
    if (draft === undefined) throw new Error(`outbox job ${job.id} for a missing draft ${job.draftId}`);
    return registrationCall(draft.settlement, await signaturesOf(this.db, job.draftId));
  }

  private async receipt(hash: Hex) {
    try {
      return await this.chain.public.getTransactionReceipt({ hash });
    } catch (error) {
      if (error instanceof TransactionReceiptNotFoundError) return undefined;
      throw error;
    }
  }

  private async knownToNode(hash: Hex): Promise<boolean> {
    try {
      await this.chain.public.getTransaction({ hash });
      return true;
    } catch (error) {
      if (error instanceof TransactionNotFoundError) return false;
      throw error;
    }
  }
}
