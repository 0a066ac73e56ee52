/**
 * Mediation and the coordination committee in the browser, against a real system (anvil, the
 * deployment, the gateway serving the built portal). The setup opens a multi-creditor mediation case
 * on the CaseRegistry over ethers (two platforms, each with a registered agreement with the borrower);
 * everything after happens in the parties' browsers, each with a test wallet that signs and sends
 * transactions with the party's real key (e2e/wallet.ts).
 *
 * Covered: each platform signs its standstill in its wallet (EIP-712, relayed by the gateway) and the
 * page shows it recorded, and `GET /standstills` says so; the mediator sees what is due and starts the
 * mediation (a wallet transaction) and the status changes on the page; the borrower opens a dispute
 * about an agreement; the committee member sees it on `#/disputes`, appoints itself as the panel
 * (after a panel of the wrong size, which the chain refuses and the page explains),
 * votes Terminate, uploads the written resolution and decides: the page shows the outcome and the
 * resolution matching, and the agreement is Terminated on chain; the borrower reports a collection
 * call with an evidence file hashed in the browser (flagged as a breach), and the parties take the case
 * to the court's confirmed ruling and close it, each step in its own wallet; a wallet that is no party
 * sees no mediation data, a sentence instead.
 */
import { createHash } from "node:crypto";

import { expect } from "chai";
import type { Page } from "playwright-core";
import type { Hex } from "viem";

import { call, signIn } from "../protocol/gateway-client.js";
import { CaseStatus, Status } from "../protocol/enums.js";
import type { CaseRegistry } from "../types/ethers-contracts/index.js";
import { type System, startSystem, wallets } from "../test/gateway/harness.js";
import { type MediationCase, openMediationCase } from "../test/gateway/mediation-fixture.js";
import { screenshot } from "./browser.js";
import { People, WAIT, signInThroughPage } from "./people.js";

