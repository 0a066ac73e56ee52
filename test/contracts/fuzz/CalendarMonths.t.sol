// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {CalendarMonths} from "../../../contracts/libraries/CalendarMonths.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @notice CalendarMonths against a slow, independent calendar: whole 400-year Gregorian cycles
/// (146,097 days), then year by year and month by month with its own month lengths.
contract CalendarMonthsFuzzTest is TestBase {
    uint256 internal constant TZ = 8 hours;
    uint256 internal constant MAX_FIRST_DUE = 253_402_300_799;

    function _isLeap(uint256 y) internal pure returns (bool) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    }

    function _monthLength(uint256 y, uint256 m) internal pure returns (uint256) {
        if (m == 2) return _isLeap(y) ? 29 : 28;
        if (m == 4 || m == 6 || m == 9 || m == 11) return 30;
        return 31;
    }

    /// @dev The China-Standard-Time date of `time`, counted out from 1970-01-01.
    function _slowCivil(uint256 time) internal pure returns (uint256 y, uint256 m, uint256 d, uint256 s) {
        uint256 local = time + TZ;
        s = local % 1 days;
        uint256 days_ = local / 1 days;
        y = 1970 + 400 * (days_ / 146_097);
        days_ %= 146_097;
        while (days_ >= (_isLeap(y) ? 366 : 365)) {
            days_ -= _isLeap(y) ? 366 : 365;
            ++y;
        }
        m = 1;
        while (days_ >= _monthLength(y, m)) {
            days_ -= _monthLength(y, m);
            ++m;
        }
        d = days_ + 1;
    }

    /// @dev The due time `k` months after `time`, walking month by month from the first one.
    function _walk(uint256 time, uint256 k) internal pure returns (uint256) {
        (uint256 y, uint256 m, uint256 d, uint256 s) = _slowCivil(time);
        uint256 monthStart = (time + TZ) / 1 days - (d - 1); // local days since 1970-01-01
        for (uint256 i = 0; i < k; ++i) {
            monthStart += _monthLength(y, m);
            if (++m == 13) {
                m = 1;
                ++y;
            }
        }
        uint256 length = _monthLength(y, m);
        uint256 day = d < length ? d : length;
        return (monthStart + day - 1) * 1 days + s - TZ;
    }

    function testFuzz_civil_MatchesSlowCalendarAndRoundTrips(uint256 time) public pure {
        time = bound(time, 0, type(uint40).max);
        (uint256 y, uint256 m, uint256 d, uint256 s) = CalendarMonths.civil(time);
        (uint256 ey, uint256 em, uint256 ed, uint256 es) = _slowCivil(time);
        assertEq(y, ey, "year");
        assertEq(m, em, "month");
        assertEq(d, ed, "day");
        assertEq(s, es, "second of day");
        assertEq(CalendarMonths.daysFromCivil(y, m, d), (time + TZ) / 1 days, "daysFromCivil(civil(t)) = local day");
        assertLe(d, CalendarMonths.daysInMonth(y, m), "day within the month");
    }

    function testFuzz_dueAt_EqualsWalkingMonthByMonth(uint256 time, uint256 k) public pure {
        time = bound(time, 0, MAX_FIRST_DUE);
        k = bound(k, 0, 400);
        uint256 first = CalendarMonths.encode(time);
        assertEq(CalendarMonths.dueAt(first, 0), time, "k = 0 is the first due time");
        assertEq(CalendarMonths.dueAt(first, k), _walk(time, k), "k months later");
    }

    function testFuzz_dueAt_StrictlyIncreasingSameSecondOfDay(uint256 time, uint256 k) public pure {
        time = bound(time, 0, MAX_FIRST_DUE);
        k = bound(k, 0, 720);
        uint256 first = CalendarMonths.encode(time);
        uint256 previous = CalendarMonths.dueAt(first, k);
        uint256 next = CalendarMonths.dueAt(first, k + 1);
        assertGt(next, previous, "strictly increasing");
        assertGe(next - previous, 28 days, "at least 28 days apart");
        assertLe(next - previous, 31 days, "at most 31 days apart");
        assertEq(next % 1 days, time % 1 days, "same second of the day");
        assertEq(previous % 1 days, time % 1 days, "same second of the day (k)");
        // The day of the month is the first one's, clamped to the month's length.
        (, , uint256 firstDay, ) = CalendarMonths.civil(time);
        (uint256 y, uint256 m, uint256 d, ) = CalendarMonths.civil(next);
        uint256 length = _monthLength(y, m);
        assertEq(d, firstDay < length ? firstDay : length, "anchored day, clamped");
    }

    function testFuzz_dueAtLowerBound_IsALowerBound(uint256 time, uint256 k) public pure {
        time = bound(time, CalendarMonths.MIN_FIRST_DUE, MAX_FIRST_DUE);
        k = bound(k, 0, 360);
        uint256 first = CalendarMonths.encode(time);
        uint256 due = CalendarMonths.dueAt(first, k);
        uint256 lower = CalendarMonths.dueAtLowerBound(first, k);
        assertLe(lower, due, "lower bound");
        // And a useful one: month starts are estimated within two days, the day within three.
        assertLe(due - lower, 7 days, "at most a week early");
    }

    function testFuzz_daysFromCivil_IsAnOrderedBijection(uint256 time) public pure {
        time = bound(time, 0, MAX_FIRST_DUE);
        (uint256 y, uint256 m, uint256 d, ) = CalendarMonths.civil(time);
        uint256 day = CalendarMonths.daysFromCivil(y, m, d);
        (uint256 ny, uint256 nm, uint256 nd, ) = CalendarMonths.civil(time + 1 days);
        assertEq(CalendarMonths.daysFromCivil(ny, nm, nd), day + 1, "the next date is the next day");
    }
}
