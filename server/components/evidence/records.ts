/**
 * Case events captured as evidence when they happen (evidence made at the time counts for more in
 * court: DOMAIN.md): each party's signature of a settlement, the settlement's registration on chain,
 * each payment recorded on chain, each standstill breach and each committee decision of a dispute
 * (with its votes) recorded by the CaseRegistry. Each becomes a small JSON file — the record — stored encrypted
 * as a document of the case (kind `record`, written by the gateway) and queued for anchoring like
 * any evidence, so its court report and `POST /verify` work as for a lawyer's evidence.
 *
 * Where the facts come from (read-only): the agreements component's signatures, and the indexer's
 * events (registrations and payments, final per `HEJIE_CONFIRMATIONS`) joined with the payment
 * reports this gateway received (the oracle's signature and the hashed bank reference). A payment is
 * recorded once this gateway's report for it, if any, is marked recorded, so the receipt carries it.
 *
 * Exactly once: each record has a key (`signature:<draft>:<role>`, `registration:<id>`,
 * `payment:<id>:<sequence>`, `breach:<evidence hash>`, `decision:<dispute id>`); the evidence item and the key are written in one transaction. A crash
 * between storing the file and that transaction leaves an unreferenced encrypted file and the next
 * round writes the record again.
 */
import { randomUUID } from "node:crypto";

import type { Logger } from "pino";
import { type Hex, getAddress } from "viem";

import { newSalt } from "../../../protocol/evidence.js";
import type { ChainClients } from "../../chain/client.js";
import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import type { EvidenceItem } from "./repository.js";
import { insertItem } from "./repository.js";

export interface CaseRecord {
  key: string;
  caseId: Hex;
  /** The file name, e.g. `payment-0x1234abcd-2.json`. */
  name: string;
  content: Record<string, unknown>;
}

/** What recording needs from the documents component: storing the gateway's own file in a case. */
export interface RecordDocuments {
  storeGatewayDocument(input: {
    caseId: string;
    uploader: Hex;
    name: string;
    kind: "record";
    mediaType: string;
    source: AsyncIterable<Uint8Array>;
  }): Promise<{ id: Hex; sha256: Hex }>;
}

type Row = Record<string, string | number | null>;

