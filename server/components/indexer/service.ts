/**
 * What the read models answer, and to whom: an agreement's compliance and instalment table (its
 * parties), a platform's portfolio (the platform's own keys), a case's timeline (the case's parties; a
 * platform sees only its own agreements' events). Compliance is computed at a time — now by default —
 * from the indexed schedule and payments; the cross-check computes it at the checkpoint's block and
 * compares it with the registry's own views read by `eth_call` at that block.
 */
import type { Hex } from "viem";

import { Status } from "../../../protocol/enums.js";
import { registryAbi } from "../../chain/abi.js";
import type { ChainClients } from "../../chain/client.js";
import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import { AppError, forbidden, notFound } from "../../http/errors.js";
import type { CaseMembership } from "../cases/membership.js";
import type { MemberDirectory } from "../identity/roles.js";
import { type ComplianceFigures, complianceAt } from "./compliance.js";
import type { ChainFollower } from "./follower.js";
import {
  type AgreementRecord,
  agreementIdsOfCase,
  agreementsOfPlatform,
  blockTimeOf,
  eventsOfCase,
  findAgreement,
} from "./repository.js";

export type StatusName = keyof typeof Status;
const statusNames = Object.keys(Status) as StatusName[];
const standingNames = ["Performing", "OverdueInGrace", "OverdueInCure", "Defaulted", "Completed"] as const;
const stateNames = ["NotYetDue", "Due", "PaidOnTime", "PaidLate", "OverdueInGrace", "OverdueInCure", "Defaulted"];

/** Portfolio buckets, as a platform's risk team reads them. */
export type Bucket = "performing" | "inArrears" | "inDefault" | "completed" | "closed";

export interface AgreementAnswer {
  record: AgreementRecord;
  status: StatusName;
  asOf: number;
  figures: ComplianceFigures;
  crossCheck?: CrossCheck;
}

export interface CrossCheck {
  block: number;
  blockTime: number;
  matches: boolean;
  /** Fields where the read model and the registry disagree (none when `matches`). */
  differences: { field: string; indexed: string; chain: string }[];
}

/** Where an agreement falls in a portfolio: its status first, then its standing. */
export function bucketOf(status: StatusName, figures: ComplianceFigures): Bucket {
  if (status === "Completed" || figures.standing === "Completed") return "completed";
  if (status === "Terminated" || status === "Superseded" || status === "Cancelled") return "closed";
  if (status === "InDefault" || figures.standing === "Defaulted") return "inDefault";
  return figures.standing === "Performing" ? "performing" : "inArrears";
}

export class IndexerService {
  constructor(
    private readonly deps: {
      db: Db;
      chain: ChainClients;
      clock: Clock;
      membership: CaseMembership;
      members: MemberDirectory;
      follower: ChainFollower;
    },
  ) {}

  private nowSeconds(): number {
    return Math.floor(this.deps.clock.now() / 1000);
  }

  /** An agreement's compliance and instalment table, for its parties (by member account). */
  async agreement(caller: Hex, settlementId: Hex, options: { asOf?: number; crossCheck?: boolean } = {}) {
    const record = await findAgreement(this.deps.db, settlementId);
    if (record === undefined) throw notFound("Indexed agreement", { settlementId });
    const account = await this.deps.membership.activeAccountOf(caller);
    if (account === undefined || ![record.platformId, record.borrowerId, record.lawyerId].includes(account)) {
      throw forbidden("Only the agreement's parties may read its compliance.", "NOT_A_PARTY", { settlementId });
    }
    const asOf = options.asOf ?? this.nowSeconds();
    const answer: AgreementAnswer = {
      record,
      status: statusNames[record.status] ?? "None",
      asOf,
      figures: complianceAt(record, record.payments, asOf),
    };
    if (options.crossCheck === true) answer.crossCheck = await this.crossCheck(record);
    return answer;
  }

  /** The caller's platform's agreements by bucket, with amounts (minor units). */
  async portfolio(caller: Hex, asOf = this.nowSeconds()) {
    const { key, account } = await this.deps.members.lookup(caller);
    if (key.status !== "Active" || account?.kind !== "Platform") {
      throw forbidden("Only a platform's keys read its portfolio.", "NOT_A_PLATFORM");
    }
    const agreements = (await agreementsOfPlatform(this.deps.db, key.accountId)).map((record) => {
      const status = statusNames[record.status] ?? "None";
      const figures = complianceAt(record, record.payments, asOf);
      return { record, status, figures, bucket: bucketOf(status, figures) };
    });
    const buckets = Object.fromEntries(
      (["performing", "inArrears", "inDefault", "completed", "closed"] as const).map((bucket) => {
        const inBucket = agreements.filter((a) => a.bucket === bucket);
        const sum = (pick: (f: ComplianceFigures) => bigint) => inBucket.reduce((s, a) => s + pick(a.figures), 0n);
        return [
          bucket,
          {
            count: inBucket.length,
            totalDue: sum((f) => f.totalDue),
            paid: sum((f) => f.paidTotal),
            outstanding: sum((f) => f.totalDue - f.paidTotal),
            arrears: sum((f) => f.arrears),
          },
        ];
      }),
    ) as Record<Bucket, { count: number; totalDue: bigint; paid: bigint; outstanding: bigint; arrears: bigint }>;
    return { platformId: key.accountId, asOf, buckets, agreements };
  }

