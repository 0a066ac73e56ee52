/**
 * The portal in a real browser (Debian's Chromium through playwright-core) against a real system:
 * anvil, the contracts deployed by the Ignition module, the gateway serving the built portal
 * (`npm run build:web` runs first: `npm run test:e2e`). Each party's browser holds a test wallet that
 * signs with real keys (e2e/wallet.ts). Screenshots of the main pages land in e2e/screenshots/.
 *
 * Covered: the borrower reads a settlement on a phone-sized screen and signs it in the wallet
 * (EIP-712), sees it registered, then — from the indexer, followed without a reload — its compliance,
 * the instalments' states (one paid late, with the day paid), the payment timeline and the case's
 * on-chain timeline once payments are reported; the platform's portfolio shows the agreement in its
 * bucket (a wallet that is no platform's is not offered one); the lawyer sees the gateway's automatic
 * records of the case's events apart from the documents; the lawyer
 * uploads a document, submits it as evidence, sees it anchored, downloads the court report, and the
 * file verifies on the verify page (dropped, hashed in the browser, never uploaded); the language
 * switch (remembered); a wallet that is no party sees no case data; case 1 played entirely in the
 * browser (case opened, agreement uploaded, settlement drafted — a mistaken draft withdrawn — and
 * signed by the three parties); a document shared with a court by a signed disclosure grant, then
 * revoked.
 */
import { createHash, randomBytes } from "node:crypto";

import { expect } from "chai";
import type { Page, Request } from "playwright-core";
import { type Hex, keccak256, toHex } from "viem";

import { grantAnchorer } from "../deploy/anchorer.js";
import { call, signIn } from "../protocol/gateway-client.js";
import { endOfDayCst } from "../protocol/schedule.js";
import { signedPaymentReport } from "../protocol/payment-reports.js";
import {
  DAY,
  createDraft,
  draftBody,
  openCase,
  postSignature,
  signServed,
  typedDataOf,
  waitForDraft,
} from "../test/gateway/agreements-fixture.js";
import { type System, startSystem, wallets } from "../test/gateway/harness.js";
import { SCREENSHOTS, screenshot } from "./browser.js";
import { People, WAIT, signInThroughPage } from "./people.js";

/** End of day, China Standard Time, `months` calendar months from today (negative: in the past). */
function endOfDayInMonths(months: number): number {
  const shanghai = new Date(Date.now() + 8 * 3600 * 1000);
  const target = new Date(Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() + months, 1));
  return Number(endOfDayCst(target.getUTCFullYear(), target.getUTCMonth() + 1, Math.min(shanghai.getUTCDate(), 28)));
}

const sha256Of = (bytes: Buffer) => `0x${createHash("sha256").update(bytes).digest("hex")}`;

