/** The identity endpoints: challenge, sign-in, sign-out, and who the caller is on chain. */
import type { Request, RequestHandler } from "express";
import { z } from "zod";

import { type Authenticate, type Endpoint, endpoint, schemas } from "../../http/api.js";
import { unauthenticated } from "../../http/errors.js";
import type { Clock, Context } from "../../context.js";
import type { MemberDirectory } from "./roles.js";
import { type SignInSettings, issueChallenge, signIn } from "./sign-in.js";
import type { SessionStore } from "./sessions.js";

export function authenticator(sessions: SessionStore, clock: Clock): Authenticate {
  return async (req: Request) => {
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === "") throw unauthenticated();
    // RFC 6750: `Bearer <token>`, the scheme case-insensitive. Tokens are 32 random bytes, base64url.
    const token = /^bearer +([A-Za-z0-9_-]{1,256}) *$/i.exec(header)?.[1];
    if (token === undefined) {
      throw unauthenticated("Send the session token as `Authorization: Bearer <token>`.", "SESSION_INVALID");
    }
    const session = await sessions.find(token);
    if (session === undefined || session.ended_at !== null) {
      throw unauthenticated("This session does not exist or was signed out: sign in again.", "SESSION_INVALID");
    }
    if (clock.now() >= session.expires_at) {
      throw unauthenticated("This session has expired: sign in again.", "SESSION_EXPIRED");
    }
    return { address: session.address, sessionId: session.id };
  };
}

const membershipBody = z.object({
  address: schemas.address,
  key: z.object({
    accountId: z.number(),
    role: z.string().optional(),
    status: z.string(),
    nonce: z.number(),
  }),
  account: z
    .object({ kind: z.string(), licence: z.string(), status: z.string(), identityCommitment: schemas.bytes32 })
    .optional(),
});

export function identityEndpoints(
  context: Context,
  sessions: SessionStore,
  members: MemberDirectory,
  settings: SignInSettings,
  limiters: { challenge: RequestHandler; signIn: RequestHandler },
): Endpoint<never, never, never>[] {
  const deps = { db: context.db, chain: context.chain, clock: context.clock, settings };
  return [
    endpoint({
      method: "post",
      path: "/auth/challenge",
      summary: "Get the Sign-In with Ethereum message to sign",
      description: "The message names this gateway, the chain, a single-use nonce and a ten-minute expiry.",
      tags: ["identity"],
      auth: "public",
      before: [limiters.challenge],
      body: z.object({ address: schemas.address }),
      responses: {
        200: {
          description: "The message to sign with the wallet (EIP-191 personal_sign)",
          body: z.object({ message: z.string(), nonce: z.string(), expiresAt: z.number() }),
        },
        400: { description: "Invalid address" },
        429: { description: "Too many attempts" },
      },
      handle: async ({ body }) => ({ body: await issueChallenge(deps, body.address as `0x${string}`) }),
    }),
    endpoint({
      method: "post",
      path: "/auth/sign-in",
      summary: "Sign in with the signed challenge (plain keys and ERC-1271 contract wallets)",
      tags: ["identity"],
      auth: "public",
      before: [limiters.signIn],
      body: z.object({ message: z.string().min(1).max(4096), signature: schemas.signature }),
      responses: {
        200: {
          description: "A session: send the token as `Authorization: Bearer <token>`",
          body: z.object({ token: z.string(), address: schemas.address, expiresAt: z.number() }),
        },
        400: { description: "Not a Sign-In with Ethereum message" },
        401: { description: "Unknown, used or expired challenge, or a bad signature" },
        429: { description: "Too many attempts" },
        503: { description: "The chain node does not answer (needed for a contract wallet's signature)" },
      },
      handle: async ({ body }) => {
        const { token, address, expiresAt } = await signIn(deps, body.message, body.signature as `0x${string}`);
        return { body: { token, address, expiresAt } };
      },
    }),
    endpoint({
      method: "post",
      path: "/auth/sign-out",
      summary: "End the session",
      tags: ["identity"],
      responses: { 204: { description: "Signed out" }, 401: { description: "No valid session" } },
      handle: async ({ caller }) => {
        await sessions.end(caller.sessionId);
        return { status: 204 };
      },
    }),
    endpoint({
      method: "get",
      path: "/auth/me",
      summary: "Who the caller is: the wallet and what the chain says about it",
      tags: ["identity"],
      responses: {
        200: { description: "The caller", body: membershipBody },
        401: { description: "No valid session" },
        503: { description: "The chain node does not answer" },
      },
      handle: async ({ caller }) => ({ body: await members.lookup(caller.address) }),
    }),
  ] as Endpoint<never, never, never>[];
}
