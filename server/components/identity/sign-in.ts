/**
 * Sign-In with Ethereum (EIP-4361). The gateway issues the exact message to sign (its domain, the
 * chain id, a single-use nonce, a ten-minute expiry); the wallet signs it; the gateway checks the
 * signature — a plain key's or an ERC-1271 contract wallet's, through the chain — consumes the
 * nonce once, and opens a session.
 */
import { getAddress } from "viem";
import { createSiweMessage, generateSiweNonce, parseSiweMessage, verifySiweMessage } from "viem/siwe";

import type { ChainClients } from "../../chain/client.js";
import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";
import { AppError, badRequest, isChainUnavailable } from "../../http/errors.js";
import { consumeChallenge, createSession, findChallenge, forgetOldChallenges, saveChallenge } from "./sessions.js";

const CHALLENGE_TTL_MS = 10 * 60 * 1000;
/**
 * Challenges are kept this long after they expire (so a late attempt is told SIWE_EXPIRED or
 * SIWE_NONCE_USED), then deleted: the unauthenticated challenge endpoint cannot grow the table forever.
 */
const CHALLENGE_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface SignInSettings {
  /** The origin clients use, e.g. "http://127.0.0.1:8080": its host is the message's domain. */
  origin: string;
  sessionTtlMs: number;
}

const refused = (code: string, message: string) => new AppError(401, code, message);

export async function issueChallenge(
  deps: { db: Db; chain: ChainClients; clock: Clock; settings: SignInSettings },
  address: `0x${string}`,
): Promise<{ message: string; nonce: string; expiresAt: number }> {
  const now = deps.clock.now();
  const nonce = generateSiweNonce();
  const url = new URL(deps.settings.origin);
  const message = createSiweMessage({
    domain: url.host,
    uri: url.origin,
    address: getAddress(address),
    chainId: deps.chain.chain.id,
    nonce,
    version: "1",
    statement: "Sign in to Hejie (和解) to work on your settlement cases.",
    issuedAt: new Date(now),
    expirationTime: new Date(now + CHALLENGE_TTL_MS),
  });
  await forgetOldChallenges(deps.db, now - CHALLENGE_RETENTION_MS);
  await saveChallenge(deps.db, { nonce, address: getAddress(address), message, expires_at: now + CHALLENGE_TTL_MS });
  return { message, nonce, expiresAt: now + CHALLENGE_TTL_MS };
}

export async function signIn(
  deps: { db: Db; chain: ChainClients; clock: Clock; settings: SignInSettings },
  message: string,
  signature: `0x${string}`,
): Promise<{ token: string; address: `0x${string}`; expiresAt: number; sessionId: string }> {
  let nonce: string | undefined;
  try {
    nonce = parseSiweMessage(message).nonce;
  } catch {
    nonce = undefined;
  }
  if (nonce === undefined) throw badRequest("SIWE_MALFORMED", "The message is not a Sign-In with Ethereum message.");
  const challenge = await findChallenge(deps.db, nonce);
  // Only the exact message the gateway issued is accepted: its domain, chain and expiry are ours.
  if (challenge === undefined || challenge.message !== message) {
    throw refused("SIWE_UNKNOWN_CHALLENGE", "This message was not issued by this gateway: ask for a new challenge.");
  }
  const now = deps.clock.now();
  if (challenge.used_at !== null) throw refused("SIWE_NONCE_USED", "This sign-in message was already used.");
  if (now >= challenge.expires_at) throw refused("SIWE_EXPIRED", "This sign-in message has expired.");
  // A plain key's signature is recovered locally; a contract wallet's is asked of the chain (ERC-1271,
  // through viem's ERC-6492 validator, with the EIP-191 hash of the message). An unreachable node is
  // not a bad signature: it propagates and is answered 503 CHAIN_UNAVAILABLE. Any other failure to
  // verify (an odd signature a validator chokes on) is a bad signature.
  const valid = await verifySiweMessage(deps.chain.public, { message, signature, time: new Date(now) }).catch(
    (error: unknown) => {
      if (isChainUnavailable(error)) throw error;
      return false;
    },
  );
  if (!valid) throw refused("SIWE_BAD_SIGNATURE", "The signature does not match the message's address.");
  if (!(await consumeChallenge(deps.db, nonce, now))) {
    throw refused("SIWE_NONCE_USED", "This sign-in message was already used.");
  }
  const address = getAddress(challenge.address);
  const { token, session } = await createSession(deps.db, address, now, deps.settings.sessionTtlMs);
  return { token, address, expiresAt: session.expires_at, sessionId: session.id };
}
