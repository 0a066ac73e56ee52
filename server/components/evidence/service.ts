/**
 * Evidence: a case's lawyer marks a case document as evidence; its SHA-256 (what courts compute) and
 * a fresh salt are queued; the anchorer puts each case's waiting items in a Merkle tree
 * (`protocol/evidence.ts`, the tree the EvidenceRegistry verifies) and anchors the root on chain, every
 * `batchSize` items or once the oldest has waited `maxWaitMs`; each item keeps its proof. Anyone holding
 * a file (or its SHA-256) can then ask whether and when it was anchored, and the answer is checked
 * against the chain at the time of asking.
 *
 * Crash safety: a round's tree depends only on the set of items in it (sorted leaves), so after a
 * crash between the anchoring transaction and its record the next round rebuilds the same root, finds
 * it anchored on chain (`AlreadyAnchored`) and records the anchor from its `Anchored` event instead.
 */
import { randomUUID } from "node:crypto";

import type { Logger } from "pino";
import { type Hex, getAddress } from "viem";

import { EvidenceKind } from "../../../protocol/enums.js";
import { evidenceLeafHash, evidenceTree, newSalt } from "../../../protocol/evidence.js";
import { evidenceAbi } from "../../chain/abi.js";
import type { ChainClients } from "../../chain/client.js";
import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import { conflict, forbidden, notFound } from "../../http/errors.js";
import type { CaseMembership } from "../cases/membership.js";
import type { MemberDirectory } from "../identity/roles.js";
import {
  type EvidenceAnchor,
  type EvidenceItem,
  findAnchor,
  insertItem,
  findItem,
  itemsOfCase,
  itemsWithSha256,
  recordAnchor,
  waitingItems,
} from "./repository.js";

export interface EvidenceSettings {
  /** Items of one case anchored together at most. */
  batchSize: number;
  /** The longest an item waits for others before its case's batch is anchored anyway. */
  maxWaitMs: number;
}

export interface EvidenceDeps {
  db: Db;
  chain: ChainClients;
  clock: Clock;
  logger: Logger;
  membership: CaseMembership;
  members: MemberDirectory;
  documents: EvidenceDocuments;
  settings: EvidenceSettings;
}

/** What evidence needs from the documents component: a case document's description. */
export interface EvidenceDocuments {
  describe(
    caseId: string,
    documentId: string,
  ): Promise<{ name: string; size: number; mediaType: string; sha256: `0x${string}`; status: string }>;
}

/** What `verify` finds for one anchored copy of the file, checked against the chain now. */
export interface Verification {
  verified: boolean;
  evidenceId: string;
  caseId: Hex;
  documentId: Hex;
  sha256: Hex;
  salt: Hex;
  proof: Hex[];
  root: Hex;
  txHash: Hex;
  blockNumber: number;
  blockHash: Hex;
  /** The block time the registry recorded, Unix seconds. */
  anchoredAt: number;
  submitter: Hex;
  chainId: number;
  contract: Hex;
}

export interface CourtReport {
  evidenceId: string;
  caseId: Hex;
  document: { id: Hex; name: string; size: number; mediaType: string; sha256: Hex; algorithm: "SHA-256" };
  leaf: { salt: Hex; hash: Hex; construction: string };
  proof: Hex[];
  root: Hex;
  anchor: {
    txHash: Hex;
    blockNumber: number;
    blockHash: Hex;
    blockTime: number;
    blockTimeUtc: string;
    chainId: number;
    contract: Hex;
    /** The account that sent the anchoring transaction (the gateway's relayer). */
    sentBy: Hex;
  };
  submittedBy: { address: Hex; role: string | null; identityCommitment: Hex | null };
  verification: { verified: boolean; checkedAt: string };
  howToVerify: string[];
}

export class EvidenceService {
  constructor(private readonly deps: EvidenceDeps) {}

