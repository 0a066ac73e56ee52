/**
 * Evidence anchoring with OpenZeppelin StandardMerkleTrees built by protocol/evidence.ts (leaf =
 * (SHA-256 of the file, salt)): single documents and batches of 100 and 1,000, verified on chain as
 * a court would, and the refusals.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { AbiCoder, ZeroHash, hexlify, keccak256, randomBytes } from "ethers";

import { AccountKind, EvidenceKind, Licence } from "../protocol/enums.js";
import { EVIDENCE_LEAF_ENCODING, type EvidenceLeaf, evidenceTree, newSalt, sha256Hex } from "../protocol/evidence.js";
import { type Hejie, commitment, createConnection, deployHejie } from "./helpers/hejie.js";

interface Document {
  bytes: Uint8Array;
  leaf: EvidenceLeaf;
}

function documents(count: number): Document[] {
  return Array.from({ length: count }, (_, i) => {
    const bytes = randomBytes(64 + (i % 7) * 97);
    return { bytes, leaf: { sha256: sha256Hex(bytes), salt: newSalt() } };
  });
}

const treeOf = (docs: readonly Document[]) => evidenceTree(docs.map((d) => d.leaf));
const valueOf = (d: Document): [string, string] => [d.leaf.sha256, d.leaf.salt];

/** Indices 0 and last, and `count - 2` others spread by a fixed stride. */
function sample(size: number, count: number): number[] {
  const picks = new Set([0, size - 1]);
  for (let i = 1; picks.size < count; ++i) picks.add((i * 7_919) % size);
  return [...picks];
}

