/**
 * One definition of the signed records: protocol/typed-data.ts (TypeScript, what wallets sign) and
 * SettlementHashing.sol (what the registry checks) hash every record alike.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { TypedDataEncoder, ZeroHash, hexlify, keccak256, randomBytes, toUtf8Bytes } from "ethers";

import { CaseType, DEFAULT_RULEBOOKS } from "../protocol/cases.js";
import { Status } from "../protocol/enums.js";
import { endOfDayCst, monthlyPlanOf, monthlySchedule } from "../protocol/schedule.js";
import {
  CASES_DOMAIN_NAME,
  CASES_DOMAIN_VERSION,
  type PaymentReport,
  SETTLEMENT_DOMAIN_NAME,
  SETTLEMENT_DOMAIN_VERSION,
  type Settlement,
  type Standstill,
  casesDomain,
  paymentReportTypes,
  settlementDomain,
  settlementTypes,
  standstillTypes,
  termsOf,
  typesOf,
} from "../protocol/typed-data.js";
import type { CaseRegistry } from "../types/ethers-contracts/index.js";
import {
  DAY,
  FIRST_DUE,
  type Hejie,
  createConnection,
  deployHejie,
  domainOf,
  paymentReport,
  settlementIdOf,
  settlementTerms,
  signAll,
} from "./helpers/hejie.js";
import { caseRegistryOf } from "./helpers/cases.js";

/** The type strings SettlementHashing.sol hashes, read from its source. */
function solidityTypeString(constant: string): string {
  const source = readFileSync(new URL("../contracts/libraries/SettlementHashing.sol", import.meta.url), "utf8");
  const match = new RegExp(`${constant} = keccak256\\(([^;]*)\\);`).exec(source);
  if (match === null) throw new Error(`${constant} not found`);
  return [...(match[1] as string).matchAll(/"([^"]*)"/g)].map(([, part]) => part).join("");
}

