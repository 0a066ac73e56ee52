// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICaseRegistry} from "../../../../contracts/interfaces/ICaseRegistry.sol";
import {CaseStatus, Standstill} from "../../../../contracts/types/CaseTypes.sol";
import {AccountKind, Licence} from "../../../../contracts/types/MemberTypes.sol";
import {CaseTestBase} from "../../utils/CaseTestBase.sol";
import {IMultisigWallet} from "../../utils/Interfaces.sol";

/// @notice Standstills (EIP-712, signed by a creditor's PLATFORM key or ERC-1271 wallet), the public
/// standstill query, and collection actions flagged as breaches.
contract StandstillTest is CaseTestBase {
    bytes32 internal caseId;
    uint40 internal endsAt;

    function setUp() public override {
        super.setUp();
        caseId = _openMulti();
        endsAt = uint40(_now() + 180 days);
    }

    function _signed(Standstill memory s, uint256 pk) internal view returns (bytes memory) {
        return _sign(pk, cases.standstillDigest(s));
    }

    /*//////////////////////////////////////////////////////////////
                                 DIGEST
    //////////////////////////////////////////////////////////////*/

    function test_standstillDigest_IsEip712() public view {
        Standstill memory s = _standstill(caseId, platform, endsAt);
        bytes32 typehash = keccak256(
            "Standstill(bytes32 caseId,address creditor,uint32 borrowerId,uint40 endsAt,uint32 nonce,uint40 deadline)"
        );
        assertEq(cases.STANDSTILL_TYPEHASH(), typehash, "typehash");
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Hejie Cases"),
                keccak256("1"),
                block.chainid,
                address(cases)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(typehash, s.caseId, s.creditor, s.borrowerId, s.endsAt, s.nonce, s.deadline)
        );
        assertEq(cases.standstillDigest(s), keccak256(abi.encodePacked("\x19\x01", domain, structHash)), "digest");
    }

    /*//////////////////////////////////////////////////////////////
                                 RECORD
    //////////////////////////////////////////////////////////////*/

    function test_recordStandstill() public {
        assertFalse(cases.isUnderStandstill(platformId, borrowerId), "none yet");
        Standstill memory s = _standstill(caseId, platform, endsAt);
        bytes memory signature = _signed(s, PLATFORM_PK);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.StandstillRecorded(caseId, platformId, borrowerId, uint40(_now()), endsAt);
        vm.prank(stranger); // anyone may submit the signed standstill
        cases.recordStandstill(s, signature);
        assertTrue(cases.isUnderStandstill(platformId, borrowerId), "under standstill");
        assertFalse(cases.isUnderStandstill(otherPlatformId, borrowerId), "the other creditor did not sign");
        assertFalse(cases.isUnderStandstill(platformId, otherBorrowerId), "towards this borrower only");
        vm.warp(endsAt);
        assertTrue(cases.isUnderStandstill(platformId, borrowerId), "until its end inclusive");
        vm.warp(uint256(endsAt) + 1);
        assertFalse(cases.isUnderStandstill(platformId, borrowerId), "over");
    }

    function test_recordStandstill_Extended() public {
        _recordStandstill(caseId, platform, PLATFORM_PK, endsAt);
        uint40 from = _creditor(caseId, platformId).standstillFrom;
        vm.warp(_now() + 10 days);
        _recordStandstill(caseId, platform, PLATFORM_PK, endsAt + 30 days);
        assertEq(_creditor(caseId, platformId).standstillUntil, endsAt + 30 days, "extended");
        assertEq(_creditor(caseId, platformId).standstillFrom, from, "from the first recording");
    }

    function test_recordStandstill_ContractWallet() public {
        uint256 ownerPk = 0x77;
        address[] memory owners = new address[](1);
        owners[0] = vm.addr(ownerPk);
        IMultisigWallet wallet = _deployMultisig(owners, 1);
        vm.prank(registrar);
        uint32 walletPlatform = registry.admitMember(
            AccountKind.Platform,
            Licence.Bank,
            commitmentOf("wallet platform"),
            address(wallet)
        );
        bytes32 walletCase = _newCaseId();
        vm.prank(lawyer);
        cases.openCase(walletCase, SIMPLE, borrowerId, _ids(walletPlatform), mediatorId);
        Standstill memory s = _standstill(walletCase, address(wallet), endsAt);
        cases.recordStandstill(s, _signed(s, ownerPk));
        assertTrue(cases.isUnderStandstill(walletPlatform, borrowerId), "ERC-1271 standstill");
    }

    function test_RevertWhen_StandstillBadSignature() public {
        Standstill memory s = _standstill(caseId, platform, endsAt);
        bytes memory signature = _signed(s, OTHER_PLATFORM_PK);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryInvalidSignature.selector, platform));
        cases.recordStandstill(s, signature);
        // A signature over other terms.
        Standstill memory other = _standstill(caseId, platform, endsAt + 1);
        signature = _signed(other, PLATFORM_PK);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryInvalidSignature.selector, platform));
        cases.recordStandstill(s, signature);
    }

    function test_RevertWhen_StandstillNotCreditor() public {
        bytes32 simple = _openSimple(); // the platform only
        Standstill memory s = _standstill(simple, otherPlatform, endsAt);
        bytes memory signature = _signed(s, OTHER_PLATFORM_PK);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotCreditor.selector, simple, otherPlatform));
        cases.recordStandstill(s, signature);
        // An ORACLE key of a creditor is not a PLATFORM key.
        s = _standstill(caseId, oracle, endsAt);
        signature = _signed(s, ORACLE_PK);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotCreditor.selector, caseId, oracle));
        cases.recordStandstill(s, signature);
    }

    function test_RevertWhen_StandstillStaleNonce() public {
        Standstill memory s = _standstill(caseId, platform, endsAt);
        bytes memory signature = _signed(s, PLATFORM_PK);
        vm.prank(platform);
        registry.increaseNonce(); // cancels every outstanding signature of the key
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryStaleNonce.selector, platform, 0, 1));
        cases.recordStandstill(s, signature);
    }

    function test_RevertWhen_StandstillExpired() public {
        Standstill memory s = _standstill(caseId, platform, endsAt);
        bytes memory signature = _signed(s, PLATFORM_PK);
        vm.warp(uint256(s.deadline) + 1);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryStandstillExpired.selector, s.deadline));
        cases.recordStandstill(s, signature);
    }

    function test_RevertWhen_StandstillWrongBorrower() public {
        Standstill memory s = _standstill(caseId, platform, endsAt);
        s.borrowerId = otherBorrowerId;
        bytes memory signature = _signed(s, PLATFORM_PK);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryWrongBorrower.selector, caseId, otherBorrowerId)
        );
        cases.recordStandstill(s, signature);
    }

    function test_RevertWhen_StandstillNotExtended() public {
        Standstill memory s = _standstill(caseId, platform, endsAt);
        bytes memory signature = _signed(s, PLATFORM_PK);
        cases.recordStandstill(s, signature);
        // Replaying the same signature does not extend it.
        vm.expectRevert(
            abi.encodeWithSelector(
                ICaseRegistry.CaseRegistryStandstillNotExtended.selector,
                caseId,
                platformId,
                endsAt,
                endsAt
            )
        );
        cases.recordStandstill(s, signature);
        // A term that ends now or earlier is refused.
        Standstill memory past = _standstill(caseId, otherPlatform, uint40(_now()));
        signature = _signed(past, OTHER_PLATFORM_PK);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICaseRegistry.CaseRegistryStandstillNotExtended.selector,
                caseId,
                otherPlatformId,
                uint40(_now()),
                0
            )
        );
        cases.recordStandstill(past, signature);
    }

    function test_RevertWhen_StandstillCaseEnded() public {
        vm.prank(mediator);
        cases.declareMediationFailed(caseId, bytes32(0));
        Standstill memory s = _standstill(caseId, platform, endsAt);
        bytes memory signature = _signed(s, PLATFORM_PK);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryCaseEnded.selector, caseId, CaseStatus.MediationFailed)
        );
        cases.recordStandstill(s, signature);
    }

    function test_Standstill_LiftedWhenMediationFails() public {
        _recordStandstill(caseId, platform, PLATFORM_PK, endsAt);
        uint256 signedAt = _now();
        vm.warp(signedAt + 5 days);
        vm.prank(mediator);
        cases.declareMediationFailed(caseId, bytes32(0));
        assertFalse(cases.isUnderStandstill(platformId, borrowerId), "lifted");
        assertTrue(cases.wasUnderStandstill(caseId, platformId, signedAt + 1 days), "held before");
        assertFalse(cases.wasUnderStandstill(caseId, platformId, _now()), "not from the failure on");
    }

    /*//////////////////////////////////////////////////////////////
                          COLLECTION AND BREACHES
    //////////////////////////////////////////////////////////////*/

    function test_reportCollection_BreachByBorrower() public {
        _recordStandstill(caseId, platform, PLATFORM_PK, endsAt);
        vm.warp(_now() + 3 days);
        uint40 occurredAt = uint40(_now() - 1 hours);
        bytes32 evidence = keccak256("call recording, anchored");
        vm.expectEmit(address(cases));
        emit ICaseRegistry.CollectionRecorded(caseId, platformId, occurredAt, evidence, borrowerId, true);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.StandstillBreached(caseId, platformId, occurredAt, evidence);
        vm.prank(borrower);
        cases.reportCollection(caseId, platformId, occurredAt, evidence);
        assertEq(_creditor(caseId, platformId).breaches, 1, "one breach");
    }

    function test_reportCollection_SelfReportedBreach() public {
        _recordStandstill(caseId, platform, PLATFORM_PK, endsAt);
        vm.prank(platform);
        cases.reportCollection(caseId, platformId, uint40(_now()), keccak256("sms log"));
        assertEq(_creditor(caseId, platformId).breaches, 1, "self-reported breach");
    }

    function test_reportCollection_NoBreachOutsideTheTerm() public {
        uint256 before = _now();
        vm.warp(before + 1 days);
        _recordStandstill(caseId, platform, PLATFORM_PK, endsAt);
        // Before the standstill was recorded.
        vm.prank(borrower);
        cases.reportCollection(caseId, platformId, uint40(before), keccak256("earlier call"));
        // After it ended.
        vm.warp(uint256(endsAt) + 1);
        vm.prank(borrower);
        cases.reportCollection(caseId, platformId, uint40(_now()), keccak256("later call"));
        // From a creditor that never signed one.
        vm.prank(borrower);
        cases.reportCollection(caseId, otherPlatformId, uint40(_now()), keccak256("other call"));
        assertEq(_creditor(caseId, platformId).breaches, 0, "no breach");
        assertEq(_creditor(caseId, otherPlatformId).breaches, 0, "no breach either");
    }

    function test_RevertWhen_ReportCollectionNotParty() public {
        address[4] memory callers = [otherPlatform, lawyer, mediator, otherBorrower];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotParty.selector, caseId, callers[i]));
            vm.prank(callers[i]);
            cases.reportCollection(caseId, platformId, uint40(_now()), keccak256(abi.encode(i)));
        }
    }

    function test_RevertWhen_ReportCollectionInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryUnknownCreditor.selector, caseId, lawyerId));
        vm.prank(borrower);
        cases.reportCollection(caseId, lawyerId, uint40(_now()), keccak256("x"));

        uint40 future = uint40(_now() + 1);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryFutureTime.selector, future));
        vm.prank(borrower);
        cases.reportCollection(caseId, platformId, future, keccak256("x"));

        vm.prank(borrower);
        cases.reportCollection(caseId, platformId, uint40(_now()), keccak256("x"));
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryCollectionAlreadyReported.selector, keccak256("x"))
        );
        vm.prank(platform);
        cases.reportCollection(caseId, platformId, uint40(_now()), keccak256("x"));
    }
}
