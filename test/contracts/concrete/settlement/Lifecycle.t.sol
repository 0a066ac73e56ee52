// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {ISettlementRegistry} from "../../../../contracts/interfaces/ISettlementRegistry.sol";
import {SettlementTerms, Status} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice declareDefault and the RESOLVER's transitions, against the table of `Status`.
contract LifecycleTest is HejieTestBase {
    uint8 internal constant STATUS_COUNT = 8;

    bytes32 internal id;
    uint64 internal total;

    function setUp() public override {
        super.setUp();
        SettlementTerms memory terms;
        (id, terms) = _registerDefault();
        total = terms.settledAmount;
    }

    /// @dev The first moment the first instalment (unpaid) is past grace and cure.
    function _defaultedAt() internal pure returns (uint256) {
        return uint256(FIRST_DUE) + GRACE + CURE + 1;
    }

    function _toInDefault() internal {
        vm.warp(_defaultedAt());
        registry.declareDefault(id);
    }

    function _toSuperseded() internal {
        SettlementTerms memory terms = _terms(10);
        terms.amends = id;
        _register(terms, _evenSchedule(1, 10, 1));
    }

    function _expectTransitionNotAllowed(Status from, Status to) internal {
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryTransitionNotAllowed.selector, id, from, to)
        );
        vm.prank(resolver);
        registry.transition(id, to, bytes32(0));
    }

    /// @dev Every target but those in `allowed` is refused from the current status.
    function _expectOnlyAllowed(Status from, Status[] memory allowed) internal {
        for (uint8 to = 0; to < STATUS_COUNT; ++to) {
            bool isAllowed;
            for (uint256 i = 0; i < allowed.length; ++i) if (uint8(allowed[i]) == to) isAllowed = true;
            if (!isAllowed) _expectTransitionNotAllowed(from, Status(to));
        }
    }

    function _list(Status a, Status b) internal pure returns (Status[] memory list) {
        list = new Status[](2);
        list[0] = a;
        list[1] = b;
    }

    function _list(Status a, Status b, Status c) internal pure returns (Status[] memory list) {
        list = new Status[](3);
        list[0] = a;
        list[1] = b;
        list[2] = c;
    }

    /*//////////////////////////////////////////////////////////////
                             DECLARE DEFAULT
    //////////////////////////////////////////////////////////////*/

    function test_declareDefault() public {
        vm.warp(_defaultedAt());
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.StatusChanged(id, Status.Active, Status.InDefault, bytes32(0));
        vm.prank(stranger); // anyone
        registry.declareDefault(id);
        assertTrue(_status(id) == Status.InDefault, "InDefault");
    }

    function test_RevertWhen_DeclareDefaultBeforeDue() public {
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotDefaulted.selector, id));
        registry.declareDefault(id);
    }

    function test_RevertWhen_DeclareDefaultInGraceOrCure() public {
        uint256[3] memory times = [uint256(FIRST_DUE) + 1, uint256(FIRST_DUE) + GRACE, _defaultedAt() - 1];
        for (uint256 i = 0; i < times.length; ++i) {
            vm.warp(times[i]);
            vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotDefaulted.selector, id));
            registry.declareDefault(id);
        }
    }

    function test_RevertWhen_DeclareDefaultAfterCatchingUp() public {
        vm.warp(_defaultedAt());
        _pay(id, 100_000); // the first instalment is paid, late; the second is not yet due
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotDefaulted.selector, id));
        registry.declareDefault(id);
    }

    function test_RevertWhen_DeclareDefaultNotActive() public {
        _toInDefault();
        _expectDeclareDefaultRefused(Status.InDefault);
        _resolve(id, Status.Disputed);
        _expectDeclareDefaultRefused(Status.Disputed);
        _pay(id, total);
        _resolve(id, Status.Completed);
        _expectDeclareDefaultRefused(Status.Completed);
    }

    function test_RevertWhen_DeclareDefaultTerminatedOrSuperseded() public {
        uint256 snapshot = vm.snapshotState();
        _resolve(id, Status.Terminated);
        vm.warp(_defaultedAt());
        _expectDeclareDefaultRefused(Status.Terminated);
        vm.revertToState(snapshot);
        _toSuperseded();
        vm.warp(_defaultedAt());
        _expectDeclareDefaultRefused(Status.Superseded);
    }

    function _expectDeclareDefaultRefused(Status from) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryTransitionNotAllowed.selector,
                id,
                from,
                Status.InDefault
            )
        );
        registry.declareDefault(id);
    }

    function test_RevertWhen_DeclareDefaultUnknown() public {
        bytes32 unknown = keccak256("unknown");
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, unknown));
        registry.declareDefault(unknown);
    }

    /*//////////////////////////////////////////////////////////////
                          ALLOWED TRANSITIONS
    //////////////////////////////////////////////////////////////*/

    function _expectTransition(Status from, Status to) internal {
        bytes32 resolution = keccak256(abi.encode("resolution", from, to));
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.StatusChanged(id, from, to, resolution);
        vm.prank(resolver);
        registry.transition(id, to, resolution);
        assertTrue(_status(id) == to, "moved");
    }

    function test_transition_FromActive() public {
        uint256 snapshot = vm.snapshotState();
        _expectTransition(Status.Active, Status.Disputed);
        vm.revertToState(snapshot);
        _expectTransition(Status.Active, Status.Terminated);
    }

    function test_transition_FromInDefault() public {
        _toInDefault();
        uint256 snapshot = vm.snapshotState();
        _expectTransition(Status.InDefault, Status.Disputed);
        vm.revertToState(snapshot);
        _expectTransition(Status.InDefault, Status.Terminated);
    }

    function test_transition_FromDisputed() public {
        _dispute(id);
        Status[3] memory targets = [Status.Active, Status.InDefault, Status.Terminated];
        for (uint256 i = 0; i < targets.length; ++i) {
            uint256 snapshot = vm.snapshotState();
            _expectTransition(Status.Disputed, targets[i]);
            vm.revertToState(snapshot);
        }
    }

    function test_transition_FromDisputedFullyPaid() public {
        _dispute(id);
        _pay(id, total);
        uint256 snapshot = vm.snapshotState();
        _expectTransition(Status.Disputed, Status.Completed);
        vm.revertToState(snapshot);
        _expectTransition(Status.Disputed, Status.Terminated);
    }

    function test_transition_BackToActiveThenPaymentCompletes() public {
        _dispute(id);
        _resolve(id, Status.Active);
        _pay(id, total);
        assertTrue(_status(id) == Status.Completed, "Completed");
    }

    /*//////////////////////////////////////////////////////////////
                          FORBIDDEN TRANSITIONS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_ForbiddenFromActive() public {
        _expectOnlyAllowed(Status.Active, _list(Status.Disputed, Status.Terminated));
    }

    function test_RevertWhen_ForbiddenFromInDefault() public {
        _toInDefault();
        _expectOnlyAllowed(Status.InDefault, _list(Status.Disputed, Status.Terminated));
    }

    function test_RevertWhen_ForbiddenFromDisputed() public {
        _dispute(id);
        _expectOnlyAllowed(Status.Disputed, _list(Status.Active, Status.InDefault, Status.Terminated));
    }

    function test_RevertWhen_ForbiddenFromDisputedFullyPaid() public {
        _dispute(id);
        _pay(id, total);
        _expectOnlyAllowed(Status.Disputed, _list(Status.Completed, Status.Terminated));
    }

    function test_RevertWhen_ForbiddenFromCompleted() public {
        _pay(id, total);
        _expectOnlyAllowed(Status.Completed, new Status[](0));
    }

    function test_RevertWhen_ForbiddenFromTerminated() public {
        _resolve(id, Status.Terminated);
        _expectOnlyAllowed(Status.Terminated, new Status[](0));
    }

    function test_RevertWhen_ForbiddenFromSuperseded() public {
        _toSuperseded();
        _expectOnlyAllowed(Status.Superseded, new Status[](0));
    }

    function test_RevertWhen_TransitionUnknownOrCancelled() public {
        bytes32 unknown = keccak256("unknown");
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, unknown));
        vm.prank(resolver);
        registry.transition(unknown, Status.Disputed, bytes32(0));

        SettlementTerms memory terms = _terms(10);
        vm.prank(borrower);
        bytes32 cancelled = registry.cancel(terms, _evenSchedule(1, 10, 1));
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, cancelled));
        vm.prank(resolver);
        registry.transition(cancelled, Status.Active, bytes32(0));
    }

    function test_RevertWhen_TransitionNotResolver() public {
        address[6] memory callers = [stranger, committee, registrar, admin, lawyer, platform];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, callers[i]));
            vm.prank(callers[i]);
            registry.transition(id, Status.Disputed, bytes32(0));
        }
    }
}
