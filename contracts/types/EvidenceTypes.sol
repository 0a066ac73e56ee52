// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice What an anchored document (or batch of documents) is.
enum EvidenceKind {
    Agreement,
    PaymentReceipt,
    Acknowledgment,
    Correspondence,
    Other
}

/// @notice One anchored Merkle root (a single document is a one-leaf tree: its root is its leaf).
/// Packed in one slot: anchoring costs one new storage word.
struct Anchor {
    // slot 0
    address submitter;
    uint40 anchoredAt;
    uint40 blockNumber;
    EvidenceKind kind;
}
