/** Signature encodings the registry accepts. */
import { Signature } from "ethers";

/** An oracle's ECDSA signature in compact ERC-2098 form, as `recordPayment` takes it. */
export interface OracleSignature {
  r: string;
  vs: string;
}

/** Converts a 65-byte (or 64-byte compact) signature to the registry's `OracleSignature`. */
export function compactSignature(signature: string): OracleSignature {
  const parsed = Signature.from(signature);
  return { r: parsed.r, vs: parsed.yParityAndS };
}
