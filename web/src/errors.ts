/**
 * Every failure as a sentence in the reader's language: the gateway's error codes (docs/api.md and the
 * components' READMEs) map to `error.<CODE>` keys; the wallet's refusals and network failures have
 * their own; a transaction the chain refused reads as its CaseRegistry error (`revert.<Error>`). An unknown code still reads as a sentence (by its HTTP status), never as a bare code.
 */
import { ApiError, NetworkError } from "./api.js";
import { ChainRefusedError } from "./cases-chain.js";
import { type Key, has, t } from "./i18n.js";
import { NoWalletError, OtherAccountError, WalletError } from "./wallet.js";

/** Something missing from a form, said before anything is sent: `key` is its sentence. */
export class FormError extends Error {
  override readonly name = "FormError";
  constructor(readonly key: Key) {
    super(key);
  }
}

export function errorText(error: unknown): string {
  if (error instanceof FormError) return t(error.key);
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    if (has(key)) return t(key, { ...(error.details as Record<string, string>) });
    if (error.status >= 500) return t("error.server");
    if (error.status === 401) return t("error.SESSION_INVALID");
    if (error.status === 403) return t("error.FORBIDDEN");
    if (error.status === 404) return t("error.NOT_FOUND");
    return t("error.refused");
  }
  if (error instanceof NetworkError) return t("error.network");
  if (error instanceof ChainRefusedError) {
    const key = `revert.${error.errorName ?? ""}`;
    return has(key) ? t(key) : t("error.chainRefused");
  }
  if (error instanceof NoWalletError) return t("error.noWallet");
  if (error instanceof OtherAccountError) return t("error.otherAccount");
  if (error instanceof WalletError) {
    if (error.code === 4001) return t("error.walletDeclined");
    if (error.code === -32002) return t("error.walletBusy");
    return t("error.wallet");
  }
  return t("error.unexpected");
}
