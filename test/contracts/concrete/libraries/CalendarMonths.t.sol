// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {CalendarMonths} from "../../../../contracts/libraries/CalendarMonths.sol";
import {TestBase} from "../../utils/TestBase.sol";

/// @notice CalendarMonths against dates computed independently (Python's calendar and zoneinfo,
/// Asia/Shanghai).
contract CalendarMonthsTest is TestBase {
    function _assertCivil(uint256 time, uint256 y, uint256 m, uint256 d, uint256 s) internal pure {
        (uint256 year, uint256 month, uint256 day, uint256 secondOfDay) = CalendarMonths.civil(time);
        assertEq(year, y, "year");
        assertEq(month, m, "month");
        assertEq(day, d, "day");
        assertEq(secondOfDay, s, "second of day");
    }

    function test_civil_KnownDates() public pure {
        _assertCivil(0, 1970, 1, 1, 8 hours); // the epoch is 08:00 in Shanghai
        _assertCivil(57_600, 1970, 1, 2, 0); // 1970-01-02 00:00:00 CST
        _assertCivil(57_599, 1970, 1, 1, 1 days - 1);
        _assertCivil(951_782_400, 2000, 2, 29, 8 hours); // leap day of a year divisible by 400
        _assertCivil(1_801_411_199, 2027, 1, 31, 1 days - 1);
        _assertCivil(1_835_452_799, 2028, 2, 29, 1 days - 1);
        _assertCivil(4_107_513_599, 2100, 2, 28, 1 days - 1); // 2100 is not a leap year
        _assertCivil(4_107_513_600, 2100, 3, 1, 0);
    }

    function test_daysFromCivil_KnownDates() public pure {
        assertEq(CalendarMonths.daysFromCivil(1970, 1, 1), 0, "epoch");
        assertEq(CalendarMonths.daysFromCivil(2000, 3, 1), 11_017, "2000-03-01");
        assertEq(CalendarMonths.daysFromCivil(2027, 1, 31), 20_849, "2027-01-31");
        assertEq(CalendarMonths.daysFromCivil(2100, 3, 1), 47_541, "2100-03-01");
    }

    function test_encode_Layout() public pure {
        // 2027-01-31 23:59:59 CST: month 684 since January 1970, day 31, second 86,399.
        assertEq(CalendarMonths.encode(1_801_411_199), (684 << 22) | (31 << 17) | 86_399, "calendar form");
        assertEq(CalendarMonths.encode(0), (0 << 22) | (1 << 17) | 8 hours, "the epoch");
        assertEq(CalendarMonths.dueAt(CalendarMonths.encode(0), 0), 0, "the epoch back");
    }

    function test_dueAt_LatestFirstDue() public pure {
        uint256 max = CalendarMonths.MAX_FIRST_DUE; // 10000-01-01 07:59:59 CST
        assertEq(max, 253_402_300_799, "MAX_FIRST_DUE");
        uint256 first = CalendarMonths.encode(max);
        assertEq(CalendarMonths.dueAt(first, 0), max, "round trip");
        assertEq(CalendarMonths.dueAt(first, 1), max + 31 days, "10000-02-01");
        assertEq(CalendarMonths.dueAt(first, 360), 254_349_071_999, "10030-01-01 07:59:59 CST");
    }

    function test_daysInMonth() public pure {
        uint8[12] memory common = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        for (uint256 m = 1; m <= 12; ++m) {
            assertEq(CalendarMonths.daysInMonth(2027, m), common[m - 1], "common year");
            assertEq(CalendarMonths.daysInMonth(2028, m), m == 2 ? 29 : common[m - 1], "leap year");
        }
        assertEq(CalendarMonths.daysInMonth(1900, 2), 28, "1900");
        assertEq(CalendarMonths.daysInMonth(2000, 2), 29, "2000");
        assertEq(CalendarMonths.daysInMonth(2100, 2), 28, "2100");
    }

    function test_dueAt_MonthEndsClamp() public pure {
        uint40[14] memory expected = [
            uint40(1_801_411_199), // 2027-01-31 23:59:59
            1_803_830_399, // 02-28
            1_806_508_799, // 03-31
            1_809_100_799, // 04-30
            1_811_779_199, // 05-31
            1_814_371_199, // 06-30
            1_817_049_599, // 07-31
            1_819_727_999, // 08-31
            1_822_319_999, // 09-30
            1_824_998_399, // 10-31
            1_827_590_399, // 11-30
            1_830_268_799, // 12-31
            1_832_947_199, // 2028-01-31
            1_835_452_799 // 2028-02-29
        ];
        uint256 first = CalendarMonths.encode(expected[0]);
        for (uint256 k = 0; k < 14; ++k) {
            assertEq(CalendarMonths.dueAt(first, k), expected[k], "monthly due time");
        }
    }

    function test_dueAt_EarlyMorningInShanghai() public pure {
        // 2027-03-31 00:30:00 CST is still 30 March in UTC: the calendar is Shanghai's.
        uint256 first = CalendarMonths.encode(1_806_424_200);
        assertEq(CalendarMonths.dueAt(first, 0), 1_806_424_200, "k = 0 gives the first due time back");
        assertEq(CalendarMonths.dueAt(first, 1), 1_809_016_200, "2027-04-30 00:30:00 CST");
        assertEq(CalendarMonths.dueAt(first, 2), 1_811_694_600, "2027-05-31 00:30:00 CST");
    }

    function test_dueAt_CenturyRule() public pure {
        uint256 first = CalendarMonths.encode(4_105_094_399); // 2100-01-31 23:59:59 CST
        assertEq(CalendarMonths.dueAt(first, 1), 4_107_513_599, "2100-02-28");
        assertEq(CalendarMonths.dueAt(first, 2), 4_110_191_999, "2100-03-31");
    }
}
