// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title SignatureVerification
/// @notice Checks a signature by a plain key (ECDSA) or an ERC-1271 contract wallet (a Safe held by a
/// platform or a law firm), so that both sign exactly alike.
/// @dev OpenZeppelin's `SignatureChecker.isValidSignatureNow` asks for the signer's code size first,
/// which costs a cold account access (2,600 gas) for every signer, EOAs included. Trying ECDSA first
/// and asking ERC-1271 only when that fails keeps a plain-key signature at the price of `ecrecover`.
/// No key can produce an ECDSA signature that recovers to a contract's address, so the order does
/// not change which signatures are accepted — except for an EIP-7702 delegated EOA, whose own key
/// rightly remains valid.
library SignatureVerification {
    function isValidNow(address signer, bytes32 digest, bytes calldata signature) internal view returns (bool) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return
            signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature);
    }
}
