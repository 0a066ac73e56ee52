/** The one ECDSA signature form the contracts accept (OpenZeppelin's ECDSA and SignatureChecker). */
import { type Hex, hexToBigInt, size, slice } from "viem";

/** Half the secp256k1 group order (EIP-2). */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** A 65-byte r‖s‖v signature with s in the lower half of the order and v 27 or 28. */
export function isCanonicalEcdsa(signature: Hex): boolean {
  if (size(signature) !== 65) return false;
  const s = hexToBigInt(slice(signature, 32, 64));
  const v = Number(hexToBigInt(slice(signature, 64, 65)));
  return s <= HALF_ORDER && (v === 27 || v === 28);
}
