/**
 * One document, for whoever may read it: a party of its case, or the holder of a disclosure grant (a
 * court, another creditor) who opens the link the granting party gave. Shows what the document is and
 * downloads it; nothing else of the case.
 */
import { api, download, saveAs } from "../api.js";
import { el, replace } from "../dom.js";
import { bytes, dateTime } from "../format.js";
import { label, t } from "../i18n.js";
import type { PageContext } from "../main.js";
import { session } from "../session.js";
import { signInBox } from "../sign-in.js";
import { clear, show, showError, statusLine } from "../status.js";
import type { DocumentView, Hex } from "../types.js";

export async function documentPage({ main, params, alive }: PageContext): Promise<void> {
  const [caseId, documentId] = params.map((p) => p.toLowerCase()) as [Hex, Hex];
  if (session.current() === undefined) {
    replace(main, el("h1", {}, t("document.title")), signInBox(t("document.signInFirst")));
    return;
  }
  const line = statusLine("document-status");
  replace(main, el("h1", {}, t("document.title")), line);
  show(line, "pending", t("loading"));
  const path = `/cases/${caseId}/documents/${documentId}`;
  try {
    const document = await api<DocumentView>("GET", path);
    if (!alive()) return;
    clear(line);
    const get = el(
      "button",
      { type: "button", class: "primary", "data-testid": "document-download" },
      t("documents.download"),
    );
    get.addEventListener("click", () => {
      download(`${path}/content`)
        .then((blob) => saveAs(blob, document.name))
        .catch((error: unknown) => showError(line, error));
    });
    replace(
      main,
      el("h1", {}, t("document.title")),
      el(
        "section",
        { class: "card" },
        el("h2", { "data-testid": "document-name" }, document.name),
        el(
          "dl",
          { class: "facts" },
          el("dt", {}, t("documents.kind")),
          el("dd", {}, label("kind", document.kind)),
          el("dt", {}, t("document.size")),
          el("dd", {}, bytes(document.size)),
          el("dt", {}, t("document.uploaded")),
          el("dd", {}, dateTime(document.createdAt)),
          el("dt", {}, "SHA-256"),
          el("dd", {}, el("code", {}, document.sha256)),
        ),
        el("p", { class: "hint" }, t("document.verifyHint")),
        get,
        line,
      ),
    );
  } catch (error) {
    if (alive()) showError(line, error);
  }
}
