/**
 * Case 2 goes to mediation: the multi-creditor case from opening to a confirmed settlement, on the
 * CaseRegistry and through the gateway.
 *
 * Lawyer Wang (coordinator) opens a multi-creditor mediation case for Mr Zhang's three agreements with
 * Mediator Zhao; each platform signs a standstill (EIP-712) that the gateway relays; the mediation
 * starts. Kuaijie's collection agent calls Mr Zhang anyway: he uploads his note of the call, the lawyer
 * anchors it as evidence, and Mr Zhang reports the collection on chain, where it is flagged as a
 * standstill breach. He disputes Kuaijie's agreement; a panel of five committee members votes (four to
 * terminate, one dissent to uphold), the panel's written resolution is stored encrypted by the gateway,
 * and the decision terminates the agreement on chain. The parties sign, the mediator signs, the
 * borrower and the platforms jointly apply for judicial confirmation, and the court's ruling confirms
 * the settlement. Each party acts with its own wallet; the gateway reads it all back.
 */
import { type Hex, keccak256, toHex } from "viem";

import { members } from "../../deploy/local/parties.js";
import { CaseType } from "../../protocol/cases.js";
import { DisputeSubject, Vote } from "../../protocol/enums.js";
import { call } from "../../protocol/gateway-client.js";
import type { CaseTwo } from "../demo.js";
import { type Chain, type Party, GATEWAY, StepFailed, expectStatus, party, say, step, until, upload } from "./kit.js";

const day = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

/** The member account behind a party's key, as the chain says (through the gateway). */
async function accountOf(who: Party): Promise<number> {
  const me = expectStatus(
    await call<{ key: { accountId: number } }>(GATEWAY, "GET", "/auth/me", { token: who.token }),
    200,
    `reading ${who.name}'s account`,
  );
  return me.key.accountId;
}

interface MediationCase {
  status: string;
  creditors: { accountId: number; standstill: { until: number } | null; breaches: number }[];
  deadlines: Record<string, number | null>;
}

/** Follows the case through the gateway until it reaches `status` (the indexer and chain are read live). */
const caseReaches = (caseId: Hex, reader: Party, status: string) =>
  until<MediationCase>(
    `the case reaching ${status}`,
    `/mediation/cases/${caseId}`,
    reader.token,
    (answer) => answer.status === status,
    (answer) => answer.status,
  );

/** Each platform's PLATFORM key signs its standstill as the gateway serves it; the gateway relays it. */
async function standstills(caseId: Hex, creditors: { platform: Party; accountId: number }[]) {
  for (const { platform, accountId } of creditors) {
    const typed = expectStatus(
      await call<{ message: { endsAt: number } }>(
        GATEWAY,
        "GET",
        `/mediation/cases/${caseId}/standstills/typed-data?creditorId=${accountId}`,
        { token: platform.token },
      ),
      200,
      `${platform.name}'s standstill typed data`,
    );
    const signature = await platform.wallet.signTypedData(typed as never);
    const relayed = expectStatus(
      await call<{ blockNumber: number }>(GATEWAY, "POST", `/mediation/cases/${caseId}/standstills`, {
        token: platform.token,
        json: { standstill: typed.message, signature },
      }),
      201,
      `relaying ${platform.name}'s standstill`,
    );
    step(
      `${platform.name} signs a standstill until ${day(typed.message.endsAt)} (EIP-712); the gateway relays it, ` +
        `recorded in block ${relayed.blockNumber}`,
    );
  }
}

/**
 * Kuaijie's agent calls during the standstill: Mr Zhang's note is uploaded and anchored as evidence,
 * and the collection is reported on chain with the note's SHA-256, flagged as a breach.
 */
async function collectionBreach(chain: Chain, two: CaseTwo, lawyer: Party, mediationId: Hex, kuaijie: number) {
  const note = await upload(
    two.borrower,
    two.caseId,
    "kuaijie-collection-call.txt",
    "evidence",
    `Call note (demo), ${new Date().toISOString()}: a collection agent for Kuaijie phoned Mr Zhang about ` +
      `case ${mediationId}, demanding full repayment.`,
  );
  expectStatus(
    await call(GATEWAY, "POST", `/cases/${two.caseId}/evidence`, {
      token: lawyer.token,
      json: { documentId: note.id },
    }),
    202,
    "submitting the call note as evidence",
  );
  step(`${lawyer.name} submits the note as evidence: the gateway anchors its SHA-256 in its next Merkle root`);
  // The call came just now: the latest block's time (after the standstills were recorded).
  const occurredAt = Number((await chain.client.getBlock()).timestamp);
  await chain.cases.send(
    two.borrower,
    "reportCollection",
    [mediationId, kuaijie, occurredAt, note.sha256],
    "reporting the collection call",
  );
  const view = await until<MediationCase>(
    "the breach",
    `/mediation/cases/${mediationId}`,
    lawyer.token,
    (answer) => answer.creditors.some((c) => c.accountId === kuaijie && c.breaches > 0),
    () => "no breach",
  );
  const breaches = view.creditors.find((c) => c.accountId === kuaijie)!.breaches;
  step(`Mr Zhang reports the call on chain with the note's SHA-256: flagged as a standstill breach (${breaches})`);
}

