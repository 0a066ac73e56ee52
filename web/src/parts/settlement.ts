/**
 * One settlement of a case in readable form: who owes whom how much, what was given up, the schedule
 * as a table, the signatures, and — for the signed-in party whose signature is awaited — signing in
 * the wallet (EIP-712, the typed data exactly as the gateway serves it), then following the
 * registration until the chain has it. A registered agreement shows, instead of the bare schedule,
 * what the indexer reads from the chain: compliance, the payment timeline and each instalment's state
 * (parts/compliance.ts).
 */
import { concat, keccak256 } from "viem";

import { api, download, saveAs } from "../api.js";
import { sha256Of } from "../hash.js";
import { el } from "../dom.js";
import { date, dateTime, days, short, yuan } from "../format.js";
import { label, t } from "../i18n.js";
import { session } from "../session.js";
import { show, showError, statusLine } from "../status.js";
import type { DraftView, Hex, PartyRole, TypedDataReply } from "../types.js";
import { ensureAccount, signTypedData } from "../wallet.js";
import { agreementPanel } from "./compliance.js";

export interface SettlementContext {
  caseId: Hex;
  alive: () => boolean;
  /** Reloads the case page (after a signature is registered). */
  refresh: () => void;
  /** The case document's file name. */
  nameOf: (documentId: Hex) => string;
}

const SIGNING = new Set<DraftView["status"]>(["drafted", "partly_signed"]);
const REGISTERING = new Set<DraftView["status"]>(["queued", "submitted"]);

function row(term: string, value: string | Node, testId?: string) {
  return [el("dt", {}, term), el("dd", { "data-testid": testId }, value)];
}

/** What the settlement gives up against the principal actually disbursed, as a sentence. */
function waiver(draft: DraftView): string {
  const principal = BigInt(draft.terms.originalPrincipal);
  const settled = BigInt(draft.terms.settledAmount);
  if (settled < principal) {
    const percent = Number(((principal - settled) * 1000n) / principal) / 10;
    return t("settlement.waivedBelow", { amount: yuan(principal - settled), percent, principal: yuan(principal) });
  }
  return t("settlement.waivedAbove", { amount: yuan(settled - principal), principal: yuan(principal) });
}

function myRoleIn(draft: DraftView): PartyRole | undefined {
  const { borrower, platform, lawyer } = draft.terms;
  if (session.is(borrower)) return "borrower";
  if (session.is(platform)) return "platform";
  if (session.is(lawyer)) return "lawyer";
  return undefined;
}

/** The typed data to be signed says what the page shows: same id, amounts, schedule and parties. */
function sameTerms(draft: DraftView, served: TypedDataReply): boolean {
  const message = served.typedData.message as Record<string, unknown> & {
    instalments: { dueAt: string; amount: string }[];
  };
  const same = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();
  return (
    served.typedData.primaryType === "Settlement" &&
    same(served.settlementId, draft.settlementId) &&
    same(message.settledAmount, draft.terms.settledAmount) &&
    same(message.originalPrincipal, draft.terms.originalPrincipal) &&
    same(message.borrower, draft.terms.borrower) &&
    same(message.platform, draft.terms.platform) &&
    message.instalments.length === draft.terms.instalments.length &&
    message.instalments.every(
      (instalment, i) =>
        same(instalment.amount, draft.terms.instalments[i]!.amount) &&
        same(instalment.dueAt, draft.terms.instalments[i]!.dueAt),
    )
  );
}

async function sign(draft: DraftView, context: SettlementContext, line: HTMLElement, button: HTMLButtonElement) {
  const me = session.current();
  if (me === undefined) return;
  button.disabled = true;
  const base = `/cases/${context.caseId}/drafts/${draft.id}`;
  try {
    show(line, "pending", t("sign.preparing"));
    const served = await api<TypedDataReply>("GET", `${base}/typed-data`);
    if (!sameTerms(draft, served)) {
      show(line, "error", t("sign.changed"));
      return;
    }
    show(line, "pending", t("sign.inWallet"));
    await ensureAccount(me.address);
    const signature = await signTypedData(me.address, served.typedData);
    show(line, "pending", t("sign.sending"));
    let current = await api<DraftView>("POST", `${base}/signatures`, { json: { signature } });
    while (REGISTERING.has(current.status) && context.alive()) {
      show(line, "pending", t(current.status === "queued" ? "sign.queued" : "sign.submitted"));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      current = await api<DraftView>("GET", base);
    }
    if (!context.alive()) return;
    if (current.status === "registered")
      show(line, "ok", t("sign.registered", { block: current.registration?.blockNumber ?? "?" }));
    else if (current.status === "failed") show(line, "error", t("sign.failed"));
    else show(line, "ok", t("sign.recorded"));
    setTimeout(() => context.alive() && context.refresh(), 1500);
  } catch (error) {
    showError(line, error);
    button.disabled = false;
  }
}

/**
 * Downloads the agreement document and checks it is the one the signatures cover: its SHA-256 is the
 * draft's, and keccak256(sha256 ‖ salt) is the `documentHash` in the signed terms
 * (protocol/agreement-document.ts).
 */
async function readDocument(draft: DraftView, context: SettlementContext, line: HTMLElement) {
  try {
    show(line, "pending", t("document.checking"));
    const blob = await download(`/cases/${context.caseId}/documents/${draft.document.id}/content`);
    const sha256 = await sha256Of(blob);
    const matches =
      sha256 === draft.document.sha256.toLowerCase() &&
      keccak256(concat([sha256, draft.document.salt])) === draft.terms.documentHash.toLowerCase();
    show(line, matches ? "ok" : "error", t(matches ? "document.matches" : "document.differs"));
    saveAs(blob, context.nameOf(draft.document.id));
  } catch (error) {
    showError(line, error);
  }
}

