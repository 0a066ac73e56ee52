// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {
    Case,
    CaseDeadlines,
    CaseStatus,
    Creditor,
    Deadline,
    Dispute,
    DisputeStatus,
    DisputeSubject,
    Rulebook,
    Standstill,
    Vote
} from "../types/CaseTypes.sol";
import {AccountKind} from "../types/MemberTypes.sol";
import {Status} from "../types/SettlementTypes.sol";

/// @title ICaseRegistry
/// @notice Mediation cases (one borrower, one or more creditors, the borrower's agreements), the
/// rulebook of time limits per case type, creditors' standstills, and the coordination committee's
/// disputes: panels, votes, decisions that take effect on the agreements through
/// `SettlementRegistry.transition` (the CaseRegistry holds the RESOLVER role).
/// Members, keys and agreements are read from the HejieRegistry. Only account ids, settlement ids,
/// times and hashes are stored: no personal data.
/// Every error is explained, with how to fix the call, in `docs/errors.md`.
interface ICaseRegistry {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    // Rulebooks
    error CaseRegistryInvalidRulebook(uint16 caseType);
    error CaseRegistryUnknownCaseType(uint16 caseType);

    // Cases and parties
    error CaseRegistryZeroCaseId();
    error CaseRegistryCaseExists(bytes32 caseId);
    error CaseRegistryCaseNotFound(bytes32 caseId);
    error CaseRegistryWrongAccount(uint32 accountId, AccountKind expected);
    error CaseRegistryCreditorCount(uint256 count, uint256 max);
    error CaseRegistryCreditorsNotSorted(uint256 index);
    error CaseRegistryUnknownCreditor(bytes32 caseId, uint32 creditorId);
    error CaseRegistryRoleConflict(bytes32 caseId, uint32 lawyerId);
    error CaseRegistryNotCoordinator(bytes32 caseId, address caller);
    error CaseRegistryNotMediator(bytes32 caseId, address caller);
    error CaseRegistryNotCreditor(bytes32 caseId, address caller);
    error CaseRegistryNotParty(bytes32 caseId, address caller);

    // Lifecycle and deadlines
    error CaseRegistryTransitionNotAllowed(bytes32 caseId, CaseStatus from, CaseStatus to);
    error CaseRegistryDeadlinePassed(bytes32 caseId, Deadline deadline, uint256 dueAt);
    error CaseRegistryAgreementMissing(bytes32 caseId, uint32 creditorId);
    error CaseRegistryStandstillMissing(bytes32 caseId, uint32 creditorId);
    error CaseRegistryAlreadyJoined(bytes32 caseId, uint32 accountId);
    error CaseRegistryConfirmationWindowOpen(bytes32 caseId, uint256 dueAt);

    // Agreements
    error CaseRegistryAgreementInCase(bytes32 settlementId, bytes32 caseId);
    error CaseRegistryAgreementNotActive(bytes32 settlementId, Status status);
    error CaseRegistryAgreementPartiesDiffer(bytes32 caseId, bytes32 settlementId);
    error CaseRegistryCurePeriodTooShort(bytes32 settlementId, uint32 curePeriod, uint32 minimum);

    // Standstills and collection
    error CaseRegistryCaseEnded(bytes32 caseId, CaseStatus status);
    error CaseRegistryStandstillExpired(uint40 deadline);
    error CaseRegistryWrongBorrower(bytes32 caseId, uint32 borrowerId);
    error CaseRegistryStaleNonce(address signer, uint32 signed, uint32 current);
    error CaseRegistryInvalidSignature(address signer);
    error CaseRegistryStandstillNotExtended(bytes32 caseId, uint32 creditorId, uint40 endsAt, uint40 current);
    error CaseRegistryFutureTime(uint40 occurredAt);
    error CaseRegistryCollectionAlreadyReported(bytes32 evidenceHash);