describe("portal (browser): mediation and the committee", function () {
  this.timeout(600_000);
  let system: System;
  let people: People;
  let cases: CaseRegistry;
  let ids: MediationCase["ids"];
  let caseId: Hex;
  let agreements: Hex[];

  before(async () => {
    system = await startSystem();
    ({ cases, caseId, agreements, ids } = await openMediationCase(system));
    people = await People.of(system);
  });

  after(async () => {
    await people?.close();
    await system?.stop();
  });

  const underStandstill = async (creditorId: number) =>
    (
      await call<{ underStandstill: boolean }>(
        system.url,
        "GET",
        `/standstills?creditorId=${creditorId}&borrowerId=${ids.borrower}`,
      )
    ).body.underStandstill;

  it("each platform signs its standstill in its wallet; the page shows it recorded; GET /standstills answers true", async () => {
    for (const [wallet, creditorId, phone] of [
      [wallets.platform, ids.platform, false],
      [wallets.spare1, ids.platform2, true],
    ] as const) {
      expect(await underStandstill(creditorId)).to.equal(false);
      const { page, walletLog } = await people.person(wallet, { phone });
      await signInThroughPage(page);
      await page.click("header nav a[href='#/mediation']");
      await page.click(`[data-testid=mediation-item][data-case='${caseId.toLowerCase()}'] a`, WAIT);
      await page.waitForSelector("[data-testid=mediation-status][data-status=Opened]", WAIT);
      expect(await page.textContent("[data-testid=mediation-status]")).to.equal("已立案：等待调解员开始调解");
      await page.click("[data-testid=sign-standstill]");
      await page.waitForSelector("[data-testid=mediation-action-status][data-kind=ok]", WAIT);
      // The chain's view first (the case is read at request time), then the indexer's record.
      await page.waitForSelector(
        `[data-testid=creditor][data-account='${creditorId}'][data-standstill=recorded]`,
        WAIT,
      );
      await page.waitForSelector(`[data-testid=standstill-recorded][data-creditor='${creditorId}']`, WAIT);
      const typed = walletLog.find((r) => r.method === "eth_signTypedData_v4");
      const [, json] = typed!.params as [string, string];
      expect((JSON.parse(json) as { primaryType: string }).primaryType).to.equal("Standstill");
      expect(await underStandstill(creditorId)).to.equal(true);
      await screenshot(page, phone ? "20-mediation-standstill-zh-phone" : "20-mediation-standstill-zh");
    }
  });

  it("the mediator sees what is due and starts the mediation in the wallet; the status changes on the page", async () => {
    const { page, walletLog } = await people.person(wallets.lawyer);
    await page.click("[data-testid=lang-switch]"); // the lawyer reads English
    await signInThroughPage(page);
    await page.click("header nav a[href='#/mediation']");
    await page.waitForSelector("[data-testid=due-item]", WAIT);
    expect(await page.textContent("[data-testid=due-item]")).to.include("The mediator must start the mediation by");
    await screenshot(page, "21-mediation-list-en");
    await page.click(`[data-testid=mediation-item][data-case='${caseId.toLowerCase()}'] a`);
    await page.click("[data-testid=start-mediation]", WAIT);
    await page.waitForSelector("[data-testid=mediation-status][data-status=InMediation]", WAIT);
    expect(walletLog.map((r) => r.method)).to.include("eth_sendTransaction");
    expect(Number((await cases.getCase(caseId)).status)).to.equal(2); // InMediation
    // The mediator's step is done; the coordinator's (the same lawyer here) comes next.
    await page.waitForSelector("[data-testid=record-parties-signed]", WAIT);
    expect(await page.locator("[data-testid=start-mediation]").count()).to.equal(0);
    await screenshot(page, "22-mediation-case-en");
  });

  it("the borrower disputes an agreement; the committee appoints itself, votes Terminate, uploads the resolution and decides; the agreement is Terminated", async () => {
    const disputed = agreements[0]!;
    const borrower = await people.person(wallets.borrower, { phone: true });
    await signInThroughPage(borrower.page);
    await borrower.page.goto(`${system.url}/portal/#/mediation/${caseId}`);
    const item = `[data-testid=mediation-agreement][data-settlement='${disputed.toLowerCase()}']`;
    await borrower.page.click(`${item} summary`, WAIT);
    await borrower.page.fill(`${item} [data-testid=dispute-reason]`, "The instalments do not match what was agreed.");
    await borrower.page.click(`${item} [data-testid=open-dispute]`);
    await borrower.page.waitForSelector("[data-testid=mediation-action-status][data-kind=ok]", WAIT);
    const disputeId = String(await cases.disputeCount());
    expect(Number((await system.hejie.settlements.getSettlement(disputed))[0].status)).to.equal(Status.Disputed);

    const committee = await people.person(wallets.committee);
    await signInThroughPage(committee.page);
    await committee.page.click("header nav a[href='#/disputes']");
    const listed = `[data-testid=dispute-item][data-dispute='${disputeId}'][data-state=Open]`;
    await committee.page.waitForSelector(listed, WAIT);
    await committee.page.waitForSelector(`${listed} [data-testid=needs-panel]`, WAIT); // no panel yet
    await screenshot(committee.page, "23-disputes-zh");
    await committee.page.click(`${listed} a`);
    await committee.page.waitForSelector("[data-testid=dispute-status][data-status=Open]", WAIT);
    expect(await committee.page.inputValue("[data-testid=panel-input]")).to.equal(String(ids.committee));
    // A panel of two where the rulebook says one: the chain refuses, and the page says why (the
    // CaseRegistry's custom error, decoded from the revert data the wallet returned).
    await committee.page.fill("[data-testid=panel-input]", `${ids.committee}, ${ids.borrower}`);
    await committee.page.click("[data-testid=appoint-panel]");
    await committee.page.waitForSelector("[data-testid=dispute-action-status][data-kind=error]", WAIT);
    expect(await committee.page.textContent("[data-testid=dispute-action-status]")).to.equal(
      "合议组人数须与规则规定的人数一致。",
    );
    await committee.page.fill("[data-testid=panel-input]", String(ids.committee));
    await committee.page.click("[data-testid=appoint-panel]");
    await committee.page.waitForSelector("[data-testid=vote-choice]", WAIT);
    // Appointed: once indexed, the list marks the dispute as awaiting this member's vote.
    const token = await signIn(system.url, wallets.committee);
    const yourTurn = async () =>
      (
        await call<{ disputes: { disputeId: string; yourTurn: boolean }[] }>(system.url, "GET", "/disputes", { token })
      ).body.disputes.find((d) => d.disputeId === disputeId)?.yourTurn;
    for (let polls = 0; (await yourTurn()) !== true; polls++) {
      if (polls > 300) throw new Error("the dispute never became the member's turn");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await screenshot(committee.page, "23b-dispute-to-vote-zh");
    await committee.page.selectOption("[data-testid=vote-choice]", "Terminate");
    await committee.page.fill("[data-testid=vote-opinion]", "The schedule is not the one the parties agreed.");
    await committee.page.click("[data-testid=cast-vote]");
    await committee.page.waitForSelector(
      `[data-testid=vote][data-member='${ids.committee}'][data-vote=Terminate]`,
      WAIT,
    );
    const written = Buffer.from(`Dispute ${disputeId}: the agreement is terminated. 调解委员会决定。`);
    await committee.page.setInputFiles("[data-testid=resolution-input]", {
      name: "决定书.txt",
      mimeType: "text/plain",
      buffer: written,
    });
    await committee.page.click("[data-testid=upload-resolution]");
    await committee.page.click("[data-testid=decide]", WAIT);
    await committee.page.waitForSelector("[data-testid=dispute-outcome][data-outcome=Terminate]", WAIT);
    await committee.page.waitForSelector("[data-testid=resolution-doc][data-matches=true]", WAIT);
    expect(await committee.page.textContent("[data-testid=dispute-outcome]")).to.equal("结果：协议终止。");
    await screenshot(committee.page, "24-dispute-decided-zh");

    // On chain: the agreement is terminated; the dispute records the resolution's SHA-256.
    const [ledger] = await system.hejie.settlements.getSettlement(disputed);
    expect(Number(ledger.status)).to.equal(Status.Terminated);
    const onChain = await cases.getDispute(disputeId);
    expect(onChain.resolutionHash).to.equal(`0x${createHash("sha256").update(written).digest("hex")}`);

    // The borrower's page offers the dispute too, and shows the outcome.
    await borrower.page.goto(`${system.url}/portal/#/disputes/${disputeId}`);
    await borrower.page.waitForSelector("[data-testid=dispute-outcome][data-outcome=Terminate]", WAIT);
    expect(await borrower.page.locator("[data-testid=committee-actions]").count()).to.equal(0);
    await screenshot(borrower.page, "25-dispute-borrower-zh-phone");
  });

  it("the borrower reports a collection call (flagged as a breach); the parties take the case to a confirmed ruling and close it, each in the wallet", async () => {
    const status = (page: Page, value: string) =>
      page.waitForSelector(`[data-testid=mediation-status][data-status=${value}]`, WAIT);
    const open = async (wallet: (typeof wallets)[keyof typeof wallets], phone = false) => {
      const person = await people.person(wallet, { phone });
      await signInThroughPage(person.page);
      await person.page.goto(`${system.url}/portal/#/mediation/${caseId}`);
      await person.page.waitForSelector("[data-testid=mediation-status]", WAIT);
      return person.page;
    };
    // A collection call from the second platform's agent: the note is hashed in the browser.
    const borrower = await open(wallets.borrower, true);
    const note = Buffer.from(`Call note ${new Date().toISOString()}: the agent demanded full repayment.`);
    await borrower.click("[data-testid=report-collection] summary");
    await borrower.selectOption("[data-testid=collection-creditor]", String(ids.platform2));
    await borrower.setInputFiles("[data-testid=collection-evidence]", {
      name: "call-note.txt",
      mimeType: "text/plain",
      buffer: note,
    });
    await borrower.click("[data-testid=send-collection]");
    await borrower.waitForSelector(`[data-testid=creditor][data-account='${ids.platform2}'][data-breaches='1']`, WAIT);
    expect(Number((await cases.getCreditor(caseId, ids.platform2)).breaches)).to.equal(1);
    await screenshot(borrower, "28-mediation-breach-zh-phone");

    // The coordinator records the parties' signatures and, as mediator, signs: the agreement takes effect.
    const lawyer = await open(wallets.lawyer);
    await lawyer.click("[data-testid=record-parties-signed]");
    await status(lawyer, "AgreementSigned");
    await lawyer.click("[data-testid=sign-as-mediator]", WAIT);
    await status(lawyer, "Effective");
    // The borrower and both platforms join the application for judicial confirmation.
    for (const page of [borrower, await open(wallets.platform), await open(wallets.spare1)]) {
      await page.click("[data-testid=apply-confirmation]", WAIT);
      await page.waitForSelector("[data-testid=mediation-action-status][data-kind=ok]", WAIT);
    }
    await status(lawyer, "ConfirmationApplied");
    // The court's ruling, then the case closed.
    await lawyer.click("[data-testid=ruling-confirmed]", WAIT);
    await lawyer.waitForSelector("[data-testid=mediation-action-status][data-kind=error]", WAIT); // no reference yet
    await lawyer.fill("[data-testid=ruling-reference]", "(2027) Hu 0101 Min Te 123");
    await lawyer.click("[data-testid=ruling-confirmed]");
    await status(lawyer, "Confirmed");
    await screenshot(lawyer, "29-mediation-confirmed-zh");
    await lawyer.click("[data-testid=close-case]", WAIT);
    await status(lawyer, "Closed");
    expect(Number((await cases.getCase(caseId)).status)).to.equal(CaseStatus.Closed);
  });

  it("a wallet that is no party sees no mediation case data, a sentence instead", async () => {
    const { page } = await people.person(wallets.outsider);
    await signInThroughPage(page);
    expect(await page.locator("header nav a[href='#/mediation']").count()).to.equal(0);
    await page.goto(`${system.url}/portal/#/mediation`);
    await page.waitForSelector("[data-testid=mediation-list-status][data-kind=error]", WAIT);
    expect(await page.textContent("[data-testid=mediation-list-status]")).to.equal(
      "只有已登记的成员（借款人、平台、律师、委员会）才有调解案件：此钱包不是成员。",
    );
    await page.goto(`${system.url}/portal/#/mediation/${caseId}`);
    await page.waitForSelector("[data-testid=mediation-error]", WAIT);
    expect(await page.textContent("[data-testid=mediation-error]")).to.equal(
      "这不是您的调解案件：只有当事人和协调委员会可以查看。",
    );
    expect(await page.locator("[data-testid=creditor], [data-testid=mediation-agreement]").count()).to.equal(0);
    await page.goto(`${system.url}/portal/#/disputes/1`);
    await page.waitForSelector("[data-testid=dispute-error]", WAIT);
    expect(await page.locator("[data-testid=dispute-outcome]").count()).to.equal(0);
    await screenshot(page, "26-mediation-non-member-zh");
  });
});
