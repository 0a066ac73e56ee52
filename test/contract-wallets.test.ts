/**
 * ERC-1271 contract wallets sign and act exactly like plain keys: a platform and a lawyer whose keys
 * are 2-of-3 `MultisigWallet`s (contracts/test-fixtures) register an agreement with an EOA borrower,
 * cancel their outstanding signatures, cancel terms, rotate keys, anchor evidence and contest.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { type BaseWallet, Wallet, hexlify, randomBytes } from "ethers";

import { AccountKind, EvidenceKind, KeyStatus, Licence } from "../protocol/enums.js";
import { Roles } from "../protocol/roles.js";
import { type Settlement, termsOf } from "../protocol/typed-data.js";
import {
  type Hejie,
  type Multisig,
  commitment,
  createConnection,
  deployHejie,
  deployMultisig,
  multisigExecute,
  now,
  ownerSignatures,
  paymentReport,
  settlementIdOf,
  settlementTerms,
  signReport,
  signSettlement,
  submitSettlement,
} from "./helpers/hejie.js";

describe("contract wallets (ERC-1271 multisigs) as platform and lawyer", () => {
  let h: Hejie;
  let platformMs: Multisig;
  let lawyerMs: Multisig;
  let platformId: bigint;
  let lawyerId: bigint;
  let msOracle: HardhatEthersSigner;
  let registry: string;

  before(async () => {
    h = await deployHejie(await createConnection());
    registry = await h.settlements.getAddress();
    platformMs = await deployMultisig(h, 2, 3);
    lawyerMs = await deployMultisig(h, 2, 3);
    msOracle = h.spare[0] as HardhatEthersSigner;
  });

  /** Terms between the fixture's EOA borrower and the two multisigs. */
  const terms = (overrides: Partial<Settlement> = {}) =>
    settlementTerms(h, { platform: platformMs.address, lawyer: lawyerMs.address, ...overrides });

  /** The three signatures: the borrower's EIP-712 signature and `signers` of each multisig. */
  async function signatures(
    s: Settlement,
    platformSigners: readonly BaseWallet[] = platformMs.owners.slice(0, 2),
    lawyerSigners: readonly BaseWallet[] = lawyerMs.owners.slice(0, 2),
  ): Promise<[string, string, string]> {
    const digest = await settlementIdOf(h, s);
    return [
      await signSettlement(h, h.borrower, s),
      ownerSignatures(digest, platformSigners),
      ownerSignatures(digest, lawyerSigners),
    ];
  }

  it("admits a platform and a lawyer whose keys are multisigs; they get their roles", async () => {
    const nextAccount = (await h.members.accountCount()) + 1n;
    await expect(
      h.members.admitMember(AccountKind.Platform, Licence.Bank, commitment("ms-platform"), platformMs.address),
    )
      .to.emit(h.members, "KeyAdded")
      .withArgs(nextAccount, platformMs.address, Roles.PLATFORM);
    platformId = (await h.members.getKey(platformMs.address)).accountId;
    await (
      await h.members.admitMember(AccountKind.Lawyer, Licence.None, commitment("ms-lawyer"), lawyerMs.address)
    ).wait();
    lawyerId = (await h.members.getKey(lawyerMs.address)).accountId;
    await (await h.members.addKey(platformId, msOracle, Roles.ORACLE)).wait();
    for (const [role, key] of [
      [Roles.PLATFORM, platformMs.address],
      [Roles.ANCHORER, platformMs.address],
      [Roles.LAWYER, lawyerMs.address],
      [Roles.ANCHORER, lawyerMs.address],
    ] as const) {
      expect((await h.accessManager.hasRole(role, key))[0]).to.equal(true);
    }
  });

  it("registers an agreement signed by an EOA borrower and two 2-of-3 multisigs", async () => {
    const s = terms();
    const id = await settlementIdOf(h, s);
    await expect(submitSettlement(h, s, await signatures(s)))
      .to.emit(h.settlements, "SettlementRegistered")
      .withArgs(id, s.caseId, s.amends, h.borrower.address, platformMs.address, lawyerMs.address, s.documentHash);
    const [ledger, profile] = await h.settlements.getSettlement(id);
    expect([ledger.platformId, profile.borrowerId, profile.lawyerId]).to.deep.equal([
      platformId,
      h.ids.borrower,
      lawyerId,
    ]);
  });

  it("accepts all three owners (above the threshold) and any two in owner order", async () => {
    const [a, b, c] = platformMs.owners as [BaseWallet, BaseWallet, BaseWallet];
    for (const owners of [
      [a, b, c],
      [a, c],
      [b, c],
    ]) {
      const s = terms();
      await expect(submitSettlement(h, s, await signatures(s, owners))).to.emit(h.settlements, "SettlementRegistered");
    }
  });

  it("refuses a multisig signature below its threshold", async () => {
    const s = terms();
    await expect(submitSettlement(h, s, await signatures(s, platformMs.owners.slice(0, 1))))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidSignature")
      .withArgs(platformMs.address);
    await expect(submitSettlement(h, s, await signatures(s, undefined, lawyerMs.owners.slice(2))))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidSignature")
      .withArgs(lawyerMs.address);
  });

  it("refuses owners' signatures out of owner order, or one owner twice", async () => {
    const [a, b] = platformMs.owners as [BaseWallet, BaseWallet];
    const s = terms();
    for (const owners of [
      [b, a],
      [a, a],
    ]) {
      await expect(submitSettlement(h, s, await signatures(s, owners)))
        .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidSignature")
        .withArgs(platformMs.address);
    }
  });

  it("refuses a signature by a non-owner, even in address order", async () => {
    const s = terms();
    const stranger = Wallet.createRandom() as BaseWallet;
    const pair = [platformMs.owners[0] as BaseWallet, stranger].sort((x, y) =>
      BigInt(x.address) < BigInt(y.address) ? -1 : 1,
    );
    await expect(submitSettlement(h, s, await signatures(s, pair)))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidSignature")
      .withArgs(platformMs.address);
  });

  it("refuses the owners' signatures of other terms", async () => {
    const s = terms();
    const other = terms();
    const [borrowerSig] = await signatures(s);
    const [, platformSig, lawyerSig] = await signatures(other);
    await expect(submitSettlement(h, s, [borrowerSig, platformSig, lawyerSig]))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryInvalidSignature")
      .withArgs(platformMs.address);
  });

  it("the multisig calls increaseNonce() through execute: its outstanding signature goes stale", async () => {
    const s = terms();
    const outstanding = await signatures(s);
    const data = h.members.interface.encodeFunctionData("increaseNonce");
    await expect(multisigExecute(platformMs, registry, data))
      .to.emit(h.members, "NonceIncreased")
      .withArgs(platformMs.address, 1);
    expect((await h.members.getKey(platformMs.address)).nonce).to.equal(1n);
    await expect(submitSettlement(h, s, outstanding))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistryStaleNonce")
      .withArgs(platformMs.address, 0, 1);
    const renewed = { ...s, platformNonce: 1n };
    await expect(submitSettlement(h, renewed, await signatures(renewed))).to.emit(
      h.settlements,
      "SettlementRegistered",
    );
  });

  it("execute needs the wallet's threshold of owners", async () => {
    const data = h.members.interface.encodeFunctionData("increaseNonce");
    await expect(multisigExecute(platformMs, registry, data, platformMs.owners.slice(0, 1)))
      .to.be.revertedWithCustomError(platformMs.wallet, "MultisigWalletNotEnoughSignatures")
      .withArgs(1, 2);
  });

  it("the multisig cancels terms through execute: they can never be registered", async () => {
    const s = terms({ platformNonce: 1n });
    const id = await settlementIdOf(h, s);
    const signed = await signatures(s);
    const data = h.settlements.interface.encodeFunctionData("cancel", [termsOf(s), s.instalments]);
    await expect(multisigExecute(lawyerMs, registry, data))
      .to.emit(h.settlements, "SettlementCancelled")
      .withArgs(id, lawyerMs.address);
    await expect(submitSettlement(h, s, signed))
      .to.be.revertedWithCustomError(h.settlements, "SettlementRegistrySignatureCancelled")
      .withArgs(id);
  });

  it("the multisig anchors evidence through execute (it holds ANCHORER)", async () => {
    const root = hexlify(randomBytes(32));
    const caseId = hexlify(randomBytes(32));
    const data = h.evidence.interface.encodeFunctionData("anchor", [root, caseId, EvidenceKind.Agreement, 1]);
    await expect(multisigExecute(lawyerMs, await h.evidence.getAddress(), data))
      .to.emit(h.evidence, "Anchored")
      .withArgs(root, caseId, 1);
    expect((await h.evidence.getAnchor(root)).submitter).to.equal(lawyerMs.address);
  });

  it("the lawyer's multisig contests a payment through execute", async () => {
    const s = terms({ platformNonce: 1n });
    const id = await settlementIdOf(h, s);
    await (await submitSettlement(h, s, await signatures(s))).wait();
    const report = paymentReport(id, 0n, 1_000n, await now(h));
    const signature = await signReport(h, report, msOracle);
    await (await h.settlements.recordPayment(report, signature)).wait();
    const reason = hexlify(randomBytes(32));
    const data = h.settlements.interface.encodeFunctionData("contestPayment", [report, signature, reason]);
    await expect(multisigExecute(lawyerMs, registry, data))
      .to.emit(h.settlements, "PaymentContested")
      .withArgs(id, 0, await h.settlements.paymentReportDigest(report), lawyerMs.address, reason);
  });

  it("a member multisig rotates its key (rotateKey); the old key's signatures are refused", async () => {
    const successor = await deployMultisig(h, 2, 3);
    const data = h.members.interface.encodeFunctionData("rotateKey", [successor.address]);
    await expect(multisigExecute(lawyerMs, registry, data))
      .to.emit(h.members, "KeyRotated")
      .withArgs(lawyerId, lawyerMs.address, successor.address);
    const old = await h.members.getKey(lawyerMs.address);
    expect([old.status, old.accountId]).to.deep.equal([BigInt(KeyStatus.Revoked), lawyerId]);
    expect((await h.accessManager.hasRole(Roles.LAWYER, lawyerMs.address))[0]).to.equal(false);
    expect((await h.accessManager.hasRole(Roles.ANCHORER, lawyerMs.address))[0]).to.equal(false);
    expect((await h.accessManager.hasRole(Roles.LAWYER, successor.address))[0]).to.equal(true);
    expect((await h.accessManager.hasRole(Roles.ANCHORER, successor.address))[0]).to.equal(true);

    const stale = terms({ platformNonce: 1n });
    await expect(submitSettlement(h, stale, await signatures(stale)))
      .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
      .withArgs(lawyerMs.address);

    const fresh = terms({ platformNonce: 1n, lawyer: successor.address });
    const id = await settlementIdOf(h, fresh);
    const [borrowerSig, platformSig] = await signatures(fresh);
    const lawyerSig = ownerSignatures(id, successor.owners.slice(1));
    await (await submitSettlement(h, fresh, [borrowerSig, platformSig, lawyerSig])).wait();
    const [, profile] = await h.settlements.getSettlement(id);
    expect(profile.lawyerId).to.equal(lawyerId);
  });

  it("the rotated-out multisig can no longer act as a key", async () => {
    const data = h.members.interface.encodeFunctionData("increaseNonce");
    // The wallet's call reverts inside the registry; execute wraps the reason.
    const reason = h.members.interface.encodeErrorResult("MemberRegistryKeyNotActive", [lawyerMs.address]);
    await expect(multisigExecute(lawyerMs, registry, data))
      .to.be.revertedWithCustomError(lawyerMs.wallet, "MultisigWalletCallFailed")
      .withArgs(reason);
  });
});
