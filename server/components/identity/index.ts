import type { Authenticate } from "../../http/api.js";
import { perMinute } from "../../http/rate-limit.js";
import type { Component, Context } from "../../context.js";
import { authenticator, identityEndpoints } from "./api.js";
import { identityMigrations } from "./migrations.js";
import { MemberDirectory } from "./roles.js";
import { SessionStore } from "./sessions.js";

export function identityComponent(
  context: Context,
  origin: string,
): { component: Component; authenticate: Authenticate; members: MemberDirectory } {
  const members = new MemberDirectory(context.chain, context.clock);
  const sessions = new SessionStore(context.db, context.clock);
  const endpoints = identityEndpoints(
    context,
    sessions,
    members,
    { origin, sessionTtlMs: context.config.sessionTtlSeconds * 1000 },
    // One limiter each, so that a whole sign-in (a challenge, then the signed message) counts once in each.
    {
      challenge: perMinute(context.config.rateLimits.signInPerMinute, "sign-in challenges"),
      signIn: perMinute(context.config.rateLimits.signInPerMinute, "sign-in attempts"),
    },
  );
  return {
    authenticate: authenticator(sessions, context.clock),
    members,
    component: { name: "identity", migrations: identityMigrations, endpoints },
  };
}
