/**
 * Mediation on the CaseRegistry: `#/mediation` lists the signed-in member's mediation cases (status,
 * roles) and what is due; `#/mediation/<caseId>` shows one case — status in plain words, parties,
 * creditors with their standstills and breaches, agreements, deadlines, recorded standstills — and the
 * steps the person's role may take: a creditor's PLATFORM key signs its standstill (relayed by the
 * gateway); the mediator, the coordinator, the borrower and the creditors send their transitions from
 * their own wallets; a party may open a dispute about an agreement. Everything shown comes from the
 * gateway's read models, followed while the page is open.
 */
import { api } from "../api.js";
import { hashOfIds, hashOfText } from "../cases-chain.js";
import { el, replace } from "../dom.js";
import { short } from "../format.js";
import { type Key, has, label, t } from "../i18n.js";
import type { PageContext } from "../main.js";
import { accountName, txButton } from "../parts/chain-action.js";
import { following } from "../parts/follow.js";
import { card, fact, field, final, listOr, refusal, stateLine, when } from "../parts/view.js";
import { session } from "../session.js";
import { signInBox } from "../sign-in.js";
import { show, showError, statusLine } from "../status.js";
import type { DeadlinesView, Hex, MediationCaseSummary, MediationCaseView, StandstillTypedData } from "../types.js";
import { ensureAccount, signTypedData } from "../wallet.js";
import { FormError } from "../errors.js";
import { sha256Of } from "../hash.js";

const ENDED = new Set(["Closed", "MediationFailed", "ReferredToLitigation", "Confirmed", "ConfirmationRefused"]);
const rolesText = (roles: string[]) => roles.map((r) => label("mrole", r)).join(" · ");

/** One due item as a sentence: who must do what by when; overdue ones are marked. */
function dueItem(item: DeadlinesView["cases"][number]["due"][number]): HTMLElement {
  const dispute = /^Dispute (\d+)$/.exec(item.deadline);
  const key = dispute !== null ? "due.Dispute" : `due.${item.deadline}`;
  const text = has(key)
    ? t(key as Key, { when: when(item.dueAt), id: dispute?.[1] ?? "" })
    : `${item.action}: ${when(item.dueAt)}`;
  return el(
    "li",
    { class: item.overdue ? "overdue" : undefined, "data-testid": "due-item", "data-overdue": String(item.overdue) },
    text,
    " ",
    el("span", { class: "meta" }, rolesText(item.roles)),
    item.overdue && el("strong", { class: "badge" }, ` ${t("due.overdue")}`),
  );
}

/** My mediation cases and what is due; both followed, so a case opened meanwhile shows up. */
export function mediationPage({ main, alive }: PageContext): void {
  if (session.current() === undefined) {
    replace(main, el("h1", {}, t("mediation.title")), signInBox(t("cases.signInFirst")));
    return;
  }
  const due = (answer: { value: DeadlinesView } | { error: unknown }): Node => {
    if ("error" in answer) return refusal(answer.error, "due-status");
    if (answer.value.cases.length === 0) {
      return el("p", { class: "empty", "data-testid": "nothing-due" }, t("mediation.nothingDue"));
    }
    return el(
      "ul",
      { class: "due-list", "data-testid": "due-list" },
      answer.value.cases.map((c) =>
        el(
          "li",
          {},
          el("a", { href: `#/mediation/${c.caseId}` }, t("mediation.case", { id: short(c.caseId) })),
          el("ul", {}, c.due.map(dueItem)),
        ),
      ),
    );
  };
  const cases = (answer: { value: { cases: MediationCaseSummary[] } } | { error: unknown }): Node => {
    if ("error" in answer) return refusal(answer.error, "mediation-list-status");
    if (answer.value.cases.length === 0) {
      return el("p", { class: "empty", "data-testid": "no-mediation-cases" }, t("mediation.none"));
    }
    return el(
      "ul",
      { class: "case-list", "data-testid": "mediation-list" },
      answer.value.cases.map((c) =>
        el(
          "li",
          { "data-testid": "mediation-item", "data-case": c.caseId, "data-status": c.status },
          el(
            "a",
            { href: `#/mediation/${c.caseId}`, class: "case-link" },
            el("strong", {}, label("caseStatus", c.status)),
            el(
              "span",
              { class: "meta" },
              t("mediation.case", { id: short(c.caseId) }),
              " · ",
              t("cases.opened", { when: when(c.openedAt) }),
              " · ",
              t("mediation.yourRoles", { roles: rolesText(c.yourRoles) }),
            ),
          ),
        ),
      ),
    );
  };
  replace(
    main,
    el("h1", {}, t("mediation.title")),
    el("p", { class: "lead" }, t("mediation.lead")),
    el("h2", {}, t("mediation.cases")),
    following("/mediation/cases", { "data-testid": "mediation-cases" }, cases, { alive, stopOn: final }),
    el("h2", {}, t("mediation.due")),
    following("/deadlines?days=60", { "data-testid": "mediation-due" }, due, { alive, stopOn: final }),
  );
}

