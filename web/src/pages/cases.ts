/** My cases: the cases the signed-in wallet is a party to, newest first. */
import { api } from "../api.js";
import { el, replace } from "../dom.js";
import { dateTime, short } from "../format.js";
import { label, t } from "../i18n.js";
import type { PageContext } from "../main.js";
import { session } from "../session.js";
import { signInBox } from "../sign-in.js";
import { show, showError, statusLine } from "../status.js";
import type { CaseView } from "../types.js";

export async function casesPage({ main, alive }: PageContext): Promise<void> {
  const me = session.current();
  if (me === undefined) {
    replace(main, el("h1", {}, t("cases.title")), signInBox(t("cases.signInFirst")));
    return;
  }
  const line = statusLine();
  replace(main, el("h1", {}, t("cases.title")), line);
  show(line, "pending", t("loading"));
  try {
    const cases = await api<CaseView[]>("GET", "/cases");
    if (!alive()) return;
    const myRole = (c: CaseView) => c.parties.find((p) => session.is(p.address))?.role;
    replace(
      main,
      el("h1", {}, t("cases.title")),
      cases.length === 0
        ? el("p", { class: "empty", "data-testid": "no-cases" }, t("cases.none"))
        : el(
            "ul",
            { class: "case-list", "data-testid": "case-list" },
            cases.map((c) =>
              el(
                "li",
                {},
                el(
                  "a",
                  { href: `#/cases/${c.id}`, class: "case-link" },
                  el("strong", {}, c.title),
                  el(
                    "span",
                    { class: "meta" },
                    t("cases.opened", { when: dateTime(c.openedAt) }),
                    " · ",
                    t("cases.yourRole", { role: label("party", myRole(c) ?? "") }),
                    " · ",
                    short(c.id),
                  ),
                ),
              ),
            ),
          ),
    );
  } catch (error) {
    if (alive()) showError(line, error);
  }
}