  /** Queues a case document as evidence (the case's lawyer only). */
  async submit(caseId: Hex, documentId: Hex, caller: Hex): Promise<EvidenceItem> {
    const { db, clock, membership, documents } = this.deps;
    const roles = await membership.requireParty(caseId, caller);
    if (!roles.includes("lawyer")) {
      throw forbidden("Only the case's lawyer submits evidence.", "NOT_THE_LAWYER", { caseId });
    }
    const described = await documents.describe(caseId, documentId);
    if (described.status !== "available") throw notFound("Document", { caseId, documentId });
    const sha256 = described.sha256.toLowerCase() as Hex;
    const item: EvidenceItem = {
      id: randomUUID(),
      caseId: caseId.toLowerCase() as Hex,
      documentId: documentId.toLowerCase() as Hex,
      sha256,
      salt: newSalt() as Hex,
      submittedBy: getAddress(caller),
      queuedAt: clock.now(),
      root: null,
      proof: null,
    };
    if (!(await insertItem(db, item))) {
      throw conflict("ALREADY_EVIDENCE", "This document is evidence of the case already.", { caseId, documentId });
    }
    return item;
  }

  async ofCase(caseId: Hex, caller: Hex): Promise<{ item: EvidenceItem; anchor: EvidenceAnchor | undefined }[]> {
    await this.deps.membership.requireParty(caseId, caller);
    const items = await itemsOfCase(this.deps.db, caseId.toLowerCase());
    return Promise.all(
      items.map(async (item) => ({
        item,
        anchor: item.root === null ? undefined : await findAnchor(this.deps.db, item.root),
      })),
    );
  }

  /**
   * One anchoring round: for each case whose waiting items fill a batch or have waited long enough,
   * anchors up to `batchSize` of them. Resolves with how many items were anchored. Public for tests.
   */
  async anchorRound(force = false): Promise<number> {
    const { db, clock, settings } = this.deps;
    const byCase = new Map<Hex, EvidenceItem[]>();
    for (const item of await waitingItems(db)) byCase.set(item.caseId, [...(byCase.get(item.caseId) ?? []), item]);
    let anchored = 0;
    for (const [caseId, items] of byCase) {
      const due = force || items.length >= settings.batchSize || clock.now() - items[0]!.queuedAt >= settings.maxWaitMs;
      if (!due) continue;
      const batch = items.slice(0, settings.batchSize);
      await this.anchorBatch(caseId, batch);
      anchored += batch.length;
    }
    return anchored;
  }

  private async anchorBatch(caseId: Hex, batch: EvidenceItem[]): Promise<void> {
    const { db, chain, clock, logger } = this.deps;
    const tree = evidenceTree(batch);
    const root = tree.root.toLowerCase() as Hex;
    let txHash: Hex;
    const onChain = await this.anchorOnChain(root);
    if (onChain.anchoredAt === 0) {
      txHash = await chain.relayer.writeContract({
        address: chain.contracts.evidence,
        abi: evidenceAbi,
        functionName: "anchor",
        args: [root, caseId, EvidenceKind.Other, batch.length],
      });
    } else {
      // Anchored by a round that crashed before recording it: take the transaction from the event.
      const [event] = await chain.public.getContractEvents({
        address: chain.contracts.evidence,
        abi: evidenceAbi,
        eventName: "Anchored",
        args: { root },
        fromBlock: BigInt(onChain.blockNumber),
        toBlock: BigInt(onChain.blockNumber),
      });
      if (event === undefined) throw new Error(`root ${root} is anchored but its event was not found`);
      txHash = event.transactionHash;
    }
    const receipt = await chain.public.waitForTransactionReceipt({
      hash: txHash,
      confirmations: Math.max(1, chain.confirmations),
    });
    if (receipt.status !== "success") throw new Error(`anchoring transaction ${txHash} reverted`);
    const block = await chain.public.getBlock({ blockHash: receipt.blockHash });
    await recordAnchor(
      db,
      {
        root,
        caseId,
        leafCount: batch.length,
        txHash,
        blockNumber: Number(receipt.blockNumber),
        blockHash: receipt.blockHash,
        blockTime: Number(block.timestamp),
        anchoredAt: clock.now(),
      },
      batch.map((item, i) => ({ id: item.id, proof: tree.getProof(i) })),
    );
    logger.info({ root, caseId, items: batch.length, txHash }, "evidence anchored");
  }

  private async anchorOnChain(root: Hex) {
    const anchor = (await this.deps.chain.public.readContract({
      address: this.deps.chain.contracts.evidence,
      abi: evidenceAbi,
      functionName: "getAnchor",
      args: [root],
    })) as { submitter: Hex; anchoredAt: number; blockNumber: number };
    return {
      submitter: anchor.submitter,
      anchoredAt: Number(anchor.anchoredAt),
      blockNumber: Number(anchor.blockNumber),
    };
  }

