// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {
    Compliance,
    Instalment,
    InstalmentView,
    Ledger,
    MonthlyPlan,
    OracleSignature,
    PaymentReport,
    Profile,
    SettlementTerms,
    Status
} from "../types/SettlementTypes.sol";

/// @title ISettlementRegistry
/// @notice Settlement agreements signed by borrower, platform and lawyer (EIP-712; plain keys and
/// ERC-1271 contract wallets), their instalment schedules, the payments the platform's oracle reports,
/// and compliance that anyone can read at the current block time.
/// Every error is explained, with how to fix the call, in `docs/errors.md`.
interface ISettlementRegistry {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    // Terms and schedule
    error SettlementRegistryEmptySchedule();
    error SettlementRegistryTooManyInstalments(uint256 count, uint256 max);
    error SettlementRegistryUnsortedSchedule(uint256 index);
    error SettlementRegistryZeroAmount(uint256 index);
    error SettlementRegistryTotalTooLarge(uint256 total);
    error SettlementRegistryAmountMismatch(uint64 settledAmount, uint256 scheduleTotal);
    error SettlementRegistryDueTimeNotWholeDays(uint256 index);
    error SettlementRegistryZeroPlanAmount();
    error SettlementRegistryFirstDueOutOfRange(uint256 firstDueAt);
    error SettlementRegistryScheduleTooLong(uint256 index);

    // Signatures and registration
    error SettlementRegistryExpired(uint40 deadline);
    error SettlementRegistryAlreadyRegistered(bytes32 settlementId, Status status);
    error SettlementRegistrySignatureCancelled(bytes32 settlementId);
    error SettlementRegistryStaleNonce(address signer, uint32 signed, uint32 current);
    error SettlementRegistryInvalidSignature(address signer);
    error SettlementRegistryNotParty(bytes32 settlementId, address caller);
    error SettlementRegistryNotAmendable(bytes32 settlementId, Status status);
    error SettlementRegistryAmendmentPartiesDiffer(bytes32 amended);

    // Payments
    error SettlementRegistryNotFound(bytes32 settlementId);
    error SettlementRegistryNotPayable(bytes32 settlementId, Status status);
    error SettlementRegistryZeroPayment(bytes32 settlementId, uint32 sequence);
    error SettlementRegistryPaymentInFuture(bytes32 settlementId, uint32 sequence, uint40 paidAt);
    error SettlementRegistryOverpayment(bytes32 settlementId, uint32 sequence, uint64 amount, uint256 outstanding);
    error SettlementRegistryInvalidReportSignature(bytes32 settlementId, uint32 sequence);
    error SettlementRegistryWrongPlatform(bytes32 settlementId, uint32 oraclePlatformId, uint32 platformId);
    error SettlementRegistryReportAlreadyRecorded(bytes32 settlementId, uint32 sequence);
    error SettlementRegistryReportOutOfOrder(bytes32 settlementId, uint32 sequence, uint32 expected);
    error SettlementRegistryTooManyReports(bytes32 settlementId);
    error SettlementRegistryBatchLengthMismatch(uint256 reports, uint256 signatures);
    error SettlementRegistryReportNotRecorded(bytes32 settlementId, uint32 sequence);
    error SettlementRegistryContestWindowClosed(bytes32 settlementId, uint32 sequence, uint256 closedAt);
    error SettlementRegistryAlreadyContested(bytes32 settlementId, uint32 sequence);

