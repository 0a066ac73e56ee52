/**
 * Verify a file, for anyone and without signing in: the file is dropped (or chosen), hashed here with
 * SHA-256, and only the hash goes to the gateway's public `POST /verify`, which checks every anchored
 * copy's Merkle proof on chain now. The file is never uploaded.
 */
import { api } from "../api.js";
import { el, replace } from "../dom.js";
import { bytes, dateTime, short } from "../format.js";
import { t } from "../i18n.js";
import type { PageContext } from "../main.js";
import { sha256Of } from "../hash.js";
import { show, showError, statusLine } from "../status.js";
import type { VerifyAnswer } from "../types.js";

export function verifyPage({ main, alive }: PageContext): void {
  const line = statusLine("verify-status");
  const result = el("div", { class: "verify-result", "data-testid": "verify-result" });
  const input = el("input", {
    type: "file",
    id: "verify-file",
    class: "visually-hidden",
    "data-testid": "verify-input",
  });

  const check = async (file: File) => {
    replace(result);
    try {
      show(line, "pending", t("verify.hashing", { name: file.name }));
      const sha256 = await sha256Of(file);
      show(line, "pending", t("verify.asking"));
      const answer = await api<VerifyAnswer>("POST", "/verify", { json: { sha256 }, auth: false });
      if (!alive()) return;
      line.hidden = true;
      replace(result, outcome(file, answer));
    } catch (error) {
      if (alive()) showError(line, error);
    }
  };

  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (file !== undefined) void check(file);
  });
  const zone = el(
    "label",
    { class: "drop-zone", for: "verify-file", "data-testid": "drop-zone" },
    el("strong", {}, t("verify.drop")),
    el("span", {}, t("verify.orChoose")),
  );
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) void check(file);
  });

  replace(
    main,
    el("h1", {}, t("verify.title")),
    el("p", { class: "lead" }, t("verify.lead")),
    el("section", { class: "card" }, zone, input, el("p", { class: "hint" }, t("verify.private")), line, result),
  );
}

function outcome(file: File, answer: VerifyAnswer): HTMLElement {
  const fingerprint = el("p", { class: "mono small" }, t("verify.fingerprint"), " ", el("code", {}, answer.sha256));
  const about = el("p", { class: "small" }, `${file.name} · ${bytes(file.size)}`);
  if (!answer.anchored) {
    return el(
      "div",
      { class: "outcome not-anchored", "data-testid": "verify-outcome", "data-anchored": "false" },
      el("h2", {}, t("verify.notAnchored")),
      el("p", {}, t("verify.notAnchoredText")),
      about,
      fingerprint,
    );
  }
  const anchors = answer.anchors.filter((a) => a.verified);
  return el(
    "div",
    { class: "outcome anchored", "data-testid": "verify-outcome", "data-anchored": "true" },
    el("h2", {}, t("verify.anchored")),
    about,
    fingerprint,
    el(
      "ul",
      { class: "anchors" },
      anchors.map((a) =>
        el(
          "li",
          {},
          el("p", {}, t("verify.anchoredAt", { when: dateTime(a.anchoredAt * 1000), block: a.blockNumber })),
          el("p", { class: "small" }, t("verify.verifiedNow")),
          el(
            "dl",
            { class: "facts small" },
            el("dt", {}, t("verify.case")),
            el("dd", {}, el("code", {}, short(a.caseId))),
            el("dt", {}, t("verify.root")),
            el("dd", {}, el("code", {}, short(a.root))),
            el("dt", {}, t("verify.tx")),
            el("dd", {}, el("code", {}, short(a.txHash))),
            el("dt", {}, t("verify.chain")),
            el("dd", {}, String(a.chainId)),
          ),
        ),
      ),
    ),
  );
}