describe("typed data: TypeScript and Solidity hash alike", () => {
  let h: Hejie;

  before(async () => {
    h = await deployHejie(await createConnection());
  });

  const settlementHash = async (s: Settlement) => TypedDataEncoder.hash(await domainOf(h), typesOf(settlementTypes), s);

  describe("type strings", () => {
    it("Settlement (with Instalment) is the type SettlementHashing.sol hashes", () => {
      expect(TypedDataEncoder.from(typesOf(settlementTypes)).encodeType("Settlement")).to.equal(
        solidityTypeString("SETTLEMENT_TYPEHASH"),
      );
    });

    it("Instalment is the type SettlementHashing.sol hashes", () => {
      expect(TypedDataEncoder.from(typesOf(settlementTypes)).encodeType("Instalment")).to.equal(
        solidityTypeString("INSTALMENT_TYPEHASH"),
      );
    });

    it("PaymentReport is the type SettlementHashing.sol hashes", () => {
      expect(TypedDataEncoder.from(typesOf(paymentReportTypes)).encodeType("PaymentReport")).to.equal(
        solidityTypeString("PAYMENT_REPORT_TYPEHASH"),
      );
    });
  });

  describe("domain", () => {
    it("eip712Domain() of the registry is protocol/typed-data.ts's domain", async () => {
      const [fields, name, version, chainId, verifyingContract, salt, extensions] = await h.settlements.eip712Domain();
      expect(fields).to.equal("0x0f"); // name, version, chainId, verifyingContract
      expect({ name, version, chainId, verifyingContract }).to.deep.equal(
        settlementDomain(h.chainId, await h.settlements.getAddress()),
      );
      expect(name).to.equal(SETTLEMENT_DOMAIN_NAME);
      expect(version).to.equal(SETTLEMENT_DOMAIN_VERSION);
      expect(salt).to.equal(ZeroHash);
      expect(extensions).to.deep.equal([]);
    });
  });

  describe("Settlement", () => {
    it("TypedDataEncoder.hash equals settlementId() for the fixture's monthly terms", async () => {
      const s = settlementTerms(h);
      expect(await settlementHash(s)).to.equal(await h.settlements.settlementId(termsOf(s), s.instalments));
    });

    it("… for an irregular explicit schedule and non-default terms", async () => {
      const s = settlementTerms(h, {
        instalments: [
          { dueAt: FIRST_DUE, amount: 1n },
          { dueAt: FIRST_DUE + 9n * DAY, amount: 2n ** 40n },
          { dueAt: FIRST_DUE + 400n * DAY, amount: 77_777n },
        ],
        currency: "人民币",
        amends: hexlify(randomBytes(32)),
        borrowerNonce: 7n,
        platformNonce: 2n ** 32n - 1n,
        lawyerNonce: 1n,
        deadline: 2n ** 40n - 1n,
      });
      s.settledAmount = s.instalments.reduce((sum, i) => sum + i.amount, 0n);
      expect(await settlementHash(s)).to.equal(await h.settlements.settlementId(termsOf(s), s.instalments));
    });

    it("… for 360 instalments", async () => {
      const s = settlementTerms(h, { instalments: monthlySchedule(FIRST_DUE, 360, 36_000_000n) });
      expect(await settlementHash(s)).to.equal(await h.settlements.settlementId(termsOf(s), s.instalments));
    });

    it("every signed field changes the id, on both sides alike", async () => {
      const base = settlementTerms(h);
      const baseId = await settlementHash(base);
      const changed: Partial<Settlement>[] = [
        { caseId: hexlify(randomBytes(32)) },
        { borrower: h.outsider.address },
        { platform: h.outsider.address },
        { lawyer: h.outsider.address },
        { documentHash: hexlify(randomBytes(32)) },
        { currency: "CNH" },
        { originalPrincipal: base.originalPrincipal + 1n },
        { loanFormedAt: base.loanFormedAt + 1n },
        { settledAmount: base.settledAmount + 1n },
        { instalments: [...base.instalments].reverse() },
        { instalments: base.instalments.map((i, k) => (k === 11 ? { ...i, amount: i.amount + 1n } : i)) },
        { instalments: base.instalments.map((i, k) => (k === 0 ? { ...i, dueAt: i.dueAt - 1n } : i)) },
        { instalments: base.instalments.slice(0, 11) },
        { gracePeriod: base.gracePeriod + 1n },
        { curePeriod: base.curePeriod + 1n },
        { contestWindow: base.contestWindow + 1n },
        { amends: hexlify(randomBytes(32)) },
        { borrowerNonce: 1n },
        { platformNonce: 1n },
        { lawyerNonce: 1n },
        { deadline: base.deadline + 1n },
      ];
      // Every field of the type is changed at least once.
      const touched = new Set(changed.flatMap((c) => Object.keys(c)));
      expect([...touched].sort()).to.deep.equal(settlementTypes.Settlement.map((f) => f.name).sort());
      const ids = new Set([baseId]);
      for (const change of changed) {
        const s = { ...base, ...change };
        const onChain = await h.settlements.settlementId(termsOf(s), s.instalments);
        expect(onChain, Object.keys(change).join()).to.equal(await settlementHash(s));
        ids.add(onChain);
      }
      expect(ids.size).to.equal(changed.length + 1);
    });

    it("the id is bound to the chain and the registry (domain)", async () => {
      const s = settlementTerms(h);
      const elsewhere = TypedDataEncoder.hash(
        settlementDomain(h.chainId + 1n, await h.settlements.getAddress()),
        typesOf(settlementTypes),
        s,
      );
      const otherContract = TypedDataEncoder.hash(
        settlementDomain(h.chainId, await h.evidence.getAddress()),
        typesOf(settlementTypes),
        s,
      );
      const id = await h.settlements.settlementId(termsOf(s), s.instalments);
      expect(id).not.to.equal(elsewhere);
      expect(id).not.to.equal(otherContract);
    });
  });

  describe("PaymentReport", () => {
    const reportHash = async (r: PaymentReport) =>
      TypedDataEncoder.hash(await domainOf(h), typesOf(paymentReportTypes), r);

    it("TypedDataEncoder.hash equals paymentReportDigest()", async () => {
      const report = paymentReport(hexlify(randomBytes(32)), 3n, 123_456n, FIRST_DUE);
      expect(await reportHash(report)).to.equal(await h.settlements.paymentReportDigest(report));
    });

    it("every field changes the digest, on both sides alike (extreme values included)", async () => {
      const base = paymentReport(hexlify(randomBytes(32)), 0n, 1n, 0n);
      const changed: Partial<PaymentReport>[] = [
        { settlementId: hexlify(randomBytes(32)) },
        { sequence: 2n ** 32n - 1n },
        { amount: 2n ** 64n - 1n },
        { paidAt: 2n ** 40n - 1n },
        { bankReference: hexlify(randomBytes(32)) },
      ];
      const touched = new Set(changed.flatMap((c) => Object.keys(c)));
      expect([...touched].sort()).to.deep.equal(paymentReportTypes.PaymentReport.map((f) => f.name).sort());
      const digests = new Set([await reportHash(base)]);
      for (const change of changed) {
        const r = { ...base, ...change };
        const onChain = await h.settlements.paymentReportDigest(r);
        expect(onChain, Object.keys(change).join()).to.equal(await reportHash(r));
        digests.add(onChain);
      }
      expect(digests.size).to.equal(changed.length + 1);
    });
  });

  describe("monthlyPlanOf", () => {
    it("returns the plan of a monthlySchedule", () => {
      expect(monthlyPlanOf(monthlySchedule(FIRST_DUE, 12, 1_200_000n))).to.deep.equal({
        firstDueAt: FIRST_DUE,
        count: 12n,
        amount: 100_000n,
        lastAmount: 100_000n,
      });
    });

    it("keeps a different last amount (the rounding remainder)", () => {
      expect(monthlyPlanOf(monthlySchedule(FIRST_DUE, 7, 1_000_000n))).to.deep.equal({
        firstDueAt: FIRST_DUE,
        count: 7n,
        amount: 142_857n,
        lastAmount: 142_858n,
      });
    });

    it("returns a one-instalment plan for a single instalment", () => {
      expect(monthlyPlanOf([{ dueAt: FIRST_DUE, amount: 5n }])).to.deep.equal({
        firstDueAt: FIRST_DUE,
        count: 1n,
        amount: 5n,
        lastAmount: 5n,
      });
    });

    it("returns undefined for an empty or irregular schedule", () => {
      const monthly = monthlySchedule(FIRST_DUE, 12, 1_200_000n);
      expect(monthlyPlanOf([])).to.equal(undefined);
      // 28 February 2027, then 30 March: not clamped the calendar way (31 March).
      const unclamped = monthly.map((i, k) => (k === 2 ? { ...i, dueAt: endOfDayCst(2027, 3, 30) } : i));
      expect(monthlyPlanOf(unclamped)).to.equal(undefined);
      // Thirty days apart instead of calendar months.
      expect(monthlyPlanOf(monthly.map((i, k) => ({ ...i, dueAt: FIRST_DUE + BigInt(k) * 30n * DAY })))).to.equal(
        undefined,
      );
      // One instalment but the last differs.
      expect(monthlyPlanOf(monthly.map((i, k) => (k === 5 ? { ...i, amount: i.amount + 1n } : i)))).to.equal(undefined);
      // A different time of day.
      expect(monthlyPlanOf(monthly.map((i, k) => (k === 11 ? { ...i, dueAt: i.dueAt - 1n } : i)))).to.equal(undefined);
    });
  });

  describe("register and registerMonthly", () => {
    it("give the same id: registered monthly, the explicit list is already registered", async () => {
      const s = settlementTerms(h);
      const plan = monthlyPlanOf(s.instalments);
      expect(plan).not.to.equal(undefined);
      const signatures = await signAll(h, s);
      const id = await settlementHash(s);
      await expect(h.settlements.registerMonthly(termsOf(s), plan!, ...signatures))
        .to.emit(h.settlements, "SettlementRegistered")
        .withArgs(id, s.caseId, s.amends, s.borrower, s.platform, s.lawyer, s.documentHash);
      await expect(h.settlements.register(termsOf(s), s.instalments, ...signatures))
        .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryAlreadyRegistered")
        .withArgs(id, Status.Active);
    });

    it("give the same id: registered explicitly, the plan is already registered", async () => {
      const s = settlementTerms(h, { instalments: monthlySchedule(FIRST_DUE, 24, 2_400_001n) });
      const plan = monthlyPlanOf(s.instalments)!;
      const signatures = await signAll(h, s);
      const id = await settlementIdOf(h, s);
      await expect(h.settlements.register(termsOf(s), s.instalments, ...signatures))
        .to.emit(h.settlements, "SettlementRegistered")
        .withArgs(id, s.caseId, s.amends, s.borrower, s.platform, s.lawyer, s.documentHash);
      await expect(h.settlements.registerMonthly(termsOf(s), plan, ...signatures))
        .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryAlreadyRegistered")
        .withArgs(id, Status.Active);
    });

    it("a one-instalment plan's unsigned amount changes nothing: the instalment is its lastAmount", async () => {
      const s = settlementTerms(h, { instalments: monthlySchedule(FIRST_DUE, 1, 500_000n) });
      const plan = { ...monthlyPlanOf(s.instalments)!, amount: 2n ** 48n + 7n };
      const id = await settlementIdOf(h, s);
      await (await h.settlements.registerMonthly(termsOf(s), plan, ...(await signAll(h, s)))).wait();
      const [ledger] = await h.settlements.getSettlement(id);
      expect([ledger.status, ledger.totalDue, ledger.paidTotal, ledger.regularAmount]).to.deep.equal([
        BigInt(Status.Active),
        500_000n,
        0n,
        500_000n,
      ]);
      const [only] = await h.settlements.getInstalments(id);
      expect([only!.dueAt, only!.amount]).to.deep.equal([FIRST_DUE, 500_000n]);
    });

    it("a plan that generates other instalments than the signed ones is refused", async () => {
      const s = settlementTerms(h, { instalments: monthlySchedule(FIRST_DUE, 7, 1_000_000n) });
      const plan = monthlyPlanOf(s.instalments)!;
      const signatures = await signAll(h, s);
      // Same total, remainder moved: the parties did not sign these instalments.
      const other = { ...plan, amount: plan.amount + 1n, lastAmount: plan.lastAmount - 6n };
      await expect(h.settlements.registerMonthly(termsOf(s), other, ...signatures))
        .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidSignature")
        .withArgs(s.borrower);
    });
  });
  describe("Standstill (CaseRegistry)", () => {
    let cases: CaseRegistry;

    before(async () => {
      cases = await caseRegistryOf(h);
    });

    const standstillHash = async (st: Standstill) =>
      TypedDataEncoder.hash(casesDomain(h.chainId, await cases.getAddress()), typesOf(standstillTypes), st);

    it("Standstill is the type CaseRegistry.sol hashes", async () => {
      const source = readFileSync(new URL("../contracts/CaseRegistry.sol", import.meta.url), "utf8");
      const match = /STANDSTILL_TYPEHASH = keccak256\(\s*"([^"]*)"\s*\);/.exec(source);
      expect(match).not.to.equal(null);
      const typeString = TypedDataEncoder.from(typesOf(standstillTypes)).encodeType("Standstill");
      expect(typeString).to.equal(match![1]);
      expect(await cases.STANDSTILL_TYPEHASH()).to.equal(keccak256(toUtf8Bytes(typeString)));
    });

    it("eip712Domain() of the CaseRegistry is protocol/typed-data.ts's casesDomain", async () => {
      const [, name, version, chainId, verifyingContract] = await cases.eip712Domain();
      expect({ name, version, chainId, verifyingContract }).to.deep.equal(
        casesDomain(h.chainId, await cases.getAddress()),
      );
      expect(name).to.equal(CASES_DOMAIN_NAME);
      expect(version).to.equal(CASES_DOMAIN_VERSION);
    });

    it("TypedDataEncoder.hash equals standstillDigest(), every field changing it", async () => {
      const base: Standstill = {
        caseId: hexlify(randomBytes(32)),
        creditor: h.platform.address,
        borrowerId: 1n,
        endsAt: 2n ** 40n - 1n,
        nonce: 0n,
        deadline: FIRST_DUE,
      };
      const changed: Partial<Standstill>[] = [
        { caseId: hexlify(randomBytes(32)) },
        { creditor: h.outsider.address },
        { borrowerId: 2n ** 32n - 1n },
        { endsAt: 1n },
        { nonce: 5n },
        { deadline: 0n },
      ];
      const touched = new Set(changed.flatMap((c) => Object.keys(c)));
      expect([...touched].sort()).to.deep.equal(standstillTypes.Standstill.map((f) => f.name).sort());
      const digests = new Set<string>();
      for (const change of [{}, ...changed]) {
        const st = { ...base, ...change };
        const onChain = await cases.standstillDigest(st);
        expect(onChain, Object.keys(change).join()).to.equal(await standstillHash(st));
        digests.add(onChain);
      }
      expect(digests.size).to.equal(changed.length + 1);
    });

    it("a standstill the platform signs with signTypedData is recorded on chain", async () => {
      await (await cases.connect(h.committee).setRulebook(CaseType.Simple, DEFAULT_RULEBOOKS.Simple)).wait();
      const caseId = hexlify(randomBytes(32));
      await (
        await cases.connect(h.lawyer).openCase(caseId, CaseType.Simple, h.ids.borrower, [h.ids.platform], h.ids.lawyer)
      ).wait();
      const now = BigInt((await h.ethers.provider.getBlock("latest"))!.timestamp);
      const st: Standstill = {
        caseId,
        creditor: h.platform.address,
        borrowerId: h.ids.borrower,
        endsAt: now + 180n * DAY,
        nonce: (await h.members.getKey(h.platform)).nonce,
        deadline: now + DAY,
      };
      const signature = await h.platform.signTypedData(
        casesDomain(h.chainId, await cases.getAddress()),
        typesOf(standstillTypes),
        st,
      );
      await expect(cases.connect(h.outsider).recordStandstill(st, signature)).to.emit(cases, "StandstillRecorded");
      expect(await cases.isUnderStandstill(h.ids.platform, h.ids.borrower)).to.equal(true);
    });
  });
});
