import type { Migration } from "../../db/migrations.js";

export const identityMigrations: Migration[] = [
  {
    id: "identity-001-challenges-and-sessions",
    sql: `
      CREATE TABLE sign_in_challenges (
        nonce TEXT PRIMARY KEY,
        address TEXT NOT NULL,
        message TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        address TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        ended_at INTEGER
      );
      CREATE INDEX sessions_by_address ON sessions (address);
    `,
  },
  {
    id: "identity-002-challenge-expiry-index",
    sql: `
      CREATE INDEX sign_in_challenges_by_expiry ON sign_in_challenges (expires_at);
    `,
  },
];
