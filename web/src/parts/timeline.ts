/**
 * The payment timeline: one bar per instalment at its due date (height: its amount), the part paid in
 * green, the part overdue in red, what is not due yet in grey; the line is what was due in total over
 * time, and the dashed line marks today. A plain SVG, readable on a phone.
 */
import { el, svg } from "../dom.js";
import { date, yuan } from "../format.js";
import { t } from "../i18n.js";
import type { InstalmentStanding } from "./schedule.js";

const W = 360;
const H = 200;
const PAD = { left: 8, right: 8, top: 12, bottom: 28 };

export function timeline(items: InstalmentStanding[], nowSeconds: number): HTMLElement {
  const first = items[0]!.dueAt;
  const last = items[items.length - 1]!.dueAt;
  const start = Math.min(first, nowSeconds) - 20 * 86_400;
  const end = Math.max(last, nowSeconds) + 20 * 86_400;
  const x = (time: number) => PAD.left + ((time - start) / (end - start)) * (W - PAD.left - PAD.right);
  const total = items.reduce((sum, item) => sum + item.amount, 0n);
  const y = (amount: bigint) => H - PAD.bottom - (Number(amount) / Number(total)) * (H - PAD.top - PAD.bottom);
  const barWidth = Math.max(3, Math.min(24, ((W - PAD.left - PAD.right) / (items.length + 4)) * 0.6));
  // Bars are scaled against the largest instalment, on their own axis (the bottom half of the chart).
  const largest = items.reduce((max, item) => (item.amount > max ? item.amount : max), 0n);
  const barHeight = (amount: bigint) => (Number(amount) / Number(largest)) * ((H - PAD.top - PAD.bottom) / 2);

  const bars = items.flatMap((item) => {
    const left = x(item.dueAt) - barWidth / 2;
    const base = H - PAD.bottom;
    const paidHeight = barHeight(item.paid);
    const restHeight = barHeight(item.amount - item.paid);
    const title = `${t("schedule.number", { n: item.index + 1 })} · ${date(item.dueAt)} · ${yuan(item.amount)} · ${t(`state.${item.state}`)}`;
    return [
      svg(
        "rect",
        { x: left, y: base - paidHeight, width: barWidth, height: paidHeight, class: "bar paid" },
        svg("title", {}, title),
      ),
      svg(
        "rect",
        {
          x: left,
          y: base - paidHeight - restHeight,
          width: barWidth,
          height: restHeight,
          class: `bar ${item.state === "overdue" ? "overdue" : "upcoming"}`,
          "data-state": item.state,
        },
        svg("title", {}, title),
      ),
    ];
  });

  let cumulative = 0n;
  const points = [`${x(start)},${y(0n)}`];
  for (const item of items) {
    points.push(`${x(item.dueAt)},${y(cumulative)}`);
    cumulative += item.amount;
    points.push(`${x(item.dueAt)},${y(cumulative)}`);
  }
  points.push(`${x(end)},${y(cumulative)}`);
  const paidTotal = items.reduce((sum, item) => sum + item.paid, 0n);

  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": t("timeline.aria"),
      class: "timeline",
      "data-testid": "timeline",
    },
    svg("line", { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: "axis" }),
    ...bars,
    svg("polyline", { points: points.join(" "), class: "due-line" }),
    svg("line", { x1: x(nowSeconds), x2: x(nowSeconds), y1: PAD.top, y2: H - PAD.bottom, class: "today" }),
    svg(
      "circle",
      { cx: x(nowSeconds), cy: y(paidTotal), r: 4, class: "paid-dot" },
      svg("title", {}, t("timeline.paidDot", { amount: yuan(paidTotal) })),
    ),
    svg("text", { x: x(nowSeconds), y: H - 8, class: "label", "text-anchor": "middle" }, t("timeline.today")),
    svg("text", { x: x(first), y: H - 8, class: "label", "text-anchor": "start" }, date(first)),
    svg("text", { x: x(last), y: H - 8, class: "label", "text-anchor": "end" }, date(last)),
  );
  const key = (cls: string, text: string) => el("span", { class: "key" }, el("i", { class: cls }), text);
  return el(
    "figure",
    { class: "timeline-figure" },
    chart,
    el(
      "figcaption",
      {},
      key("paid", t("timeline.keyPaid")),
      key("overdue", t("timeline.keyOverdue")),
      key("upcoming", t("timeline.keyUpcoming")),
      key("due-line", t("timeline.keyDue")),
      key("paid-dot", t("timeline.keyPaidDot")),
    ),
  );
}
