/**
 * Debian's Chromium driven by playwright-core (TOOLCHAIN.md: `npx playwright install` cannot download
 * browsers here). HEJIE_CHROMIUM names another binary.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { type Browser, type Page, chromium } from "playwright-core";

export const SCREENSHOTS = join(process.cwd(), "e2e", "screenshots");

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.HEJIE_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A full-page screenshot for review, in e2e/screenshots (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A phone-sized screen (an iPhone 13/14's CSS viewport). */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
