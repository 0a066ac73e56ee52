// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

import {IMemberRegistry} from "./interfaces/IMemberRegistry.sol";
import {MemberLogic} from "./libraries/MemberLogic.sol";
import {Roles} from "./libraries/Roles.sol";
import {Account, AccountKind, Key, KeyStatus, Licence} from "./types/MemberTypes.sol";

/// @title MemberRegistry
/// @notice See {IMemberRegistry}. The registry is the admin of the member roles in the AccessManager
/// and grants or revokes them together with its own key records, so both always agree.
/// @dev Abstract: `HejieRegistry` composes it with the `SettlementRegistry`, so that every signature
/// check reads keys from the same contract's storage. The administration lives in `MemberLogic`.
abstract contract MemberRegistry is IMemberRegistry, AccessManaged {
    MemberLogic.Layout private _memberState;

    /*//////////////////////////////////////////////////////////////
                                GETTERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMemberRegistry
    function getAccount(uint32 accountId) external view returns (Account memory) {
        return _memberState.accounts[accountId];
    }

    /// @inheritdoc IMemberRegistry
    function getKey(address key) external view returns (Key memory) {
        return _memberState.keys[key];
    }

    /// @inheritdoc IMemberRegistry
    function getKeys(uint32 accountId) external view returns (address[] memory) {
        return _memberState.accountKeys[accountId];
    }

    /// @inheritdoc IMemberRegistry
    function accountOfCommitment(bytes32 identityCommitment) external view returns (uint32) {
        return _memberState.accountOfCommitment[identityCommitment];
    }

    /// @inheritdoc IMemberRegistry
    function accountCount() external view returns (uint32) {
        return _memberState.accountCount;
    }

    /// @inheritdoc IMemberRegistry
    function activeKey(address key, uint64 role) external view returns (uint32 accountId, uint32 nonce) {
        return _activeKey(key, role);
    }

    /*//////////////////////////////////////////////////////////////
                           REGISTRAR ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMemberRegistry
    function admitMember(
        AccountKind kind,
        Licence licence,
        bytes32 identityCommitment,
        address key
    ) external restricted returns (uint32) {
        return MemberLogic.admitMember(_memberState, _manager(), kind, licence, identityCommitment, key);
    }

    /// @inheritdoc IMemberRegistry
    function addKey(uint32 accountId, address key, uint64 role) external restricted {
        MemberLogic.addKey(_memberState, _manager(), accountId, key, role);
    }

    /// @inheritdoc IMemberRegistry
    function revokeKey(address key) external restricted {
        MemberLogic.revokeKey(_memberState, _manager(), key);
    }

    /// @inheritdoc IMemberRegistry
    function suspendAccount(uint32 accountId) external restricted {
        MemberLogic.suspendAccount(_memberState, _manager(), accountId);
    }

    /// @inheritdoc IMemberRegistry
    function reinstateAccount(uint32 accountId) external restricted {
        MemberLogic.reinstateAccount(_memberState, accountId);
    }

    /// @inheritdoc IMemberRegistry
    function bindBorrower(address wallet, bytes32 identityCommitment) external restricted returns (uint32) {
        return MemberLogic.bind(_memberState, _manager(), wallet, identityCommitment, 0);
    }

    /// @inheritdoc IMemberRegistry
    function bindCustomer(address wallet, bytes32 identityCommitment) external restricted returns (uint32) {
        (uint32 platformId, ) = _activeKey(msg.sender, Roles.PLATFORM);
        return MemberLogic.bind(_memberState, _manager(), wallet, identityCommitment, platformId);
    }

    /*//////////////////////////////////////////////////////////////
                             KEY HOLDERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMemberRegistry
    function rotateKey(address newKey) external {
        MemberLogic.rotateKey(_memberState, _manager(), msg.sender, newKey);
    }

    /// @inheritdoc IMemberRegistry
    function increaseNonce() external returns (uint32 nonce) {
        Key storage key = _memberState.keys[msg.sender];
        if (key.status != KeyStatus.Active) revert MemberRegistryKeyNotActive(msg.sender);
        nonce = ++key.nonce;
        emit NonceIncreased(msg.sender, nonce);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _activeKey(address key, uint64 role) internal view returns (uint32 accountId, uint32 nonce) {
        return MemberLogic.activeKey(_memberState, key, role);
    }

    function _keyOf(address key) internal view returns (Key memory) {
        return _memberState.keys[key];
    }

    function _manager() private view returns (IAccessManager) {
        return IAccessManager(authority());
    }
}
