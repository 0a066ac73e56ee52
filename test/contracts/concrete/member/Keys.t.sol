// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {IMemberRegistry} from "../../../../contracts/interfaces/IMemberRegistry.sol";
import {Roles} from "../../../../contracts/libraries/Roles.sol";
import {AccountKind, AccountStatus, Key, KeyStatus} from "../../../../contracts/types/MemberTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";
import {Vm} from "../../utils/Vm.sol";

/// @notice addKey, revokeKey, suspendAccount, reinstateAccount, rotateKey, increaseNonce, activeKey.
contract KeysTest is HejieTestBase {
    address internal newKey;

    function setUp() public override {
        super.setUp();
        newKey = _labelled(0xA11CE, "newKey");
    }

    function _hasRole(uint64 role, address account) internal view returns (bool member) {
        (member, ) = manager.hasRole(role, account);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADD KEY
    //////////////////////////////////////////////////////////////*/

    function test_addKey_OracleForPlatform() public {
        vm.expectEmit(address(registry));
        emit IMemberRegistry.KeyAdded(platformId, newKey, Roles.ORACLE);
        vm.prank(registrar);
        registry.addKey(platformId, newKey, Roles.ORACLE);

        Key memory key = registry.getKey(newKey);
        assertEq(key.accountId, platformId, "account");
        assertEq(key.role, Roles.ORACLE, "role");
        assertTrue(key.status == KeyStatus.Active, "active");
        assertTrue(_hasRole(Roles.ORACLE, newKey), "ORACLE granted");
        assertFalse(_hasRole(Roles.ANCHORER, newKey), "oracles do not anchor");
        address[] memory keys = registry.getKeys(platformId);
        assertEq(keys.length, 3, "platform, oracle, new key");
        assertEq(keys[2], newKey, "appended");
    }

    function test_addKey_SecondBorrowerWallet() public {
        vm.prank(registrar);
        registry.addKey(borrowerId, newKey, Roles.BORROWER);
        (uint32 id, ) = registry.activeKey(newKey, Roles.BORROWER);
        assertEq(id, borrowerId, "same borrower account");
        assertFalse(_hasRole(Roles.BORROWER, newKey), "BORROWER is never granted in the AccessManager");
    }

    function test_RevertWhen_AddKeyUnknownAccount() public {
        uint32 unknown = registry.accountCount() + 1;
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryUnknownAccount.selector, unknown));
        vm.prank(registrar);
        registry.addKey(unknown, newKey, Roles.LAWYER);

        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryUnknownAccount.selector, uint32(0)));
        vm.prank(registrar);
        registry.addKey(0, newKey, Roles.LAWYER);
    }

    function test_RevertWhen_AddKeySuspendedAccount() public {
        vm.prank(registrar);
        registry.suspendAccount(lawyerId);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryAccountNotActive.selector, lawyerId));
        vm.prank(registrar);
        registry.addKey(lawyerId, newKey, Roles.LAWYER);
    }

    function test_RevertWhen_RoleNotAllowedForKind() public {
        _expectRoleNotAllowed(lawyerId, AccountKind.Lawyer, Roles.ORACLE);
        _expectRoleNotAllowed(lawyerId, AccountKind.Lawyer, Roles.PLATFORM);
        _expectRoleNotAllowed(platformId, AccountKind.Platform, Roles.LAWYER);
        _expectRoleNotAllowed(platformId, AccountKind.Platform, Roles.BORROWER);
        _expectRoleNotAllowed(platformId, AccountKind.Platform, Roles.ANCHORER);
        _expectRoleNotAllowed(committeeId, AccountKind.CommitteeMember, Roles.RESOLVER);
        _expectRoleNotAllowed(committeeId, AccountKind.CommitteeMember, Roles.REGISTRAR);
        _expectRoleNotAllowed(borrowerId, AccountKind.Borrower, Roles.PLATFORM);
        _expectRoleNotAllowed(borrowerId, AccountKind.Borrower, Roles.ADMIN);
        _expectRoleNotAllowed(borrowerId, AccountKind.Borrower, Roles.MEMBER_REGISTRY);
    }

    function _expectRoleNotAllowed(uint32 accountId, AccountKind kind, uint64 role) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IMemberRegistry.MemberRegistryRoleNotAllowed.selector, accountId, kind, role)
        );
        vm.prank(registrar);
        registry.addKey(accountId, newKey, role);
    }

    function test_RevertWhen_AddZeroKey() public {
        vm.expectRevert(IMemberRegistry.MemberRegistryZeroKey.selector);
        vm.prank(registrar);
        registry.addKey(lawyerId, address(0), Roles.LAWYER);
    }

    function test_RevertWhen_AddKeyTaken() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyTaken.selector, oracle, platformId));
        vm.prank(registrar);
        registry.addKey(lawyerId, oracle, Roles.LAWYER);
    }

    function test_RevertWhen_ReAddRevokedKey() public {
        vm.startPrank(registrar);
        registry.revokeKey(oracle);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyTaken.selector, oracle, platformId));
        registry.addKey(platformId, oracle, Roles.ORACLE);
        vm.stopPrank();
    }

    function test_RevertWhen_AddKeyNotRegistrar() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, platform));
        vm.prank(platform);
        registry.addKey(platformId, newKey, Roles.ORACLE);
    }

    /*//////////////////////////////////////////////////////////////
                               REVOKE KEY
    //////////////////////////////////////////////////////////////*/

    function test_revokeKey() public {
        vm.warp(_now() + 1 days);
        vm.expectEmit(address(registry));
        emit IMemberRegistry.KeyRevoked(lawyerId, lawyer);
        vm.prank(registrar);
        registry.revokeKey(lawyer);

        Key memory key = registry.getKey(lawyer);
        assertTrue(key.status == KeyStatus.Revoked, "revoked");
        assertEq(key.revokedAt, _now(), "revokedAt");
        assertEq(key.accountId, lawyerId, "account kept");
        assertFalse(_hasRole(Roles.LAWYER, lawyer), "LAWYER revoked");
        assertFalse(_hasRole(Roles.ANCHORER, lawyer), "ANCHORER revoked");
        assertEq(registry.getKeys(lawyerId).length, 1, "revoked keys stay listed");
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, lawyer));
        registry.activeKey(lawyer, Roles.LAWYER);
    }

    function test_RevertWhen_RevokeUnknownKey() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, stranger));
        vm.prank(registrar);
        registry.revokeKey(stranger);
    }

    function test_RevertWhen_RevokeRevokedKey() public {
        vm.startPrank(registrar);
        registry.revokeKey(oracle);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, oracle));
        registry.revokeKey(oracle);
        vm.stopPrank();
    }

    function test_RevertWhen_RevokeNotRegistrar() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, lawyer));
        vm.prank(lawyer);
        registry.revokeKey(lawyer);
    }

    /*//////////////////////////////////////////////////////////////
                          SUSPEND AND REINSTATE
    //////////////////////////////////////////////////////////////*/

    function test_suspendAccount_RevokesEveryKey() public {
        vm.expectEmit(address(registry));
        emit IMemberRegistry.AccountSuspended(platformId);
        vm.expectEmit(address(registry));
        emit IMemberRegistry.KeyRevoked(platformId, platform);
        vm.expectEmit(address(registry));
        emit IMemberRegistry.KeyRevoked(platformId, oracle);
        vm.prank(registrar);
        registry.suspendAccount(platformId);

        assertTrue(registry.getAccount(platformId).status == AccountStatus.Suspended, "suspended");
        assertTrue(registry.getKey(platform).status == KeyStatus.Revoked, "platform key revoked");
        assertTrue(registry.getKey(oracle).status == KeyStatus.Revoked, "oracle key revoked");
        assertFalse(_hasRole(Roles.PLATFORM, platform), "PLATFORM revoked");
        assertFalse(_hasRole(Roles.ANCHORER, platform), "ANCHORER revoked");
        assertFalse(_hasRole(Roles.ORACLE, oracle), "ORACLE revoked");
    }

    function test_suspendAccount_SkipsRevokedKeys() public {
        vm.startPrank(registrar);
        registry.revokeKey(oracle);
        vm.recordLogs();
        registry.suspendAccount(platformId);
        vm.stopPrank();
        // AccountSuspended + one KeyRevoked (the platform key), plus the AccessManager's RoleRevoked events.
        uint256 keyRevoked;
        bytes32 topic = IMemberRegistry.KeyRevoked.selector;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter == address(registry) && logs[i].topics[0] == topic) ++keyRevoked;
        }
        assertEq(keyRevoked, 1, "only the active key is revoked again");
    }

    function test_reinstateAccount() public {
        vm.startPrank(registrar);
        registry.suspendAccount(lawyerId);
        vm.expectEmit(address(registry));
        emit IMemberRegistry.AccountReinstated(lawyerId);
        registry.reinstateAccount(lawyerId);
        vm.stopPrank();

        assertTrue(registry.getAccount(lawyerId).status == AccountStatus.Active, "active again");
        assertTrue(registry.getKey(lawyer).status == KeyStatus.Revoked, "old keys stay revoked");
        vm.prank(registrar);
        registry.addKey(lawyerId, newKey, Roles.LAWYER);
        (uint32 id, ) = registry.activeKey(newKey, Roles.LAWYER);
        assertEq(id, lawyerId, "new key acts for the account");
    }

    function test_RevertWhen_SuspendSuspended() public {
        vm.startPrank(registrar);
        registry.suspendAccount(lawyerId);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryAccountNotActive.selector, lawyerId));
        registry.suspendAccount(lawyerId);
        vm.stopPrank();
    }

    function test_RevertWhen_SuspendUnknown() public {
        uint32 unknown = registry.accountCount() + 1;
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryAccountNotActive.selector, unknown));
        vm.prank(registrar);
        registry.suspendAccount(unknown);
    }

    function test_RevertWhen_ReinstateActive() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryAccountNotSuspended.selector, lawyerId));
        vm.prank(registrar);
        registry.reinstateAccount(lawyerId);
    }

    function test_RevertWhen_SuspendOrReinstateNotRegistrar() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, committee));
        vm.prank(committee);
        registry.suspendAccount(lawyerId);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, committee));
        vm.prank(committee);
        registry.reinstateAccount(lawyerId);
    }

    /*//////////////////////////////////////////////////////////////
                               ROTATE KEY
    //////////////////////////////////////////////////////////////*/

    function test_rotateKey() public {
        vm.prank(lawyer);
        registry.increaseNonce();

        vm.expectEmit(address(registry));
        emit IMemberRegistry.KeyAdded(lawyerId, newKey, Roles.LAWYER);
        vm.expectEmit(address(registry));
        emit IMemberRegistry.KeyRevoked(lawyerId, lawyer);
        vm.expectEmit(address(registry));
        emit IMemberRegistry.KeyRotated(lawyerId, lawyer, newKey);
        vm.prank(lawyer);
        registry.rotateKey(newKey);

        assertTrue(registry.getKey(lawyer).status == KeyStatus.Revoked, "old key revoked");
        (uint32 id, uint32 nonce) = registry.activeKey(newKey, Roles.LAWYER);
        assertEq(id, lawyerId, "same account");
        assertEq(nonce, 0, "a new key starts at nonce 0");
        assertTrue(_hasRole(Roles.LAWYER, newKey), "LAWYER moved");
        assertTrue(_hasRole(Roles.ANCHORER, newKey), "ANCHORER moved");
        assertFalse(_hasRole(Roles.LAWYER, lawyer), "old LAWYER revoked");
    }

    function test_rotateKey_Borrower() public {
        vm.prank(borrower);
        registry.rotateKey(newKey);
        (uint32 id, ) = registry.activeKey(newKey, Roles.BORROWER);
        assertEq(id, borrowerId, "same borrower account");
    }

    function test_RevertWhen_RotateByUnknownKey() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, stranger));
        vm.prank(stranger);
        registry.rotateKey(newKey);
    }

    function test_RevertWhen_RotateByRevokedKey() public {
        vm.prank(registrar);
        registry.revokeKey(oracle);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, oracle));
        vm.prank(oracle);
        registry.rotateKey(newKey);
    }

    function test_RevertWhen_RotateToTakenOrZeroKey() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyTaken.selector, lawyer, lawyerId));
        vm.prank(lawyer);
        registry.rotateKey(lawyer);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyTaken.selector, borrower, borrowerId));
        vm.prank(lawyer);
        registry.rotateKey(borrower);
        vm.expectRevert(IMemberRegistry.MemberRegistryZeroKey.selector);
        vm.prank(lawyer);
        registry.rotateKey(address(0));
    }

    /*//////////////////////////////////////////////////////////////
                             INCREASE NONCE
    //////////////////////////////////////////////////////////////*/

    function test_increaseNonce() public {
        vm.expectEmit(address(registry));
        emit IMemberRegistry.NonceIncreased(borrower, 1);
        vm.prank(borrower);
        uint32 nonce = registry.increaseNonce();
        assertEq(nonce, 1, "returned nonce");
        assertEq(registry.getKey(borrower).nonce, 1, "stored nonce");
        vm.prank(borrower);
        assertEq(registry.increaseNonce(), 2, "second increase");
        (, uint32 active) = registry.activeKey(borrower, Roles.BORROWER);
        assertEq(active, 2, "activeKey reports the nonce");
    }

    function test_RevertWhen_IncreaseNonceUnknownOrRevoked() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, stranger));
        vm.prank(stranger);
        registry.increaseNonce();

        vm.prank(registrar);
        registry.revokeKey(lawyer);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, lawyer));
        vm.prank(lawyer);
        registry.increaseNonce();
    }

    /*//////////////////////////////////////////////////////////////
                               ACTIVE KEY
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_ActiveKeyWrongRole() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryWrongRole.selector,
                oracle,
                Roles.PLATFORM,
                Roles.ORACLE
            )
        );
        registry.activeKey(oracle, Roles.PLATFORM);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryWrongRole.selector,
                borrower,
                Roles.LAWYER,
                Roles.BORROWER
            )
        );
        registry.activeKey(borrower, Roles.LAWYER);
    }

    function test_RevertWhen_ActiveKeyUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, stranger));
        registry.activeKey(stranger, Roles.BORROWER);
    }
}
