/**
 * A button that sends one CaseRegistry transaction from the signed-in wallet, telling the person in
 * `line` what happens: confirm in the wallet, pending on the chain, done (the page then follows the
 * gateway's read model until the change shows), or the refusal as a sentence.
 */
import type { Hex } from "viem";

import { type CaseCall, sendCaseTx } from "../cases-chain.js";
import { el } from "../dom.js";
import { t } from "../i18n.js";
import { session } from "../session.js";
import { show, showError } from "../status.js";

export function txButton(
  text: string,
  testId: string,
  line: HTMLElement,
  call: () => CaseCall | Promise<CaseCall>,
  attributes: Record<string, string> = {},
): HTMLButtonElement {
  const button: HTMLButtonElement = el(
    "button",
    { type: "button", class: "primary", "data-testid": testId, ...attributes, onclick: () => void run() },
    text,
  );
  const run = async () => {
    const me = session.current();
    if (me === undefined) return;
    button.disabled = true;
    try {
      show(line, "pending", t("tx.confirm"));
      await sendCaseTx(me.address, await call(), (hash: Hex) => show(line, "pending", t("tx.pending", { hash })));
      show(line, "ok", t("tx.done"));
    } catch (error) {
      showError(line, error);
    } finally {
      button.disabled = false;
    }
  };
  return button;
}

/** "Account #12", with "(you)" for the signed-in account. */
export function accountName(accountId: number): string {
  const mine = session.current()?.accountId === accountId;
  return t(mine ? "account.you" : "account.id", { id: accountId });
}
