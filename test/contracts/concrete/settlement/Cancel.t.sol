// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ISettlementRegistry} from "../../../../contracts/interfaces/ISettlementRegistry.sol";
import {Instalment, SettlementTerms, Status} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice cancel: a party withdraws its signature before registration.
contract CancelTest is HejieTestBase {
    SettlementTerms internal terms;
    Instalment[] internal schedule;
    bytes32 internal id;

    function setUp() public override {
        super.setUp();
        Instalment[] memory list = _evenSchedule(3, 100, 30);
        for (uint256 i = 0; i < list.length; ++i) schedule.push(list[i]);
        terms = _terms(300);
        id = registry.settlementId(terms, schedule);
    }

    function test_cancel_ByEachParty() public {
        address[3] memory parties = [borrower, platform, lawyer];
        for (uint256 i = 0; i < parties.length; ++i) {
            uint256 snapshot = vm.snapshotState();
            vm.expectEmit(address(registry));
            emit ISettlementRegistry.SettlementCancelled(id, parties[i]);
            vm.prank(parties[i]);
            bytes32 cancelled = registry.cancel(terms, schedule);
            assertEq(cancelled, id, "returns the id");
            assertTrue(_status(id) == Status.Cancelled, "Cancelled");
            vm.revertToState(snapshot);
        }
    }

    function test_cancel_IdIsGone() public {
        vm.prank(platform);
        registry.cancel(terms, schedule);
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, id));
        registry.compliance(id);
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(id);
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistrySignatureCancelled.selector, id));
        registry.register(terms, schedule, sigB, sigP, sigL);
    }

    function test_cancel_AfterTheKeyWasRevoked() public {
        // Withdrawing consent never needs an active key: the party named in the terms may always cancel.
        vm.prank(registrar);
        registry.revokeKey(lawyer);
        vm.prank(lawyer);
        registry.cancel(terms, schedule);
        assertTrue(_status(id) == Status.Cancelled, "Cancelled");
    }

    function test_RevertWhen_CancelNotParty() public {
        address[4] memory outsiders = [stranger, oracle, otherBorrower, committee];
        for (uint256 i = 0; i < outsiders.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotParty.selector, id, outsiders[i])
            );
            vm.prank(outsiders[i]);
            registry.cancel(terms, schedule);
        }
    }

    function test_RevertWhen_CancelRegistered() public {
        _register(terms, schedule);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAlreadyRegistered.selector, id, Status.Active)
        );
        vm.prank(borrower);
        registry.cancel(terms, schedule);
    }

    function test_RevertWhen_CancelTwice() public {
        vm.prank(borrower);
        registry.cancel(terms, schedule);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryAlreadyRegistered.selector,
                id,
                Status.Cancelled
            )
        );
        vm.prank(lawyer);
        registry.cancel(terms, schedule);
    }
}
