// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {Account, AccountKind, AccountStatus, Key, KeyStatus, Licence} from "../types/MemberTypes.sol";
import {Roles} from "./Roles.sol";

/// @title MemberLogic
/// @notice The member registry's state and its administration: admitting members, binding borrowers,
/// adding, rotating and revoking keys.
/// @dev An external library (called by DELEGATECALL, so events and storage are the registry's): the
/// administration runs rarely and keeping its code out of `HejieRegistry` keeps that contract under
/// the 24,576-byte code size limit. Reads on the signature-checking hot path (`activeKey`) are
/// internal and compiled into the registry.
library MemberLogic {
    /// @dev The registry's member state, held in one struct so the library can work on it.
    struct Layout {
        mapping(uint32 accountId => Account) accounts;
        mapping(address key => Key) keys;
        mapping(uint32 accountId => address[] keys) accountKeys;
        mapping(bytes32 identityCommitment => uint32 accountId) accountOfCommitment;
        uint32 accountCount;
    }

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    /// @dev The account an active key acts for in `role`, and the key's nonce.
    function activeKey(Layout storage s, address key, uint64 role) internal view returns (uint32, uint32) {
        Key memory k = s.keys[key];
        if (k.status != KeyStatus.Active) revert IMemberRegistry.MemberRegistryKeyNotActive(key);
        if (k.role != role) revert IMemberRegistry.MemberRegistryWrongRole(key, role, k.role);
        return (k.accountId, k.nonce);
    }

    /*//////////////////////////////////////////////////////////////
                             ADMINISTRATION
    //////////////////////////////////////////////////////////////*/

    function admitMember(
        Layout storage s,
        IAccessManager manager,
        AccountKind kind,
        Licence licence,
        bytes32 identityCommitment,
        address key
    ) external returns (uint32 accountId) {
        if (kind == AccountKind.None || kind == AccountKind.Borrower) {
            revert IMemberRegistry.MemberRegistryInvalidKind(kind);
        }
        // Only platforms carry a licence, and every platform declares one.
        if ((kind == AccountKind.Platform) != (licence != Licence.None)) {
            revert IMemberRegistry.MemberRegistryInvalidLicence(kind, licence);
        }
        accountId = _createAccount(s, kind, licence, identityCommitment, 0);
        emit IMemberRegistry.MemberAdmitted(accountId, kind, licence, identityCommitment);
        _addKey(s, manager, accountId, key, _primaryRole(kind));
    }

    function addKey(Layout storage s, IAccessManager manager, uint32 accountId, address key, uint64 role) external {
        Account storage account = s.accounts[accountId];
        if (account.kind == AccountKind.None) revert IMemberRegistry.MemberRegistryUnknownAccount(accountId);
        if (account.status != AccountStatus.Active) revert IMemberRegistry.MemberRegistryAccountNotActive(accountId);
        if (!_roleAllowed(account.kind, role)) {
            revert IMemberRegistry.MemberRegistryRoleNotAllowed(accountId, account.kind, role);
        }
        _addKey(s, manager, accountId, key, role);
    }

    function revokeKey(Layout storage s, IAccessManager manager, address key) external {
        if (s.keys[key].status != KeyStatus.Active) revert IMemberRegistry.MemberRegistryKeyNotActive(key);
        _revokeKey(s, manager, key);
    }

    function suspendAccount(Layout storage s, IAccessManager manager, uint32 accountId) external {
        Account storage account = s.accounts[accountId];
        if (account.status != AccountStatus.Active) revert IMemberRegistry.MemberRegistryAccountNotActive(accountId);
        account.status = AccountStatus.Suspended;
        emit IMemberRegistry.AccountSuspended(accountId);
        address[] storage keys = s.accountKeys[accountId];
        for (uint256 i = 0; i < keys.length; ++i) {
            if (s.keys[keys[i]].status == KeyStatus.Active) _revokeKey(s, manager, keys[i]);
        }
    }

    function reinstateAccount(Layout storage s, uint32 accountId) external {
        Account storage account = s.accounts[accountId];
        if (account.status != AccountStatus.Suspended) {
            revert IMemberRegistry.MemberRegistryAccountNotSuspended(accountId);
        }
        account.status = AccountStatus.Active;
        emit IMemberRegistry.AccountReinstated(accountId);
    }

    /// @param binder The platform account binding its own customer, or 0 for a registrar.
    function bind(
        Layout storage s,
        IAccessManager manager,
        address wallet,
        bytes32 identityCommitment,
        uint32 binder
    ) external returns (uint32 accountId) {
        accountId = s.accountOfCommitment[identityCommitment];
        if (accountId == 0) {
            accountId = _createAccount(s, AccountKind.Borrower, Licence.None, identityCommitment, binder);
        } else {
            Account storage account = s.accounts[accountId];
            if (account.kind != AccountKind.Borrower) revert IMemberRegistry.MemberRegistryNotBorrower(accountId);
            if (account.status != AccountStatus.Active)
                revert IMemberRegistry.MemberRegistryAccountNotActive(accountId);
            // A platform may only extend identities it verified itself; registrars (binder 0) any.
            if (binder != 0 && account.boundBy != binder) {
                revert IMemberRegistry.MemberRegistryNotBoundByCaller(accountId, account.boundBy, binder);
            }
        }
        emit IMemberRegistry.BorrowerBound(accountId, wallet, identityCommitment, binder);
        _addKey(s, manager, accountId, wallet, Roles.BORROWER);
    }

    function rotateKey(Layout storage s, IAccessManager manager, address oldKey, address newKey) external {
        Key memory old = s.keys[oldKey];
        if (old.status != KeyStatus.Active) revert IMemberRegistry.MemberRegistryKeyNotActive(oldKey);
        _addKey(s, manager, old.accountId, newKey, old.role);
        _revokeKey(s, manager, oldKey);
        emit IMemberRegistry.KeyRotated(old.accountId, oldKey, newKey);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _createAccount(
        Layout storage s,
        AccountKind kind,
        Licence licence,
        bytes32 identityCommitment,
        uint32 boundBy
    ) private returns (uint32 accountId) {
        if (identityCommitment == bytes32(0)) revert IMemberRegistry.MemberRegistryZeroCommitment();
        uint32 existing = s.accountOfCommitment[identityCommitment];
        if (existing != 0) revert IMemberRegistry.MemberRegistryCommitmentTaken(identityCommitment, existing);
        accountId = ++s.accountCount;
        s.accounts[accountId] = Account({
            kind: kind,
            licence: licence,
            status: AccountStatus.Active,
            createdAt: uint40(block.timestamp),
            boundBy: boundBy,
            identityCommitment: identityCommitment
        });
        s.accountOfCommitment[identityCommitment] = accountId;
    }

    function _addKey(Layout storage s, IAccessManager manager, uint32 accountId, address key, uint64 role) private {
        if (key == address(0)) revert IMemberRegistry.MemberRegistryZeroKey();
        // Keys are never reused, not even after revocation: a key maps to one account forever.
        Key storage existing = s.keys[key];
        if (existing.status != KeyStatus.None) revert IMemberRegistry.MemberRegistryKeyTaken(key, existing.accountId);
        s.keys[key] = Key({
            accountId: accountId,
            role: role,
            status: KeyStatus.Active,
            addedAt: uint40(block.timestamp),
            revokedAt: 0,
            nonce: 0
        });
        s.accountKeys[accountId].push(key);
        emit IMemberRegistry.KeyAdded(accountId, key, role);
        if (role != Roles.BORROWER) manager.grantRole(role, key, 0);
        if (_anchors(role)) manager.grantRole(Roles.ANCHORER, key, 0);
    }

    function _revokeKey(Layout storage s, IAccessManager manager, address key) private {
        Key storage k = s.keys[key];
        k.status = KeyStatus.Revoked;
        k.revokedAt = uint40(block.timestamp);
        uint64 role = k.role;
        emit IMemberRegistry.KeyRevoked(k.accountId, key);
        if (role != Roles.BORROWER) manager.revokeRole(role, key);
        if (_anchors(role)) manager.revokeRole(Roles.ANCHORER, key);
    }

    function _primaryRole(AccountKind kind) private pure returns (uint64) {
        if (kind == AccountKind.Platform) return Roles.PLATFORM;
        if (kind == AccountKind.Lawyer) return Roles.LAWYER;
        if (kind == AccountKind.CommitteeMember) return Roles.COMMITTEE;
        return Roles.REGULATOR; // admitMember refuses None and Borrower
    }

    function _roleAllowed(AccountKind kind, uint64 role) private pure returns (bool) {
        if (kind == AccountKind.Platform) return role == Roles.PLATFORM || role == Roles.ORACLE;
        if (kind == AccountKind.Borrower) return role == Roles.BORROWER;
        return role == _primaryRole(kind);
    }

    /// @dev Platforms, lawyers and committee members anchor evidence; oracles and regulators do not.
    function _anchors(uint64 role) private pure returns (bool) {
        return role == Roles.PLATFORM || role == Roles.LAWYER || role == Roles.COMMITTEE;
    }
}
