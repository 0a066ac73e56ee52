// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {ICaseRegistry} from "./interfaces/ICaseRegistry.sol";
import {IMemberRegistry} from "./interfaces/IMemberRegistry.sol";
import {CaseAccess} from "./libraries/CaseAccess.sol";
import {CaseLogic} from "./libraries/CaseLogic.sol";
import {CaseRules} from "./libraries/CaseRules.sol";
import {DisputeLogic} from "./libraries/DisputeLogic.sol";
import {Roles} from "./libraries/Roles.sol";
import {
    Case,
    CaseDeadlines,
    CaseStatus,
    Creditor,
    Deadline,
    Dispute,
    DisputeSubject,
    Rulebook,
    Standstill,
    Vote
} from "./types/CaseTypes.sol";
import {AccountKind, Key, KeyStatus} from "./types/MemberTypes.sol";

/// @title CaseRegistry
/// @notice See {ICaseRegistry}. Governed by Hejie's AccessManager: `setRulebook` and `appointPanel`
/// are restricted to COMMITTEE, `openCase` to LAWYER; every other action is authorised by the
/// caller's key as the HejieRegistry records it (its account and role) against the parties the case
/// declares. The contract holds RESOLVER, so the committee's decisions take effect on agreements
/// through `SettlementRegistry.transition`.
/// @dev A separate contract: the HejieRegistry is near the code size limit, and cases are read far
/// less often than payments. It reads the registry through its external getters (`getKey`,
/// `getAccount`, `getSettlement`), which do not revert, so refusals are this contract's own errors.
contract CaseRegistry is ICaseRegistry, AccessManaged, EIP712 {
    /// @inheritdoc ICaseRegistry
    uint256 public constant MAX_CREDITORS = CaseRules.MAX_CREDITORS;
    /// @inheritdoc ICaseRegistry
    uint256 public constant MAX_PANEL_SIZE = CaseRules.MAX_PANEL_SIZE;

    /// @dev The borrower's bit in `Case.joinedApplication` (creditors use bits 0 to MAX_CREDITORS - 1).
    uint32 private constant BORROWER_BIT = 1 << 31;

    /// @inheritdoc ICaseRegistry
    /// @dev keccak256("Standstill(bytes32 caseId,address creditor,uint32 borrowerId,uint40 endsAt,
    /// uint32 nonce,uint40 deadline)")
    bytes32 public constant STANDSTILL_TYPEHASH = keccak256(
        "Standstill(bytes32 caseId,address creditor,uint32 borrowerId,uint40 endsAt,uint32 nonce,uint40 deadline)"
    );

    address private immutable _registry;

    CaseLogic.Layout private _state;
    DisputeLogic.Layout private _disputes;

    constructor(address manager, address registry) AccessManaged(manager) EIP712("Hejie Cases", "1") {
        _registry = registry;
    }

    /*//////////////////////////////////////////////////////////////
                          COMMITTEE: RULEBOOKS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICaseRegistry
    function setRulebook(uint16 caseType, Rulebook calldata rules) external restricted {
        if (caseType == 0 || !CaseRules.isValid(rules)) revert CaseRegistryInvalidRulebook(caseType);
        _state.rulebooks[caseType] = rules;
        emit RulebookSet(caseType, rules);
    }

    /*//////////////////////////////////////////////////////////////
                                 CASES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICaseRegistry
    function openCase(
        bytes32 caseId,
        uint16 caseType,
        uint32 borrowerId,
        uint32[] calldata creditorIds,
        uint32 mediatorId
    ) external restricted {
        CaseLogic.openCase(_state, _registry, caseId, caseType, borrowerId, creditorIds, mediatorId);
    }

    /// @inheritdoc ICaseRegistry
    function declareCounsel(bytes32 caseId, uint32 counselId) external {
        CaseLogic.declareCounsel(_state, _registry, caseId, counselId);
    }

    /// @inheritdoc ICaseRegistry
    function addAgreement(bytes32 caseId, bytes32 settlementId) external {
        CaseLogic.addAgreement(_state, _registry, caseId, settlementId);
    }

    /// @inheritdoc ICaseRegistry
    function startMediation(bytes32 caseId) external {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        _requireMediator(caseId, c);
        _requireStatus(caseId, c, CaseStatus.Opened, CaseStatus.InMediation);
        _checkDeadline(caseId, c, Deadline.Response, uint256(c.openedAt) + c.rules.responseTime);
        c.mediationStartedAt = uint40(block.timestamp);
        _setStatus(caseId, c, CaseStatus.InMediation, bytes32(0));
    }

    /// @inheritdoc ICaseRegistry
    function recordPartiesSigned(bytes32 caseId, bytes32 agreementHash) external {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        _requireCoordinator(caseId, c);
        _requireStatus(caseId, c, CaseStatus.InMediation, CaseStatus.AgreementSigned);
        uint32[] storage creditorIds = _state.creditorLists[caseId];
        uint256 count = creditorIds.length;
        for (uint256 i = 0; i < count; ++i) {
            Creditor storage creditor = _state.creditors[caseId][creditorIds[i]];
            if (creditor.agreementCount == 0) revert CaseRegistryAgreementMissing(caseId, creditorIds[i]);
            if (count > 1 && creditor.standstillFrom == 0) revert CaseRegistryStandstillMissing(caseId, creditorIds[i]);
        }
        _checkDeadline(caseId, c, Deadline.Mediation, _mediationDueAt(c));
        c.partiesSignedAt = uint40(block.timestamp);
        _setStatus(caseId, c, CaseStatus.AgreementSigned, agreementHash);
    }

    /// @inheritdoc ICaseRegistry
    function signAsMediator(bytes32 caseId) external {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        _requireMediator(caseId, c);
        _requireStatus(caseId, c, CaseStatus.AgreementSigned, CaseStatus.Effective);
        _checkDeadline(caseId, c, Deadline.Mediation, _mediationDueAt(c));
        c.effectiveAt = uint40(block.timestamp);
        _setStatus(caseId, c, CaseStatus.Effective, bytes32(0));
    }

    /// @inheritdoc ICaseRegistry
    function applyForConfirmation(bytes32 caseId, bytes32 applicationHash) external {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        _requireStatus(caseId, c, CaseStatus.Effective, CaseStatus.ConfirmationApplied);
        (uint32 accountId, uint32 bit) = _applicant(caseId, c);
        if (c.joinedApplication & bit != 0) revert CaseRegistryAlreadyJoined(caseId, accountId);
        _checkDeadline(caseId, c, Deadline.Confirmation, uint256(c.effectiveAt) + c.rules.confirmationWindow);
        uint32 joined = c.joinedApplication | bit;
        c.joinedApplication = joined;
        emit ConfirmationJoined(caseId, accountId, applicationHash);
        // creditorCount <= MAX_CREDITORS (16): its bits stay below the borrower's.
        uint32 everyone = BORROWER_BIT | ((uint32(1) << c.creditorCount) - 1);
        if (joined == everyone) {
            c.appliedAt = uint40(block.timestamp);
            _setStatus(caseId, c, CaseStatus.ConfirmationApplied, applicationHash);
        }
    }

    /// @inheritdoc ICaseRegistry
    function recordRuling(bytes32 caseId, bool confirmed, bytes32 rulingHash) external {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        _requireCoordinator(caseId, c);
        CaseStatus to = confirmed ? CaseStatus.Confirmed : CaseStatus.ConfirmationRefused;
        _requireStatus(caseId, c, CaseStatus.ConfirmationApplied, to);
        c.endedAt = uint40(block.timestamp);
        _setStatus(caseId, c, to, rulingHash);
    }

    /// @inheritdoc ICaseRegistry
    function closeCase(bytes32 caseId) external {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        _requireCoordinator(caseId, c);
        CaseStatus from = c.status;
        if (from == CaseStatus.Effective) {
            uint256 dueAt = uint256(c.effectiveAt) + c.rules.confirmationWindow;
            if (block.timestamp <= dueAt) revert CaseRegistryConfirmationWindowOpen(caseId, dueAt);
        } else if (from != CaseStatus.Confirmed && from != CaseStatus.ConfirmationRefused) {
            revert CaseRegistryTransitionNotAllowed(caseId, from, CaseStatus.Closed);
        }
        c.endedAt = uint40(block.timestamp);
        _setStatus(caseId, c, CaseStatus.Closed, bytes32(0));
    }

    /// @inheritdoc ICaseRegistry
    function declareMediationFailed(bytes32 caseId, bytes32 reasonHash) external {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        CaseStatus from = c.status;
        Deadline running;
        uint256 dueAt;
        if (from == CaseStatus.Opened) {
            (running, dueAt) = (Deadline.Response, uint256(c.openedAt) + c.rules.responseTime);
        } else if (from == CaseStatus.InMediation || from == CaseStatus.AgreementSigned) {
            (running, dueAt) = (Deadline.Mediation, _mediationDueAt(c));
        } else {
            revert CaseRegistryTransitionNotAllowed(caseId, from, CaseStatus.MediationFailed);
        }
        // Anyone may end a case that can no longer progress: its running deadline passed and the
        // rulebook refuses late actions against it. Otherwise only the mediator.
        bool stalled = block.timestamp > dueAt && CaseRules.refusesLate(c.rules, running);
        if (!stalled && _accountOf(msg.sender, Roles.LAWYER) != c.mediatorId) {
            revert CaseRegistryNotMediator(caseId, msg.sender);
        }
        c.endedAt = uint40(block.timestamp);
        c.standstillsLiftedAt = uint40(block.timestamp);
        _setStatus(caseId, c, CaseStatus.MediationFailed, reasonHash);
    }

    /// @inheritdoc ICaseRegistry
    function referToLitigation(bytes32 caseId, bytes32 filingHash) external {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        if (
            _accountOf(msg.sender, Roles.LAWYER) != c.coordinatorId &&
            _state.creditors[caseId][_accountOf(msg.sender, Roles.PLATFORM)].seat == 0
        ) revert CaseRegistryNotParty(caseId, msg.sender);
        _requireStatus(caseId, c, CaseStatus.MediationFailed, CaseStatus.ReferredToLitigation);
        _setStatus(caseId, c, CaseStatus.ReferredToLitigation, filingHash);
    }

    /*//////////////////////////////////////////////////////////////
                        STANDSTILLS AND COLLECTION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICaseRegistry
    function recordStandstill(Standstill calldata standstill, bytes calldata signature) external {
        CaseLogic.recordStandstill(_state, _registry, standstill, standstillDigest(standstill), signature);
    }

    /// @inheritdoc ICaseRegistry
    function reportCollection(bytes32 caseId, uint32 creditorId, uint40 occurredAt, bytes32 evidenceHash) external {
        CaseLogic.reportCollection(_state, _registry, caseId, creditorId, occurredAt, evidenceHash);
    }

    /*//////////////////////////////////////////////////////////////
                               DISPUTES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICaseRegistry
    function openDispute(
        bytes32 caseId,
        bytes32 settlementId,
        DisputeSubject subject,
        uint32 sequence,
        bytes32 clauseHash,
        bytes32 evidenceHash
    ) external returns (uint256) {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        if (_state.caseOf[settlementId] != caseId) revert CaseRegistryAgreementNotInCase(caseId, settlementId);
        return
            DisputeLogic.open(
                _disputes,
                _registry,
                caseId,
                c.rules,
                settlementId,
                subject,
                sequence,
                clauseHash,
                evidenceHash
            );
    }

    /// @inheritdoc ICaseRegistry
    function appointPanel(uint256 disputeId, uint32[] calldata memberIds) external restricted {
        DisputeLogic.appointPanel(_disputes, _registry, disputeId, memberIds);
    }

    /// @inheritdoc ICaseRegistry
    function castVote(uint256 disputeId, Vote vote, bytes32 opinionHash) external {
        DisputeLogic.castVote(_disputes, _registry, disputeId, vote, opinionHash);
    }

    /// @inheritdoc ICaseRegistry
    function resolveDispute(uint256 disputeId, bytes32 resolutionHash) external returns (Vote) {
        return DisputeLogic.resolve(_disputes, _registry, disputeId, resolutionHash);
    }

    /// @inheritdoc ICaseRegistry
    function expireDispute(uint256 disputeId) external {
        DisputeLogic.expire(_disputes, _registry, disputeId);
    }

    /*//////////////////////////////////////////////////////////////
                                GETTERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICaseRegistry
    function hejieRegistry() external view returns (address) {
        return _registry;
    }

    /// @inheritdoc ICaseRegistry
    function getRulebook(uint16 caseType) external view returns (Rulebook memory) {
        return _state.rulebooks[caseType];
    }

    /// @inheritdoc ICaseRegistry
    function getCase(bytes32 caseId) external view returns (Case memory) {
        return _state.cases[caseId];
    }

    /// @inheritdoc ICaseRegistry
    function getCreditors(bytes32 caseId) external view returns (uint32[] memory) {
        return _state.creditorLists[caseId];
    }

    /// @inheritdoc ICaseRegistry
    function getCreditor(bytes32 caseId, uint32 creditorId) external view returns (Creditor memory) {
        return _state.creditors[caseId][creditorId];
    }

    /// @inheritdoc ICaseRegistry
    function getAgreements(bytes32 caseId) external view returns (bytes32[] memory) {
        return _state.agreements[caseId];
    }

    /// @inheritdoc ICaseRegistry
    function caseOf(bytes32 settlementId) external view returns (bytes32) {
        return _state.caseOf[settlementId];
    }

    /// @inheritdoc ICaseRegistry
    function deadlines(bytes32 caseId) external view returns (CaseDeadlines memory dl) {
        Case storage c = CaseLogic.existingCase(_state, caseId);
        Rulebook memory rules = c.rules;
        // Casts: uint40 times plus uint32 periods stay far below 2^40 for any real date.
        dl.responseDueAt = uint40(uint256(c.openedAt) + rules.responseTime);
        if (c.mediationStartedAt != 0) dl.mediationDueAt = uint40(_mediationDueAt(c));
        if (c.effectiveAt != 0) {
            dl.confirmationReminderAt = uint40(uint256(c.effectiveAt) + rules.confirmationReminder);
            dl.confirmationDueAt = uint40(uint256(c.effectiveAt) + rules.confirmationWindow);
        }
    }

    /// @inheritdoc ICaseRegistry
    function isUnderStandstill(uint32 creditorId, uint32 borrowerId) external view returns (bool) {
        bytes32 caseId = _state.standstillCase[creditorId][borrowerId];
        return
            caseId != bytes32(0) &&
            CaseLogic.underStandstill(_state.cases[caseId], _state.creditors[caseId][creditorId], block.timestamp);
    }

    /// @inheritdoc ICaseRegistry
    function wasUnderStandstill(bytes32 caseId, uint32 creditorId, uint256 time) external view returns (bool) {
        return CaseLogic.underStandstill(_state.cases[caseId], _state.creditors[caseId][creditorId], time);
    }

    /// @inheritdoc ICaseRegistry
    function standstillDigest(Standstill calldata s) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(STANDSTILL_TYPEHASH, s.caseId, s.creditor, s.borrowerId, s.endsAt, s.nonce, s.deadline)
                )
            );
    }

    /// @inheritdoc ICaseRegistry
    function disputeCount() external view returns (uint256) {
        return _disputes.count;
    }

    /// @inheritdoc ICaseRegistry
    function getDispute(uint256 disputeId) external view returns (Dispute memory) {
        return _disputes.disputes[disputeId];
    }

    /// @inheritdoc ICaseRegistry
    function getPanel(uint256 disputeId) external view returns (uint32[] memory) {
        return _disputes.panels[disputeId];
    }

    /// @inheritdoc ICaseRegistry
    function voteOf(uint256 disputeId, uint32 memberId) external view returns (Vote) {
        return _disputes.votes[disputeId][memberId];
    }

    /// @inheritdoc ICaseRegistry
    function openDisputeOf(bytes32 settlementId) external view returns (uint256) {
        return _disputes.openDisputes[settlementId];
    }

    /// @inheritdoc ICaseRegistry
    function paymentVoidedBy(bytes32 settlementId, uint32 sequence) external view returns (uint256) {
        return _disputes.voidedPayments[DisputeLogic.reportKey(settlementId, sequence)];
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _accountOf(address key, uint64 role) private view returns (uint32) {
        return CaseAccess.accountOf(_registry, key, role);
    }

    function _requireAccount(uint32 accountId, AccountKind kind) private view {
        CaseAccess.requireAccount(_registry, accountId, kind);
    }

    function _requireCoordinator(bytes32 caseId, Case storage c) private view {
        if (_accountOf(msg.sender, Roles.LAWYER) != c.coordinatorId)
            revert CaseRegistryNotCoordinator(caseId, msg.sender);
    }

    function _requireMediator(bytes32 caseId, Case storage c) private view {
        if (_accountOf(msg.sender, Roles.LAWYER) != c.mediatorId) revert CaseRegistryNotMediator(caseId, msg.sender);
    }

    function _requireStatus(bytes32 caseId, Case storage c, CaseStatus from, CaseStatus to) private view {
        if (c.status != from) revert CaseRegistryTransitionNotAllowed(caseId, c.status, to);
    }

    function _setStatus(bytes32 caseId, Case storage c, CaseStatus to, bytes32 documentHash) private {
        CaseStatus from = c.status;
        c.status = to;
        emit CaseStatusChanged(caseId, from, to, documentHash);
    }

    function _mediationDueAt(Case storage c) private view returns (uint256) {
        return uint256(c.mediationStartedAt) + c.rules.maxMediationDuration;
    }

    /// @dev Refuses a late action, or records it as late, as the case's rulebook says.
    function _checkDeadline(bytes32 caseId, Case storage c, Deadline deadline, uint256 dueAt) private {
        if (block.timestamp <= dueAt) return;
        if (CaseRules.refusesLate(c.rules, deadline)) revert CaseRegistryDeadlinePassed(caseId, deadline, dueAt);
        c.lateFlags |= uint8(1 << uint8(deadline));
        // Cast: dueAt is a uint40 time plus a uint32 period.
        emit LateActionRecorded(caseId, deadline, uint40(dueAt));
    }

    /// @dev The caller as an applicant for judicial confirmation: the borrower's wallet or a creditor's
    /// PLATFORM key; with its bit in `joinedApplication`.
    function _applicant(bytes32 caseId, Case storage c) private view returns (uint32 accountId, uint32 bit) {
        Key memory k = IMemberRegistry(_registry).getKey(msg.sender);
        if (k.status == KeyStatus.Active) {
            if (k.role == Roles.BORROWER && k.accountId == c.borrowerId) return (k.accountId, BORROWER_BIT);
            uint8 seat = _state.creditors[caseId][k.accountId].seat;
            if (k.role == Roles.PLATFORM && seat != 0) return (k.accountId, uint32(1) << (seat - 1));
        }
        revert CaseRegistryNotParty(caseId, msg.sender);
    }
}