describe("evidence: anchoring and verifying Merkle roots", () => {
  let h: Hejie;
  let regulator: HardhatEthersSigner;
  const caseId = hexlify(randomBytes(32));

  before(async () => {
    h = await deployHejie(await createConnection());
    regulator = h.spare[0] as HardhatEthersSigner;
    await (await h.members.admitMember(AccountKind.Regulator, Licence.None, commitment("regulator"), regulator)).wait();
  });

  async function anchor(signer: HardhatEthersSigner, root: string, kind: number, leafCount: number) {
    return h.evidence.connect(signer).anchor(root, caseId, kind, leafCount);
  }

  describe("a single document, anchored by a lawyer", () => {
    const [doc] = documents(1) as [Document];
    const tree = treeOf([doc]);

    it("its root is its leaf, and leafOf computes that leaf", async () => {
      expect(tree.root).to.equal(tree.leafHash(valueOf(doc)));
      expect(await h.evidence.leafOf(doc.leaf.sha256, doc.leaf.salt)).to.equal(tree.root);
    });

    it("anchoring emits Anchored with the case and leaf count and records submitter, kind, time and block", async () => {
      const tx = await anchor(h.lawyer, tree.root, EvidenceKind.Agreement, 1);
      await expect(tx).to.emit(h.evidence, "Anchored").withArgs(tree.root, caseId, 1);
      const receipt = (await tx.wait())!;
      const block = (await h.ethers.provider.getBlock(receipt.blockNumber))!;
      const record = await h.evidence.getAnchor(tree.root);
      expect([...record]).to.deep.equal([
        h.lawyer.address,
        BigInt(block.timestamp),
        BigInt(receipt.blockNumber),
        BigInt(EvidenceKind.Agreement),
      ]);
    });

    it("verifies with an empty proof; not with a tampered file or a wrong salt", async () => {
      expect(await h.evidence.verifyDocument(tree.root, doc.leaf.sha256, doc.leaf.salt, [])).to.equal(true);
      const tampered = Uint8Array.from(doc.bytes);
      tampered[0] = (tampered[0] as number) ^ 1;
      expect(await h.evidence.verifyDocument(tree.root, sha256Hex(tampered), doc.leaf.salt, [])).to.equal(false);
      expect(await h.evidence.verifyDocument(tree.root, doc.leaf.sha256, newSalt(), [])).to.equal(false);
    });

    it("refuses anchoring the same root twice", async () => {
      const { anchoredAt } = await h.evidence.getAnchor(tree.root);
      await expect(anchor(h.platform, tree.root, EvidenceKind.Other, 1))
        .to.be.revertedWithCustomError(h.evidence, "EvidenceRegistryAlreadyAnchored")
        .withArgs(tree.root, anchoredAt);
    });
  });

  describe("a batch of 100, anchored by a platform", () => {
    const docs = documents(100);
    const tree = treeOf(docs);

    before(async () => {
      await expect(anchor(h.platform, tree.root, EvidenceKind.PaymentReceipt, 100))
        .to.emit(h.evidence, "Anchored")
        .withArgs(tree.root, caseId, 100);
    });

    it("records the platform's key as submitter and the kind", async () => {
      const record = await h.evidence.getAnchor(tree.root);
      expect([record.submitter, record.kind]).to.deep.equal([h.platform.address, BigInt(EvidenceKind.PaymentReceipt)]);
    });

    it("verifyDocument is true for every document's proof; leafOf is the tree's leafHash", async () => {
      for (const [i, doc] of docs.entries()) {
        const proof = tree.getProof(i);
        const leaf = tree.leafHash(valueOf(doc));
        expect(
          await h.evidence.verifyDocument(tree.root, doc.leaf.sha256, doc.leaf.salt, proof),
          `document ${i}`,
        ).to.equal(true);
        if (i % 10 === 0) expect(await h.evidence.leafOf(doc.leaf.sha256, doc.leaf.salt)).to.equal(leaf);
      }
    });

    it("is false for a tampered file, a wrong salt, another document's proof, or a truncated proof", async () => {
      const doc = docs[42] as Document;
      const proof = tree.getProof(42);
      const tampered = Uint8Array.from(doc.bytes);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x80;
      expect(await h.evidence.verifyDocument(tree.root, sha256Hex(tampered), doc.leaf.salt, proof)).to.equal(false);
      expect(await h.evidence.verifyDocument(tree.root, doc.leaf.sha256, newSalt(), proof)).to.equal(false);
      expect(await h.evidence.verifyDocument(tree.root, doc.leaf.sha256, doc.leaf.salt, tree.getProof(43))).to.equal(
        false,
      );
      expect(await h.evidence.verifyDocument(tree.root, doc.leaf.sha256, doc.leaf.salt, proof.slice(1))).to.equal(
        false,
      );
    });

    it("no inner node of the tree passes for a document", async () => {
      // An inner node with the rest of a proof is a valid path to the root; verifyDocument hashes its
      // input twice as a leaf, so presenting the two halves of an inner node as (sha256, salt) fails.
      const proof = tree.getProof(42);
      const [sibling] = proof as [string];
      const leaf = tree.leafHash(valueOf(docs[42] as Document));
      const [left, right] = [leaf, sibling].sort();
      expect(await h.evidence.verifyDocument(tree.root, left as string, right as string, proof.slice(1))).to.equal(
        false,
      );
      // And the single hash of (sha256, salt) is not the leaf either.
      const singleHash = keccak256(
        AbiCoder.defaultAbiCoder().encode([...EVIDENCE_LEAF_ENCODING], valueOf(docs[42] as Document)),
      );
      expect(singleHash).to.not.equal(leaf);
    });

    it("is false against a root never anchored, even with a valid proof of it", async () => {
      const others = documents(100);
      const unanchored = treeOf(others);
      const doc = valueOf(others[7] as Document);
      const proof = unanchored.getProof(7);
      expect(StandardMerkleTree.verify(unanchored.root, [...EVIDENCE_LEAF_ENCODING], doc, proof)).to.equal(true);
      expect((await h.evidence.getAnchor(unanchored.root)).anchoredAt).to.equal(0n);
      expect(await h.evidence.verifyDocument(unanchored.root, doc[0], doc[1], proof)).to.equal(false);
    });
  });

  describe("a batch of 1,000, anchored by a committee member", () => {
    const docs = documents(1_000);
    const tree = treeOf(docs);

    it("anchors and names 1,000 leaves in Anchored", async () => {
      await expect(anchor(h.committee, tree.root, EvidenceKind.Correspondence, 1_000))
        .to.emit(h.evidence, "Anchored")
        .withArgs(tree.root, caseId, 1_000);
      expect((await h.evidence.getAnchor(tree.root)).submitter).to.equal(h.committee.address);
    });

    it("verifies a sample of 60 documents, as the library does off chain", async () => {
      for (const i of sample(docs.length, 60)) {
        const doc = docs[i] as Document;
        const proof = tree.getProof(i);
        expect(proof.length).to.be.within(9, 10); // ⌈log2 1000⌉
        expect(StandardMerkleTree.verify(tree.root, [...EVIDENCE_LEAF_ENCODING], valueOf(doc), proof)).to.equal(true);
        expect(
          await h.evidence.verifyDocument(tree.root, doc.leaf.sha256, doc.leaf.salt, proof),
          `document ${i}`,
        ).to.equal(true);
      }
    });

    it("a proof from one anchored root does not verify against another", async () => {
      const doc = docs[0] as Document;
      const otherRoot = treeOf(docs.slice(0, 100)).root;
      await (await anchor(h.lawyer, otherRoot, EvidenceKind.Other, 100)).wait();
      expect(await h.evidence.verifyDocument(otherRoot, doc.leaf.sha256, doc.leaf.salt, tree.getProof(0))).to.equal(
        false,
      );
    });
  });

  describe("refusals", () => {
    it("refuses a zero root and an empty batch", async () => {
      await expect(anchor(h.lawyer, ZeroHash, EvidenceKind.Agreement, 1)).to.be.revertedWithCustomError(
        h.evidence,
        "EvidenceRegistryZeroRoot",
      );
      await expect(anchor(h.lawyer, hexlify(randomBytes(32)), EvidenceKind.Agreement, 0)).to.be.revertedWithCustomError(
        h.evidence,
        "EvidenceRegistryEmptyBatch",
      );
    });

    it("refuses oracles, regulators, borrowers, the registrar and outsiders (AccessManagedUnauthorized)", async () => {
      for (const signer of [h.oracle, regulator, h.borrower, h.registrar, h.outsider]) {
        await expect(anchor(signer, hexlify(randomBytes(32)), EvidenceKind.Other, 1))
          .to.be.revertedWithCustomError(h.evidence, "AccessManagedUnauthorized")
          .withArgs(signer.address);
      }
    });

    it("refuses a lawyer's key once revoked", async () => {
      await (await h.members.revokeKey(h.lawyer)).wait();
      await expect(anchor(h.lawyer, hexlify(randomBytes(32)), EvidenceKind.Other, 1))
        .to.be.revertedWithCustomError(h.evidence, "AccessManagedUnauthorized")
        .withArgs(h.lawyer.address);
    });
  });
});
