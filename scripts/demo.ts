/**
 * `npm run demo`: plays both cases of the seed document against a running system (`npm start`) over
 * the gateway's real HTTP API, with real wallet signatures, and prints what happens at each step.
 *
 * - Case 1: Xiao Li missed the second instalment of a renovation loan from Anjia after a job change.
 *   The lawyer opens a case, uploads the loan contract and a formal letter; the settlement waives the
 *   late fees and reduces the interest, and reschedules the rest monthly from the instalment he missed;
 *   the three sign; Anjia's payment system reports two payments, the second late; the compliance view
 *   shows it; the lawyer submits the evidence, the gateway anchors it, a court verifies it.
 * - Case 2: Mr Zhang owes three platforms. One case holds three agreements, each signed by its
 *   platform; each platform's payment system reports a payment; each platform sees its own agreement
 *   only.
 *
 * Payment reports are signed by each platform's ORACLE key and posted to the gateway, which records
 * them on chain; evidence is submitted to the gateway, which anchors it. What a court or a platform
 * checks on its own is read straight from the chain.
 *
 * Environment: HEJIE_URL (default http://127.0.0.1:8080), HEJIE_CHAIN_URL (default
 * http://127.0.0.1:$HEJIE_CHAIN_PORT, port 8545). Exits with 1 at the first step that fails.
 */
import { type Hex, type LocalAccount, keccak256, toHex } from "viem";

import { borrowers, members } from "../deploy/local/parties.js";
import { call } from "../protocol/gateway-client.js";
import { newSalt, sha256Hex } from "../protocol/evidence.js";
import { endOfDayCst } from "../protocol/schedule.js";
import { signedPaymentReport } from "../protocol/payment-reports.js";
import { evidenceAbi } from "../server/chain/abi.js";
import {
  type Chain,
  type Party,
  DAY,
  CHAIN,
  GATEWAY,
  StepFailed,
  account,
  connectChain,
  expectStatus,
  party,
  say,
  step,
  until,
  upload,
  yuan,
} from "./demo/kit.js";
import { mediateCaseTwo } from "./demo/mediation.js";

/** Case 2 as the mediation takes it over: the gateway case, Mr Zhang, each platform with its agreement. */
export interface CaseTwo {
  caseId: Hex;
  borrower: Party;
  creditors: { platform: Party; settlementId: Hex }[];
}

interface Terms {
  platform: Party;
  originalPrincipal: bigint;
  settledAmount: bigint;
  firstDueAt: bigint;
  count: number;
  documentId: Hex;
}

/** Drafts the settlement, has the three parties sign the served typed data, waits for registration. */
async function settle(lawyer: Party, borrower: Party, caseId: Hex, terms: Terms): Promise<Hex> {
  const draft = expectStatus(
    await call<{ id: string }>(GATEWAY, "POST", `/cases/${caseId}/drafts`, {
      token: lawyer.token,
      json: {
        platform: terms.platform.wallet.address,
        currency: "CNY",
        originalPrincipal: terms.originalPrincipal.toString(),
        loanFormedAt: Math.floor(Date.now() / 1000) - 400 * DAY,
        settledAmount: terms.settledAmount.toString(),
        monthly: { firstDueAt: Number(terms.firstDueAt), count: terms.count, total: terms.settledAmount.toString() },
        gracePeriod: 5 * DAY,
        curePeriod: 30 * DAY,
        contestWindow: 14 * DAY,
        documentId: terms.documentId,
      },
    }),
    201,
    "drafting the settlement",
  );
  step(
    `${lawyer.name} drafts ${terms.platform.name}'s settlement: ${yuan(terms.settledAmount)} in ${terms.count} ` +
      `monthly instalments (principal was ${yuan(terms.originalPrincipal)})`,
  );
  const served = expectStatus(
    await call<{ settlementId: Hex; typedData: unknown }>(
      GATEWAY,
      "GET",
      `/cases/${caseId}/drafts/${draft.id}/typed-data`,
      { token: lawyer.token },
    ),
    200,
    "reading the typed data",
  );
  for (const signer of [borrower, terms.platform, lawyer]) {
    const signature = await signer.wallet.signTypedData(served.typedData as never);
    const reply = await call(GATEWAY, "POST", `/cases/${caseId}/drafts/${draft.id}/signatures`, {
      token: signer.token,
      json: { signature },
    });
    expectStatus(reply, 201, `${signer.name}'s signature`);
    step(`${signer.name} signs the EIP-712 settlement with their wallet; the gateway checks and keeps it`);
  }
  const status = await until<{ status: string; failure?: unknown; registration?: { blockNumber: number } }>(
    "following the registration",
    `/cases/${caseId}/drafts/${draft.id}`,
    lawyer.token,
    (answer) => answer.status === "registered" || answer.status === "failed",
    (answer) => `"${answer.status}"`,
  );
  if (status.status === "failed") throw new StepFailed(`registration failed: ${JSON.stringify(status.failure)}`);
  step(
    `registered on chain in block ${status.registration?.blockNumber}: settlement ${served.settlementId.slice(0, 18)}…`,
  );
  return served.settlementId;
}

