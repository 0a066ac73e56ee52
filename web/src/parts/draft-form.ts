/**
 * The lawyer drafts a settlement: the creditor, the agreement document (uploaded to the case first),
 * the principal actually lent and when the loan was formed, the schedule — equal calendar-monthly
 * instalments, or a custom list of dates and amounts — and the grace, cure and contest periods. The
 * schedule is previewed as the parties will read it (protocol/schedule.ts, the registry's own rules);
 * the gateway checks everything again (POST /cases/:caseId/drafts).
 */
import { endOfDayCst, monthlySchedule } from "../../../protocol/schedule.js";
import { api } from "../api.js";
import { el, replace } from "../dom.js";
import { date, parseDate, parseYuan, short, yuan } from "../format.js";
import { t } from "../i18n.js";
import { show, showError, statusLine } from "../status.js";
import { field } from "./view.js";
import type { CaseView, DocumentView, Hex } from "../types.js";

const DAY = 86_400;

interface Schedule {
  instalments: { dueAt: number; amount: bigint }[];
  body: Record<string, unknown>;
}

export function draftForm(theCase: CaseView, documents: DocumentView[], onDrafted: () => void): HTMLElement {
  const line = statusLine("draft-status");
  const preview = el("div", { class: "preview", "data-testid": "draft-preview" });
  const platforms = theCase.parties.filter((p) => p.role === "platform");
  const platform = el(
    "select",
    { name: "platform", "data-testid": "draft-platform" },
    platforms.map((p) => el("option", { value: p.address }, short(p.address))),
  );
  const available = documents.filter((d) => d.status === "available");
  const document = el(
    "select",
    { name: "document", "data-testid": "draft-document" },
    [...available]
      .sort((a, b) => Number(b.kind === "agreement") - Number(a.kind === "agreement"))
      .map((d) => el("option", { value: d.id }, d.name)),
  );
  const input = (name: string, attributes: Record<string, string> = {}) =>
    el("input", { name, "data-testid": `draft-${name}`, ...attributes });
  const principal = input("principal", { inputmode: "decimal", placeholder: "80,000.00" });
  const loanFormed = input("loanFormed", { type: "date" });
  const mode = el(
    "select",
    { name: "mode", "data-testid": "draft-mode" },
    el("option", { value: "monthly" }, t("draft.monthly")),
    el("option", { value: "custom" }, t("draft.custom")),
  );
  const firstDue = input("firstDue", { type: "date" });
  const count = input("count", { type: "number", min: "1", max: "360", value: "12" });
  const total = input("total", { inputmode: "decimal", placeholder: "60,000.00" });
  const custom = el("textarea", {
    name: "custom",
    rows: "5",
    "data-testid": "draft-custom",
    placeholder: "2027-01-31 5000\n2027-02-28 5000",
  });
  const grace = input("grace", { type: "number", min: "0", value: "5" });
  const cure = input("cure", { type: "number", min: "0", value: "30" });
  const contest = input("contest", { type: "number", min: "0", value: "14" });
  const monthlyFields = el(
    "div",
    { class: "fields" },
    field(t("draft.firstDue"), firstDue),
    field(t("draft.count"), count),
    field(t("draft.total"), total),
  );
  const customFields = el(
    "div",
    { class: "fields", hidden: true },
    field(t("draft.customLines"), custom, t("draft.customHint")),
  );

  /** The schedule as typed, or the sentence saying what is wrong with it. */
  const schedule = (): Schedule | string => {
    if (mode.value === "monthly") {
      const first = parseDate(firstDue.value);
      const amount = parseYuan(total.value);
      const n = Number(count.value);
      if (first === undefined) return t("draft.needFirstDue");
      if (!Number.isInteger(n) || n < 1 || n > 360) return t("draft.needCount");
      if (amount === undefined || amount < BigInt(n)) return t("draft.needTotal");
      const firstDueAt = endOfDayCst(...first);
      const instalments = monthlySchedule(firstDueAt, n, amount).map((i) => ({
        dueAt: Number(i.dueAt),
        amount: i.amount,
      }));
      return { instalments, body: { monthly: { firstDueAt: Number(firstDueAt), count: n, total: amount.toString() } } };
    }
    const instalments = [];
    for (const [index, text] of custom.value.split("\n").entries()) {
      if (text.trim() === "") continue;
      const [day, amountText = ""] = text.trim().split(/\s+/, 2);
      const parsed = parseDate(day ?? "");
      const amount = parseYuan(amountText);
      if (parsed === undefined || amount === undefined || amount === 0n) return t("draft.badLine", { n: index + 1 });
      instalments.push({ dueAt: Number(endOfDayCst(...parsed)), amount });
    }
    if (instalments.length === 0) return t("draft.needLines");
    return {
      instalments,
      body: { instalments: instalments.map((i) => ({ dueAt: i.dueAt, amount: i.amount.toString() })) },
    };
  };

  const update = () => {
    monthlyFields.hidden = mode.value !== "monthly";
    customFields.hidden = mode.value === "monthly";
    const planned = schedule();
    if (typeof planned === "string") {
      replace(preview, el("p", { class: "hint" }, planned));
      return;
    }
    const sum = planned.instalments.reduce((s, i) => s + i.amount, 0n);
    replace(
      preview,
      el("p", {}, t("draft.previewTotal", { amount: yuan(sum), count: planned.instalments.length })),
      el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          {},
          el(
            "tbody",
            {},
            planned.instalments.map((i, n) =>
              el(
                "tr",
                {},
                el("td", {}, String(n + 1)),
                el("td", {}, date(i.dueAt)),
                el("td", { class: "num" }, yuan(i.amount)),
              ),
            ),
          ),
        ),
      ),
    );
  };

  const submit = async (button: HTMLButtonElement) => {
    const planned = schedule();
    const lent = parseYuan(principal.value);
    const formed = parseDate(loanFormed.value);
    const periods = [grace, cure, contest].map((i) => Number(i.value));
    if (typeof planned === "string") return show(line, "error", planned);
    if (lent === undefined || lent === 0n) return show(line, "error", t("draft.needPrincipal"));
    if (formed === undefined) return show(line, "error", t("draft.needLoanFormed"));
    if (document.value === "") return show(line, "error", t("draft.needDocument"));
    if (periods.some((p) => !Number.isInteger(p) || p < 0)) return show(line, "error", t("draft.needPeriods"));
    const settled = planned.instalments.reduce((s, i) => s + i.amount, 0n);
    button.disabled = true;
    try {
      show(line, "pending", t("draft.sending"));
      await api("POST", `/cases/${theCase.id}/drafts`, {
        json: {
          platform: platform.value,
          currency: "CNY",
          originalPrincipal: lent.toString(),
          // The start of that day in Shanghai: a loan formed today is not in the future.
          loanFormedAt: Number(endOfDayCst(...formed)) - (DAY - 1),
          settledAmount: settled.toString(),
          ...planned.body,
          gracePeriod: periods[0]! * DAY,
          curePeriod: periods[1]! * DAY,
          contestWindow: periods[2]! * DAY,
          documentId: document.value as Hex,
        },
      });
      show(line, "ok", t("draft.done"));
      setTimeout(onDrafted, 800);
    } catch (error) {
      showError(line, error);
      button.disabled = false;
    }
  };

  for (const control of [mode, firstDue, count, total, custom]) control.addEventListener("input", update);
  mode.addEventListener("change", update);
  update();
  const button = el("button", { type: "button", class: "primary", "data-testid": "draft-submit" }, t("draft.submit"));
  button.addEventListener("click", () => void submit(button));

  return el(
    "details",
    { class: "card draft-form", "data-testid": "draft-form" },
    el("summary", {}, t("draft.title")),
    available.length === 0
      ? el("p", { class: "hint" }, t("draft.uploadFirst"))
      : [
          el("p", { class: "hint" }, t("draft.explain")),
          el(
            "div",
            { class: "fields" },
            field(t("settlement.creditor"), platform),
            field(t("settlement.document"), document),
            field(t("settlement.principal"), principal, t("draft.yuanHint")),
            field(t("settlement.loanFormed"), loanFormed),
            field(t("draft.mode"), mode),
          ),
          monthlyFields,
          customFields,
          el(
            "div",
            { class: "fields" },
            field(t("draft.graceDays"), grace),
            field(t("draft.cureDays"), cure),
            field(t("draft.contestDays"), contest),
          ),
          preview,
          button,
          line,
        ],
  );
}
