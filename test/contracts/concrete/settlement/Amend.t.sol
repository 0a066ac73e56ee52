// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ISettlementRegistry} from "../../../../contracts/interfaces/ISettlementRegistry.sol";
import {Roles} from "../../../../contracts/libraries/Roles.sol";
import {Instalment, MonthlyPlan, SettlementTerms, Status} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice Amendments: an agreement whose `amends` names an earlier one supersedes it.
contract AmendTest is HejieTestBase {
    bytes32 internal original;

    function setUp() public override {
        super.setUp();
        (original, ) = _registerDefault();
    }

    /// @dev Amending terms: six monthly instalments of what is left, starting a month later.
    function _amendment(bytes32 amends) internal returns (SettlementTerms memory terms, MonthlyPlan memory plan) {
        plan = _plan(FIRST_DUE + 31 days, 6, 150_000, 150_000);
        terms = _terms(_planTotal(plan));
        terms.amends = amends;
    }

    function _signed(
        SettlementTerms memory terms,
        MonthlyPlan memory plan,
        uint256 borrowerPk,
        uint256 platformPk
    ) internal view returns (bytes memory, bytes memory, bytes memory) {
        bytes32 id = registry.settlementId(terms, _instalmentsOf(plan));
        return (_sign(borrowerPk, id), _sign(platformPk, id), _sign(LAWYER_PK, id));
    }

    function _expectRevertAmending(bytes32 amends, bytes memory err) internal {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _amendment(amends);
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signed(terms, plan, BORROWER_PK, PLATFORM_PK);
        vm.expectRevert(err);
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }

    /*//////////////////////////////////////////////////////////////
                                 SUCCESS
    //////////////////////////////////////////////////////////////*/

    function test_amend_SupersedesActive() public {
        _pay(original, 300_000);
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _amendment(original);
        bytes32 expectedId = registry.settlementId(terms, _instalmentsOf(plan));
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signed(terms, plan, BORROWER_PK, PLATFORM_PK);

        vm.expectEmit(address(registry));
        emit ISettlementRegistry.StatusChanged(original, Status.Active, Status.Superseded, expectedId);
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.SettlementRegistered(
            expectedId,
            terms.caseId,
            original,
            borrower,
            platform,
            lawyer,
            terms.documentHash
        );
        bytes32 id = registry.registerMonthly(terms, plan, sigB, sigP, sigL);

        assertEq(id, expectedId, "id");
        assertTrue(_status(original) == Status.Superseded, "original Superseded");
        assertTrue(_status(id) == Status.Active, "amendment Active");
        assertEq(registry.successorOf(original), id, "successor");
        assertEq(registry.successorOf(id), bytes32(0), "no successor yet");
        assertEq(_ledger(original).paidTotal, 300_000, "the original keeps its payments");
        assertEq(_ledger(id).paidTotal, 0, "the amendment starts its own ledger");
    }

    function test_amend_SupersedesInDefault() public {
        vm.warp(uint256(FIRST_DUE) + GRACE + CURE + 1);
        registry.declareDefault(original);
        _amendAndCheck(Status.InDefault);
    }

    function test_amend_SupersedesDisputed() public {
        _dispute(original);
        _amendAndCheck(Status.Disputed);
    }

    function _amendAndCheck(Status from) internal {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _amendment(original);
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signed(terms, plan, BORROWER_PK, PLATFORM_PK);
        bytes32 expectedId = registry.settlementId(terms, _instalmentsOf(plan));
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.StatusChanged(original, from, Status.Superseded, expectedId);
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
        assertTrue(_status(original) == Status.Superseded, "Superseded");
    }

    function test_amend_ChainOfAmendments() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _amendment(original);
        bytes32 second = _registerMonthly(terms, plan);
        (terms, plan) = _amendment(second);
        bytes32 third = _registerMonthly(terms, plan);
        assertEq(registry.successorOf(original), second, "first link");
        assertEq(registry.successorOf(second), third, "second link");
        assertTrue(_status(second) == Status.Superseded, "second Superseded");
    }

    function test_amend_BorrowerSecondWallet() public {
        // Parties are compared by account: another wallet of the same borrower may sign the amendment.
        uint256 walletPk = 0xB0B1;
        vm.prank(registrar);
        registry.addKey(borrowerId, vm.addr(walletPk), Roles.BORROWER);
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _amendment(original);
        terms.borrower = vm.addr(walletPk);
        terms.borrowerNonce = 0;
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signed(terms, plan, walletPk, PLATFORM_PK);
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
        assertTrue(_status(original) == Status.Superseded, "Superseded");
    }

    function test_amend_AnotherLawyer() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _amendment(original);
        terms.lawyer = otherLawyer;
        bytes32 id = registry.settlementId(terms, _instalmentsOf(plan));
        registry.registerMonthly(
            terms,
            plan,
            _sign(BORROWER_PK, id),
            _sign(PLATFORM_PK, id),
            _sign(OTHER_LAWYER_PK, id)
        );
        assertEq(_profile(id).lawyerId, otherLawyerId, "the new lawyer");
        assertTrue(_status(original) == Status.Superseded, "Superseded");
    }

    /*//////////////////////////////////////////////////////////////
                                REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_AmendUnknown() public {
        bytes32 unknown = keccak256("unknown");
        _expectRevertAmending(
            unknown,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, unknown)
        );
    }

    function test_RevertWhen_AmendCancelled() public {
        Instalment[] memory list = _evenSchedule(2, 50, 30);
        SettlementTerms memory cancelledTerms = _terms(100);
        vm.prank(borrower);
        bytes32 cancelled = registry.cancel(cancelledTerms, list);
        _expectRevertAmending(
            cancelled,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, cancelled)
        );
    }

    function test_RevertWhen_AmendTerminated() public {
        _resolve(original, Status.Terminated);
        _expectRevertAmending(
            original,
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryNotAmendable.selector,
                original,
                Status.Terminated
            )
        );
    }

    function test_RevertWhen_AmendSuperseded() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _amendment(original);
        _registerMonthly(terms, plan);
        _expectRevertAmending(
            original,
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryNotAmendable.selector,
                original,
                Status.Superseded
            )
        );
    }

    function test_RevertWhen_AmendCompleted() public {
        _pay(original, _ledger(original).totalDue);
        _expectRevertAmending(
            original,
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryNotAmendable.selector,
                original,
                Status.Completed
            )
        );
    }

    function test_RevertWhen_AmendmentBorrowerDiffers() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _amendment(original);
        terms.borrower = otherBorrower;
        terms.borrowerNonce = 0;
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signed(
            terms,
            plan,
            OTHER_BORROWER_PK,
            PLATFORM_PK
        );
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAmendmentPartiesDiffer.selector, original)
        );
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }

    function test_RevertWhen_AmendmentPlatformDiffers() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _amendment(original);
        terms.platform = otherPlatform;
        terms.platformNonce = 0;
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signed(
            terms,
            plan,
            BORROWER_PK,
            OTHER_PLATFORM_PK
        );
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAmendmentPartiesDiffer.selector, original)
        );
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }
}
