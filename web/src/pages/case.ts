/**
 * One case, for its parties: who is in it, its settlements (readable, signable; registered ones with
 * their compliance from the indexer), what happened on chain (the case timeline), its documents
 * (upload; download; the records the gateway made of the case's events apart), and its evidence (the
 * lawyer submits documents; each shows where it is anchored; court reports download). Anyone else gets a sentence saying the case is not theirs, and
 * nothing of it.
 */
import { api, download, saveAs } from "../api.js";
import { el, replace } from "../dom.js";
import { bytes, dateTime, short } from "../format.js";
import { label, t } from "../i18n.js";
import type { PageContext } from "../main.js";
import { session } from "../session.js";
import { signInBox } from "../sign-in.js";
import { clear, show, showError, statusLine } from "../status.js";
import type { CaseView, DocumentView, DraftView, EvidenceItem, Hex } from "../types.js";
import { caseTimeline } from "../parts/case-timeline.js";
import { draftForm } from "../parts/draft-form.js";
import { sharePanel } from "../parts/grants.js";
import { settlementCard } from "../parts/settlement.js";

const KINDS = ["agreement", "loan_contract", "repayment_record", "correspondence", "evidence", "other"] as const;
const UPLOAD_TYPES = new Set([
  "application/pdf",
  "image/png",
  "image/jpeg",
  "text/plain",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
]);

export async function casePage(context: PageContext): Promise<void> {
  const { main, params, alive } = context;
  const caseId = params[0]!.toLowerCase() as Hex;
  if (session.current() === undefined) {
    replace(main, el("h1", {}, t("case.title")), signInBox(t("cases.signInFirst")));
    return;
  }
  const line = statusLine("case-status");
  replace(main, line);
  show(line, "pending", t("loading"));
  let loaded;
  try {
    // The case first: a wallet that is not a party learns nothing more than that.
    const theCase = await api<CaseView>("GET", `/cases/${caseId}`);
    const [drafts, documents, evidence] = await Promise.all([
      api<DraftView[]>("GET", `/cases/${caseId}/drafts`),
      api<DocumentView[]>("GET", `/cases/${caseId}/documents`),
      api<EvidenceItem[]>("GET", `/cases/${caseId}/evidence`),
    ]);
    loaded = { theCase, drafts, documents, evidence };
  } catch (error) {
    if (alive()) {
      replace(main, el("h1", {}, t("case.title")), line, el("p", {}, el("a", { href: "#/cases" }, t("case.back"))));
      showError(line, error);
    }
    return;
  }
  if (!alive()) return;
  clear(line);
  const { theCase, drafts, documents, evidence } = loaded;
  const refresh = () => void casePage(context);
  const myRole = theCase.parties.find((p) => session.is(p.address))?.role;
  const isLawyer = myRole === "lawyer";
  const openDocument = (documentId: Hex) => {
    const document = documents.find((d) => d.id.toLowerCase() === documentId.toLowerCase());
    void download(`/cases/${caseId}/documents/${documentId}/content`)
      .then((blob) => saveAs(blob, document?.name ?? "document"))
      .catch((error: unknown) => showError(line, error));
  };
  const nameOf = (documentId: Hex) =>
    documents.find((d) => d.id.toLowerCase() === documentId.toLowerCase())?.name ?? "agreement";
  const shown = drafts.filter((d) => d.status !== "withdrawn");
  const evidenceShown = evidenceSection(evidence, documents);

  replace(
    main,
    el("p", { class: "crumbs" }, el("a", { href: "#/cases" }, t("nav.cases"))),
    el("h1", { "data-testid": "case-title" }, theCase.title),
    el(
      "p",
      { class: "meta" },
      t("cases.opened", { when: dateTime(theCase.openedAt) }),
      " · ",
      el("code", { title: theCase.id }, short(theCase.id)),
    ),
    line,
    el(
      "section",
      { class: "card" },
      el("h2", {}, t("case.parties")),
      el(
        "ul",
        { class: "parties" },
        theCase.parties.map((p) =>
          el(
            "li",
            {},
            el(
              "span",
              { class: "role" },
              label("party", p.role),
              session.is(p.address) && el("span", { class: "you" }, ` (${t("settlement.you")})`),
            ),
            el("code", { title: p.address }, short(p.address)),
          ),
        ),
      ),
    ),
    el("h2", {}, t("case.settlements")),
    isLawyer && draftForm(theCase, documents, refresh),
    shown.length === 0
      ? el("p", { class: "empty" }, t("case.noSettlements"))
      : shown.map((draft) => settlementCard(draft, { caseId, alive, refresh, nameOf })),
    caseTimeline(caseId, alive),
    documentsSection(caseId, documents, evidence, isLawyer, { alive, refresh, openDocument }),
    evidenceShown,
  );
  void followAnchoring(caseId, evidence, documents, evidenceShown, alive);
}

