/**
 * Gas benchmark: `npm run bench:gas` (`hardhat run bench/gas.ts`). See bench/README.md.
 *
 * Deploys Hejie with its Ignition module on a fresh in-process chain, and EAS (the peer) from its
 * npm package's artifacts on the same chain; sends fixed, label-derived transactions; reads the gas
 * each used from its receipt; writes `bench/gas.json` and prints a table with each figure's target
 * and its change since the committed snapshot.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionResponse } from "ethers";
import hre, { network } from "hardhat";

import { EVM_VERSION } from "../hardhat.config.js";
import { CaseType, DEFAULT_RULEBOOKS } from "../protocol/cases.js";
import {
  AccountKind,
  CaseStatus,
  DisputeSubject,
  EvidenceKind,
  InstalmentState,
  Licence,
  Status,
  Vote,
} from "../protocol/enums.js";
import { evidenceTree } from "../protocol/evidence.js";
import { monthlyPlanOf, monthlySchedule } from "../protocol/schedule.js";
import type { OracleSignature } from "../protocol/signatures.js";
import {
  type Instalment,
  type PaymentReport,
  type Settlement,
  type Standstill,
  casesDomain,
  standstillTypes,
  typesOf,
} from "../protocol/typed-data.js";
import { caseRegistryOf } from "../test/helpers/cases.js";
import {
  DAY,
  FIRST_DUE,
  type Hejie,
  deployHejie,
  setTime,
  settlementIdOf,
  settlementTerms,
  signAll,
  signReport,
  submitSettlement,
} from "../test/helpers/hejie.js";
import { GENESIS, MONTHLY_TOTAL, TIMELINE, documents, irregularSchedule, labelled } from "./data.js";
import {
  AGREEMENT_HASH_SCHEMA,
  AGREEMENT_SCHEMA,
  EAS_PACKAGE,
  EasPeer,
  delegatedAttestation,
  easVersion,
  encodeAgreement,
  encodeAgreementHash,
  registerSchema,
} from "./eas.js";
import { type GasFigures, README_END, perItem, readBaseline, table, updateReadme } from "./report.js";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const GAS_JSON = join(BENCH_DIR, "gas.json");
const README = join(BENCH_DIR, "README.md");

/** Sends a transaction and returns the gas it used, from its receipt; a revert fails the benchmark. */
async function gasOf(sent: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await sent).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("a measured transaction failed");
  return Number(receipt.gasUsed);
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark scenario is not what it claims: ${what}`);
}

/** Intrinsic gas of a call's calldata before Prague (EIP-2028): 16 per non-zero byte, 4 per zero byte. */
function calldataGas(data: string): number {
  let gas = 0;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}

// ---------------------------------------------------------------------------------------------
// Hejie scenarios
// ---------------------------------------------------------------------------------------------

/** Terms between the fixture's parties, with fixed case id and document hash. */
function agreement(h: Hejie, name: string, instalments: Instalment[]): Settlement {
  return settlementTerms(h, {
    caseId: labelled(`case:${name}`),
    documentHash: labelled(`document:${name}`),
    instalments,
  });
}

/** Registers an agreement signed by its three parties (submitted by the deployer); returns id and gas. */
async function register(h: Hejie, settlement: Settlement): Promise<{ id: string; gas: number }> {
  const id = await settlementIdOf(h, settlement);
  const gas = await gasOf(submitSettlement(h, settlement, await signAll(h, settlement)));
  check((await h.settlements.getSettlement(id))[0].status === BigInt(Status.Active), `${id} is registered`);
  return { id, gas };
}

interface SignedReport {
  report: PaymentReport;
  signature: OracleSignature;
}

async function signedReport(
  h: Hejie,
  id: string,
  sequence: bigint,
  amount: bigint,
  paidAt: bigint,
): Promise<SignedReport> {
  const report = { settlementId: id, sequence, amount, paidAt, bankReference: labelled(`bank:${id}:${sequence}`) };
  return { report, signature: await signReport(h, report) };
}

async function reportCount(h: Hejie, id: string): Promise<bigint> {
  return (await h.settlements.getSettlement(id))[0].reportCount;
}

async function instalmentState(h: Hejie, id: string, index: number): Promise<bigint> {
  return (await h.settlements.getInstalment(id, index)).state;
}

async function measureRegistrations(h: Hejie) {
  const monthly = (count: number) => agreement(h, `monthly-${count}`, monthlySchedule(FIRST_DUE, count, MONTHLY_TOTAL));
  const [six, twelve, thirtySix] = [monthly(6), monthly(12), monthly(36)];
  const irregular = agreement(h, "irregular-12", irregularSchedule());
  for (const s of [six, twelve, thirtySix]) check(monthlyPlanOf(s.instalments) !== undefined, "monthly plan");
  check(monthlyPlanOf(irregular.instalments) === undefined, "irregular schedule goes through register");
  return {
    figures: {
      "6": (await register(h, six)).gas,
      "12": (await register(h, twelve)).gas,
      "36": (await register(h, thirtySix)).gas,
      "12irregular": (await register(h, irregular)).gas,
    },
    /** The agreement the peers attest: the same data as the 12-instalment registration. */
    twelve,
  };
}

/** Agreements for the payment scenarios, each with its first report (instalment 0, on time) recorded. */
async function paymentAgreements(h: Hejie, names: string[]) {
  const schedule = monthlySchedule(FIRST_DUE, 12, MONTHLY_TOTAL);
  const ids: string[] = [];
  for (const name of names) ids.push((await register(h, agreement(h, name, schedule))).id);
  return { ids, instalment: schedule[1]?.amount ?? 0n };
}

async function measurePayments(h: Hejie) {
  const relayer = h.settlements.connect(h.outsider);
  const batch20 = Array.from({ length: 20 }, (_, i) => `batch20-${i}`);
  const batch100 = Array.from({ length: 100 }, (_, i) => `batch100-${i}`);
  const names = ["single", "partial", "late", "dueDate", ...batch20, ...batch100];
  const { ids, instalment } = await paymentAgreements(h, names);
  const idOf = new Map(names.map((name, i) => [name, ids[i] ?? ""]));
  const id = (name: string) => idOf.get(name) ?? "";

  await setTime(h, TIMELINE.payments);
  // Unmeasured: every agreement's first report, so that the measured ones are each agreement's
  // second (the typical case mid-schedule, not the first ever).
  const first = await Promise.all(ids.map((i) => signedReport(h, i, 0n, instalment, TIMELINE.firstPaidAt)));
  await (
    await h.settlements.recordPayments(
      first.map((r) => r.report),
      first.map((r) => r.signature),
    )
  ).wait();
  for (const i of ids) check((await reportCount(h, i)) === 1n, "first reports recorded");

  const second = (name: string, amount = instalment, paidAt = TIMELINE.secondPaidAt) =>
    signedReport(h, id(name), 1n, amount, paidAt);
  const batch = async (group: string[]) => {
    const reports = await Promise.all(group.map((name) => second(name)));
    const gas = await gasOf(
      relayer.recordPayments(
        reports.map((r) => r.report),
        reports.map((r) => r.signature),
      ),
    );
    for (const name of group)
      check((await instalmentState(h, id(name), 1)) === BigInt(InstalmentState.PaidOnTime), "batch on time");
    return gas;
  };

  const one = await second("single");
  const single = await gasOf(relayer.recordPayment(one.report, one.signature));
  check((await instalmentState(h, id("single"), 1)) === BigInt(InstalmentState.PaidOnTime), "single on time");

  const half = await second("partial", instalment / 2n);
  const partial = await gasOf(relayer.recordPayment(half.report, half.signature));
  check((await h.settlements.compliance(id("partial"))).nextInstalment === 1n, "partial completes nothing");

  const batch20Tx = await batch(batch20);
  const batch100Tx = await batch(batch100);

  /**
   * To be run last: it moves the clock past instalment 1's due date (and the signatures' deadline).
   * Measures a late payment, and one paid at the very due time: on time, but too close to the due
   * date for the registry's cheap early-payment bound, so it pays for the exact calendar check.
   */
  const measureLate = async () => {
    await setTime(h, TIMELINE.late);
    const overdue = await second("late", instalment, TIMELINE.latePaidAt);
    const late = await gasOf(relayer.recordPayment(overdue.report, overdue.signature));
    check((await instalmentState(h, id("late"), 1)) === BigInt(InstalmentState.PaidLate), "late payment is late");
    const atDue = await second("dueDate", instalment, TIMELINE.dueDatePaidAt);
    const dueDate = await gasOf(relayer.recordPayment(atDue.report, atDue.signature));
    check(
      (await instalmentState(h, id("dueDate"), 1)) === BigInt(InstalmentState.PaidOnTime),
      "due-date payment on time",
    );
    return { late, dueDate };
  };

  return {
    figures: {
      single,
      batch20PerPayment: perItem(batch20Tx, 20),
      batch100PerPayment: perItem(batch100Tx, 100),
    },
    meta: { partial, batch20Tx, batch100Tx },
    measureLate,
  };
}

async function measureAnchors(h: Hejie) {
  const anchorer = h.evidence.connect(h.platform);
  const caseId = labelled("case:evidence");

  const [doc] = documents("single", 1);
  if (doc === undefined) throw new Error("no document");
  const leaf = await h.evidence.leafOf(doc.sha256, doc.salt);
  check(leaf === evidenceTree([doc]).root, "a one-document tree's root is its leaf");
  const single = await gasOf(anchorer.anchor(leaf, caseId, EvidenceKind.Agreement, 1));

  const batchOf = async (count: number) => {
    const tree = evidenceTree(documents(`batch${count}`, count));
    const gas = await gasOf(anchorer.anchor(tree.root, caseId, EvidenceKind.PaymentReceipt, count));
    return { tree, gas };
  };
  const hundred = await batchOf(100);
  const thousand = await batchOf(1_000);

  // Verification: a 1,024-document tree (every proof has 10 siblings), its root anchored unmeasured.
  const deep = await batchOf(1_024);
  const [, value] = [...deep.tree.entries()][0] ?? [];
  if (value === undefined) throw new Error("empty tree");
  const proof = deep.tree.getProof(0);
  check(proof.length === 10, "depth-10 proof");
  const args = [deep.tree.root, value[0], value[1], proof] as const;
  const verifier = h.evidence.connect(h.outsider);
  check(await verifier.verifyDocument(...args), "the proof verifies");
  // The view sent as a transaction (ethers' `.send`): its receipt's gas, checked against estimateGas.
  const estimated = Number(await verifier.verifyDocument.estimateGas(...args));
  const sent = await verifier.verifyDocument.send(...args);
  const verify = await gasOf(Promise.resolve(sent));
  const intrinsic = 21_000 + calldataGas(sent.data);
  if (estimated !== verify)
    console.warn(`verifyDocument: estimateGas ${estimated} differs from the receipt's ${verify}`);

  return {
    figures: {
      single,
      perDoc100: perItem(hundred.gas, 100),
      perDoc1000: perItem(thousand.gas, 1_000),
      verifyProofDepth10: verify,
    },
    meta: {
      batch100Tx: hundred.gas,
      batch1000Tx: thousand.gas,
      verifyProofDepth10EstimateGas: estimated,
      verifyProofDepth10Intrinsic: intrinsic,
      verifyProofDepth10Execution: verify - intrinsic,
    },
    leaf,
    hundredLeaves: [...hundred.tree.entries()].map(([, v]) => hundred.tree.leafHash(v)),
  };
}