export function mediationCasePage({ main, params, alive }: PageContext): void {
  const caseId = params[0]!.toLowerCase() as Hex;
  if (session.current() === undefined) {
    replace(main, el("h1", {}, t("mediation.caseTitle")), signInBox(t("cases.signInFirst")));
    return;
  }
  // Outside the followed section: what an action is doing survives the redraws.
  const line = statusLine("mediation-action-status");
  replace(
    main,
    el("p", { class: "crumbs" }, el("a", { href: "#/mediation" }, t("nav.mediation"))),
    el("h1", {}, t("mediation.caseTitle"), " ", el("code", { title: caseId }, short(caseId))),
    line,
    following<MediationCaseView>(
      `/mediation/cases/${caseId}`,
      { "data-testid": "mediation-case" },
      (answer) => ("error" in answer ? refusal(answer.error, "mediation-error") : caseView(answer.value, line)),
      { alive, stopOn: final },
    ),
  );
}

function caseView(view: MediationCaseView, line: HTMLElement): Node {
  const me = session.current();
  const roles = new Set(view.yourRoles);
  const mineAsCreditor = view.creditors.find((c) => c.accountId === me?.accountId);
  const ended = ENDED.has(view.status);
  const deadlines = Object.entries(view.deadlines).filter((entry): entry is [string, number] => entry[1] !== null);
  return el(
    "div",
    {},
    el(
      "section",
      { class: "card" },
      stateLine("mediation-status", view.status, label("caseStatus", view.status)),
      el("p", { class: "meta" }, t("mediation.yourRoles", { roles: rolesText(view.yourRoles) })),
      el(
        "dl",
        { class: "facts" },
        fact(t("mrole.borrower"), accountName(view.parties.borrowerId)),
        fact(t("mrole.coordinator"), accountName(view.parties.coordinatorId)),
        fact(t("mrole.mediator"), accountName(view.parties.mediatorId)),
      ),
      actions(view, line, roles, mineAsCreditor, ended),
    ),
    card(
      t("mediation.creditors"),
      listOr(view.creditors, "", "parties", (c) =>
        el(
          "li",
          {
            "data-testid": "creditor",
            "data-account": String(c.accountId),
            "data-standstill": c.standstill === null ? "none" : "recorded",
            "data-breaches": String(c.breaches),
          },
          el("strong", {}, accountName(c.accountId)),
          el(
            "span",
            {},
            c.standstill === null
              ? t("mediation.noStandstill")
              : t("mediation.standstillUntil", { from: when(c.standstill.from), until: when(c.standstill.until) }),
            " · ",
            t("mediation.breaches", { n: c.breaches }),
            c.joinedApplication && ` · ${t("mediation.joined")}`,
            c.counselId !== null && ` · ${t("mediation.counsel", { id: c.counselId })}`,
          ),
        ),
      ),
    ),
    collectionForm(view, line, roles, mineAsCreditor),
    card(
      t("mediation.agreements"),
      listOr(view.agreements, t("mediation.noAgreements"), "agreements", (settlementId) =>
        el(
          "li",
          { "data-testid": "mediation-agreement", "data-settlement": settlementId },
          el("code", { title: settlementId }, short(settlementId, 10)),
          !ended &&
            ["borrower", "creditor", "coordinator"].some((r) => roles.has(r)) &&
            disputeForm(view.caseId, settlementId, line),
        ),
      ),
    ),
    card(
      t("mediation.deadlines"),
      deadlines.length === 0
        ? el("p", { class: "empty" }, t("mediation.noDeadlines"))
        : el("dl", { class: "facts", "data-testid": "mediation-deadlines" }, [
            ...deadlines.map(([name, at]) => fact(label("deadline", name), when(at))),
          ]),
    ),
    card(
      t("mediation.standstills"),
      listOr(view.standstills, t("mediation.noStandstills"), "recorded", (s) =>
        el(
          "li",
          { "data-testid": "standstill-recorded", "data-creditor": String(s.creditorId) },
          t("mediation.standstillRecorded", { who: accountName(s.creditorId), until: when(s.until) }),
          " ",
          el("code", { class: "meta", title: s.txHash }, short(s.txHash)),
        ),
      ),
    ),
  );
}