/** While evidence waits for its anchor, reads it again every two seconds and redraws that section alone. */
async function followAnchoring(
  caseId: Hex,
  evidence: EvidenceItem[],
  documents: DocumentView[],
  shown: HTMLElement,
  alive: () => boolean,
): Promise<void> {
  let current = evidence;
  while (alive() && current.some((item) => item.state === "queued")) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (!alive()) return;
    try {
      current = await api<EvidenceItem[]>("GET", `/cases/${caseId}/evidence`);
    } catch {
      continue; // a passing failure: the next round tries again
    }
    const next = evidenceSection(current, documents);
    shown.replaceWith(next);
    shown = next;
  }
}

interface Live {
  alive: () => boolean;
  refresh: () => void;
}

function documentsSection(
  caseId: Hex,
  documents: DocumentView[],
  evidence: EvidenceItem[],
  isLawyer: boolean,
  live: Live & { openDocument: (id: Hex) => void },
): HTMLElement {
  const line = statusLine("documents-status");
  const input = el("input", { type: "file", "data-testid": "upload-input", "aria-label": t("documents.file") });
  const kind = el(
    "select",
    { "aria-label": t("documents.kind"), "data-testid": "upload-kind" },
    KINDS.map((k) => el("option", { value: k }, label("kind", k))),
  );
  const upload = async () => {
    const file = input.files?.[0];
    if (file === undefined) {
      show(line, "error", t("documents.chooseFirst"));
      return;
    }
    try {
      show(line, "pending", t("documents.uploading", { name: file.name }));
      const type = UPLOAD_TYPES.has(file.type) ? file.type : "application/octet-stream";
      const query = `name=${encodeURIComponent(file.name)}&kind=${kind.value}`;
      await api("POST", `/cases/${caseId}/documents?${query}`, { body: file, contentType: type });
      show(line, "ok", t("documents.uploaded", { name: file.name }));
      setTimeout(() => live.alive() && live.refresh(), 800);
    } catch (error) {
      showError(line, error);
    }
  };
  const submit = async (document: DocumentView, button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      show(line, "pending", t("evidence.submitting", { name: document.name }));
      await api("POST", `/cases/${caseId}/evidence`, { json: { documentId: document.id } });
      show(line, "ok", t("evidence.submitted", { name: document.name }));
      setTimeout(() => live.alive() && live.refresh(), 800);
    } catch (error) {
      showError(line, error);
      button.disabled = false;
    }
  };
  const isEvidence = (d: DocumentView) => evidence.some((e) => e.documentId.toLowerCase() === d.id.toLowerCase());
  const available = documents.filter((d) => d.status === "available");

  const item = (d: DocumentView) => {
    const isRecord = d.kind === "record";
    const submitButton = el("button", { type: "button", "data-testid": "submit-evidence" }, t("evidence.submit"));
    submitButton.addEventListener("click", () => void submit(d, submitButton));
    return el(
      "li",
      { "data-testid": "document", "data-name": d.name, "data-kind": d.kind },
      el(
        "div",
        {},
        el("strong", {}, isRecord ? recordTitle(d.name) : d.name),
        el(
          "span",
          { class: "meta" },
          `${label("kind", d.kind)}${isRecord ? ` · ${d.name}` : ""} · ${bytes(d.size)} · ${dateTime(d.createdAt)}`,
        ),
      ),
      el(
        "div",
        { class: "actions" },
        el(
          "button",
          { type: "button", class: "link", onclick: () => live.openDocument(d.id) },
          t("documents.download"),
        ),
        isLawyer && !isEvidence(d) && submitButton,
        isEvidence(d) && el("span", { class: "badge registered" }, t("evidence.isEvidence")),
      ),
      sharePanel(caseId, d),
    );
  };
  const uploaded = available.filter((d) => d.kind !== "record");
  const records = available.filter((d) => d.kind === "record");

  return el(
    "section",
    { class: "card", "data-testid": "documents" },
    el("h2", {}, t("documents.title")),
    el("p", { class: "hint" }, t("documents.private")),
    uploaded.length === 0
      ? el("p", { class: "empty" }, t("documents.none"))
      : el("ul", { class: "documents" }, uploaded.map(item)),
    records.length > 0 &&
      el(
        "details",
        { class: "records", "data-testid": "records" },
        el("summary", {}, t("records.title", { n: records.length })),
        el("p", { class: "hint" }, t("records.explain")),
        el("ul", { class: "documents" }, records.map(item)),
      ),
    el(
      "div",
      { class: "upload" },
      el("h3", {}, t("documents.add")),
      input,
      kind,
      el(
        "button",
        { type: "button", class: "primary", "data-testid": "upload", onclick: () => void upload() },
        t("documents.upload"),
      ),
    ),
    line,
  );
}

