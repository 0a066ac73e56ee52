// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {ISettlementRegistry} from "./interfaces/ISettlementRegistry.sol";
import {MemberRegistry} from "./MemberRegistry.sol";
import {CalendarMonths} from "./libraries/CalendarMonths.sol";
import {LedgerWord} from "./libraries/LedgerWord.sol";
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
/// - an agreement is two slots: its ledger word (`LedgerWord`: all a payment reads and writes) and
///   its `Profile`;
/// - a monthly schedule costs nothing more: its due times are recomputed from the first one, kept in
///   calendar form (`CalendarMonths`); any other schedule is stored packed, four instalments a word,
///   each as (whole days after the first due time: uint16, cumulative amount: uint48);
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
    /// @dev Half the secp256k1 group order: a larger `s` is the malleable twin of a signature (EIP-2).
    uint256 private constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    mapping(bytes32 settlementId => uint256 ledgerWord) private _ledgers;
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
        id = _register(
            terms,
            instalmentsHash,
            _newLedger(instalments[0].dueAt, instalments.length, 0, terms.settledAmount),
            borrowerSignature,
            platformSignature,
            lawyerSignature
        );
        _storeExplicit(id, instalments);
    }

    /// @inheritdoc ISettlementRegistry
    function registerMonthly(
        SettlementTerms calldata terms,
        MonthlyPlan calldata plan,
        bytes calldata borrowerSignature,
        bytes calldata platformSignature,
        bytes calldata lawyerSignature
    ) external returns (bytes32) {
        bytes32 instalmentsHash = _checkPlan(terms, plan);
        // A one-instalment plan generates `lastAmount` only: `amount` is not signed and must not be stored.
        uint256 regularAmount = plan.count == 1 ? plan.lastAmount : plan.amount;
        return
            _register(
                terms,
                instalmentsHash,
                _newLedger(plan.firstDueAt, plan.count, regularAmount, terms.settledAmount),
                borrowerSignature,
                platformSignature,
                lawyerSignature
            );
    }

    /// @inheritdoc ISettlementRegistry
    function cancel(SettlementTerms calldata terms, Instalment[] calldata instalments) external returns (bytes32 id) {
        id = settlementId(terms, instalments);
        if (msg.sender != terms.borrower && msg.sender != terms.platform && msg.sender != terms.lawyer) {
            revert SettlementRegistryNotParty(id, msg.sender);
        }
        Status current = LedgerWord.status(_ledgers[id]);
        if (current != Status.None) revert SettlementRegistryAlreadyRegistered(id, current);
        _ledgers[id] = LedgerWord.withStatus(0, Status.Cancelled);
        emit SettlementCancelled(id, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                PAYMENTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISettlementRegistry
    function recordPayment(PaymentReport calldata report, OracleSignature calldata signature) external {
        _recordPayment(report, _oracleAccount(_recoverReportSigner(report, signature, _domainSeparatorV4())));
    }

    /// @inheritdoc ISettlementRegistry
    function recordPayments(PaymentReport[] calldata reports, OracleSignature[] calldata signatures) external {
        uint256 count = reports.length;
        if (count != signatures.length) revert SettlementRegistryBatchLengthMismatch(count, signatures.length);
        bytes32 domainSeparator = _domainSeparatorV4();
        // A platform's payment system batches its own reports: look each oracle key up once in a row.
        address lastOracle;
        uint32 lastPlatformId;
        for (uint256 i = 0; i < count; ++i) {
            PaymentReport calldata report = reports[i];
            address oracle = _recoverReportSigner(report, signatures[i], domainSeparator);
            if (oracle != lastOracle) {
                lastPlatformId = _oracleAccount(oracle);
                lastOracle = oracle;
            }
            _recordPayment(report, lastPlatformId);
        }
    }

    /// @inheritdoc ISettlementRegistry
    function contestPayment(
        PaymentReport calldata report,
        OracleSignature calldata signature,
        bytes32 reasonHash
    ) external {
        bytes32 id = report.settlementId;
        uint256 word = _existingLedger(id);
        if (report.sequence >= LedgerWord.reportCount(word)) {
            revert SettlementRegistryReportNotRecorded(id, report.sequence);
        }
        // The report must be the one the platform signed: its oracle key may since have been revoked,
        // but it must have been one of this platform's ORACLE keys.
        Key memory signer = _keyOf(_recoverReportSigner(report, signature, _domainSeparatorV4()));
        if (signer.accountId != LedgerWord.platformId(word) || signer.role != Roles.ORACLE) {
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
        emit PaymentContested(id, report.sequence, paymentReportDigest(report), msg.sender, reasonHash);
    }

    /*//////////////////////////////////////////////////////////////
                               LIFECYCLE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ISettlementRegistry
    function declareDefault(bytes32 id) external {
        Status current = LedgerWord.status(_existingLedger(id));
        if (current != Status.Active) revert SettlementRegistryTransitionNotAllowed(id, current, Status.InDefault);
        if (compliance(id).standing != Standing.Defaulted) revert SettlementRegistryNotDefaulted(id);
        _setStatus(id, current, Status.InDefault, bytes32(0));
    }

    /// @inheritdoc ISettlementRegistry
    function transition(bytes32 id, Status to, bytes32 resolutionHash) external restricted {
        uint256 word = _existingLedger(id);
        Status from = LedgerWord.status(word);
        bool allowed;
        if (from == Status.Active || from == Status.InDefault) {
            allowed = to == Status.Disputed || to == Status.Terminated;
        } else if (from == Status.Disputed) {
            // A dispute resolved for an agreement that is fully paid completes it.
            allowed =
                LedgerWord.paidTotal(word) == LedgerWord.totalDue(word)
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
        return (LedgerWord.decode(_ledgers[id]), _profiles[id]);
    }

    /// @inheritdoc ISettlementRegistry
    function getInstalment(bytes32 id, uint256 index) external view returns (InstalmentView memory) {
        uint256 word = _existingLedger(id);
        uint256 count = LedgerWord.instalmentCount(word);
        if (index >= count) revert SettlementRegistryInstalmentOutOfRange(id, index, count);
        return _instalmentView(id, word, _profiles[id], index);
    }

    /// @inheritdoc ISettlementRegistry
    function getInstalments(bytes32 id) external view returns (InstalmentView[] memory views) {
        uint256 word = _existingLedger(id);
        Profile memory profile = _profiles[id];
        views = new InstalmentView[](LedgerWord.instalmentCount(word));
        for (uint256 i = 0; i < views.length; ++i) {
            views[i] = _instalmentView(id, word, profile, i);
        }
    }

    /// @inheritdoc ISettlementRegistry
    function compliance(bytes32 id) public view returns (Compliance memory c) {
        uint256 word = _existingLedger(id);
        uint256 count = LedgerWord.instalmentCount(word);
        c.status = LedgerWord.status(word);
        // Casts: amounts fit 48 bits, counts 16 (see LedgerWord).
        c.totalDue = uint64(LedgerWord.totalDue(word));
        c.paidTotal = uint64(LedgerWord.paidTotal(word));
        uint256 next = _settledCount(id, word, c.paidTotal);
        c.nextInstalment = uint16(next);
        uint256 dueCount = _dueCount(id, word, block.timestamp);
        if (dueCount != 0) c.dueToDate = uint64(_cumulative(id, word, dueCount - 1));
        if (c.dueToDate > c.paidTotal) c.arrears = c.dueToDate - c.paidTotal;
        if (next == count) {
            c.standing = Standing.Completed;
            return c;
        }
        uint256 due = _dueAt(id, word, next);
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

    /// @dev Everything registration shares once the schedule is checked: deadline, replay, the three
    /// signers, the amendment link, then the ledger word (`ledger`, completed with the platform) and
    /// the profile. An explicit schedule's instalments are stored by the caller.
    function _register(
        SettlementTerms calldata terms,
        bytes32 instalmentsHash,
        uint256 ledger,
        bytes calldata borrowerSignature,
        bytes calldata platformSignature,
        bytes calldata lawyerSignature
    ) private returns (bytes32 id) {
        // Check: the deadline and that these terms were never registered nor cancelled.
        if (block.timestamp > terms.deadline) revert SettlementRegistryExpired(terms.deadline);
        id = _hashTypedDataV4(SettlementHashing.hashSettlement(terms, instalmentsHash));
        Status current = LedgerWord.status(_ledgers[id]);
        if (current == Status.Cancelled) revert SettlementRegistrySignatureCancelled(id);
        if (current != Status.None) revert SettlementRegistryAlreadyRegistered(id, current);

        // Check: each party is an active key in its role and signed with its current nonce.
        uint32 borrowerId = _checkSigner(terms.borrower, Roles.BORROWER, terms.borrowerNonce, id, borrowerSignature);
        uint32 platformId = _checkSigner(terms.platform, Roles.PLATFORM, terms.platformNonce, id, platformSignature);
        uint32 lawyerId = _checkSigner(terms.lawyer, Roles.LAWYER, terms.lawyerNonce, id, lawyerSignature);

        // Effect:
        if (terms.amends != bytes32(0)) _supersede(terms.amends, id, borrowerId, platformId);
        _ledgers[id] = ledger | platformId;
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

    /// @dev The ledger word of a new, Active agreement, but for its platform (the word's lowest bits,
    /// which `_register` fills in). The schedule checks bounded every value.
    function _newLedger(
        uint256 firstDueAt,
        uint256 count,
        uint256 regularAmount,
        uint256 totalDue
    ) private pure returns (uint256) {
        return LedgerWord.pack(0, Status.Active, CalendarMonths.encode(firstDueAt), count, regularAmount, totalDue);
    }

    /// @dev Validates an explicit schedule and returns its EIP-712 array hash.
    function _checkInstalments(
        SettlementTerms calldata terms,
        Instalment[] calldata instalments
    ) private pure returns (bytes32) {
        uint256 count = instalments.length;
        _checkCount(count);
        _checkFirstDue(instalments[0].dueAt);
        uint256 first = instalments[0].dueAt;
        uint256 total;
        uint256 previousDue;
        for (uint256 i = 0; i < count; ++i) {
            uint256 due = instalments[i].dueAt;
            uint256 amount = instalments[i].amount;
            if (i != 0 && due <= previousDue) revert SettlementRegistryUnsortedSchedule(i);
            if (amount == 0) revert SettlementRegistryZeroAmount(i);
            // Stored as whole days after the first due time, in 16 bits (see `_storeExplicit`).
            if ((due - first) % 1 days != 0) revert SettlementRegistryDueTimeNotWholeDays(i);
            if ((due - first) / 1 days > OFFSET_MASK) revert SettlementRegistryScheduleTooLong(i);
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
        _checkFirstDue(plan.firstDueAt);
        if (plan.amount == 0 || plan.lastAmount == 0) revert SettlementRegistryZeroPlanAmount();
        _checkTotal(terms, uint256(plan.amount) * (count - 1) + plan.lastAmount);
        return SettlementHashing.hashMonthlyPlan(plan);
    }

    function _checkCount(uint256 count) private pure {
        if (count == 0) revert SettlementRegistryEmptySchedule();
        if (count > MAX_INSTALMENTS) revert SettlementRegistryTooManyInstalments(count, MAX_INSTALMENTS);
    }

    function _checkFirstDue(uint256 firstDueAt) private pure {
        if (firstDueAt < CalendarMonths.MIN_FIRST_DUE || firstDueAt > CalendarMonths.MAX_FIRST_DUE) {
            revert SettlementRegistryFirstDueOutOfRange(firstDueAt);
        }
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
        uint256 word = _existingLedger(amended);
        Status from = LedgerWord.status(word);
        if (from != Status.Active && from != Status.InDefault && from != Status.Disputed) {
            revert SettlementRegistryNotAmendable(amended, from);
        }
        if (_profiles[amended].borrowerId != borrowerId || LedgerWord.platformId(word) != platformId) {
            revert SettlementRegistryAmendmentPartiesDiffer(amended);
        }
        _successors[amended] = id;
        _setStatus(amended, from, Status.Superseded, id);
    }

    /// @dev Packs a checked explicit schedule, four instalments a word.
    function _storeExplicit(bytes32 id, Instalment[] calldata instalments) private {
        mapping(uint256 => uint256) storage words = _explicitSchedules[id];
        uint256 first = instalments[0].dueAt;
        uint256 count = instalments.length;
        uint256 cumulative;
        uint256 word;
        for (uint256 i = 0; i < count; ++i) {
            uint256 offset = (instalments[i].dueAt - first) / 1 days;
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

    /// @dev The signer of a report: `ecrecover` of its EIP-712 digest from a compact signature,
    /// refusing what OpenZeppelin's `ECDSA.tryRecover` refuses (an `s` in the upper half of the
    /// group order, a failed recovery). Assembly, because every report of a batch runs it: the
    /// struct hash is the typehash and the report's five calldata words, the digest is EIP-712's
    /// keccak256(0x1901 ‖ domain separator ‖ struct hash), and the precompile gets (digest, v, r, s).
    function _recoverReportSigner(
        PaymentReport calldata report,
        OracleSignature calldata signature,
        bytes32 domainSeparator
    ) private view returns (address signer) {
        bytes32 typehash = SettlementHashing.PAYMENT_REPORT_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typehash)
            calldatacopy(add(ptr, 0x20), report, 0xa0)
            let structHash := keccak256(ptr, 0xc0)
            mstore(ptr, 0x1901000000000000000000000000000000000000000000000000000000000000)
            mstore(add(ptr, 0x02), domainSeparator)
            mstore(add(ptr, 0x22), structHash)
            let digest := keccak256(ptr, 0x42)
            let vs := calldataload(add(signature, 0x20))
            let s := shr(1, shl(1, vs))
            if iszero(gt(s, HALF_ORDER)) {
                mstore(ptr, digest)
                mstore(add(ptr, 0x20), add(shr(255, vs), 27))
                mstore(add(ptr, 0x40), calldataload(signature))
                mstore(add(ptr, 0x60), s)
                // The precompile returns nothing for an invalid signature: `signer` stays zero.
                mstore(0x00, 0)
                pop(staticcall(gas(), 0x01, ptr, 0x80, 0x00, 0x20))
                signer := mload(0x00)
            }
        }
        if (signer == address(0)) revert SettlementRegistryInvalidReportSignature(report.settlementId, report.sequence);
    }

    /// @dev The platform account of an active ORACLE key. Oracle keys are plain keys: a report does not
    /// name its signer, the signature does.
    function _oracleAccount(address oracle) private view returns (uint32 accountId) {
        (accountId, ) = _activeKey(oracle, Roles.ORACLE);
    }

    /// @dev The hot path of every payment: one read and one write of the agreement's ledger word.
    /// The report's fields are read as the raw calldata words its signature covers: a word with dirty
    /// high bits would have changed the digest, so it cannot come with a valid oracle signature, and
    /// the range checks below refuse it regardless.
    function _recordPayment(PaymentReport calldata report, uint32 oraclePlatformId) private {
        // Check:
        bytes32 id;
        uint256 sequence;
        uint256 amount;
        uint256 paidAt;
        uint256 slot;
        uint256 word;
        assembly ("memory-safe") {
            id := calldataload(report)
            sequence := calldataload(add(report, 0x20))
            amount := calldataload(add(report, 0x40))
            paidAt := calldataload(add(report, 0x60))
            mstore(0x00, id)
            mstore(0x20, _ledgers.slot)
            slot := keccak256(0x00, 0x40)
            word := sload(slot)
        }
        Status status = LedgerWord.status(word);
        if (status != Status.Active && status != Status.InDefault && status != Status.Disputed) {
            _requireExists(id, status);
            revert SettlementRegistryNotPayable(id, status);
        }
        uint32 platformId = LedgerWord.platformId(word);
        if (platformId != oraclePlatformId) revert SettlementRegistryWrongPlatform(id, oraclePlatformId, platformId);
        uint256 reportCount = LedgerWord.reportCount(word);
        // Casts below: each value is checked against its field's range before it is cast.
        if (sequence != reportCount) {
            if (sequence < reportCount) revert SettlementRegistryReportAlreadyRecorded(id, uint32(sequence));
            revert SettlementRegistryReportOutOfOrder(id, uint32(sequence), uint32(reportCount));
        }
        if (amount == 0) revert SettlementRegistryZeroPayment(id, uint32(sequence));
        if (paidAt > block.timestamp) revert SettlementRegistryPaymentInFuture(id, uint32(sequence), uint40(paidAt));
        uint256 paidBefore = LedgerWord.paidTotal(word);
        uint256 outstanding = LedgerWord.totalDue(word) - paidBefore;
        if (amount > outstanding) {
            revert SettlementRegistryOverpayment(id, uint32(sequence), uint64(amount), outstanding);
        }
        if (sequence == type(uint16).max) revert SettlementRegistryTooManyReports(id);

        // Effect:
        // Unchecked: amount <= outstanding keeps the sum within totalDue; sequence < 2^16 - 1.
        unchecked {
            uint256 paidAfter = paidBefore + amount;
            // A disputed agreement stays with the committee even once paid (see `transition`).
            bool completes = amount == outstanding && status != Status.Disputed;
            word = LedgerWord.withPayment(word, paidAfter, sequence + 1, completes ? Status.Completed : status);
            assembly ("memory-safe") {
                sstore(slot, word)
            }
            _flagLateCompletions(id, word, paidBefore, paidAt);
            emit PaymentRecorded(id, uint32(sequence), uint64(amount), uint40(paidAt));
            if (completes) emit StatusChanged(id, status, Status.Completed, bytes32(0));
        }
    }

    /// @dev Sets the paid-late bit of every instalment this payment completes after its due time.
    /// Payments apply in the order they are recorded, each completing instalments at its paid-at time.
    /// Due times increase, so the scan stops at the first instalment completed on time: an on-time
    /// payment computes one due time. Monthly schedules (the common case) are handled inline.
    function _flagLateCompletions(bytes32 id, uint256 word, uint256 paidBefore, uint256 paidAt) private {
        uint256 regular = LedgerWord.regularAmount(word);
        uint256 from;
        uint256 to;
        if (regular != 0) {
            uint256 last = LedgerWord.instalmentCount(word) - 1;
            uint256 paidAfter = LedgerWord.paidTotal(word);
            from = paidBefore / regular;
            if (from > last) from = last;
            to = paidAfter / regular;
            if (paidAfter == LedgerWord.totalDue(word)) to = last + 1;
            else if (to > last) to = last;
            if (from == to) return;
            // Most payments come before their due date: the cheap bound settles those.
            uint256 first = LedgerWord.firstDue(word);
            if (paidAt <= CalendarMonths.dueAtLowerBound(first, from) || paidAt <= CalendarMonths.dueAt(first, from)) {
                return;
            }
        } else {
            from = _settledCount(id, word, paidBefore);
            to = _settledCount(id, word, LedgerWord.paidTotal(word));
        }
        for (uint256 i = from; i < to; ++i) {
            if (paidAt <= _dueAt(id, word, i)) return;
            _paidLate[id][i >> 8] |= 1 << (i & 0xff);
        }
    }

    /*//////////////////////////////////////////////////////////////
                           SCHEDULE INTERNALS
    //////////////////////////////////////////////////////////////*/
    // A schedule is read through its ledger word: monthly when `regularAmount != 0` (due times from
    // the calendar), else explicit (packed in `_explicitSchedules`).

    function _explicitEntry(bytes32 id, uint256 i) private view returns (uint256 dayOffset, uint256 cumulative) {
        uint256 entries = _explicitSchedules[id][i / ENTRIES_PER_WORD];
        uint256 entry = (entries >> ((i % ENTRIES_PER_WORD) * ENTRY_BITS)) & ENTRY_MASK;
        return (entry & OFFSET_MASK, entry >> OFFSET_BITS);
    }

    function _dueAt(bytes32 id, uint256 word, uint256 i) private view returns (uint256) {
        uint256 first = LedgerWord.firstDue(word);
        if (LedgerWord.regularAmount(word) != 0) return CalendarMonths.dueAt(first, i);
        (uint256 dayOffset, ) = _explicitEntry(id, i);
        return CalendarMonths.dueAt(first, 0) + dayOffset * 1 days;
    }

    /// @dev The amount due by instalment `i` inclusive.
    function _cumulative(bytes32 id, uint256 word, uint256 i) private view returns (uint256) {
        uint256 regular = LedgerWord.regularAmount(word);
        if (regular != 0)
            return i + 1 == LedgerWord.instalmentCount(word) ? LedgerWord.totalDue(word) : regular * (i + 1);
        (, uint256 cumulative) = _explicitEntry(id, i);
        return cumulative;
    }

    /// @dev How many instalments `paid` covers in full.
    function _settledCount(bytes32 id, uint256 word, uint256 paid) private view returns (uint256) {
        uint256 count = LedgerWord.instalmentCount(word);
        if (paid >= LedgerWord.totalDue(word)) return count;
        uint256 regular = LedgerWord.regularAmount(word);
        if (regular != 0) {
            uint256 covered = paid / regular;
            return covered < count - 1 ? covered : count - 1;
        }
        // Binary search: cumulative amounts strictly increase.
        uint256 low = 0;
        uint256 high = count;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (_cumulative(id, word, mid) <= paid) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    /// @dev How many instalments fell due before `time`: at its very due time an instalment may still
    /// be paid on time, so it is not yet in arrears.
    function _dueCount(bytes32 id, uint256 word, uint256 time) private view returns (uint256) {
        uint256 low = 0;
        uint256 high = LedgerWord.instalmentCount(word);
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (_dueAt(id, word, mid) < time) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    function _instalmentView(
        bytes32 id,
        uint256 word,
        Profile memory profile,
        uint256 i
    ) private view returns (InstalmentView memory v) {
        uint256 due = _dueAt(id, word, i);
        uint256 cumulative = _cumulative(id, word, i);
        // Casts: due times come from uint40 inputs; amounts are bounded by totalDue (uint48).
        v.dueAt = uint40(due);
        v.amount = uint64(i == 0 ? cumulative : cumulative - _cumulative(id, word, i - 1));
        if (LedgerWord.paidTotal(word) >= cumulative) {
            bool late = _paidLate[id][i >> 8] & (1 << (i & 0xff)) != 0;
            v.state = late ? InstalmentState.PaidLate : InstalmentState.PaidOnTime;
        } else if (block.timestamp <= due) {
            v.state =
                i == 0 || block.timestamp > _dueAt(id, word, i - 1) ? InstalmentState.Due : InstalmentState.NotYetDue;
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

    /// @dev The ledger word of a registered agreement.
    function _existingLedger(bytes32 id) private view returns (uint256 word) {
        word = _ledgers[id];
        _requireExists(id, LedgerWord.status(word));
    }

    function _requireExists(bytes32 id, Status status) private pure {
        if (status == Status.None || status == Status.Cancelled) revert SettlementRegistryNotFound(id);
    }

    function _setStatus(bytes32 id, Status from, Status to, bytes32 reason) private {
        _ledgers[id] = LedgerWord.withStatus(_ledgers[id], to);
        emit StatusChanged(id, from, to, reason);
    }

    function _reportKey(bytes32 id, uint32 sequence) private pure returns (bytes32) {
        return keccak256(abi.encode(id, sequence));
    }
}
