/**
 * How the portal writes amounts (yuan, from fen held exactly as bigint), dates and times (China
 * Standard Time, whatever the browser's own zone), durations and addresses.
 */
import { lang } from "./i18n.js";

const TIME_ZONE = "Asia/Shanghai";
const locale = () => (lang() === "zh" ? "zh-CN" : "en-GB");

/** "¥60,000.00" from "6000000" fen: exact for any amount (bigint arithmetic, no floats). */
export function yuan(fen: string | bigint): string {
  const value = BigInt(fen);
  const sign = value < 0n ? "-" : "";
  const abs = value < 0n ? -value : value;
  const whole = new Intl.NumberFormat("en-US").format(abs / 100n);
  const cents = (abs % 100n).toString().padStart(2, "0");
  return `${sign}¥${whole}.${cents}`;
}

/** A calendar date in Shanghai: "2027年1月31日" / "31 Jan 2027". */
export function date(unixSeconds: number): string {
  return new Intl.DateTimeFormat(locale(), {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "short",
    day: "numeric",
  }).format(unixSeconds * 1000);
}

/** A date and time in Shanghai, with the zone named: "2027/1/31 23:59 (北京时间)". */
export function dateTime(unixMillis: number): string {
  const text = new Intl.DateTimeFormat(locale(), {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(unixMillis);
  return `${text} ${lang() === "zh" ? "（北京时间）" : "(China Standard Time)"}`;
}

/** Whole days in a number of seconds. */
export const days = (seconds: number): number => Math.round(seconds / 86_400);

/** "0x1234…abcd" */
export const short = (hex: string, keep = 6): string =>
  hex.length <= 2 + 2 * keep ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-4)}`;

/** "1.2 KB" */
export function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** Fen from what a person types as yuan ("80000", "80,000.00", "¥1,234.5"); undefined when it is no amount. */
export function parseYuan(text: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(
    text
      .trim()
      .replace(/^¥/, "")
      .replace(/[,，\s]/g, ""),
  );
  if (match === null) return undefined;
  return BigInt(match[1]!) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
}

/** "2027-01-31" (an <input type="date"> value) as year, month, day; undefined when empty or malformed. */
export function parseDate(value: string): [number, number, number] | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])];
}
