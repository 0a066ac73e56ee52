/**
 * Anchoring the audit log's head on chain: `EvidenceRegistry.anchor(root = head hash, caseId = 0,
 * kind = Other, leafCount = 1)`, sent by the gateway's relayer. Once anchored, the chain proves the
 * log up to that entry existed unchanged at that block: rewriting the log, even recomputing every
 * hash, no longer matches the anchor.
 *
 * The relayer needs the ANCHORER role. ANCHORER's admin is the registry contract (MEMBER_REGISTRY),
 * so the AccessManager's admin grants it by making itself the role's admin for the moment:
 * `setRoleAdmin(7, 0)`, `grantRole(7, relayer, 0)`, `setRoleAdmin(7, 9)` (see the README).
 *
 * Anchors are serialised in the process (one transaction at a time) and idempotent: a head anchored
 * before a crash, but not recorded, is found on chain (its `Anchored` event) and recorded then.
 */
import { type Hash, BaseError, ContractFunctionRevertedError, parseEventLogs, zeroHash } from "viem";
import type { Logger } from "pino";

import { EvidenceKind } from "../../../protocol/enums.js";
import { evidenceAbi } from "../../chain/abi.js";
import type { ChainClients } from "../../chain/client.js";
import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import { AppError } from "../../http/errors.js";
import { auditHead } from "./audit.js";

export interface AuditAnchor {
  /** The audit entry whose hash was anchored (the head at the time). */
  sequence: number;
  hash: `0x${string}`;
  txHash: `0x${string}`;
  blockNumber: number;
  /** The block's time, Unix seconds. */
  chainTime: number;
  /** When the gateway recorded it, Unix milliseconds. */
  recordedAt: number;
}

interface AnchorRow extends Record<string, string | number> {
  sequence: number;
  hash: string;
  tx_hash: string;
  block_number: number;
  chain_time: number;
  recorded_at: number;
}

const fromRow = (row: AnchorRow): AuditAnchor => ({
  sequence: row.sequence,
  hash: row.hash as `0x${string}`,
  txHash: row.tx_hash as `0x${string}`,
  blockNumber: row.block_number,
  chainTime: row.chain_time,
  recordedAt: row.recorded_at,
});

export class AuditAnchorer {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { db: Db; chain: ChainClients; clock: Clock; logger: Logger }) {}

  async list(limit = 100): Promise<AuditAnchor[]> {
    const rows = await this.deps.db.all<AnchorRow>("SELECT * FROM audit_anchors ORDER BY sequence DESC LIMIT ?", [
      limit,
    ]);
    return rows.map(fromRow);
  }

  /** Is `hash` anchored on chain? (Its anchor record there: time and submitter.) */
  async onChain(hash: `0x${string}`): Promise<{ anchoredAt: number; submitter: `0x${string}`; blockNumber: number }> {
    const { chain } = this.deps;
    const anchor = (await chain.public.readContract({
      address: chain.contracts.evidence,
      abi: evidenceAbi,
      functionName: "getAnchor",
      args: [hash],
    })) as { submitter: `0x${string}`; anchoredAt: number; blockNumber: number };
    return {
      anchoredAt: Number(anchor.anchoredAt),
      submitter: anchor.submitter,
      blockNumber: Number(anchor.blockNumber),
    };
  }

  /**
   * Anchors the current head, unless it is anchored already. Returns the anchor and whether this call
   * made it; `undefined` when the log is empty.
   */
  anchorHead(): Promise<{ anchor: AuditAnchor; created: boolean } | undefined> {
    const run = this.tail.then(() => this.anchorNow());
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async anchorNow(): Promise<{ anchor: AuditAnchor; created: boolean } | undefined> {
    const { db, chain, clock, logger } = this.deps;
    const head = await auditHead(db);
    if (head === undefined) return undefined;
    const recorded = await db.get<AnchorRow>("SELECT * FROM audit_anchors WHERE sequence = ?", [head.sequence]);
    if (recorded !== undefined) return { anchor: fromRow(recorded), created: false };
    const root = head.hash as Hash;

    let txHash: Hash;
    const existing = await this.onChain(root);
    if (existing.anchoredAt !== 0) {
      // Sent before a crash, or by someone else: find the transaction by its event.
      const logs = await chain.public.getContractEvents({
        address: chain.contracts.evidence,
        abi: evidenceAbi,
        eventName: "Anchored",
        args: { root },
        fromBlock: BigInt(existing.blockNumber),
        toBlock: BigInt(existing.blockNumber),
      });
      const log = logs[0];
      if (log?.transactionHash == null) throw new Error(`anchor of ${root} found on chain without its event`);
      txHash = log.transactionHash;
    } else {
      try {
        const { request } = await chain.public.simulateContract({
          account: chain.relayer.account,
          address: chain.contracts.evidence,
          abi: evidenceAbi,
          functionName: "anchor",
          args: [root, zeroHash, EvidenceKind.Other, 1],
        });
        txHash = await chain.relayer.writeContract(request);
      } catch (error) {
        throw anchorError(error);
      }
    }
    const receipt = await chain.public.waitForTransactionReceipt({
      hash: txHash,
      confirmations: Math.max(1, chain.confirmations),
    });
    if (receipt.status !== "success") {
      throw new AppError(502, "ANCHOR_FAILED", "The anchoring transaction reverted.", { txHash });
    }
    const anchored = parseEventLogs({ abi: evidenceAbi, logs: receipt.logs, eventName: "Anchored" });
    if (anchored.length === 0) throw new Error(`transaction ${txHash} did not anchor ${root}`);
    const block = await chain.public.getBlock({ blockNumber: receipt.blockNumber });
    const anchor: AuditAnchor = {
      sequence: head.sequence,
      hash: root,
      txHash,
      blockNumber: Number(receipt.blockNumber),
      chainTime: Number(block.timestamp),
      recordedAt: clock.now(),
    };
    await db.run(
      `INSERT INTO audit_anchors (sequence, hash, tx_hash, block_number, chain_time, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sequence) DO NOTHING`,
      [anchor.sequence, anchor.hash, anchor.txHash, anchor.blockNumber, anchor.chainTime, anchor.recordedAt],
    );
    logger.info({ sequence: anchor.sequence, hash: anchor.hash, txHash }, "audit log head anchored");
    return { anchor, created: true };
  }
}

/** Explains why the registry refused the anchor (most often: the relayer lacks ANCHORER). */
function anchorError(error: unknown): AppError {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName;
      if (name === "AccessManagedUnauthorized") {
        return new AppError(
          503,
          "ANCHOR_NOT_PERMITTED",
          "The gateway's relayer may not anchor: grant it the ANCHORER role (see the documents README).",
          undefined,
          { cause: error },
        );
      }
      return new AppError(502, "ANCHOR_FAILED", `The evidence registry refused the anchor (${name ?? "revert"}).`, {
        error: name ?? null,
      });
    }
  }
  return new AppError(503, "CHAIN_UNAVAILABLE", "The chain did not accept the anchoring transaction.", undefined, {
    cause: error,
  });
}