/**
 * Mr Zhang disputes Kuaijie's agreement; five committee members form the panel, vote four to one to
 * terminate it, store their written resolution encrypted through the gateway and record the decision.
 */
async function committeeDecides(chain: Chain, two: CaseTwo, mediationId: Hex, settlementId: Hex) {
  const evidence = keccak256(toHex(`demo-dispute:${settlementId}`));
  await chain.cases.send(
    two.borrower,
    "openDispute",
    [mediationId, settlementId, DisputeSubject.Agreement, 0, keccak256(toHex("clause 4: interest kept")), evidence],
    "opening the dispute",
  );
  const disputeId = (await chain.cases.read<bigint>("disputeCount", [])).toString();
  const agreementIs = (status: string) =>
    until<{ compliance: { status: string } }>(
      `Kuaijie's agreement becoming ${status}`,
      `/agreements/${settlementId}`,
      two.borrower.token,
      (answer) => answer.compliance.status === status,
      (answer) => answer.compliance.status,
      { notYet: 404 },
    );
  await agreementIs("Disputed");
  step(
    `Mr Zhang disputes Kuaijie's agreement (dispute ${disputeId}): it broke the standstill and keeps interest ` +
      "above the legal cap; the indexer shows the agreement Disputed while the committee decides",
  );
  const seated = await Promise.all(
    (["committee", "committeeLiu", "committeeZhou", "committeeWu", "committeeSun"] as const).map(async (name) => {
      const member = await party(members[name].name, members[name].key);
      return { member, accountId: await accountOf(member) };
    }),
  );
  // The CaseRegistry takes a panel in ascending account order.
  seated.sort((a, b) => a.accountId - b.accountId);
  const panel = seated.map((s) => s.member);
  const [chair] = panel as [Party];
  const ids = seated.map((s) => s.accountId);
  await chain.cases.send(chair, "appointPanel", [BigInt(disputeId), ids], "appointing the panel");
  step(`${chair.name} appoints a panel of ${panel.length}: ${panel.map((p) => p.name.split(" ").pop()).join(", ")}`);
  for (const [index, member] of panel.entries()) {
    const vote = index === panel.length - 1 ? Vote.Uphold : Vote.Terminate;
    const opinion = keccak256(toHex(`demo-opinion:${disputeId}:${member.name}`));
    await chain.cases.send(member, "castVote", [BigInt(disputeId), vote, opinion], `${member.name}'s vote`);
  }
  step("the panel votes: four to terminate the agreement, one dissent to uphold it (each vote on chain)");
  const written = Buffer.from(
    `Dispute ${disputeId} (demo): the panel terminates Kuaijie's settlement by four votes to one. ` +
      "调解委员会以四比一决定终止该和解协议。",
  );
  const resolution = expectStatus(
    await call<{ sha256: Hex }>(
      GATEWAY,
      "POST",
      `/disputes/${disputeId}/resolutions?name=resolution-${disputeId}.txt`,
      {
        token: chair.token,
        body: written,
        contentType: "text/plain",
      },
    ),
    201,
    "storing the written resolution",
  );
  await chain.cases.send(chair, "resolveDispute", [BigInt(disputeId), resolution.sha256], "deciding the dispute");
  const decided = await until<{ outcome: string | null; resolutionDocuments: { matches: boolean }[] }>(
    "the decision",
    `/disputes/${disputeId}`,
    two.borrower.token,
    (answer) => answer.outcome !== null && answer.resolutionDocuments.some((d) => d.matches),
    () => "not decided",
  );
  const agreement = await agreementIs("Terminated");
  step(
    `${chair.name} stores the written resolution encrypted (its SHA-256 is the recorded resolution hash) and ` +
      `records the decision: outcome ${decided.outcome}, Kuaijie's agreement is now ${agreement.compliance.status}`,
  );
}