/**
 * The platform's payment system signs a report with its ORACLE key and posts it to the gateway, which
 * records it on chain; the platform follows it until it is recorded.
 */
async function reportPayment(
  chain: Chain,
  platform: Party,
  oracle: LocalAccount,
  settlementId: Hex,
  sequence: number,
  amount: bigint,
  paidAt: bigint,
) {
  // The bank's transaction reference stays with the platform: the chain gets a salted hash of it.
  const bankReference = keccak256(toHex(`demo-bank-ref:${settlementId}:${sequence}:${newSalt()}`));
  const body = await signedPaymentReport(oracle, chain.chainId, chain.contracts.registry, {
    settlementId,
    sequence,
    amount,
    paidAt: Number(paidAt),
    bankReference,
  });
  const accepted = expectStatus(
    await call<{ id: Hex }>(GATEWAY, "POST", "/payments/reports", { json: body }),
    202,
    `${platform.name}'s payment report #${sequence}`,
  );
  const report = await until<{ state: string; blockNumber: number | null; error: unknown }>(
    "following the payment report",
    `/payments/reports/${accepted.id}`,
    platform.token,
    (answer) => answer.state === "recorded" || answer.state === "failed",
    (answer) => `"${answer.state}"`,
  );
  if (report.state === "failed") throw new StepFailed(`the payment report failed: ${JSON.stringify(report.error)}`);
  step(
    `${platform.name}'s payment system reports ${yuan(amount)} paid ${new Date(Number(paidAt) * 1000).toISOString().slice(0, 10)} ` +
      `(report #${sequence}, signed by its oracle key): accepted by the gateway, recorded in block ${report.blockNumber}`,
  );
}

interface AgreementView {
  settlementId: Hex;
  platform: Hex;
  compliance: { standing: string; paidTotal: string; arrears: string; daysOverdue: number };
}

async function agreementsSeenBy(viewer: Party, caseId: Hex): Promise<AgreementView[]> {
  return expectStatus(
    await call<AgreementView[]>(GATEWAY, "GET", `/cases/${caseId}/agreements`, { token: viewer.token }),
    200,
    `${viewer.name} reading the case's agreements`,
  );
}

/** An agreement as the gateway's indexer answers it (`GET /agreements/:id`). */
interface IndexedAgreement {
  compliance: { standing: string; paidTotal: string; arrears: string };
  instalments: { index: number; state: string }[];
  payments: unknown[];
  crossCheck: { matches: boolean; block: number };
}

interface VerifyAnswer {
  anchored: boolean;
  anchors: { verified: boolean; root: Hex; salt: Hex; proof: Hex[]; blockNumber: number }[];
}