    // Lifecycle
    error SettlementRegistryNotDefaulted(bytes32 settlementId);
    error SettlementRegistryTransitionNotAllowed(bytes32 settlementId, Status from, Status to);
    error SettlementRegistryInstalmentOutOfRange(bytes32 settlementId, uint256 index, uint256 count);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event SettlementRegistered(
        bytes32 indexed settlementId,
        bytes32 indexed caseId,
        bytes32 indexed amends,
        address borrower,
        address platform,
        address lawyer,
        bytes32 documentHash
    );
    event SettlementCancelled(bytes32 indexed settlementId, address indexed by);
    event PaymentRecorded(bytes32 indexed settlementId, uint32 sequence, uint64 amount, uint40 paidAt);
    /// @param reportDigest The EIP-712 digest of the contested report, so the committee knows exactly
    /// which signed report is meant (the chain keeps only how many reports were recorded).
    event PaymentContested(
        bytes32 indexed settlementId,
        uint32 sequence,
        bytes32 reportDigest,
        address by,
        bytes32 reasonHash
    );
    /// @param reason A committee resolution's hash, an amendment's id, or zero.
    event StatusChanged(bytes32 indexed settlementId, Status from, Status to, bytes32 reason);

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers an agreement signed by its three parties; anyone may submit it. An agreement
    /// whose `amends` is set supersedes that earlier version (same borrower and platform).
    /// @param instalments Strictly increasing due times (whole days apart), 1 to 360, amounts > 0.
    /// @return settlementId The EIP-712 digest of the signed `Settlement`: unique across chains and
    /// deployments.
    function register(
        SettlementTerms calldata terms,
        Instalment[] calldata instalments,
        bytes calldata borrowerSignature,
        bytes calldata platformSignature,
        bytes calldata lawyerSignature
    ) external returns (bytes32 settlementId);

    /// @notice As `register`, for a schedule of calendar-monthly instalments sent as the plan that
    /// generates it: the parties signed the generated instalments; this saves calldata and storage.
    function registerMonthly(
        SettlementTerms calldata terms,
        MonthlyPlan calldata plan,
        bytes calldata borrowerSignature,
        bytes calldata platformSignature,
        bytes calldata lawyerSignature
    ) external returns (bytes32 settlementId);

    /// @notice A party withdraws its signature before registration: the terms can never be registered.
    function cancel(SettlementTerms calldata terms, Instalment[] calldata instalments) external returns (bytes32);

    /// @notice Records one payment report signed by an ORACLE key of the agreement's platform.
    function recordPayment(PaymentReport calldata report, OracleSignature calldata signature) external;

    /// @notice Records several reports atomically: one bad report reverts the batch with its error.
    function recordPayments(PaymentReport[] calldata reports, OracleSignature[] calldata signatures) external;

    /// @notice The borrower or the lawyer flags a recorded report within the agreement's contest
    /// window, counted from the report's paid-at time; the committee decides. The report and its
    /// oracle signature are given again: the chain keeps only how many reports were recorded.
    function contestPayment(
        PaymentReport calldata report,
        OracleSignature calldata signature,
        bytes32 reasonHash
    ) external;

    /// @notice Anyone moves an Active agreement to InDefault once an instalment is past grace and cure.
    function declareDefault(bytes32 settlementId) external;

    /// @notice Carries out a committee decision (RESOLVER role), along the documented transitions.
    function transition(bytes32 settlementId, Status to, bytes32 resolutionHash) external;

    /*//////////////////////////////////////////////////////////////
                                GETTERS
    //////////////////////////////////////////////////////////////*/

    function MAX_INSTALMENTS() external view returns (uint256);

    /// @notice The id `register` would give these terms (validating nothing).
    function settlementId(
        SettlementTerms calldata terms,
        Instalment[] calldata instalments
    ) external view returns (bytes32);

    function paymentReportDigest(PaymentReport calldata report) external view returns (bytes32);

    function getSettlement(bytes32 settlementId) external view returns (Ledger memory, Profile memory);

    function getInstalment(bytes32 settlementId, uint256 index) external view returns (InstalmentView memory);

    function getInstalments(bytes32 settlementId) external view returns (InstalmentView[] memory);

    function compliance(bytes32 settlementId) external view returns (Compliance memory);

    /// @return The key that contested the report, or the zero address.
    function contestedBy(bytes32 settlementId, uint32 sequence) external view returns (address);

    /// @return The id of the amendment that superseded `settlementId`, or zero.
    function successorOf(bytes32 settlementId) external view returns (bytes32);
}
