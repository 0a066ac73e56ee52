/**
 * The signed-in wallet: its session token (kept in sessionStorage, so a reload keeps it and closing
 * the tab forgets it) and what the chain says it is. Listeners re-render the page when it changes.
 */
export interface Session {
  token: string;
  address: `0x${string}`;
  expiresAt: number;
  /** The key's role on chain (BORROWER, PLATFORM, LAWYER, …), if any. */
  role?: string;
  /** The member account the key belongs to on chain (mediation cases and panels name accounts). */
  accountId?: number;
}

const KEY = "hejie.session";
const listeners = new Set<() => void>();

function load(): Session | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Session | null;
    return stored !== null && stored.expiresAt > Date.now() ? stored : undefined;
  } catch {
    return undefined;
  }
}

let current = load();
let expiredFlag = false;

export const session = {
  current: (): Session | undefined => current,
  set(value: Session | undefined): void {
    current = value;
    expiredFlag = false;
    if (value === undefined) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, JSON.stringify(value));
    for (const listener of listeners) listener();
  },
  /** The gateway said the session is over (401): forget it and say so once. */
  expired(): void {
    session.set(undefined);
    expiredFlag = true;
  },
  /** Whether the last session ended because the gateway refused it (read once). */
  takeExpired(): boolean {
    const was = expiredFlag;
    expiredFlag = false;
    return was;
  },
  onChange(listener: () => void): void {
    listeners.add(listener);
  },
  is(address: string | undefined): boolean {
    return current !== undefined && address !== undefined && address.toLowerCase() === current.address.toLowerCase();
  },
};