/** The steps the signed-in role may take now. */
function actions(
  view: MediationCaseView,
  line: HTMLElement,
  roles: Set<string>,
  mineAsCreditor: MediationCaseView["creditors"][number] | undefined,
  ended: boolean,
): HTMLElement | false {
  const caseId = view.caseId;
  const me = session.current();
  const buttons: HTMLElement[] = [];
  if (roles.has("mediator") && view.status === "Opened") {
    buttons.push(
      txButton(t("mediation.start"), "start-mediation", line, () => ({
        functionName: "startMediation",
        args: [caseId],
      })),
    );
  }
  if (roles.has("coordinator") && view.status === "InMediation") {
    buttons.push(
      txButton(t("mediation.recordSigned"), "record-parties-signed", line, () => ({
        functionName: "recordPartiesSigned",
        args: [caseId, hashOfIds(view.agreements)],
      })),
    );
  }
  if (roles.has("mediator") && view.status === "AgreementSigned") {
    buttons.push(
      txButton(t("mediation.signAsMediator"), "sign-as-mediator", line, () => ({
        functionName: "signAsMediator",
        args: [caseId],
      })),
    );
  }
  const mayJoin =
    view.status === "Effective" &&
    ((roles.has("borrower") && !view.borrowerJoinedApplication) ||
      (mineAsCreditor !== undefined && !mineAsCreditor.joinedApplication));
  if (mayJoin) {
    buttons.push(
      txButton(t("mediation.applyConfirmation"), "apply-confirmation", line, () => ({
        functionName: "applyForConfirmation",
        args: [caseId, hashOfIds([caseId, ...view.agreements])],
      })),
    );
  }
  if (roles.has("coordinator") && view.status === "ConfirmationApplied") buttons.push(rulingForm(caseId, line));
  if (roles.has("coordinator") && (view.status === "Confirmed" || view.status === "ConfirmationRefused")) {
    buttons.push(
      txButton(t("mediation.close"), "close-case", line, () => ({ functionName: "closeCase", args: [caseId] })),
    );
  }
  if (mineAsCreditor !== undefined && me?.role === "PLATFORM" && !ended) {
    const button = el(
      "button",
      { type: "button", class: "primary", "data-testid": "sign-standstill", onclick: () => void sign() },
      mineAsCreditor.standstill === null ? t("mediation.signStandstill") : t("mediation.extendStandstill"),
    );
    const sign = async () => {
      button.disabled = true;
      try {
        show(line, "pending", t("mediation.standstillPreparing"));
        const typed = await api<StandstillTypedData>(
          "GET",
          `/mediation/cases/${caseId}/standstills/typed-data?creditorId=${mineAsCreditor.accountId}`,
        );
        await ensureAccount(me.address);
        show(line, "pending", t("mediation.standstillInWallet"));
        const signature = await signTypedData(me.address, typed);
        show(line, "pending", t("mediation.standstillSending"));
        const sent = await api<{ txHash: Hex; blockNumber: number }>("POST", `/mediation/cases/${caseId}/standstills`, {
          json: { standstill: typed.message, signature },
        });
        show(line, "ok", t("mediation.standstillDone", { block: sent.blockNumber }));
      } catch (error) {
        showError(line, error);
      } finally {
        button.disabled = false;
      }
    };
    buttons.push(button);
  }
  return buttons.length > 0 && el("div", { class: "actions", "data-testid": "mediation-actions" }, buttons);
}