    // Disputes
    error CaseRegistryAgreementNotInCase(bytes32 caseId, bytes32 settlementId);
    error CaseRegistryNotAgreementParty(bytes32 settlementId, address caller);
    error CaseRegistryNotDisputable(bytes32 settlementId, Status status);
    error CaseRegistryDisputeAlreadyOpen(bytes32 settlementId, uint256 disputeId);
    error CaseRegistryReportNotRecorded(bytes32 settlementId, uint32 sequence);
    error CaseRegistryDisputeNotFound(uint256 disputeId);
    error CaseRegistryDisputeNotOpen(uint256 disputeId, DisputeStatus status);
    error CaseRegistryPanelAlreadyAppointed(uint256 disputeId);
    error CaseRegistryPanelSize(uint256 disputeId, uint256 size, uint256 expected);
    error CaseRegistryPanelNotSorted(uint256 index);
    error CaseRegistryNotPanelMember(uint256 disputeId, address caller);
    error CaseRegistryAlreadyVoted(uint256 disputeId, uint32 memberId);
    error CaseRegistryInvalidVote(uint256 disputeId, Vote vote);
    error CaseRegistryVotingClosed(uint256 disputeId, uint256 votesDueAt);
    error CaseRegistryVotingNotClosed(uint256 disputeId, uint256 votesDueAt);
    error CaseRegistryQuorumNotReached(uint256 disputeId, uint256 votes, uint256 quorum);
    error CaseRegistryNoMajority(uint256 disputeId);
    error CaseRegistryZeroResolution(uint256 disputeId);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event RulebookSet(uint16 indexed caseType, Rulebook rules);
    event CaseOpened(
        bytes32 indexed caseId,
        uint16 indexed caseType,
        uint32 indexed borrowerId,
        uint32 coordinatorId,
        uint32 mediatorId,
        uint32[] creditorIds
    );
    event CounselDeclared(bytes32 indexed caseId, uint32 indexed creditorId, uint32 counselId);
    event AgreementAdded(bytes32 indexed caseId, bytes32 indexed settlementId, uint32 creditorId);
    /// @param documentHash The salted hash of the document behind the step (the signed mediation
    /// agreement, the court's ruling, the reason for failure, the litigation filing), or zero.
    event CaseStatusChanged(bytes32 indexed caseId, CaseStatus from, CaseStatus to, bytes32 documentHash);
    /// @notice An action was taken after `deadline` (due at `dueAt`) and the rulebook records it as late.
    event LateActionRecorded(bytes32 indexed caseId, Deadline deadline, uint40 dueAt);
    event ConfirmationJoined(bytes32 indexed caseId, uint32 indexed accountId, bytes32 applicationHash);
    event StandstillRecorded(
        bytes32 indexed caseId,
        uint32 indexed creditorId,
        uint32 indexed borrowerId,
        uint40 from,
        uint40 until
    );
    /// @param breach True when the creditor was under standstill at `occurredAt` (see `StandstillBreached`).
    event CollectionRecorded(
        bytes32 indexed caseId,
        uint32 indexed creditorId,
        uint40 occurredAt,
        bytes32 evidenceHash,
        uint32 reportedBy,
        bool breach
    );
    event StandstillBreached(
        bytes32 indexed caseId,
        uint32 indexed creditorId,
        uint40 occurredAt,
        bytes32 evidenceHash
    );
    event DisputeOpened(
        uint256 indexed disputeId,
        bytes32 indexed caseId,
        bytes32 indexed settlementId,
        DisputeSubject subject,
        uint32 sequence,
        bytes32 clauseHash,
        bytes32 evidenceHash,
        uint32 openedBy
    );
    event PanelAppointed(uint256 indexed disputeId, uint32[] memberIds, uint32 appointedBy);
    event VoteCast(uint256 indexed disputeId, uint32 indexed memberId, Vote vote, bytes32 opinionHash);
    /// @param applied Whether the outcome changed the agreement's status in the SettlementRegistry
    /// (false when the agreement had left Disputed meanwhile, e.g. superseded by an amendment, or
    /// when the outcome keeps it Disputed).
    event DisputeDecided(uint256 indexed disputeId, Vote outcome, bytes32 resolutionHash, bool applied);
    event DisputeExpired(uint256 indexed disputeId, bool restored);
    /// @notice The committee voided a payment report. The SettlementRegistry has no hook to un-record
    /// a payment: the agreement stays Disputed until an amendment supersedes it.
    event PaymentVoided(bytes32 indexed settlementId, uint32 sequence, uint256 indexed disputeId);
    /// @notice The committee requires an amendment: the agreement stays Disputed until the parties
    /// register one (Disputed → Superseded).
    event AmendmentRequired(bytes32 indexed settlementId, uint256 indexed disputeId);

