/**
 * A deployed Hejie with admitted parties, and builders for signed settlements and payment reports.
 * Shared by the TypeScript tests and the gas benchmark.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroHash, hexlify, keccak256, randomBytes, toUtf8Bytes } from "ethers";

import { type OracleSignature, compactSignature } from "../../protocol/signatures.js";
import type { NetworkConnection } from "hardhat/types/network";

import HejieModule from "../../deploy/modules/Hejie.js";
import { AccountKind, Licence } from "../../protocol/enums.js";
import { Roles } from "../../protocol/roles.js";
import { monthlyPlanOf, monthlySchedule } from "../../protocol/schedule.js";
import {
  type Instalment,
  type PaymentReport,
  type Settlement,
  paymentReportTypes,
  settlementDomain,
  settlementTypes,
  termsOf,
} from "../../protocol/typed-data.js";
import type { AccessManager, EvidenceRegistry, HejieRegistry } from "../../types/ethers-contracts/index.js";

type Connection = NetworkConnection<"generic">;
type Ethers = Connection["ethers"];

export const DAY = 86_400n;
/** 2027-01-31 23:59:59 China Standard Time: a month-end first due date exercises clamping. */
export const FIRST_DUE = 1_801_324_799n;

export interface Hejie {
  ethers: Ethers;
  chainId: bigint;
  accessManager: AccessManager;
  /** The HejieRegistry, seen as the member registry … */
  members: HejieRegistry;
  /** … and as the settlement registry: the same contract. */
  settlements: HejieRegistry;
  evidence: EvidenceRegistry;
  registrar: HardhatEthersSigner;
  borrower: HardhatEthersSigner;
  platform: HardhatEthersSigner;
  lawyer: HardhatEthersSigner;
  oracle: HardhatEthersSigner;
  committee: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  /** Signers not yet registered anywhere, for tests that need fresh keys. */
  spare: HardhatEthersSigner[];
  ids: { borrower: bigint; platform: bigint; lawyer: bigint; committee: bigint };
}

export const commitment = (label: string) => keccak256(toUtf8Bytes(`identity-commitment:${label}`));

/** Deploys with the Ignition module and admits a platform (with an oracle key), a lawyer, a
 * committee member, and binds a borrower. */
export async function deployHejie(connection: Connection): Promise<Hejie> {
  const { ethers, ignition } = connection;
  const deployed = await ignition.deploy(HejieModule);
  const [registrar, borrower, platform, lawyer, oracle, committee, outsider, ...spare] = await ethers.getSigners();
  const at = async <T>(name: string, contract: { getAddress(): Promise<string> }) =>
    (await ethers.getContractAt(name, await contract.getAddress())) as unknown as T;
  const accessManager = await at<AccessManager>("AccessManager", deployed.accessManager);
  const registry = await at<HejieRegistry>("HejieRegistry", deployed.registry);
  const members = registry;
  const settlements = registry;
  const evidence = await at<EvidenceRegistry>("EvidenceRegistry", deployed.evidenceRegistry);

  await (await members.admitMember(AccountKind.Platform, Licence.Unlicensed, commitment("platform"), platform)).wait();
  await (await members.admitMember(AccountKind.Lawyer, Licence.None, commitment("lawyer"), lawyer)).wait();
  await (
    await members.admitMember(AccountKind.CommitteeMember, Licence.None, commitment("committee"), committee)
  ).wait();
  const ids = {
    platform: (await members.getKey(platform)).accountId,
    lawyer: (await members.getKey(lawyer)).accountId,
    committee: (await members.getKey(committee)).accountId,
    borrower: 0n,
  };
  await (await members.addKey(ids.platform, oracle, Roles.ORACLE)).wait();
  await (await members.bindBorrower(borrower, commitment("borrower"))).wait();
  ids.borrower = (await members.getKey(borrower)).accountId;

  const { chainId } = await ethers.provider.getNetwork();
  return {
    ethers,
    chainId,
    accessManager,
    members,
    settlements,
    evidence,
    registrar,
    borrower,
    platform,
    lawyer,
    oracle,
    committee,
    outsider,
    spare,
    ids,
  };
}

export async function domainOf(h: Hejie) {
  return settlementDomain(h.chainId, await h.settlements.getAddress());
}

/** Terms between the fixture's parties: 12 equal monthly instalments of 1,000.00 yuan by default. */
export function settlementTerms(h: Hejie, overrides: Partial<Settlement> = {}): Settlement {
  const instalments: Instalment[] = overrides.instalments ?? monthlySchedule(FIRST_DUE, 12, 1_200_000n);
  const total = instalments.reduce((s, i) => s + i.amount, 0n);
  return {
    caseId: hexlify(randomBytes(32)),
    borrower: h.borrower.address,
    platform: h.platform.address,
    lawyer: h.lawyer.address,
    documentHash: hexlify(randomBytes(32)),
    currency: "CNY",
    originalPrincipal: 1_000_000n,
    loanFormedAt: FIRST_DUE - 400n * DAY,
    settledAmount: total,
    instalments,
    gracePeriod: 5n * DAY,
    curePeriod: 30n * DAY,
    contestWindow: 14n * DAY,
    amends: ZeroHash,
    borrowerNonce: 0n,
    platformNonce: 0n,
    lawyerNonce: 0n,
    deadline: FIRST_DUE,
    ...overrides,
  };
}

export async function signSettlement(h: Hejie, signer: HardhatEthersSigner, terms: Settlement): Promise<string> {
  return signer.signTypedData(await domainOf(h), settlementTypes as never, terms);
}

export async function signAll(h: Hejie, terms: Settlement): Promise<[string, string, string]> {
  return [
    await signSettlement(h, h.borrower, terms),
    await signSettlement(h, h.platform, terms),
    await signSettlement(h, h.lawyer, terms),
  ];
}

export function settlementIdOf(h: Hejie, settlement: Settlement): Promise<string> {
  return h.settlements.settlementId(termsOf(settlement), settlement.instalments);
}

/**
 * Sends a signed settlement the cheapest way: as a monthly plan when its schedule is one, else with
 * its explicit instalments. Returns the transaction.
 */
export async function submitSettlement(
  h: Hejie,
  settlement: Settlement,
  signatures: readonly [string, string, string],
) {
  const plan = monthlyPlanOf(settlement.instalments);
  return plan === undefined
    ? h.settlements.register(termsOf(settlement), settlement.instalments, ...signatures)
    : h.settlements.registerMonthly(termsOf(settlement), plan, ...signatures);
}

/** Registers terms signed by the fixture's three parties; returns the settlement id. */
export async function registerSettlement(h: Hejie, settlement: Settlement = settlementTerms(h)): Promise<string> {
  const id = await settlementIdOf(h, settlement);
  await (await submitSettlement(h, settlement, await signAll(h, settlement))).wait();
  return id;
}

export function paymentReport(settlementId: string, sequence: bigint, amount: bigint, paidAt: bigint): PaymentReport {
  return { settlementId, sequence, amount, paidAt, bankReference: hexlify(randomBytes(32)) };
}

/** The oracle's signature of a report, in the compact form the registry takes. */
export async function signReport(h: Hejie, report: PaymentReport, signer = h.oracle): Promise<OracleSignature> {
  return compactSignature(await signer.signTypedData(await domainOf(h), paymentReportTypes as never, report));
}

/** Moves the chain's clock to `time` (Unix seconds) and mines a block there. */
export async function setTime(h: Hejie, time: bigint): Promise<void> {
  await h.ethers.provider.send("evm_setNextBlockTimestamp", [Number(time)]);
  await h.ethers.provider.send("evm_mine", []);
}