// ---------------------------------------------------------------------------------------------
// Peer: EAS on the same data
// ---------------------------------------------------------------------------------------------

/** Three delegated attestations of `data` (borrower, platform, lawyer signing; the outsider relays). */
async function attestThree(
  h: Hejie,
  peer: EasPeer,
  schema: string,
  attesters: readonly (readonly [string, HardhatEthersSigner])[],
  data: string,
  agreed: Settlement,
) {
  const gas: Record<string, number> = {};
  for (const [name, signer] of attesters) {
    const request = await delegatedAttestation(peer, schema, signer, {
      recipient: agreed.borrower,
      data,
      deadline: agreed.deadline,
    });
    check((await peer.nonceOf(signer.address)) === 0n, `${name} attests with EAS for the first time`);
    gas[name] = await gasOf(peer.attestByDelegation(h.outsider, request));
    check((await peer.nonceOf(signer.address)) === 1n, `${name}'s delegated attestation was accepted`);
  }
  return { each: gas, total: Object.values(gas).reduce((a, b) => a + b, 0) };
}

async function measureEas(h: Hejie, agreed: Settlement, leaf: string, leaves: string[]) {
  const peer = await EasPeer.deploy(h.registrar);
  const parties = [
    ["borrower", h.borrower],
    ["platform", h.platform],
    ["lawyer", h.lawyer],
  ] as const;
  const data = encodeAgreement(agreed);
  const full = await attestThree(h, peer, await registerSchema(peer, AGREEMENT_SCHEMA), parties, data, agreed);
  // The same with hashes only, by three accounts that never attested either (fresh EAS nonces).
  const [s0, s1, s2] = h.spare;
  if (s0 === undefined || s1 === undefined || s2 === undefined) throw new Error("needs three spare accounts");
  const hashes = await attestThree(
    h,
    peer,
    await registerSchema(peer, AGREEMENT_HASH_SCHEMA),
    [
      ["borrower'", s0],
      ["platform'", s1],
      ["lawyer'", s2],
    ],
    encodeAgreementHash(agreed),
    agreed,
  );

  const timestamp = await gasOf(peer.timestamp(h.outsider, leaf));
  check((await peer.timestampOf(leaf)) !== 0n, "EAS timestamped the hash");
  check(leaves.length === 100, "100 hashes");
  const multiTimestamp100Tx = await gasOf(peer.multiTimestamp(h.outsider, leaves));
  return {
    figures: {
      easDelegatedAttestTimes3: full.total,
      easTimestamp: timestamp,
      easMultiTimestampPerItem100: perItem(multiTimestamp100Tx, 100),
    },
    meta: {
      easDelegatedAttest: full.each,
      easAttestationDataBytes: (data.length - 2) / 2,
      easDelegatedAttestTimes3HashesOnly: hashes.total,
      easMultiTimestamp100Tx: multiTimestamp100Tx,
    },
  };
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Cases (CaseRegistry): measured last, on the same chain, so the figures above are unaffected
// ---------------------------------------------------------------------------------------------

/** One simple case from opening to the joint application, a standstill breach, and one dispute decided. */
async function measureCases(h: Hejie) {
  const cases = await caseRegistryOf(h);
  const [mediator, member2, member3, otherPlatform] = h.spare as [
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
  ];
  const admit = async (kind: number, licence: number, label: string, key: HardhatEthersSigner) => {
    await (await h.members.admitMember(kind, licence, labelled(`commitment:${label}`), key)).wait();
    return (await h.members.getKey(key)).accountId;
  };
  const mediatorId = await admit(AccountKind.Lawyer, Licence.None, "mediator", mediator);
  const member2Id = await admit(AccountKind.CommitteeMember, Licence.None, "member2", member2);
  const member3Id = await admit(AccountKind.CommitteeMember, Licence.None, "member3", member3);
  const otherPlatformId = await admit(AccountKind.Platform, Licence.Bank, "other platform", otherPlatform);

  const setRulebook = await gasOf(cases.connect(h.committee).setRulebook(CaseType.Simple, DEFAULT_RULEBOOKS.Simple));
  await (await cases.connect(h.committee).setRulebook(CaseType.MultiCreditor, DEFAULT_RULEBOOKS.MultiCreditor)).wait();
  const caseId = labelled("case:simple");
  const openSimple = await gasOf(
    cases.connect(h.lawyer).openCase(caseId, CaseType.Simple, h.ids.borrower, [h.ids.platform], mediatorId),
  );
  const openMulti2 = await gasOf(
    cases
      .connect(h.lawyer)
      .openCase(
        labelled("case:multi"),
        CaseType.MultiCreditor,
        h.ids.borrower,
        [h.ids.platform, otherPlatformId],
        mediatorId,
      ),
  );
  const now = BigInt((await h.ethers.provider.getBlock("latest"))!.timestamp);
  const { id } = await register(
    h,
    settlementTerms(h, {
      caseId,
      documentHash: labelled("document:case"),
      instalments: monthlySchedule(now + 30n * DAY, 12, MONTHLY_TOTAL),
      deadline: now + DAY,
    }),
  );
  const addAgreement = await gasOf(cases.connect(h.lawyer).addAgreement(caseId, id));
  const standstill: Standstill = {
    caseId,
    creditor: h.platform.address,
    borrowerId: h.ids.borrower,
    endsAt: now + 365n * DAY,
    nonce: (await h.members.getKey(h.platform)).nonce,
    deadline: now + DAY,
  };
  const signature = await h.platform.signTypedData(
    casesDomain(h.chainId, await cases.getAddress()),
    typesOf(standstillTypes),
    standstill,
  );
  const recordStandstill = await gasOf(cases.recordStandstill(standstill, signature));
  const startMediation = await gasOf(cases.connect(mediator).startMediation(caseId));
  const recordPartiesSigned = await gasOf(cases.connect(h.lawyer).recordPartiesSigned(caseId, labelled("signed")));
  const signAsMediator = await gasOf(cases.connect(mediator).signAsMediator(caseId));
  await (await cases.connect(h.borrower).applyForConfirmation(caseId, labelled("application"))).wait();
  const applyCompleting = await gasOf(cases.connect(h.platform).applyForConfirmation(caseId, labelled("application")));
  check((await cases.getCase(caseId)).status === BigInt(CaseStatus.ConfirmationApplied), "case applied");
  // A collection call while the standstill holds (recorded after it, so the time is the latest block's).
  const calledAt = BigInt((await h.ethers.provider.getBlock("latest"))!.timestamp);
  const reportBreach = await gasOf(
    cases.connect(h.borrower).reportCollection(caseId, h.ids.platform, calledAt, labelled("evidence:call")),
  );
  check((await cases.getCreditor(caseId, h.ids.platform)).breaches === 1n, "breach flagged");

  const openDispute = await gasOf(
    cases.connect(h.borrower).openDispute(caseId, id, DisputeSubject.Clause, 0, labelled("clause"), labelled("ev")),
  );
  const disputeId = await cases.disputeCount();
  const panel = [h.ids.committee, member2Id, member3Id];
  const appointPanel = await gasOf(cases.connect(h.committee).appointPanel(disputeId, panel));
  const castVote = await gasOf(cases.connect(h.committee).castVote(disputeId, Vote.Uphold, labelled("opinion:1")));
  await (await cases.connect(member2).castVote(disputeId, Vote.Uphold, labelled("opinion:2"))).wait();
  const resolveUphold = await gasOf(cases.connect(member3).resolveDispute(disputeId, labelled("resolution")));
  check((await h.settlements.getSettlement(id))[0].status === BigInt(Status.Active), "upheld: Active again");
  return {
    setRulebook,
    openCase1Creditor: openSimple,
    openCase2Creditors: openMulti2,
    addAgreement,
    recordStandstill,
    startMediation,
    recordPartiesSigned,
    signAsMediator,
    applyForConfirmationCompleting: applyCompleting,
    reportCollectionBreach: reportBreach,
    openDispute,
    appointPanel3: appointPanel,
    castVote,
    resolveDisputeUphold: resolveUphold,
  };
}

async function compilerSettings() {
  const id = await hre.artifacts.getBuildInfoId("HejieRegistry");
  const path = id === undefined ? undefined : await hre.artifacts.getBuildInfoPath(id);
  if (path === undefined) throw new Error("no build info for HejieRegistry: run `npx hardhat compile`");
  const info = JSON.parse(readFileSync(path, "utf8")) as {
    solcLongVersion: string;
    input: { settings: { evmVersion?: string; optimizer?: { enabled?: boolean; runs?: number }; viaIR?: boolean } };
  };
  const { evmVersion, optimizer, viaIR } = info.input.settings;
  return { solc: info.solcLongVersion, evmVersion, optimizer, viaIR: viaIR ?? false };
}

async function main(): Promise<void> {
  // A fresh chain whose EVM is the one the contracts are compiled for, starting at a fixed date.
  const connection = await network.create({ override: { hardfork: EVM_VERSION, initialDate: GENESIS } });
  const h = await deployHejie(connection);

  await setTime(h, TIMELINE.register);
  const registrations = await measureRegistrations(h);
  const payments = await measurePayments(h);
  const anchors = await measureAnchors(h);
  const peers = await measureEas(h, registrations.twelve, anchors.leaf, anchors.hundredLeaves);
  const { late, dueDate } = await payments.measureLate();
  const cases = await measureCases(h);

  const figures: GasFigures = {
    register: registrations.figures,
    payment: payments.figures,
    anchor: anchors.figures,
    peers: peers.figures,
  };
  const compiler = await compilerSettings();
  const output = {
    ...figures,
    /** CaseRegistry figures (not in the table of bench/README.md: bench/report.ts lists its rows). */
    cases,
    meta: {
      date: new Date().toISOString().slice(0, 10),
      chain: { network: "Hardhat in-process (EDR)", hardfork: EVM_VERSION, genesis: GENESIS.toISOString() },
      compiler,
      peer: `${EAS_PACKAGE}@${easVersion()}, deployed from its artifacts/ (solc 0.8.29)`,
      payment: {
        partial: payments.meta.partial,
        late,
        dueDate,
        batch20Tx: payments.meta.batch20Tx,
        batch100Tx: payments.meta.batch100Tx,
      },
      anchor: anchors.meta,
      peers: peers.meta,
    },
  };

  const baseline = readBaseline(GAS_JSON, hre.config.paths.root);
  const { text, failures } = table(output, baseline);
  const heading = [
    `Gas per transaction (per item where marked), ${compiler.solc.split("+")[0]} ` +
      `(${compiler.evmVersion}, optimizer runs ${compiler.optimizer?.runs}, viaIR ${compiler.viaIR}), ` +
      `chain hardfork ${EVM_VERSION}, ${output.meta.date}.`,
    baseline === undefined ? "No previous snapshot to compare with." : `Previous: ${baseline.source}.`,
  ].join("\n");
  const summary =
    failures.length === 0 ? "Every target is met." : `Targets missed:\n${failures.map((f) => `  ${f}`).join("\n")}`;

  writeFileSync(GAS_JSON, `${JSON.stringify(output, null, 2)}\n`);
  const block = ["```text", heading, "", text, "", summary, "```"].join("\n");
  const inReadme = updateReadme(README, block);

  console.log(`\n${heading}\n\n${text}\n\n${summary}\n`);
  console.log(`Wrote ${GAS_JSON}${inReadme ? " and the table in bench/README.md" : ""}.`);
  if (!inReadme) console.log(`(bench/README.md has no ${README_END} marker: its table was not updated.)`);
  // A benchmark reports; it fails the run only when asked to (for CI): BENCH_STRICT=1.
  if (failures.length > 0 && process.env.BENCH_STRICT === "1") process.exitCode = 1;
  await connection.close();
}

await main();