export function settlementCard(draft: DraftView, context: SettlementContext): HTMLElement {
  const { terms } = draft;
  const registered = draft.status === "registered";
  const mine = myRoleIn(draft);
  const canSign = mine !== undefined && SIGNING.has(draft.status) && draft.awaiting.includes(mine);
  const line = statusLine("sign-status");
  const documentLine = statusLine("document-check");
  const signButton = el(
    "button",
    { type: "button", class: "primary", "data-testid": "sign-settlement" },
    t("sign.button"),
  );
  signButton.addEventListener("click", () => void sign(draft, context, line, signButton));

  const signatureRows = (["borrower", "platform", "lawyer"] as const).map((role) => {
    const signed = draft.signatures.find((s) => s.role === role);
    return el(
      "li",
      { class: signed ? "signed" : "awaiting", "data-testid": `signature-${role}` },
      el("span", {}, label("party", role), mine === role ? ` (${t("settlement.you")})` : ""),
      el("span", {}, signed ? t("settlement.signedAt", { when: dateTime(signed.signedAt) }) : t("settlement.awaiting")),
    );
  });

  return el(
    "article",
    { class: "card settlement", "data-testid": "settlement", "data-status": draft.status },
    el(
      "header",
      { class: "settlement-head" },
      el("h3", {}, t("settlement.title", { amount: yuan(terms.settledAmount), count: terms.instalments.length })),
      el(
        "span",
        { class: `badge ${draft.status}`, "data-testid": "settlement-status" },
        label("draftStatus", draft.status),
      ),
    ),
    el("p", { class: "waiver", "data-testid": "waiver" }, waiver(draft)),
    el(
      "dl",
      { class: "facts" },
      row(t("settlement.creditor"), el("code", { title: terms.platform }, short(terms.platform))),
      row(t("settlement.principal"), yuan(terms.originalPrincipal)),
      row(t("settlement.loanFormed"), date(terms.loanFormedAt)),
      row(t("settlement.total"), yuan(terms.settledAmount), "settled-amount"),
      row(
        t("settlement.instalments"),
        t("settlement.instalmentsText", {
          count: terms.instalments.length,
          first: date(terms.instalments[0]!.dueAt),
          last: date(terms.instalments[terms.instalments.length - 1]!.dueAt),
        }),
      ),
      row(t("settlement.grace"), t("settlement.days", { n: days(terms.gracePeriod) })),
      row(t("settlement.cure"), t("settlement.days", { n: days(terms.curePeriod) })),
      row(t("settlement.contest"), t("settlement.days", { n: days(terms.contestWindow) })),
      SIGNING.has(draft.status) && row(t("settlement.deadline"), dateTime(terms.deadline * 1000)),
      row(
        t("settlement.document"),
        el(
          "span",
          {},
          el(
            "button",
            {
              type: "button",
              class: "link",
              "data-testid": "read-document",
              onclick: () => void readDocument(draft, context, documentLine),
            },
            t("settlement.readDocument"),
          ),
          documentLine,
        ),
      ),
    ),
    registered
      ? agreementPanel(draft.settlementId, context.alive)
      : el(
          "details",
          { class: "schedule", open: terms.instalments.length <= 12 },
          el("summary", {}, t("schedule.title")),
          el(
            "div",
            { class: "table-wrap" },
            el(
              "table",
              { "data-testid": "instalments" },
              el(
                "thead",
                {},
                el(
                  "tr",
                  {},
                  el("th", {}, "#"),
                  el("th", {}, t("schedule.due")),
                  el("th", { class: "num" }, t("schedule.amount")),
                ),
              ),
              el(
                "tbody",
                {},
                terms.instalments.map((item, index) =>
                  el(
                    "tr",
                    {},
                    el("td", {}, String(index + 1)),
                    el("td", {}, date(item.dueAt)),
                    el("td", { class: "num" }, yuan(item.amount)),
                  ),
                ),
              ),
            ),
          ),
        ),
    el("h4", {}, t("settlement.signatures")),
    el("ul", { class: "signatures" }, signatureRows),
    registered &&
      el(
        "p",
        { class: "status ok", "data-testid": "registered" },
        t("settlement.registeredIn", { block: draft.registration?.blockNumber ?? "?" }),
        " ",
        el("code", { title: draft.settlementId }, short(draft.settlementId)),
      ),
    REGISTERING.has(draft.status) && el("p", { class: "status pending" }, t("sign.queued")),
    canSign && el("div", { class: "sign-box" }, el("p", {}, t("sign.explain")), signButton),
    mine === "lawyer" && SIGNING.has(draft.status) && withdrawBox(draft, context, line),
    line,
  );
}

/** The lawyer withdraws a draft not yet signed by all (two steps: a second button confirms). */
function withdrawBox(draft: DraftView, context: SettlementContext, line: HTMLElement): HTMLElement {
  const confirm = el(
    "button",
    { type: "button", "data-testid": "confirm-withdraw", hidden: true },
    t("withdraw.confirm"),
  );
  const ask = el("button", { type: "button", class: "link", "data-testid": "withdraw" }, t("withdraw.button"));
  ask.addEventListener("click", () => {
    confirm.hidden = false;
    show(line, "info", t("withdraw.explain"));
  });
  confirm.addEventListener("click", () => {
    confirm.disabled = true;
    show(line, "pending", t("withdraw.sending"));
    api("DELETE", `/cases/${context.caseId}/drafts/${draft.id}`)
      .then(() => {
        show(line, "ok", t("withdraw.done"));
        setTimeout(() => context.alive() && context.refresh(), 800);
      })
      .catch((error: unknown) => {
        showError(line, error);
        confirm.disabled = false;
      });
  });
  return el("div", { class: "actions" }, ask, confirm);
}
