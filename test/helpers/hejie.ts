/**
 * A deployed Hejie with admitted parties, and builders for signed settlements and payment reports.
 * Shared by the TypeScript tests and the gas benchmark.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { type BaseWallet, ZeroHash, concat, hexlify, keccak256, randomBytes, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { type OracleSignature, compactSignature } from "../../protocol/signatures.js";

import HejieModule from "../../deploy/modules/Hejie.js";
import { AccountKind, Licence } from "../../protocol/enums.js";
import { Roles } from "../../protocol/roles.js";
import { endOfDayCst, monthlyPlanOf, monthlySchedule } from "../../protocol/schedule.js";
import {
  type Instalment,
  type PaymentReport,
  type Settlement,
  paymentReportTypes,
  settlementDomain,
  settlementTypes,
  termsOf,
  typesOf,
} from "../../protocol/typed-data.js";
import type {
  AccessManager,
  EvidenceRegistry,
  HejieRegistry,
  MultisigWallet,
} from "../../types/ethers-contracts/index.js";

type Connection = NetworkConnection<"generic">;
type Ethers = Connection["ethers"];

export const DAY = 86_400n;
/** 2027-01-31 23:59:59 China Standard Time: a month-end first due date exercises clamping
 * (28 February, then 31 March). (It was 1_801_324_799, 30 January, by mistake.) */
export const FIRST_DUE = endOfDayCst(2027, 1, 31);

/**
 * Where every test chain's clock starts: 2026-12-01 00:00:00 UTC, two months before `FIRST_DUE`,
 * whatever the wall clock says. Tests that register the fixture's terms (deadline `FIRST_DUE`) and
 * travel through the schedule stay valid on any date.
 */
export const CHAIN_START = new Date("2026-12-01T00:00:00Z");

/** A fresh in-process chain (one per test file) whose clock starts at `CHAIN_START`. */
export function createConnection(): Promise<Connection> {
  return network.create({ override: { initialDate: CHAIN_START } });
}

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
 * committee member, and binds a borrower. On a JSON-RPC chain Ignition keeps a journal on disk under
 * `deploy/deployments/<deploymentId>`: pass a fresh id (and delete the folder afterwards). */
