// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {ICaseRegistry} from "../../../../contracts/interfaces/ICaseRegistry.sol";
import {ISettlementRegistry} from "../../../../contracts/interfaces/ISettlementRegistry.sol";
import {Dispute, DisputeStatus, DisputeSubject, Vote} from "../../../../contracts/types/CaseTypes.sol";
import {AccountKind, Licence} from "../../../../contracts/types/MemberTypes.sol";
import {OracleSignature, PaymentReport, SettlementTerms, Status} from "../../../../contracts/types/SettlementTypes.sol";
import {CaseTestBase} from "../../utils/CaseTestBase.sol";

/// @notice Disputes before a committee panel: opening (the agreement becomes Disputed), the panel,
/// votes, quorum and majority edge cases, each outcome's effect on the agreement, expiry.
contract DisputesTest is CaseTestBase {
    bytes32 internal constant RESOLUTION = keccak256("written resolution");

    bytes32 internal caseId;
    bytes32 internal id;

    function setUp() public override {
        super.setUp();
        (caseId, id) = _simpleEffective(); // SIMPLE: panel of 3, quorum 2
    }

    function _openAppointed(DisputeSubject subject) internal returns (uint256 disputeId) {
        disputeId = _openDispute(caseId, id, subject);
        _appoint(disputeId);
    }

    function _resolveAs(address member, uint256 disputeId) internal returns (Vote) {
        vm.prank(member);
        return cases.resolveDispute(disputeId, RESOLUTION);
    }

    /*//////////////////////////////////////////////////////////////
                                  OPEN
    //////////////////////////////////////////////////////////////*/

    function test_openDispute() public {
        vm.expectEmit(address(cases));
        emit ICaseRegistry.DisputeOpened(
            1,
            caseId,
            id,
            DisputeSubject.Clause,
            0,
            keccak256("clause 7"),
            keccak256("evidence root"),
            borrowerId
        );
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.StatusChanged(id, Status.Active, Status.Disputed, bytes32(uint256(1)));
        uint256 disputeId = _openDispute(caseId, id, DisputeSubject.Clause);
        assertEq(disputeId, 1, "first id");
        assertEq(cases.disputeCount(), 1, "count");
        assertEq(cases.openDisputeOf(id), 1, "open dispute");
        assertTrue(_status(id) == Status.Disputed, "agreement Disputed");
        Dispute memory d = _dispute(disputeId);
        assertTrue(d.status == DisputeStatus.Open, "Open");
        assertTrue(d.priorStatus == Status.Active, "prior Active");
        assertEq(d.votesDueAt, _now() + VOTING_PERIOD, "votesDueAt");
        assertEq(d.panelSize, 3, "panelSize");
        assertEq(d.quorum, 2, "quorum");
    }

    function test_openDispute_ByPlatformAndLawyer() public {
        vm.prank(platform);
        uint256 first = cases.openDispute(caseId, id, DisputeSubject.Agreement, 0, bytes32(0), keccak256("e"));
        assertEq(_dispute(first).openedBy, platformId, "platform");
        vm.warp(_now() + VOTING_PERIOD + 1);
        cases.expireDispute(first);
        vm.prank(lawyer);
        uint256 second = cases.openDispute(caseId, id, DisputeSubject.Agreement, 0, bytes32(0), keccak256("e"));
        assertEq(_dispute(second).openedBy, lawyerId, "lawyer");
    }

    function test_openDispute_ContestedPayment() public {
        PaymentReport memory report = _pay(id, 100_000);
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.prank(borrower);
        registry.contestPayment(report, sig, keccak256("no such transfer"));
        vm.prank(borrower);
        uint256 disputeId = cases.openDispute(caseId, id, DisputeSubject.PaymentReport, 0, bytes32(0), bytes32(0));
        assertEq(_dispute(disputeId).sequence, 0, "sequence");
        assertTrue(_dispute(disputeId).subject == DisputeSubject.PaymentReport, "subject");
    }

    function test_openDispute_InDefault() public {
        vm.warp(uint256(FIRST_DUE) + GRACE + CURE + 1);
        registry.declareDefault(id);
        uint256 disputeId = _openDispute(caseId, id, DisputeSubject.Agreement);
        assertTrue(_dispute(disputeId).priorStatus == Status.InDefault, "prior InDefault");
    }

    function test_RevertWhen_OpenDisputeNotParty() public {
        address[5] memory callers = [mediator, oracle, otherPlatform, otherBorrower, committee];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotAgreementParty.selector, id, callers[i])
            );
            vm.prank(callers[i]);
            cases.openDispute(caseId, id, DisputeSubject.Agreement, 0, bytes32(0), bytes32(0));
        }
    }

    function test_RevertWhen_OpenDisputeNotInCase() public {
        bytes32 outside = _registerWith(platform, PLATFORM_PK);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryAgreementNotInCase.selector, caseId, outside));
        vm.prank(borrower);
        cases.openDispute(caseId, outside, DisputeSubject.Agreement, 0, bytes32(0), bytes32(0));
    }

    function test_RevertWhen_OpenDisputeTwice() public {
        uint256 disputeId = _openDispute(caseId, id, DisputeSubject.Agreement);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryDisputeAlreadyOpen.selector, id, disputeId));
        vm.prank(platform);
        cases.openDispute(caseId, id, DisputeSubject.Clause, 0, bytes32(0), bytes32(0));
    }

    function test_RevertWhen_OpenDisputeNotDisputable() public {
        _pay(id, _ledger(id).totalDue);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotDisputable.selector, id, Status.Completed));
        vm.prank(borrower);
        cases.openDispute(caseId, id, DisputeSubject.Agreement, 0, bytes32(0), bytes32(0));
    }

    function test_RevertWhen_OpenDisputeReportNotRecorded() public {
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryReportNotRecorded.selector, id, 0));
        vm.prank(borrower);
        cases.openDispute(caseId, id, DisputeSubject.PaymentReport, 0, bytes32(0), bytes32(0));
    }

    /*//////////////////////////////////////////////////////////////
                                 PANEL
    //////////////////////////////////////////////////////////////*/

    function test_appointPanel() public {
        uint256 disputeId = _openDispute(caseId, id, DisputeSubject.Agreement);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.PanelAppointed(disputeId, _panel(), committee4Id);
        _appoint(disputeId);
        assertEq(cases.getPanel(disputeId).length, 3, "panel");
    }

    function test_RevertWhen_AppointPanelInvalid() public {
        uint256 disputeId = _openDispute(caseId, id, DisputeSubject.Agreement);
        uint32[] memory two = _ids(committeeId, committee2Id);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryPanelSize.selector, disputeId, 2, 3));
        vm.prank(committee);
        cases.appointPanel(disputeId, two);

        uint32[] memory unsorted = _panel();
        (unsorted[0], unsorted[1]) = (unsorted[1], unsorted[0]);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryPanelNotSorted.selector, 1));
        vm.prank(committee);
        cases.appointPanel(disputeId, unsorted);

        vm.prank(registrar);
        uint32 newLawyerId = registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("new"), stranger);
        uint32[] memory withLawyer = _panel();
        withLawyer[2] = newLawyerId; // admitted last: still increasing
        vm.expectRevert(
            abi.encodeWithSelector(
                ICaseRegistry.CaseRegistryWrongAccount.selector,
                newLawyerId,
                AccountKind.CommitteeMember
            )
        );
        vm.prank(committee);
        cases.appointPanel(disputeId, withLawyer);

        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, lawyer));
        vm.prank(lawyer);
        cases.appointPanel(disputeId, _panel());

        _appoint(disputeId);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryPanelAlreadyAppointed.selector, disputeId));
        vm.prank(committee);
        cases.appointPanel(disputeId, _panel());
    }

    function test_RevertWhen_AppointPanelLateOrUnknown() public {
        uint256 disputeId = _openDispute(caseId, id, DisputeSubject.Agreement);
        uint256 dueAt = _dispute(disputeId).votesDueAt;
        vm.warp(dueAt + 1);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryVotingClosed.selector, disputeId, dueAt));
        vm.prank(committee);
        cases.appointPanel(disputeId, _panel());
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryDisputeNotFound.selector, 99));
        vm.prank(committee);
        cases.appointPanel(99, _panel());
    }

    /*//////////////////////////////////////////////////////////////
                                 VOTES
    //////////////////////////////////////////////////////////////*/

    function test_castVote() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        bytes32 opinion = keccak256("dissenting opinion");
        vm.expectEmit(address(cases));
        emit ICaseRegistry.VoteCast(disputeId, committeeId, Vote.Terminate, opinion);
        vm.prank(committee);
        cases.castVote(disputeId, Vote.Terminate, opinion);
        assertTrue(cases.voteOf(disputeId, committeeId) == Vote.Terminate, "recorded");
        Dispute memory d = _dispute(disputeId);
        assertEq(d.voteCount, 1, "voteCount");
        assertEq(d.tally[uint8(Vote.Terminate)], 1, "tally");
    }

    function test_RevertWhen_VoteTwice() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Uphold);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryAlreadyVoted.selector, disputeId, committeeId)
        );
        vm.prank(committee);
        cases.castVote(disputeId, Vote.Terminate, bytes32(0));
    }

    function test_RevertWhen_VoteNotPanelMember() public {
        uint256 disputeId = _openDispute(caseId, id, DisputeSubject.Agreement);
        // Before the panel is appointed nobody sits on it.
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotPanelMember.selector, disputeId, committee)
        );
        vm.prank(committee);
        cases.castVote(disputeId, Vote.Uphold, bytes32(0));
        _appoint(disputeId);
        // A committee member off the panel, a party, a stranger.
        address[4] memory callers = [committee4, borrower, mediator, stranger];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotPanelMember.selector, disputeId, callers[i])
            );
            vm.prank(callers[i]);
            cases.castVote(disputeId, Vote.Uphold, bytes32(0));
        }
        // A panel member whose key was revoked.
        vm.prank(registrar);
        registry.revokeKey(committee3);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotPanelMember.selector, disputeId, committee3)
        );
        vm.prank(committee3);
        cases.castVote(disputeId, Vote.Uphold, bytes32(0));
    }

    function test_RevertWhen_VoteAfterDeadline() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        uint256 dueAt = _dispute(disputeId).votesDueAt;
        vm.warp(dueAt);
        _vote(committee, disputeId, Vote.Uphold); // at the deadline: still on time
        vm.warp(dueAt + 1);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryVotingClosed.selector, disputeId, dueAt));
        vm.prank(committee2);
        cases.castVote(disputeId, Vote.Uphold, bytes32(0));
    }

    function test_RevertWhen_VoteInvalid() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryInvalidVote.selector, disputeId, Vote.VoidPayment)
        );
        vm.prank(committee);
        cases.castVote(disputeId, Vote.VoidPayment, bytes32(0)); // only for payment reports
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryInvalidVote.selector, disputeId, Vote.None));
        vm.prank(committee);
        cases.castVote(disputeId, Vote.None, bytes32(0));
    }

    /*//////////////////////////////////////////////////////////////
                           QUORUM AND MAJORITY
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_QuorumNotReached() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Uphold);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryQuorumNotReached.selector, disputeId, 1, 2));
        _resolveAs(committee, disputeId);
    }

    function test_RevertWhen_Tie() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Uphold);
        _vote(committee2, disputeId, Vote.Terminate);
        // Quorum reached, but 1 : 1 with one vote to come is no majority.
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNoMajority.selector, disputeId));
        _resolveAs(committee, disputeId);
    }

    function test_RevertWhen_AbstentionLeavesTie() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Uphold);
        _vote(committee2, disputeId, Vote.Terminate);
        _vote(committee3, disputeId, Vote.Abstain);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNoMajority.selector, disputeId));
        _resolveAs(committee3, disputeId);
    }

    function test_RevertWhen_AllAbstain() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Abstain);
        _vote(committee2, disputeId, Vote.Abstain);
        _vote(committee3, disputeId, Vote.Abstain);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNoMajority.selector, disputeId));
        _resolveAs(committee, disputeId);
    }

    function test_resolveDispute_AbstentionThenMajority() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Abstain);
        _vote(committee2, disputeId, Vote.Uphold);
        // 1 of the 2 members who did not abstain is no majority yet: the third could vote otherwise.
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNoMajority.selector, disputeId));
        _resolveAs(committee2, disputeId);
        _vote(committee3, disputeId, Vote.Uphold);
        assertTrue(_resolveAs(committee2, disputeId) == Vote.Uphold, "Uphold");
    }

    function test_resolveDispute_EarlyMajorityWithDissent() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Terminate);
        _vote(committee2, disputeId, Vote.Uphold);
        _vote(committee3, disputeId, Vote.Terminate);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.DisputeDecided(disputeId, Vote.Terminate, RESOLUTION, true);
        _resolveAs(committee2, disputeId); // the dissenting member may record the resolution too
        Dispute memory d = _dispute(disputeId);
        assertEq(d.tally[uint8(Vote.Uphold)], 1, "the dissent stays recorded");
        assertTrue(cases.voteOf(disputeId, committee2Id) == Vote.Uphold, "dissent by member");
        assertEq(d.resolutionHash, RESOLUTION, "resolution");
    }

    function test_RevertWhen_ResolveNotPanelMember() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Uphold);
        _vote(committee2, disputeId, Vote.Uphold);
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotPanelMember.selector, disputeId, committee4)
        );
        _resolveAs(committee4, disputeId);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryZeroResolution.selector, disputeId));
        vm.prank(committee);
        cases.resolveDispute(disputeId, bytes32(0));
    }

    function test_RevertWhen_ResolveAfterDeadline() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Uphold);
        _vote(committee2, disputeId, Vote.Uphold);
        uint256 dueAt = _dispute(disputeId).votesDueAt;
        vm.warp(dueAt + 1);
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryVotingClosed.selector, disputeId, dueAt));
        _resolveAs(committee, disputeId);
    }

    /*//////////////////////////////////////////////////////////////
                                OUTCOMES
    //////////////////////////////////////////////////////////////*/

    function _decide(uint256 disputeId, Vote outcome) internal {
        _voteTwice(disputeId, outcome);
        _resolveAs(committee, disputeId);
    }

    /// @dev Two of three panel members vote `outcome`: a majority.
    function _voteTwice(uint256 disputeId, Vote outcome) internal {
        _vote(committee, disputeId, outcome);
        _vote(committee2, disputeId, outcome);
    }

    function test_Outcome_Uphold_RestoresActive() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _voteTwice(disputeId, Vote.Uphold);
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.StatusChanged(id, Status.Disputed, Status.Active, RESOLUTION);
        _resolveAs(committee, disputeId);
        assertTrue(_status(id) == Status.Active, "Active");
        assertTrue(_dispute(disputeId).status == DisputeStatus.Decided, "Decided");
        assertEq(cases.openDisputeOf(id), 0, "no open dispute");
    }

    function test_Outcome_Uphold_FullyPaidCompletes() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _pay(id, _ledger(id).totalDue); // payments are still recorded while Disputed
        _decide(disputeId, Vote.Uphold);
        assertTrue(_status(id) == Status.Completed, "Completed");
    }

    function test_Outcome_Uphold_RestoresInDefault() public {
        vm.warp(uint256(FIRST_DUE) + GRACE + CURE + 1);
        registry.declareDefault(id);
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _decide(disputeId, Vote.Uphold);
        assertTrue(_status(id) == Status.InDefault, "InDefault");
    }

    function test_Outcome_Terminate() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Clause);
        _voteTwice(disputeId, Vote.Terminate);
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.StatusChanged(id, Status.Disputed, Status.Terminated, RESOLUTION);
        _resolveAs(committee, disputeId);
        assertTrue(_status(id) == Status.Terminated, "Terminated");
    }

    function test_Outcome_VoidPayment() public {
        _pay(id, 100_000);
        _pay(id, 50_000);
        vm.prank(borrower);
        uint256 disputeId = cases.openDispute(caseId, id, DisputeSubject.PaymentReport, 1, bytes32(0), bytes32(0));
        _appoint(disputeId);
        _voteTwice(disputeId, Vote.VoidPayment);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.PaymentVoided(id, 1, disputeId);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.DisputeDecided(disputeId, Vote.VoidPayment, RESOLUTION, false);
        _resolveAs(committee, disputeId);
        assertEq(cases.paymentVoidedBy(id, 1), disputeId, "voided");
        assertEq(cases.paymentVoidedBy(id, 0), 0, "the other report stands");
        // No hook in the SettlementRegistry un-records a payment: the agreement stays Disputed.
        assertTrue(_status(id) == Status.Disputed, "still Disputed");
    }

    function test_Outcome_RequireAmendment_ThenAmended() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Clause);
        _voteTwice(disputeId, Vote.RequireAmendment);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.AmendmentRequired(id, disputeId);
        _resolveAs(committee, disputeId);
        assertTrue(_status(id) == Status.Disputed, "Disputed until amended");
        SettlementTerms memory terms = _terms(10);
        terms.amends = id;
        bytes32 amendment = _register(terms, _evenSchedule(1, 10, 1));
        assertTrue(_status(id) == Status.Superseded, "Superseded");
        assertEq(registry.successorOf(id), amendment, "successor");
    }

    function test_Outcome_NotAppliedWhenSuperseded() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        SettlementTerms memory terms = _terms(10);
        terms.amends = id;
        _register(terms, _evenSchedule(1, 10, 1)); // the parties amend while the committee deliberates
        _vote(committee, disputeId, Vote.Terminate);
        _vote(committee2, disputeId, Vote.Terminate);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.DisputeDecided(disputeId, Vote.Terminate, RESOLUTION, false);
        _resolveAs(committee, disputeId);
        assertTrue(_status(id) == Status.Superseded, "Superseded stays");
    }

    function test_RevertWhen_DecidedDisputeActedOn() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _decide(disputeId, Vote.Uphold);
        bytes memory notOpen = abi.encodeWithSelector(
            ICaseRegistry.CaseRegistryDisputeNotOpen.selector,
            disputeId,
            DisputeStatus.Decided
        );
        vm.expectRevert(notOpen);
        vm.prank(committee3);
        cases.castVote(disputeId, Vote.Terminate, bytes32(0));
        vm.expectRevert(notOpen);
        _resolveAs(committee, disputeId);
        vm.warp(_now() + VOTING_PERIOD + 1);
        vm.expectRevert(notOpen);
        cases.expireDispute(disputeId);
    }

    /*//////////////////////////////////////////////////////////////
                                 EXPIRY
    //////////////////////////////////////////////////////////////*/

    function test_expireDispute() public {
        uint256 disputeId = _openAppointed(DisputeSubject.Agreement);
        _vote(committee, disputeId, Vote.Terminate);
        uint256 dueAt = _dispute(disputeId).votesDueAt;
        vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryVotingNotClosed.selector, disputeId, dueAt));
        cases.expireDispute(disputeId);
        vm.warp(dueAt + 1);
        vm.expectEmit(address(cases));
        emit ICaseRegistry.DisputeExpired(disputeId, true);
        vm.prank(stranger); // anyone
        cases.expireDispute(disputeId);
        assertTrue(_dispute(disputeId).status == DisputeStatus.Expired, "Expired");
        assertTrue(_status(id) == Status.Active, "agreement restored");
        vm.expectRevert(
            abi.encodeWithSelector(ICaseRegistry.CaseRegistryDisputeNotOpen.selector, disputeId, DisputeStatus.Expired)
        );
        cases.expireDispute(disputeId);
    }

    function test_expireDispute_WithoutPanel() public {
        uint256 disputeId = _openDispute(caseId, id, DisputeSubject.Agreement);
        vm.warp(_now() + VOTING_PERIOD + 1);
        cases.expireDispute(disputeId);
        assertTrue(_status(id) == Status.Active, "restored");
    }
}