  /** The case's on-chain events in order; a platform party sees only its own agreements' events. */
  async timeline(caller: Hex, caseId: Hex) {
    const roles = await this.deps.membership.requireParty(caseId, caller);
    let hidden = new Set<string>();
    if (!roles.includes("borrower") && !roles.includes("lawyer")) {
      const own = await this.deps.membership.activeAccountOf(caller);
      const agreements = await agreementIdsOfCase(this.deps.db, caseId);
      hidden = new Set(agreements.filter((a) => a.platformId !== own).map((a) => a.settlementId));
    }
    const events = await eventsOfCase(this.deps.db, caseId);
    return events.filter((e) => e.settlementId === null || !hidden.has(e.settlementId));
  }

  /** Where the indexer is, against the chain's head. */
  async progress() {
    const checkpoint = await this.deps.follower.checkpoint();
    let finalHead: number | null = null;
    try {
      finalHead = await this.deps.follower.finalHead();
    } catch {
      // The node is down: report what is indexed.
    }
    const indexed = checkpoint?.blockNumber ?? null;
    return {
      checkpoint: checkpoint ?? null,
      finalHead,
      behind: finalHead === null || indexed === null ? null : Math.max(0, finalHead - indexed),
    };
  }

  /**
   * The read model's compliance at the checkpoint's block beside the registry's `compliance` and
   * `getInstalments` read by `eth_call` at that same block.
   */
  private async crossCheck(record: AgreementRecord): Promise<CrossCheck> {
    const { chain, db, follower } = this.deps;
    const checkpoint = await follower.checkpoint();
    const blockTime = checkpoint === undefined ? undefined : await blockTimeOf(db, checkpoint.blockNumber);
    if (checkpoint === undefined || blockTime === undefined)
      throw new Error("an indexed agreement without a checkpoint");
    const block = checkpoint.blockNumber;
    const id = record.settlementId as Hex;
    const read = <T>(functionName: "compliance" | "getInstalments") =>
      chain.public.readContract({
        address: chain.contracts.registry,
        abi: registryAbi,
        functionName,
        args: [id],
        blockNumber: BigInt(block),
      }) as Promise<T>;
    type ChainCompliance = Record<"status" | "standing" | "daysOverdue" | "nextInstalment", number> &
      Record<"totalDue" | "paidTotal" | "dueToDate" | "arrears", bigint>;
    let onChain: [ChainCompliance, { dueAt: number; amount: bigint; state: number }[]];
    try {
      onChain = await Promise.all([
        read<ChainCompliance>("compliance"),
        read<{ dueAt: number; amount: bigint; state: number }[]>("getInstalments"),
      ]);
    } catch (cause) {
      throw new AppError(
        503,
        "CROSS_CHECK_UNAVAILABLE",
        `The chain's node could not answer for block ${block} (is it down, or does it keep no state that old?).`,
        { block },
        { cause },
      );
    }
    const [c, instalments] = onChain;
    const indexed = complianceAt(record, record.payments, blockTime);
    const pairs: [string, unknown, unknown][] = [
      ["status", statusNames[record.status], statusNames[c.status]],
      ["standing", indexed.standing, standingNames[c.standing]],
      ["totalDue", indexed.totalDue, c.totalDue],
      ["paidTotal", indexed.paidTotal, c.paidTotal],
      ["dueToDate", indexed.dueToDate, c.dueToDate],
      ["arrears", indexed.arrears, c.arrears],
      ["daysOverdue", indexed.daysOverdue, c.daysOverdue],
      ["nextInstalment", indexed.nextInstalment, c.nextInstalment],
      ["instalmentCount", indexed.instalments.length, instalments.length],
      ...instalments.flatMap((onChainRow, i): [string, unknown, unknown][] => {
        const row = indexed.instalments[i];
        return [
          [`instalments[${i}].dueAt`, row?.dueAt, onChainRow.dueAt],
          [`instalments[${i}].amount`, row?.amount, onChainRow.amount],
          [`instalments[${i}].state`, row?.state, stateNames[onChainRow.state]],
        ];
      }),
    ];
    const differences = pairs
      .map(([field, a, b]) => ({ field, indexed: String(a), chain: String(b) }))
      .filter((d) => d.indexed !== d.chain);
    return { block, blockTime, matches: differences.length === 0, differences };
  }
}
