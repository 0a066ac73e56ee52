// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICaseRegistry} from "../../../contracts/interfaces/ICaseRegistry.sol";
import {Dispute, DisputeStatus, DisputeSubject, Vote} from "../../../contracts/types/CaseTypes.sol";
import {Status} from "../../../contracts/types/SettlementTypes.sol";
import {CaseTestBase} from "../utils/CaseTestBase.sol";
import {ICaseRegistryDeployed} from "../utils/Interfaces.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @notice Invariants of the committee's disputes under random sequences of valid and invalid actions
/// (performed by `DisputesHandler`, below; the list is in `test/contracts/README.md`).
contract DisputesInvariantTest is TestBase {
    /// @dev The shape EDR (like Foundry) reads from `targetSelectors()`.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    DisputesHandler internal handler;
    ICaseRegistryDeployed internal cases;

    function setUp() public {
        handler = new DisputesHandler();
        cases = ICaseRegistryDeployed(handler.casesAddress());
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = DisputesHandler.openDispute.selector;
        selectors[1] = DisputesHandler.appointPanel.selector;
        selectors[2] = DisputesHandler.castVote.selector;
        selectors[3] = DisputesHandler.castVote.selector; // votes twice as often
        selectors[4] = DisputesHandler.resolve.selector;
        selectors[5] = DisputesHandler.expire.selector;
        selectors[6] = DisputesHandler.warp.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /// @dev Every action ended as predicted (success exactly when the rules allow it, else the exact
    /// error).
    function invariant_ActionsBehaveAsPredicted() public view {
        if (handler.violationCount() != 0) revert AssertionFailed(handler.violations(0));
    }

    /// @dev For every dispute: the tally sums to `voteCount`, which equals the votes the handler cast
    /// successfully, and each panel member's recorded vote is the one it cast.
    function invariant_VotesCountedEqualVotesCast() public view {
        uint256 count = cases.disputeCount();
        for (uint256 id = 1; id <= count; ++id) {
            Dispute memory d = cases.getDispute(id);
            uint256 sum;
            for (uint256 o = 0; o < 6; ++o) sum += d.tally[o];
            assertEq(sum, d.voteCount, "tally sums to voteCount");
            assertEq(d.voteCount, handler.votesCast(id), "voteCount equals votes cast");
            assertEq(d.tally[0], 0, "no None vote counted");
            assertLe(d.voteCount, d.panelSize, "at most one vote per member");
        }
    }

    /// @dev A decided or expired dispute never changes: status, outcome, resolution, tally.
    function invariant_ClosedDisputesNeverChange() public view {
        uint256 count = cases.disputeCount();
        for (uint256 id = 1; id <= count; ++id) {
            bytes32 snapshot = handler.closedSnapshot(id);
            if (snapshot != bytes32(0))
                assertEq(keccak256(abi.encode(cases.getDispute(id))), snapshot, "closed dispute changed");
        }
    }

    /// @dev A decided dispute's outcome is the majority of its tally and its quorum was reached.
    function invariant_DecisionsFollowTheRule() public view {
        uint256 count = cases.disputeCount();
        for (uint256 id = 1; id <= count; ++id) {
            Dispute memory d = cases.getDispute(id);
            if (d.status != DisputeStatus.Decided) continue;
            assertGe(d.voteCount, d.quorum, "quorum");
            assertGt(2 * uint256(d.tally[uint8(d.outcome)]), d.panelSize - d.tally[uint8(Vote.Abstain)], "majority");
        }
    }

    /// @dev An open dispute holds its agreement Disputed (one open dispute per agreement at most); a
    /// Disputed agreement without an open dispute awaits the amendment its last decision required.
    function invariant_DisputedIffOpenDisputeOrAwaitingAmendment() public view {
        for (uint256 i = 0; i < handler.agreementCount(); ++i) {
            bytes32 id = handler.agreements(i);
            uint256 open = cases.openDisputeOf(id);
            bool expected = open != 0 || handler.awaitingAmendment(id);
            assertEq(
                handler.statusOf(id) == Status.Disputed,
                expected,
                "Disputed iff open dispute or awaiting amendment"
            );
            if (open != 0) {
                Dispute memory d = cases.getDispute(open);
                assertTrue(d.status == DisputeStatus.Open && d.settlementId == id, "the open dispute is this one");
                assertFalse(handler.awaitingAmendment(id), "no dispute opens on an agreement awaiting amendment");
            }
        }
    }
}

/// @dev In this file (see invariant/Lifecycle.t.sol): running this file alone must compile the handler.
/// @title DisputesHandler
/// @notice Opens disputes on three agreements of one case, appoints panels, votes (members and
/// outsiders, twice, late), resolves and expires, warping time; predicts each outcome.
contract DisputesHandler is CaseTestBase {
    bytes32 public caseId;
    bytes32[] public agreements;
    string[] public violations;
    mapping(uint256 disputeId => uint256) public votesCast;
    mapping(uint256 disputeId => bytes32) public closedSnapshot;
    /// @dev Decided RequireAmendment: Disputed until an amendment supersedes it (never, here).
    mapping(bytes32 settlementId => bool) public awaitingAmendment;

    constructor() {
        setUp();
        caseId = _openSimple();
        // Three agreements with the same creditor: disputes run side by side.
        for (uint256 i = 0; i < 3; ++i) agreements.push(_addAgreement(caseId, platform, PLATFORM_PK));
        vm.prank(mediator);
        cases.startMediation(caseId);
    }

    function casesAddress() external view returns (address) {
        return address(cases);
    }

    function agreementCount() external view returns (uint256) {
        return agreements.length;
    }

    function violationCount() external view returns (uint256) {
        return violations.length;
    }

    function statusOf(bytes32 id) external view returns (Status) {
        return _status(id);
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function openDispute(uint256 which, uint256 subjectSeed) external {
        bytes32 id = agreements[which % agreements.length];
        DisputeSubject subject = subjectSeed % 2 == 0 ? DisputeSubject.Agreement : DisputeSubject.Clause;
        uint256 open = cases.openDisputeOf(id);
        bytes memory expected =
            open != 0
                ? abi.encodeWithSelector(ICaseRegistry.CaseRegistryDisputeAlreadyOpen.selector, id, open)
                : bytes("");
        if (open == 0 && _status(id) != Status.Active && _status(id) != Status.InDefault) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotDisputable.selector, id, _status(id));
        }
        vm.prank(borrower);
        try cases.openDispute(caseId, id, subject, 0, bytes32(0), bytes32(0)) {
            _expectSuccess(expected, "openDispute");
        } catch (bytes memory err) {
            _expectError(err, expected, "openDispute");
        }
    }

    function appointPanel(uint256 disputeSeed) external {
        uint256 disputeId = _pick(disputeSeed);
        if (disputeId == 0) return;
        Dispute memory d = cases.getDispute(disputeId);
        bytes memory expected;
        if (d.status != DisputeStatus.Open) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryDisputeNotOpen.selector, disputeId, d.status);
        } else if (cases.getPanel(disputeId).length != 0) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryPanelAlreadyAppointed.selector, disputeId);
        } else if (_now() > d.votesDueAt) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryVotingClosed.selector, disputeId, d.votesDueAt);
        }
        vm.prank(committee4);
        try cases.appointPanel(disputeId, _panel()) {
            _expectSuccess(expected, "appointPanel");
        } catch (bytes memory err) {
            _expectError(err, expected, "appointPanel");
        }
    }

    function castVote(uint256 disputeSeed, uint256 voterSeed, uint256 voteSeed) external {
        uint256 disputeId = _pick(disputeSeed);
        if (disputeId == 0) return;
        // committee, committee2, committee3 sit on every panel; committee4 never does.
        address[4] memory voters = [committee, committee2, committee3, committee4];
        uint32[4] memory ids = [committeeId, committee2Id, committee3Id, committee4Id];
        uint256 who = voterSeed % 4;
        // Uphold, RequireAmendment, Terminate, Abstain (VoidPayment is for payment disputes only).
        uint256 r = voteSeed % 4;
        Vote vote = Vote(r == 0 ? 1 : r + 2);
        Dispute memory d = cases.getDispute(disputeId);
        bytes memory expected;
        if (d.status != DisputeStatus.Open) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryDisputeNotOpen.selector, disputeId, d.status);
        } else if (who == 3 || cases.getPanel(disputeId).length == 0) {
            expected = abi.encodeWithSelector(
                ICaseRegistry.CaseRegistryNotPanelMember.selector,
                disputeId,
                voters[who]
            );
        } else if (_now() > d.votesDueAt) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryVotingClosed.selector, disputeId, d.votesDueAt);
        } else if (cases.voteOf(disputeId, ids[who]) != Vote.None) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryAlreadyVoted.selector, disputeId, ids[who]);
        }
        vm.prank(voters[who]);
        try cases.castVote(disputeId, vote, bytes32(voteSeed)) {
            _expectSuccess(expected, "castVote");
            ++votesCast[disputeId];
        } catch (bytes memory err) {
            _expectError(err, expected, "castVote");
        }
    }

    function resolve(uint256 disputeSeed, uint256 voterSeed) external {
        uint256 disputeId = _pick(disputeSeed);
        if (disputeId == 0) return;
        address member = voterSeed % 2 == 0 ? committee : committee3;
        Dispute memory d = cases.getDispute(disputeId);
        bytes memory expected;
        if (d.status != DisputeStatus.Open) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryDisputeNotOpen.selector, disputeId, d.status);
        } else if (cases.getPanel(disputeId).length == 0) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryNotPanelMember.selector, disputeId, member);
        } else if (_now() > d.votesDueAt) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryVotingClosed.selector, disputeId, d.votesDueAt);
        } else if (d.voteCount < d.quorum) {
            expected = abi.encodeWithSelector(
                ICaseRegistry.CaseRegistryQuorumNotReached.selector,
                disputeId,
                d.voteCount,
                d.quorum
            );
        } else if (!_hasMajority(d)) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryNoMajority.selector, disputeId);
        }
        vm.prank(member);
        try cases.resolveDispute(disputeId, keccak256(abi.encode("resolution", disputeId))) returns (Vote outcome) {
            _expectSuccess(expected, "resolve");
            _checkOutcome(d, outcome);
            closedSnapshot[disputeId] = keccak256(abi.encode(cases.getDispute(disputeId)));
        } catch (bytes memory err) {
            _expectError(err, expected, "resolve");
        }
    }

    function expire(uint256 disputeSeed) external {
        uint256 disputeId = _pick(disputeSeed);
        if (disputeId == 0) return;
        Dispute memory d = cases.getDispute(disputeId);
        bytes memory expected;
        if (d.status != DisputeStatus.Open) {
            expected = abi.encodeWithSelector(ICaseRegistry.CaseRegistryDisputeNotOpen.selector, disputeId, d.status);
        } else if (_now() <= d.votesDueAt) {
            expected = abi.encodeWithSelector(
                ICaseRegistry.CaseRegistryVotingNotClosed.selector,
                disputeId,
                d.votesDueAt
            );
        }
        vm.prank(stranger);
        try cases.expireDispute(disputeId) {
            _expectSuccess(expected, "expire");
            if (_status(d.settlementId) != d.priorStatus) _violation("expiry did not restore the agreement", "");
            closedSnapshot[disputeId] = keccak256(abi.encode(cases.getDispute(disputeId)));
        } catch (bytes memory err) {
            _expectError(err, expected, "expire");
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(_now() + bound(seconds_, 1, 10 days));
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A dispute id in [1, count], or 0 when there is none yet.
    function _pick(uint256 seed) internal view returns (uint256) {
        uint256 count = cases.disputeCount();
        return count == 0 ? 0 : 1 + (seed % count);
    }

    /// @dev The majority rule, written independently: one option beats all the others and every
    /// vote still to come together.
    function _hasMajority(Dispute memory d) internal pure returns (bool) {
        uint256 remaining = d.panelSize - d.voteCount;
        for (uint256 o = 1; o <= 4; ++o) {
            uint256 others = d.voteCount - d.tally[o] - d.tally[uint8(Vote.Abstain)];
            if (d.tally[o] > others + remaining) return true;
        }
        return false;
    }

    function _checkOutcome(Dispute memory d, Vote outcome) internal {
        Status status = _status(d.settlementId);
        if (outcome == Vote.Uphold && status != d.priorStatus) _violation("uphold did not restore", "");
        if (outcome == Vote.Terminate && status != Status.Terminated) _violation("terminate did not terminate", "");
        if (outcome == Vote.RequireAmendment) {
            if (status != Status.Disputed) _violation("amendment left Disputed", "");
            awaitingAmendment[d.settlementId] = true;
        }
    }

    function _expectSuccess(bytes memory expected, string memory what) internal {
        if (expected.length != 0) _violation(string.concat(what, " succeeded but should not"), expected);
    }

    function _expectError(bytes memory actual, bytes memory expected, string memory what) internal {
        if (keccak256(actual) != keccak256(expected)) _violation(string.concat(what, ": unexpected result"), actual);
    }

    function _violation(string memory what, bytes memory detail) internal {
        violations.push(string.concat(what, " 0x", _hex(detail)));
    }

    function _hex(bytes memory data) internal pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(2 * data.length);
        for (uint256 i = 0; i < data.length; ++i) {
            out[2 * i] = digits[uint8(data[i]) >> 4];
            out[2 * i + 1] = digits[uint8(data[i]) & 0x0f];
        }
        return string(out);
    }
}