export async function deployHejie(connection: Connection, options: { deploymentId?: string } = {}): Promise<Hejie> {
  const { ethers, ignition } = connection;
  const deployed = await ignition.deploy(HejieModule, { deploymentId: options.deploymentId });
  const [registrar, borrower, platform, lawyer, oracle, committee, outsider, ...spare] = await ethers.getSigners();
  if (outsider === undefined || registrar === undefined || borrower === undefined) throw new Error("too few accounts");
  if (platform === undefined || lawyer === undefined || oracle === undefined || committee === undefined) {
    throw new Error("too few accounts");
  }
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

export async function signSettlement(
  h: Hejie,
  signer: HardhatEthersSigner | BaseWallet,
  terms: Settlement,
): Promise<string> {
  return signer.signTypedData(await domainOf(h), typesOf(settlementTypes), terms);
}

type Signer = HardhatEthersSigner | BaseWallet;

/** Who signs for each party; the fixture's borrower, platform and lawyer by default. */
export interface PartySigners {
  borrower?: Signer;
  platform?: Signer;
  lawyer?: Signer;
}

export async function signAll(
  h: Hejie,
  terms: Settlement,
  signers: PartySigners = {},
): Promise<[string, string, string]> {
  return [
    await signSettlement(h, signers.borrower ?? h.borrower, terms),
    await signSettlement(h, signers.platform ?? h.platform, terms),
    await signSettlement(h, signers.lawyer ?? h.lawyer, terms),
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
export async function registerSettlement(
  h: Hejie,
  settlement: Settlement = settlementTerms(h),
  signers: PartySigners = {},
): Promise<string> {
  const id = await settlementIdOf(h, settlement);
  await (await submitSettlement(h, settlement, await signAll(h, settlement, signers))).wait();
  return id;
}

export function paymentReport(settlementId: string, sequence: bigint, amount: bigint, paidAt: bigint): PaymentReport {
  return { settlementId, sequence, amount, paidAt, bankReference: hexlify(randomBytes(32)) };
}

/** The oracle's signature of a report, in the compact form the registry takes. */
export async function signReport(
  h: Hejie,
  report: PaymentReport,
  signer: HardhatEthersSigner | BaseWallet = h.oracle,
): Promise<OracleSignature> {
  return compactSignature(await signer.signTypedData(await domainOf(h), typesOf(paymentReportTypes), report));
}

/** Signs a report with the fixture's oracle (or `signer`) and records it; returns the transaction. */
export async function recordPayment(
  h: Hejie,
  report: PaymentReport,
  signer: HardhatEthersSigner | BaseWallet = h.oracle,
) {
  return h.settlements.recordPayment(report, await signReport(h, report, signer));
}

/** Moves the chain's clock to `time` (Unix seconds) and mines a block there. */
export async function setTime(h: Hejie, time: bigint): Promise<void> {
  await h.ethers.provider.send("evm_setNextBlockTimestamp", [Number(time)]);
  await h.ethers.provider.send("evm_mine", []);
}

/** The next transaction's block will have timestamp `time` (for checks exactly at a boundary). */
export async function setNextBlockTime(h: Hejie, time: bigint): Promise<void> {
  await h.ethers.provider.send("evm_setNextBlockTimestamp", [Number(time)]);
}

/** Admits a further platform (licence: unlicensed) with `key` and adds `oracle` as its ORACLE key. */
export async function admitPlatform(
  h: Hejie,
  key: string | { getAddress(): Promise<string> },
  oracle: string | { getAddress(): Promise<string> },
  label: string,
): Promise<bigint> {
  await (await h.members.admitMember(AccountKind.Platform, Licence.Unlicensed, commitment(label), key)).wait();
  const accountId = await h.members.accountCount();
  await (await h.members.addKey(accountId, oracle, Roles.ORACLE)).wait();
  return accountId;
}

/** The latest block's timestamp: what views (`compliance`, `getInstalments`) are evaluated at. */
export async function now(h: Hejie): Promise<bigint> {
  const block = await h.ethers.provider.getBlock("latest");
  if (block === null) throw new Error("no latest block");
  return BigInt(block.timestamp);
}

/** `compliance(id)` as a plain object, for deep equality. */
export async function complianceOf(h: Hejie, id: string) {
  const c = await h.settlements.compliance(id);
  return {
    status: c.status,
    standing: c.standing,
    totalDue: c.totalDue,
    paidTotal: c.paidTotal,
    dueToDate: c.dueToDate,
    arrears: c.arrears,
    daysOverdue: c.daysOverdue,
    nextInstalment: c.nextInstalment,
  };
}

/** The state of every instalment, in order (see `InstalmentState` in protocol/enums.ts). */
export async function instalmentStates(h: Hejie, id: string): Promise<number[]> {
  return (await h.settlements.getInstalments(id)).map((v) => Number(v.state));
}

/*//////////////////////////////////////////////////////////////
                      ERC-1271 CONTRACT WALLETS
//////////////////////////////////////////////////////////////*/

export interface Multisig {
  wallet: MultisigWallet;
  address: string;
  /** The owners' keys, sorted by address (the order the wallet wants their signatures in). */
  owners: BaseWallet[];
}

/** Deploys a `MultisigWallet` (contracts/test-fixtures) with `ownerCount` fresh owner keys. */
export async function deployMultisig(h: Hejie, threshold = 2, ownerCount = 3): Promise<Multisig> {
  const owners = Array.from({ length: ownerCount }, () => h.ethers.Wallet.createRandom() as BaseWallet).sort((a, b) =>
    BigInt(a.address) < BigInt(b.address) ? -1 : 1,
  );
  const wallet = (await h.ethers.deployContract("MultisigWallet", [
    owners.map((o) => o.address),
    threshold,
  ])) as unknown as MultisigWallet;
  await wallet.waitForDeployment();
  return { wallet, address: await wallet.getAddress(), owners };
}

/** The owners' raw-digest signatures, concatenated in the order given (sort them for a valid one). */
export function ownerSignatures(digest: string, signers: readonly BaseWallet[]): string {
  return concat(signers.map((s) => s.signingKey.sign(digest).serialized));
}

/** Has `signers` (the first `threshold` owners by default) approve and the wallet call `to` with `data`. */
export async function multisigExecute(
  multisig: Multisig,
  to: string,
  data: string,
  signers: readonly BaseWallet[] = multisig.owners.slice(0, 2),
) {
  const digest = await multisig.wallet.executionDigest(to, data);
  return multisig.wallet.execute(to, data, ownerSignatures(digest, signers));
}
