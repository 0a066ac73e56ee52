/**
 * The coordination committee's disputes: `#/disputes` lists the disputes of the member's cases (the
 * committee sees all), open ones first, those awaiting the reader's vote highlighted;
 * `#/disputes/<id>` shows one — subject, the agreement, panel, each vote (dissent marked), tally,
 * outcome, the written resolutions with whether each matches the recorded hash — and, for a
 * COMMITTEE key, the next step: appoint the panel, vote, upload the written resolution, decide.
 * Transactions are sent by the member's own wallet (parts/chain-action.ts); the page follows the
 * gateway's read model until they show.
 */
import { api, download, saveAs } from "../api.js";
import { hashOfText } from "../cases-chain.js";
import { el, replace } from "../dom.js";
import { short } from "../format.js";
import { label, t } from "../i18n.js";
import type { PageContext } from "../main.js";
import { accountName, txButton } from "../parts/chain-action.js";
import { following } from "../parts/follow.js";
import { card, fact, field, final, listOr, refusal, stateLine, when } from "../parts/view.js";
import { session } from "../session.js";
import { signInBox } from "../sign-in.js";
import { show, showError, statusLine } from "../status.js";
import type { DisputeSummary, DisputeView } from "../types.js";

const VOTES = { Uphold: 1, VoidPayment: 2, RequireAmendment: 3, Terminate: 4, Abstain: 5 } as const;

export function disputesPage({ main, alive }: PageContext): void {
  if (session.current() === undefined) {
    replace(main, el("h1", {}, t("disputes.title")), signInBox(t("cases.signInFirst")));
    return;
  }
  const draw = (answer: { value: { disputes: DisputeSummary[] } } | { error: unknown }): Node => {
    if ("error" in answer) {
      return refusal(answer.error, "disputes-error");
    }
    const order = (d: DisputeSummary) => (d.state === "Open" ? 0 : 1);
    const disputes = [...answer.value.disputes].sort((a, b) => order(a) - order(b) || a.votesDueAt - b.votesDueAt);
    if (disputes.length === 0) return el("p", { class: "empty", "data-testid": "no-disputes" }, t("disputes.none"));
    return el(
      "ul",
      { class: "case-list", "data-testid": "dispute-list" },
      disputes.map((d) =>
        el(
          "li",
          {
            class: d.yourTurn ? "your-turn" : undefined,
            "data-testid": "dispute-item",
            "data-dispute": d.disputeId,
            "data-state": d.state,
            "data-your-turn": String(d.yourTurn),
          },
          el(
            "a",
            { href: `#/disputes/${d.disputeId}`, class: "case-link" },
            el("strong", {}, t("dispute.title", { id: d.disputeId }), " · ", label("disputeState", d.state)),
            el(
              "span",
              { class: "meta" },
              label("subject", d.subject),
              " · ",
              d.state === "Open"
                ? t("dispute.votesDue", { when: when(d.votesDueAt) })
                : t("dispute.openedAt", { when: when(d.openedAt) }),
              d.panel.length === 0 && ` · ${t("dispute.noPanel")}`,
            ),
            d.yourTurn && el("span", { class: "badge" }, t("dispute.yourTurn")),
            d.needsPanel &&
              session.current()?.role === "COMMITTEE" &&
              el("span", { class: "badge", "data-testid": "needs-panel" }, t("dispute.needsPanel")),
          ),
        ),
      ),
    );
  };
  replace(
    main,
    el("h1", {}, t("disputes.title")),
    el("p", { class: "lead" }, t("disputes.lead")),
    following("/disputes?state=all", { "data-testid": "disputes" }, draw, { alive, stopOn: final }),
  );
}

export function disputePage({ main, params, alive }: PageContext): void {
  const disputeId = params[0]!;
  if (session.current() === undefined) {
    replace(main, el("h1", {}, t("dispute.title", { id: disputeId })), signInBox(t("cases.signInFirst")));
    return;
  }
  const line = statusLine("dispute-action-status");
  replace(
    main,
    el("p", { class: "crumbs" }, el("a", { href: "#/disputes" }, t("nav.disputes"))),
    el("h1", {}, t("dispute.title", { id: disputeId })),
    line,
    following<DisputeView>(
      `/disputes/${disputeId}`,
      { "data-testid": "dispute" },
      (answer) => ("error" in answer ? refusal(answer.error, "dispute-error") : disputeView(answer.value, line)),
      { alive, stopOn: final },
    ),
  );
}

