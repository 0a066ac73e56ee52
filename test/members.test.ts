/**
 * The member registry: admitting members, oracle keys, binding borrowers and customers, rotating,
 * revoking, suspending and reinstating; and that the AccessManager's member roles always mirror the
 * registry's active keys (checked after every test, from the key records and from the role events).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { Wallet, ZeroAddress, ZeroHash } from "ethers";

import { AccountKind, AccountStatus, KeyStatus, Licence } from "../protocol/enums.js";
import { MEMBER_ROLES, Roles } from "../protocol/roles.js";
import {
  type Hejie,
  commitment,
  createConnection,
  deployHejie,
  now,
  settlementTerms,
  signAll,
  submitSettlement,
} from "./helpers/hejie.js";

const MEMBER_ROLE_IDS = MEMBER_ROLES.map((name) => Roles[name]);
const ANCHORING_ROLES: readonly bigint[] = [Roles.PLATFORM, Roles.LAWYER, Roles.COMMITTEE];

/**
 * The AccessManager's member roles equal what the key records imply: an active key holds its role,
 * and ANCHORER too when it is a PLATFORM, LAWYER or COMMITTEE key; nothing else holds a member role.
 */
async function expectRolesMirrorKeys(h: Hejie): Promise<void> {
  const expected = new Map<bigint, Set<string>>(MEMBER_ROLE_IDS.map((role) => [role, new Set()]));
  const count = await h.members.accountCount();
  for (let accountId = 1n; accountId <= count; ++accountId) {
    for (const key of await h.members.getKeys(accountId)) {
      const record = await h.members.getKey(key);
      expect(record.accountId).to.equal(accountId);
      const active = record.status === BigInt(KeyStatus.Active);
      for (const role of MEMBER_ROLE_IDS) {
        const holds =
          active && (role === record.role || (role === Roles.ANCHORER && ANCHORING_ROLES.includes(record.role)));
        expect((await h.accessManager.hasRole(role, key))[0], `${key} in role ${role}`).to.equal(holds);
        if (holds) expected.get(role)!.add(key);
      }
    }
  }
  // Replaying every grant and revocation gives the same holders: no role went to anyone else.
  const holders = new Map<bigint, Set<string>>(MEMBER_ROLE_IDS.map((role) => [role, new Set()]));
  const granted = await h.accessManager.queryFilter(h.accessManager.filters.RoleGranted(), 0);
  const revoked = await h.accessManager.queryFilter(h.accessManager.filters.RoleRevoked(), 0);
  const events = [...granted, ...revoked].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  for (const e of events) {
    const set = holders.get(e.args.roleId);
    if (set === undefined) continue;
    if (e.eventName === "RoleGranted") set.add(e.args.account);
    else set.delete(e.args.account);
  }
  for (const role of MEMBER_ROLE_IDS) {
    expect([...holders.get(role)!].sort(), `holders of role ${role}`).to.deep.equal([...expected.get(role)!].sort());
  }
}

