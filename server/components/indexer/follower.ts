/**
 * Follows the registries' events into the read models, a range of blocks per round.
 *
 * - **Only final blocks**: a round reads up to the head less `confirmations − 1` blocks (the
 *   gateway's `HEJIE_CONFIRMATIONS` counts a block's own).
 * - **Resumable**: a round's rows and the new checkpoint (block number and hash) are written in one
 *   transaction, so a crash leaves either the whole round or none of it; a restart goes on from the
 *   checkpoint with no gap and no duplicate (every row's key comes from the chain).
 * - **Rollbacks**: each round first checks that the checkpoint's block is still on the chain. If the
 *   chain rolled back past it, the newest stored block still on the chain is the fork point: every
 *   row above it is deleted and those blocks are read again. A round whose last block changed while
 *   its events were being read is dropped and retried.
 * - What never changes after registration (parties' accounts, periods, the schedule) is read from
 *   the registry once, when the `SettlementRegistered` event is indexed.
 */
import type { Logger } from "pino";
import { type Hex, type Log, parseEventLogs } from "viem";

import { evidenceAbi, registryAbi } from "../../chain/abi.js";
import { readMediation } from "./mediation.js";
import type { ChainClients } from "../../chain/client.js";
import type { Db } from "../../db/database.js";
import {
  type Checkpoint,
  type IndexedAgreement,
  type IndexedEvent,
  caseOfAgreement,
  readCheckpoint,
  rollBackTo,
  storedBlocksFrom,
  writeRound,
} from "./repository.js";

export interface FollowerSettings {
  /** The first block to read when nothing is indexed yet (the deployment's block, or 0). */
  startBlock: number;
  /** Blocks read per round at most (one `eth_getLogs` call). */
  blockRange: number;
  /** Blocks a block needs on top of it, its own included, before it is read (0 and 1: the head). */
  confirmations: number;
}

export type RoundOutcome =
  | { kind: "indexed"; from: number; to: number; events: number }
  | { kind: "rolled-back"; to: number | null }
  | { kind: "retry" }
  | { kind: "caught-up" };

const abi = [...registryAbi, ...evidenceAbi];

/** Decoded arguments as JSON-safe values (bigints as decimal strings). */
const jsonArgs = (args: unknown) =>
  JSON.stringify(args, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));

export class ChainFollower {
  constructor(
    private readonly db: Db,
    private readonly chain: ChainClients,
    private readonly logger: Logger,
    private readonly settings: FollowerSettings,
  ) {}

  checkpoint(): Promise<Checkpoint | undefined> {
    return readCheckpoint(this.db);
  }

  /** The newest block that counts as final now. */
  async finalHead(): Promise<number> {
    // No cache: viem keeps a block number for seconds by default, and the head is what this is about.
    const head = Number(await this.chain.public.getBlockNumber({ cacheTime: 0 }));
    return head - Math.max(0, this.settings.confirmations - 1);
  }

  /** Runs rounds until the read models have reached the final head (tests; start-up). */
  async catchUp(): Promise<void> {
    for (let outcome = await this.round(); outcome.kind !== "caught-up"; outcome = await this.round());
  }

  /** One round: undo a rollback, or read the next range of final blocks. */
  async round(): Promise<RoundOutcome> {
    const checkpoint = await this.checkpoint();
    if (checkpoint !== undefined && !(await this.onChain(checkpoint.blockNumber, checkpoint.blockHash))) {
      return this.rollBack(checkpoint);
    }
    const from = checkpoint === undefined ? this.settings.startBlock : checkpoint.blockNumber + 1;
    const final = await this.finalHead();
    if (from > final) return { kind: "caught-up" };
    const to = Math.min(final, from + this.settings.blockRange - 1);

    const last = await this.chain.public.getBlock({ blockNumber: BigInt(to) });
    const logs = await this.chain.public.getLogs({
      address: [this.chain.contracts.registry, this.chain.contracts.evidence, this.chain.contracts.caseRegistry],
      fromBlock: BigInt(from),
      toBlock: BigInt(to),
    });
    // The range must be one chain from the checkpoint to `last` while its logs were read.
    const stable =
      (await this.onChain(to, last.hash)) &&
      (checkpoint === undefined || (await this.onChain(checkpoint.blockNumber, checkpoint.blockHash)));
    if (!stable) return { kind: "retry" };

    const caseRegistry = this.chain.contracts.caseRegistry.toLowerCase();
    const ofCases = (log: Log) => log.address.toLowerCase() === caseRegistry;
    const events = await this.decode(logs.filter((log) => !ofCases(log)));
    const agreements = await this.registrations(events);
    const times = new Map<Hex, number>();
    const blockTime = async (blockHash: Hex) => {
      if (!times.has(blockHash)) {
        times.set(blockHash, Number((await this.chain.public.getBlock({ blockHash })).timestamp));
      }
      return times.get(blockHash)!;
    };
    const mediation = await readMediation(this.chain, logs.filter(ofCases), blockTime);
    await writeRound(this.db, {
      events,
      agreements,
      mediation,
      lastBlock: { number: to, hash: last.hash, time: Number(last.timestamp) },
    });
    const count = events.length + mediation.events.length;
    if (count > 0) this.logger.debug({ from, to, events: count }, "indexed");
    return { kind: "indexed", from, to, events: count };
  }

