/**
 * The line that tells the person what is happening: pending (waiting for the wallet or the chain,
 * with a spinner), done, or an error as a sentence. `role="status"` lets screen readers hear it.
 */
import { el, replace } from "./dom.js";
import { errorText } from "./errors.js";

export type StatusKind = "pending" | "ok" | "error" | "info";

export function statusLine(testId?: string): HTMLElement {
  return el("p", { class: "status", role: "status", "aria-live": "polite", "data-testid": testId, hidden: true });
}

export function show(line: HTMLElement, kind: StatusKind, text: string): void {
  line.hidden = false;
  line.className = `status ${kind}`;
  line.dataset.kind = kind;
  replace(line, kind === "pending" && el("span", { class: "spinner", "aria-hidden": "true" }), text);
}

export const showError = (line: HTMLElement, error: unknown): void => show(line, "error", errorText(error));

export function clear(line: HTMLElement): void {
  line.hidden = true;
  replace(line);
}