/** A party opens a dispute about an agreement of the case (the agreement becomes Disputed). */
function disputeForm(caseId: Hex, settlementId: Hex, line: HTMLElement): HTMLElement {
  const reason = el("textarea", { rows: 2, "data-testid": "dispute-reason", maxlength: "2000" });
  return el(
    "details",
    { class: "share" },
    el("summary", {}, t("dispute.open")),
    field(t("dispute.reason"), reason, t("dispute.reasonHint")),
    txButton(t("dispute.openButton"), "open-dispute", line, () => ({
      functionName: "openDispute",
      // Subject Agreement (0): sequence and clause hash are not used.
      args: [caseId, settlementId, 0, 0, `0x${"0".repeat(64)}`, hashOfText(reason.value)],
    })),
  );
}

/** The coordinator records the court's ruling on the joint application, with a hash of its reference. */
function rulingForm(caseId: Hex, line: HTMLElement): HTMLElement {
  const reference = el("input", { type: "text", "data-testid": "ruling-reference", maxlength: "200" });
  const ruling = (confirmed: boolean) => () => {
    if (reference.value.trim() === "") throw new FormError("mediation.rulingMissing");
    return { functionName: "recordRuling" as const, args: [caseId, confirmed, hashOfText(reference.value)] as const };
  };
  return el(
    "div",
    { class: "ruling" },
    field(t("mediation.rulingReference"), reference),
    txButton(t("mediation.rulingConfirmed"), "ruling-confirmed", line, ruling(true)),
    txButton(t("mediation.rulingRefused"), "ruling-refused", line, ruling(false)),
  );
}

/** Local date and time as a datetime-local input shows it, to the second. */
const localNow = () => {
  const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000);
  return now.toISOString().slice(0, 19);
};

/**
 * The borrower (against any creditor) or a creditor's platform key (against itself) reports a
 * collection action: the chain flags it as a breach when the creditor was under standstill then. The
 * evidence file is hashed in the browser; only its SHA-256 goes on chain (upload the file to the case
 * as well, so that it can be anchored and shown to a court).
 */
function collectionForm(
  view: MediationCaseView,
  line: HTMLElement,
  roles: Set<string>,
  mineAsCreditor: MediationCaseView["creditors"][number] | undefined,
): HTMLElement | false {
  const reporter = roles.has("borrower") || (mineAsCreditor !== undefined && session.current()?.role === "PLATFORM");
  if (!reporter || ENDED.has(view.status) || view.creditors.every((c) => c.standstill === null)) return false;
  const against = roles.has("borrower") ? view.creditors : [mineAsCreditor!];
  const creditor = el(
    "select",
    { "data-testid": "collection-creditor" },
    against.map((c) => el("option", { value: String(c.accountId) }, accountName(c.accountId))),
  );
  const evidence = el("input", { type: "file", "data-testid": "collection-evidence" });
  const at = el("input", { type: "datetime-local", step: "1", value: localNow(), "data-testid": "collection-time" });
  return el(
    "details",
    { class: "card share", "data-testid": "report-collection" },
    el("summary", {}, t("collection.open")),
    el("p", { class: "meta" }, t("collection.explain")),
    field(t("collection.creditor"), creditor),
    field(t("collection.when"), at),
    field(t("collection.evidence"), evidence),
    txButton(t("collection.send"), "send-collection", line, async () => {
      const file = evidence.files?.[0];
      if (file === undefined) throw new FormError("collection.noFile");
      const occurredAt = Math.floor(new Date(at.value).getTime() / 1000);
      if (!Number.isFinite(occurredAt)) throw new FormError("collection.noTime");
      return {
        functionName: "reportCollection" as const,
        args: [view.caseId, Number(creditor.value), occurredAt, await sha256Of(file)] as const,
      };
    }),
  );
}
