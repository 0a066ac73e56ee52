// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Assertions
/// @notice Minimal assertion helpers (forge-std is not available). Each failure reverts with a custom
/// error carrying the message and both values, which Hardhat's test reporter decodes.
abstract contract Assertions {
    error AssertionFailed(string message);
    error AssertionFailedUint(string message, uint256 actual, uint256 expected);
    error AssertionFailedBytes32(string message, bytes32 actual, bytes32 expected);
    error AssertionFailedAddress(string message, address actual, address expected);
    error AssertionFailedBytes(string message, bytes actual, bytes expected);
    error AssertionFailedBound(string message, uint256 actual, uint256 bound);

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert AssertionFailed(message);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) revert AssertionFailed(message);
    }

    function assertEq(uint256 actual, uint256 expected, string memory message) internal pure {
        if (actual != expected) revert AssertionFailedUint(message, actual, expected);
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory message) internal pure {
        if (actual != expected) revert AssertionFailedBytes32(message, actual, expected);
    }

    function assertEq(address actual, address expected, string memory message) internal pure {
        if (actual != expected) revert AssertionFailedAddress(message, actual, expected);
    }

    function assertEq(bool actual, bool expected, string memory message) internal pure {
        if (actual != expected) revert AssertionFailed(message);
    }

    function assertEq(bytes memory actual, bytes memory expected, string memory message) internal pure {
        if (keccak256(actual) != keccak256(expected)) revert AssertionFailedBytes(message, actual, expected);
    }

    function assertNotEq(bytes32 actual, bytes32 unexpected, string memory message) internal pure {
        if (actual == unexpected) revert AssertionFailedBytes32(message, actual, unexpected);
    }

    function assertLe(uint256 actual, uint256 bound, string memory message) internal pure {
        if (actual > bound) revert AssertionFailedBound(message, actual, bound);
    }

    function assertGe(uint256 actual, uint256 bound, string memory message) internal pure {
        if (actual < bound) revert AssertionFailedBound(message, actual, bound);
    }

    function assertLt(uint256 actual, uint256 bound, string memory message) internal pure {
        if (actual >= bound) revert AssertionFailedBound(message, actual, bound);
    }

    function assertGt(uint256 actual, uint256 bound, string memory message) internal pure {
        if (actual <= bound) revert AssertionFailedBound(message, actual, bound);
    }
}
