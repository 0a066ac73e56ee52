// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @dev Where EDR (like Foundry) answers cheatcode calls.
address constant VM_ADDRESS = address(uint160(uint256(keccak256("hevm cheat code"))));

/// @title Vm
/// @notice The cheatcodes Hejie's Solidity tests use, as Hardhat 3's EDR implements them (the same
/// signatures as Foundry's). Declared here because forge-std cannot be installed (no GitHub access).
// solhint-disable-next-line interface-starts-with-i
interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    // Time
    function warp(uint256 newTimestamp) external;
    /// @dev Reads the timestamp through EDR: with viaIR the optimiser may reuse an earlier
    /// `block.timestamp` after a `warp` in the same call.
    function getBlockTimestamp() external view returns (uint256);

    // Chain
    function chainId(uint256 newChainId) external;
    function roll(uint256 newHeight) external;

    // Callers
    function prank(address msgSender) external;
    function startPrank(address msgSender) external;
    function stopPrank() external;

    // Expectations
    function expectRevert(bytes calldata revertData) external;
    function expectRevert(bytes4 revertData) external;
    function expectEmit(address emitter) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter) external;

    // Keys and signatures
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function signCompact(uint256 privateKey, bytes32 digest) external pure returns (bytes32 r, bytes32 vs);

    // Fuzzing
    function assume(bool condition) external pure;

    // Artifacts
    /// @dev The creation bytecode of a compiled contract (libraries linked), e.g. "HejieRegistry".
    function getCode(string calldata artifactPath) external view returns (bytes memory creationBytecode);

    // State
    function snapshotState() external returns (uint256 snapshotId);
    function revertToState(uint256 snapshotId) external returns (bool success);
    function load(address target, bytes32 slot) external view returns (bytes32 data);
    function store(address target, bytes32 slot, bytes32 value) external;

    // Logs
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);

    // Traces
    function label(address account, string calldata newLabel) external;
}
