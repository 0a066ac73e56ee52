/** My cases: the cases the signed-in wallet is a party to, newest first. */
import { api } from "../api.js";
import { el, replace } from "../dom.js";
import { dateTime, short } from "../format.js";
import { label, t } from "../i18n.js";
import type { PageContext } from "../main.js";
import { session } from "../session.js";
import { signInBox } from "../sign-in.js";
import { field } from "../parts/view.js";
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
      me.role === "LAWYER" && openCaseForm(),
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

/** A lawyer opens a case for a bound borrower and one or more platforms, then goes to it. */
function openCaseForm(): HTMLElement {
  const line = statusLine("open-case-status");
  const title = el("input", { name: "title", "data-testid": "case-title-input", maxlength: "200" });
  const borrower = el("input", {
    name: "borrower",
    "data-testid": "case-borrower",
    placeholder: "0x…",
    spellcheck: "false",
  });
  const platforms = el("input", {
    name: "platforms",
    "data-testid": "case-platforms",
    placeholder: "0x…, 0x…",
    spellcheck: "false",
  });
  const open = async (button: HTMLButtonElement) => {
    const list = platforms.value.split(/[\s,，;]+/).filter((p) => p !== "");
    if (title.value.trim() === "" || borrower.value.trim() === "" || list.length === 0) {
      show(line, "error", t("openCase.incomplete"));
      return;
    }
    button.disabled = true;
    try {
      show(line, "pending", t("openCase.sending"));
      const opened = await api<CaseView>("POST", "/cases", {
        json: { title: title.value.trim(), borrower: borrower.value.trim(), platforms: list },
      });
      location.hash = `#/cases/${opened.id}`;
    } catch (error) {
      showError(line, error);
      button.disabled = false;
    }
  };
  const button = el("button", { type: "button", class: "primary", "data-testid": "open-case" }, t("openCase.submit"));
  button.addEventListener("click", () => void open(button));
  return el(
    "details",
    { class: "card", "data-testid": "open-case-form" },
    el("summary", {}, t("openCase.title")),
    el("p", { class: "hint" }, t("openCase.explain")),
    el(
      "div",
      { class: "fields" },
      field(t("openCase.caseTitle"), title, t("openCase.titleHint")),
      field(t("party.borrower"), borrower),
      field(t("openCase.platforms"), platforms, t("openCase.platformsHint")),
    ),
    button,
    line,
  );
}
