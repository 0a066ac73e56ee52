/**
 * Court reports as PDF: each printable HTML report rendered by a headless Chromium (Debian's
 * `chromium`, or the binary HEJIE_CHROMIUM names) through playwright-core, A4, with the fonts the
 * system has (install `fonts-noto-cjk` for Chinese file names). Optional: `hejie export --pdf`.
 */
import { existsSync } from "node:fs";

import { chromium } from "playwright-core";

export const chromiumPath = (env: NodeJS.ProcessEnv = process.env) => env.HEJIE_CHROMIUM ?? "/usr/bin/chromium";

/** Renders each `{html, path}` to a PDF file at `path`, with one browser for all of them. */
export async function renderPdfs(pages: readonly { html: string; path: string }[]): Promise<void> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    for (const { html, path } of pages) {
      await page.setContent(html, { waitUntil: "load" });
      await page.pdf({
        path,
        format: "A4",
        printBackground: true,
        margin: { top: "15mm", bottom: "15mm", left: "12mm", right: "12mm" },
      });
    }
  } finally {
    await browser.close();
  }
}

/** Whether a Chromium to render with is installed. */
export const chromiumInstalled = (env: NodeJS.ProcessEnv = process.env) => existsSync(chromiumPath(env));
