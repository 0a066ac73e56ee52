/**
 * Checks a party's signature of a draft as the registry will check it at registration:
 * `SignatureVerification.isValidNow` accepts a 65-byte ECDSA signature (v 27 or 28, s in the lower
 * half of the curve order) that recovers to the signer, or, for a contract wallet, whatever its
 * ERC-1271 `isValidSignature` accepts. viem's `verifyTypedData` (through the public client, so
 * contract wallets are asked on chain) does the cryptography; the gateway adds what viem tolerates and
 * the registry does not (high-s or v 0/1 forms, ERC-6492 or ERC-8010 wrapped signatures).
 */
import { type Hex, type VerifyTypedDataParameters, getAddress, recoverTypedDataAddress, size, slice } from "viem";

import type { ChainClients } from "../../chain/client.js";
import { isCanonicalEcdsa } from "../../chain/ecdsa.js";
import { type SettlementTypedData, forViem } from "./eip712.js";

const ERC6492_MAGIC = "0x6492649264926492649264926492649264926492649264926492649264926492";
const ERC8010_MAGIC = "0x8010801080108010801080108010801080108010801080108010801080108010";

function isWrapped(signature: Hex): boolean {
  if (size(signature) < 32) return false;
  const suffix = slice(signature, size(signature) - 32).toLowerCase();
  return suffix === ERC6492_MAGIC || suffix === ERC8010_MAGIC;
}

/** Who signed these typed data with a 65-byte ECDSA signature (for diagnosis), or undefined. */
export async function ecdsaSigner(typedData: SettlementTypedData, signature: Hex): Promise<Hex | undefined> {
  if (!isCanonicalEcdsa(signature)) return undefined;
  try {
    return getAddress(await recoverTypedDataAddress({ ...forViem(typedData), signature }));
  } catch {
    return undefined;
  }
}

/**
 * Whether `signature` is `signer`'s valid signature of `typedData`, as the registry would judge it
 * now. Throws when the chain cannot be asked (the caller answers 503).
 */
export async function isValidPartySignature(
  chain: ChainClients,
  typedData: SettlementTypedData,
  signer: Hex,
  signature: Hex,
): Promise<boolean> {
  if (isWrapped(signature)) return false;
  const code = await chain.public.getCode({ address: signer });
  const isContract = code !== undefined && code !== "0x";
  // A plain key: only the canonical 65-byte form passes the registry's ECDSA check (viem would also
  // take a high-s twin or v 0/1). A contract wallet: its ERC-1271 `isValidSignature` decides.
  if (!isContract && !isCanonicalEcdsa(signature)) return false;
  return chain.public.verifyTypedData({
    ...typedData,
    address: signer,
    signature,
  } as unknown as VerifyTypedDataParameters);
}
