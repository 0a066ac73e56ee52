// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ISettlementRegistry} from "../../../contracts/interfaces/ISettlementRegistry.sol";
import {
    Compliance,
    Instalment,
    InstalmentState,
    InstalmentView,
    Ledger,
    MonthlyPlan,
    OracleSignature,
    PaymentReport,
    SettlementTerms,
    Standing,
    Status
} from "../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../utils/HejieTestBase.sol";

/// @notice Random sequences of partial payments on random schedules, checked after every payment
/// against a brute-force model: totals, completion, the next instalment, which instalments were
/// paid late, every instalment's state and the agreement's compliance.
contract PaymentsFuzzTest is HejieTestBase {
    /// @dev The brute-force model of one agreement.
    struct Model {
        bytes32 id;
        uint256[] due;
        uint256[] cumulative;
        bool[] late;
        uint256 paid;
        uint256 total;
        uint256 reports;
        uint256 grace;
        uint256 cure;
    }

    function _random(uint256 seed, uint256 salt) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt)));
    }

    /// @dev Registers a random monthly or explicit schedule starting around now (some due dates
    /// already past) and returns its model.
    function _setUpAgreement(uint256 seed, uint256 count) internal returns (Model memory m) {
        uint256 first = _now() - 90 days + bound(_random(seed, 1), 0, 150 days);
        Instalment[] memory list;
        MonthlyPlan memory plan;
        bool monthly = seed % 2 == 0;
        if (monthly) {
            plan = _plan(
                uint40(first),
                uint16(count),
                uint64(bound(_random(seed, 2), 1, 1_000_000)),
                uint64(bound(_random(seed, 3), 1, 1_000_000))
            );
            list = _instalmentsOf(plan);
        } else {
            list = new Instalment[](count);
            uint256 due = first;
            for (uint256 i = 0; i < count; ++i) {
                if (i != 0) due += bound(_random(seed, 100 + i), 1, 45) * 1 days;
                list[i] = Instalment({dueAt: uint40(due), amount: uint64(bound(_random(seed, 200 + i), 1, 1_000_000))});
            }
        }
        SettlementTerms memory terms = _terms(_sum(list));
        terms.gracePeriod = uint32(bound(_random(seed, 4), 0, 10 days));
        terms.curePeriod = uint32(bound(_random(seed, 5), 0, 40 days));
        m.id = monthly ? _registerMonthly(terms, plan) : _register(terms, list);
        m.grace = terms.gracePeriod;
        m.cure = terms.curePeriod;
        m.due = new uint256[](count);
        m.cumulative = new uint256[](count);
        m.late = new bool[](count);
        for (uint256 i = 0; i < count; ++i) {
            m.due[i] = list[i].dueAt;
            m.total += list[i].amount;
            m.cumulative[i] = m.total;
        }
    }

    function testFuzz_PartialPayments(uint256 seed, uint256 count, uint256 payments) public {
        count = bound(count, 1, 24);
        payments = bound(payments, 1, 30);
        Model memory m = _setUpAgreement(seed, count);
        _check(m);

        for (uint256 k = 0; k < payments && m.paid < m.total; ++k) {
            uint256 r = _random(seed, 1000 + k);
            vm.warp(_now() + bound(r, 0, 40 days));
            uint256 outstanding = m.total - m.paid;
            // Mostly partial payments of various sizes; sometimes exactly what is left.
            uint256 amount =
                (r >> 64) % 6 == 0 ? outstanding : bound(r >> 72, 1, outstanding / (1 + ((r >> 128) % 4)) + 1);
            if (amount > outstanding) amount = outstanding;
            uint256 paidAt = _now() - bound(r >> 160, 0, 50 days);
            _payAt(m.id, uint64(amount), uint40(paidAt));

            // Model: instalments whose cumulative amount this payment reaches are completed at paidAt.
            uint256 paidBefore = m.paid;
            m.paid += amount;
            ++m.reports;
            for (uint256 i = 0; i < count; ++i) {
                if (m.cumulative[i] > paidBefore && m.cumulative[i] <= m.paid) m.late[i] = paidAt > m.due[i];
            }
            _check(m);
        }

        _checkNoFurtherPayment(m);
    }

    /// @dev Once paid in full nothing more is recorded; before that, no more than what is left.
    function _checkNoFurtherPayment(Model memory m) internal {
        if (m.paid == m.total) {
            // Nothing more can be paid.
            PaymentReport memory report = _report(m.id, uint32(m.reports), 1, uint40(_now()));
            OracleSignature memory sig = _signReport(ORACLE_PK, report);
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISettlementRegistry.SettlementRegistryNotPayable.selector,
                    m.id,
                    Status.Completed
                )
            );
            registry.recordPayment(report, sig);
        } else {
            // Paying more than what is left is refused.
            uint256 outstanding = m.total - m.paid;
            PaymentReport memory report = _report(m.id, uint32(m.reports), uint64(outstanding + 1), uint40(_now()));
            OracleSignature memory sig = _signReport(ORACLE_PK, report);
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISettlementRegistry.SettlementRegistryOverpayment.selector,
                    m.id,
                    uint32(m.reports),
                    uint64(outstanding + 1),
                    outstanding
                )
            );
            registry.recordPayment(report, sig);
        }
    }

    /*//////////////////////////////////////////////////////////////
                             THE CHECKS
    //////////////////////////////////////////////////////////////*/

    function _check(Model memory m) internal view {
        Ledger memory ledger = _ledger(m.id);
        assertEq(ledger.paidTotal, m.paid, "paidTotal is the sum of the payments");
        assertLe(ledger.paidTotal, ledger.totalDue, "never above totalDue");
        assertEq(ledger.totalDue, m.total, "totalDue");
        assertEq(ledger.reportCount, m.reports, "one report per payment");
        assertEq(ledger.status == Status.Completed, m.paid == m.total, "Completed exactly at the total");
        assertTrue(ledger.status == Status.Completed || ledger.status == Status.Active, "Active until paid");
        _checkInstalments(m);
        _checkCompliance(m);
    }

    function _checkInstalments(Model memory m) internal view {
        InstalmentView[] memory views = _views(m.id);
        uint256 time = _now();
        for (uint256 i = 0; i < views.length; ++i) {
            InstalmentState expected;
            if (m.paid >= m.cumulative[i]) {
                expected = m.late[i] ? InstalmentState.PaidLate : InstalmentState.PaidOnTime;
            } else if (time <= m.due[i]) {
                expected = i == 0 || time > m.due[i - 1] ? InstalmentState.Due : InstalmentState.NotYetDue;
            } else {
                expected = _overdue(m, m.due[i], time);
            }
            assertEq(uint8(views[i].state), uint8(expected), "instalment state");
            assertEq(views[i].dueAt, m.due[i], "instalment due time");
            assertEq(views[i].amount, m.cumulative[i] - (i == 0 ? 0 : m.cumulative[i - 1]), "instalment amount");
        }
    }

    function _checkCompliance(Model memory m) internal view {
        Compliance memory c = _compliance(m.id);
        uint256 time = _now();
        uint256 next;
        uint256 dueToDate;
        for (uint256 i = 0; i < m.due.length; ++i) {
            if (m.cumulative[i] <= m.paid) next = i + 1;
            if (m.due[i] < time) dueToDate = m.cumulative[i];
        }
        assertEq(c.nextInstalment, next, "nextInstalment: instalments whose cumulative amount is paid");
        assertEq(c.paidTotal, m.paid, "compliance paidTotal");
        assertEq(c.totalDue, m.total, "compliance totalDue");
        assertEq(c.dueToDate, dueToDate, "dueToDate");
        assertEq(c.arrears, dueToDate > m.paid ? dueToDate - m.paid : 0, "arrears");
        Standing standing;
        uint256 daysOverdue;
        if (next == m.due.length) {
            standing = Standing.Completed;
        } else if (time > m.due[next]) {
            daysOverdue = (time - m.due[next]) / 1 days;
            InstalmentState worst = _overdue(m, m.due[next], time);
            standing =
                worst == InstalmentState.OverdueInGrace
                    ? Standing.OverdueInGrace
                    : (worst == InstalmentState.OverdueInCure ? Standing.OverdueInCure : Standing.Defaulted);
        }
        assertEq(uint8(c.standing), uint8(standing), "standing");
        assertEq(c.daysOverdue, daysOverdue, "daysOverdue");
    }

    function _overdue(Model memory m, uint256 due, uint256 time) internal pure returns (InstalmentState) {
        if (time <= due + m.grace) return InstalmentState.OverdueInGrace;
        if (time <= due + m.grace + m.cure) return InstalmentState.OverdueInCure;
        return InstalmentState.Defaulted;
    }
}