describe("portal (browser)", function () {
  this.timeout(600_000);
  let system: System;
  let caseId: Hex;
  let settlementId: Hex;
  let draftId: string;
  let people: People;
  const CASE_TITLE = "Renovation loan"; // what openCase names it
  const FIRST_DUE = endOfDayInMonths(-2);
  const SECOND_DUE = endOfDayInMonths(-1);
  const THIRD_DUE = endOfDayInMonths(0);
  const AGREEMENT_TEXT = Buffer.from("Settlement (e2e): late fees waived; 60,000.00 CNY in 12 monthly instalments.");

  before(async () => {
    system = await startSystem({ env: { HEJIE_EVIDENCE_MAX_WAIT_SECONDS: "1" } });
    await grantAnchorer(system.hejie.accessManager, wallets.relayer.address);
    const lawyer = await signIn(system.url, wallets.lawyer);
    const platform = await signIn(system.url, wallets.platform);
    // Case 1 of the demo: the lawyer opens the case, uploads the agreement, drafts 60,000 yuan in 12
    // monthly instalments (the principal lent was 80,000), rescheduled from two months ago.
    caseId = await openCase(system, lawyer, wallets.borrower.address, [wallets.platform.address]);
    const uploaded = await call<{ id: Hex }>(
      system.url,
      "POST",
      `/cases/${caseId}/documents?name=settlement-agreement.txt&kind=agreement`,
      { token: lawyer, body: AGREEMENT_TEXT, contentType: "text/plain" },
    );
    const draft = await createDraft(
      system,
      lawyer,
      caseId,
      draftBody(wallets.platform.address, uploaded.body.id, {
        originalPrincipal: "8000000",
        loanFormedAt: FIRST_DUE - 400 * DAY,
        settledAmount: "6000000",
        monthly: { firstDueAt: FIRST_DUE, count: 12, total: "6000000" },
      }),
    );
    draftId = draft.id;
    settlementId = draft.settlementId;
    // The platform and the lawyer sign first; the borrower's signature in the browser is the third.
    const served = await typedDataOf(system, lawyer, caseId, draftId);
    for (const [wallet, token] of [
      [wallets.platform, platform],
      [wallets.lawyer, lawyer],
    ] as const) {
      const signed = await postSignature(system, token, caseId, draftId, {
        signature: await signServed(wallet, served),
      });
      if (signed.status !== 201) throw new Error(`signature: ${JSON.stringify(signed.body)}`);
    }
    people = await People.of(system);
  });

  after(async () => {
    await people?.close();
    await system?.stop();
  });

  const person: People["person"] = (account, options) => people.person(account, options);

  /**
   * The platform's payment system reports instalment `sequence` (5,000 yuan) paid at `paidAt`
   * (signed by its oracle key); resolves once the gateway has recorded it on chain.
   */
  async function reportPayment(sequence: number, paidAt: number): Promise<void> {
    const body = await signedPaymentReport(wallets.oracle, 31337, system.config.contracts.registry, {
      settlementId,
      sequence,
      amount: 500_000n,
      paidAt,
      bankReference: keccak256(toHex(`e2e-bank-ref:${randomBytes(8).toString("hex")}`)),
    });
    const accepted = await call<{ id: string }>(system.url, "POST", "/payments/reports", { json: body });
    expect(accepted.status).to.equal(202);
    const platformToken = await signIn(system.url, wallets.platform);
    for (let polls = 0; ; polls++) {
      const state = await call<{ state: string }>(system.url, "GET", `/payments/reports/${accepted.body.id}`, {
        token: platformToken,
      });
      if (state.body.state === "recorded") return;
      if (polls > 600 || state.body.state === "failed")
        throw new Error(`payment report: ${JSON.stringify(state.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function openTheCase(page: Page, id: Hex = caseId): Promise<void> {
    await page.click("header nav a[href='#/cases']");
    await page.click(`a[href='#/cases/${id}']`, WAIT);
    await page.waitForSelector("[data-testid=case-title]", WAIT);
  }

  it("the gateway serves the portal at /portal/ and redirects / there; API routes are untouched", async () => {
    const root = await fetch(`${system.url}/`, { redirect: "manual" });
    expect([root.status, root.headers.get("location")]).to.deep.equal([302, "/portal/"]);
    const bare = await fetch(`${system.url}/portal`, { redirect: "manual" });
    expect([bare.status, bare.headers.get("location")]).to.deep.equal([301, "/portal/"]);
    const index = await fetch(`${system.url}/portal/`);
    expect(index.status).to.equal(200);
    expect(index.headers.get("content-security-policy")).to.include("script-src 'self'");
    expect(await index.text()).to.include('<div id="app">');
    const health = await call(system.url, "GET", "/health");
    expect(health.status).to.equal(200);
    const missing = await call<{ error: { code: string } }>(system.url, "GET", "/portal/no-such-file.js");
    expect([missing.status, missing.body.error.code]).to.deep.equal([404, "NOT_FOUND"]);
  });

  it("the borrower reads the settlement on a phone, signs it in the wallet and sees it registered; then, from the indexer, the compliance, the instalments (one paid late), the payment timeline and the case timeline", async () => {
    const { page, walletLog } = await person(wallets.borrower, { phone: true });
    await screenshot(page, "01-home-zh-phone");
    await signInThroughPage(page);
    expect(walletLog.map((r) => r.method)).to.include("personal_sign");
    await openTheCase(page);
    expect(await page.textContent("[data-testid=case-title]")).to.equal(CASE_TITLE);
    // Readable: yuan, the reduction against the principal, twelve dated instalments.
    expect(await page.textContent("[data-testid=settled-amount]")).to.equal("¥60,000.00");
    expect(await page.textContent("[data-testid=waiver]")).to.include("¥20,000.00");
    expect(await page.locator("[data-testid=instalments] tbody tr").count()).to.equal(12);
    expect(await page.textContent("[data-testid=settlement-status]")).to.equal("部分已签署");
    // The agreement document downloads and is checked against the signed terms' documentHash.
    const [agreementFile] = await Promise.all([
      page.waitForEvent("download", WAIT),
      page.click("[data-testid=read-document]"),
    ]);
    expect(agreementFile.suggestedFilename()).to.equal("settlement-agreement.txt");
    await page.waitForSelector("[data-testid=document-check][data-kind=ok]", WAIT);
    expect(await page.textContent("[data-testid=document-check]")).to.equal(
      "该文件正是签名所对应的协议文本：其指纹与条款一致。",
    );
    await screenshot(page, "02-settlement-to-sign-zh-phone");

    await page.click("[data-testid=sign-settlement]");
    await page.waitForSelector("[data-testid=settlement][data-status=registered]", WAIT);
    // The wallet was asked for exactly the gateway's typed data: EIP-712 v4, a Settlement of 60,000 yuan.
    const request = walletLog.find((r) => r.method === "eth_signTypedData_v4");
    expect(request, "eth_signTypedData_v4 was requested").to.not.equal(undefined);
    const [address, json] = request!.params as [string, string];
    const typedData = JSON.parse(json) as { primaryType: string; message: { settledAmount: string; caseId: string } };
    expect([address.toLowerCase(), typedData.primaryType, typedData.message.settledAmount]).to.deep.equal([
      wallets.borrower.address.toLowerCase(),
      "Settlement",
      "6000000",
    ]);
    // The chain has it: the registration the page shows is real.
    const done = await waitForDraft(
      system,
      await signIn(system.url, wallets.lawyer),
      caseId,
      draftId,
      (d) => d.status === "registered",
    );
    const [ledger] = await system.hejie.settlements.getSettlement(settlementId);
    expect(Number(ledger.status)).to.equal(1); // Active
    expect(await page.textContent("[data-testid=registered]")).to.include(String(done.registration!.blockNumber));
    await screenshot(page, "03-settlement-registered-zh-phone");

    // The indexer reads the registration from the chain: the page follows it (meanwhile it says the
    // agreement is being recorded) until the compliance is there — nothing paid yet.
    await page.waitForSelector("[data-testid=compliance]", WAIT);
    expect(await page.getAttribute("[data-testid=paid-total]", "data-fen")).to.equal("0");
    // A borrower has no portfolio: the header does not offer it.
    expect(await page.locator("header nav a[href='#/portfolio']").count()).to.equal(0);

    // The platform's payment system reports the first instalment, paid the day before it was due, and
    // the second, paid three days after it was due (late).
    await reportPayment(0, FIRST_DUE - DAY);
    await reportPayment(1, SECOND_DUE + 3 * DAY);
    // The page follows the indexer: no reload; it shows what the chain says once the indexer read it.
    await page.waitForSelector("[data-testid=paid-total][data-fen='1000000']", WAIT);
    expect(await page.textContent("[data-testid=paid-total]")).to.equal("¥10,000.00 / ¥60,000.00");
    const rows = page.locator("[data-testid=instalments] tbody tr");
    const states = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-state")));
    expect(states.slice(0, 2)).to.deep.equal(["PaidOnTime", "PaidLate"]);
    expect(await rows.nth(1).textContent()).to.include("逾期后还款");
    // The day each was paid (China Standard Time), as reported.
    const cst = (seconds: number) =>
      new Intl.DateTimeFormat("zh-CN", {
        timeZone: "Asia/Shanghai",
        year: "numeric",
        month: "short",
        day: "numeric",
      }).format(seconds * 1000);
    expect(await rows.nth(1).locator("td").nth(4).textContent()).to.equal(cst(SECOND_DUE + 3 * DAY));
    // The third instalment falls due at the end of today (or, after the 28th, fell due days ago: within grace).
    const expected = THIRD_DUE < Date.now() / 1000 ? "OverdueInGrace" : "Performing";
    expect(await page.getAttribute("[data-testid=compliance]", "data-standing")).to.equal(expected);
    // The chart: two payment dots at their dates, the span the second instalment was behind shaded red.
    expect(await page.locator("[data-testid=timeline] [data-testid=payment-dot]").count()).to.equal(2);
    expect(await page.locator("[data-testid=timeline] rect.arrears").count()).to.be.greaterThan(0);
    expect(await page.locator("[data-testid=timeline] circle[data-state=PaidLate]").count()).to.equal(1);
    await screenshot(page, "04-payment-timeline-zh-phone");
    await page.locator(".timeline-figure").screenshot({ path: `${SCREENSHOTS}/04b-timeline-chart-zh-phone.png` });

    // The case timeline: the registration, then the two payments, each with its transaction.
    await page.locator("[data-testid=timeline-event][data-event=PaymentRecorded]").nth(1).waitFor(WAIT);
    const events = await page
      .locator("[data-testid=timeline-event]")
      .evaluateAll((items) => items.map((li) => li.getAttribute("data-event")));
    expect(events.filter((e) => e !== "Anchored")).to.deep.equal([
      "SettlementRegistered",
      "PaymentRecorded",
      "PaymentRecorded",
    ]);
    const payment = page.locator("[data-testid=timeline-event][data-event=PaymentRecorded]").nth(1);
    expect(await payment.textContent()).to.include("第 2 笔还款 ¥5,000.00");
    expect(await payment.textContent()).to.include("（北京时间）");
    await page
      .locator("[data-testid=case-timeline]")
      .screenshot({ path: `${SCREENSHOTS}/04c-case-timeline-zh-phone.png` });
  });

  it("the platform's portfolio shows the agreement in its bucket, linked to its case", async () => {
    const { page } = await person(wallets.platform);
    await page.click("[data-testid=lang-switch]"); // in English
    await signInThroughPage(page);
    await page.click("header nav a[href='#/portfolio']");
    const row = `[data-testid=portfolio-agreement][data-settlement='${settlementId.toLowerCase()}']`;
    await page.waitForSelector(row, WAIT);
    const bucket = THIRD_DUE < Date.now() / 1000 ? "inArrears" : "performing";
    expect(await page.getAttribute(row, "data-bucket")).to.equal(bucket);
    expect(await page.textContent(row)).to.include("¥10,000.00");
    expect(Number(await page.getAttribute(`[data-testid=bucket][data-bucket=${bucket}]`, "data-count"))).to.be.at.least(
      1,
    );
    expect(await page.textContent(`[data-testid=bucket][data-bucket=${bucket}]`)).to.include("¥60,000.00");
    await screenshot(page, "13-portfolio-en");
    await page.click(`${row} a`);
    await page.waitForSelector("[data-testid=case-title]", WAIT);
    expect(await page.textContent("[data-testid=case-title]")).to.equal(CASE_TITLE);
  });

  it("the lawyer uploads a document, submits it as evidence, sees it anchored, downloads the court report; the file verifies on the verify page", async () => {
    const { page } = await person(wallets.lawyer);
    await page.click("[data-testid=lang-switch]"); // the lawyer reads English
    await signInThroughPage(page);
    await openTheCase(page);
    // The gateway records the case's events as evidence (each signature, the registration, each
    // payment): listed apart from the uploaded documents, as automatic records. They are written in
    // the background: the page is read again until the three signatures and the registration are there.
    const records = page.locator("[data-testid=records] [data-testid=document][data-kind=record]");
    for (let reloads = 0; (await records.count()) < 4; reloads++) {
      if (reloads > 60) throw new Error(`records: ${await records.count()}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await page.reload();
      await page.waitForSelector("[data-testid=case-title]", WAIT);
    }
    expect(await page.textContent("[data-testid=records] summary")).to.match(/^Automatic records of the case \(\d+\)$/);
    const titles = await records.locator("strong").allTextContents();
    expect(titles).to.include.members(["Borrower signature", "Registration on chain"]);
    expect(await records.first().textContent()).to.include("Automatic record · ");
    expect(await page.locator("[data-testid=evidence-item][data-kind=record]").count()).to.be.at.least(4);
    const letter = Buffer.from(`Formal letter (e2e ${randomBytes(6).toString("hex")}): clauses 7 and 9 are unclear.`);
    await page.setInputFiles("[data-testid=upload-input]", {
      name: "formal-letter.txt",
      mimeType: "text/plain",
      buffer: letter,
    });
    await page.selectOption("[data-testid=upload-kind]", "correspondence");
    await page.click("[data-testid=upload]");
    await page.click("[data-testid=document][data-name='formal-letter.txt'] [data-testid=submit-evidence]", WAIT);
    await page.waitForSelector("[data-testid=evidence-item][data-name='formal-letter.txt'][data-state=anchored]", WAIT);
    await screenshot(page, "05-lawyer-evidence-anchored-en");

    const [download] = await Promise.all([
      page.waitForEvent("download", WAIT),
      page.click("[data-testid=evidence-item][data-name='formal-letter.txt'] [data-testid=report-json]"),
    ]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const reportText = Buffer.concat(chunks).toString("utf8");
    expect(reportText).to.include(sha256Of(letter));

    // The verify page, as anyone would use it: the file dropped, hashed here, only the hash sent.
    const requests: Request[] = [];
    page.on("request", (request) => requests.push(request));
    await page.click("header nav a[href='#/verify']");
    const drop = async (bytes: Buffer, name: string) => {
      const dataTransfer = await page.evaluateHandle(
        `(() => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([Uint8Array.from(${JSON.stringify([...bytes])})], ${JSON.stringify(name)}, { type: "text/plain" }));
          return transfer;
        })()`,
      );
      await page.dispatchEvent("[data-testid=drop-zone]", "drop", { dataTransfer });
    };
    await drop(letter, "formal-letter.txt");
    await page.waitForSelector("[data-testid=verify-outcome][data-anchored=true]", WAIT);
    expect(await page.textContent("[data-testid=verify-outcome]")).to.include(sha256Of(letter));
    await screenshot(page, "06-verify-anchored-en");

    const altered = Buffer.from(letter);
    altered[0] = altered[0]! ^ 1;
    await drop(altered, "formal-letter-altered.txt");
    await page.waitForSelector("[data-testid=verify-outcome][data-anchored=false]", WAIT);
    await screenshot(page, "07-verify-not-anchored-en");

    // Nothing but the two fingerprints left the browser.
    const sent = requests.filter((r) => r.method() !== "GET");
    expect(sent.map((r) => [r.method(), new URL(r.url()).pathname, r.postData()])).to.deep.equal([
      ["POST", "/verify", JSON.stringify({ sha256: sha256Of(letter) })],
      ["POST", "/verify", JSON.stringify({ sha256: sha256Of(altered) })],
    ]);
  });

  it("case 1 entirely in the browser: the lawyer opens it and drafts (withdrawing a mistaken draft); the platform, the borrower (after declining once) and the lawyer sign in their wallets; it is registered", async () => {
    const lawyer = await person(wallets.lawyer);
    await signInThroughPage(lawyer.page);
    await lawyer.page.click("header nav a[href='#/cases']");
    await lawyer.page.click("[data-testid=open-case-form] summary");
    await lawyer.page.fill("[data-testid=case-title-input]", "装修贷：第二期逾期");
    await lawyer.page.fill("[data-testid=case-borrower]", wallets.borrower.address);
    await lawyer.page.fill("[data-testid=case-platforms]", wallets.platform.address);
    await lawyer.page.click("[data-testid=open-case]");
    await lawyer.page.waitForSelector("[data-testid=case-title]", WAIT);
    const newCase = /#\/cases\/(0x[0-9a-f]{64})/.exec(lawyer.page.url())?.[1] as Hex;
    expect(newCase, "the page went to the new case").to.match(/^0x[0-9a-f]{64}$/);

    await lawyer.page.setInputFiles("[data-testid=upload-input]", {
      name: "和解协议.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("和解协议（e2e）：免除逾期费用，余款 60,000.00 元分 12 期按月偿还。", "utf8"),
    });
    await lawyer.page.selectOption("[data-testid=upload-kind]", "agreement");
    await lawyer.page.click("[data-testid=upload]");
    await lawyer.page.waitForSelector("[data-testid=document][data-name='和解协议.txt']", WAIT);

    // The draft: 80,000 yuan lent, 60,000 yuan in 12 monthly instalments from two months ago. The
    // lawyer first types 6 instalments by mistake, withdraws that draft and drafts again.
    const firstDue = new Date((FIRST_DUE + 8 * 3600) * 1000).toISOString().slice(0, 10);
    const draft = async (count: string) => {
      await lawyer.page.click("[data-testid=draft-form] summary");
      await lawyer.page.fill("[data-testid=draft-principal]", "80,000.00");
      await lawyer.page.fill("[data-testid=draft-loanFormed]", "2025-09-01");
      await lawyer.page.fill("[data-testid=draft-firstDue]", firstDue);
      await lawyer.page.fill("[data-testid=draft-count]", count);
      await lawyer.page.fill("[data-testid=draft-total]", "60000");
      expect(await lawyer.page.textContent("[data-testid=draft-preview]")).to.include("¥60,000.00");
    };
    await draft("6");
    await lawyer.page.click("[data-testid=draft-submit]");
    await lawyer.page.waitForSelector("[data-testid=settlement][data-status=drafted]", WAIT);
    expect(await lawyer.page.locator("[data-testid=instalments] tbody tr").count()).to.equal(6);
    await lawyer.page.click("[data-testid=withdraw]");
    await lawyer.page.click("[data-testid=confirm-withdraw]");
    await lawyer.page.waitForSelector("[data-testid=settlement]", { ...WAIT, state: "detached" });
    await draft("12");
    await screenshot(lawyer.page, "10-lawyer-drafts-zh");
    await lawyer.page.click("[data-testid=draft-submit]");
    await lawyer.page.waitForSelector("[data-testid=settlement][data-status=drafted]", WAIT);
    expect(await lawyer.page.locator("[data-testid=instalments] tbody tr").count()).to.equal(12);

    const platform = await person(wallets.platform);
    await signInThroughPage(platform.page);
    await openTheCase(platform.page, newCase);
    await platform.page.click("[data-testid=sign-settlement]");
    await platform.page.waitForSelector("[data-testid=settlement][data-status=partly_signed]", WAIT);

    const borrower = await person(wallets.borrower, { phone: true });
    await signInThroughPage(borrower.page);
    await openTheCase(borrower.page, newCase);
    borrower.wallet.declining = true;
    await borrower.page.click("[data-testid=sign-settlement]");
    await borrower.page.waitForSelector("[data-testid=sign-status][data-kind=error]", WAIT);
    expect(await borrower.page.textContent("[data-testid=sign-status]")).to.equal(
      "您在钱包中拒绝了请求，未签署任何内容。",
    );
    expect(await borrower.page.getAttribute("[data-testid=settlement]", "data-status")).to.equal("partly_signed");
    borrower.wallet.declining = false;
    await borrower.page.click("[data-testid=sign-settlement]");
    await borrower.page.waitForSelector("[data-testid=signature-borrower].signed", WAIT);

    await lawyer.page.reload();
    await lawyer.page.click("[data-testid=sign-settlement]", WAIT);
    await lawyer.page.waitForSelector("[data-testid=settlement][data-status=registered]", WAIT);
    await screenshot(lawyer.page, "11-case-1-registered-zh");

    // On chain: active, with the schedule the three signed in the browser.
    const token = await signIn(system.url, wallets.lawyer);
    const drafts = (
      await call<{ settlementId: Hex; status: string }[]>(system.url, "GET", `/cases/${newCase}/drafts`, { token })
    ).body;
    expect(drafts.map((d) => d.status)).to.deep.equal(["withdrawn", "registered"]);
    const [ledger] = await system.hejie.settlements.getSettlement(drafts[1]!.settlementId);
    expect([Number(ledger.status), ledger.totalDue, Number(ledger.instalmentCount)]).to.deep.equal([1, 6_000_000n, 12]);
  });

  it("switches between Chinese (the default) and English, and remembers the choice", async () => {
    const { page } = await person(wallets.outsider);
    expect(await page.getAttribute("html", "lang")).to.equal("zh-CN");
    expect(await page.textContent("h1")).to.equal("您的和解协议，一目了然");
    await page.click("[data-testid=lang-switch]");
    expect(await page.getAttribute("html", "lang")).to.equal("en");
    expect(await page.textContent("h1")).to.equal("Your settlement, in plain words");
    await screenshot(page, "08-home-en");
    await page.reload();
    expect(await page.textContent("h1")).to.equal("Your settlement, in plain words");
    await page.click("[data-testid=lang-switch]");
    expect(await page.textContent("h1")).to.equal("您的和解协议，一目了然");
    await page.reload();
    expect(await page.getAttribute("html", "lang")).to.equal("zh-CN");
  });

  it("a wallet that is no party of the case sees none of its data, only a sentence saying so", async () => {
    // This browser has two wallets: the person picks the outsider's.
    const { page } = await person(wallets.outsider, { otherWallet: "Other wallet" });
    const offered = await page
      .locator("[data-testid=sign-in]")
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute("data-wallet")));
    expect(offered).to.have.members(["Hejie test wallet", "Other wallet"]);
    await page.click("[data-testid=sign-in][data-wallet='Hejie test wallet']");
    await page.waitForSelector("[data-testid=signed-in-as]", WAIT);
    await page.click("header nav a[href='#/cases']");
    await page.waitForSelector("[data-testid=no-cases]", WAIT);
    // No portfolio either: not offered, and the page itself says why.
    expect(await page.locator("header nav a[href='#/portfolio']").count()).to.equal(0);
    await page.goto(`${system.url}/portal/#/portfolio`);
    await page.waitForSelector("[data-testid=not-a-platform]", WAIT);
    expect(await page.textContent("[data-testid=not-a-platform]")).to.equal(
      "只有网贷平台才有资产组合：此钱包不属于平台。",
    );
    await page.goto(`${system.url}/portal/#/cases/${caseId}`);
    await page.waitForSelector("[data-testid=case-status][data-kind=error]", WAIT);
    expect(await page.textContent("[data-testid=case-status]")).to.equal("这不是您的案件：只有本案当事人可以查看。");
    const body = (await page.textContent("body")) ?? "";
    for (const secret of [CASE_TITLE, "¥60,000.00", "settlement-agreement.txt", "formal-letter.txt"]) {
      expect(body).to.not.include(secret);
    }
    await screenshot(page, "09-non-member-zh");
    await page.click("[data-testid=lang-switch]");
    await page.waitForSelector("[data-testid=case-status][data-kind=error]", WAIT);
    expect(await page.textContent("[data-testid=case-status]")).to.equal(
      "This case is not yours: only its parties can see it.",
    );
  });

  it("the borrower shares a document with a court in the wallet (a disclosure grant); the court reads it through the link until it is revoked", async () => {
    const court = wallets.spare1;
    const borrower = await person(wallets.borrower);
    await signInThroughPage(borrower.page);
    await openTheCase(borrower.page);
    const item = "[data-testid=document][data-name='settlement-agreement.txt']";
    await borrower.page.click(`${item} [data-testid=share] summary`);
    await borrower.page.fill(`${item} [data-testid=grantee]`, court.address);
    await borrower.page.fill(`${item} [data-testid=grant-days]`, "30");
    await borrower.page.click(`${item} [data-testid=grant]`);
    await borrower.page.waitForSelector(`${item} [data-testid=grant-status][data-kind=ok]`, WAIT);
    await borrower.page.waitForSelector(`${item} [data-testid=grant][data-state=active]`, WAIT);
    const granted = (await borrower.page.textContent(`${item} [data-testid=grant-status]`)) ?? "";
    const link = /(http:\/\/\S+#\/documents\/0x[0-9a-f]{64}\/0x[0-9a-f]{64})/.exec(granted)?.[1];
    expect(link, `a link in "${granted}"`).to.be.a("string");
    const typed = borrower.walletLog.find((r) => r.method === "eth_signTypedData_v4");
    expect((JSON.parse((typed!.params as string[])[1]!) as { primaryType: string }).primaryType).to.equal(
      "DisclosureGrant",
    );

    const reader = await person(court);
    await reader.page.goto(link!);
    await signInThroughPage(reader.page);
    await reader.page.waitForSelector("[data-testid=document-name]", WAIT);
    expect(await reader.page.textContent("[data-testid=document-name]")).to.equal("settlement-agreement.txt");
    const [download] = await Promise.all([
      reader.page.waitForEvent("download", WAIT),
      reader.page.click("[data-testid=document-download]"),
    ]);
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(AGREEMENT_TEXT)).to.equal(true);
    await screenshot(reader.page, "12-shared-document-zh");

    await borrower.page.click(`${item} [data-testid=grant][data-state=active] button`);
    await borrower.page.waitForSelector(`${item} [data-testid=grant][data-state=revoked]`, WAIT);
    await reader.page.reload();
    await reader.page.waitForSelector("[data-testid=document-status][data-kind=error]", WAIT);
    expect(await reader.page.textContent("[data-testid=document-status]")).to.equal("您对该文件的访问权限已被撤销。");
  });
});
