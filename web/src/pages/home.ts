/** The start page: what the portal is for, sign-in, and the way to verify a file without an account. */
import { el, replace } from "../dom.js";
import { t } from "../i18n.js";
import type { PageContext } from "../main.js";
import { session } from "../session.js";
import { signInBox } from "../sign-in.js";

export function homePage({ main }: PageContext): void {
  const signedIn = session.current() !== undefined;
  replace(
    main,
    el("h1", {}, t("home.title")),
    el("p", { class: "lead" }, t("home.lead")),
    signedIn
      ? el(
          "section",
          { class: "card" },
          el("p", {}, el("a", { href: "#/cases", class: "button primary" }, t("home.toCases"))),
        )
      : signInBox(),
    el(
      "section",
      { class: "card" },
      el("h2", {}, t("home.verifyTitle")),
      el("p", {}, t("home.verifyText")),
      el("p", {}, el("a", { href: "#/verify", class: "button" }, t("nav.verify"))),
    ),
  );
}
