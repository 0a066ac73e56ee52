/**
 * A platform's portfolio (`GET /portfolio`, from the indexer): how many of its agreements perform,
 * are in arrears, in default, completed or closed, with the amounts in each (yuan), and the list of
 * agreements with their standing, each linking to its case. Only a platform's keys get an answer;
 * anyone else reads a sentence (the header offers the page to platforms only).
 */
import { ApiError, api } from "../api.js";
import { el, replace } from "../dom.js";
import { dateTime, short, yuan } from "../format.js";
import { label, t } from "../i18n.js";
import type { PageContext } from "../main.js";
import { session } from "../session.js";
import { signInBox } from "../sign-in.js";
import { clear, show, showError, statusLine } from "../status.js";
import type { Bucket, CaseView, Portfolio } from "../types.js";

const BUCKETS: Bucket[] = ["performing", "inArrears", "inDefault", "completed", "closed"];

export async function portfolioPage(context: PageContext): Promise<void> {
  const { main, alive } = context;
  if (session.current() === undefined) {
    replace(main, el("h1", {}, t("portfolio.title")), signInBox(t("portfolio.signInFirst")));
    return;
  }
  const line = statusLine("portfolio-status");
  replace(main, el("h1", {}, t("portfolio.title")), line);
  show(line, "pending", t("loading"));
  let portfolio: Portfolio;
  let cases: CaseView[];
  try {
    [portfolio, cases] = await Promise.all([
      api<Portfolio>("GET", "/portfolio"),
      api<CaseView[]>("GET", "/cases").catch(() => []),
    ]);
  } catch (error) {
    if (!alive()) return;
    if (error instanceof ApiError && error.code === "NOT_A_PLATFORM")
      replace(
        main,
        el("h1", {}, t("portfolio.title")),
        el("p", { "data-testid": "not-a-platform" }, t("portfolio.notPlatform")),
      );
    else showError(line, error);
    return;
  }
  if (!alive()) return;
  clear(line);
  const titleOf = (caseId: string) => cases.find((c) => c.id.toLowerCase() === caseId.toLowerCase())?.title;

  replace(
    main,
    el("h1", {}, t("portfolio.title")),
    el("p", { class: "meta" }, t("portfolio.asOf", { when: dateTime(portfolio.asOf * 1000) })),
    line,
    el(
      "div",
      { class: "buckets" },
      BUCKETS.map((bucket) => {
        const b = portfolio.buckets[bucket];
        return el(
          "section",
          { class: `card bucket ${bucket}`, "data-testid": "bucket", "data-bucket": bucket, "data-count": b.count },
          el("h2", {}, label("bucket", bucket)),
          el("p", { class: "count" }, String(b.count), el("span", { class: "unit" }, t("portfolio.count"))),
          el(
            "dl",
            { class: "figures" },
            el("dt", {}, t("portfolio.totalDue")),
            el("dd", {}, yuan(b.totalDue)),
            el("dt", {}, t("portfolio.paid")),
            el("dd", {}, yuan(b.paid)),
            el("dt", {}, t("portfolio.outstanding")),
            el("dd", {}, yuan(b.outstanding)),
            el("dt", {}, t("portfolio.arrears")),
            el("dd", {}, yuan(b.arrears)),
          ),
        );
      }),
    ),
    el("h2", {}, t("portfolio.agreements")),
    portfolio.agreements.length === 0
      ? el("p", { class: "empty" }, t("portfolio.none"))
      : el(
          "div",
          { class: "table-wrap" },
          el(
            "table",
            { "data-testid": "portfolio-agreements" },
            el(
              "thead",
              {},
              el(
                "tr",
                {},
                el("th", {}, t("portfolio.case")),
                el("th", {}, t("portfolio.bucket")),
                el("th", {}, t("portfolio.standing")),
                el("th", { class: "num" }, t("portfolio.totalDue")),
                el("th", { class: "num" }, t("portfolio.paid")),
                el("th", { class: "num" }, t("portfolio.arrears")),
                el("th", { class: "num" }, t("portfolio.daysOverdue")),
              ),
            ),
            el(
              "tbody",
              {},
              portfolio.agreements.map((a) =>
                el(
                  "tr",
                  {
                    class: a.bucket,
                    "data-testid": "portfolio-agreement",
                    "data-settlement": a.settlementId.toLowerCase(),
                    "data-bucket": a.bucket,
                    "data-standing": a.standing,
                  },
                  el(
                    "td",
                    {},
                    el("a", { href: `#/cases/${a.caseId}` }, titleOf(a.caseId) ?? short(a.caseId)),
                    el("div", { class: "meta" }, el("code", { title: a.settlementId }, short(a.settlementId, 4))),
                  ),
                  el("td", {}, label("bucket", a.bucket)),
                  el("td", {}, label("standing", a.standing)),
                  el("td", { class: "num" }, yuan(a.totalDue)),
                  el("td", { class: "num" }, yuan(a.paidTotal)),
                  el("td", { class: "num" }, yuan(a.arrears)),
                  el("td", { class: "num" }, String(a.daysOverdue)),
                ),
              ),
            ),
          ),
        ),
  );
}