/**
 * What a record of the gateway is, from its file name (`signature-<role>-…`, `registration-…`,
 * `payment-…-<n>`, `breach-…`, `decision-<dispute>-…`).
 */
export function recordTitle(name: string): string {
  const signature = /^signature-(borrower|platform|lawyer)-/.exec(name);
  if (signature !== null) return t("records.signature", { party: label("party", signature[1]!) });
  if (name.startsWith("registration-")) return t("records.registration");
  const payment = /^payment-.*-(\d+)\.json$/.exec(name);
  if (payment !== null) return t("records.payment", { n: Number(payment[1]) + 1 });
  if (name.startsWith("breach-")) return t("records.breach");
  const decision = /^decision-(\d+)-/.exec(name);
  if (decision !== null) return t("records.decision", { n: Number(decision[1]) });
  return name;
}

function evidenceSection(evidence: EvidenceItem[], documents: DocumentView[]): HTMLElement {
  const line = statusLine("evidence-status");
  const documentOf = (item: EvidenceItem) =>
    documents.find((d) => d.id.toLowerCase() === item.documentId.toLowerCase());
  const nameOf = (item: EvidenceItem) => documentOf(item)?.name ?? short(item.documentId);
  const titleOf = (item: EvidenceItem) => {
    const document = documentOf(item);
    return document?.kind === "record"
      ? [recordTitle(document.name), " ", el("span", { class: "badge record" }, label("kind", "record"))]
      : nameOf(item);
  };
  const report = async (item: EvidenceItem, format: "json" | "html") => {
    try {
      const path = `/evidence/${item.id}/report${format === "html" ? ".html" : ""}`;
      saveAs(await download(path), `court-report-${item.id}.${format}`);
    } catch (error) {
      showError(line, error);
    }
  };
  return el(
    "section",
    { class: "card", "data-testid": "evidence" },
    el("h2", {}, t("evidence.title")),
    el("p", { class: "hint" }, t("evidence.explain")),
    evidence.length === 0
      ? el("p", { class: "empty" }, t("evidence.none"))
      : el(
          "ul",
          { class: "evidence" },
          evidence.map((item) =>
            el(
              "li",
              {
                "data-testid": "evidence-item",
                "data-state": item.state,
                "data-name": nameOf(item),
                "data-kind": documentOf(item)?.kind,
              },
              el(
                "div",
                {},
                el("strong", {}, titleOf(item)),
                item.anchor === null
                  ? el(
                      "span",
                      { class: "status pending" },
                      el("span", { class: "spinner", "aria-hidden": "true" }),
                      t("evidence.queued"),
                    )
                  : el(
                      "span",
                      { class: "meta" },
                      t("evidence.anchoredAt", {
                        when: dateTime(item.anchor.blockTime * 1000),
                        block: item.anchor.blockNumber,
                      }),
                    ),
              ),
              item.anchor !== null &&
                el(
                  "div",
                  { class: "actions" },
                  el(
                    "button",
                    {
                      type: "button",
                      class: "link",
                      "data-testid": "report-html",
                      onclick: () => void report(item, "html"),
                    },
                    t("evidence.reportHtml"),
                  ),
                  el(
                    "button",
                    {
                      type: "button",
                      class: "link",
                      "data-testid": "report-json",
                      onclick: () => void report(item, "json"),
                    },
                    t("evidence.reportJson"),
                  ),
                ),
            ),
          ),
        ),
    line,
  );
}
