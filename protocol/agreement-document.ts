/**
 * The agreement document's hash in a settlement's terms (`documentHash`): the keccak256 of the
 * document's SHA-256 followed by a per-draft random salt, `keccak256(sha256(file) ‖ salt)` (both 32
 * bytes, packed). The chain carries only this salted hash; the salt stays off chain with the case, so
 * nobody can test a guessed document against the chain. A court or the portal holding the file and the
 * salt recomputes the hash with this function and compares it with `SettlementRegistered.documentHash`.
 */
import { concat, getBytes, hexlify, keccak256, randomBytes } from "ethers";

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** A fresh random 32-byte salt, 0x-prefixed hex: one per draft, never reused. */
export function newDocumentSalt(): string {
  return hexlify(randomBytes(32));
}

/**
 * `keccak256(sha256 ‖ salt)`: the `documentHash` the parties sign.
 * @param sha256 0x-prefixed SHA-256 of the document's bytes (32 bytes).
 * @param salt 0x-prefixed 32-byte salt.
 */
export function agreementDocumentHash(sha256: string, salt: string): string {
  if (!BYTES32.test(sha256)) throw new TypeError("sha256 must be 0x-prefixed 32-byte hex");
  if (!BYTES32.test(salt)) throw new TypeError("salt must be 0x-prefixed 32-byte hex");
  return keccak256(concat([getBytes(sha256), getBytes(salt)]));
}
