// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {IEvidenceRegistry} from "./interfaces/IEvidenceRegistry.sol";
import {Anchor, EvidenceKind} from "./types/EvidenceTypes.sol";

/// @title EvidenceRegistry
/// @notice See {IEvidenceRegistry}. Anchoring is restricted to the ANCHORER role (every active
/// platform, lawyer and committee key). An anchor costs one storage word whatever the batch size, so
/// the cost per document falls with the batch; the case and leaf count live in the event.
/// @dev The authority is fixed at construction and kept in an immutable: `restricted` then costs no
/// storage read of the authority's address, which is 3% of an anchor. Moving to another
/// AccessManager means deploying a new EvidenceRegistry (anchors are immutable facts; the old one
/// keeps answering `verifyDocument`).
contract EvidenceRegistry is IEvidenceRegistry, AccessManaged {
    address private immutable _fixedAuthority;

    mapping(bytes32 root => Anchor) private _anchors;

    constructor(address manager) AccessManaged(manager) {
        _fixedAuthority = manager;
    }

    /// @inheritdoc AccessManaged
    function authority() public view override returns (address) {
        return _fixedAuthority;
    }

    /// @dev Only the constructor sets the authority (see the contract's notes).
    function _setAuthority(address newAuthority) internal override {
        if (_fixedAuthority != address(0)) revert EvidenceRegistryAuthorityFixed(newAuthority);
        super._setAuthority(newAuthority);
    }

    /// @inheritdoc IEvidenceRegistry
    function anchor(bytes32 root, bytes32 caseId, EvidenceKind kind, uint32 leafCount) external restricted {
        // Check:
        if (root == bytes32(0)) revert EvidenceRegistryZeroRoot();
        if (leafCount == 0) revert EvidenceRegistryEmptyBatch();
        Anchor storage existing = _anchors[root];
        if (existing.anchoredAt != 0) revert EvidenceRegistryAlreadyAnchored(root, existing.anchoredAt);
        // Effect:
        _anchors[root] = Anchor({
            submitter: msg.sender,
            anchoredAt: uint40(block.timestamp),
            blockNumber: uint40(block.number),
            kind: kind
        });
        emit Anchored(root, caseId, leafCount);
    }

    /// @inheritdoc IEvidenceRegistry
    function getAnchor(bytes32 root) external view returns (Anchor memory) {
        return _anchors[root];
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyDocument(
        bytes32 root,
        bytes32 documentSha256,
        bytes32 salt,
        bytes32[] calldata proof
    ) external view returns (bool) {
        // The leaf is hashed twice (as StandardMerkleTree does), so no inner node of a tree, which is a
        // hash of two 32-byte words, can pass for a document here.
        return _anchors[root].anchoredAt != 0 && MerkleProof.verifyCalldata(proof, root, leafOf(documentSha256, salt));
    }

    /// @inheritdoc IEvidenceRegistry
    function leafOf(bytes32 documentSha256, bytes32 salt) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(documentSha256, salt))));
    }
}
