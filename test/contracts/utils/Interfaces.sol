// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

import {ICaseRegistry} from "../../../contracts/interfaces/ICaseRegistry.sol";
import {IMemberRegistry} from "../../../contracts/interfaces/IMemberRegistry.sol";
import {ISettlementRegistry} from "../../../contracts/interfaces/ISettlementRegistry.sol";

/// @notice The deployed HejieRegistry's whole external surface: members, settlements, the
/// AccessManager link and the EIP-712 domain. Tests reach the contracts only through their interfaces
/// and deploy the production artifacts (`vm.getCode`), so they exercise exactly the bytecode that is
/// deployed, and never recompile the contracts with the tests' compiler settings.
interface IHejieRegistry is IMemberRegistry, ISettlementRegistry, IAccessManaged, IERC5267 {}

/// @notice The deployed CaseRegistry's whole external surface (with its EIP-712 domain, for standstills).
interface ICaseRegistryDeployed is ICaseRegistry, IAccessManaged, IERC5267 {}

/// @notice `contracts/test-fixtures/MultisigWallet.sol`.
interface IMultisigWallet is IERC1271 {
    function threshold() external view returns (uint256);

    function executionDigest(address to, bytes calldata data) external view returns (bytes32);

    function execute(address to, bytes calldata data, bytes calldata signatures) external returns (bytes memory);
}
