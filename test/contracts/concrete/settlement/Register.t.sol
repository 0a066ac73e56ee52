// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IMemberRegistry} from "../../../../contracts/interfaces/IMemberRegistry.sol";
import {ISettlementRegistry} from "../../../../contracts/interfaces/ISettlementRegistry.sol";
import {Roles} from "../../../../contracts/libraries/Roles.sol";
import {
    Instalment,
    Ledger,
    MonthlyPlan,
    Profile,
    SettlementTerms,
    Status
} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice register / registerMonthly: who signs, with which key, nonce and deadline.
contract RegisterTest is HejieTestBase {
    MonthlyPlan internal plan;
    Instalment[] internal schedule;
    SettlementTerms internal terms;
    bytes32 internal id;
    bytes internal sigB;
    bytes internal sigP;
    bytes internal sigL;

    function setUp() public override {
        super.setUp();
        plan = _defaultPlan();
        Instalment[] memory list = _instalmentsOf(plan);
        for (uint256 i = 0; i < list.length; ++i) schedule.push(list[i]);
        terms = _terms(_planTotal(plan));
        _resign();
    }

    /// @dev Signs `terms` and `schedule` again by the three fixture parties.
    function _resign() internal {
        id = registry.settlementId(terms, schedule);
        (sigB, sigP, sigL) = _signatures(id);
    }

    function _submit() internal returns (bytes32) {
        return registry.register(terms, schedule, sigB, sigP, sigL);
    }

    function _expectInvalidSignature(address signer) internal {
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryInvalidSignature.selector, signer)
        );
    }

    function _expectKeyNotActive(address key) internal {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, key));
    }

    function _expectWrongRole(address key, uint64 expected, uint64 actual) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IMemberRegistry.MemberRegistryWrongRole.selector, key, expected, actual)
        );
    }

    /*//////////////////////////////////////////////////////////////
                                 SUCCESS
    //////////////////////////////////////////////////////////////*/

    function test_register_Explicit() public {
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.SettlementRegistered(
            id,
            terms.caseId,
            bytes32(0),
            borrower,
            platform,
            lawyer,
            terms.documentHash
        );
        vm.prank(stranger); // anyone may submit the three signatures
        bytes32 registered = _submit();
        assertEq(registered, id, "returns the EIP-712 id");

        (Ledger memory ledger, Profile memory profile) = registry.getSettlement(id);
        assertEq(ledger.platformId, platformId, "platformId");
        assertTrue(ledger.status == Status.Active, "Active");
        assertEq(ledger.reportCount, 0, "reportCount");
        assertEq(ledger.firstDueAt, FIRST_DUE, "firstDueAt");
        assertEq(ledger.instalmentCount, 12, "instalmentCount");
        assertEq(ledger.regularAmount, 0, "an explicit schedule has no regular amount");
        assertEq(ledger.totalDue, terms.settledAmount, "totalDue");
        assertEq(ledger.paidTotal, 0, "paidTotal");
        assertEq(profile.borrowerId, borrowerId, "borrowerId");
        assertEq(profile.lawyerId, lawyerId, "lawyerId");
        assertEq(profile.gracePeriod, GRACE, "grace");
        assertEq(profile.curePeriod, CURE, "cure");
        assertEq(profile.contestWindow, CONTEST_WINDOW, "contest window");
        assertEq(profile.registeredAt, _now(), "registeredAt");
        assertEq(registry.successorOf(id), bytes32(0), "no successor");
    }

    function test_registerMonthly() public {
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.SettlementRegistered(
            id,
            terms.caseId,
            bytes32(0),
            borrower,
            platform,
            lawyer,
            terms.documentHash
        );
        bytes32 registered = registry.registerMonthly(terms, plan, sigB, sigP, sigL);
        assertEq(registered, id, "same id as the explicit schedule the parties signed");
        Ledger memory ledger = _ledger(id);
        assertTrue(ledger.status == Status.Active, "Active");
        assertEq(ledger.instalmentCount, plan.count, "count");
        assertEq(ledger.regularAmount, plan.amount, "regular amount");
        assertEq(ledger.firstDueAt, plan.firstDueAt, "firstDueAt");
        assertEq(ledger.totalDue, _planTotal(plan), "totalDue");
    }

    function test_register_AtDeadline() public {
        vm.warp(terms.deadline);
        assertEq(_submit(), id, "registered exactly at the deadline");
    }

    function test_register_AfterIncreaseNonceWithNewNonce() public {
        vm.prank(borrower);
        registry.increaseNonce();
        terms.borrowerNonce = 1;
        _resign();
        assertEq(_submit(), id, "re-signed at the new nonce");
    }

    function test_register_RotatedBorrowerKey() public {
        uint256 newPk = 0xB0B0;
        address newWallet = vm.addr(newPk);
        vm.prank(borrower);
        registry.rotateKey(newWallet);
        terms.borrower = newWallet;
        id = registry.settlementId(terms, schedule);
        sigB = _sign(newPk, id);
        sigP = _sign(PLATFORM_PK, id);
        sigL = _sign(LAWYER_PK, id);
        _submit();
        assertEq(_profile(id).borrowerId, borrowerId, "the same borrower account");
    }

    /*//////////////////////////////////////////////////////////////
                           MISSING OR BAD SIGNATURES
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_BorrowerSignatureEmpty() public {
        sigB = "";
        _expectInvalidSignature(borrower);
        _submit();
    }

    function test_RevertWhen_PlatformSignatureEmpty() public {
        sigP = "";
        _expectInvalidSignature(platform);
        _submit();
    }

    function test_RevertWhen_LawyerSignatureEmpty() public {
        sigL = "";
        _expectInvalidSignature(lawyer);
        _submit();
    }

    function test_RevertWhen_MonthlyLawyerSignatureEmpty() public {
        _expectInvalidSignature(lawyer);
        registry.registerMonthly(terms, plan, sigB, sigP, "");
    }

    function test_RevertWhen_SignatureTruncated() public {
        sigP = _truncate(sigP, 64);
        _expectInvalidSignature(platform);
        _submit();
    }

    function test_RevertWhen_BorrowerSignedBySomeoneElse() public {
        sigB = _sign(STRANGER_PK, id);
        _expectInvalidSignature(borrower);
        _submit();
    }

    function test_RevertWhen_PlatformSignedByOtherPlatform() public {
        sigP = _sign(OTHER_PLATFORM_PK, id);
        _expectInvalidSignature(platform);
        _submit();
    }

    function test_RevertWhen_LawyerSignedByOracle() public {
        sigL = _sign(ORACLE_PK, id);
        _expectInvalidSignature(lawyer);
        _submit();
    }

    function test_RevertWhen_SignaturesSwapped() public {
        bytes memory borrowerSignature = sigB;
        sigB = sigP;
        sigP = borrowerSignature;
        _expectInvalidSignature(borrower);
        _submit();
    }

    function test_RevertWhen_SignedDifferentTerms() public {
        terms.settledAmount += 1;
        schedule[11].amount += 1; // still consistent, but not what the parties signed
        _expectInvalidSignature(borrower);
        _submit();
    }

    function test_RevertWhen_SignedDifferentSchedule() public {
        schedule[3].dueAt += 1 days;
        _expectInvalidSignature(borrower);
        _submit();
    }

    function test_RevertWhen_OnlyLawyerSignedDifferentTerms() public {
        SettlementTerms memory other = terms;
        other.documentHash = keccak256("another document");
        sigL = _sign(LAWYER_PK, registry.settlementId(other, schedule));
        _expectInvalidSignature(lawyer);
        _submit();
    }

    /*//////////////////////////////////////////////////////////////
                           ONE KEY AS TWO PARTIES
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_LawyerKeyAsPlatform() public {
        terms.platform = lawyer;
        _resign();
        sigP = _sign(LAWYER_PK, id);
        _expectWrongRole(lawyer, Roles.PLATFORM, Roles.LAWYER);
        _submit();
    }

    function test_RevertWhen_PlatformKeyAsLawyer() public {
        terms.lawyer = platform;
        _resign();
        sigL = _sign(PLATFORM_PK, id);
        _expectWrongRole(platform, Roles.LAWYER, Roles.PLATFORM);
        _submit();
    }

    function test_RevertWhen_PlatformKeyAsBorrower() public {
        terms.borrower = platform;
        _resign();
        sigB = _sign(PLATFORM_PK, id);
        _expectWrongRole(platform, Roles.BORROWER, Roles.PLATFORM);
        _submit();
    }

    function test_RevertWhen_BorrowerKeyAsLawyer() public {
        terms.lawyer = borrower;
        _resign();
        sigL = _sign(BORROWER_PK, id);
        _expectWrongRole(borrower, Roles.LAWYER, Roles.BORROWER);
        _submit();
    }

    /*//////////////////////////////////////////////////////////////
                        PARTIES THAT MAY NOT SIGN
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_DeadlinePassed() public {
        vm.warp(uint256(terms.deadline) + 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryExpired.selector, terms.deadline));
        _submit();
    }

    function test_RevertWhen_PlatformKeyRevoked() public {
        vm.prank(registrar);
        registry.revokeKey(platform);
        _expectKeyNotActive(platform);
        _submit();
    }

    function test_RevertWhen_LawyerKeyRevoked() public {
        vm.prank(registrar);
        registry.revokeKey(lawyer);
        _expectKeyNotActive(lawyer);
        _submit();
    }

    function test_RevertWhen_PlatformSuspended() public {
        vm.prank(registrar);
        registry.suspendAccount(platformId);
        _expectKeyNotActive(platform);
        _submit();
    }

    function test_RevertWhen_BorrowerKeyRevoked() public {
        vm.prank(registrar);
        registry.revokeKey(borrower);
        _expectKeyNotActive(borrower);
        _submit();
    }

    function test_RevertWhen_PlatformIsOracleKey() public {
        terms.platform = oracle;
        _resign();
        sigP = _sign(ORACLE_PK, id);
        _expectWrongRole(oracle, Roles.PLATFORM, Roles.ORACLE);
        _submit();
    }

    function test_RevertWhen_LawyerIsCommitteeMember() public {
        terms.lawyer = committee;
        _resign();
        sigL = _sign(COMMITTEE_PK, id);
        _expectWrongRole(committee, Roles.LAWYER, Roles.COMMITTEE);
        _submit();
    }

    function test_RevertWhen_PlatformUnknown() public {
        terms.platform = stranger;
        _resign();
        sigP = _sign(STRANGER_PK, id);
        _expectKeyNotActive(stranger);
        _submit();
    }

    function test_RevertWhen_LawyerUnknown() public {
        terms.lawyer = stranger;
        _resign();
        sigL = _sign(STRANGER_PK, id);
        _expectKeyNotActive(stranger);
        _submit();
    }

    function test_RevertWhen_BorrowerUnbound() public {
        terms.borrower = stranger;
        _resign();
        sigB = _sign(STRANGER_PK, id);
        _expectKeyNotActive(stranger);
        _submit();
    }

    function test_RevertWhen_RotatedAwayBorrowerKey() public {
        vm.prank(borrower);
        registry.rotateKey(vm.addr(0xB0B0));
        _expectKeyNotActive(borrower);
        _submit();
    }

    /*//////////////////////////////////////////////////////////////
                                 NONCES
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_BorrowerNonceStale() public {
        vm.prank(borrower);
        registry.increaseNonce();
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryStaleNonce.selector, borrower, 0, 1)
        );
        _submit();
    }

    function test_RevertWhen_PlatformNonceStale() public {
        vm.prank(platform);
        registry.increaseNonce();
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryStaleNonce.selector, platform, 0, 1)
        );
        _submit();
    }

    function test_RevertWhen_LawyerNonceStale() public {
        vm.startPrank(lawyer);
        registry.increaseNonce();
        registry.increaseNonce();
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryStaleNonce.selector, lawyer, 0, 2)
        );
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }

    function test_RevertWhen_NonceFromTheFuture() public {
        terms.borrowerNonce = 1;
        _resign();
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryStaleNonce.selector, borrower, 1, 0)
        );
        _submit();
    }

    /*//////////////////////////////////////////////////////////////
                          CANCELLED AND REPLAYED
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_Cancelled() public {
        vm.prank(lawyer);
        registry.cancel(terms, schedule);
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistrySignatureCancelled.selector, id));
        _submit();
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistrySignatureCancelled.selector, id));
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }

    function test_RevertWhen_Replayed() public {
        _submit();
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAlreadyRegistered.selector, id, Status.Active)
        );
        _submit();
        // The monthly form of the same schedule is the same agreement.
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAlreadyRegistered.selector, id, Status.Active)
        );
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }

    function test_RevertWhen_ReplayedAfterCompletion() public {
        _submit();
        _pay(id, terms.settledAmount);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryAlreadyRegistered.selector,
                id,
                Status.Completed
            )
        );
        _submit();
    }

    function _truncate(bytes memory data, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i = 0; i < length; ++i) out[i] = data[i];
    }
}
