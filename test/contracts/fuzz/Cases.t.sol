// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICaseRegistry} from "../../../contracts/interfaces/ICaseRegistry.sol";
import {CaseRules} from "../../../contracts/libraries/CaseRules.sol";
import {
    CaseDeadlines,
    CaseStatus,
    Deadline,
    Dispute,
    DisputeSubject,
    Rulebook,
    Vote
} from "../../../contracts/types/CaseTypes.sol";
import {AccountKind, Licence} from "../../../contracts/types/MemberTypes.sol";
import {CaseTestBase} from "../utils/CaseTestBase.sol";

/// @notice Properties of the case rules over random inputs: the majority rule against a model that
/// plays out every way the remaining members could vote; vote counting on a deployed panel of up to
/// 15 members; and the deadline arithmetic (due times, late actions refused or recorded) for random
/// rulebooks and random action times.
contract CasesFuzzTest is CaseTestBase {
    /*//////////////////////////////////////////////////////////////
                                MAJORITY
    //////////////////////////////////////////////////////////////*/

    /// @dev A random tally of at most `panelSize` votes over the five options.
    function _tally(uint256 seed, uint256 panelSize) internal pure returns (uint8[6] memory tally, uint256 cast) {
        uint256 votes = bound(seed, 0, panelSize);
        for (uint256 i = 0; i < votes; ++i) {
            uint256 option = 1 + (uint256(keccak256(abi.encode(seed, i))) % 5);
            ++tally[option];
        }
        cast = votes;
    }

    /// @dev The model: `o` is decided when, however the members who have not voted yet vote (for any
    /// option or abstaining), `o` keeps more than half of the votes that are not abstentions. The worst
    /// case for `o` is every remaining member voting for one other option.
    function _decidedInModel(
        uint8[6] memory tally,
        uint256 cast,
        uint256 panelSize,
        uint256 o
    ) internal pure returns (bool) {
        uint256 remaining = panelSize - cast;
        uint256 others;
        for (uint256 p = 1; p <= 4; ++p) if (p != o) others += tally[p];
        // All remaining votes go to other options: `o` must still beat all the others together.
        return tally[o] > others + remaining;
    }

    function testFuzz_MajorityMatchesModel(uint256 seed, uint256 sizeSeed) public pure {
        uint256 panelSize = bound(sizeSeed, 1, 15);
        (uint8[6] memory tally, uint256 cast) = _tally(seed, panelSize);
        Vote outcome = CaseRules.majority(tally, panelSize);
        uint256 winners;
        for (uint256 o = 1; o <= 4; ++o) {
            bool decided = _decidedInModel(tally, cast, panelSize, o);
            if (decided) ++winners;
            assertEq(decided, uint256(outcome) == o, "majority differs from the model");
        }
        assertLe(winners, 1, "at most one option can be decided");
        assertTrue(outcome != Vote.Abstain, "abstention never decides");
    }

    function testFuzz_MajorityFullPanelTieNeverDecides(uint8 half, uint8 a, uint8 b) public pure {
        uint256 each = bound(half, 1, 7);
        uint8[6] memory tally;
        uint256 first = 1 + bound(a, 0, 3);
        uint256 second = 1 + ((first + bound(b, 0, 2)) % 4);
        if (second == first) second = first == 4 ? 1 : first + 1;
        tally[first] = uint8(each);
        tally[second] = uint8(each);
        assertTrue(CaseRules.majority(tally, 2 * each) == Vote.None, "a tie decides nothing");
        // One abstention more on a panel one larger changes nothing either.
        tally[uint8(Vote.Abstain)] = 1;
        assertTrue(CaseRules.majority(tally, 2 * each + 1) == Vote.None, "a tie with abstention decides nothing");
    }

    /*//////////////////////////////////////////////////////////////
                              VOTE COUNTING
    //////////////////////////////////////////////////////////////*/

    /// @dev A panel of `size` fresh committee members (ids increasing, as admitted).
    function _bigPanel(uint256 size) internal returns (uint32[] memory ids, address[] memory keys) {
        ids = new uint32[](size);
        keys = new address[](size);
        vm.startPrank(registrar);
        for (uint256 i = 0; i < size; ++i) {
            keys[i] = vm.addr(0x1000 + i);
            ids[i] = registry.admitMember(
                AccountKind.CommitteeMember,
                Licence.None,
                commitmentOf(string(abi.encode("member", i))),
                keys[i]
            );
        }
        vm.stopPrank();
    }

    function testFuzz_VotesCountedEqualVotesCast(uint256 sizeSeed, uint256 quorumSeed, uint256 votesSeed) public {
        uint256 size = bound(sizeSeed, 1, 15);
        Rulebook memory rules = _simpleRules();
        rules.panelSize = uint8(size);
        rules.quorum = uint8(bound(quorumSeed, 1, size));
        vm.prank(committee);
        cases.setRulebook(9, rules);
        bytes32 caseId = _newCaseId();
        vm.prank(lawyer);
        cases.openCase(caseId, 9, borrowerId, _ids(platformId), mediatorId);
        bytes32 id = _addAgreement(caseId, platform, PLATFORM_PK);
        uint256 disputeId = _openDispute(caseId, id, DisputeSubject.Agreement);
        (uint32[] memory ids, address[] memory keys) = _bigPanel(size);
        vm.prank(committee);
        cases.appointPanel(disputeId, ids);

        uint256[6] memory expected;
        uint256 voters = bound(votesSeed, 0, size);
        for (uint256 i = 0; i < voters; ++i) {
            // Options 1, 3, 4, 5: VoidPayment is for payment disputes only.
            uint256 r = uint256(keccak256(abi.encode(votesSeed, i))) % 4;
            Vote vote = Vote(r == 0 ? 1 : r + 2);
            vm.prank(keys[i]);
            cases.castVote(disputeId, vote, bytes32(i));
            ++expected[uint8(vote)];
        }
        Dispute memory d = cases.getDispute(disputeId);
        assertEq(d.voteCount, voters, "voteCount");
        uint256 sum;
        for (uint256 o = 0; o < 6; ++o) {
            assertEq(d.tally[o], expected[o], "tally per option");
            sum += d.tally[o];
        }
        assertEq(sum, voters, "the tally sums to the votes cast");

        // Resolution succeeds exactly when quorum and the majority rule hold.
        Vote majority = CaseRules.majority(d.tally, size);
        if (voters < rules.quorum) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ICaseRegistry.CaseRegistryQuorumNotReached.selector,
                    disputeId,
                    voters,
                    rules.quorum
                )
            );
        } else if (majority == Vote.None) {
            vm.expectRevert(abi.encodeWithSelector(ICaseRegistry.CaseRegistryNoMajority.selector, disputeId));
        }
        vm.prank(keys[0]);
        cases.resolveDispute(disputeId, keccak256("resolution"));
    }

    /*//////////////////////////////////////////////////////////////
                                DEADLINES
    //////////////////////////////////////////////////////////////*/

    function testFuzz_DeadlineArithmetic(
        uint32 responseSeed,
        uint32 mediationSeed,
        uint32 windowSeed,
        uint8 policySeed,
        uint256 delaySeed
    ) public {
        Rulebook memory rules = _simpleRules();
        rules.responseTime = uint32(bound(responseSeed, 1, 365 days));
        rules.maxMediationDuration = uint32(bound(mediationSeed, 1, 365 days));
        rules.confirmationWindow = uint32(bound(windowSeed, 2, 365 days));
        rules.confirmationReminder = uint32(bound(windowSeed >> 8, 1, rules.confirmationWindow - 1));
        rules.lateRefused = uint8(bound(policySeed, 0, 7));
        vm.prank(committee);
        cases.setRulebook(9, rules);
        bytes32 caseId = _newCaseId();
        vm.prank(lawyer);
        cases.openCase(caseId, 9, borrowerId, _ids(platformId), mediatorId);
        _addAgreement(caseId, platform, PLATFORM_PK);
        uint256 openedAt = _now();

        // The mediator responds after a random delay, possibly late.
        uint256 responseDue = openedAt + rules.responseTime;
        uint256 respondAt = openedAt + bound(delaySeed, 0, 2 * uint256(rules.responseTime));
        vm.warp(respondAt);
        CaseDeadlines memory d = cases.deadlines(caseId);
        assertEq(d.responseDueAt, responseDue, "responseDueAt");
        bool late = respondAt > responseDue;
        if (late && CaseRules.refusesLate(rules, Deadline.Response)) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ICaseRegistry.CaseRegistryDeadlinePassed.selector,
                    caseId,
                    Deadline.Response,
                    responseDue
                )
            );
            vm.prank(mediator);
            cases.startMediation(caseId);
            return;
        }
        vm.prank(mediator);
        cases.startMediation(caseId);
        assertEq(cases.getCase(caseId).lateFlags, late ? 1 : 0, "late response flagged exactly when late");

        _signLate(caseId, rules, respondAt, late, delaySeed >> 64);
    }

    /// @dev The second half of `testFuzz_DeadlineArithmetic`: the parties and the mediator sign after
    /// another random delay, possibly late.
    function _signLate(
        bytes32 caseId,
        Rulebook memory rules,
        uint256 respondAt,
        bool late,
        uint256 delaySeed
    ) internal {
        CaseDeadlines memory d;
        d = cases.deadlines(caseId);
        assertEq(d.mediationDueAt, respondAt + rules.maxMediationDuration, "mediationDueAt");
        uint256 signAt = respondAt + bound(delaySeed, 0, 2 * uint256(rules.maxMediationDuration));
        vm.warp(signAt);
        bool signedLate = signAt > d.mediationDueAt;
        if (signedLate && CaseRules.refusesLate(rules, Deadline.Mediation)) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ICaseRegistry.CaseRegistryDeadlinePassed.selector,
                    caseId,
                    Deadline.Mediation,
                    d.mediationDueAt
                )
            );
            vm.prank(lawyer);
            cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
            return;
        }
        vm.prank(lawyer);
        cases.recordPartiesSigned(caseId, AGREEMENT_HASH);
        vm.prank(mediator);
        cases.signAsMediator(caseId);
        d = cases.deadlines(caseId);
        assertEq(d.confirmationDueAt, signAt + rules.confirmationWindow, "confirmationDueAt");
        assertEq(d.confirmationReminderAt, signAt + rules.confirmationReminder, "reminder");
        assertLt(d.confirmationReminderAt, d.confirmationDueAt, "the reminder comes before the due time");
        uint256 flags = (late ? 1 : 0) | (signedLate ? 2 : 0);
        assertEq(cases.getCase(caseId).lateFlags, flags, "late flags");
        assertTrue(cases.getCase(caseId).status == CaseStatus.Effective, "Effective");
    }
}
