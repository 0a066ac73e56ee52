// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice Lifecycle of a settlement agreement. Allowed transitions (and nothing else; the invariant
/// test `test/contracts/invariant/Lifecycle.t.sol` proves it):
///
/// | from        | to                                                   | by                         |
/// |-------------|------------------------------------------------------|----------------------------|
/// | None        | Active                                               | `register` (3 signatures)  |
/// | None        | Cancelled                                            | `cancel` by a party        |
/// | Active      | Completed                                            | the payment that completes |
/// | Active      | InDefault                                            | `declareDefault` (anyone)  |
/// | Active      | Disputed, Terminated                                 | RESOLVER                   |
/// | InDefault   | Completed                                            | the payment that completes |
/// | InDefault   | Disputed, Terminated                                 | RESOLVER                   |
/// | Disputed    | Active, InDefault (while money is owed), Terminated  | RESOLVER                   |
/// | Disputed    | Completed (once fully paid)                          | RESOLVER                   |
/// | Active, InDefault, Disputed | Superseded                           | `register` of an amendment |
///
/// Completed, Terminated, Superseded and Cancelled are final.
enum Status {
    /// Never seen.
    None,
    /// Registered and running: payments are recorded, compliance is computed.
    Active,
    /// Fully paid.
    Completed,
    /// An instalment stayed unpaid past its grace and cure periods and someone declared it.
    InDefault,
    /// Under the coordination committee's review; payments are still recorded.
    Disputed,
    /// Ended by a committee decision.
    Terminated,
    /// Replaced by an amendment signed again by all three parties.
    Superseded,
    /// A party cancelled its signature before registration: this id can never be registered.
    Cancelled
}

/// @notice The state of one instalment at the current block time.
enum InstalmentState {
    /// A later instalment: an earlier one is still the current one to pay.
    NotYetDue,
    /// The current instalment: its due date has not passed and every earlier due date has.
    Due,
    /// Fully paid no later than its due date.
    PaidOnTime,
    /// Fully paid after its due date.
    PaidLate,
    /// Unpaid, past its due date, within the grace period.
    OverdueInGrace,
    /// Unpaid, past its grace period, within the cure period.
    OverdueInCure,
    /// Unpaid after its grace and cure periods.
    Defaulted
}

/// @notice How an agreement is doing at the current block time, from its worst instalment.
enum Standing {
    /// Every instalment due so far is paid.
    Performing,
    /// Arrears, all within their grace period.
    OverdueInGrace,
    /// Arrears past grace, within cure.
    OverdueInCure,
    /// An instalment is unpaid after grace and cure.
    Defaulted,
    /// Everything is paid.
    Completed
}

/// @notice One instalment of a schedule as signed: due time and amount in minor currency units
/// (fen for CNY).
struct Instalment {
    uint40 dueAt;
    uint64 amount;
}

/// @notice The settlement terms every party signs, but for the schedule. The EIP-712 type that is
/// signed, `Settlement`, is these fields with `Instalment[] instalments` after `settledAmount` (see
/// `SettlementHashing`): the schedule travels apart so that a monthly one can be sent as a
/// `MonthlyPlan` and rebuilt on chain, while every party still signs each due date and amount.
/// Personal data stays off chain: the agreement document is represented by a salted hash.
struct SettlementTerms {
    /// Off-chain case id (random, carries no personal data).
    bytes32 caseId;
    address borrower;
    address platform;
    address lawyer;
    /// keccak256 of the salted canonical agreement document.
    bytes32 documentHash;
    /// ISO 4217 code of every amount, e.g. "CNY".
    string currency;
    /// The principal actually disbursed (interest deducted up front already subtracted).
    uint64 originalPrincipal;
    /// When the original loan contract was formed: the LPR in force then sets the legal cap.
    uint40 loanFormedAt;
    /// What the borrower pays under the settlement: must equal the sum of the instalments.
    uint64 settledAmount;
    /// Seconds after a due date during which an unpaid instalment is overdue but not late-penalised.
    uint32 gracePeriod;
    /// Seconds after the grace period before an unpaid instalment puts the agreement in default.
    uint32 curePeriod;
    /// Seconds after a payment's paid-at time during which the borrower or lawyer may contest it.
    uint32 contestWindow;
    /// The id of the agreement this one amends, or zero.
    bytes32 amends;
    /// Each signer's key nonce when signing (see `IMemberRegistry.increaseNonce`).
    uint32 borrowerNonce;
    uint32 platformNonce;
    uint32 lawyerNonce;
    /// Signatures are void after this time.
    uint40 deadline;
}

/// @notice A schedule of `count` calendar-monthly instalments (see `CalendarMonths`) of `amount`
/// each but the last, which is `lastAmount`. Stands for exactly the `Instalment[]` it generates (so a
/// one-instalment plan is `lastAmount` alone; its `amount` plays no part).
struct MonthlyPlan {
    uint40 firstDueAt;
    uint16 count;
    uint64 amount;
    uint64 lastAmount;
}

/// @notice A payment reported by the platform's payment system, signed by one of its ORACLE keys.
/// A report is identified by its agreement and its sequence number.
struct PaymentReport {
    bytes32 settlementId;
    /// 0, 1, 2, … per agreement, in the order the platform reports: each number is recorded once,
    /// and only after the one before it.
    uint32 sequence;
    uint64 amount;
    uint40 paidAt;
    /// Salted hash of the bank transaction reference (the reference itself stays off chain).
    bytes32 bankReference;
}

/// @notice An oracle's ECDSA signature in the compact ERC-2098 form (`r`, and `s` with the parity bit
/// on top): two words of calldata instead of five for a `bytes` signature. Oracle keys are plain keys.
struct OracleSignature {
    bytes32 r;
    bytes32 vs;
}

/// @notice What a payment reads and writes: one storage slot. Amounts are minor currency units.
/// `regularAmount == 0` marks an explicit schedule, stored apart.
struct Ledger {
    // slot 0
    uint32 platformId;
    Status status;
    /// How many payment reports were recorded: the next report's sequence number.
    uint16 reportCount;
    uint40 firstDueAt;
    uint16 instalmentCount;
    /// Every instalment but the last, for a monthly schedule; 0 for an explicit one.
    uint48 regularAmount;
    uint48 totalDue;
    /// Never above `totalDue`: an overpaying report is refused.
    uint48 paidTotal;
}

/// @notice Who and how long: read by views, contests and the committee, never by a payment.
struct Profile {
    // slot 0
    uint32 borrowerId;
    uint32 lawyerId;
    uint32 gracePeriod;
    uint32 curePeriod;
    uint32 contestWindow;
    uint40 registeredAt;
}

/// @notice One instalment as read back, with its state at the current block time.
struct InstalmentView {
    uint40 dueAt;
    uint64 amount;
    InstalmentState state;
}

/// @notice An agreement's compliance at the current block time.
struct Compliance {
    Status status;
    Standing standing;
    uint64 totalDue;
    uint64 paidTotal;
    /// Sum of the instalments whose due time has passed (at its very due time an instalment is not yet due).
    uint64 dueToDate;
    /// What is unpaid of `dueToDate`.
    uint64 arrears;
    /// Whole days since the due date of the earliest unpaid instalment, when it is past due.
    uint32 daysOverdue;
    /// Index of the earliest instalment not fully paid (`instalmentCount` when all are paid).
    uint16 nextInstalment;
}
