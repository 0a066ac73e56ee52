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
    const value = this.read(checksummed);
    this.cache.set(checksummed, { at: now, value });
    // A failed read is not cached.
    value.catch(() => this.cache.delete(checksummed));
    return value;
  }

  /** Forgets what is cached (after the gateway itself changed a key, or for tests). */
  forget(address?: `0x${string}`): void {
    if (address === undefined) this.cache.clear();
    else this.cache.delete(getAddress(address));
  }

  private async read(address: `0x${string}`): Promise<Membership> {
    const key = await readKey(this.chain, address);
    const account = key.status === "None" ? undefined : await readAccount(this.chain, key.accountId);
    return { address, key, account };
  }
}
