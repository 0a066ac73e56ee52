// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICaseRegistry} from "../interfaces/ICaseRegistry.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {ISettlementRegistry} from "../interfaces/ISettlementRegistry.sol";
import {Dispute, DisputeStatus, DisputeSubject, Rulebook, Vote} from "../types/CaseTypes.sol";
import {AccountKind, Key, KeyStatus} from "../types/MemberTypes.sol";
import {Ledger, Profile, Status} from "../types/SettlementTypes.sol";
import {CaseAccess} from "./CaseAccess.sol";
import {CaseRules} from "./CaseRules.sol";
import {Roles} from "./Roles.sol";

/// @title DisputeLogic
/// @notice The coordination committee's disputes: opening (the agreement becomes Disputed), the
/// panel, the votes, the decision and its effect on the agreement, expiry.
/// @dev An external library (called by DELEGATECALL: storage, events and the RESOLVER calls to the
/// HejieRegistry are the CaseRegistry's), which keeps the CaseRegistry under the code size limit.
library DisputeLogic {
    /// @dev The CaseRegistry's dispute state, in one struct so that the library can work on it.
    struct Layout {
        uint256 count;
        mapping(uint256 disputeId => Dispute) disputes;
        mapping(uint256 disputeId => uint32[] memberIds) panels;
        mapping(uint256 disputeId => mapping(uint32 memberId => uint8 seat)) seats;
        mapping(uint256 disputeId => mapping(uint32 memberId => Vote)) votes;
        mapping(bytes32 settlementId => uint256 disputeId) openDisputes;
        mapping(bytes32 reportKey => uint256 disputeId) voidedPayments;
    }

    /// @dev The caller must be a party of the agreement; the case's membership of the agreement is
    /// checked by the CaseRegistry.
    function open(
        Layout storage s,
        address registry,
        bytes32 caseId,
        Rulebook storage rules,
        bytes32 settlementId,
        DisputeSubject subject,
        uint32 sequence,
        bytes32 clauseHash,
        bytes32 evidenceHash
    ) external returns (uint256 disputeId) {
        // Check:
        (Ledger memory ledger, uint32 openedBy) = _checkOpen(s, registry, settlementId, subject, sequence);

        // Effect:
        disputeId = ++s.count;
        Dispute storage d = s.disputes[disputeId];
        d.caseId = caseId;
        d.settlementId = settlementId;
        d.status = DisputeStatus.Open;
        d.subject = subject;
        d.priorStatus = ledger.status;
        d.sequence = subject == DisputeSubject.PaymentReport ? sequence : 0;
        d.openedBy = openedBy;
        d.openedAt = uint40(block.timestamp);
        // Cast: a uint40 time plus a uint32 period.
        d.votesDueAt = uint40(block.timestamp + rules.votingPeriod);
        d.panelSize = rules.panelSize;
        d.quorum = rules.quorum;
        s.openDisputes[settlementId] = disputeId;
        emit ICaseRegistry.DisputeOpened(
            disputeId,
            caseId,
            settlementId,
            subject,
            d.sequence,
            clauseHash,
            evidenceHash,
            openedBy
        );

        // Interaction: the agreement goes before the committee.
        ISettlementRegistry(registry).transition(settlementId, Status.Disputed, bytes32(disputeId));
    }

    /// @dev The caller holds COMMITTEE (checked by the AccessManager).
    function appointPanel(Layout storage s, address registry, uint256 disputeId, uint32[] calldata memberIds) external {
        Dispute storage d = _open(s, disputeId);
        if (s.panels[disputeId].length != 0) revert ICaseRegistry.CaseRegistryPanelAlreadyAppointed(disputeId);
        if (block.timestamp > d.votesDueAt) revert ICaseRegistry.CaseRegistryVotingClosed(disputeId, d.votesDueAt);
        uint256 size = memberIds.length;
        if (size != d.panelSize) revert ICaseRegistry.CaseRegistryPanelSize(disputeId, size, d.panelSize);
        for (uint256 i = 0; i < size; ++i) {
            uint32 memberId = memberIds[i];
            if (i != 0 && memberId <= memberIds[i - 1]) revert ICaseRegistry.CaseRegistryPanelNotSorted(i);
            CaseAccess.requireAccount(registry, memberId, AccountKind.CommitteeMember);
            // Cast: size == panelSize <= MAX_PANEL_SIZE.
            s.seats[disputeId][memberId] = uint8(i + 1);
        }
        s.panels[disputeId] = memberIds;
        emit ICaseRegistry.PanelAppointed(
            disputeId,
            memberIds,
            CaseAccess.accountOf(registry, msg.sender, Roles.COMMITTEE)
        );
    }

    function castVote(Layout storage s, address registry, uint256 disputeId, Vote vote, bytes32 opinionHash) external {
        Dispute storage d = _open(s, disputeId);
        uint32 memberId = _panelMember(s, registry, disputeId);
        if (block.timestamp > d.votesDueAt) revert ICaseRegistry.CaseRegistryVotingClosed(disputeId, d.votesDueAt);
        if (s.votes[disputeId][memberId] != Vote.None)
            revert ICaseRegistry.CaseRegistryAlreadyVoted(disputeId, memberId);
        if (vote == Vote.None || (vote == Vote.VoidPayment && d.subject != DisputeSubject.PaymentReport)) {
            revert ICaseRegistry.CaseRegistryInvalidVote(disputeId, vote);
        }
        s.votes[disputeId][memberId] = vote;
        // Unchecked: each seated member votes once, so counts stay within panelSize <= MAX_PANEL_SIZE.
        unchecked {
            ++d.voteCount;
            ++d.tally[uint8(vote)];
        }
        emit ICaseRegistry.VoteCast(disputeId, memberId, vote, opinionHash);
    }

    function resolve(
        Layout storage s,
        address registry,
        uint256 disputeId,
        bytes32 resolutionHash
    ) external returns (Vote outcome) {
        // Check:
        Dispute storage d = _open(s, disputeId);
        _panelMember(s, registry, disputeId);
        if (block.timestamp > d.votesDueAt) revert ICaseRegistry.CaseRegistryVotingClosed(disputeId, d.votesDueAt);
        if (resolutionHash == bytes32(0)) revert ICaseRegistry.CaseRegistryZeroResolution(disputeId);
        if (d.voteCount < d.quorum) revert ICaseRegistry.CaseRegistryQuorumNotReached(disputeId, d.voteCount, d.quorum);
        outcome = CaseRules.majority(d.tally, d.panelSize);
        if (outcome == Vote.None) revert ICaseRegistry.CaseRegistryNoMajority(disputeId);

        // Effect:
        bytes32 settlementId = d.settlementId;
        d.status = DisputeStatus.Decided;
        d.outcome = outcome;
        d.resolutionHash = resolutionHash;
        delete s.openDisputes[settlementId];
        if (outcome == Vote.VoidPayment) {
            s.voidedPayments[reportKey(settlementId, d.sequence)] = disputeId;
            emit ICaseRegistry.PaymentVoided(settlementId, d.sequence, disputeId);
        } else if (outcome == Vote.RequireAmendment) {
            emit ICaseRegistry.AmendmentRequired(settlementId, disputeId);
        }

        // Interaction: Terminate and Uphold change the agreement; VoidPayment and RequireAmendment keep
        // it Disputed until an amendment supersedes it.
        bool applied;
        if (outcome == Vote.Terminate) {
            applied = _transitionIfDisputed(registry, settlementId, Status.Terminated, resolutionHash);
        } else if (outcome == Vote.Uphold) {
            applied = _restore(registry, settlementId, d.priorStatus, resolutionHash);
        }
        emit ICaseRegistry.DisputeDecided(disputeId, outcome, resolutionHash, applied);
    }

    function expire(Layout storage s, address registry, uint256 disputeId) external {
        Dispute storage d = _open(s, disputeId);
        if (block.timestamp <= d.votesDueAt) revert ICaseRegistry.CaseRegistryVotingNotClosed(disputeId, d.votesDueAt);
        d.status = DisputeStatus.Expired;
        bytes32 settlementId = d.settlementId;
        delete s.openDisputes[settlementId];
        bool restored = _restore(registry, settlementId, d.priorStatus, bytes32(disputeId));
        emit ICaseRegistry.DisputeExpired(disputeId, restored);
    }

    function reportKey(bytes32 settlementId, uint32 sequence) internal pure returns (bytes32) {
        return keccak256(abi.encode(settlementId, sequence));
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The checks of `open`: the caller is a party of the agreement, which has no open dispute and
    /// is Active or InDefault; a disputed report was recorded.
    function _checkOpen(
        Layout storage s,
        address registry,
        bytes32 settlementId,
        DisputeSubject subject,
        uint32 sequence
    ) private view returns (Ledger memory ledger, uint32 openedBy) {
        Profile memory profile;
        (ledger, profile) = ISettlementRegistry(registry).getSettlement(settlementId);
        openedBy = _agreementParty(registry, settlementId, ledger, profile);
        // One dispute at a time per agreement: it holds the agreement Disputed until decided.
        uint256 pending = s.openDisputes[settlementId];
        if (pending != 0) revert ICaseRegistry.CaseRegistryDisputeAlreadyOpen(settlementId, pending);
        if (ledger.status != Status.Active && ledger.status != Status.InDefault) {
            revert ICaseRegistry.CaseRegistryNotDisputable(settlementId, ledger.status);
        }
        if (subject == DisputeSubject.PaymentReport && sequence >= ledger.reportCount) {
            revert ICaseRegistry.CaseRegistryReportNotRecorded(settlementId, sequence);
        }
    }

    function _open(Layout storage s, uint256 disputeId) private view returns (Dispute storage d) {
        d = s.disputes[disputeId];
        if (d.status == DisputeStatus.None) revert ICaseRegistry.CaseRegistryDisputeNotFound(disputeId);
        if (d.status != DisputeStatus.Open) revert ICaseRegistry.CaseRegistryDisputeNotOpen(disputeId, d.status);
    }

    /// @dev The caller's committee account when it sits on the dispute's panel.
    function _panelMember(
        Layout storage s,
        address registry,
        uint256 disputeId
    ) private view returns (uint32 memberId) {
        memberId = CaseAccess.accountOf(registry, msg.sender, Roles.COMMITTEE);
        if (memberId == 0 || s.seats[disputeId][memberId] == 0) {
            revert ICaseRegistry.CaseRegistryNotPanelMember(disputeId, msg.sender);
        }
    }

    /// @dev The caller's account when it is an active key of the agreement's borrower, platform
    /// (PLATFORM role, not ORACLE) or lawyer.
    function _agreementParty(
        address registry,
        bytes32 settlementId,
        Ledger memory ledger,
        Profile memory profile
    ) private view returns (uint32) {
        Key memory k = IMemberRegistry(registry).getKey(msg.sender);
        if (k.status == KeyStatus.Active) {
            if (k.role == Roles.BORROWER && k.accountId == profile.borrowerId) return k.accountId;
            if (k.role == Roles.PLATFORM && k.accountId == ledger.platformId) return k.accountId;
            if (k.role == Roles.LAWYER && k.accountId == profile.lawyerId) return k.accountId;
        }
        revert ICaseRegistry.CaseRegistryNotAgreementParty(settlementId, msg.sender);
    }

    /// @dev Returns a Disputed agreement to where it was: Completed once fully paid, else its status
    /// before the dispute (Active or InDefault). False when it is no longer Disputed (an amendment
    /// superseded it meanwhile).
    function _restore(address registry, bytes32 settlementId, Status prior, bytes32 reason) private returns (bool) {
        (Ledger memory ledger, ) = ISettlementRegistry(registry).getSettlement(settlementId);
        if (ledger.status != Status.Disputed) return false;
        Status to = ledger.paidTotal == ledger.totalDue ? Status.Completed : prior;
        ISettlementRegistry(registry).transition(settlementId, to, reason);
        return true;
    }

    function _transitionIfDisputed(
        address registry,
        bytes32 settlementId,
        Status to,
        bytes32 reason
    ) private returns (bool) {
        (Ledger memory ledger, ) = ISettlementRegistry(registry).getSettlement(settlementId);
        if (ledger.status != Status.Disputed) return false;
        ISettlementRegistry(registry).transition(settlementId, to, reason);
        return true;
    }
}
