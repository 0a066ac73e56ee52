/**
 * Sign-in challenges and sessions, in SQL. A session token is 32 random bytes given to the client
 * once; only its SHA-256 is stored, so a copy of the database cannot be used to sign in.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";

import type { Clock } from "../../context.js";
import type { Db } from "../../db/database.js";

export interface Challenge {
  nonce: string;
  address: string;
  message: string;
  expires_at: number;
  used_at: number | null;
}

export interface Session {
  id: string;
  address: `0x${string}`;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function saveChallenge(db: Db, challenge: Omit<Challenge, "used_at">): Promise<void> {
  await db.run("INSERT INTO sign_in_challenges (nonce, address, message, expires_at) VALUES (?, ?, ?, ?)", [
    challenge.nonce,
    challenge.address,
    challenge.message,
    challenge.expires_at,
  ]);
}

export function findChallenge(db: Db, nonce: string): Promise<Challenge | undefined> {
  return db.get<Challenge & Record<string, never>>("SELECT * FROM sign_in_challenges WHERE nonce = ?", [nonce]);
}

/** Deletes the challenges that expired before `before` (used or not). */
export async function forgetOldChallenges(db: Db, before: number): Promise<void> {
  await db.run("DELETE FROM sign_in_challenges WHERE expires_at < ?", [before]);
}

/** Marks a challenge used, once: false when it already was (a replay). */
export async function consumeChallenge(db: Db, nonce: string, now: number): Promise<boolean> {
  const { changes } = await db.run("UPDATE sign_in_challenges SET used_at = ? WHERE nonce = ? AND used_at IS NULL", [
    now,
    nonce,
  ]);
  return changes === 1;
}

export async function createSession(
  db: Db,
  address: `0x${string}`,
  now: number,
  ttlMs: number,
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString("base64url");
  const session: Session = { id: randomUUID(), address, created_at: now, expires_at: now + ttlMs, ended_at: null };
  await db.run("INSERT INTO sessions (id, token_hash, address, created_at, expires_at) VALUES (?, ?, ?, ?, ?)", [
    session.id,
    hashToken(token),
    address,
    session.created_at,
    session.expires_at,
  ]);
  return { token, session };
}

function findSessionByTokenHash(db: Db, tokenHash: string): Promise<Session | undefined> {
  return db.get<Session & Record<string, never>>(
    "SELECT id, address, created_at, expires_at, ended_at FROM sessions WHERE token_hash = ?",
    [tokenHash],
  );
}

/** How long a session read from the database is used again without reading it again. */
export const SESSION_CACHE_MS = 2_000;
const MAX_CACHED_SESSIONS = 10_000;

/**
 * Sessions by token, read through a short cache so that a request costs no SQL for its session (the
 * lookup was the most expensive part of a simple authenticated read). A sign-out through this gateway
 * drops the entry at once; one through another gateway instance on the same database takes effect
 * here within SESSION_CACHE_MS. Expiry is checked on every use against the row's `expires_at`, so it
 * is exact.
 */
export class SessionStore {
  private readonly cache = new Map<string, { at: number; session: Session }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async find(token: string): Promise<Session | undefined> {
    const tokenHash = hashToken(token);
    const now = this.clock.now();
    const cached = this.cache.get(tokenHash);
    if (cached !== undefined && now - cached.at < SESSION_CACHE_MS) return cached.session;
    const session = await findSessionByTokenHash(this.db, tokenHash);
    if (session === undefined || session.ended_at !== null) {
      this.cache.delete(tokenHash);
      return session;
    }
    if (this.cache.size >= MAX_CACHED_SESSIONS) this.cache.clear();
    this.cache.set(tokenHash, { at: now, session });
    return session;
  }

  async end(id: string): Promise<void> {
    await this.db.run("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", [this.clock.now(), id]);
    for (const [tokenHash, { session }] of this.cache) if (session.id === id) this.cache.delete(tokenHash);
  }
}
