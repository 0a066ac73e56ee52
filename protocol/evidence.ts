/**
 * Evidence leaves: the document's SHA-256 (what courts compute) with a per-document salt, so the
 * chain never carries a bare document hash. Trees are `StandardMerkleTree`s of
 * `@openzeppelin/merkle-tree`, which the EvidenceRegistry verifies on chain.
 */
import { createHash, randomBytes } from "node:crypto";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, keccak256 } from "ethers";

export const EVIDENCE_LEAF_ENCODING = ["bytes32", "bytes32"] as const;

export interface EvidenceLeaf {
  /** 0x-prefixed SHA-256 of the document's bytes. */
  sha256: string;
  /** 0x-prefixed 32-byte salt, kept with the document off chain and given to the court. */
  salt: string;
}

export function sha256Hex(data: Uint8Array): string {
  return `0x${createHash("sha256").update(data).digest("hex")}`;
}

export function newSalt(): string {
  return `0x${randomBytes(32).toString("hex")}`;
}

export function evidenceTree(leaves: readonly EvidenceLeaf[]): StandardMerkleTree<[string, string]> {
  return StandardMerkleTree.of(
    leaves.map((l) => [l.sha256, l.salt] as [string, string]),
    [...EVIDENCE_LEAF_ENCODING],
  );
}

/** The leaf hash the tree and the registry use: keccak256(keccak256(abi.encode(sha256, salt))). */
export function evidenceLeafHash(leaf: EvidenceLeaf): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode([...EVIDENCE_LEAF_ENCODING], [leaf.sha256, leaf.salt])));
}
