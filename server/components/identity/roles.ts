/**
 * What the chain says a wallet is: its key record (account, role, status) and its account. Never taken
 * from the request. Cached briefly so that a burst of requests costs one chain read; a revocation is
 * seen within `ttlMs`.
 */
import { getAddress } from "viem";

import type { ChainClients } from "../../chain/client.js";
import { type AccountRecord, type KeyRecord, readAccount, readKey } from "../../chain/members.js";
import type { Clock } from "../../context.js";

export interface Membership {
  address: `0x${string}`;
  key: KeyRecord;
  /** Undefined for a wallet that is no key of any account. */
  account: AccountRecord | undefined;
}

/** Addresses kept in the cache at most: it holds what recent requests asked about, not every wallet. */
const MAX_CACHED = 10_000;

export class MemberDirectory {
  private readonly cache = new Map<string, { at: number; value: Promise<Membership> }>();

  constructor(
    private readonly chain: ChainClients,
    private readonly clock: Clock,
    private readonly ttlMs = 15_000,
  ) {}

  lookup(address: `0x${string}`): Promise<Membership> {
    const checksummed = getAddress(address);
    const now = this.clock.now();
    const cached = this.cache.get(checksummed);
    if (cached !== undefined && now - cached.at < this.ttlMs) return cached.value;
    if (this.cache.size >= MAX_CACHED) this.sweep(now);
    const entry = { at: now, value: this.read(checksummed) };
    this.cache.set(checksummed, entry);
    // A failed read is not cached (unless a newer read has replaced it meanwhile).
    entry.value.catch(() => {
      if (this.cache.get(checksummed) === entry) this.cache.delete(checksummed);
    });
    return entry.value;
  }

  /** Forgets what is cached (after the gateway itself changed a key, or for tests). */
  forget(address?: `0x${string}`): void {
    if (address === undefined) this.cache.clear();
    else this.cache.delete(getAddress(address));
  }

  /** Drops stale entries; if every entry is fresh, drops the oldest half (a burst of distinct addresses). */
  private sweep(now: number): void {
    for (const [address, entry] of this.cache) if (now - entry.at >= this.ttlMs) this.cache.delete(address);
    if (this.cache.size < MAX_CACHED) return;
    let drop = Math.floor(this.cache.size / 2);
    for (const address of this.cache.keys()) {
      if (drop-- <= 0) break;
      this.cache.delete(address); // Maps iterate in insertion order: the oldest first.
    }
  }

  private async read(address: `0x${string}`): Promise<Membership> {
    const key = await readKey(this.chain, address);
    const account = key.status === "None" ? undefined : await readAccount(this.chain, key.accountId);
    return { address, key, account };
  }
}