function disputeView(view: DisputeView, line: HTMLElement): Node {
  const nonZero = Object.entries(view.tally).filter(([, n]) => n > 0);
  return el(
    "div",
    {},
    el(
      "section",
      { class: "card" },
      stateLine("dispute-status", view.status, label("disputeState", view.status)),
      view.outcome !== null &&
        el(
          "p",
          { class: "outcome decided", "data-testid": "dispute-outcome", "data-outcome": view.outcome },
          label("outcome", view.outcome),
        ),
      el(
        "dl",
        { class: "facts" },
        fact(
          t("dispute.subject"),
          label("subject", view.subject),
          view.sequence !== null ? ` (#${view.sequence + 1})` : "",
        ),
        fact(t("dispute.agreement"), el("code", { title: view.settlementId }, short(view.settlementId, 10))),
        fact(t("dispute.case"), el("a", { href: `#/mediation/${view.caseId}` }, short(view.caseId))),
        fact(t("dispute.openedBy"), accountName(view.openedBy), " · ", when(view.openedAt)),
        fact(t("dispute.votesDueAt"), when(view.votesDueAt)),
        fact(t("dispute.rules"), t("dispute.rulesText", { size: view.panelSize, quorum: view.quorum })),
      ),
    ),
    card(
      t("dispute.panel"),
      listOr(view.votes, t("dispute.noPanel"), "parties", (v) => {
        const dissent = view.outcome !== null && v.vote !== null && v.vote !== view.outcome && v.vote !== "Abstain";
        return el(
          "li",
          {
            "data-testid": "vote",
            "data-member": String(v.memberId),
            "data-vote": v.vote ?? "none",
            "data-dissent": String(dissent),
          },
          el("strong", {}, accountName(v.memberId)),
          el(
            "span",
            {},
            v.vote === null ? t("dispute.notVoted") : label("vote", v.vote),
            v.at !== null && ` · ${when(v.at)}`,
            dissent && ` · ${t("dispute.dissent")}`,
          ),
        );
      }),
      nonZero.length > 0 &&
        el(
          "p",
          { class: "meta", "data-testid": "tally" },
          t("dispute.tally"),
          " ",
          nonZero.map(([name, n]) => `${label("vote", name)} ${n}`).join(" · "),
        ),
    ),
    card(
      t("dispute.resolutions"),
      view.resolutionHash !== null &&
        el(
          "p",
          { class: "meta" },
          t("dispute.resolutionHash"),
          " ",
          el("code", { class: "mono" }, view.resolutionHash),
        ),
      listOr(view.resolutionDocuments, t("dispute.noResolutions"), "documents", (d) =>
        el(
          "li",
          { "data-testid": "resolution-doc", "data-matches": String(d.matches) },
          el("strong", {}, d.name),
          " ",
          el("span", { class: "meta" }, d.matches ? t("dispute.matches") : t("dispute.notRecorded")),
          " ",
          el(
            "button",
            {
              type: "button",
              class: "link",
              onclick: () =>
                void download(`/disputes/${view.disputeId}/resolutions/${d.documentId}`)
                  .then((blob) => saveAs(blob, d.name))
                  .catch((error: unknown) => showError(line, error)),
            },
            t("dispute.download"),
          ),
        ),
      ),
    ),
    committeeActions(view, line),
  );
}

/** What a COMMITTEE key may do next on an open dispute. */
function committeeActions(view: DisputeView, line: HTMLElement): HTMLElement | false {
  const me = session.current();
  if (me?.role !== "COMMITTEE" || view.status !== "Open") return false;
  const id = BigInt(view.disputeId);
  const mine = me.accountId;
  const onPanel = mine !== undefined && view.panel.includes(mine);
  const parts: HTMLElement[] = [];
  const step = (...children: HTMLElement[]) => parts.push(el("div", { class: "committee-step" }, children));
  if (view.panel.length === 0) {
    const members = el("input", {
      "data-testid": "panel-input",
      value: mine === undefined ? "" : String(mine),
      inputmode: "numeric",
      spellcheck: "false",
    });
    step(
      field(t("dispute.panelMembers"), members, t("dispute.panelHint", { size: view.panelSize })),
      txButton(t("dispute.appoint"), "appoint-panel", line, () => {
        const ids = members.value
          .split(/[\s,，;]+/)
          .filter((x) => /^\d+$/.test(x))
          .map(Number);
        return { functionName: "appointPanel", args: [id, [...new Set(ids)].sort((a, b) => a - b)] };
      }),
    );
  }
  const myVote = view.votes.find((v) => v.memberId === mine);
  if (onPanel && myVote?.vote === null) {
    const choice = el(
      "select",
      { "data-testid": "vote-choice" },
      Object.keys(VOTES)
        .filter((name) => name !== "VoidPayment" || view.subject === "PaymentReport")
        .map((name) => el("option", { value: name }, label("vote", name))),
    );
    const opinion = el("textarea", { rows: 3, "data-testid": "vote-opinion", maxlength: "4000" });
    step(
      field(t("dispute.yourVote"), choice),
      field(t("dispute.opinion"), opinion, t("dispute.opinionHint")),
      txButton(t("dispute.castVote"), "cast-vote", line, () => ({
        functionName: "castVote",
        args: [id, VOTES[choice.value as keyof typeof VOTES], hashOfText(opinion.value)],
      })),
    );
  }
  if (onPanel) {
    const file = el("input", { type: "file", "data-testid": "resolution-input" });
    const upload = async () => {
      const chosen = file.files?.[0];
      if (chosen === undefined) return show(line, "error", t("dispute.chooseFile"));
      try {
        show(line, "pending", t("dispute.uploading"));
        const stored = await api<{ sha256: string }>(
          "POST",
          `/disputes/${view.disputeId}/resolutions?name=${encodeURIComponent(chosen.name)}`,
          { body: chosen, contentType: chosen.type || "application/octet-stream" },
        );
        show(line, "ok", t("dispute.uploaded", { sha256: stored.sha256 }));
      } catch (error) {
        showError(line, error);
      }
    };
    step(
      el(
        "div",
        { class: "upload" },
        field(t("dispute.resolutionFile"), file),
        el(
          "button",
          { type: "button", "data-testid": "upload-resolution", onclick: () => void upload() },
          t("dispute.upload"),
        ),
      ),
    );
    // The decision records the written resolution's SHA-256: the latest one uploaded.
    const latest = view.resolutionDocuments.at(-1);
    if (latest !== undefined && view.votes.some((v) => v.vote !== null)) {
      step(
        el("p", { class: "hint" }, t("dispute.decideHint", { name: latest.name })),
        txButton(t("dispute.decide"), "decide", line, () => ({
          functionName: "resolveDispute",
          args: [id, latest.sha256 as `0x${string}`],
        })),
      );
    }
  }
  if (parts.length === 0) return false;
  return el(
    "section",
    { class: "card", "data-testid": "committee-actions" },
    el("h2", {}, t("dispute.actions")),
    parts,
  );
}