/**
 * The lawyer submits documents as evidence; the gateway anchors them as one Merkle root; a court then
 * verifies each file through the gateway, and once more on its own against the chain.
 */
async function anchorAndVerify(
  chain: Chain,
  lawyer: Party,
  caseId: Hex,
  documents: { id: Hex; name: string; bytes: Buffer }[],
) {
  for (const document of documents) {
    expectStatus(
      await call(GATEWAY, "POST", `/cases/${caseId}/evidence`, {
        token: lawyer.token,
        json: { documentId: document.id },
      }),
      202,
      `submitting ${document.name} as evidence`,
    );
  }
  step(
    `${lawyer.name} submits ${documents.length} documents as evidence; the gateway queues their SHA-256 with fresh salts`,
  );
  const items = await until<{ state: string; anchor: { root: Hex; blockNumber: number } | null }[]>(
    "reading the case's evidence",
    `/cases/${caseId}/evidence`,
    lawyer.token,
    (answer) => answer.every((item) => item.state === "anchored"),
    () => "not anchored",
    { everyMs: 500, timeoutMs: 120_000 },
  );
  step(
    `the gateway anchors them as one Merkle root ${items[0]!.anchor!.root.slice(0, 18)}… in block ${items[0]!.anchor!.blockNumber}`,
  );
  const verifyFile = async (bytes: Buffer) =>
    expectStatus(
      await call<VerifyAnswer>(GATEWAY, "POST", "/verify/file", {
        body: bytes,
        contentType: "application/octet-stream",
      }),
      200,
      "verifying a file",
    );
  for (const document of documents) {
    const answer = await verifyFile(document.bytes);
    const [anchor] = answer.anchors;
    if (!answer.anchored || anchor === undefined) throw new StepFailed(`${document.name} does not verify`);
    // The court's own check, through a node and not the gateway: SHA-256, salt and proof against the root.
    const onChain = (await chain.client.readContract({
      address: chain.contracts.evidence,
      abi: evidenceAbi,
      functionName: "verifyDocument",
      args: [anchor.root, sha256Hex(document.bytes), anchor.salt, anchor.proof],
    })) as boolean;
    if (!onChain) throw new StepFailed(`${document.name}: the chain does not confirm the gateway's proof`);
    step(`a court verifies "${document.name}": the gateway's proof holds, and the registry confirms it on its own`);
  }
  const altered = Buffer.from(documents[0]!.bytes);
  altered[0] = altered[0]! ^ 1;
  if ((await verifyFile(altered)).anchored) throw new StepFailed("an altered document verified");
  step(`a copy of "${documents[0]!.name}" with one bit changed was never anchored`);
}

async function openCase(lawyer: Party, title: string, borrower: Party, platforms: Party[]): Promise<Hex> {
  const opened = expectStatus(
    await call<{ id: Hex }>(GATEWAY, "POST", "/cases", {
      token: lawyer.token,
      json: { title, borrower: borrower.wallet.address, platforms: platforms.map((p) => p.wallet.address) },
    }),
    201,
    "opening the case",
  );
  step(
    `${lawyer.name} opens case ${opened.id.slice(0, 18)}… for ${borrower.name} and ${platforms.map((p) => p.name).join(", ")}`,
  );
  return opened.id;
}

/** End of day (China Standard Time) `months` calendar months from today; negative: in the past. */
function endOfDayInMonths(months: number): bigint {
  const shanghai = new Date(Date.now() + 8 * 3600 * 1000);
  const target = new Date(Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() + months, 1));
  const day = Math.min(shanghai.getUTCDate(), 28);
  return endOfDayCst(target.getUTCFullYear(), target.getUTCMonth() + 1, day);
}

