/**
 * The CaseRegistry's events into the mediation read models: decoded with its own ABI, with what never
 * changes after a dispute's opening (its voting deadline, panel size and quorum) read from the
 * CaseRegistry when the event is indexed. A case's rulebook is not kept here: the views read the case
 * from the chain when asked.
 */
import { type Hex, type Log, parseEventLogs } from "viem";

import { caseRegistryAbi } from "../../chain/abi.js";
import type { ChainClients } from "../../chain/client.js";
import type { Db } from "../../db/database.js";
import type { IndexedEvent } from "./repository.js";

/** A CaseRegistry event: an indexed event that may also name a dispute. */
export interface CaseEvent extends IndexedEvent {
  disputeId: string | null;
}

export interface OpenedDispute {
  disputeId: string;
  votesDueAt: number;
  panelSize: number;
  quorum: number;
}

export interface MediationRound {
  events: CaseEvent[];
  disputes: OpenedDispute[];
}

const jsonArgs = (args: unknown) =>
  JSON.stringify(args, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));

const lower = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : null);

/** Decodes the CaseRegistry's logs and reads what their rows need from the CaseRegistry. */
export async function readMediation(
  chain: ChainClients,
  logs: Log[],
  blockTime: (blockHash: Hex) => Promise<number>,
): Promise<MediationRound> {
  const decoded = parseEventLogs({ abi: caseRegistryAbi, logs, strict: true });
  const events: CaseEvent[] = [];
  for (const log of decoded) {
    const args = log.args as Record<string, unknown>;
    events.push({
      blockNumber: Number(log.blockNumber),
      logIndex: log.logIndex,
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      blockTime: await blockTime(log.blockHash),
      name: log.eventName,
      caseId: lower(args.caseId),
      disputeId: typeof args.disputeId === "bigint" ? args.disputeId.toString() : null,
      settlementId: lower(args.settlementId),
      args,
      json: jsonArgs(args),
    });
  }
  // A dispute's voting deadline, panel size and quorum, read at its opening block.
  const disputes = await Promise.all(
    events
      .filter((e) => e.name === "DisputeOpened")
      .map(async (e) => {
        const found = (await chain.public.readContract({
          address: chain.contracts.caseRegistry,
          abi: caseRegistryAbi,
          functionName: "getDispute",
          args: [BigInt(e.disputeId!)],
          blockNumber: BigInt(e.blockNumber),
        })) as { votesDueAt: number; panelSize: number; quorum: number };
        return {
          disputeId: e.disputeId!,
          votesDueAt: Number(found.votesDueAt),
          panelSize: Number(found.panelSize),
          quorum: Number(found.quorum),
        };
      }),
  );
  return { events, disputes };
}

/** Writes the round's mediation rows (inside the round's transaction). */
export async function writeMediation(tx: Db, round: MediationRound): Promise<void> {
  const disputeOf = new Map(round.disputes.map((d) => [d.disputeId, d]));
  for (const e of round.events) {
    await tx.run(
      `INSERT INTO ix_case_events (block_number, log_index, tx_hash, block_time, name, case_id, dispute_id,
         settlement_id, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        e.blockNumber,
        e.logIndex,
        e.txHash.toLowerCase(),
        e.blockTime,
        e.name,
        e.caseId,
        e.disputeId,
        e.settlementId,
        e.json,
      ],
    );
    const party = (accountId: number, role: string, creditorId: number | null = null) =>
      tx.run(
        `INSERT INTO ix_mediation_parties (case_id, account_id, role, creditor_id, block_number, log_index)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [e.caseId, accountId, role, creditorId, e.blockNumber, e.logIndex],
      );
    const args = e.args;
    switch (e.name) {
      case "CaseOpened": {
        const a = args as { caseType: number; borrowerId: number; coordinatorId: number; mediatorId: number };
        const creditorIds = (args.creditorIds as readonly number[]).map(Number);
        await tx.run(
          `INSERT INTO ix_mediation_cases (case_id, case_type, borrower_id, coordinator_id, mediator_id, opened_at,
             block_number) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [
            e.caseId,
            Number(a.caseType),
            Number(a.borrowerId),
            Number(a.coordinatorId),
            Number(a.mediatorId),
            e.blockTime,
            e.blockNumber,
          ],
        );
        await party(Number(a.borrowerId), "borrower");
        await party(Number(a.coordinatorId), "coordinator");
        await party(Number(a.mediatorId), "mediator");
        for (const id of creditorIds) await party(id, "creditor", id);
        break;
      }
      case "CounselDeclared": {
        const a = args as { creditorId: number; counselId: number };
        await party(Number(a.counselId), "counsel", Number(a.creditorId));
        break;
      }
      case "StandstillRecorded": {
        const a = args as { creditorId: number; borrowerId: number; from: number; until: number };
        await tx.run(
          `INSERT INTO ix_standstills (case_id, creditor_id, borrower_id, from_time, until, tx_hash, block_number,
             log_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            e.caseId,
            Number(a.creditorId),
            Number(a.borrowerId),
            Number(a.from),
            Number(a.until),
            e.txHash.toLowerCase(),
            e.blockNumber,
            e.logIndex,
          ],
        );
        break;
      }
      case "DisputeOpened": {
        const a = args as {
          subject: number;
          sequence: number;
          clauseHash: string;
          evidenceHash: string;
          openedBy: number;
        };
        const d = disputeOf.get(e.disputeId!);
        await tx.run(
          `INSERT INTO ix_disputes (dispute_id, case_id, settlement_id, subject, sequence, clause_hash, evidence_hash,
             opened_by, opened_at, votes_due_at, panel_size, quorum, block_number)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            e.disputeId,
            e.caseId,
            e.settlementId,
            Number(a.subject),
            Number(a.sequence),
            a.clauseHash.toLowerCase(),
            a.evidenceHash.toLowerCase(),
            Number(a.openedBy),
            e.blockTime,
            d?.votesDueAt ?? 0,
            d?.panelSize ?? 0,
            d?.quorum ?? 0,
            e.blockNumber,
          ],
        );
        break;
      }
      case "PanelAppointed": {
        for (const id of (args.memberIds as readonly number[]).map(Number)) {
          await tx.run("INSERT INTO ix_dispute_panel (dispute_id, member_id, block_number) VALUES (?, ?, ?)", [
            e.disputeId,
            id,
            e.blockNumber,
          ]);
        }
        break;
      }
      case "VoteCast": {
        const a = args as { memberId: number; vote: number; opinionHash: string };
        await tx.run(
          `INSERT INTO ix_dispute_votes (dispute_id, member_id, vote, opinion_hash, tx_hash, block_time, block_number)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [
            e.disputeId,
            Number(a.memberId),
            Number(a.vote),
            a.opinionHash.toLowerCase(),
            e.txHash.toLowerCase(),
            e.blockTime,
            e.blockNumber,
          ],
        );
        break;
      }
      default:
        break;
    }
  }
}
