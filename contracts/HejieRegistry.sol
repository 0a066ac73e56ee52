// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {SettlementHashing} from "./libraries/SettlementHashing.sol";
import {SettlementRegistry} from "./SettlementRegistry.sol";

/// @title HejieRegistry
/// @notice The deployed registry of members and settlement agreements: `MemberRegistry` (who may
/// sign and act) and `SettlementRegistry` (agreements, schedules, payments, compliance) composed in
/// one contract, governed by the consortium's AccessManager.
/// @dev One contract because every registration checks three signers and every payment an oracle
/// key: reading keys from the contract's own storage rather than calling another contract saves a
/// cold account access and a call on each (about 4,000 gas), which the gas targets need.
contract HejieRegistry is SettlementRegistry {
    constructor(
        address manager
    ) AccessManaged(manager) EIP712(SettlementHashing.DOMAIN_NAME, SettlementHashing.DOMAIN_VERSION) {}
}