    /*//////////////////////////////////////////////////////////////
                          COMMITTEE: RULEBOOKS
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the rulebook of `caseType` (COMMITTEE). Cases opened afterwards use it.
    function setRulebook(uint16 caseType, Rulebook calldata rules) external;

    /*//////////////////////////////////////////////////////////////
                                 CASES
    //////////////////////////////////////////////////////////////*/

    /// @notice A LAWYER key opens a case and becomes its coordinator; `mediatorId` (a lawyer account,
    /// possibly the coordinator's own) is appointed and accepts by starting the mediation.
    /// @param creditorIds Platform accounts, strictly increasing, 1 to the rulebook's `maxCreditors`.
    function openCase(
        bytes32 caseId,
        uint16 caseType,
        uint32 borrowerId,
        uint32[] calldata creditorIds,
        uint32 mediatorId
    ) external;

    /// @notice A creditor's PLATFORM key declares the lawyer representing it in the case (before
    /// the parties sign). Refused for the case's mediator (role conflict).
    function declareCounsel(bytes32 caseId, uint32 counselId) external;

    /// @notice The coordinator adds a registered, Active agreement between the case's borrower and
    /// one of its creditors (Opened or InMediation).
    function addAgreement(bytes32 caseId, bytes32 settlementId) external;

    /// @notice Opened → InMediation, by the mediator (Response deadline).
    function startMediation(bytes32 caseId) external;

    /// @notice InMediation → AgreementSigned, by the coordinator (Mediation deadline): every creditor
    /// has an agreement in the case and, with several creditors, a standstill.
    function recordPartiesSigned(bytes32 caseId, bytes32 agreementHash) external;

    /// @notice AgreementSigned → Effective, by the mediator (Mediation deadline). Starts the
    /// confirmation window.
    function signAsMediator(bytes32 caseId) external;

    /// @notice The borrower's wallet or a creditor's PLATFORM key joins the application for judicial
    /// confirmation (Confirmation deadline); the last to join moves Effective → ConfirmationApplied.
    function applyForConfirmation(bytes32 caseId, bytes32 applicationHash) external;

    /// @notice ConfirmationApplied → Confirmed or ConfirmationRefused, by the coordinator.
    function recordRuling(bytes32 caseId, bool confirmed, bytes32 rulingHash) external;

    /// @notice → Closed, by the coordinator: from Confirmed or ConfirmationRefused, or from Effective
    /// once the confirmation window is over.
    function closeCase(bytes32 caseId) external;

    /// @notice Opened, InMediation or AgreementSigned → MediationFailed: by the mediator, or by anyone
    /// once the running deadline (Response, then Mediation) has passed and the rulebook refuses late
    /// actions against it. Lifts the case's standstills.
    function declareMediationFailed(bytes32 caseId, bytes32 reasonHash) external;

    /// @notice MediationFailed → ReferredToLitigation, by the coordinator or a creditor.
    function referToLitigation(bytes32 caseId, bytes32 filingHash) external;

    /*//////////////////////////////////////////////////////////////
                        STANDSTILLS AND COLLECTION
    //////////////////////////////////////////////////////////////*/

    /// @notice Records a creditor's signed standstill (anyone may submit it), or extends it with a
    /// later `endsAt`. The case must not have ended.
    function recordStandstill(Standstill calldata standstill, bytes calldata signature) external;

