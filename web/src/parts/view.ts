/**
 * Small pieces pages share: a form field with its label (and hint), a term and its value in a
 * `dl.facts`, a chain time (unix seconds) in China Standard Time, a state line, and a read model's
 * refusal as a sentence (403 and 404 are final: the section stops asking).
 */
import { ApiError } from "../api.js";
import { type Child, el } from "../dom.js";
import { errorText } from "../errors.js";
import { dateTime } from "../format.js";

/** A form control with its label, and a hint under it when given. */
export const field = (text: string, control: HTMLElement, hint?: string): HTMLElement =>
  el("label", { class: "field" }, el("span", {}, text), control, hint !== undefined && el("small", {}, hint));

export const when = (seconds: number): string => dateTime(seconds * 1000);

export const fact = (term: string, ...value: (Node | string)[]): HTMLElement[] => [
  el("dt", {}, term),
  el("dd", {}, ...value),
];

/** The state in plain words, with `data-status` for the tests. */
export const stateLine = (testId: string, status: string, text: string): HTMLElement =>
  el("p", { class: "outcome plain", "data-testid": testId, "data-status": status }, text);

/** A refusal that asking again will not change (not a party, no such case or dispute). */
export const final = (error: unknown): boolean =>
  error instanceof ApiError && (error.status === 403 || error.status === 404);

export const refusal = (error: unknown, testId: string): HTMLElement =>
  el("p", { class: "status error", "data-kind": "error", "data-testid": testId }, errorText(error));

/** A card: a section with its title. */
export const card = (title: string, ...children: Child[]): HTMLElement =>
  el("section", { class: "card" }, el("h2", {}, title), ...children);

/** The items as a list (`ul.<listClass>`), or a sentence saying there are none. */
export const listOr = <T>(
  items: readonly T[],
  empty: string,
  listClass: string,
  item: (value: T) => HTMLElement,
): HTMLElement =>
  items.length === 0 ? el("p", { class: "empty" }, empty) : el("ul", { class: listClass }, items.map(item));