  /**
   * The court report of one piece of evidence (the case's parties): everything a court needs to check
   * it without trusting Hejie — the file's name, size and SHA-256, the salted leaf and its proof, the
   * root and the transaction, block and time that anchored it, the chain and contract, who submitted
   * it with their registered identity commitment — and the verification, done on chain now.
   */
  async report(evidenceId: string, caller: Hex): Promise<CourtReport> {
    const { db, documents, members } = this.deps;
    const item = await findItem(db, evidenceId);
    if (item === undefined) throw notFound("Evidence", { evidenceId });
    await this.deps.membership.requireParty(item.caseId, caller);
    if (item.root === null) {
      throw conflict("NOT_ANCHORED_YET", "This evidence waits for its anchor: ask again shortly.", { evidenceId });
    }
    const verification = await this.verifyItem(item);
    const document = await documents.describe(item.caseId, item.documentId);
    const submitter = await members.lookup(item.submittedBy);
    return {
      evidenceId: item.id,
      caseId: item.caseId,
      document: {
        id: item.documentId,
        name: document.name,
        size: document.size,
        mediaType: document.mediaType,
        sha256: item.sha256,
        algorithm: "SHA-256",
      },
      leaf: {
        salt: item.salt,
        hash: evidenceLeafHash(item) as Hex,
        construction:
          "keccak256(keccak256(abi.encode(bytes32 sha256, bytes32 salt))) — OpenZeppelin StandardMerkleTree",
      },
      proof: item.proof!,
      root: item.root,
      anchor: {
        txHash: verification.txHash,
        blockNumber: verification.blockNumber,
        blockHash: verification.blockHash,
        blockTime: verification.anchoredAt,
        blockTimeUtc: new Date(verification.anchoredAt * 1000).toISOString(),
        chainId: verification.chainId,
        contract: verification.contract,
        sentBy: verification.submitter,
      },
      submittedBy: {
        address: item.submittedBy,
        role: submitter.key.role ?? null,
        identityCommitment: submitter.account?.identityCommitment ?? null,
      },
      verification: { verified: verification.verified, checkedAt: new Date(this.deps.clock.now()).toISOString() },
      howToVerify: [
        "Compute the SHA-256 of the file; it must equal document.sha256.",
        "With any node of the chain (chainId), call verifyDocument(root, sha256, leaf.salt, proof) on the " +
          "EvidenceRegistry at anchor.contract: it answers true only for this file in this anchored root.",
        "Call getAnchor(root) there: anchoredAt and blockNumber give when it was anchored; the transaction " +
          "anchor.txHash in block anchor.blockNumber (hash anchor.blockHash) emitted Anchored(root, caseId, leafCount).",
        "Or, offline: recompute leaf.hash from sha256 and salt, then the root from proof (sorted-pair " +
          "keccak256, as OpenZeppelin's MerkleProof), and compare with root.",
      ],
    };
  }

  /** Every anchored item with this SHA-256, each proof checked against the chain now. */
  async verify(sha256: Hex): Promise<Verification[]> {
    return Promise.all((await itemsWithSha256(this.deps.db, sha256)).map((item) => this.verifyItem(item)));
  }

  /** One anchored item, its proof checked against the chain now. */
  private async verifyItem(item: EvidenceItem): Promise<Verification> {
    const { db, chain } = this.deps;
    const root = item.root!;
    const anchor = (await findAnchor(db, root))!;
    const verified = (await chain.public.readContract({
      address: chain.contracts.evidence,
      abi: evidenceAbi,
      functionName: "verifyDocument",
      args: [root, item.sha256, item.salt, item.proof],
    })) as boolean;
    const onChain = await this.anchorOnChain(root);
    return {
      verified,
      evidenceId: item.id,
      caseId: item.caseId,
      documentId: item.documentId,
      sha256: item.sha256,
      salt: item.salt,
      proof: item.proof!,
      root,
      txHash: anchor.txHash,
      blockNumber: anchor.blockNumber,
      blockHash: anchor.blockHash,
      anchoredAt: onChain.anchoredAt,
      submitter: getAddress(onChain.submitter),
      chainId: chain.chain.id,
      contract: chain.contracts.evidence,
    };
  }
}
