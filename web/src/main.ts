/**
 * The portal: a header (pages, language, the signed-in wallet) and one page at a time, chosen by the
 * URL's fragment: `#/` home, `#/cases` my cases, `#/cases/<id>` one case, `#/portfolio` a platform's
 * portfolio, `#/mediation` my mediation cases and what is due, `#/mediation/<caseId>` one mediation
 * case, `#/disputes` the committee's disputes, `#/disputes/<id>` one dispute, `#/verify` verify a
 * file, `#/documents/<case>/<document>` one document (for a disclosure grant's holder).
 */
import "./style.css";

import { el, replace } from "./dom.js";
import { label, lang, onLangChange, setLang, t } from "./i18n.js";
import { casePage } from "./pages/case.js";
import { casesPage } from "./pages/cases.js";
import { disputePage, disputesPage } from "./pages/disputes.js";
import { documentPage } from "./pages/document.js";
import { homePage } from "./pages/home.js";
import { mediationCasePage, mediationPage } from "./pages/mediation.js";
import { portfolioPage } from "./pages/portfolio.js";
import { verifyPage } from "./pages/verify.js";
import { api } from "./api.js";
import { session } from "./session.js";
import { signOut } from "./sign-in.js";
import { short } from "./format.js";
import { onAccountChange } from "./wallet.js";

/** What a page gets: where to draw, its route parameters, and whether it is still the shown page. */
export interface PageContext {
  main: HTMLElement;
  params: string[];
  alive: () => boolean;
}

type Page = (context: PageContext) => void | Promise<void>;

const routes: [RegExp, Page][] = [
  [/^\/?$/, homePage],
  [/^\/cases\/?$/, casesPage],
  [/^\/cases\/(0x[0-9a-fA-F]{64})\/?$/, casePage],
  [/^\/portfolio\/?$/, portfolioPage],
  [/^\/mediation\/?$/, mediationPage],
  [/^\/mediation\/(0x[0-9a-fA-F]{64})\/?$/, mediationCasePage],
  [/^\/disputes\/?$/, disputesPage],
  [/^\/disputes\/(\d{1,20})\/?$/, disputePage],
  [/^\/verify\/?$/, verifyPage],
  [/^\/documents\/(0x[0-9a-fA-F]{64})\/(0x[0-9a-fA-F]{64})\/?$/, documentPage],
];

const app = document.getElementById("app")!;
let generation = 0;

function header(): HTMLElement {
  const current = session.current();
  const route = location.hash.slice(1);
  const link = (href: string, text: string, active: boolean) =>
    el("a", { href, class: active ? "active" : undefined, "aria-current": active ? "page" : undefined }, text);
  return el(
    "header",
    { class: "top" },
    el("a", { class: "brand", href: "#/" }, el("span", { class: "brand-mark" }, "和解"), " Hejie"),
    el(
      "nav",
      {},
      link("#/cases", t("nav.cases"), route.startsWith("/cases")),
      // Only a platform has a portfolio: the page is offered to platforms' keys alone.
      current?.role === "PLATFORM" && link("#/portfolio", t("nav.portfolio"), route.startsWith("/portfolio")),
      // Mediation cases are members' (a key of an active account); disputes the committee's, and
      // offered to a party once it has one.
      current?.role !== undefined && link("#/mediation", t("nav.mediation"), route.startsWith("/mediation")),
      disputesLink(current?.role, current?.token, link("#/disputes", t("nav.disputes"), route.startsWith("/disputes"))),
      link("#/verify", t("nav.verify"), route.startsWith("/verify")),
    ),
    el(
      "div",
      { class: "account" },
      el(
        "button",
        {
          type: "button",
          class: "lang",
          "data-testid": "lang-switch",
          "aria-label": t("lang.switch"),
          onclick: () => setLang(lang() === "zh" ? "en" : "zh"),
        },
        lang() === "zh" ? "EN" : "中文",
      ),
      current !== undefined &&
        el(
          "span",
          { class: "who", "data-testid": "signed-in-as", title: current.address },
          short(current.address, 4),
          current.role !== undefined && el("span", { class: "role" }, label("role", current.role)),
        ),
      current !== undefined &&
        el("button", { type: "button", class: "link", onclick: () => void signOut() }, t("auth.signOut")),
    ),
  );
}

/** Whether the session's member has disputes (asked at most once a minute): a party sees the link then. */
const hasDisputes = new Map<string, { at: number; answer: Promise<boolean> }>();

function disputesLink(role: string | undefined, token: string | undefined, link: HTMLElement): HTMLElement | false {
  if (role === undefined || token === undefined) return false;
  if (role === "COMMITTEE") return link;
  let known = hasDisputes.get(token);
  if (known === undefined || Date.now() - known.at > 60_000) {
    const answer = api<{ disputes: unknown[] }>("GET", "/disputes?state=all").then(
      (reply) => reply.disputes.length > 0,
      () => false,
    );
    known = { at: Date.now(), answer };
    hasDisputes.set(token, known);
  }
  link.hidden = true;
  void known.answer.then((has) => (link.hidden = !has));
  return link;
}

export function render(): void {
  const mine = ++generation;
  const path = location.hash.replace(/^#/, "") || "/";
  const main = el("main", { id: "main" });
  replace(app, header(), main, el("footer", {}, t("footer")));
  document.title = `${t("title")} · Hejie`;
  for (const [pattern, page] of routes) {
    const match = pattern.exec(path);
    if (match !== null) {
      void page({ main, params: match.slice(1), alive: () => mine === generation });
      return;
    }
  }
  replace(main, el("h1", {}, t("notFound.title")), el("p", {}, el("a", { href: "#/" }, t("notFound.home"))));
}

window.addEventListener("hashchange", render);
onLangChange(render);
session.onChange(render);
onAccountChange((account) => {
  // Another account in the wallet is another person: the session belongs to the old one.
  if (!session.is(account)) session.set(undefined);
});
render();
