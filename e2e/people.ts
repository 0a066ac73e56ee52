/**
 * People in the browser: each a browser context (desktop or phone-sized) with its own test wallet
 * (e2e/wallet.ts) that signs with the party's real key and sends its transactions to the test chain,
 * the page opened at the portal. Shared by the browser tests.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { LocalAccount } from "viem";

import { PHONE, launchChromium } from "./browser.js";
import { type WalletRequest, injectOtherWallet, injectWallet } from "./wallet.js";

/** How long a page may take to show what it is waiting for (a bound, not an assertion on speed). */
export const WAIT = { timeout: 90_000 };

export interface Person {
  page: Page;
  walletLog: WalletRequest[];
  /** While `declining` is true the wallet refuses, as a person pressing "Reject" would. */
  wallet: { declining: boolean };
}

export class People {
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    private readonly browser: Browser,
    private readonly system: { url: string; anvil: { url: string } },
  ) {}

  /** Launches Chromium for the people of `system`: its gateway (`url`) and the chain the wallets send to. */
  static async of(system: { url: string; anvil: { url: string } }): Promise<People> {
    return new People(await launchChromium(), system);
  }

  /** A person with `account`'s wallet (and, with `otherWallet`, a second wallet that refuses everything). */
  async person(account: LocalAccount, options: { phone?: boolean; otherWallet?: string } = {}): Promise<Person> {
    const context = await this.browser.newContext(
      options.phone === true ? PHONE : { viewport: { width: 1280, height: 900 } },
    );
    this.contexts.push(context);
    const wallet = { declining: false };
    const walletLog = await injectWallet(context, account, {
      chainId: 31337,
      decline: () => wallet.declining,
      rpcUrl: this.system.anvil.url,
    });
    if (options.otherWallet !== undefined) await injectOtherWallet(context, options.otherWallet);
    const page = await context.newPage();
    await page.goto(`${this.system.url}/portal/`);
    return { page, walletLog, wallet };
  }

  /** Closes every person's browser context, then the browser. */
  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
    await this.browser.close();
  }
}

export async function signInThroughPage(page: Page): Promise<void> {
  await page.click("[data-testid=sign-in]");
  await page.waitForSelector("[data-testid=signed-in-as]", WAIT);
}