describe("members", () => {
  let h: Hejie;
  let spare: HardhatEthersSigner[];
  const fresh = () => Wallet.createRandom().address;

  before(async () => {
    h = await deployHejie(await createConnection());
    spare = h.spare;
  });

  afterEach(async () => {
    await expectRolesMirrorKeys(h);
  });

  describe("admitMember", () => {
    const cases = [
      { kind: AccountKind.Platform, licence: Licence.ConsumerFinance, role: Roles.PLATFORM, anchors: true },
      { kind: AccountKind.Lawyer, licence: Licence.None, role: Roles.LAWYER, anchors: true },
      { kind: AccountKind.CommitteeMember, licence: Licence.None, role: Roles.COMMITTEE, anchors: true },
      { kind: AccountKind.Regulator, licence: Licence.None, role: Roles.REGULATOR, anchors: false },
    ];
    for (const { kind, licence, role, anchors } of cases) {
      const roleName = Object.entries(Roles).find(([, id]) => id === role)?.[0];
      it(`admits a ${Object.keys(AccountKind)[kind]} with its first key as ${roleName}`, async () => {
        const key = fresh();
        const identity = commitment(`member-${kind}`);
        const accountId = (await h.members.accountCount()) + 1n;
        const tx = h.members.admitMember(kind, licence, identity, key);
        await expect(tx).to.emit(h.members, "MemberAdmitted").withArgs(accountId, kind, licence, identity);
        await expect(tx).to.emit(h.members, "KeyAdded").withArgs(accountId, key, role);
        await expect(tx).to.emit(h.accessManager, "RoleGranted").withArgs(role, key, 0, anyValue, true);
        if (anchors) {
          await expect(tx).to.emit(h.accessManager, "RoleGranted").withArgs(Roles.ANCHORER, key, 0, anyValue, true);
        }
        const account = await h.members.getAccount(accountId);
        expect([...account]).to.deep.equal([
          BigInt(kind),
          BigInt(licence),
          BigInt(AccountStatus.Active),
          await now(h),
          0n,
          identity,
        ]);
        const record = await h.members.getKey(key);
        expect([...record]).to.deep.equal([accountId, role, BigInt(KeyStatus.Active), await now(h), 0n, 0n]);
        expect(await h.members.getKeys(accountId)).to.deep.equal([key]);
        expect(await h.members.accountOfCommitment(identity)).to.equal(accountId);
        expect(await h.members.accountCount()).to.equal(accountId);
        expect(await h.members.activeKey(key, role)).to.deep.equal([accountId, 0n]);
        expect((await h.accessManager.hasRole(Roles.ANCHORER, key))[0]).to.equal(anchors);
      });
    }

    it("refuses the kinds None and Borrower, and a licence on anything but a platform", async () => {
      for (const kind of [AccountKind.None, AccountKind.Borrower]) {
        await expect(h.members.admitMember(kind, Licence.None, commitment("x"), fresh()))
          .to.be.revertedWithCustomError(h.members, "MemberRegistryInvalidKind")
          .withArgs(kind);
      }
      await expect(h.members.admitMember(AccountKind.Platform, Licence.None, commitment("x"), fresh()))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryInvalidLicence")
        .withArgs(AccountKind.Platform, Licence.None);
      await expect(h.members.admitMember(AccountKind.Lawyer, Licence.Bank, commitment("x"), fresh()))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryInvalidLicence")
        .withArgs(AccountKind.Lawyer, Licence.Bank);
    });

    it("refuses a zero or taken identity commitment, and a zero or taken key", async () => {
      await expect(
        h.members.admitMember(AccountKind.Lawyer, Licence.None, ZeroHash, fresh()),
      ).to.be.revertedWithCustomError(h.members, "MemberRegistryZeroCommitment");
      await expect(h.members.admitMember(AccountKind.Lawyer, Licence.None, commitment("lawyer"), fresh()))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryCommitmentTaken")
        .withArgs(commitment("lawyer"), h.ids.lawyer);
      await expect(
        h.members.admitMember(AccountKind.Lawyer, Licence.None, commitment("new-lawyer"), ZeroAddress),
      ).to.be.revertedWithCustomError(h.members, "MemberRegistryZeroKey");
      await expect(h.members.admitMember(AccountKind.Lawyer, Licence.None, commitment("new-lawyer"), h.lawyer))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyTaken")
        .withArgs(h.lawyer.address, h.ids.lawyer);
    });
  });

  describe("addKey", () => {
    it("adds an ORACLE key to a platform: it holds ORACLE but not ANCHORER", async () => {
      const oracle = fresh();
      await expect(h.members.addKey(h.ids.platform, oracle, Roles.ORACLE))
        .to.emit(h.members, "KeyAdded")
        .withArgs(h.ids.platform, oracle, Roles.ORACLE);
      expect((await h.accessManager.hasRole(Roles.ORACLE, oracle))[0]).to.equal(true);
      expect((await h.accessManager.hasRole(Roles.ANCHORER, oracle))[0]).to.equal(false);
      expect(await h.members.getKeys(h.ids.platform)).to.deep.equal([h.platform.address, h.oracle.address, oracle]);
    });

    it("adds a second PLATFORM key, which anchors as well", async () => {
      const key = fresh();
      await (await h.members.addKey(h.ids.platform, key, Roles.PLATFORM)).wait();
      expect((await h.accessManager.hasRole(Roles.PLATFORM, key))[0]).to.equal(true);
      expect((await h.accessManager.hasRole(Roles.ANCHORER, key))[0]).to.equal(true);
    });

    it("refuses a role the account's kind does not allow, and an unknown account", async () => {
      for (const [accountId, kind, role] of [
        [h.ids.lawyer, AccountKind.Lawyer, Roles.ORACLE],
        [h.ids.platform, AccountKind.Platform, Roles.ANCHORER],
        [h.ids.platform, AccountKind.Platform, Roles.REGISTRAR],
        [h.ids.committee, AccountKind.CommitteeMember, Roles.LAWYER],
        [h.ids.borrower, AccountKind.Borrower, Roles.PLATFORM],
      ] as const) {
        await expect(h.members.addKey(accountId, fresh(), role))
          .to.be.revertedWithCustomError(h.members, "MemberRegistryRoleNotAllowed")
          .withArgs(accountId, kind, role);
      }
      await expect(h.members.addKey(999, fresh(), Roles.LAWYER))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryUnknownAccount")
        .withArgs(999);
    });
  });

  describe("bindBorrower and bindCustomer", () => {
    let platformCustomer: bigint;

    it("a registrar binds a wallet to a new identity: a Borrower account, no AccessManager role", async () => {
      const wallet = fresh();
      const identity = commitment("borrower-2");
      const accountId = (await h.members.accountCount()) + 1n;
      const tx = h.members.bindBorrower(wallet, identity);
      await expect(tx).to.emit(h.members, "BorrowerBound").withArgs(accountId, wallet, identity, 0);
      await expect(tx).to.emit(h.members, "KeyAdded").withArgs(accountId, wallet, Roles.BORROWER);
      await expect(tx).not.to.emit(h.accessManager, "RoleGranted");
      const account = await h.members.getAccount(accountId);
      expect([account.kind, account.licence, account.status, account.boundBy]).to.deep.equal([
        BigInt(AccountKind.Borrower),
        BigInt(Licence.None),
        BigInt(AccountStatus.Active),
        0n,
      ]);
      expect(await h.members.activeKey(wallet, Roles.BORROWER)).to.deep.equal([accountId, 0n]);
    });

    it("a second wallet of a known identity joins the same account", async () => {
      const wallet = fresh();
      const count = await h.members.accountCount();
      await expect(h.members.bindBorrower(wallet, commitment("borrower")))
        .to.emit(h.members, "BorrowerBound")
        .withArgs(h.ids.borrower, wallet, commitment("borrower"), 0);
      expect(await h.members.accountCount()).to.equal(count);
      expect(await h.members.getKeys(h.ids.borrower)).to.deep.equal([h.borrower.address, wallet]);
    });

    it("refuses binding a wallet to a member's identity", async () => {
      await expect(h.members.bindBorrower(fresh(), commitment("lawyer")))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryNotBorrower")
        .withArgs(h.ids.lawyer);
    });

    it("a platform key binds its own customer (boundBy = the platform) and adds wallets to it", async () => {
      const identity = commitment("customer-1");
      platformCustomer = (await h.members.accountCount()) + 1n;
      const wallet = fresh();
      await expect(h.members.connect(h.platform).bindCustomer(wallet, identity))
        .to.emit(h.members, "BorrowerBound")
        .withArgs(platformCustomer, wallet, identity, h.ids.platform);
      expect((await h.members.getAccount(platformCustomer)).boundBy).to.equal(h.ids.platform);
      const second = fresh();
      await expect(h.members.connect(h.platform).bindCustomer(second, identity))
        .to.emit(h.members, "KeyAdded")
        .withArgs(platformCustomer, second, Roles.BORROWER);
    });

    it("a platform may not extend another platform's or a registrar's borrower; a registrar may", async () => {
      const other = spare[0] as HardhatEthersSigner;
      await (
        await h.members.admitMember(AccountKind.Platform, Licence.MicroLender, commitment("platform-b"), other)
      ).wait();
      const otherId = (await h.members.getKey(other)).accountId;
      await expect(h.members.connect(other).bindCustomer(fresh(), commitment("customer-1")))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryNotBoundByCaller")
        .withArgs(platformCustomer, h.ids.platform, otherId);
      await expect(h.members.connect(h.platform).bindCustomer(fresh(), commitment("borrower")))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryNotBoundByCaller")
        .withArgs(h.ids.borrower, 0, h.ids.platform);
      await expect(h.members.bindBorrower(fresh(), commitment("customer-1")))
        .to.emit(h.members, "BorrowerBound")
        .withArgs(platformCustomer, anyValue, commitment("customer-1"), 0);
    });

    it("an oracle key may not bind customers", async () => {
      await expect(h.members.connect(h.oracle).bindCustomer(fresh(), commitment("customer-2")))
        .to.be.revertedWithCustomError(h.members, "AccessManagedUnauthorized")
        .withArgs(h.oracle.address);
    });
  });

  describe("rotateKey, revokeKey, increaseNonce", () => {
    it("a member rotates its key: same account and role, old key revoked, roles moved", async () => {
      const next = spare[1] as HardhatEthersSigner;
      const tx = h.members.connect(h.lawyer).rotateKey(next);
      await expect(tx).to.emit(h.members, "KeyRotated").withArgs(h.ids.lawyer, h.lawyer.address, next.address);
      await expect(tx).to.emit(h.members, "KeyAdded").withArgs(h.ids.lawyer, next.address, Roles.LAWYER);
      await expect(tx).to.emit(h.members, "KeyRevoked").withArgs(h.ids.lawyer, h.lawyer.address);
      await expect(tx).to.emit(h.accessManager, "RoleRevoked").withArgs(Roles.LAWYER, h.lawyer.address);
      await expect(tx).to.emit(h.accessManager, "RoleRevoked").withArgs(Roles.ANCHORER, h.lawyer.address);
      const old = await h.members.getKey(h.lawyer);
      expect([old.accountId, old.role, old.status, old.revokedAt]).to.deep.equal([
        h.ids.lawyer,
        Roles.LAWYER,
        BigInt(KeyStatus.Revoked),
        await now(h),
      ]);
      expect(await h.members.activeKey(next, Roles.LAWYER)).to.deep.equal([h.ids.lawyer, 0n]);
    });

    it("the old key can neither rotate again nor sign an agreement", async () => {
      await expect(h.members.connect(h.lawyer).rotateKey(fresh()))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
        .withArgs(h.lawyer.address);
      const s = settlementTerms(h);
      await expect(submitSettlement(h, s, await signAll(h, s)))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
        .withArgs(h.lawyer.address);
      await expect(h.members.activeKey(h.lawyer, Roles.LAWYER))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
        .withArgs(h.lawyer.address);
    });

    it("refuses rotating to a key already known, or from a key that is not one", async () => {
      await expect(h.members.connect(spare[1] as HardhatEthersSigner).rotateKey(h.lawyer))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyTaken")
        .withArgs(h.lawyer.address, h.ids.lawyer);
      await expect(h.members.connect(h.outsider).rotateKey(fresh()))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
        .withArgs(h.outsider.address);
    });

    it("a borrower rotates a wallet; still no AccessManager role", async () => {
      const next = fresh();
      await expect(h.members.connect(h.borrower).rotateKey(next))
        .to.emit(h.members, "KeyRotated")
        .withArgs(h.ids.borrower, h.borrower.address, next);
      expect(await h.members.activeKey(next, Roles.BORROWER)).to.deep.equal([h.ids.borrower, 0n]);
    });

    it("increaseNonce raises the caller's key nonce; only active keys have one", async () => {
      await expect(h.members.connect(h.committee).increaseNonce())
        .to.emit(h.members, "NonceIncreased")
        .withArgs(h.committee.address, 1);
      await expect(h.members.connect(h.committee).increaseNonce())
        .to.emit(h.members, "NonceIncreased")
        .withArgs(h.committee.address, 2);
      expect(await h.members.activeKey(h.committee, Roles.COMMITTEE)).to.deep.equal([h.ids.committee, 2n]);
      await expect(h.members.connect(h.lawyer).increaseNonce())
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
        .withArgs(h.lawyer.address);
    });

    it("a registrar revokes a key: its roles go, it can never be added again", async () => {
      const key = spare[2] as HardhatEthersSigner;
      await (await h.members.addKey(h.ids.committee, key, Roles.COMMITTEE)).wait();
      const tx = h.members.revokeKey(key);
      await expect(tx).to.emit(h.members, "KeyRevoked").withArgs(h.ids.committee, key.address);
      await expect(tx).to.emit(h.accessManager, "RoleRevoked").withArgs(Roles.COMMITTEE, key.address);
      await expect(tx).to.emit(h.accessManager, "RoleRevoked").withArgs(Roles.ANCHORER, key.address);
      await expect(h.members.revokeKey(key))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
        .withArgs(key.address);
      await expect(h.members.addKey(h.ids.committee, key, Roles.COMMITTEE))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyTaken")
        .withArgs(key.address, h.ids.committee);
      await expect(h.members.connect(key).increaseNonce())
        .to.be.revertedWithCustomError(h.members, "MemberRegistryKeyNotActive")
        .withArgs(key.address);
    });
  });

  describe("suspendAccount and reinstateAccount", () => {
    it("suspending a platform revokes every active key and their AccessManager roles", async () => {
      const keys = await h.members.getKeys(h.ids.platform);
      const active: string[] = [];
      for (const key of keys) {
        if ((await h.members.getKey(key)).status === BigInt(KeyStatus.Active)) active.push(key);
      }
      expect(active.length).to.be.greaterThan(2);
      const tx = h.members.suspendAccount(h.ids.platform);
      await expect(tx).to.emit(h.members, "AccountSuspended").withArgs(h.ids.platform);
      for (const key of active) await expect(tx).to.emit(h.members, "KeyRevoked").withArgs(h.ids.platform, key);
      expect((await h.members.getAccount(h.ids.platform)).status).to.equal(BigInt(AccountStatus.Suspended));
      for (const key of keys) {
        expect((await h.members.getKey(key)).status).to.equal(BigInt(KeyStatus.Revoked));
        for (const role of [Roles.PLATFORM, Roles.ORACLE, Roles.ANCHORER]) {
          expect((await h.accessManager.hasRole(role, key))[0]).to.equal(false);
        }
      }
    });

    it("a suspended account takes no key, cannot be suspended twice, and its keys act no more", async () => {
      await expect(h.members.addKey(h.ids.platform, fresh(), Roles.ORACLE))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryAccountNotActive")
        .withArgs(h.ids.platform);
      await expect(h.members.suspendAccount(h.ids.platform))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryAccountNotActive")
        .withArgs(h.ids.platform);
      await expect(h.members.connect(h.platform).bindCustomer(fresh(), commitment("customer-3")))
        .to.be.revertedWithCustomError(h.members, "AccessManagedUnauthorized")
        .withArgs(h.platform.address);
    });

    it("reinstating leaves the old keys revoked; a new key then gets its roles", async () => {
      await expect(h.members.reinstateAccount(h.ids.platform))
        .to.emit(h.members, "AccountReinstated")
        .withArgs(h.ids.platform);
      expect((await h.members.getAccount(h.ids.platform)).status).to.equal(BigInt(AccountStatus.Active));
      expect((await h.members.getKey(h.platform)).status).to.equal(BigInt(KeyStatus.Revoked));
      expect((await h.accessManager.hasRole(Roles.PLATFORM, h.platform))[0]).to.equal(false);
      await expect(h.members.reinstateAccount(h.ids.platform))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryAccountNotSuspended")
        .withArgs(h.ids.platform);

      const key = spare[3] as HardhatEthersSigner;
      await expect(h.members.addKey(h.ids.platform, key, Roles.PLATFORM))
        .to.emit(h.members, "KeyAdded")
        .withArgs(h.ids.platform, key.address, Roles.PLATFORM);
      expect((await h.accessManager.hasRole(Roles.PLATFORM, key))[0]).to.equal(true);
      expect((await h.accessManager.hasRole(Roles.ANCHORER, key))[0]).to.equal(true);
      await expect(h.members.connect(key).bindCustomer(fresh(), commitment("customer-1"))).to.emit(
        h.members,
        "BorrowerBound",
      );
    });

    it("a suspended borrower takes no new wallet", async () => {
      await (await h.members.suspendAccount(h.ids.borrower)).wait();
      await expect(h.members.bindBorrower(fresh(), commitment("borrower")))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryAccountNotActive")
        .withArgs(h.ids.borrower);
    });

    it("reinstateAccount refuses an unknown account", async () => {
      await expect(h.members.reinstateAccount(999))
        .to.be.revertedWithCustomError(h.members, "MemberRegistryAccountNotSuspended")
        .withArgs(999);
    });
  });
});
