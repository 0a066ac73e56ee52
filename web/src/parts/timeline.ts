/**
 * The payment timeline from the indexer's facts: over time, what fell due (a step at each
 * instalment's due date) against what was paid (a step at each payment's real date), with the spans
 * where payments were behind shaded red; each instalment is a mark on the axis in its state's colour
 * (paid on time, paid late, overdue, not due yet), each payment a dot. The dashed line is the time the
 * figures are computed at (now). A plain SVG, readable on a phone.
 */
import { el, svg } from "../dom.js";
import { date, yuan } from "../format.js";
import { label, t } from "../i18n.js";
import type { IndexedAgreement } from "../types.js";

const W = 360;
const H = 220;
const PAD = { left: 8, right: 8, top: 22, bottom: 40 };
const DAY = 86_400;

/** How an instalment's state is drawn: paid, late, overdue or upcoming. */
export function stateClass(state: IndexedAgreement["instalments"][number]["state"]): string {
  if (state === "PaidOnTime") return "paid";
  if (state === "PaidLate") return "late";
  if (state === "OverdueInGrace" || state === "OverdueInCure" || state === "Defaulted") return "overdue";
  return "upcoming";
}

export function timeline(agreement: IndexedAgreement): HTMLElement {
  const now = agreement.asOf;
  const instalments = agreement.instalments.map((i) => ({ ...i, amount: BigInt(i.amount) }));
  const payments = [...agreement.payments]
    .sort((a, b) => a.sequence - b.sequence)
    .map((p) => ({ ...p, amount: BigInt(p.amount) }));
  const total = instalments.reduce((sum, i) => sum + i.amount, 0n);
  const times = [...instalments.map((i) => i.dueAt), ...payments.map((p) => p.paidAt), now, agreement.registered.at];
  const start = Math.min(...times) - 15 * DAY;
  const end = Math.max(...times) + 15 * DAY;
  const x = (time: number) => PAD.left + ((time - start) / (end - start)) * (W - PAD.left - PAD.right);
  const base = H - PAD.bottom;
  const y = (amount: bigint) => base - (total === 0n ? 0 : (Number(amount) / Number(total)) * (base - PAD.top));

  // Cumulative due and paid, as levels between the moments either changes.
  const dueBy = (time: number) => instalments.filter((i) => i.dueAt < time).reduce((s, i) => s + i.amount, 0n);
  const paidBy = (time: number) => payments.filter((p) => p.paidAt <= time).reduce((s, p) => s + p.amount, 0n);
  const steps = (points: { at: number; level: bigint }[], until: number) => {
    let d = `M ${x(start)} ${y(0n)}`;
    let level = 0n;
    for (const point of points.filter((p) => p.at <= until)) {
      d += ` H ${x(point.at)} V ${y(point.level)}`;
      level = point.level;
    }
    return `${d} H ${x(until)} V ${y(level)}`;
  };
  let running = 0n;
  const dueSteps = instalments.map((i) => ({ at: i.dueAt, level: (running += i.amount) }));
  running = 0n;
  const paidSteps = payments.map((p) => ({ at: p.paidAt, level: (running += p.amount) }));

  // Red where less had been paid than had fallen due, up to now.
  const moments = [...new Set([...instalments.map((i) => i.dueAt), ...payments.map((p) => p.paidAt), now])]
    .filter((time) => time <= now)
    .sort((a, b) => a - b);
  const arrears = moments.slice(0, -1).flatMap((from, k) => {
    const to = moments[k + 1]!;
    const due = dueBy(from + 1);
    const paid = paidBy(from);
    return due > paid
      ? [svg("rect", { x: x(from), y: y(due), width: x(to) - x(from), height: y(paid) - y(due), class: "arrears" })]
      : [];
  });

  const marks = instalments.map((i) =>
    svg(
      "circle",
      { cx: x(i.dueAt), cy: base + 8, r: 4, class: `mark ${stateClass(i.state)}`, "data-state": i.state },
      svg(
        "title",
        {},
        `${t("schedule.number", { n: i.index + 1 })} · ${date(i.dueAt)} · ${yuan(i.amount)} · ${label("instalment", i.state)}` +
          (i.paidAt === null ? "" : ` · ${t("schedule.paidOn", { date: date(i.paidAt) })}`),
      ),
    ),
  );
  running = 0n;
  const dots = payments.map((p) =>
    svg(
      "circle",
      { cx: x(p.paidAt), cy: y((running += p.amount)), r: 3.5, class: "payment", "data-testid": "payment-dot" },
      svg("title", {}, t("timeline.payment", { n: p.sequence + 1, amount: yuan(p.amount), date: date(p.paidAt) })),
    ),
  );
  const first = instalments[0]!.dueAt;
  const last = instalments[instalments.length - 1]!.dueAt;

  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": t("timeline.aria"),
      class: "timeline",
      "data-testid": "timeline",
    },
    ...arrears,
    svg("line", { x1: PAD.left, x2: W - PAD.right, y1: base, y2: base, class: "axis" }),
    svg("path", { d: steps(dueSteps, end), class: "due-line" }),
    svg("path", { d: steps(paidSteps, now), class: "paid-line" }),
    ...dots,
    ...marks,
    svg("line", { x1: x(now), x2: x(now), y1: PAD.top, y2: base + 14, class: "today" }),
    svg(
      "text",
      { x: x(now), y: PAD.top - 6, class: "label", "text-anchor": x(now) > W / 2 ? "end" : "start" },
      t("timeline.today"),
    ),
    svg("text", { x: PAD.left, y: PAD.top - 6, class: "label", "text-anchor": "start" }, yuan(total)),
    svg("text", { x: x(first), y: H - 8, class: "label", "text-anchor": "start" }, date(first)),
    svg("text", { x: x(last), y: H - 8, class: "label", "text-anchor": "end" }, date(last)),
  );
  const key = (cls: string, text: string) => el("span", { class: "key" }, el("i", { class: cls }), text);
  const c = agreement.compliance;
  return el(
    "figure",
    { class: "timeline-figure" },
    el("p", { class: "small" }, t("timeline.summary", { due: yuan(c.dueToDate), paid: yuan(c.paidTotal) })),
    chart,
    el(
      "figcaption",
      {},
      key("due-line", t("timeline.keyDue")),
      key("paid-line", t("timeline.keyPaidLine")),
      key("arrears", t("timeline.keyArrears")),
      key("mark paid", t("timeline.keyPaid")),
      key("mark late", t("timeline.keyLate")),
      key("mark overdue", t("timeline.keyOverdue")),
      key("mark upcoming", t("timeline.keyUpcoming")),
      key("today", t("timeline.today")),
    ),
  );
}