    /// @notice Records a collection action by `creditorId` towards the case's borrower, reported by
    /// the borrower's wallet (with evidence) or by the creditor itself; flagged as a breach when the
    /// creditor was under standstill at `occurredAt`.
    function reportCollection(bytes32 caseId, uint32 creditorId, uint40 occurredAt, bytes32 evidenceHash) external;

    /*//////////////////////////////////////////////////////////////
                               DISPUTES
    //////////////////////////////////////////////////////////////*/

    /// @notice A party of an agreement in the case (its borrower, platform or lawyer) opens a dispute;
    /// the agreement (Active or InDefault) becomes Disputed.
    /// @param sequence The payment report's sequence number (PaymentReport disputes; else ignored).
    /// @param clauseHash The clause's salted hash (Clause disputes; else free).
    function openDispute(
        bytes32 caseId,
        bytes32 settlementId,
        DisputeSubject subject,
        uint32 sequence,
        bytes32 clauseHash,
        bytes32 evidenceHash
    ) external returns (uint256 disputeId);

    /// @notice A COMMITTEE key appoints the panel: exactly the rulebook's `panelSize` active committee
    /// member accounts, strictly increasing.
    function appointPanel(uint256 disputeId, uint32[] calldata memberIds) external;

    /// @notice A panel member votes once, before the voting deadline.
    function castVote(uint256 disputeId, Vote vote, bytes32 opinionHash) external;

    /// @notice A panel member records the decision and its written resolution once a quorum voted and
    /// one option holds a majority no later vote can overturn; the outcome takes effect.
    function resolveDispute(uint256 disputeId, bytes32 resolutionHash) external returns (Vote outcome);

    /// @notice Anyone marks an undecided dispute whose voting deadline passed as Expired; the agreement
    /// returns to its status before the dispute.
    function expireDispute(uint256 disputeId) external;

    /*//////////////////////////////////////////////////////////////
                                GETTERS
    //////////////////////////////////////////////////////////////*/

    function MAX_CREDITORS() external view returns (uint256);

    function MAX_PANEL_SIZE() external view returns (uint256);

    /// @notice keccak256 of the `Standstill` EIP-712 type string (see `protocol/typed-data.ts`).
    function STANDSTILL_TYPEHASH() external view returns (bytes32);

    /// @notice The HejieRegistry whose members and agreements the cases refer to.
    function hejieRegistry() external view returns (address);

    function getRulebook(uint16 caseType) external view returns (Rulebook memory);

    function getCase(bytes32 caseId) external view returns (Case memory);

    function getCreditors(bytes32 caseId) external view returns (uint32[] memory);

    function getCreditor(bytes32 caseId, uint32 creditorId) external view returns (Creditor memory);

    function getAgreements(bytes32 caseId) external view returns (bytes32[] memory);

    /// @return The case an agreement belongs to, or zero.
    function caseOf(bytes32 settlementId) external view returns (bytes32);

    /// @notice The case's deadlines (0 when not running yet), for the gateway's deadline view.
    function deadlines(bytes32 caseId) external view returns (CaseDeadlines memory);

    /// @notice Whether `creditorId` is under a standstill towards `borrowerId` now.
    function isUnderStandstill(uint32 creditorId, uint32 borrowerId) external view returns (bool);

    /// @notice Whether the case's creditor was under standstill at `time`.
    function wasUnderStandstill(bytes32 caseId, uint32 creditorId, uint256 time) external view returns (bool);

    /// @notice The EIP-712 digest of a standstill (domain "Hejie Cases", version "1").
    function standstillDigest(Standstill calldata standstill) external view returns (bytes32);

    function disputeCount() external view returns (uint256);

    function getDispute(uint256 disputeId) external view returns (Dispute memory);

    function getPanel(uint256 disputeId) external view returns (uint32[] memory);

    function voteOf(uint256 disputeId, uint32 memberId) external view returns (Vote);

    /// @return The open dispute about an agreement, or 0.
    function openDisputeOf(bytes32 settlementId) external view returns (uint256);

    /// @return The dispute that voided the payment report, or 0.
    function paymentVoidedBy(bytes32 settlementId, uint32 sequence) external view returns (uint256);
}
