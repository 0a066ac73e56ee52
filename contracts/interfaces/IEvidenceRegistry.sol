// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Anchor, EvidenceKind} from "../types/EvidenceTypes.sol";

/// @title IEvidenceRegistry
/// @notice Anchors evidence for litigation: one document hash, or the Merkle root of many, each
/// anchor naming its case and its kind. Trees and proofs are those of OpenZeppelin's npm package
/// merkle-tree (`StandardMerkleTree`, leaf encoding `["bytes32","bytes32"]`: the
/// document's SHA-256 and a per-document salt), so anyone can verify with a well-known library.
/// Every error is explained, with how to fix the call, in `docs/errors.md`.
interface IEvidenceRegistry {
    error EvidenceRegistryZeroRoot();
    error EvidenceRegistryEmptyBatch();
    error EvidenceRegistryAlreadyAnchored(bytes32 root, uint40 anchoredAt);
    error EvidenceRegistryAuthorityFixed(address newAuthority);

    /// @notice The submitter, time, block and kind are in the anchor record (`getAnchor`); the event
    /// carries what is not stored: the case and how many documents the root covers.
    event Anchored(bytes32 indexed root, bytes32 indexed caseId, uint32 leafCount);

    /// @notice Anchors a Merkle root of `leafCount` documents (for one document, its leaf).
    function anchor(bytes32 root, bytes32 caseId, EvidenceKind kind, uint32 leafCount) external;

    /// @notice The anchor of `root`; `anchoredAt == 0` when it was never anchored.
    function getAnchor(bytes32 root) external view returns (Anchor memory);

    /// @notice True when `root` is anchored and `proof` proves the document (its SHA-256 and salt) in it.
    /// There is deliberately no check of a bare leaf hash: an inner node of the tree would pass it.
    function verifyDocument(
        bytes32 root,
        bytes32 documentSha256,
        bytes32 salt,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice The StandardMerkleTree leaf of a document: keccak256(keccak256(abi.encode(sha256, salt))).
    function leafOf(bytes32 documentSha256, bytes32 salt) external pure returns (bytes32);
}
