// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Roles
/// @notice The role ids of Hejie's single OpenZeppelin AccessManager. Each is labelled on chain at
/// deployment; `docs/permissions.md` lists which function each role may call.
/// @dev Member roles (PLATFORM … REGULATOR) and the capability roles derived from them (ANCHORER)
/// are administered by the MemberRegistry contract alone, so the AccessManager always mirrors the
/// registry's key records: a key holds a role exactly while the registry lists it as active.
library Roles {
    /// @dev AccessManager's built-in ADMIN_ROLE: the consortium's governance (a multisig in production).
    uint64 internal constant ADMIN = 0;
    /// @dev Consortium operator: admits members, binds borrower wallets, revokes keys.
    uint64 internal constant REGISTRAR = 1;
    /// @dev Signing key of a lending platform (creditor).
    uint64 internal constant PLATFORM = 2;
    /// @dev Signing key of a lawyer or mediator.
    uint64 internal constant LAWYER = 3;
    /// @dev A platform's payment-system key that signs payment reports.
    uint64 internal constant ORACLE = 4;
    /// @dev Key of a coordination-committee member.
    uint64 internal constant COMMITTEE = 5;
    /// @dev Key of a regulator (reads; maintains reference data in later contracts).
    uint64 internal constant REGULATOR = 6;
    /// @dev Capability: may anchor evidence. Held by every active PLATFORM, LAWYER and COMMITTEE key.
    uint64 internal constant ANCHORER = 7;
    /// @dev Executes the coordination committee's decisions on agreements (the case registry
    /// contract once it exists; until then a committee multisig appointed by ADMIN).
    uint64 internal constant RESOLVER = 8;
    /// @dev The MemberRegistry contract itself: admin of the member and capability roles.
    uint64 internal constant MEMBER_REGISTRY = 9;
    /// @dev A borrower's bound wallet. Used in key records only: never granted in the AccessManager,
    /// because borrowers are not members and call nothing restricted.
    uint64 internal constant BORROWER = 10;
}
