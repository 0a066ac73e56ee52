/**
 * What happened in a case on chain (`GET /cases/:caseId/timeline`, from the indexer), oldest first:
 * each event as a sentence, with its date and time (China Standard Time) and a short transaction hash.
 * Followed while the page is shown, so a payment or an anchor recorded meanwhile appears.
 */
import { el } from "../dom.js";
import { date, dateTime, short, yuan } from "../format.js";
import { label, t } from "../i18n.js";
import { showError, statusLine } from "../status.js";
import { Status } from "../../../protocol/enums.js";
import type { Hex, TimelineEntry } from "../types.js";
import { following } from "./follow.js";

const statusName = (value: unknown): string =>
  Object.entries(Status).find(([, number]) => number === Number(value))?.[0] ?? String(value);

/** One event as a sentence. */
export function eventSentence(entry: TimelineEntry): string {
  const d = entry.details;
  const agreement = entry.settlementId === null ? "" : short(entry.settlementId, 4);
  switch (entry.event) {
    case "SettlementRegistered":
      return t("caseTimeline.SettlementRegistered", { agreement });
    case "PaymentRecorded":
      return t("caseTimeline.PaymentRecorded", {
        n: Number(d.sequence) + 1,
        amount: yuan(String(d.amount)),
        date: date(Number(d.paidAt)),
        agreement,
      });
    case "PaymentContested":
      return t("caseTimeline.PaymentContested", { n: Number(d.sequence) + 1, agreement });
    case "StatusChanged":
      return t("caseTimeline.StatusChanged", {
        agreement,
        from: label("agreementStatus", statusName(d.from)),
        to: label("agreementStatus", statusName(d.to)),
      });
    case "Anchored":
      return t("caseTimeline.Anchored", { n: Number(d.leafCount) });
    default:
      return entry.event;
  }
}

function draw(entries: TimelineEntry[]): Node {
  if (entries.length === 0) return el("p", { class: "empty" }, t("caseTimeline.none"));
  return el(
    "ol",
    { class: "case-timeline" },
    entries.map((entry) =>
      el(
        "li",
        { "data-testid": "timeline-event", "data-event": entry.event },
        el("span", { class: "when" }, dateTime(entry.at * 1000)),
        el("span", { class: "what" }, eventSentence(entry)),
        el(
          "span",
          { class: "meta" },
          t("caseTimeline.tx", { block: entry.blockNumber }),
          " ",
          el("code", { title: entry.txHash }, short(entry.txHash, 4)),
        ),
      ),
    ),
  );
}

export function caseTimeline(caseId: Hex, alive: () => boolean): HTMLElement {
  const section = el(
    "section",
    { class: "card", "data-testid": "case-timeline" },
    el("h2", {}, t("caseTimeline.title")),
    el("p", { class: "hint" }, t("caseTimeline.explain")),
  );
  section.append(
    following<TimelineEntry[]>(
      `/cases/${caseId}/timeline`,
      {},
      (answer) => {
        if ("value" in answer) return draw(answer.value);
        const line = statusLine("case-timeline-status");
        showError(line, answer.error);
        return line;
      },
      { alive },
    ),
  );
  return section;
}
