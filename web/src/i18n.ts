/**
 * Chinese (default) and English. The choice is remembered (localStorage). `t("key", { n: 3 })`
 * fills `{n}` in the sentence. Every key exists in both languages (checked by the type of `zh`).
 */
import { en } from "./i18n-en.js";
import { zh } from "./i18n-zh.js";

export type Lang = "zh" | "en";
export type Key = keyof typeof en;

const KEY = "hejie.lang";
const dictionaries: Record<Lang, Record<Key, string>> = { zh, en };
const listeners = new Set<() => void>();

let current: Lang = localStorage.getItem(KEY) === "en" ? "en" : "zh";
document.documentElement.lang = current === "zh" ? "zh-CN" : "en";

export const lang = (): Lang => current;

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): void {
  listeners.add(listener);
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  return dictionaries[current][key].replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}

/** Whether a key exists (for codes and enum names coming from the gateway). */
export const has = (key: string): key is Key => key in en;

/** The translation of `prefix.value` (a role, a status), or the value itself when there is none. */
export const label = (prefix: string, value: string): string => {
  const key = `${prefix}.${value}`;
  return has(key) ? t(key) : value;
};