const notRecorded = (key: string) => `NOT EXISTS (SELECT 1 FROM evidence_records r WHERE r.key = ${key})`;
const short = (id: unknown) => String(id).slice(0, 10);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Each kind of record: the facts not recorded yet, oldest first. */
const SOURCES: { kind: string; pending(db: Db, limit: number, chain: ChainClients): Promise<CaseRecord[]> }[] = [
  {
    kind: "agreement-signature",
    async pending(db, limit) {
      const rows = await db.all<Row>(
        `SELECT s.draft_id, s.role, s.signer, s.settlement_id, s.signature, s.submitted_by, s.signed_at, d.case_id
           FROM agreement_signatures s JOIN agreement_drafts d ON d.id = s.draft_id
          WHERE ${notRecorded("'signature:' || s.draft_id || ':' || s.role")}
          ORDER BY s.signed_at LIMIT ?`,
        [limit],
      );
      return rows.map((row) => ({
        key: `signature:${row.draft_id}:${row.role}`,
        caseId: String(row.case_id) as Hex,
        name: `signature-${row.role}-${short(row.settlement_id)}.json`,
        content: {
          draftId: row.draft_id,
          settlementId: row.settlement_id,
          role: row.role,
          signer: row.signer,
          signature: row.signature,
          submittedBy: row.submitted_by,
          receivedAt: new Date(Number(row.signed_at)).toISOString(),
          note: "settlementId is the EIP-712 digest the signer signed (domain: Hejie Registry, version 1)",
        },
      }));
    },
  },
  {
    kind: "agreement-registration",
    async pending(db, limit, chain) {
      const rows = await db.all<Row>(
        `SELECT e.* FROM ix_events e JOIN cases c ON c.id = e.case_id
          WHERE e.name = 'SettlementRegistered' AND ${notRecorded("'registration:' || e.settlement_id")}
          ORDER BY e.block_number, e.log_index LIMIT ?`,
        [limit],
      );
      return rows.map((row) => ({
        key: `registration:${row.settlement_id}`,
        caseId: String(row.case_id) as Hex,
        name: `registration-${short(row.settlement_id)}.json`,
        content: { ...onChain(row, chain), event: JSON.parse(String(row.args)) as unknown },
      }));
    },
  },
  {
    kind: "payment-receipt",
    async pending(db, limit, chain) {
      const sequence = "json_extract(e.args, '$.sequence')";
      const rows = await db.all<Row>(
        `SELECT e.*, p.id AS report_id, p.oracle, p.signature, p.bank_reference, p.received_at
           FROM ix_events e JOIN cases c ON c.id = e.case_id
           LEFT JOIN payment_reports p
             ON p.settlement_id = e.settlement_id AND p.sequence = ${sequence} AND p.state = 'recorded'
          WHERE e.name = 'PaymentRecorded'
            AND ${notRecorded(`'payment:' || e.settlement_id || ':' || ${sequence}`)}
            AND NOT EXISTS (SELECT 1 FROM payment_reports q WHERE q.settlement_id = e.settlement_id
                              AND q.sequence = ${sequence} AND q.state IN ('accepted', 'submitted'))
          ORDER BY e.block_number, e.log_index LIMIT ?`,
        [limit],
      );
      return rows.map((row) => {
        const event = JSON.parse(String(row.args)) as { sequence: number };
        return {
          key: `payment:${row.settlement_id}:${event.sequence}`,
          caseId: String(row.case_id) as Hex,
          name: `payment-${short(row.settlement_id)}-${event.sequence}.json`,
          content: {
            ...onChain(row, chain),
            event,
            report:
              row.report_id === null
                ? null
                : {
                    id: row.report_id,
                    oracle: row.oracle,
                    signature: row.signature,
                    bankReference: row.bank_reference,
                    receivedAt: new Date(Number(row.received_at)).toISOString(),
                  },
          },
        };
      });
    },
  },
  {
    // A collection action during a standstill, recorded in the gateway case of the creditor's (first)
    // agreement in the mediation case.
    kind: "standstill-breach",
    async pending(db, limit, chain) {
      const rows = await db.all<Row>(
        `SELECT * FROM (
           SELECT e.*, (SELECT ag.case_id FROM ix_case_events a
                          JOIN ix_agreements ag ON ag.settlement_id = a.settlement_id
                          JOIN cases c ON c.id = ag.case_id
                         WHERE a.case_id = e.case_id AND a.name = 'AgreementAdded'
                           AND json_extract(a.args, '$.creditorId') = json_extract(e.args, '$.creditorId')
                         ORDER BY a.block_number, a.log_index LIMIT 1) AS home
             FROM ix_case_events e WHERE e.name = 'StandstillBreached')
          WHERE home IS NOT NULL AND ${notRecorded("'breach:' || json_extract(args, '$.evidenceHash')")}
          ORDER BY block_number, log_index LIMIT ?`,
        [limit],
      );
      return rows.map((row) => {
        const event = JSON.parse(String(row.args)) as { evidenceHash: string; creditorId: number };
        return {
          key: `breach:${event.evidenceHash}`,
          caseId: String(row.home) as Hex,
          name: `breach-${short(row.case_id)}-${event.creditorId}.json`,
          content: { ...onChain(row, chain, chain.contracts.caseRegistry), mediationCaseId: row.case_id, event },
        };
      });
    },
  },
  {
    // The committee's decision of a dispute, with every vote (dissent included), recorded in the gateway
    // case of the disputed agreement.
    kind: "dispute-decision",
    async pending(db, limit, chain) {
      const rows = await db.all<Row>(
        `SELECT e.*, d.settlement_id AS disputed, d.subject, ag.case_id AS home
           FROM ix_case_events e
           JOIN ix_disputes d ON d.dispute_id = e.dispute_id
           JOIN ix_agreements ag ON ag.settlement_id = d.settlement_id
           JOIN cases c ON c.id = ag.case_id
          WHERE e.name = 'DisputeDecided' AND ${notRecorded("'decision:' || e.dispute_id")}
          ORDER BY e.block_number, e.log_index LIMIT ?`,
        [limit],
      );
      return Promise.all(
        rows.map(async (row) => {
          const votes = await db.all<Row>(
            `SELECT member_id, vote, opinion_hash, tx_hash FROM ix_dispute_votes WHERE dispute_id = ?
              ORDER BY block_number`,
            [String(row.dispute_id)],
          );
          return {
            key: `decision:${row.dispute_id}`,
            caseId: String(row.home) as Hex,
            name: `decision-${row.dispute_id}-${short(row.disputed)}.json`,
            content: {
              ...onChain({ ...row, settlement_id: row.disputed ?? null }, chain, chain.contracts.caseRegistry),
              mediationCaseId: row.case_id,
              disputeId: row.dispute_id,
              subject: Number(row.subject),
              event: JSON.parse(String(row.args)) as unknown,
              votes: votes.map((v) => ({
                memberId: Number(v.member_id),
                vote: Number(v.vote),
                opinionHash: v.opinion_hash,
                txHash: v.tx_hash,
              })),
            },
          };
        }),
      );
    },
  },
];

