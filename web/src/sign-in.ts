/**
 * Sign-In with Ethereum through the gateway: the wallet's account, the gateway's challenge signed with
 * `personal_sign`, the session; then what the chain says the wallet is (`/auth/me`).
 */
import { api } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { session } from "./session.js";
import { show, showError, statusLine } from "./status.js";
import { type WalletInfo, connect, signMessage, wallets } from "./wallet.js";

interface Me {
  address: `0x${string}`;
  key: { role?: string; status: string; accountId?: number };
}

export async function signIn(line: HTMLElement, wallet: WalletInfo | undefined = wallets()[0]): Promise<void> {
  try {
    show(line, "pending", t("auth.connecting"));
    const address = await connect(wallet);
    const { message } = await api<{ message: string }>("POST", "/auth/challenge", { json: { address } });
    show(line, "pending", t("auth.signInWallet"));
    const signature = await signMessage(address, message);
    show(line, "pending", t("auth.signingIn"));
    const signed = await api<{ token: string; address: `0x${string}`; expiresAt: number }>("POST", "/auth/sign-in", {
      json: { message, signature },
      auth: false,
    });
    const base = { token: signed.token, address: signed.address, expiresAt: signed.expiresAt };
    session.set(base);
    const me = await api<Me>("GET", "/auth/me");
    const active = me.key.status === "Active";
    session.set({
      ...base,
      role: active ? me.key.role : undefined,
      accountId: active && me.key.accountId !== 0 ? me.key.accountId : undefined,
    });
  } catch (error) {
    showError(line, error);
  }
}

export async function signOut(): Promise<void> {
  try {
    await api("POST", "/auth/sign-out");
  } catch {
    // Signed out here either way; the session expires on its own.
  }
  session.set(undefined);
}

/**
 * "Sign in with your wallet" with its status line: one button, or one per wallet when the browser
 * announces several (EIP-6963); explains when there is no wallet at all.
 */
export function signInBox(reason?: string): HTMLElement {
  const line = statusLine("sign-in-status");
  if (session.takeExpired()) show(line, "info", t("auth.expired"));
  const available = wallets();
  const button = (wallet: WalletInfo | undefined, text: string) =>
    el(
      "button",
      {
        type: "button",
        class: "primary",
        "data-testid": "sign-in",
        "data-wallet": wallet?.name,
        onclick: () => void signIn(line, wallet),
      },
      text,
    );
  return el(
    "section",
    { class: "card sign-in" },
    el("h2", {}, t("auth.title")),
    el("p", {}, reason ?? t("auth.why")),
    available.length > 1
      ? el(
          "div",
          { class: "actions" },
          available.map((wallet) => button(wallet, t("auth.signInWith", { wallet: wallet.name }))),
        )
      : button(available[0], t("auth.signIn")),
    available.length === 0 && el("p", { class: "hint" }, t("auth.noWalletHint")),
    line,
  );
}
