// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Account, AccountKind, Key, Licence} from "../types/MemberTypes.sol";

/// @title IMemberRegistry
/// @notice Who may act in Hejie: member accounts admitted by a registrar (platforms, lawyers,
/// committee members, regulators), borrower accounts bound to a verified identity, and the keys that
/// act for each. Keys can be rotated and revoked; a revoked key never signs anything new.
/// Every error is explained, with how to fix the call, in `docs/errors.md`.
interface IMemberRegistry {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error MemberRegistryInvalidKind(AccountKind kind);
    error MemberRegistryInvalidLicence(AccountKind kind, Licence licence);
    error MemberRegistryZeroCommitment();
    error MemberRegistryCommitmentTaken(bytes32 identityCommitment, uint32 accountId);
    error MemberRegistryZeroKey();
    error MemberRegistryKeyTaken(address key, uint32 accountId);
    error MemberRegistryRoleNotAllowed(uint32 accountId, AccountKind kind, uint64 role);
    error MemberRegistryUnknownAccount(uint32 accountId);
    error MemberRegistryAccountNotActive(uint32 accountId);
    error MemberRegistryAccountNotSuspended(uint32 accountId);
    error MemberRegistryNotBorrower(uint32 accountId);
    error MemberRegistryNotBoundByCaller(uint32 accountId, uint32 boundBy, uint32 caller);
    error MemberRegistryKeyNotActive(address key);
    error MemberRegistryWrongRole(address key, uint64 expected, uint64 actual);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event MemberAdmitted(uint32 indexed accountId, AccountKind kind, Licence licence, bytes32 identityCommitment);
    event BorrowerBound(uint32 indexed accountId, address indexed wallet, bytes32 identityCommitment, uint32 boundBy);
    event KeyAdded(uint32 indexed accountId, address indexed key, uint64 role);
    event KeyRevoked(uint32 indexed accountId, address indexed key);
    event KeyRotated(uint32 indexed accountId, address indexed oldKey, address indexed newKey);
    event AccountSuspended(uint32 indexed accountId);
    event AccountReinstated(uint32 indexed accountId);
    event NonceIncreased(address indexed key, uint32 nonce);

    /*//////////////////////////////////////////////////////////////
                                GETTERS
    //////////////////////////////////////////////////////////////*/

    function getAccount(uint32 accountId) external view returns (Account memory);

    function getKey(address key) external view returns (Key memory);

    /// @notice The keys ever added to an account, revoked ones included.
    function getKeys(uint32 accountId) external view returns (address[] memory);

    function accountOfCommitment(bytes32 identityCommitment) external view returns (uint32);

    function accountCount() external view returns (uint32);

    /// @notice The account an active key acts for in `role`, and the key's nonce; reverts with
    /// `MemberRegistryKeyNotActive` or `MemberRegistryWrongRole` otherwise.
    function activeKey(address key, uint64 role) external view returns (uint32 accountId, uint32 nonce);

    /*//////////////////////////////////////////////////////////////
                           REGISTRAR ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Admits a member with its first key; the key gets the member's role.
    function admitMember(
        AccountKind kind,
        Licence licence,
        bytes32 identityCommitment,
        address key
    ) external returns (uint32 accountId);

    /// @notice Adds a key to an active member account, in a role its kind allows (a platform's payment
    /// system gets an ORACLE key this way).
    function addKey(uint32 accountId, address key, uint64 role) external;

    /// @notice Revokes a key (for instance a compromised one).
    function revokeKey(address key) external;

    /// @notice Revokes every key of an account and blocks new ones until reinstated.
    function suspendAccount(uint32 accountId) external;

    function reinstateAccount(uint32 accountId) external;

    /// @notice Binds a borrower's wallet to a verified identity (creating the borrower's account the
    /// first time the identity is seen). Registrars may add wallets to any borrower account.
    function bindBorrower(address wallet, bytes32 identityCommitment) external returns (uint32 accountId);

    /// @notice As `bindBorrower`, by a platform for its own customer: a platform may add wallets only to
    /// borrower accounts it bound itself.
    function bindCustomer(address wallet, bytes32 identityCommitment) external returns (uint32 accountId);

    /*//////////////////////////////////////////////////////////////
                             KEY HOLDERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Replaces the caller's key by `newKey` (same account, same role) in one step.
    function rotateKey(address newKey) external;

    /// @notice Cancels every outstanding signature of the caller's key.
    function increaseNonce() external returns (uint32 nonce);
}
