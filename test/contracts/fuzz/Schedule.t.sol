// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {
    Instalment,
    InstalmentView,
    Ledger,
    MonthlyPlan,
    SettlementTerms,
    Status
} from "../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../utils/HejieTestBase.sol";

/// @notice Random schedules are stored and read back exactly; a monthly plan is the same agreement as
/// the explicit schedule it generates.
contract ScheduleFuzzTest is HejieTestBase {
    uint256 internal constant MIN_FIRST_DUE = 2_678_400;
    uint256 internal constant MAX_FIRST_DUE = 253_402_300_799;
    uint256 internal constant MAX_TOTAL = 2 ** 48 - 1;

    /// @dev A random explicit schedule: `count` instalments, whole days apart (1 to `maxGapDays`),
    /// amounts that keep the total below 2^48.
    function _randomSchedule(
        uint256 seed,
        uint256 count,
        uint256 maxGapDays
    ) internal pure returns (Instalment[] memory list) {
        list = new Instalment[](count);
        uint256 maxAmount = MAX_TOTAL / count;
        uint256 due = bound(uint256(keccak256(abi.encode(seed, "first"))), MIN_FIRST_DUE, MAX_FIRST_DUE);
        uint256 offsetDays;
        for (uint256 i = 0; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            if (i != 0) {
                uint256 gap = bound(r >> 128, 1, maxGapDays);
                if (offsetDays + gap > type(uint16).max) gap = 1;
                offsetDays += gap;
            }
            // Mostly small amounts, sometimes as large as allowed.
            uint256 amount = r % 4 == 0 ? bound(r >> 8, 1, maxAmount) : bound(r >> 8, 1, 1_000_000);
            list[i] = Instalment({dueAt: uint40(due + offsetDays * 1 days), amount: uint64(amount)});
        }
    }

    function testFuzz_ExplicitScheduleReadsBackExactly(uint256 seed, uint256 count, uint256 maxGapDays) public {
        count = bound(count, 1, 60);
        maxGapDays = bound(maxGapDays, 1, 2_000);
        Instalment[] memory list = _randomSchedule(seed, count, maxGapDays);
        uint256 total = _sum(list);
        SettlementTerms memory terms = _terms(total);
        bytes32 id = _register(terms, list);

        Ledger memory ledger = _ledger(id);
        assertEq(ledger.instalmentCount, count, "count");
        assertEq(ledger.totalDue, total, "totalDue");
        assertEq(ledger.firstDueAt, list[0].dueAt, "firstDueAt");
        assertEq(ledger.regularAmount, 0, "explicit");
        InstalmentView[] memory views = _views(id);
        assertEq(views.length, count, "views");
        for (uint256 i = 0; i < count; ++i) {
            assertEq(views[i].dueAt, list[i].dueAt, "due time");
            assertEq(views[i].amount, list[i].amount, "amount");
        }
        uint256 probe = seed % count;
        assertEq(registry.getInstalment(id, probe).dueAt, list[probe].dueAt, "getInstalment due time");
        assertEq(registry.getInstalment(id, probe).amount, list[probe].amount, "getInstalment amount");
    }

    /// @dev A one-instalment plan's `amount` is not part of the schedule: any uint64 is fuzzed there.
    function testFuzz_MonthlyPlanIsTheExplicitScheduleItGenerates(
        uint256 firstDueAt,
        uint256 count,
        uint256 amount,
        uint256 lastAmount
    ) public {
        firstDueAt = bound(firstDueAt, MIN_FIRST_DUE, MAX_FIRST_DUE);
        count = bound(count, 1, 360);
        lastAmount = bound(lastAmount, 1, 1e12);
        amount = bound(amount, 1, count == 1 ? type(uint64).max : (MAX_TOTAL - lastAmount) / (count - 1));
        MonthlyPlan memory plan = _plan(uint40(firstDueAt), uint16(count), uint64(amount), uint64(lastAmount));
        Instalment[] memory list = _instalmentsOf(plan);
        SettlementTerms memory terms = _terms(_planTotal(plan));
        bytes32 expectedId = registry.settlementId(terms, list);
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(expectedId);

        uint256 snapshot = vm.snapshotState();
        bytes32 monthlyId = registry.registerMonthly(terms, plan, sigB, sigP, sigL);
        assertEq(monthlyId, expectedId, "registerMonthly id");
        _assertLedger(monthlyId, plan);
        _assertSchedule(monthlyId, list, "monthly");
        vm.revertToState(snapshot);
        bytes32 explicitId = registry.register(terms, list, sigB, sigP, sigL);
        assertEq(explicitId, expectedId, "register id");
        _assertSchedule(explicitId, list, "explicit");
    }

    function _assertLedger(bytes32 id, MonthlyPlan memory plan) internal view {
        Ledger memory ledger = _ledger(id);
        assertEq(ledger.totalDue, _planTotal(plan), "totalDue");
        assertEq(ledger.firstDueAt, plan.firstDueAt, "firstDueAt");
        assertEq(ledger.instalmentCount, plan.count, "count");
        assertTrue(ledger.status == Status.Active, "Active");
    }

    function _assertSchedule(bytes32 id, Instalment[] memory list, string memory kind) internal view {
        InstalmentView[] memory views = _views(id);
        assertEq(views.length, list.length, kind);
        for (uint256 i = 0; i < list.length; ++i) {
            assertEq(views[i].dueAt, list[i].dueAt, string.concat(kind, ": due time"));
            assertEq(views[i].amount, list[i].amount, string.concat(kind, ": amount"));
        }
    }

    function testFuzz_ScheduleRefusals(uint256 seed, uint256 count, uint256 broken) public {
        count = bound(count, 2, 30);
        Instalment[] memory list = _randomSchedule(seed, count, 100);
        uint256 index = bound(broken, 1, count - 1);
        bytes memory err;
        if (seed % 3 == 0) {
            list[index].dueAt = list[index - 1].dueAt - uint40(seed % 2); // equal or earlier
            err = abi.encodeWithSignature("SettlementRegistryUnsortedSchedule(uint256)", index);
        } else if (seed % 3 == 1) {
            list[index].amount = 0;
            err = abi.encodeWithSignature("SettlementRegistryZeroAmount(uint256)", index);
        } else {
            uint256 total = _sum(list);
            SettlementTerms memory wrong = _terms(total + 1);
            vm.expectRevert(
                abi.encodeWithSignature("SettlementRegistryAmountMismatch(uint64,uint256)", uint64(total + 1), total)
            );
            registry.register(wrong, list, "", "", "");
            return;
        }
        SettlementTerms memory terms = _terms(_sum(list));
        vm.expectRevert(err);
        registry.register(terms, list, "", "", "");
    }
}