  private async onChain(blockNumber: number, hash: string): Promise<boolean> {
    try {
      const block = await this.chain.public.getBlock({ blockNumber: BigInt(blockNumber) });
      return block.hash.toLowerCase() === hash.toLowerCase();
    } catch (error) {
      // A block number past the head: the chain is shorter than it was.
      if ((error as Error).name === "BlockNotFoundError") return false;
      throw error;
    }
  }

  /** Deletes what was read from blocks no longer on the chain, back to the fork point. */
  private async rollBack(checkpoint: Checkpoint): Promise<RoundOutcome> {
    let forkPoint: { number: number; hash: string } | undefined;
    for (const block of await storedBlocksFrom(this.db, checkpoint.blockNumber)) {
      if (await this.onChain(block.number, block.hash)) {
        forkPoint = block;
        break;
      }
    }
    await rollBackTo(this.db, forkPoint);
    this.logger.warn(
      { was: checkpoint.blockNumber, now: forkPoint?.number ?? null },
      "the chain rolled back: re-reading from the fork point",
    );
    return { kind: "rolled-back", to: forkPoint?.number ?? null };
  }

  private async decode(logs: Log[]): Promise<IndexedEvent[]> {
    const decoded = parseEventLogs({ abi, logs, strict: true });
    const times = new Map<Hex, number>();
    for (const log of decoded) {
      if (!times.has(log.blockHash)) {
        const block = await this.chain.public.getBlock({ blockHash: log.blockHash });
        times.set(log.blockHash, Number(block.timestamp));
      }
    }
    const casesOfAgreements = new Map<string, string | null>();
    const caseOf = async (settlementId: string) => {
      if (!casesOfAgreements.has(settlementId)) {
        casesOfAgreements.set(settlementId, await caseOfAgreement(this.db, settlementId));
      }
      return casesOfAgreements.get(settlementId) ?? null;
    };
    const events: IndexedEvent[] = [];
    for (const log of decoded) {
      const args = log.args as Record<string, unknown>;
      const settlementId = typeof args.settlementId === "string" ? args.settlementId.toLowerCase() : null;
      let caseId = typeof args.caseId === "string" ? args.caseId.toLowerCase() : null;
      if (log.eventName === "SettlementRegistered" && settlementId !== null) {
        casesOfAgreements.set(settlementId, caseId);
      } else if (caseId === null && settlementId !== null) {
        caseId = await caseOf(settlementId);
      }
      events.push({
        blockNumber: Number(log.blockNumber),
        logIndex: log.logIndex,
        blockHash: log.blockHash,
        txHash: log.transactionHash,
        blockTime: times.get(log.blockHash)!,
        name: log.eventName,
        settlementId,
        caseId,
        args,
        json: jsonArgs(args),
      });
    }
    return events;
  }

  /** What registration fixed, for each agreement registered in the range (read from the registry). */
  private async registrations(events: readonly IndexedEvent[]): Promise<IndexedAgreement[]> {
    const registered = events.filter((e) => e.name === "SettlementRegistered");
    return Promise.all(
      registered.map(async (event) => {
        const id = event.settlementId as Hex;
        const [[ledger, profile], instalments] = await Promise.all([
          this.chain.public.readContract({
            address: this.chain.contracts.registry,
            abi: registryAbi,
            functionName: "getSettlement",
            args: [id],
          }) as Promise<
            [
              { platformId: number; totalDue: bigint },
              {
                borrowerId: number;
                lawyerId: number;
                gracePeriod: number;
                curePeriod: number;
                contestWindow: number;
                registeredAt: number;
              },
            ]
          >,
          this.chain.public.readContract({
            address: this.chain.contracts.registry,
            abi: registryAbi,
            functionName: "getInstalments",
            args: [id],
          }) as Promise<{ dueAt: number; amount: bigint }[]>,
        ]);
        const args = event.args as { amends: Hex; borrower: Hex; platform: Hex; lawyer: Hex; documentHash: Hex };
        return {
          settlementId: id,
          caseId: event.caseId!,
          amends: /^0x0+$/.test(args.amends) ? null : args.amends.toLowerCase(),
          borrower: args.borrower,
          platform: args.platform,
          lawyer: args.lawyer,
          platformId: Number(ledger.platformId),
          borrowerId: Number(profile.borrowerId),
          lawyerId: Number(profile.lawyerId),
          documentHash: args.documentHash,
          totalDue: BigInt(ledger.totalDue),
          gracePeriod: Number(profile.gracePeriod),
          curePeriod: Number(profile.curePeriod),
          contestWindow: Number(profile.contestWindow),
          registeredAt: Number(profile.registeredAt),
          blockNumber: event.blockNumber,
          instalments: instalments.map((i) => ({ dueAt: Number(i.dueAt), amount: BigInt(i.amount) })),
        };
      }),
    );
  }
}