/** Where an indexed event happened (in the HejieRegistry unless another contract is named). */
const onChain = (row: Row, chain: ChainClients, contract: Hex = chain.contracts.registry) => ({
  settlementId: row.settlement_id,
  chainId: chain.chain.id,
  contract: getAddress(contract),
  txHash: row.tx_hash,
  blockNumber: Number(row.block_number),
  logIndex: Number(row.log_index),
  blockTime: iso(Number(row.block_time)),
});

/** Deterministic, readable JSON: keys sorted at every level, two-space indent, final newline. */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : typeof v === "object" && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

export class CaseRecorder {
  constructor(
    private readonly deps: { db: Db; chain: ChainClients; clock: Clock; logger: Logger; documents: RecordDocuments },
  ) {}

  /** Records up to `limit` pending facts of each kind; resolves with how many it recorded. */
  async round(limit = 50): Promise<number> {
    let recorded = 0;
    for (const source of SOURCES) {
      for (const record of await source.pending(this.deps.db, limit, this.deps.chain)) {
        await this.record(source.kind, record);
        recorded += 1;
      }
    }
    return recorded;
  }

  private async record(kind: string, record: CaseRecord): Promise<void> {
    const { db, chain, clock, documents } = this.deps;
    const gateway = getAddress(chain.relayer.account.address);
    const bytes = Buffer.from(canonicalJson({ record: kind, caseId: record.caseId, ...record.content }));
    const stored = await documents.storeGatewayDocument({
      caseId: record.caseId,
      uploader: gateway,
      name: record.name,
      kind: "record",
      mediaType: "application/json",
      source: (async function* () {
        yield bytes;
      })(),
    });
    const item: EvidenceItem = {
      id: randomUUID(),
      caseId: record.caseId.toLowerCase() as Hex,
      documentId: stored.id.toLowerCase() as Hex,
      sha256: stored.sha256.toLowerCase() as Hex,
      salt: newSalt() as Hex,
      submittedBy: gateway,
      queuedAt: clock.now(),
      root: null,
      proof: null,
    };
    await db.transaction(async (tx) => {
      await insertItem(tx, item);
      await tx.run(
        "INSERT INTO evidence_records (key, kind, case_id, evidence_id, document_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [record.key, kind, item.caseId, item.id, item.documentId, item.queuedAt],
      );
    });
    this.deps.logger.debug({ key: record.key, evidenceId: item.id }, "case event recorded as evidence");
  }
}
