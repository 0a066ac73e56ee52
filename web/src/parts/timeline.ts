/**
 * The payment timeline: one bar per instalment at its due date (height: its amount), the part paid in
 * green, the part overdue in red, what is not due yet in grey; the dashed line marks today. Above it,
 * what fell due so far against what was paid. A plain SVG, readable on a phone.
 */
import { el, svg } from "../dom.js";
import { date, yuan } from "../format.js";
import { t } from "../i18n.js";
import type { InstalmentStanding } from "./schedule.js";

const W = 360;
const H = 200;
const PAD = { left: 8, right: 8, top: 16, bottom: 24 };

export function timeline(items: InstalmentStanding[], nowSeconds: number): HTMLElement {
  const first = items[0]!.dueAt;
  const last = items[items.length - 1]!.dueAt;
  const start = Math.min(first, nowSeconds) - 20 * 86_400;
  const end = Math.max(last, nowSeconds) + 20 * 86_400;
  const x = (time: number) => PAD.left + ((time - start) / (end - start)) * (W - PAD.left - PAD.right);
  const base = H - PAD.bottom;
  const largest = items.reduce((max, item) => (item.amount > max ? item.amount : max), 0n);
  const height = (amount: bigint) => (Number(amount) / Number(largest)) * (base - PAD.top);
  const barWidth = Math.max(3, Math.min(24, ((W - PAD.left - PAD.right) / (items.length + 4)) * 0.6));

  const bars = items.flatMap((item) => {
    const left = x(item.dueAt) - barWidth / 2;
    const paid = height(item.paid);
    const rest = height(item.amount - item.paid);
    const title = `${t("schedule.number", { n: item.index + 1 })} · ${date(item.dueAt)} · ${yuan(item.amount)} · ${t(`state.${item.state}`)}`;
    return [
      svg(
        "rect",
        { x: left, y: base - paid, width: barWidth, height: paid, class: "bar paid" },
        svg("title", {}, title),
      ),
      svg(
        "rect",
        {
          x: left,
          y: base - paid - rest,
          width: barWidth,
          height: rest,
          class: `bar ${item.state === "overdue" ? "overdue" : "upcoming"}`,
          "data-state": item.state,
        },
        svg("title", {}, title),
      ),
    ];
  });
  const paidTotal = items.reduce((sum, item) => sum + item.paid, 0n);
  const dueTotal = items.filter((item) => item.dueAt < nowSeconds).reduce((sum, item) => sum + item.amount, 0n);

  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": t("timeline.aria"),
      class: "timeline",
      "data-testid": "timeline",
    },
    svg("line", { x1: PAD.left, x2: W - PAD.right, y1: base, y2: base, class: "axis" }),
    ...bars,
    svg("line", { x1: x(nowSeconds), x2: x(nowSeconds), y1: PAD.top, y2: base, class: "today" }),
    svg(
      "text",
      { x: x(nowSeconds), y: PAD.top - 2, class: "label", "text-anchor": x(nowSeconds) > W / 2 ? "end" : "start" },
      t("timeline.today"),
    ),
    svg("text", { x: x(first), y: H - 8, class: "label", "text-anchor": "start" }, date(first)),
    svg("text", { x: x(last), y: H - 8, class: "label", "text-anchor": "end" }, date(last)),
  );
  const key = (cls: string, text: string) => el("span", { class: "key" }, el("i", { class: cls }), text);
  return el(
    "figure",
    { class: "timeline-figure" },
    el("p", { class: "small" }, t("timeline.summary", { due: yuan(dueTotal), paid: yuan(paidTotal) })),
    chart,
    el(
      "figcaption",
      {},
      key("paid", t("timeline.keyPaid")),
      key("overdue", t("timeline.keyOverdue")),
      key("upcoming", t("timeline.keyUpcoming")),
      key("today", t("timeline.today")),
    ),
  );
}
