// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICaseRegistry} from "../interfaces/ICaseRegistry.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {Account, AccountKind, AccountStatus, Key, KeyStatus} from "../types/MemberTypes.sol";

/// @title CaseAccess
/// @notice How the CaseRegistry (and its `DisputeLogic`) read members from the HejieRegistry: through
/// its getters, which never revert, so that every refusal is one of the CaseRegistry's own errors.
library CaseAccess {
    /// @dev The account `key` acts for when it is an active key in `role`; 0 otherwise (account ids
    /// start at 1, so 0 never matches a party).
    function accountOf(address registry, address key, uint64 role) internal view returns (uint32) {
        Key memory k = IMemberRegistry(registry).getKey(key);
        return k.status == KeyStatus.Active && k.role == role ? k.accountId : 0;
    }

    /// @dev Refuses an account that is not an active account of `kind`.
    function requireAccount(address registry, uint32 accountId, AccountKind kind) internal view {
        Account memory account = IMemberRegistry(registry).getAccount(accountId);
        if (account.kind != kind || account.status != AccountStatus.Active) {
            revert ICaseRegistry.CaseRegistryWrongAccount(accountId, kind);
        }
    }
}
