// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title MultisigWallet
/// @notice A minimal threshold multisig contract wallet, as a platform or a law firm would hold
/// (Safe-like): it signs through ERC-1271 and acts through `execute`. Tests use it to prove contract
/// wallets sign agreements exactly like plain keys. Not audited for production custody: use a Safe.
/// @dev Signatures are concatenated 65-byte ECDSA signatures of the owners, in strictly increasing
/// owner order, which rules out duplicates without storage (as Safe's `checkNSignatures` does).
contract MultisigWallet is IERC1271 {
    error MultisigWalletInvalidConfig();
    error MultisigWalletNotEnoughSignatures(uint256 valid, uint256 threshold);
    error MultisigWalletCallFailed(bytes reason);

    mapping(address owner => bool) public isOwner;
    uint256 public immutable threshold;
    uint256 public nonce;

    constructor(address[] memory owners, uint256 threshold_) {
        if (threshold_ == 0 || threshold_ > owners.length) revert MultisigWalletInvalidConfig();
        for (uint256 i = 0; i < owners.length; ++i) {
            // A zero or repeated owner would leave the threshold out of reach.
            if (owners[i] == address(0) || isOwner[owners[i]]) revert MultisigWalletInvalidConfig();
            isOwner[owners[i]] = true;
        }
        threshold = threshold_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signatures) external view returns (bytes4) {
        return _countValid(hash, signatures) >= threshold ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    /// @notice The digest owners sign to let the wallet call `to` with `data` at the current nonce.
    function executionDigest(address to, bytes calldata data) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), nonce, to, keccak256(data)));
    }

    function execute(address to, bytes calldata data, bytes calldata signatures) external returns (bytes memory) {
        uint256 valid = _countValid(executionDigest(to, data), signatures);
        if (valid < threshold) revert MultisigWalletNotEnoughSignatures(valid, threshold);
        ++nonce;
        (bool ok, bytes memory result) = to.call(data);
        if (!ok) revert MultisigWalletCallFailed(result);
        return result;
    }

    function _countValid(bytes32 hash, bytes calldata signatures) private view returns (uint256 valid) {
        address previous = address(0);
        for (uint256 offset = 0; offset + 65 <= signatures.length; offset += 65) {
            (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signatures[offset:offset + 65]);
            if (err != ECDSA.RecoverError.NoError || signer <= previous || !isOwner[signer]) return valid;
            previous = signer;
            ++valid;
        }
    }
}
