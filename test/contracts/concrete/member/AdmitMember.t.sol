// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {IMemberRegistry} from "../../../../contracts/interfaces/IMemberRegistry.sol";
import {Roles} from "../../../../contracts/libraries/Roles.sol";
import {
    Account,
    AccountKind,
    AccountStatus,
    Key,
    KeyStatus,
    Licence
} from "../../../../contracts/types/MemberTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

contract AdmitMemberTest is HejieTestBase {
    address internal newKey;

    function setUp() public override {
        super.setUp();
        newKey = _labelled(0xA11CE, "newKey");
    }

    function _hasRole(uint64 role, address account) internal view returns (bool member) {
        (member, ) = manager.hasRole(role, account);
    }

    /*//////////////////////////////////////////////////////////////
                               SUCCESS
    //////////////////////////////////////////////////////////////*/

    function test_admitMember_Platform() public {
        bytes32 c = commitmentOf("new platform");
        uint32 expectedId = registry.accountCount() + 1;

        vm.expectEmit(address(registry));
        emit IMemberRegistry.MemberAdmitted(expectedId, AccountKind.Platform, Licence.Bank, c);
        vm.expectEmit(address(registry));
        emit IMemberRegistry.KeyAdded(expectedId, newKey, Roles.PLATFORM);
        vm.prank(registrar);
        uint32 id = registry.admitMember(AccountKind.Platform, Licence.Bank, c, newKey);

        assertEq(id, expectedId, "account id");
        assertEq(registry.accountCount(), expectedId, "account count");
        assertEq(registry.accountOfCommitment(c), id, "account of commitment");
        Account memory account = registry.getAccount(id);
        assertTrue(account.kind == AccountKind.Platform, "kind");
        assertTrue(account.licence == Licence.Bank, "licence");
        assertTrue(account.status == AccountStatus.Active, "status");
        assertEq(account.createdAt, _now(), "createdAt");
        assertEq(account.boundBy, 0, "boundBy");
        assertEq(account.identityCommitment, c, "commitment");

        Key memory key = registry.getKey(newKey);
        assertEq(key.accountId, id, "key account");
        assertEq(key.role, Roles.PLATFORM, "key role");
        assertTrue(key.status == KeyStatus.Active, "key status");
        assertEq(key.addedAt, _now(), "key addedAt");
        assertEq(key.revokedAt, 0, "key revokedAt");
        assertEq(key.nonce, 0, "key nonce");
        address[] memory keys = registry.getKeys(id);
        assertEq(keys.length, 1, "keys length");
        assertEq(keys[0], newKey, "keys[0]");

        (uint32 activeId, uint32 nonce) = registry.activeKey(newKey, Roles.PLATFORM);
        assertEq(activeId, id, "activeKey account");
        assertEq(nonce, 0, "activeKey nonce");
        assertTrue(_hasRole(Roles.PLATFORM, newKey), "PLATFORM granted");
        assertTrue(_hasRole(Roles.ANCHORER, newKey), "ANCHORER granted");
    }

    function test_admitMember_LawyerAndCommitteeAnchor() public {
        vm.startPrank(registrar);
        registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("l2"), newKey);
        address committeeKey = vm.addr(0xC2);
        registry.admitMember(AccountKind.CommitteeMember, Licence.None, commitmentOf("c2"), committeeKey);
        vm.stopPrank();
        assertTrue(_hasRole(Roles.LAWYER, newKey), "LAWYER granted");
        assertTrue(_hasRole(Roles.ANCHORER, newKey), "lawyer ANCHORER granted");
        assertTrue(_hasRole(Roles.COMMITTEE, committeeKey), "COMMITTEE granted");
        assertTrue(_hasRole(Roles.ANCHORER, committeeKey), "committee ANCHORER granted");
    }

    function test_admitMember_RegulatorDoesNotAnchor() public {
        vm.prank(registrar);
        uint32 id = registry.admitMember(AccountKind.Regulator, Licence.None, commitmentOf("regulator"), newKey);
        assertEq(registry.getKey(newKey).role, Roles.REGULATOR, "role");
        assertEq(registry.getKey(newKey).accountId, id, "account");
        assertTrue(_hasRole(Roles.REGULATOR, newKey), "REGULATOR granted");
        assertFalse(_hasRole(Roles.ANCHORER, newKey), "regulator must not anchor");
    }

    function test_admitMember_EveryLicenceForPlatforms() public {
        vm.startPrank(registrar);
        for (uint8 lic = uint8(Licence.Bank); lic <= uint8(Licence.Unlicensed); ++lic) {
            address key = vm.addr(0x1000 + lic);
            uint32 id = registry.admitMember(AccountKind.Platform, Licence(lic), keccak256(abi.encode(lic)), key);
            assertEq(uint8(registry.getAccount(id).licence), lic, "licence stored");
        }
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                               REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_KindNone() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryInvalidKind.selector, AccountKind.None));
        vm.prank(registrar);
        registry.admitMember(AccountKind.None, Licence.None, commitmentOf("x"), newKey);
    }

    function test_RevertWhen_KindBorrower() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMemberRegistry.MemberRegistryInvalidKind.selector, AccountKind.Borrower)
        );
        vm.prank(registrar);
        registry.admitMember(AccountKind.Borrower, Licence.None, commitmentOf("x"), newKey);
    }

    function test_RevertWhen_PlatformWithoutLicence() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryInvalidLicence.selector,
                AccountKind.Platform,
                Licence.None
            )
        );
        vm.prank(registrar);
        registry.admitMember(AccountKind.Platform, Licence.None, commitmentOf("x"), newKey);
    }

    function test_RevertWhen_NonPlatformWithLicence() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryInvalidLicence.selector,
                AccountKind.Lawyer,
                Licence.Bank
            )
        );
        vm.prank(registrar);
        registry.admitMember(AccountKind.Lawyer, Licence.Bank, commitmentOf("x"), newKey);

        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryInvalidLicence.selector,
                AccountKind.Regulator,
                Licence.Unlicensed
            )
        );
        vm.prank(registrar);
        registry.admitMember(AccountKind.Regulator, Licence.Unlicensed, commitmentOf("x"), newKey);
    }

    function test_RevertWhen_ZeroCommitment() public {
        vm.expectRevert(IMemberRegistry.MemberRegistryZeroCommitment.selector);
        vm.prank(registrar);
        registry.admitMember(AccountKind.Lawyer, Licence.None, bytes32(0), newKey);
    }

    function test_RevertWhen_CommitmentTaken() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryCommitmentTaken.selector,
                commitmentOf("lawyer"),
                lawyerId
            )
        );
        vm.prank(registrar);
        registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("lawyer"), newKey);
    }

    function test_RevertWhen_CommitmentTakenByBorrower() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryCommitmentTaken.selector,
                commitmentOf("borrower"),
                borrowerId
            )
        );
        vm.prank(registrar);
        registry.admitMember(AccountKind.Platform, Licence.Bank, commitmentOf("borrower"), newKey);
    }

    function test_RevertWhen_ZeroKey() public {
        uint32 countBefore = registry.accountCount();
        vm.expectRevert(IMemberRegistry.MemberRegistryZeroKey.selector);
        vm.prank(registrar);
        registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("x"), address(0));
        assertEq(registry.accountCount(), countBefore, "no account left behind");
        assertEq(registry.accountOfCommitment(commitmentOf("x")), 0, "commitment not taken");
    }

    function test_RevertWhen_KeyTaken() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyTaken.selector, platform, platformId));
        vm.prank(registrar);
        registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("x"), platform);

        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyTaken.selector, borrower, borrowerId));
        vm.prank(registrar);
        registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("x"), borrower);
    }

    function test_RevertWhen_KeyWasRevoked() public {
        vm.prank(registrar);
        registry.revokeKey(lawyer);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyTaken.selector, lawyer, lawyerId));
        vm.prank(registrar);
        registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("x"), lawyer);
    }

    function test_RevertWhen_CallerNotRegistrar() public {
        address[3] memory callers = [stranger, platform, admin];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, callers[i]));
            vm.prank(callers[i]);
            registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("x"), newKey);
        }
    }
}
