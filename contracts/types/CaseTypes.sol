// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Status} from "./SettlementTypes.sol";

/// @notice Lifecycle of a mediation case (DOMAIN.md rule 7). Allowed transitions, and who makes them
/// (nothing else is allowed; `CaseRegistryTransitionNotAllowed` refuses the rest):
///
/// | from                                 | to                    | by                                       |
/// |--------------------------------------|-----------------------|------------------------------------------|
/// | None                                 | Opened                | `openCase`: a LAWYER key (coordinator)   |
/// | Opened                               | InMediation           | `startMediation`: the mediator           |
/// | InMediation                          | AgreementSigned       | `recordPartiesSigned`: the coordinator   |
/// | AgreementSigned                      | Effective             | `signAsMediator`: the mediator           |
/// | Effective                            | ConfirmationApplied   | `applyForConfirmation`: the last of the  |
/// |                                      |                       | borrower and the creditors to join       |
/// | ConfirmationApplied                  | Confirmed, ConfirmationRefused | `recordRuling`: the coordinator |
/// | Confirmed, ConfirmationRefused       | Closed                | `closeCase`: the coordinator             |
/// | Effective, confirmation window over  | Closed                | `closeCase`: the coordinator             |
/// | Opened, InMediation, AgreementSigned | MediationFailed       | `declareMediationFailed`: the mediator;  |
/// |                                      |                       | anyone once a refusing deadline passed   |
/// | MediationFailed                      | ReferredToLitigation  | `referToLitigation`: coordinator, creditor |
///
/// Closed and ReferredToLitigation are final.
enum CaseStatus {
    None,
    Opened,
    InMediation,
    /// The parties signed: every creditor has an agreement in the case (and, with several creditors,
    /// a standstill).
    AgreementSigned,
    /// The mediator signed: the mediation agreement is in force; the confirmation window runs.
    Effective,
    /// The borrower and every creditor joined the application for judicial confirmation.
    ConfirmationApplied,
    Confirmed,
    ConfirmationRefused,
    Closed,
    MediationFailed,
    ReferredToLitigation
}

/// @notice The deadlines a rulebook sets. Bit `d` of `Rulebook.lateRefused` says whether a late action
/// against deadline `d` is refused (set) or recorded as late (clear).
enum Deadline {
    /// The mediator starts mediating within `responseTime` of the opening.
    Response,
    /// The parties and the mediator sign within `maxMediationDuration` of the start of mediation.
    Mediation,
    /// The joint application for judicial confirmation within `confirmationWindow` of effectiveness.
    Confirmation
}

/// @notice The time limits and committee rules of one case type, set by the COMMITTEE. A case copies
/// its type's rulebook when it opens: later changes apply to later cases only. One slot.
struct Rulebook {
    // slot 0
    /// Seconds from the opening for the mediator to start mediating.
    uint32 responseTime;
    /// Seconds from the start of mediation until the agreement must be effective.
    uint32 maxMediationDuration;
    /// Seconds from effectiveness for the joint application for judicial confirmation (30 days).
    uint32 confirmationWindow;
    /// Seconds from effectiveness of the reminder (20 days); below `confirmationWindow`.
    uint32 confirmationReminder;
    /// The shortest cure period (seconds) an agreement of the case may carry.
    uint32 minCurePeriod;
    /// Seconds from the opening of a dispute until its panel must have decided.
    uint32 votingPeriod;
    /// Members of a dispute's panel, 1 to `MAX_PANEL_SIZE`.
    uint8 panelSize;
    /// Panel members who must have voted (abstentions count) before a decision, 1 to `panelSize`.
    uint8 quorum;
    /// Creditors a case of this type may have, 1 to `MAX_CREDITORS`.
    uint8 maxCreditors;
    /// Bit `uint8(Deadline)` set: a late action is refused; clear: it is recorded as late.
    uint8 lateRefused;
}

