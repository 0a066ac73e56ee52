/**
 * A registered agreement as the indexer reads it from the chain (`GET /agreements/:settlementId`):
 * its standing as a sentence, paid, arrears and days overdue, the payment timeline (real payment
 * dates), and the instalment table with each instalment's state and the day it was paid. Until the
 * indexer has read the registration the gateway answers 404: the panel then says the agreement is
 * being recorded on chain and keeps asking. It follows the agreement while the page is shown, so a
 * payment recorded meanwhile appears without a reload.
 */
import { ApiError } from "../api.js";
import { el } from "../dom.js";
import { date, days, yuan } from "../format.js";
import { label, t } from "../i18n.js";
import { showError, show, statusLine } from "../status.js";
import type { Hex, IndexedAgreement } from "../types.js";
import { following } from "./follow.js";
import { stateClass, timeline } from "./timeline.js";

const DAY = 86_400;

function row(term: string, value: string, testId?: string, fen?: string) {
  return [el("dt", {}, term), el("dd", { "data-testid": testId, "data-fen": fen }, value)];
}

/** The standing as a sentence a borrower understands. */
export function standingSentence(agreement: IndexedAgreement): string {
  const c = agreement.compliance;
  return t(`standingSentence.${c.standing}`, {
    arrears: yuan(c.arrears),
    n: c.daysOverdue,
    grace: days(agreement.periods.grace),
    cure: days(agreement.periods.cure),
  });
}

function instalmentState(item: IndexedAgreement["instalments"][number], asOf: number): string {
  const text = label("instalment", item.state);
  const overdue = stateClass(item.state) === "overdue";
  return overdue ? `${text} · ${t("state.overdueDays", { n: Math.floor((asOf - item.dueAt) / DAY) })}` : text;
}

function draw(agreement: IndexedAgreement): Node {
  const c = agreement.compliance;
  const troubled = c.standing !== "Performing" && c.standing !== "Completed";
  return el(
    "div",
    {},
    el(
      "div",
      { class: `compliance ${troubled ? "troubled" : ""}`, "data-testid": "compliance", "data-standing": c.standing },
      el(
        "p",
        { "data-testid": "standing" },
        el("strong", {}, label("standing", c.standing)),
        " — ",
        standingSentence(agreement),
      ),
      el(
        "dl",
        { class: "facts compact" },
        row(t("compliance.status"), label("agreementStatus", c.status)),
        row(t("compliance.paid"), `${yuan(c.paidTotal)} / ${yuan(c.totalDue)}`, "paid-total", c.paidTotal),
        row(t("compliance.dueToDate"), yuan(c.dueToDate)),
        row(t("compliance.arrears"), yuan(c.arrears), "arrears", c.arrears),
        row(t("compliance.daysOverdue"), String(c.daysOverdue), "days-overdue"),
      ),
      el("p", { class: "hint" }, t("compliance.source", { when: date(agreement.asOf) })),
    ),
    timeline(agreement),
    el(
      "details",
      { class: "schedule", open: true },
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
              el("th", {}, t("schedule.state")),
              el("th", {}, t("schedule.paidAt")),
            ),
          ),
          el(
            "tbody",
            {},
            agreement.instalments.map((item) =>
              el(
                "tr",
                { class: stateClass(item.state), "data-state": item.state },
                el("td", {}, String(item.index + 1)),
                el("td", {}, date(item.dueAt)),
                el("td", { class: "num" }, yuan(item.amount)),
                el("td", {}, instalmentState(item, agreement.asOf)),
                el("td", {}, item.paidAt === null ? "—" : date(item.paidAt)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

export function agreementPanel(settlementId: Hex, alive: () => boolean): HTMLElement {
  const notMine = (error: unknown) => error instanceof ApiError && error.status === 403;
  return following<IndexedAgreement>(
    `/agreements/${settlementId}`,
    { class: "agreement-panel", "data-testid": "agreement-panel" },
    (answer) => {
      if ("value" in answer) return draw(answer.value);
      const line = statusLine("agreement-status");
      if (answer.error instanceof ApiError && answer.error.status === 404)
        show(line, "pending", t("agreement.recording"));
      else showError(line, answer.error);
      return line;
    },
    {
      alive,
      // `asOf` moves with every answer; redraw only when a fact changed.
      same: (a, b) => JSON.stringify({ ...a, asOf: 0 }) === JSON.stringify({ ...b, asOf: 0 }),
      stopOn: notMine,
    },
  );
}
