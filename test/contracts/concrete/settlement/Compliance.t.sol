// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {
    Compliance,
    InstalmentState,
    InstalmentView,
    Instalment,
    Standing
} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice Instalment states and the agreement's standing as time passes and payments arrive.
/// Schedule: twelve monthly instalments of 100,000 from 2027-01-31 23:59:59 CST; grace 5 days, cure 30.
contract ComplianceTest is HejieTestBase {
    uint64 internal constant AMOUNT = 100_000;
    uint256 internal constant SECOND_DUE = 1_803_830_399; // 2027-02-28 23:59:59 CST

    bytes32 internal id;

    function setUp() public override {
        super.setUp();
        (id, ) = _registerDefault();
    }

    function _state(uint256 index) internal view returns (InstalmentState) {
        return registry.getInstalment(id, index).state;
    }

    function _assertState(uint256 index, InstalmentState expected, string memory message) internal view {
        assertEq(uint8(_state(index)), uint8(expected), message);
    }

    function _assertCompliance(
        Standing standing,
        uint256 paidTotal,
        uint256 dueToDate,
        uint256 arrears,
        uint256 daysOverdue,
        uint256 nextInstalment
    ) internal view {
        Compliance memory c = _compliance(id);
        assertEq(uint8(c.standing), uint8(standing), "standing");
        assertEq(c.totalDue, 12 * AMOUNT, "totalDue");
        assertEq(c.paidTotal, paidTotal, "paidTotal");
        assertEq(c.dueToDate, dueToDate, "dueToDate");
        assertEq(c.arrears, arrears, "arrears");
        assertEq(c.daysOverdue, daysOverdue, "daysOverdue");
        assertEq(c.nextInstalment, nextInstalment, "nextInstalment");
    }

    function test_BeforeTheFirstDueDate() public view {
        _assertState(0, InstalmentState.Due, "first is due");
        for (uint256 i = 1; i < 12; ++i) _assertState(i, InstalmentState.NotYetDue, "later ones not yet due");
        _assertCompliance(Standing.Performing, 0, 0, 0, 0, 0);
    }

    function test_AtTheDueSecond() public {
        // At its very due time an instalment may still be paid on time: it is Due, not in arrears.
        vm.warp(FIRST_DUE);
        _assertState(0, InstalmentState.Due, "due");
        _assertCompliance(Standing.Performing, 0, 0, 0, 0, 0);
        vm.warp(uint256(FIRST_DUE) + 1);
        _assertCompliance(Standing.OverdueInGrace, 0, AMOUNT, AMOUNT, 0, 0);
    }

    function test_PaidEarly() public {
        _pay(id, AMOUNT);
        _assertState(0, InstalmentState.PaidOnTime, "paid on time");
        // The second instalment becomes Due only once the first due date has passed.
        _assertState(1, InstalmentState.NotYetDue, "second not yet due");
        _assertCompliance(Standing.Performing, AMOUNT, 0, 0, 0, 1);
        vm.warp(uint256(FIRST_DUE) + 1);
        _assertState(1, InstalmentState.Due, "second due");
        _assertCompliance(Standing.Performing, AMOUNT, AMOUNT, 0, 0, 1);
    }

    function test_OverdueThroughGraceCureAndDefault() public {
        vm.warp(uint256(FIRST_DUE) + 1);
        _assertState(0, InstalmentState.OverdueInGrace, "in grace");
        _assertState(1, InstalmentState.Due, "the next one is due");
        _assertState(2, InstalmentState.NotYetDue, "later");
        _assertCompliance(Standing.OverdueInGrace, 0, AMOUNT, AMOUNT, 0, 0);

        vm.warp(uint256(FIRST_DUE) + GRACE);
        _assertState(0, InstalmentState.OverdueInGrace, "last second of grace");
        _assertCompliance(Standing.OverdueInGrace, 0, AMOUNT, AMOUNT, 5, 0);

        vm.warp(uint256(FIRST_DUE) + GRACE + 1);
        _assertState(0, InstalmentState.OverdueInCure, "in cure");
        _assertCompliance(Standing.OverdueInCure, 0, AMOUNT, AMOUNT, 5, 0);

        vm.warp(uint256(FIRST_DUE) + GRACE + CURE);
        _assertState(0, InstalmentState.OverdueInCure, "last second of cure");

        vm.warp(uint256(FIRST_DUE) + GRACE + CURE + 1);
        _assertState(0, InstalmentState.Defaulted, "defaulted");
        _assertState(1, InstalmentState.OverdueInCure, "the second is past its own grace");
        _assertCompliance(Standing.Defaulted, 0, 2 * AMOUNT, 2 * AMOUNT, 35, 0);
    }

    function test_PaidLateThenNextOverdue() public {
        uint256 time = uint256(FIRST_DUE) + GRACE + CURE + 1;
        vm.warp(time);
        _pay(id, AMOUNT);
        _assertState(0, InstalmentState.PaidLate, "paid late");
        _assertState(1, InstalmentState.OverdueInCure, "second overdue");
        // Standing follows the earliest unpaid instalment, the second (due 2027-02-28).
        _assertCompliance(Standing.OverdueInCure, AMOUNT, 2 * AMOUNT, AMOUNT, (time - SECOND_DUE) / 1 days, 1);
    }

    function test_LatenessFollowsPaidAtNotRecordingTime() public {
        vm.warp(uint256(FIRST_DUE) + 3 days);
        _payAt(id, AMOUNT, FIRST_DUE); // paid on the due second, reported three days later
        _assertState(0, InstalmentState.PaidOnTime, "on time");
        vm.warp(SECOND_DUE + 2 days);
        _payAt(id, AMOUNT, uint40(SECOND_DUE) + 1); // one second late
        _assertState(1, InstalmentState.PaidLate, "late");
    }

    function test_PartialPaymentsCompleteAnInstalment() public {
        _payAt(id, AMOUNT / 2, uint40(_now()));
        _assertState(0, InstalmentState.Due, "half paid is still due");
        _assertCompliance(Standing.Performing, AMOUNT / 2, 0, 0, 0, 0);
        vm.warp(uint256(FIRST_DUE) + 2 days);
        _assertCompliance(Standing.OverdueInGrace, AMOUNT / 2, AMOUNT, AMOUNT / 2, 2, 0);
        _pay(id, AMOUNT / 2 + 10);
        _assertState(0, InstalmentState.PaidLate, "completed by a late payment");
        _assertCompliance(Standing.Performing, AMOUNT + 10, AMOUNT, 0, 0, 1);
    }

    function test_OnePaymentCompletesSeveral() public {
        vm.warp(SECOND_DUE + 1 days);
        // Paid-at between the first and the second due dates: the first is late, the second on time.
        _payAt(id, 3 * AMOUNT, uint40(SECOND_DUE - 1 days));
        _assertState(0, InstalmentState.PaidLate, "first late");
        _assertState(1, InstalmentState.PaidOnTime, "second on time");
        _assertState(2, InstalmentState.PaidOnTime, "third on time");
        _assertState(3, InstalmentState.NotYetDue, "fourth not yet due");
    }

    function test_CompletedStanding() public {
        vm.warp(uint256(FIRST_DUE) + 400 days);
        _pay(id, 12 * AMOUNT);
        for (uint256 i = 0; i < 12; ++i) _assertState(i, InstalmentState.PaidLate, "all late");
        _assertCompliance(Standing.Completed, 12 * AMOUNT, 12 * AMOUNT, 0, 0, 12);
    }

    function test_ExplicitScheduleStates() public {
        Instalment[] memory list;
        (id, list) = _registerExplicit(); // 100, 200, 300 on FIRST_DUE, +10 and +20 days
        _pay(id, 250);
        InstalmentView[] memory views = _views(id);
        assertEq(uint8(views[0].state), uint8(InstalmentState.PaidOnTime), "first paid");
        assertEq(uint8(views[1].state), uint8(InstalmentState.NotYetDue), "second partly paid");
        assertEq(_compliance(id).nextInstalment, 1, "next");
        vm.warp(uint256(FIRST_DUE) + 11 days);
        Compliance memory c = _compliance(id);
        assertEq(uint8(c.standing), uint8(Standing.OverdueInGrace), "second overdue");
        assertEq(c.dueToDate, 300, "dueToDate");
        assertEq(c.arrears, 50, "arrears");
        assertEq(c.daysOverdue, 1, "one day");
    }
}
