// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Assertions} from "./Assertions.sol";
import {VM_ADDRESS, Vm} from "./Vm.sol";

/// @title TestBase
/// @notice Cheatcodes, assertions and fuzzing helpers shared by every Hejie Solidity test.
abstract contract TestBase is Assertions {
    // solhint-disable-next-line const-name-snakecase
    Vm internal constant vm = Vm(VM_ADDRESS);

    /// @dev Maps any `x` into [min, max] uniformly enough for fuzzing, keeping small inputs as they are
    /// (so the fuzzer's edge values, 0 and 1, still reach the bounds).
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        assertLe(min, max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    /// @dev The current block time through EDR (see `Vm.getBlockTimestamp`).
    function _now() internal view returns (uint256) {
        return vm.getBlockTimestamp();
    }
}
