// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ISettlementRegistry} from "../../../../contracts/interfaces/ISettlementRegistry.sol";
import {
    Compliance,
    Instalment,
    InstalmentState,
    InstalmentView,
    Ledger,
    MonthlyPlan,
    SettlementTerms,
    Standing,
    Status
} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice Schedule validation of `register` (explicit) and `registerMonthly`, and the schedule read back.
contract ScheduleTest is HejieTestBase {
    uint256 internal constant MAX = 360;

    /// @dev Submits an explicit schedule with valid signatures of the fixture's parties.
    function _submit(SettlementTerms memory terms, Instalment[] memory list) internal returns (bytes32) {
        bytes32 id = registry.settlementId(terms, list);
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(id);
        return registry.register(terms, list, sigB, sigP, sigL);
    }

    function _expectRevertOnRegister(
        SettlementTerms memory terms,
        Instalment[] memory list,
        bytes memory err
    ) internal {
        bytes32 id = registry.settlementId(terms, list);
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(id);
        vm.expectRevert(err);
        registry.register(terms, list, sigB, sigP, sigL);
    }

    function _expectRevertOnMonthly(SettlementTerms memory terms, MonthlyPlan memory plan, bytes memory err) internal {
        vm.expectRevert(err);
        registry.registerMonthly(terms, plan, "", "", "");
    }

    /*//////////////////////////////////////////////////////////////
                              READ BACK
    //////////////////////////////////////////////////////////////*/

    function test_getInstalments_Explicit() public {
        Instalment[] memory list = new Instalment[](5);
        list[0] = Instalment({dueAt: FIRST_DUE, amount: 7});
        list[1] = Instalment({dueAt: FIRST_DUE + 1 days, amount: 1});
        list[2] = Instalment({dueAt: FIRST_DUE + 45 days, amount: 2 ** 40});
        list[3] = Instalment({dueAt: FIRST_DUE + 46 days, amount: 99});
        list[4] = Instalment({dueAt: FIRST_DUE + 65_535 days, amount: 3});
        bytes32 id = _submit(_terms(_sum(list)), list);

        InstalmentView[] memory views = _views(id);
        assertEq(views.length, list.length, "count");
        for (uint256 i = 0; i < list.length; ++i) {
            assertEq(views[i].dueAt, list[i].dueAt, "dueAt");
            assertEq(views[i].amount, list[i].amount, "amount");
            InstalmentView memory one = registry.getInstalment(id, i);
            assertEq(one.dueAt, list[i].dueAt, "getInstalment dueAt");
            assertEq(one.amount, list[i].amount, "getInstalment amount");
        }
    }

    /// @dev Month ends clamp (31 Jan → 28 Feb → 31 Mar), leap February 2028; computed independently
    /// (Python's calendar module, Asia/Shanghai).
    function test_getInstalments_MonthlyCalendar() public {
        uint40[14] memory expected = [
            uint40(1_801_411_199), // 2027-01-31 23:59:59 CST
            1_803_830_399, // 2027-02-28
            1_806_508_799, // 2027-03-31
            1_809_100_799, // 2027-04-30
            1_811_779_199, // 2027-05-31
            1_814_371_199, // 2027-06-30
            1_817_049_599, // 2027-07-31
            1_819_727_999, // 2027-08-31
            1_822_319_999, // 2027-09-30
            1_824_998_399, // 2027-10-31
            1_827_590_399, // 2027-11-30
            1_830_268_799, // 2027-12-31
            1_832_947_199, // 2028-01-31
            1_835_452_799 // 2028-02-29
        ];
        MonthlyPlan memory plan = _plan(FIRST_DUE, 14, 1_000, 337);
        bytes32 id = _registerMonthly(_terms(_planTotal(plan)), plan);
        InstalmentView[] memory views = _views(id);
        assertEq(views.length, 14, "count");
        for (uint256 i = 0; i < 14; ++i) {
            assertEq(views[i].dueAt, expected[i], "calendar due time");
            assertEq(views[i].amount, i == 13 ? 337 : 1_000, "amount");
        }
    }

    function test_registerMonthly_SingleInstalment() public {
        MonthlyPlan memory plan = _plan(FIRST_DUE, 1, 5, 42);
        bytes32 id = _registerMonthly(_terms(42), plan);
        InstalmentView[] memory views = _views(id);
        assertEq(views.length, 1, "one instalment");
        assertEq(views[0].amount, 42, "the last amount is the only amount");
        assertEq(views[0].dueAt, FIRST_DUE, "dueAt");
    }

    /// @dev A one-instalment plan generates `lastAmount` alone: its `amount` is not signed, so whatever
    /// a submitter puts there (here more than 48 bits) must not reach the ledger.
    function test_registerMonthly_SingleInstalmentIgnoresAmount() public {
        uint64[3] memory unsignedAmounts = [uint64(1) << 48, (uint64(1) << 48) + 7, type(uint64).max];
        for (uint256 i = 0; i < unsignedAmounts.length; ++i) {
            uint256 snapshot = vm.snapshotState();
            MonthlyPlan memory plan = _plan(FIRST_DUE, 1, unsignedAmounts[i], 500);
            SettlementTerms memory terms = _terms(500);
            bytes32 id = _registerMonthly(terms, plan);
            assertEq(id, registry.settlementId(terms, _evenSchedule(1, 500, 1)), "the schedule the parties signed");
            Ledger memory ledger = _ledger(id);
            assertEq(ledger.totalDue, 500, "totalDue");
            assertEq(ledger.instalmentCount, 1, "count");
            InstalmentView[] memory views = _views(id);
            assertEq(views[0].amount, 500, "amount");
            assertEq(uint8(views[0].state), uint8(InstalmentState.Due), "due, unpaid");
            Compliance memory c = _compliance(id);
            assertEq(uint8(c.standing), uint8(Standing.Performing), "performing");
            assertEq(c.nextInstalment, 0, "nothing paid");
            _pay(id, 499);
            assertEq(_compliance(id).nextInstalment, 0, "still unpaid");
            _pay(id, 1);
            assertEq(uint8(_status(id)), uint8(Status.Completed), "completed at the signed total");
            vm.revertToState(snapshot);
        }
    }

    function test_MonthlyAndExplicitAreTheSameAgreement() public {
        MonthlyPlan memory plan = _plan(FIRST_DUE, 25, 12_345, 6);
        SettlementTerms memory terms = _terms(_planTotal(plan));
        Instalment[] memory list = _instalmentsOf(plan);
        uint256 snapshot = vm.snapshotState();
        bytes32 monthlyId = _registerMonthly(terms, plan);
        InstalmentView[] memory monthlyViews = _views(monthlyId);
        vm.revertToState(snapshot);
        bytes32 explicitId = _submit(terms, list);
        assertEq(monthlyId, explicitId, "same id");
        InstalmentView[] memory explicitViews = _views(explicitId);
        for (uint256 i = 0; i < list.length; ++i) {
            assertEq(explicitViews[i].dueAt, monthlyViews[i].dueAt, "same due time");
            assertEq(explicitViews[i].amount, monthlyViews[i].amount, "same amount");
        }
    }

    function test_register_MaxInstalments() public {
        assertEq(registry.MAX_INSTALMENTS(), MAX, "MAX_INSTALMENTS");
        Instalment[] memory list = _evenSchedule(MAX, 1_000, 1);
        bytes32 id = _submit(_terms(_sum(list)), list);
        assertEq(_ledger(id).instalmentCount, MAX, "360 explicit instalments");
        InstalmentView memory last = registry.getInstalment(id, MAX - 1);
        assertEq(last.dueAt, FIRST_DUE + (MAX - 1) * 1 days, "last due time");

        MonthlyPlan memory plan = _plan(FIRST_DUE, uint16(MAX), 1_000, 1_000);
        bytes32 monthlyId = _registerMonthly(_terms(_planTotal(plan)), plan);
        assertEq(_ledger(monthlyId).instalmentCount, MAX, "360 monthly instalments");
    }

    function test_register_TotalJustBelowLimit() public {
        Instalment[] memory list = new Instalment[](2);
        list[0] = Instalment({dueAt: FIRST_DUE, amount: 2 ** 47});
        list[1] = Instalment({dueAt: FIRST_DUE + 1 days, amount: 2 ** 47 - 1});
        bytes32 id = _submit(_terms(2 ** 48 - 1), list);
        assertEq(_ledger(id).totalDue, 2 ** 48 - 1, "largest total");
    }

    /*//////////////////////////////////////////////////////////////
                          EXPLICIT SCHEDULE REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_EmptySchedule() public {
        _expectRevertOnRegister(
            _terms(0),
            new Instalment[](0),
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryEmptySchedule.selector)
        );
    }

    function test_RevertWhen_TooManyInstalments() public {
        Instalment[] memory list = _evenSchedule(MAX + 1, 1, 1);
        _expectRevertOnRegister(
            _terms(MAX + 1),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryTooManyInstalments.selector, MAX + 1, MAX)
        );
    }

    function test_RevertWhen_DueTimesDecrease() public {
        Instalment[] memory list = _evenSchedule(4, 10, 30);
        list[2].dueAt = list[0].dueAt - 1 days;
        _expectRevertOnRegister(
            _terms(40),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryUnsortedSchedule.selector, 2)
        );
    }

    function test_RevertWhen_DueTimesEqual() public {
        Instalment[] memory list = _evenSchedule(3, 10, 30);
        list[1].dueAt = list[0].dueAt;
        _expectRevertOnRegister(
            _terms(30),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryUnsortedSchedule.selector, 1)
        );
    }

    function test_RevertWhen_ZeroAmount() public {
        Instalment[] memory list = _evenSchedule(3, 10, 30);
        list[1].amount = 0;
        _expectRevertOnRegister(
            _terms(20),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryZeroAmount.selector, 1)
        );
        list = _evenSchedule(1, 0, 30);
        _expectRevertOnRegister(
            _terms(0),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryZeroAmount.selector, 0)
        );
    }

    function test_RevertWhen_SumDiffersFromSettledAmount() public {
        Instalment[] memory list = _evenSchedule(3, 10, 30);
        _expectRevertOnRegister(
            _terms(31),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAmountMismatch.selector, uint64(31), 30)
        );
        _expectRevertOnRegister(
            _terms(29),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAmountMismatch.selector, uint64(29), 30)
        );
    }

    function test_RevertWhen_TotalTooLarge() public {
        Instalment[] memory list = new Instalment[](2);
        list[0] = Instalment({dueAt: FIRST_DUE, amount: 2 ** 47});
        list[1] = Instalment({dueAt: FIRST_DUE + 1 days, amount: 2 ** 47});
        _expectRevertOnRegister(
            _terms(2 ** 48),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryTotalTooLarge.selector, 2 ** 48)
        );
        // The sum of uint64 amounts is checked in full, not wrapped.
        list[0].amount = type(uint64).max;
        list[1].amount = type(uint64).max;
        _expectRevertOnRegister(
            _terms(0),
            list,
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryTotalTooLarge.selector,
                uint256(type(uint64).max) * 2
            )
        );
    }

    function test_RevertWhen_DueTimesNotWholeDaysApart() public {
        Instalment[] memory list = _evenSchedule(3, 10, 30);
        list[2].dueAt += 1;
        _expectRevertOnRegister(
            _terms(30),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryDueTimeNotWholeDays.selector, 2)
        );
        list = _evenSchedule(2, 10, 30);
        list[1].dueAt = list[0].dueAt + 12 hours;
        _expectRevertOnRegister(
            _terms(20),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryDueTimeNotWholeDays.selector, 1)
        );
    }

    function test_RevertWhen_OffsetBeyond65535Days() public {
        Instalment[] memory list = _evenSchedule(3, 10, 1);
        list[2].dueAt = uint40(FIRST_DUE + 65_536 days);
        _expectRevertOnRegister(
            _terms(30),
            list,
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryScheduleTooLong.selector, 2)
        );
    }

    function test_RevertWhen_FirstDueOutOfRange() public {
        uint256 minFirstDue = 2_678_400; // 1970-02-01 00:00:00 UTC
        uint256 maxFirstDue = 253_402_300_799; // 9999-12-31 23:59:59 UTC
        uint256[4] memory times = [maxFirstDue + 1, type(uint40).max, minFirstDue - 1, 0];
        for (uint256 i = 0; i < times.length; ++i) {
            bytes memory err = abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryFirstDueOutOfRange.selector,
                times[i]
            );
            Instalment[] memory list = new Instalment[](1);
            list[0] = Instalment({dueAt: uint40(times[i]), amount: 10});
            _expectRevertOnRegister(_terms(10), list, err);
            _expectRevertOnMonthly(_terms(10), _plan(uint40(times[i]), 1, 10, 10), err);
        }
    }

    function test_register_EarliestFirstDue() public {
        uint40 minFirstDue = 2_678_400;
        MonthlyPlan memory plan = _plan(minFirstDue, 2, 10, 10);
        bytes32 id = _registerMonthly(_terms(20), plan);
        assertEq(_ledger(id).firstDueAt, minFirstDue, "first due time");
        // Paid decades later: late, whichever way lateness is computed.
        _pay(id, 10);
        assertEq(uint8(registry.getInstalment(id, 0).state), uint8(InstalmentState.PaidLate), "paid late");
    }

    function test_register_LatestFirstDue() public {
        uint40 maxFirstDue = 253_402_300_799;
        Instalment[] memory list = new Instalment[](2);
        list[0] = Instalment({dueAt: maxFirstDue, amount: 10});
        list[1] = Instalment({dueAt: maxFirstDue + 30 days, amount: 10});
        bytes32 id = _submit(_terms(20), list);
        assertEq(registry.getInstalment(id, 1).dueAt, maxFirstDue + 30 days, "explicit");
        MonthlyPlan memory plan = _plan(maxFirstDue, 3, 10, 10);
        bytes32 monthlyId = _registerMonthly(_terms(30), plan);
        assertEq(_ledger(monthlyId).firstDueAt, maxFirstDue, "monthly");
        assertEq(registry.getInstalment(monthlyId, 2).dueAt, _instalmentsOf(plan)[2].dueAt, "monthly third");
    }

    /*//////////////////////////////////////////////////////////////
                          MONTHLY PLAN REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_PlanEmpty() public {
        _expectRevertOnMonthly(
            _terms(0),
            _plan(FIRST_DUE, 0, 10, 10),
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryEmptySchedule.selector)
        );
    }

    function test_RevertWhen_PlanTooLong() public {
        _expectRevertOnMonthly(
            _terms(3610),
            _plan(FIRST_DUE, uint16(MAX + 1), 10, 10),
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryTooManyInstalments.selector, MAX + 1, MAX)
        );
    }

    function test_RevertWhen_PlanAmountZero() public {
        _expectRevertOnMonthly(
            _terms(10),
            _plan(FIRST_DUE, 2, 0, 10),
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryZeroPlanAmount.selector)
        );
        _expectRevertOnMonthly(
            _terms(10),
            _plan(FIRST_DUE, 2, 10, 0),
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryZeroPlanAmount.selector)
        );
        _expectRevertOnMonthly(
            _terms(10),
            _plan(FIRST_DUE, 1, 0, 10),
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryZeroPlanAmount.selector)
        );
    }

    function test_RevertWhen_PlanSumDiffers() public {
        _expectRevertOnMonthly(
            _terms(100),
            _plan(FIRST_DUE, 3, 30, 30),
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAmountMismatch.selector, uint64(100), 90)
        );
    }

    function test_RevertWhen_PlanTotalTooLarge() public {
        _expectRevertOnMonthly(
            _terms(0),
            _plan(FIRST_DUE, 2, 2 ** 47, 2 ** 47),
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryTotalTooLarge.selector, 2 ** 48)
        );
    }

    /*//////////////////////////////////////////////////////////////
                               READ ERRORS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_InstalmentOutOfRange() public {
        (bytes32 id, ) = _registerDefault();
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryInstalmentOutOfRange.selector, id, 12, 12)
        );
        registry.getInstalment(id, 12);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryInstalmentOutOfRange.selector,
                id,
                type(uint256).max,
                12
            )
        );
        registry.getInstalment(id, type(uint256).max);
    }

    function test_RevertWhen_ReadingUnknownAgreement() public {
        bytes32 unknown = keccak256("unknown");
        bytes memory err = abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, unknown);
        vm.expectRevert(err);
        registry.getInstalment(unknown, 0);
        vm.expectRevert(err);
        registry.getInstalments(unknown);
        vm.expectRevert(err);
        registry.compliance(unknown);
        Ledger memory ledger = _ledger(unknown);
        assertEq(uint8(ledger.status), 0, "getSettlement of an unknown id is empty");
    }
}