async function caseOne(chain: Chain, lawyer: Party) {
  say("\nCase 1 — a salaried borrower misses the second instalment of a renovation loan");
  const li = await party("Xiao Li", borrowers.li.key);
  const anjia = await party("Anjia", members.anjia.key);
  const caseId = await openCase(lawyer, "Renovation loan, missed second instalment", li, [anjia]);
  const contract = await upload(
    lawyer,
    caseId,
    "renovation-loan-contract.txt",
    "loan_contract",
    "Renovation loan contract (demo): principal 80,000.00 CNY, 12 monthly instalments, late fee 0.1% a day.",
  );
  const letter = await upload(
    lawyer,
    caseId,
    "formal-letter-to-anjia.txt",
    "evidence",
    "Formal letter (demo): clauses 7 and 9 on fees are unclear; we propose waiving late fees and rescheduling.",
  );
  const agreement = await upload(
    lawyer,
    caseId,
    "settlement-agreement.txt",
    "agreement",
    "Settlement (demo): interest reduced, late fees waived, the remaining 60,000.00 CNY in 12 monthly instalments. " +
      "The restructured status is reported accurately to the credit reference system.",
  );
  say("    (the seed's promise not to report the overdue record is not agreed: a true negative record cannot be");
  say("     lawfully suppressed; the settlement has the restructured status reported accurately instead)");
  // Rescheduled from the missed instalment: the first two new due dates have passed already.
  const firstDueAt = endOfDayInMonths(-2);
  const settlementId = await settle(lawyer, li, caseId, {
    platform: anjia,
    originalPrincipal: 8_000_000n,
    settledAmount: 6_000_000n,
    firstDueAt,
    count: 12,
    documentId: agreement.id,
  });
  const oracle = account(members.anjia.oracle);
  await reportPayment(chain, anjia, oracle, settlementId, 0, 500_000n, firstDueAt - BigInt(DAY));
  const secondDueAt = endOfDayInMonths(-1);
  const now = BigInt(Math.floor(Date.now() / 1000));
  await reportPayment(chain, anjia, oracle, settlementId, 1, 500_000n, now - 2n * BigInt(DAY));
  // The indexer's read model, once it has read both payments, checked against the registry's own views.
  const view = await until<IndexedAgreement>(
    "reading the agreement from the indexer",
    `/agreements/${settlementId}?crossCheck=true`,
    anjia.token,
    (answer) => answer.payments.length === 2,
    (answer) => `${answer.payments.length} payments indexed`,
    { notYet: 404 },
  );
  const states = view.instalments.slice(0, 3).map((instalment) => `#${instalment.index + 1} ${instalment.state}`);
  if (states[1] !== `#2 PaidLate`)
    throw new StepFailed(`the second instalment should be PaidLate: ${states.join(", ")}`);
  if (!view.crossCheck.matches)
    throw new StepFailed(`the read model disagrees with the chain: ${JSON.stringify(view.crossCheck)}`);
  step(
    `compliance (Anjia's view, from the indexer): standing ${view.compliance.standing}, paid ${yuan(view.compliance.paidTotal)}, ` +
      `arrears ${yuan(view.compliance.arrears)}; instalments ${states.join(", ")} ` +
      `(the second was due ${new Date(Number(secondDueAt) * 1000).toISOString().slice(0, 10)}); ` +
      `the same as the registry computes at block ${view.crossCheck.block}`,
  );
  await anchorAndVerify(chain, lawyer, caseId, [contract, letter]);
}

