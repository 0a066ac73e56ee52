/**
 * A section that follows a gateway read model: it loads `path`, draws the answer, and while the page
 * is shown reads it again every few seconds, redrawing only when the answer changed (the indexer
 * follows the chain, so what it says grows while the person looks). `draw` gets the answer or the
 * error and returns the section's content.
 */
import { api } from "../api.js";
import { el, replace } from "../dom.js";

const EVERY_MS = 3000;

export function following<T>(
  path: string,
  attributes: Record<string, string>,
  draw: (answer: { value: T } | { error: unknown }) => Node,
  options: { alive: () => boolean; same?: (a: T, b: T) => boolean; stopOn?: (error: unknown) => boolean },
): HTMLElement {
  const section = el("div", attributes);
  let last: { value: T } | { error: unknown } | undefined;
  const changed = (next: { value: T } | { error: unknown }) => {
    if (last === undefined) return true;
    if ("value" in last && "value" in next)
      return !(options.same?.(last.value, next.value) ?? JSON.stringify(last.value) === JSON.stringify(next.value));
    if ("error" in last && "error" in next) return String(last.error) !== String(next.error);
    return true;
  };
  const round = async () => {
    let next: { value: T } | { error: unknown };
    try {
      next = { value: await api<T>("GET", path) };
    } catch (error) {
      next = { error };
    }
    if (!options.alive() || (last !== undefined && !section.isConnected)) return; // the page moved on
    if (changed(next)) replace(section, draw(next));
    last = next;
    if ("error" in next && options.stopOn?.(next.error) === true) return;
    setTimeout(() => void round(), EVERY_MS);
  };
  // Drawn once the section is in the page: the first answer may come before it is attached.
  queueMicrotask(() => void round());
  return section;
}
