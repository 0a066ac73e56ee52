// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Instalment, MonthlyPlan, PaymentReport, SettlementTerms} from "../types/SettlementTypes.sol";
import {CalendarMonths} from "./CalendarMonths.sol";

/// @title SettlementHashing
/// @notice The EIP-712 type hashes of Hejie's signed records and their struct hashes. The same type
/// strings live in `protocol/typed-data.ts` for the gateway, the portal and the tests;
/// `test/typed-data.test.ts` checks that both sides hash alike.
library SettlementHashing {
    /// @dev The EIP-712 domain: name and version (chain id and the registry's address complete it).
    string internal constant DOMAIN_NAME = "Hejie Registry";
    string internal constant DOMAIN_VERSION = "1";

    /// @dev keccak256("Instalment(uint40 dueAt,uint64 amount)")
    bytes32 internal constant INSTALMENT_TYPEHASH = keccak256("Instalment(uint40 dueAt,uint64 amount)");

    /// @dev keccak256("Settlement(bytes32 caseId,address borrower,address platform,address lawyer,
    /// bytes32 documentHash,string currency,uint64 originalPrincipal,uint40 loanFormedAt,
    /// uint64 settledAmount,Instalment[] instalments,uint32 gracePeriod,uint32 curePeriod,
    /// uint32 contestWindow,bytes32 amends,uint32 borrowerNonce,uint32 platformNonce,
    /// uint32 lawyerNonce,uint40 deadline)Instalment(uint40 dueAt,uint64 amount)")
    bytes32 internal constant SETTLEMENT_TYPEHASH = keccak256(
        "Settlement(bytes32 caseId,address borrower,address platform,address lawyer,bytes32 documentHash,"
        "string currency,uint64 originalPrincipal,uint40 loanFormedAt,uint64 settledAmount,"
        "Instalment[] instalments,uint32 gracePeriod,uint32 curePeriod,uint32 contestWindow,bytes32 amends,"
        "uint32 borrowerNonce,uint32 platformNonce,uint32 lawyerNonce,uint40 deadline)"
        "Instalment(uint40 dueAt,uint64 amount)"
    );

    /// @dev keccak256("PaymentReport(bytes32 settlementId,uint32 sequence,uint64 amount,uint40 paidAt,
    /// bytes32 bankReference)")
    bytes32 internal constant PAYMENT_REPORT_TYPEHASH = keccak256(
        "PaymentReport(bytes32 settlementId,uint32 sequence,uint64 amount,uint40 paidAt,bytes32 bankReference)"
    );

    /// @dev The EIP-712 hash of an `Instalment[]`: keccak256 of the instalments' struct hashes.
    /// Hashes are laid out past the free memory pointer, which is left unchanged: up to 360
    /// instalments are hashed without growing the memory Solidity manages.
    function hashInstalments(Instalment[] calldata instalments) internal pure returns (bytes32 result) {
        bytes32 typehash = INSTALMENT_TYPEHASH;
        assembly ("memory-safe") {
            let hashes := mload(0x40)
            let count := instalments.length
            let scratch := add(hashes, shl(5, count))
            mstore(scratch, typehash)
            for {
                let i := 0
            } lt(i, count) {
                i := add(i, 1)
            } {
                // Each calldata Instalment is two words: dueAt, amount.
                calldatacopy(add(scratch, 0x20), add(instalments.offset, shl(6, i)), 0x40)
                mstore(add(hashes, shl(5, i)), keccak256(scratch, 0x60))
            }
            result := keccak256(hashes, shl(5, count))
        }
    }

    /// @dev The EIP-712 hash of the `Instalment[]` a monthly plan generates, walking the calendar one
    /// month per step (see `CalendarMonths`; the loop is assembly because it runs once per
    /// instalment on registration). `plan.count` must be at least 1.
    function hashMonthlyPlan(MonthlyPlan calldata plan) internal pure returns (bytes32 result) {
        (uint256 year, uint256 month, uint256 anchorDay, uint256 secondOfDay) = CalendarMonths.civil(plan.firstDueAt);
        uint256 monthStart = CalendarMonths.daysFromCivil(year, month, 1);
        // From here on each due time is (monthStart + min(anchorDay, monthLength) - 1) days plus
        // `timeOfDay` seconds, where timeOfDay = secondOfDay - TZ_OFFSET may be negative: it is added
        // modulo 2^256, which the multiplication and addition below undo exactly.
        uint256 timeOfDay;
        unchecked {
            timeOfDay = secondOfDay - CalendarMonths.TZ_OFFSET;
        }
        bytes32 typehash = INSTALMENT_TYPEHASH;
        uint256 count = plan.count;
        uint256 amount = plan.amount;
        uint256 lastAmount = plan.lastAmount;
        uint256 extraDays = CalendarMonths.EXTRA_DAYS;
        assembly ("memory-safe") {
            let hashes := mload(0x40)
            let scratch := add(hashes, shl(5, count))
            mstore(scratch, typehash)
            mstore(add(scratch, 0x40), amount)
            for {
                let i := 0
            } lt(i, count) {
                i := add(i, 1)
            } {
                // Month length: 28 + the month's extra days, plus one for February of a leap year.
                let monthLength := add(28, and(shr(shl(1, month), extraDays), 3))
                if eq(month, 2) {
                    if and(iszero(mod(year, 4)), or(iszero(iszero(mod(year, 100))), iszero(mod(year, 400)))) {
                        monthLength := 29
                    }
                }
                let day := anchorDay
                if lt(monthLength, day) {
                    day := monthLength
                }
                mstore(add(scratch, 0x20), add(mul(add(monthStart, sub(day, 1)), 86400), timeOfDay))
                if eq(add(i, 1), count) {
                    mstore(add(scratch, 0x40), lastAmount)
                }
                mstore(add(hashes, shl(5, i)), keccak256(scratch, 0x60))
                monthStart := add(monthStart, monthLength)
                month := add(month, 1)
                if eq(month, 13) {
                    month := 1
                    year := add(year, 1)
                }
            }
            result := keccak256(hashes, shl(5, count))
        }
    }

    /// @dev The struct hash of the signed `Settlement`: `terms` with the schedule, given as
    /// `instalmentsHash`, keccak256 of the concatenated instalment struct hashes (EIP-712 arrays). The
    /// caller computes it while it validates or rebuilds the schedule, to walk it once.
    function hashSettlement(SettlementTerms calldata s, bytes32 instalmentsHash) internal pure returns (bytes32) {
        return
            keccak256(
                bytes.concat(
                    abi.encode(
                        SETTLEMENT_TYPEHASH,
                        s.caseId,
                        s.borrower,
                        s.platform,
                        s.lawyer,
                        s.documentHash,
                        keccak256(bytes(s.currency)),
                        s.originalPrincipal,
                        s.loanFormedAt,
                        s.settledAmount,
                        instalmentsHash
                    ),
                    abi.encode(
                        s.gracePeriod,
                        s.curePeriod,
                        s.contestWindow,
                        s.amends,
                        s.borrowerNonce,
                        s.platformNonce,
                        s.lawyerNonce,
                        s.deadline
                    )
                )
            );
    }

    /// @dev A report is five static words in calldata, in the order of its type: they are hashed as
    /// they lie. (A word with dirty high bits would hash differently from the typed value and fail
    /// signature recovery; the registry's typed reads reject it as well.)
    function hashPaymentReport(PaymentReport calldata report) internal pure returns (bytes32 digest) {
        bytes32 typehash = PAYMENT_REPORT_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typehash)
            calldatacopy(add(ptr, 0x20), report, 0xa0)
            digest := keccak256(ptr, 0xc0)
        }
    }
}