async function caseTwo(chain: Chain, lawyer: Party): Promise<CaseTwo> {
  say("\nCase 2 — a small-business owner owes three platforms");
  const zhang = await party("Mr Zhang", borrowers.zhang.key);
  const creditors = [
    { platform: await party("Xinyi", members.xinyi.key), oracle: members.xinyi.oracle, principal: 12_000_000n },
    { platform: await party("Huifeng", members.huifeng.key), oracle: members.huifeng.oracle, principal: 9_000_000n },
    { platform: await party("Kuaijie", members.kuaijie.key), oracle: members.kuaijie.oracle, principal: 6_000_000n },
  ];
  const caseId = await openCase(
    lawyer,
    "Business owner, three platforms",
    zhang,
    creditors.map((c) => c.platform),
  );
  const firstDueAt = endOfDayInMonths(1);
  const agreements: CaseTwo["creditors"] = [];
  for (const creditor of creditors) {
    const { platform } = creditor;
    await upload(
      lawyer,
      caseId,
      `${platform.name.toLowerCase()}-loan-contract.txt`,
      "loan_contract",
      `Loan contract with ${platform.name} (demo): principal ${yuan(creditor.principal)}.`,
    );
    const agreement = await upload(
      lawyer,
      caseId,
      `${platform.name.toLowerCase()}-settlement.txt`,
      "agreement",
      `Settlement with ${platform.name} (demo): 18 monthly instalments; collection suspended while it runs.`,
    );
    const settled = (creditor.principal * 85n) / 100n;
    const settlementId = await settle(lawyer, zhang, caseId, {
      platform,
      originalPrincipal: creditor.principal,
      settledAmount: settled,
      firstDueAt,
      count: 18,
      documentId: agreement.id,
    });
    const now = BigInt(Math.floor(Date.now() / 1000));
    await reportPayment(chain, platform, account(creditor.oracle), settlementId, 0, settled / 18n, now - 60n);
    agreements.push({ platform, settlementId });
  }
  for (const { platform } of creditors) {
    const seen = await agreementsSeenBy(platform, caseId);
    const own = seen.every((a) => a.platform.toLowerCase() === platform.wallet.address.toLowerCase());
    if (seen.length !== 1 || !own) {
      throw new StepFailed(`${platform.name} should see exactly its own agreement, sees ${seen.length}`);
    }
    step(
      `${platform.name}'s portfolio view of the case: its own agreement only — paid ${yuan(seen[0]!.compliance.paidTotal)}, ` +
        `standing ${seen[0]!.compliance.standing}`,
    );
  }
  const { platform: xinyi } = creditors[0]!;
  const portfolio = await until<{ buckets: Record<string, { count: number; outstanding: string }> }>(
    "reading Xinyi's portfolio",
    "/portfolio",
    xinyi.token,
    (answer) => Object.values(answer.buckets).some((bucket) => bucket.count > 0),
    () => "empty",
  );
  const buckets = Object.entries(portfolio.buckets).filter(([, bucket]) => bucket.count > 0);
  step(
    `Xinyi's portfolio (the indexer): ${buckets.map(([name, bucket]) => `${bucket.count} ${name}, ${yuan(bucket.outstanding)} outstanding`).join("; ")}`,
  );
  const all = await agreementsSeenBy(zhang, caseId);
  if (all.length !== 3) throw new StepFailed(`Mr Zhang should see three agreements, sees ${all.length}`);
  step(`Mr Zhang and the lawyer see all ${all.length} agreements`);
  return { caseId, borrower: zhang, creditors: agreements };
}

async function main() {
  say(`Hejie demo against ${GATEWAY} (chain ${CHAIN})`);
  const health = await call(GATEWAY, "GET", "/health").catch(() => undefined);
  if (health?.status !== 200) {
    throw new StepFailed(
      `the gateway at ${GATEWAY} is not up (${health?.status ?? "no answer"}): run \`npm start\` first`,
    );
  }
  const chain = await connectChain();
  const lawyer = await party("Lawyer Wang", members.lawyer.key);
  await caseOne(chain, lawyer);
  const two = await caseTwo(chain, lawyer);
  await mediateCaseTwo(chain, lawyer, two);
  say("\nBoth cases played. Everything above is in the data directory: a restart of `npm start` keeps it.");
}

try {
  await main();
} catch (error) {
  console.error(`\nThe demo stopped: ${error instanceof StepFailed ? error.message : String(error)}`);
  process.exitCode = 1;
}
