/**
 * Sharing a case document with someone outside the case — a court, another creditor — by a
 * disclosure grant the party signs in the wallet (EIP-712 `DisclosureGrant`, served by the gateway
 * with a fresh salt), for a number of days. The grantee signs in and opens the link the page gives
 * (`#/documents/<case>/<document>`). Existing grants are listed and can be revoked.
 */
import { api } from "../api.js";
import { el, replace } from "../dom.js";
import { dateTime, short } from "../format.js";
import { label, t } from "../i18n.js";
import { session } from "../session.js";
import { show, showError, statusLine } from "../status.js";
import { field } from "./view.js";
import type { DocumentView, Hex } from "../types.js";
import { ensureAccount, signTypedData } from "../wallet.js";

interface GrantView {
  id: Hex;
  granter: Hex;
  grantee: Hex;
  expiresAt: number;
  state: "active" | "expired" | "revoked";
}

interface GrantTypedData {
  types: Record<string, { name: string; type: string }[]>;
  domain: Record<string, unknown>;
  message: { grantee: Hex; expiresAt: number; salt: Hex };
}

/** The link a grantee opens (after signing in) to read the document. */
export const grantLink = (caseId: Hex, documentId: Hex): string =>
  `${location.origin}${location.pathname}#/documents/${caseId}/${documentId}`;

export function sharePanel(caseId: Hex, document: DocumentView): HTMLElement {
  const base = `/cases/${caseId}/documents/${document.id}/grants`;
  const line = statusLine("grant-status");
  const list = el("ul", { class: "grants", "data-testid": "grants" });
  const grantee = el("input", { name: "grantee", placeholder: "0x…", spellcheck: "false", "data-testid": "grantee" });
  const daysInput = el("input", { name: "days", type: "number", min: "1", value: "30", "data-testid": "grant-days" });

  const load = async () => {
    try {
      const grants = await api<GrantView[]>("GET", base);
      replace(
        list,
        grants.length === 0
          ? el("li", { class: "empty" }, t("grants.none"))
          : grants.map((grant) => {
              const revoke = el("button", { type: "button", class: "link" }, t("grants.revoke"));
              revoke.addEventListener("click", () => void revokeGrant(grant.id));
              return el(
                "li",
                { "data-testid": "grant", "data-state": grant.state },
                el("code", { title: grant.grantee }, short(grant.grantee)),
                el(
                  "span",
                  {},
                  label("grantState", grant.state),
                  " · ",
                  t("grants.until", { when: dateTime(grant.expiresAt * 1000) }),
                ),
                grant.state === "active" && revoke,
              );
            }),
      );
    } catch (error) {
      showError(line, error);
    }
  };

  const revokeGrant = async (grantId: Hex) => {
    try {
      await api("DELETE", `${base}/${grantId}`);
      show(line, "ok", t("grants.revoked"));
      await load();
    } catch (error) {
      showError(line, error);
    }
  };

  const grant = async (button: HTMLButtonElement) => {
    const me = session.current();
    const days = Number(daysInput.value);
    if (me === undefined) return;
    if (!/^0x[0-9a-fA-F]{40}$/.test(grantee.value.trim())) return show(line, "error", t("grants.needGrantee"));
    if (!Number.isInteger(days) || days < 1) return show(line, "error", t("grants.needDays"));
    button.disabled = true;
    try {
      const expiresAt = Math.floor(Date.now() / 1000) + days * 86_400;
      show(line, "pending", t("sign.preparing"));
      const query = `grantee=${grantee.value.trim()}&expiresAt=${expiresAt}`;
      const typedData = await api<GrantTypedData>("GET", `${base}/typed-data?${query}`);
      show(line, "pending", t("grants.inWallet"));
      await ensureAccount(me.address);
      const signature = await signTypedData(me.address, typedData);
      const { message } = typedData;
      await api("POST", base, {
        json: {
          granter: me.address,
          grantee: message.grantee,
          expiresAt: message.expiresAt,
          salt: message.salt,
          signature,
        },
      });
      show(line, "ok", t("grants.granted", { link: grantLink(caseId, document.id) }));
      await load();
    } catch (error) {
      showError(line, error);
    } finally {
      button.disabled = false;
    }
  };

  const button = el("button", { type: "button", class: "primary", "data-testid": "grant" }, t("grants.sign"));
  button.addEventListener("click", () => void grant(button));
  const panel = el(
    "details",
    { class: "share", "data-testid": "share" },
    el("summary", {}, t("grants.title")),
    el("p", { class: "hint" }, t("grants.explain")),
    el("div", { class: "fields" }, field(t("grants.grantee"), grantee), field(t("grants.days"), daysInput)),
    button,
    line,
    el("h4", {}, t("grants.existing")),
    list,
  );
  panel.addEventListener("toggle", () => panel.open && void load());
  return panel;
}
