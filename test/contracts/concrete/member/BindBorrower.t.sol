// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {IMemberRegistry} from "../../../../contracts/interfaces/IMemberRegistry.sol";
import {Roles} from "../../../../contracts/libraries/Roles.sol";
import {Account, AccountKind, AccountStatus, Licence} from "../../../../contracts/types/MemberTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice bindBorrower (registrar) and bindCustomer (platform).
contract BindBorrowerTest is HejieTestBase {
    address internal wallet;
    address internal secondWallet;

    function setUp() public override {
        super.setUp();
        wallet = _labelled(0xBB01, "wallet");
        secondWallet = _labelled(0xBB02, "secondWallet");
    }

    /*//////////////////////////////////////////////////////////////
                              BIND BORROWER
    //////////////////////////////////////////////////////////////*/

    function test_bindBorrower_NewIdentity() public {
        bytes32 c = commitmentOf("new borrower");
        uint32 expectedId = registry.accountCount() + 1;
        vm.expectEmit(address(registry));
        emit IMemberRegistry.BorrowerBound(expectedId, wallet, c, 0);
        vm.expectEmit(address(registry));
        emit IMemberRegistry.KeyAdded(expectedId, wallet, Roles.BORROWER);
        vm.prank(registrar);
        uint32 id = registry.bindBorrower(wallet, c);

        assertEq(id, expectedId, "new account");
        Account memory account = registry.getAccount(id);
        assertTrue(account.kind == AccountKind.Borrower, "kind");
        assertTrue(account.licence == Licence.None, "no licence");
        assertTrue(account.status == AccountStatus.Active, "active");
        assertEq(account.boundBy, 0, "bound by a registrar");
        assertEq(account.identityCommitment, c, "commitment");
        (uint32 keyAccount, ) = registry.activeKey(wallet, Roles.BORROWER);
        assertEq(keyAccount, id, "wallet acts for the borrower");
        (bool granted, ) = manager.hasRole(Roles.BORROWER, wallet);
        assertFalse(granted, "BORROWER is never granted in the AccessManager");
    }

    function test_bindBorrower_SecondWalletSameIdentity() public {
        uint32 countBefore = registry.accountCount();
        vm.prank(registrar);
        uint32 id = registry.bindBorrower(wallet, commitmentOf("borrower"));
        assertEq(id, borrowerId, "same account");
        assertEq(registry.accountCount(), countBefore, "no new account");
        assertEq(registry.getKeys(borrowerId).length, 2, "two wallets");
    }

    function test_bindBorrower_RegistrarExtendsPlatformCustomer() public {
        vm.prank(platform);
        uint32 id = registry.bindCustomer(wallet, commitmentOf("customer"));
        vm.prank(registrar);
        assertEq(registry.bindBorrower(secondWallet, commitmentOf("customer")), id, "registrars extend any borrower");
    }

    function test_RevertWhen_BindToMemberIdentity() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryNotBorrower.selector, platformId));
        vm.prank(registrar);
        registry.bindBorrower(wallet, commitmentOf("platform"));
    }

    function test_RevertWhen_BindToSuspendedBorrower() public {
        vm.startPrank(registrar);
        registry.suspendAccount(borrowerId);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryAccountNotActive.selector, borrowerId));
        registry.bindBorrower(wallet, commitmentOf("borrower"));
        vm.stopPrank();
    }

    function test_RevertWhen_BindZeroCommitment() public {
        vm.expectRevert(IMemberRegistry.MemberRegistryZeroCommitment.selector);
        vm.prank(registrar);
        registry.bindBorrower(wallet, bytes32(0));
    }

    function test_RevertWhen_BindZeroWallet() public {
        vm.expectRevert(IMemberRegistry.MemberRegistryZeroKey.selector);
        vm.prank(registrar);
        registry.bindBorrower(address(0), commitmentOf("new borrower"));
    }

    function test_RevertWhen_BindTakenWallet() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyTaken.selector, lawyer, lawyerId));
        vm.prank(registrar);
        registry.bindBorrower(lawyer, commitmentOf("new borrower"));
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyTaken.selector, borrower, borrowerId));
        vm.prank(registrar);
        registry.bindBorrower(borrower, commitmentOf("borrower"));
    }

    function test_RevertWhen_BindBorrowerNotRegistrar() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, platform));
        vm.prank(platform);
        registry.bindBorrower(wallet, commitmentOf("new borrower"));
    }

    /*//////////////////////////////////////////////////////////////
                              BIND CUSTOMER
    //////////////////////////////////////////////////////////////*/

    function test_bindCustomer() public {
        bytes32 c = commitmentOf("customer");
        uint32 expectedId = registry.accountCount() + 1;
        vm.expectEmit(address(registry));
        emit IMemberRegistry.BorrowerBound(expectedId, wallet, c, platformId);
        vm.prank(platform);
        uint32 id = registry.bindCustomer(wallet, c);
        assertEq(id, expectedId, "new account");
        assertEq(registry.getAccount(id).boundBy, platformId, "bound by the platform");

        vm.prank(platform);
        assertEq(registry.bindCustomer(secondWallet, c), id, "the platform extends its own customer");
    }

    function test_RevertWhen_ExtendOtherPlatformsCustomer() public {
        vm.prank(platform);
        uint32 id = registry.bindCustomer(wallet, commitmentOf("customer"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryNotBoundByCaller.selector,
                id,
                platformId,
                otherPlatformId
            )
        );
        vm.prank(otherPlatform);
        registry.bindCustomer(secondWallet, commitmentOf("customer"));
    }

    function test_RevertWhen_ExtendRegistrarBoundBorrower() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryNotBoundByCaller.selector,
                borrowerId,
                uint32(0),
                platformId
            )
        );
        vm.prank(platform);
        registry.bindCustomer(wallet, commitmentOf("borrower"));
    }

    function test_RevertWhen_CustomerIdentityIsMember() public {
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryNotBorrower.selector, lawyerId));
        vm.prank(platform);
        registry.bindCustomer(wallet, commitmentOf("lawyer"));
    }

    function test_RevertWhen_BindCustomerNotPlatform() public {
        address[4] memory callers = [lawyer, oracle, registrar, borrower];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, callers[i]));
            vm.prank(callers[i]);
            registry.bindCustomer(wallet, commitmentOf("customer"));
        }
    }

    function test_RevertWhen_BindCustomerRevokedPlatformKey() public {
        vm.prank(registrar);
        registry.revokeKey(platform);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, platform));
        vm.prank(platform);
        registry.bindCustomer(wallet, commitmentOf("customer"));
    }
}
