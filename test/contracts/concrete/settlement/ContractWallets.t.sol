// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IMemberRegistry} from "../../../../contracts/interfaces/IMemberRegistry.sol";
import {ISettlementRegistry} from "../../../../contracts/interfaces/ISettlementRegistry.sol";
import {Roles} from "../../../../contracts/libraries/Roles.sol";
import {AccountKind, Licence} from "../../../../contracts/types/MemberTypes.sol";
import {
    Instalment,
    MonthlyPlan,
    OracleSignature,
    PaymentReport,
    SettlementTerms,
    Status
} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";
import {IMultisigWallet} from "../../utils/Interfaces.sol";

/// @notice ERC-1271 contract wallets (a 2-of-3 multisig) sign and act exactly like plain keys.
contract ContractWalletsTest is HejieTestBase {
    uint256 internal constant OWNER_A_PK = 0x71;
    uint256 internal constant OWNER_B_PK = 0x72;
    uint256 internal constant OWNER_C_PK = 0x73;

    /// @dev Owner private keys sorted by address (the order the wallet wants signatures in).
    uint256[3] internal owners;
    IMultisigWallet internal platformWallet;
    IMultisigWallet internal lawyerWallet;
    IMultisigWallet internal borrowerWallet;

    function setUp() public override {
        super.setUp();
        owners = [OWNER_A_PK, OWNER_B_PK, OWNER_C_PK];
        // Insertion sort by address.
        for (uint256 i = 1; i < 3; ++i) {
            for (uint256 j = i; j > 0 && vm.addr(owners[j]) < vm.addr(owners[j - 1]); --j) {
                (owners[j], owners[j - 1]) = (owners[j - 1], owners[j]);
            }
        }
        address[] memory ownerAddresses = new address[](3);
        for (uint256 i = 0; i < 3; ++i) ownerAddresses[i] = vm.addr(owners[i]);
        platformWallet = _deployMultisig(ownerAddresses, 2);
        lawyerWallet = _deployMultisig(ownerAddresses, 2);
        borrowerWallet = _deployMultisig(ownerAddresses, 2);

        vm.startPrank(registrar);
        registry.admitMember(
            AccountKind.Platform,
            Licence.MicroLender,
            commitmentOf("wallet platform"),
            address(platformWallet)
        );
        registry.admitMember(AccountKind.Lawyer, Licence.None, commitmentOf("law firm"), address(lawyerWallet));
        registry.bindBorrower(address(borrowerWallet), commitmentOf("wallet borrower"));
        vm.stopPrank();
    }

    /// @dev Signatures of the owners at `indexes` (into the sorted owners), concatenated in that order.
    function _multisig(bytes32 digest, uint256 first, uint256 second) internal view returns (bytes memory) {
        return bytes.concat(_sign(owners[first], digest), _sign(owners[second], digest));
    }

    function _walletTerms() internal returns (SettlementTerms memory terms, MonthlyPlan memory plan) {
        plan = _defaultPlan();
        terms = _terms(_planTotal(plan));
        terms.borrower = address(borrowerWallet);
        terms.platform = address(platformWallet);
        terms.lawyer = address(lawyerWallet);
        terms.borrowerNonce = 0;
        terms.platformNonce = 0;
        terms.lawyerNonce = 0;
    }

    function _walletId(SettlementTerms memory terms, MonthlyPlan memory plan) internal view returns (bytes32) {
        return registry.settlementId(terms, _instalmentsOf(plan));
    }

    function _execute(IMultisigWallet wallet, address to, bytes memory data) internal returns (bytes memory) {
        bytes32 digest = wallet.executionDigest(to, data);
        return wallet.execute(to, data, _multisig(digest, 0, 2));
    }

    function test_register_AllPartiesContractWallets() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _walletTerms();
        bytes32 id = _walletId(terms, plan);
        bytes32 registered = registry.registerMonthly(
            terms,
            plan,
            _multisig(id, 0, 1),
            _multisig(id, 1, 2),
            _multisig(id, 0, 2)
        );
        assertEq(registered, id, "registered");
        assertTrue(_status(id) == Status.Active, "Active");
    }

    function test_register_MixedKeysAndWallets() public {
        MonthlyPlan memory plan = _defaultPlan();
        SettlementTerms memory terms = _terms(_planTotal(plan));
        terms.platform = address(platformWallet);
        terms.platformNonce = 0;
        bytes32 id = registry.settlementId(terms, _instalmentsOf(plan));
        registry.registerMonthly(terms, plan, _sign(BORROWER_PK, id), _multisig(id, 0, 1), _sign(LAWYER_PK, id));
        assertTrue(_status(id) == Status.Active, "Active");
    }

    function test_RevertWhen_WalletBelowThreshold() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _walletTerms();
        bytes32 id = _walletId(terms, plan);
        bytes memory one = _sign(owners[0], id);
        bytes memory sigB = _multisig(id, 0, 1);
        bytes memory sigL = _multisig(id, 0, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryInvalidSignature.selector,
                address(platformWallet)
            )
        );
        registry.registerMonthly(terms, plan, sigB, one, sigL);
    }

    function test_RevertWhen_WalletOwnersOutOfOrder() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _walletTerms();
        bytes32 id = _walletId(terms, plan);
        bytes memory sigB = _multisig(id, 1, 0); // duplicates and reordering are refused by the wallet
        bytes memory sigP = _multisig(id, 0, 1);
        bytes memory sigL = _multisig(id, 0, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryInvalidSignature.selector,
                address(borrowerWallet)
            )
        );
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }

    function test_RevertWhen_WalletSignedByNonOwners() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _walletTerms();
        bytes32 id = _walletId(terms, plan);
        bytes memory sigB = _multisig(id, 0, 1);
        bytes memory sigP = _multisig(id, 0, 1);
        bytes memory sigL = bytes.concat(_sign(LAWYER_PK, id), _sign(STRANGER_PK, id));
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryInvalidSignature.selector,
                address(lawyerWallet)
            )
        );
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }

    function test_WalletIncreasesNonce() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _walletTerms();
        bytes32 id = _walletId(terms, plan);
        bytes memory sigB = _multisig(id, 0, 1);
        bytes memory sigP = _multisig(id, 0, 1);
        bytes memory sigL = _multisig(id, 0, 1);
        _execute(platformWallet, address(registry), abi.encodeCall(IMemberRegistry.increaseNonce, ()));
        assertEq(registry.getKey(address(platformWallet)).nonce, 1, "nonce raised through the wallet");
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryStaleNonce.selector,
                address(platformWallet),
                0,
                1
            )
        );
        registry.registerMonthly(terms, plan, sigB, sigP, sigL);
    }

    function test_WalletCancels() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _walletTerms();
        Instalment[] memory list = _instalmentsOf(plan);
        bytes32 id = _walletId(terms, plan);
        _execute(lawyerWallet, address(registry), abi.encodeCall(ISettlementRegistry.cancel, (terms, list)));
        assertTrue(_status(id) == Status.Cancelled, "cancelled by the law firm's wallet");
    }

    function test_WalletLawyerContests() public {
        (SettlementTerms memory terms, MonthlyPlan memory plan) = _walletTerms();
        bytes32 id = _walletId(terms, plan);
        registry.registerMonthly(terms, plan, _multisig(id, 0, 1), _multisig(id, 0, 1), _multisig(id, 0, 1));
        uint256 walletOraclePk = 0x0F;
        uint32 walletPlatformId = registry.getKey(address(platformWallet)).accountId;
        vm.prank(registrar);
        registry.addKey(walletPlatformId, vm.addr(walletOraclePk), Roles.ORACLE);
        PaymentReport memory report = _report(id, 0, 10, uint40(_now()));
        OracleSignature memory sig = _signReport(walletOraclePk, report);
        registry.recordPayment(report, sig);
        _execute(
            lawyerWallet,
            address(registry),
            abi.encodeCall(ISettlementRegistry.contestPayment, (report, sig, keccak256("reason")))
        );
        assertEq(registry.contestedBy(id, 0), address(lawyerWallet), "contested by the wallet");
    }
}
