// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ledger, Status} from "../types/SettlementTypes.sol";
import {CalendarMonths} from "./CalendarMonths.sol";

/// @title LedgerWord
/// @notice An agreement's ledger as the one storage word it is stored in: everything a payment reads
/// and writes, read and updated in place without a memory copy (as Uniswap v4 keeps `Slot0`).
/// @dev Layout, lowest bits first:
///
/// | bits    | field           | notes                                                         |
/// |---------|-----------------|---------------------------------------------------------------|
/// | 0-31    | platformId      | the platform's member account                                 |
/// | 32-39   | status          | `Status`                                                      |
/// | 40-55   | reportCount     | reports recorded: the next report's sequence number           |
/// | 56-95   | firstDue        | the first due time in `CalendarMonths` calendar form          |
/// | 96-111  | instalmentCount |                                                               |
/// | 112-159 | regularAmount   | every monthly instalment but the last; 0: explicit schedule   |
/// | 160-207 | totalDue        |                                                               |
/// | 208-255 | paidTotal       | never above totalDue                                          |
///
/// `getSettlement` returns it decoded as the `Ledger` struct, the first due time as Unix seconds.
library LedgerWord {
    uint256 private constant STATUS_SHIFT = 32;
    uint256 private constant REPORT_COUNT_SHIFT = 40;
    uint256 private constant FIRST_DUE_SHIFT = 56;
    uint256 private constant COUNT_SHIFT = 96;
    uint256 private constant REGULAR_SHIFT = 112;
    uint256 private constant TOTAL_DUE_SHIFT = 160;
    uint256 private constant PAID_SHIFT = 208;
    uint256 private constant MASK_8 = 0xff;
    uint256 private constant MASK_16 = 0xffff;
    uint256 private constant MASK_32 = 0xffffffff;
    uint256 private constant MASK_40 = 0xffffffffff;
    uint256 private constant MASK_48 = 0xffffffffffff;
    /// @dev The bits a payment rewrites: status, report count and paid total.
    uint256 private constant PAYMENT_FIELDS =
        (MASK_8 << STATUS_SHIFT) | (MASK_16 << REPORT_COUNT_SHIFT) | (MASK_48 << PAID_SHIFT);

    /// @dev A new agreement's word: no report, nothing paid. Every argument must fit its field (the
    /// registry checked them).
    function pack(
        uint256 platformId_,
        Status status_,
        uint256 firstDue_,
        uint256 instalmentCount_,
        uint256 regularAmount_,
        uint256 totalDue_
    ) internal pure returns (uint256) {
        return
            platformId_ |
            (uint256(status_) << STATUS_SHIFT) |
            (firstDue_ << FIRST_DUE_SHIFT) |
            (instalmentCount_ << COUNT_SHIFT) |
            (regularAmount_ << REGULAR_SHIFT) |
            (totalDue_ << TOTAL_DUE_SHIFT);
    }

    function platformId(uint256 word) internal pure returns (uint32) {
        return uint32(word & MASK_32);
    }

    function status(uint256 word) internal pure returns (Status) {
        return Status((word >> STATUS_SHIFT) & MASK_8);
    }

    function reportCount(uint256 word) internal pure returns (uint256) {
        return (word >> REPORT_COUNT_SHIFT) & MASK_16;
    }

    /// @dev In calendar form (see `CalendarMonths.encode`).
    function firstDue(uint256 word) internal pure returns (uint256) {
        return (word >> FIRST_DUE_SHIFT) & MASK_40;
    }

    function instalmentCount(uint256 word) internal pure returns (uint256) {
        return (word >> COUNT_SHIFT) & MASK_16;
    }

    function regularAmount(uint256 word) internal pure returns (uint256) {
        return (word >> REGULAR_SHIFT) & MASK_48;
    }

    function totalDue(uint256 word) internal pure returns (uint256) {
        return (word >> TOTAL_DUE_SHIFT) & MASK_48;
    }

    function paidTotal(uint256 word) internal pure returns (uint256) {
        return word >> PAID_SHIFT;
    }

    /// @dev `paid` must fit 48 bits and `count` 16: the caller checked both.
    function withPayment(uint256 word, uint256 paid, uint256 count, Status newStatus) internal pure returns (uint256) {
        return
            (word & ~PAYMENT_FIELDS) |
            (uint256(newStatus) << STATUS_SHIFT) |
            (count << REPORT_COUNT_SHIFT) |
            (paid << PAID_SHIFT);
    }

    function withStatus(uint256 word, Status newStatus) internal pure returns (uint256) {
        return (word & ~(MASK_8 << STATUS_SHIFT)) | (uint256(newStatus) << STATUS_SHIFT);
    }

    /// @dev The word as the `Ledger` struct callers read, with the first due time in Unix seconds.
    function decode(uint256 word) internal pure returns (Ledger memory ledger) {
        // Casts: each field is masked to its width by its getter.
        ledger.platformId = platformId(word);
        ledger.status = status(word);
        ledger.reportCount = uint16(reportCount(word));
        ledger.instalmentCount = uint16(instalmentCount(word));
        ledger.regularAmount = uint48(regularAmount(word));
        ledger.totalDue = uint48(totalDue(word));
        ledger.paidTotal = uint48(paidTotal(word));
        if (ledger.status != Status.None && ledger.status != Status.Cancelled) {
            ledger.firstDueAt = uint40(CalendarMonths.dueAt(firstDue(word), 0));
        }
    }
}
