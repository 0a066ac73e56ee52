// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {ISettlementRegistry} from "./interfaces/ISettlementRegistry.sol";
import {MemberRegistry} from "./MemberRegistry.sol";
import {CalendarMonths} from "./libraries/CalendarMonths.sol";
import {Roles} from "./libraries/Roles.sol";
import {SettlementHashing} from "./libraries/SettlementHashing.sol";
import {SignatureVerification} from "./libraries/SignatureVerification.sol";
import {Key, KeyStatus} from "./types/MemberTypes.sol";
import {
    Compliance,
    Instalment,
    InstalmentState,
    InstalmentView,
    Ledger,
    MonthlyPlan,
    OracleSignature,
    PaymentReport,
    Profile,
    SettlementTerms,
    Standing,
    Status
} from "./types/SettlementTypes.sol";

/// @title SettlementRegistry
/// @notice See {ISettlementRegistry}.
/// @dev Abstract: deployed as `HejieRegistry`, whose keys (`MemberRegistry`) it checks signatures
/// against. Storage is shaped for gas (figures in `bench/gas.json`):
/// - an agreement is two slots: its `Ledger` (all a payment reads and writes) and its `Profile`;
/// - a monthly schedule costs nothing more: its due dates are recomputed by `CalendarMonths`; any
///   other schedule is stored packed, four instalments a word, each as (whole days after the first
///   due time: uint16, cumulative amount: uint48);
/// - reports are de-duplicated by the ledger's report counter (each agreement's reports carry
///   sequence numbers), so recording one writes no new storage;
/// - whether an instalment was completed late is a bit, written only when it is late.
abstract contract SettlementRegistry is ISettlementRegistry, MemberRegistry, EIP712 {
    /// @inheritdoc ISettlementRegistry
    uint256 public constant MAX_INSTALMENTS = 360;

    uint256 private constant ENTRIES_PER_WORD = 4;
    uint256 private constant ENTRY_BITS = 64;
    uint256 private constant OFFSET_BITS = 16;
    uint256 private constant OFFSET_MASK = type(uint16).max;
    uint256 private constant ENTRY_MASK = type(uint64).max;

    mapping(bytes32 settlementId => Ledger) private _ledgers;
    mapping(bytes32 settlementId => Profile) private _profiles;
    mapping(bytes32 settlementId => mapping(uint256 word => uint256 entries)) private _explicitSchedules;
    mapping(bytes32 settlementId => mapping(uint256 word => uint256 bits)) private _paidLate;
    mapping(bytes32 reportKey => address contester) private _contests;
    mapping(bytes32 settlementId => bytes32 successor) private _successors;

    /*//////////////////////////////////////////////////////////////
                              REGISTRATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISettlementRegistry
    function register(
        SettlementTerms calldata terms,
        Instalment[] calldata instalments,
        bytes calldata borrowerSignature,
        bytes calldata platformSignature,
        bytes calldata lawyerSignature
    ) external returns (bytes32 id) {
        bytes32 instalmentsHash = _checkInstalments(terms, instalments);
        // Casts: the count is at most MAX_INSTALMENTS (checked).
        Ledger memory ledger = _newLedger(terms, instalments[0].dueAt, uint16(instalments.length), 0);
        id = _register(terms, instalmentsHash, ledger, borrowerSignature, platformSignature, lawyerSignature);
        _storeExplicit(id, instalments);
    }

    /// @inheritdoc ISettlementRegistry
    function registerMonthly(
        SettlementTerms calldata terms,
        MonthlyPlan calldata plan,
        bytes calldata borrowerSignature,
        bytes calldata platformSignature,
        bytes calldata lawyerSignature
    ) external returns (bytes32 id) {
        bytes32 instalmentsHash = _checkPlan(terms, plan);
        // Casts: the total fits uint48 (checked), so does every amount.
        Ledger memory ledger = _newLedger(terms, plan.firstDueAt, plan.count, uint48(plan.amount));
        id = _register(terms, instalmentsHash, ledger, borrowerSignature, platformSignature, lawyerSignature);
    }

    /// @inheritdoc ISettlementRegistry
    function cancel(SettlementTerms calldata terms, Instalment[] calldata instalments) external returns (bytes32 id) {
        id = settlementId(terms, instalments);
        if (msg.sender != terms.borrower && msg.sender != terms.platform && msg.sender != terms.lawyer) {
            revert SettlementRegistryNotParty(id, msg.sender);
        }
        Ledger storage ledger = _ledgers[id];
        Status current = ledger.status;
        if (current != Status.None) revert SettlementRegistryAlreadyRegistered(id, current);
        ledger.status = Status.Cancelled;
        emit SettlementCancelled(id, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                PAYMENTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISettlementRegistry
    function recordPayment(PaymentReport calldata report, OracleSignature calldata signature) external {
        _recordPayment(report, _oracleAccount(_recoverReportSigner(report, signature)));
    }

    /// @inheritdoc ISettlementRegistry
    function recordPayments(PaymentReport[] calldata reports, OracleSignature[] calldata signatures) external {
        uint256 count = reports.length;
        if (count != signatures.length) revert SettlementRegistryBatchLengthMismatch(count, signatures.length);
        // A platform's payment system batches its own reports: look each oracle key up once in a row.
        address lastOracle;
        uint32 lastPlatformId;
        for (uint256 i = 0; i < count; ++i) {
            address oracle = _recoverReportSigner(reports[i], signatures[i]);
            if (oracle != lastOracle) {
                lastPlatformId = _oracleAccount(oracle);
                lastOracle = oracle;
            }
            _recordPayment(reports[i], lastPlatformId);
        }
    }

    /// @inheritdoc ISettlementRegistry
    function contestPayment(
        PaymentReport calldata report,
        OracleSignature calldata signature,
        bytes32 reasonHash
    ) external {
        bytes32 id = report.settlementId;
        Ledger storage ledger = _ledgers[id];
        _requireExists(id, ledger.status);
        if (report.sequence >= ledger.reportCount) revert SettlementRegistryReportNotRecorded(id, report.sequence);
        // The report must be the one the platform signed: its oracle key may since have been revoked,
        // but it must have been one of this platform's ORACLE keys.
        Key memory signer = _keyOf(_recoverReportSigner(report, signature));
        if (signer.accountId != ledger.platformId || signer.role != Roles.ORACLE) {
            revert SettlementRegistryInvalidReportSignature(id, report.sequence);
        }
        Profile storage profile = _profiles[id];
        Key memory caller = _keyOf(msg.sender);
        if (
            caller.status != KeyStatus.Active ||
            (caller.accountId != profile.borrowerId && caller.accountId != profile.lawyerId)
        ) revert SettlementRegistryNotParty(id, msg.sender);
        uint256 closesAt = uint256(report.paidAt) + profile.contestWindow;
        if (block.timestamp > closesAt) revert SettlementRegistryContestWindowClosed(id, report.sequence, closesAt);
        bytes32 key = _reportKey(id, report.sequence);
        if (_contests[key] != address(0)) revert SettlementRegistryAlreadyContested(id, report.sequence);

        _contests[key] = msg.sender;
        emit PaymentContested(id, report.sequence, msg.sender, reasonHash);
    }

    /*//////////////////////////////////////////////////////////////
                               LIFECYCLE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISettlementRegistry
    function declareDefault(bytes32 id) external {
        Status current = _ledgers[id].status;
        _requireExists(id, current);
        if (current != Status.Active) revert SettlementRegistryTransitionNotAllowed(id, current, Status.InDefault);
        if (compliance(id).standing != Standing.Defaulted) revert SettlementRegistryNotDefaulted(id);
        _setStatus(id, current, Status.InDefault, bytes32(0));
    }

    /// @inheritdoc ISettlementRegistry
    function transition(bytes32 id, Status to, bytes32 resolutionHash) external restricted {
        Ledger memory ledger = _ledgers[id];
        Status from = ledger.status;
        _requireExists(id, from);
        bool allowed;
        if (from == Status.Active || from == Status.InDefault) {
            allowed = to == Status.Disputed || to == Status.Terminated;
        } else if (from == Status.Disputed) {
            // A dispute resolved for an agreement that is fully paid completes it.
            allowed =
                ledger.paidTotal == ledger.totalDue
                    ? (to == Status.Completed || to == Status.Terminated)
                    : (to == Status.Active || to == Status.InDefault || to == Status.Terminated);
        }
        if (!allowed) revert SettlementRegistryTransitionNotAllowed(id, from, to);
        _setStatus(id, from, to, resolutionHash);
    }

    /*//////////////////////////////////////////////////////////////
                                GETTERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISettlementRegistry
    function settlementId(
        SettlementTerms calldata terms,
        Instalment[] calldata instalments
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(SettlementHashing.hashSettlement(terms, SettlementHashing.hashInstalments(instalments)));
    }

    /// @inheritdoc ISettlementRegistry
    function paymentReportDigest(PaymentReport calldata report) public view returns (bytes32) {
        return _hashTypedDataV4(SettlementHashing.hashPaymentReport(report));
    }

    /// @inheritdoc ISettlementRegistry
    function getSettlement(bytes32 id) external view returns (Ledger memory, Profile memory) {
        return (_ledgers[id], _profiles[id]);
    }

    /// @inheritdoc ISettlementRegistry
    function getInstalment(bytes32 id, uint256 index) external view returns (InstalmentView memory) {
        Ledger memory ledger = _existingLedger(id);
        if (index >= ledger.instalmentCount) {
            revert SettlementRegistryInstalmentOutOfRange(id, index, ledger.instalmentCount);
        }
        return _instalmentView(id, ledger, _profiles[id], index);
    }

    /// @inheritdoc ISettlementRegistry
    function getInstalments(bytes32 id) external view returns (InstalmentView[] memory views) {
        Ledger memory ledger = _existingLedger(id);
        Profile memory profile = _profiles[id];
        views = new InstalmentView[](ledger.instalmentCount);
        for (uint256 i = 0; i < views.length; ++i) {
            views[i] = _instalmentView(id, ledger, profile, i);
        }
    }

    /// @inheritdoc ISettlementRegistry
    function compliance(bytes32 id) public view returns (Compliance memory c) {
        Ledger memory ledger = _existingLedger(id);
        c.status = ledger.status;
        c.totalDue = ledger.totalDue;
        c.paidTotal = ledger.paidTotal;
        uint256 next = _settledCount(id, ledger, ledger.paidTotal);
        // Casts: next <= count <= MAX_INSTALMENTS; amounts are bounded by totalDue (uint48).
        c.nextInstalment = uint16(next);
        uint256 dueCount = _dueCount(id, ledger, block.timestamp);
        if (dueCount != 0) c.dueToDate = uint64(_cumulative(id, ledger, dueCount - 1));
        if (c.dueToDate > c.paidTotal) c.arrears = c.dueToDate - c.paidTotal;
        if (next == ledger.instalmentCount) {
            c.standing = Standing.Completed;
            return c;
        }
        uint256 due = _dueAt(id, ledger, next);
        if (block.timestamp <= due) return c; // Performing
        c.daysOverdue = uint32((block.timestamp - due) / 1 days);
        // The earliest unpaid instalment is always the most overdue one.
        InstalmentState worst = _overdueState(_profiles[id], due);
        c.standing =
            worst == InstalmentState.OverdueInGrace
                ? Standing.OverdueInGrace
                : (worst == InstalmentState.OverdueInCure ? Standing.OverdueInCure : Standing.Defaulted);
    }

    /// @inheritdoc ISettlementRegistry
    function contestedBy(bytes32 id, uint32 sequence) external view returns (address) {
        return _contests[_reportKey(id, sequence)];
    }

    /// @inheritdoc ISettlementRegistry
    function successorOf(bytes32 id) external view returns (bytes32) {
        return _successors[id];
    }

    /*//////////////////////////////////////////////////////////////
                          REGISTRATION INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The ledger of a new agreement; `_register` fills in the platform.
    function _newLedger(
        SettlementTerms calldata terms,
        uint40 firstDueAt,
        uint16 count,
        uint48 regularAmount
    ) private pure returns (Ledger memory) {
        return
            Ledger({
                platformId: 0,
                status: Status.Active,
                reportCount: 0,
                firstDueAt: firstDueAt,
                instalmentCount: count,
                regularAmount: regularAmount,
                // Cast: the schedule checks made sure the total fits uint48.
                totalDue: uint48(terms.settledAmount),
                paidTotal: 0
            });
    }

    /// @dev Everything registration shares once the schedule is checked: deadline, replay, the three
    /// signers, the amendment link, and the two storage slots.
    function _register(
        SettlementTerms calldata terms,
        bytes32 instalmentsHash,
        Ledger memory ledger,
        bytes calldata borrowerSignature,
        bytes calldata platformSignature,
        bytes calldata lawyerSignature
    ) private returns (bytes32 id) {
        // Check: the deadline and that these terms were never registered nor cancelled.
        if (block.timestamp > terms.deadline) revert SettlementRegistryExpired(terms.deadline);
        id = _hashTypedDataV4(SettlementHashing.hashSettlement(terms, instalmentsHash));
        Status current = _ledgers[id].status;
        if (current == Status.Cancelled) revert SettlementRegistrySignatureCancelled(id);
        if (current != Status.None) revert SettlementRegistryAlreadyRegistered(id, current);

        // Check: each party is an active key in its role and signed with its current nonce.
        uint32 borrowerId = _checkSigner(terms.borrower, Roles.BORROWER, terms.borrowerNonce, id, borrowerSignature);
        uint32 platformId = _checkSigner(terms.platform, Roles.PLATFORM, terms.platformNonce, id, platformSignature);
        uint32 lawyerId = _checkSigner(terms.lawyer, Roles.LAWYER, terms.lawyerNonce, id, lawyerSignature);

        // Effect:
        if (terms.amends != bytes32(0)) _supersede(terms.amends, id, borrowerId, platformId);
        ledger.platformId = platformId;
        _ledgers[id] = ledger;
        _profiles[id] = Profile({
            borrowerId: borrowerId,
            lawyerId: lawyerId,
            gracePeriod: terms.gracePeriod,
            curePeriod: terms.curePeriod,
            contestWindow: terms.contestWindow,
            registeredAt: uint40(block.timestamp)
        });
        emit SettlementRegistered(
            id,
            terms.caseId,
            terms.amends,
            terms.borrower,
            terms.platform,
            terms.lawyer,
            terms.documentHash
        );
    }

    /// @dev Validates an explicit schedule and returns its EIP-712 array hash.
    function _checkInstalments(
        SettlementTerms calldata terms,
        Instalment[] calldata instalments
    ) private pure returns (bytes32) {
        uint256 count = instalments.length;
        _checkCount(count);
        uint256 total;
        uint256 previousDue;
        for (uint256 i = 0; i < count; ++i) {
            uint256 due = instalments[i].dueAt;
            uint256 amount = instalments[i].amount;
            if (i != 0 && due <= previousDue) revert SettlementRegistryUnsortedSchedule(i);
            if (amount == 0) revert SettlementRegistryZeroAmount(i);
            total += amount;
            previousDue = due;
        }
        _checkTotal(terms, total);
        return SettlementHashing.hashInstalments(instalments);
    }

    /// @dev Validates a monthly plan and returns the EIP-712 array hash of the instalments it
    /// generates: what the parties signed. Generated due times are increasing by construction.
    function _checkPlan(SettlementTerms calldata terms, MonthlyPlan calldata plan) private pure returns (bytes32) {
        uint256 count = plan.count;
        _checkCount(count);
        if (plan.amount == 0 || plan.lastAmount == 0) revert SettlementRegistryZeroPlanAmount();
        _checkTotal(terms, uint256(plan.amount) * (count - 1) + plan.lastAmount);
        return SettlementHashing.hashMonthlyPlan(plan);
    }

    function _checkCount(uint256 count) private pure {
        if (count == 0) revert SettlementRegistryEmptySchedule();
        if (count > MAX_INSTALMENTS) revert SettlementRegistryTooManyInstalments(count, MAX_INSTALMENTS);
    }

    function _checkTotal(SettlementTerms calldata terms, uint256 total) private pure {
        if (total > type(uint48).max) revert SettlementRegistryTotalTooLarge(total);
        if (total != terms.settledAmount) revert SettlementRegistryAmountMismatch(terms.settledAmount, total);
    }

    function _checkSigner(
        address signer,
        uint64 role,
        uint32 signedNonce,
        bytes32 digest,
        bytes calldata signature
    ) private view returns (uint32 accountId) {
        uint32 nonce;
        (accountId, nonce) = _activeKey(signer, role);
        if (signedNonce != nonce) revert SettlementRegistryStaleNonce(signer, signedNonce, nonce);
        if (!SignatureVerification.isValidNow(signer, digest, signature)) {
            revert SettlementRegistryInvalidSignature(signer);
        }
    }

    function _supersede(bytes32 amended, bytes32 id, uint32 borrowerId, uint32 platformId) private {
        Status from = _ledgers[amended].status;
        _requireExists(amended, from);
        if (from != Status.Active && from != Status.InDefault && from != Status.Disputed) {
            revert SettlementRegistryNotAmendable(amended, from);
        }
        if (_profiles[amended].borrowerId != borrowerId || _ledgers[amended].platformId != platformId) {
            revert SettlementRegistryAmendmentPartiesDiffer(amended);
        }
        _successors[amended] = id;
        _setStatus(amended, from, Status.Superseded, id);
    }

    /// @dev Packs an explicit schedule, four instalments a word.
    function _storeExplicit(bytes32 id, Instalment[] calldata instalments) private {
        mapping(uint256 => uint256) storage words = _explicitSchedules[id];
        uint256 first = instalments[0].dueAt;
        uint256 count = instalments.length;
        uint256 cumulative;
        uint256 word;
        for (uint256 i = 0; i < count; ++i) {
            uint256 offset = instalments[i].dueAt - first;
            if (offset % 1 days != 0) revert SettlementRegistryDueTimeNotWholeDays(i);
            offset /= 1 days;
            if (offset > OFFSET_MASK) revert SettlementRegistryScheduleTooLong(i);
            cumulative += instalments[i].amount;
            word |= (offset | (cumulative << OFFSET_BITS)) << ((i % ENTRIES_PER_WORD) * ENTRY_BITS);
            if (i % ENTRIES_PER_WORD == ENTRIES_PER_WORD - 1 || i + 1 == count) {
                words[i / ENTRIES_PER_WORD] = word;
                word = 0;
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                            PAYMENT INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _recoverReportSigner(
        PaymentReport calldata report,
        OracleSignature calldata signature
    ) private view returns (address) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(
            paymentReportDigest(report),
            signature.r,
            signature.vs
        );
        if (err != ECDSA.RecoverError.NoError) {
            revert SettlementRegistryInvalidReportSignature(report.settlementId, report.sequence);
        }
        return signer;
    }

    /// @dev The platform account of an active ORACLE key. Oracle keys are plain keys: a report does not
    /// name its signer, the signature does.
    function _oracleAccount(address oracle) private view returns (uint32 accountId) {
        (accountId, ) = _activeKey(oracle, Roles.ORACLE);
    }

    function _recordPayment(PaymentReport calldata report, uint32 oraclePlatformId) private {
        // Check:
        bytes32 id = report.settlementId;
        Ledger memory ledger = _ledgers[id];
        Status status = ledger.status;
        _requireExists(id, status);
        if (status != Status.Active && status != Status.InDefault && status != Status.Disputed) {
            revert SettlementRegistryNotPayable(id, status);
        }
        if (ledger.platformId != oraclePlatformId) {
            revert SettlementRegistryWrongPlatform(id, oraclePlatformId, ledger.platformId);
        }
        uint32 sequence = report.sequence;
        if (sequence < ledger.reportCount) revert SettlementRegistryReportAlreadyRecorded(id, sequence);
        if (sequence > ledger.reportCount) revert SettlementRegistryReportOutOfOrder(id, sequence, ledger.reportCount);
        uint256 amount = report.amount;
        if (amount == 0) revert SettlementRegistryZeroPayment(id, sequence);
        if (report.paidAt > block.timestamp) revert SettlementRegistryPaymentInFuture(id, sequence, report.paidAt);
        uint256 outstanding = ledger.totalDue - ledger.paidTotal;
        if (amount > outstanding) revert SettlementRegistryOverpayment(id, sequence, report.amount, outstanding);

        if (sequence == type(uint16).max) revert SettlementRegistryTooManyReports(id);

        // Effect:
        uint256 paidBefore = ledger.paidTotal;
        // Casts: amount <= outstanding keeps the sum within totalDue (uint48); the count was checked.
        ledger.paidTotal = uint48(paidBefore + amount);
        ledger.reportCount = uint16(sequence + 1);
        bool completes = ledger.paidTotal == ledger.totalDue && status != Status.Disputed;
        // A disputed agreement stays with the committee even once paid (see `transition`).
        if (completes) ledger.status = Status.Completed;
        _ledgers[id] = ledger;
        _flagLateCompletions(id, ledger, paidBefore, report.paidAt);
        emit PaymentRecorded(id, sequence, report.amount, report.paidAt);
        if (completes) emit StatusChanged(id, status, Status.Completed, bytes32(0));
    }

    /// @dev Sets the paid-late bit of every instalment this payment completes after its due date.
    /// Payments apply in the order they are recorded, each completing instalments at its paid-at time.
    function _flagLateCompletions(bytes32 id, Ledger memory l, uint256 paidBefore, uint256 paidAt) private {
        uint256 to = _settledCount(id, l, l.paidTotal);
        for (uint256 i = _settledCount(id, l, paidBefore); i < to; ++i) {
            // Due times increase: once one is met, so are the later ones.
            if (paidAt <= _dueAt(id, l, i)) return;
            _paidLate[id][i >> 8] |= 1 << (i & 0xff);
        }
    }

    /*//////////////////////////////////////////////////////////////
                           SCHEDULE INTERNALS
    //////////////////////////////////////////////////////////////*/
    // A schedule is read through its ledger: monthly when `regularAmount != 0` (due times from the
    // calendar), else explicit (packed in `_explicitSchedules`).

    function _explicitEntry(bytes32 id, uint256 i) private view returns (uint256 dayOffset, uint256 cumulative) {
        uint256 word = _explicitSchedules[id][i / ENTRIES_PER_WORD];
        uint256 entry = (word >> ((i % ENTRIES_PER_WORD) * ENTRY_BITS)) & ENTRY_MASK;
        return (entry & OFFSET_MASK, entry >> OFFSET_BITS);
    }

    function _dueAt(bytes32 id, Ledger memory l, uint256 i) private view returns (uint256) {
        if (l.regularAmount != 0) return CalendarMonths.dueAt(l.firstDueAt, i);
        (uint256 dayOffset, ) = _explicitEntry(id, i);
        return l.firstDueAt + dayOffset * 1 days;
    }

    /// @dev The amount due by instalment `i` inclusive.
    function _cumulative(bytes32 id, Ledger memory l, uint256 i) private view returns (uint256) {
        if (l.regularAmount != 0) return i + 1 == l.instalmentCount ? l.totalDue : uint256(l.regularAmount) * (i + 1);
        (, uint256 cumulative) = _explicitEntry(id, i);
        return cumulative;
    }

    /// @dev How many instalments `paid` covers in full.
    function _settledCount(bytes32 id, Ledger memory l, uint256 paid) private view returns (uint256) {
        uint256 count = l.instalmentCount;
        if (paid >= l.totalDue) return count;
        if (l.regularAmount != 0) {
            uint256 covered = paid / l.regularAmount;
            return covered < count - 1 ? covered : count - 1;
        }
        // Binary search: cumulative amounts strictly increase.
        uint256 low = 0;
        uint256 high = count;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (_cumulative(id, l, mid) <= paid) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    /// @dev How many instalments are due at or before `time`.
    function _dueCount(bytes32 id, Ledger memory l, uint256 time) private view returns (uint256) {
        uint256 low = 0;
        uint256 high = l.instalmentCount;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (_dueAt(id, l, mid) <= time) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    function _instalmentView(
        bytes32 id,
        Ledger memory ledger,
        Profile memory profile,
        uint256 i
    ) private view returns (InstalmentView memory v) {
        uint256 due = _dueAt(id, ledger, i);
        uint256 cumulative = _cumulative(id, ledger, i);
        // Casts: due times come from uint40 inputs; amounts are bounded by totalDue (uint48).
        v.dueAt = uint40(due);
        v.amount = uint64(i == 0 ? cumulative : cumulative - _cumulative(id, ledger, i - 1));
        if (ledger.paidTotal >= cumulative) {
            bool late = _paidLate[id][i >> 8] & (1 << (i & 0xff)) != 0;
            v.state = late ? InstalmentState.PaidLate : InstalmentState.PaidOnTime;
        } else if (block.timestamp <= due) {
            v.state =
                i == 0 || block.timestamp > _dueAt(id, ledger, i - 1) ? InstalmentState.Due : InstalmentState.NotYetDue;
        } else {
            v.state = _overdueState(profile, due);
        }
    }

    /// @dev State of an unpaid instalment whose due time has passed.
    function _overdueState(Profile memory profile, uint256 due) private view returns (InstalmentState) {
        uint256 graceEnds = due + profile.gracePeriod;
        if (block.timestamp <= graceEnds) return InstalmentState.OverdueInGrace;
        if (block.timestamp <= graceEnds + profile.curePeriod) return InstalmentState.OverdueInCure;
        return InstalmentState.Defaulted;
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _existingLedger(bytes32 id) private view returns (Ledger memory ledger) {
        ledger = _ledgers[id];
        _requireExists(id, ledger.status);
    }

    function _requireExists(bytes32 id, Status status) private pure {
        if (status == Status.None || status == Status.Cancelled) revert SettlementRegistryNotFound(id);
    }

    function _setStatus(bytes32 id, Status from, Status to, bytes32 reason) private {
        _ledgers[id].status = to;
        emit StatusChanged(id, from, to, reason);
    }

    function _reportKey(bytes32 id, uint32 sequence) private pure returns (bytes32) {
        return keccak256(abi.encode(id, sequence));
    }
}
