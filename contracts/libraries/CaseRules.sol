// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Deadline, Rulebook, Vote} from "../types/CaseTypes.sol";

/// @title CaseRules
/// @notice The pure rules of the CaseRegistry: what a valid rulebook is, whether a rulebook refuses
/// late actions against a deadline, and how a panel's votes decide.
library CaseRules {
    /// @dev Creditors per case (their bits in `Case.joinedApplication` stay below the borrower's, 31).
    uint256 internal constant MAX_CREDITORS = 16;
    /// @dev Members per panel.
    uint256 internal constant MAX_PANEL_SIZE = 15;
    /// @dev Bits of `Rulebook.lateRefused` that name a deadline (Response, Mediation, Confirmation).
    uint8 internal constant LATE_POLICY_BITS = 0x07;

    /// @dev Every period is set, the reminder falls inside the confirmation window, the panel has 1 to
    /// MAX_PANEL_SIZE members and a quorum of 1 to all of them, a case 1 to MAX_CREDITORS creditors,
    /// and the late policy names known deadlines only.
    function isValid(Rulebook calldata r) internal pure returns (bool) {
        return
            r.responseTime != 0 &&
            r.maxMediationDuration != 0 &&
            r.confirmationReminder != 0 &&
            r.confirmationReminder < r.confirmationWindow &&
            r.votingPeriod != 0 &&
            r.panelSize != 0 &&
            r.panelSize <= MAX_PANEL_SIZE &&
            r.quorum != 0 &&
            r.quorum <= r.panelSize &&
            r.maxCreditors != 0 &&
            r.maxCreditors <= MAX_CREDITORS &&
            r.lateRefused & ~LATE_POLICY_BITS == 0;
    }

    function refusesLate(Rulebook memory r, Deadline deadline) internal pure returns (bool) {
        return r.lateRefused & (1 << uint8(deadline)) != 0;
    }

    /// @dev The option (Uphold … Terminate) whose votes exceed half of the panel members who did not
    /// abstain — voted or not yet — or None. No vote still to come can overturn such a majority, so it
    /// may be declared at once; two options can never both hold one, and a tie holds none.
    /// @param tally Votes per option, indexed by `uint8(Vote)`.
    function majority(uint8[6] memory tally, uint256 panelSize) internal pure returns (Vote) {
        uint256 abstentions = tally[uint8(Vote.Abstain)];
        // A panel where everyone abstained has no majority: `deciding` is 0 and every count is 0.
        uint256 deciding = panelSize - abstentions;
        for (uint8 option = uint8(Vote.Uphold); option <= uint8(Vote.Terminate); ++option) {
            if (2 * uint256(tally[option]) > deciding) return Vote(option);
        }
        return Vote.None;
    }
}