/// @notice A mediation case. No personal data: account ids and times only.
struct Case {
    // slot 0
    CaseStatus status;
    uint16 caseType;
    uint32 borrowerId;
    /// The LAWYER account that opened the case and coordinates it.
    uint32 coordinatorId;
    /// The LAWYER account that mediates; never the counsel of a creditor of the case.
    uint32 mediatorId;
    uint8 creditorCount;
    /// Bit `uint8(Deadline)` set when an action was recorded after that deadline.
    uint8 lateFlags;
    uint40 openedAt;
    uint40 mediationStartedAt;
    uint40 effectiveAt;
    // slot 1
    /// Bit `i` set when creditor `i` (in `getCreditors` order) joined the confirmation application;
    /// bit 31 for the borrower.
    uint32 joinedApplication;
    uint40 partiesSignedAt;
    uint40 appliedAt;
    /// When the case reached Confirmed, ConfirmationRefused, MediationFailed or Closed (the last).
    uint40 endedAt;
    /// When standstills were lifted (the case failed), or 0.
    uint40 standstillsLiftedAt;
    // slot 2
    Rulebook rules;
}

/// @notice One creditor of a case. One slot.
struct Creditor {
    // slot 0
    /// 1-based position in the case's creditor list (0: not a creditor of the case).
    uint8 seat;
    /// The LAWYER account the creditor declared as its counsel in the case, or 0.
    uint32 counselId;
    /// Agreements of this creditor added to the case.
    uint16 agreementCount;
    /// When its standstill was recorded (0: none) and until when it holds.
    uint40 standstillFrom;
    uint40 standstillUntil;
    /// Collection actions recorded while it was under standstill.
    uint32 breaches;
}

/// @notice A creditor's standstill, signed as EIP-712 typed data by one of its PLATFORM keys (domain
/// "Hejie Cases", version "1", the CaseRegistry's address): it suspends collection towards the case's
/// borrower from its recording until `endsAt`, or until the case fails.
struct Standstill {
    bytes32 caseId;
    /// The PLATFORM key that signs (an EOA or an ERC-1271 wallet).
    address creditor;
    /// The case's borrower account, so the signer sees whom the standstill protects.
    uint32 borrowerId;
    uint40 endsAt;
    /// The key's nonce (see `IMemberRegistry.increaseNonce`).
    uint32 nonce;
    /// The signature is void after this time.
    uint40 deadline;
}

/// @notice What the case's deadlines are, in Unix seconds (0: not running yet).
struct CaseDeadlines {
    uint40 responseDueAt;
    uint40 mediationDueAt;
    uint40 confirmationReminderAt;
    uint40 confirmationDueAt;
}

/// @notice What a dispute is about.
enum DisputeSubject {
    /// The agreement as a whole.
    Agreement,
    /// One payment report (settlement id and sequence), contested or not.
    PaymentReport,
    /// A clause of the agreement (identified by `clauseHash`).
    Clause
}

/// @notice A panel member's vote; also the outcome of a decided dispute (never `Abstain` or `None`).
enum Vote {
    None,
    /// The agreement stands as it is.
    Uphold,
    /// The payment report is void (PaymentReport disputes only).
    VoidPayment,
    /// The parties must sign an amendment.
    RequireAmendment,
    /// The agreement is terminated.
    Terminate,
    Abstain
}

/// @notice Lifecycle of a dispute: Open → Decided (a panel quorum and majority) or Expired (its
/// voting period passed undecided). Decided and Expired are final.
enum DisputeStatus {
    None,
    Open,
    Decided,
    Expired
}

/// @notice A dispute before a panel of the coordination committee.
struct Dispute {
    // slot 0
    bytes32 caseId;
    // slot 1
    bytes32 settlementId;
    // slot 2
    DisputeStatus status;
    DisputeSubject subject;
    /// The decision (a `Vote` other than None and Abstain), or None.
    Vote outcome;
    /// The agreement's status when the dispute opened (restored when it is upheld or expires).
    Status priorStatus;
    /// The report's sequence number (PaymentReport disputes).
    uint32 sequence;
    /// The account that opened it.
    uint32 openedBy;
    uint40 openedAt;
    uint40 votesDueAt;
    uint8 panelSize;
    uint8 quorum;
    uint8 voteCount;
    // slot 3
    /// Votes per option, indexed by `uint8(Vote)` (index 0 unused).
    uint8[6] tally;
    // slot 4
    /// The hash of the written resolution, once decided.
    bytes32 resolutionHash;
}
