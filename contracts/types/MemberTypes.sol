// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice What an account is. A member (platform, lawyer, committee member, regulator) is admitted by
/// a registrar; a borrower account exists once a registrar or platform binds a wallet to an identity.
enum AccountKind {
    None,
    Platform,
    Lawyer,
    CommitteeMember,
    Regulator,
    Borrower
}

/// @notice A platform's licence, which decides the legal interest cap (DOMAIN.md rule 1):
/// licensed lenders are held to 24% a year all-in, unlicensed lenders to 4x the one-year LPR.
enum Licence {
    None,
    Bank,
    ConsumerFinance,
    MicroLender,
    Unlicensed
}

/// @notice Lifecycle of an account.
/// - Active: its active keys may sign and act.
/// - Suspended: every key was revoked when it was suspended and no key can be added until reinstated.
enum AccountStatus {
    None,
    Active,
    Suspended
}

/// @notice Lifecycle of a key. Active → Revoked is final: a revoked key never signs anything new.
enum KeyStatus {
    None,
    Active,
    Revoked
}

/// @notice An account (a member organisation or person, or a borrower identity).
struct Account {
    // slot 0
    AccountKind kind;
    Licence licence;
    AccountStatus status;
    uint40 createdAt;
    /// @dev For borrowers: the account id of the platform that bound it, 0 when a registrar did.
    uint32 boundBy;
    // slot 1
    /// @dev A salted hash of the verified real-name identity, computed off chain by the registrar.
    /// Never personal data: without the salt it reveals nothing.
    bytes32 identityCommitment;
}

/// @notice A key (an EOA or an ERC-1271 contract wallet) acting for an account. One slot, so that
/// every signature check costs one storage read.
struct Key {
    // slot 0
    uint32 accountId;
    /// @dev The AccessManager role this key acts in (see `Roles`); BORROWER for borrower wallets.
    uint64 role;
    KeyStatus status;
    uint40 addedAt;
    uint40 revokedAt;
    /// @dev Raising it cancels every signature this key made over the previous value.
    uint32 nonce;
}