export async function mediateCaseTwo(chain: Chain, lawyer: Party, two: CaseTwo): Promise<void> {
  say("\nCase 2 in mediation — standstills, a breach, a committee dispute, judicial confirmation");
  const mediator = await party(members.mediator.name, members.mediator.key);
  const creditors = await Promise.all(
    two.creditors.map(async (c) => ({ ...c, accountId: await accountOf(c.platform) })),
  );
  creditors.sort((a, b) => a.accountId - b.accountId);
  const borrowerId = await accountOf(two.borrower);
  const mediationId = keccak256(toHex(`demo-mediation:${two.caseId}`));
  await chain.cases.send(
    lawyer,
    "openCase",
    [mediationId, CaseType.MultiCreditor, borrowerId, creditors.map((c) => c.accountId), await accountOf(mediator)],
    "opening the mediation case",
  );
  for (const { settlementId } of creditors) {
    await chain.cases.send(lawyer, "addAgreement", [mediationId, settlementId], "adding an agreement");
  }
  step(
    `${lawyer.name} opens mediation case ${mediationId.slice(0, 18)}… (multi-creditor rulebook) with ` +
      `${mediator.name}, and adds the ${creditors.length} agreements`,
  );
  await standstills(mediationId, creditors);
  const under = await Promise.all(
    creditors.map(async (c) => {
      const answer = expectStatus(
        await call<{ underStandstill: boolean }>(
          GATEWAY,
          "GET",
          `/standstills?creditorId=${c.accountId}&borrowerId=${borrowerId}`,
        ),
        200,
        "asking about a standstill",
      );
      return answer.underStandstill;
    }),
  );
  if (!under.every(Boolean)) throw new StepFailed("a platform is not under standstill");
  step("anyone asks the gateway (GET /standstills): each of the three platforms is under standstill towards Mr Zhang");

  await chain.cases.send(mediator, "startMediation", [mediationId], "starting the mediation");
  await caseReaches(mediationId, lawyer, "InMediation");
  step(`${mediator.name} starts the mediation within the rulebook's response time`);

  const kuaijie = creditors.find((c) => c.platform.name === "Kuaijie");
  if (kuaijie === undefined) throw new StepFailed("Kuaijie is not a creditor of case 2");
  await collectionBreach(chain, two, lawyer, mediationId, kuaijie.accountId);
  await committeeDecides(chain, two, mediationId, kuaijie.settlementId);

  const agreementHash = keccak256(toHex(creditors.map((c) => c.settlementId).join("")));
  await chain.cases.send(lawyer, "recordPartiesSigned", [mediationId, agreementHash], "recording the signatures");
  await chain.cases.send(mediator, "signAsMediator", [mediationId], "the mediator's signature");
  const effective = await caseReaches(mediationId, two.borrower, "Effective");
  step(
    `the parties' signatures recorded, ${mediator.name} signs: the agreement takes effect; the joint application ` +
      `for judicial confirmation is due ${day(effective.deadlines.confirmationDueAt!)} ` +
      `(reminder ${day(effective.deadlines.confirmationReminderAt!)})`,
  );
  const due = expectStatus(
    await call<{ cases: { caseId: string; due: { action: string; dueAt: number }[] }[] }>(
      GATEWAY,
      "GET",
      "/deadlines",
      {
        token: two.borrower.token,
      },
    ),
    200,
    "reading Mr Zhang's deadlines",
  );
  const mine = due.cases.find((c) => c.caseId === mediationId.toLowerCase());
  const listed = mine?.due.map((d) => `${d.action} by ${day(d.dueAt)}`).join("; ") ?? "none";
  step(`Mr Zhang's deadlines (GET /deadlines): ${listed}`);

  const application = keccak256(toHex(`demo-confirmation-application:${mediationId}`));
  for (const applicant of [two.borrower, ...creditors.map((c) => c.platform)]) {
    await chain.cases.send(applicant, "applyForConfirmation", [mediationId, application], "joining the application");
  }
  await caseReaches(mediationId, lawyer, "ConfirmationApplied");
  step("Mr Zhang and the three platforms join the application for judicial confirmation within 30 days");
  const ruling = keccak256(toHex(`demo-court-ruling:${mediationId}`));
  await chain.cases.send(lawyer, "recordRuling", [mediationId, true, ruling], "recording the ruling");
  const confirmed = await caseReaches(mediationId, two.borrower, "Confirmed");
  step(`${lawyer.name} records the court's ruling: the settlement is ${confirmed.status}`);
}
