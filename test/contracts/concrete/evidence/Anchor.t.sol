// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {IEvidenceRegistry} from "../../../../contracts/interfaces/IEvidenceRegistry.sol";
import {Anchor, EvidenceKind} from "../../../../contracts/types/EvidenceTypes.sol";
import {AccountKind, Licence} from "../../../../contracts/types/MemberTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice EvidenceRegistry: anchoring (ANCHORER only) and verifying documents against anchored roots.
contract AnchorTest is HejieTestBase {
    bytes32 internal constant CASE_ID = keccak256("case");

    /// @dev Two documents (SHA-256, salt) and their StandardMerkleTree.
    bytes32 internal docA = sha256("agreement.pdf");
    bytes32 internal saltA = keccak256("salt A");
    bytes32 internal docB = sha256("receipt.pdf");
    bytes32 internal saltB = keccak256("salt B");

    /// @dev OpenZeppelin StandardMerkleTree leaf of ["bytes32","bytes32"]: double keccak of the encoding.
    function _leaf(bytes32 sha, bytes32 salt) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(sha, salt))));
    }

    /// @dev A two-leaf tree: the root hashes the sorted pair.
    function _root(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function _proof(bytes32 sibling) internal pure returns (bytes32[] memory proof) {
        proof = new bytes32[](1);
        proof[0] = sibling;
    }

    function test_anchor() public {
        bytes32 root = _root(_leaf(docA, saltA), _leaf(docB, saltB));
        vm.roll(1234);
        vm.expectEmit(address(evidence));
        emit IEvidenceRegistry.Anchored(root, CASE_ID, 2);
        vm.prank(lawyer);
        evidence.anchor(root, CASE_ID, EvidenceKind.PaymentReceipt, 2);

        Anchor memory a = evidence.getAnchor(root);
        assertEq(a.submitter, lawyer, "submitter");
        assertEq(a.anchoredAt, _now(), "anchoredAt");
        assertEq(a.blockNumber, 1234, "blockNumber");
        assertEq(uint8(a.kind), uint8(EvidenceKind.PaymentReceipt), "kind");
    }

    function test_anchor_PlatformAndCommittee() public {
        vm.prank(platform);
        evidence.anchor(keccak256("1"), CASE_ID, EvidenceKind.Agreement, 1);
        vm.prank(committee);
        evidence.anchor(keccak256("2"), CASE_ID, EvidenceKind.Other, 1);
        assertEq(evidence.getAnchor(keccak256("1")).submitter, platform, "platform anchored");
        assertEq(evidence.getAnchor(keccak256("2")).submitter, committee, "committee anchored");
    }

    function test_verifyDocument() public {
        bytes32 leafA = _leaf(docA, saltA);
        bytes32 leafB = _leaf(docB, saltB);
        bytes32 root = _root(leafA, leafB);
        assertEq(evidence.leafOf(docA, saltA), leafA, "leafOf");
        assertFalse(evidence.verifyDocument(root, docA, saltA, _proof(leafB)), "not anchored yet");

        vm.prank(lawyer);
        evidence.anchor(root, CASE_ID, EvidenceKind.Agreement, 2);
        assertTrue(evidence.verifyDocument(root, docA, saltA, _proof(leafB)), "A in the tree");
        assertTrue(evidence.verifyDocument(root, docB, saltB, _proof(leafA)), "B in the tree");
        assertFalse(evidence.verifyDocument(root, docA, saltB, _proof(leafB)), "wrong salt");
        assertFalse(evidence.verifyDocument(root, sha256("forged.pdf"), saltA, _proof(leafB)), "forged document");
        assertFalse(evidence.verifyDocument(root, docA, saltA, _proof(leafA)), "wrong proof");
    }

    function test_verifyDocument_SingleDocumentRootIsItsLeaf() public {
        bytes32 leaf = _leaf(docA, saltA);
        vm.prank(platform);
        evidence.anchor(leaf, CASE_ID, EvidenceKind.Agreement, 1);
        assertTrue(evidence.verifyDocument(leaf, docA, saltA, new bytes32[](0)), "one-leaf tree");
    }

    function test_AuthorityIsFixed() public {
        assertEq(IAccessManaged(address(evidence)).authority(), address(manager), "authority");
        address newAuthority = _deployArtifact("AccessManager", abi.encode(admin));
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryAuthorityFixed.selector, newAuthority)
        );
        vm.prank(admin);
        manager.updateAuthority(address(evidence), newAuthority);
        assertEq(IAccessManaged(address(evidence)).authority(), address(manager), "unchanged");
    }

    function test_RevertWhen_ZeroRoot() public {
        vm.expectRevert(IEvidenceRegistry.EvidenceRegistryZeroRoot.selector);
        vm.prank(lawyer);
        evidence.anchor(bytes32(0), CASE_ID, EvidenceKind.Agreement, 1);
    }

    function test_RevertWhen_EmptyBatch() public {
        vm.expectRevert(IEvidenceRegistry.EvidenceRegistryEmptyBatch.selector);
        vm.prank(lawyer);
        evidence.anchor(keccak256("root"), CASE_ID, EvidenceKind.Agreement, 0);
    }

    function test_RevertWhen_AlreadyAnchored() public {
        bytes32 root = keccak256("root");
        vm.prank(lawyer);
        evidence.anchor(root, CASE_ID, EvidenceKind.Agreement, 3);
        uint40 anchoredAt = uint40(_now());
        vm.warp(_now() + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryAlreadyAnchored.selector, root, anchoredAt)
        );
        vm.prank(platform);
        evidence.anchor(root, keccak256("another case"), EvidenceKind.Other, 1);
    }

    function test_RevertWhen_NotAnchorer() public {
        address[6] memory callers = [oracle, borrower, stranger, registrar, admin, resolver];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, callers[i]));
            vm.prank(callers[i]);
            evidence.anchor(keccak256("root"), CASE_ID, EvidenceKind.Agreement, 1);
        }
    }

    function test_RevertWhen_AnchorerKeyRevoked() public {
        vm.prank(registrar);
        registry.revokeKey(lawyer);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, lawyer));
        vm.prank(lawyer);
        evidence.anchor(keccak256("root"), CASE_ID, EvidenceKind.Agreement, 1);
    }

    function test_RegulatorDoesNotAnchor() public {
        address regulator = vm.addr(0x7E6);
        vm.prank(registrar);
        registry.admitMember(AccountKind.Regulator, Licence.None, commitmentOf("regulator"), regulator);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, regulator));
        vm.prank(regulator);
        evidence.anchor(keccak256("root"), CASE_ID, EvidenceKind.Agreement, 1);
    }
}
