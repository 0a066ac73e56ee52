// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title CalendarMonths
/// @notice Monthly due dates in China Standard Time (UTC+8, no daylight saving): the k-th monthly
/// due time after a first one falls on the same day of the month (clamped to the month's last day,
/// so 31 January is followed by 28 or 29 February, then 31 March) at the same time of day.
/// @dev Lets the SettlementRegistry keep a monthly schedule as its first due time instead of a
/// storage word per instalment. Day arithmetic follows Howard Hinnant's `days_from_civil` /
/// `civil_from_days` algorithms (public domain), valid for due times from 1970-01-02 to the end of
/// uint40. `protocol/schedule.ts` mirrors it; `test/schedule.test.ts` checks that both agree.
library CalendarMonths {
    uint256 internal constant DAY = 1 days;
    /// @dev China Standard Time is UTC+8 all year.
    uint256 internal constant TZ_OFFSET = 8 hours;
    /// @dev Days beyond 28 of each month of a common year, two bits a month at bit 2*month.
    uint256 internal constant EXTRA_DAYS = 0x3bbeecc;
    /// @dev Days of a common year before each month, nine bits a month at bit 9*(month-1).
    uint256 private constant CUMULATIVE_DAYS = 0xa74c222f36a2d52e782d0ec3e00;

    /// @notice A time's China-Standard-Time calendar date and second of the day.
    function civil(uint256 time) internal pure returns (uint256 year, uint256 month, uint256 day, uint256 secondOfDay) {
        // Unchecked: time < 2^40, so the sum cannot overflow; the algorithm only subtracts smaller
        // terms from larger ones (see Hinnant's derivation).
        unchecked {
            uint256 local = time + TZ_OFFSET;
            secondOfDay = local % DAY;
            uint256 z = local / DAY + 719468;
            uint256 era = z / 146097;
            uint256 doe = z - era * 146097;
            uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            uint256 mp = (5 * doy + 2) / 153;
            day = doy - (153 * mp + 2) / 5 + 1;
            month = mp < 10 ? mp + 3 : mp - 9;
            year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        }
    }

    /// @notice The earliest first due time a schedule may have, 1970-02-01 00:00 UTC: from there on
    /// `dueAtLowerBound` stays positive.
    uint256 internal constant MIN_FIRST_DUE = 2678400;
    /// @notice The latest first due time a schedule may have: 9999-12-31 23:59:59 UTC, well inside
    /// what the calendar form can hold (month indexes up to 2^18, past the year 23,000).
    uint256 internal constant MAX_FIRST_DUE = 253402300799;

    uint256 private constant DAY_SHIFT = 17;
    uint256 private constant MONTH_SHIFT = 22;

    /// @notice A time in calendar form, as a schedule keeps its first due time: months since January
    /// 1970 (bits 22-39), day of the month (bits 17-21) and second of the day (bits 0-16), in China
    /// Standard Time. Later monthly due times then need no date decomposition. `time` must be at
    /// most `MAX_FIRST_DUE`.
    function encode(uint256 time) internal pure returns (uint256) {
        (uint256 year, uint256 month, uint256 day, uint256 secondOfDay) = civil(time);
        // Unchecked: year >= 1970 and month >= 1.
        unchecked {
            return (((year - 1970) * 12 + month - 1) << MONTH_SHIFT) | (day << DAY_SHIFT) | secondOfDay;
        }
    }

    /// @notice The due time `k` months after the calendar-form time `first` (k = 0 gives `first` back
    /// as a Unix time), on the same day of the month clamped to the month's length.
    /// @dev Assembly: every payment computes one due time to tell whether it is late. The days before
    /// a month are 365 a year, plus the leap days of the years before, plus the days of the earlier
    /// months (`CUMULATIVE_DAYS`), plus one after February of a leap year.
    function dueAt(uint256 first, uint256 k) internal pure returns (uint256 time) {
        uint256 cumulativeDays = CUMULATIVE_DAYS;
        uint256 extraDays = EXTRA_DAYS;
        assembly ("memory-safe") {
            let monthIndex := add(shr(MONTH_SHIFT, first), k)
            let year := add(1970, div(monthIndex, 12))
            let month := mod(monthIndex, 12) // 0 = January
            let leap := and(iszero(mod(year, 4)), or(iszero(iszero(mod(year, 100))), iszero(mod(year, 400))))
            let before := sub(year, 1)
            // Leap days in 1970..year-1: those up to year-1 minus the 477 up to 1969.
            let leapDays := sub(add(sub(div(before, 4), div(before, 100)), div(before, 400)), 477)
            let monthStart := add(
                add(mul(365, sub(year, 1970)), leapDays),
                and(shr(mul(month, 9), cumulativeDays), 0x1ff)
            )
            if and(leap, gt(month, 1)) {
                monthStart := add(monthStart, 1)
            }
            let monthLength := add(28, and(shr(shl(1, add(month, 1)), extraDays), 3))
            if and(leap, eq(month, 1)) {
                monthLength := 29
            }
            let day := and(shr(DAY_SHIFT, first), 31)
            if gt(day, monthLength) {
                day := monthLength
            }
            time := sub(add(mul(add(monthStart, sub(day, 1)), DAY), and(first, 0x1ffff)), TZ_OFFSET)
        }
    }

    /// @notice A cheap lower bound of `dueAt(first, k)`, for telling at once that a payment made well
    /// before its due time is on time. Month `m` (counted from January 1970) starts no earlier than
    /// floor(m * 146097 / 4800) - 2 days after 1970-01-01 (146,097 days make the 4,800 months of a
    /// Gregorian cycle; the 2 is the largest shortfall over a cycle, checked by the fuzz tests), and
    /// the anchored day falls no earlier than min(anchor day, 28).
    function dueAtLowerBound(uint256 first, uint256 k) internal pure returns (uint256) {
        // Unchecked: small values; the result stays positive from MIN_FIRST_DUE on.
        unchecked {
            uint256 monthStart = (((first >> MONTH_SHIFT) + k) * 146097) / 4800;
            uint256 day = (first >> DAY_SHIFT) & 31;
            if (day > 28) day = 28;
            return (monthStart + day - 3) * DAY + (first & 0x1ffff) - TZ_OFFSET;
        }
    }

    function daysInMonth(uint256 year, uint256 month) internal pure returns (uint256) {
        if (month == 2 && isLeapYear(year)) return 29;
        return 28 + ((EXTRA_DAYS >> (month * 2)) & 3);
    }

    function isLeapYear(uint256 year) internal pure returns (bool) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /// @dev Days since 1970-01-01 of a proleptic Gregorian date (year >= 1970).
    function daysFromCivil(uint256 year, uint256 month, uint256 day) internal pure returns (uint256) {
        unchecked {
            uint256 y = month <= 2 ? year - 1 : year;
            uint256 era = y / 400;
            uint256 yoe = y - era * 400;
            uint256 doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
            uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            return era * 146097 + doe - 719468;
        }
    }
}
