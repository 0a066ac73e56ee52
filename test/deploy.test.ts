/**
 * The deployment's permission matrix, checked against the human-readable one in docs/permissions.md:
 * function roles, who gets past the AccessManager and who is refused, that every state-changing
 * function is documented, role labels and role admins.
 */
import { readFileSync } from "node:fs";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { type BaseContract, type FunctionFragment, type ParamType, Wallet, hexlify, id, randomBytes } from "ethers";

import { RESTRICTED_FUNCTIONS } from "../deploy/permissions.js";
import { AccountKind, Licence } from "../protocol/enums.js";
import { LABELLED_ROLES, MEMBER_ROLES, type RoleName, Roles } from "../protocol/roles.js";
import { caseRegistryOf } from "./helpers/cases.js";
import { type Hejie, commitment, createConnection, deployHejie } from "./helpers/hejie.js";
import { markdownTables, tableIn } from "./helpers/markdown.js";

type ContractName = "HejieRegistry" | "EvidenceRegistry" | "CaseRegistry";
const CONTRACTS: readonly ContractName[] = ["HejieRegistry", "EvidenceRegistry", "CaseRegistry"];

const tables = markdownTables(new URL("../docs/permissions.md", import.meta.url));
const restrictedRows = tableIn(tables, "Restricted functions").map(([contract, signature, role]) => ({
  contract: contract as ContractName,
  signature: signature as string,
  role: role as RoleName,
}));
const openRows = tableIn(tables, "Open functions").map(([contract, signature]) => ({
  contract: contract as ContractName,
  signature: signature as string,
}));
const adminRows = tableIn(tables, "Role administration").map(([roles, admin]) => ({
  roles: (roles as string).split(",").map((r) => r.trim() as RoleName),
  admin: admin as RoleName,
}));

const selector = (signature: string) => id(signature).slice(0, 10);

/** Well-formed arguments of any type: the call then gets past ABI decoding to the function's checks. */
function sampleValue(param: ParamType): unknown {
  if (param.isTuple()) return param.components.map(sampleValue);
  if (param.isArray()) return [];
  if (param.baseType === "address") return Wallet.createRandom().address;
  if (param.baseType === "bool") return false;
  if (param.baseType === "string") return "CNY";
  if (param.baseType === "bytes") return "0x";
  if (param.baseType.startsWith("bytes")) return hexlify(randomBytes(Number(param.baseType.slice(5))));
  if (/^u?int\d*$/.test(param.baseType)) return 1n;
  throw new Error(`no sample for ${param.format()}`);
}

/** The signer's static call of `signature` on `contract`, with sample arguments. */
function callAs(contract: BaseContract, signer: HardhatEthersSigner, signature: string) {
  const connected = contract.connect(signer);
  const fragment = connected.interface.getFunction(signature);
  if (fragment === null) throw new Error(`${signature} is not in the ABI`);
  return connected.getFunction(signature).staticCall(...fragment.inputs.map(sampleValue));
}

function stateChangingFunctions(contract: BaseContract): string[] {
  return contract.interface.fragments
    .filter((f): f is FunctionFragment => f.type === "function")
    .filter((f) => f.stateMutability === "nonpayable" || f.stateMutability === "payable")
    .map((f) => f.format("sighash"));
}

describe("deployment: permission matrix (docs/permissions.md)", () => {
  let h: Hejie;
  let resolver: HardhatEthersSigner;
  let regulator: HardhatEthersSigner;
  /** The fixture's signers, by name: each row is called by every one of them. */
  let signers: Record<string, HardhatEthersSigner>;
  let targets: Record<ContractName, BaseContract>;

  before(async () => {
    h = await deployHejie(await createConnection());
    // Before the test grants RESOLVER to a signer below: the deployment's grant names the CaseRegistry.
    const cases = await caseRegistryOf(h);
    [resolver, regulator] = h.spare as [HardhatEthersSigner, HardhatEthersSigner];
    await (await h.accessManager.grantRole(Roles.RESOLVER, resolver, 0)).wait();
    await (await h.members.admitMember(AccountKind.Regulator, Licence.None, commitment("regulator"), regulator)).wait();
    const { registrar, borrower, platform, lawyer, oracle, committee, outsider } = h;
    signers = { registrar, borrower, platform, lawyer, oracle, committee, outsider, resolver, regulator };
    targets = { HejieRegistry: h.members, EvidenceRegistry: h.evidence, CaseRegistry: cases };
  });

  describe("tables", () => {
    it("parses a non-empty table of each kind", () => {
      expect(restrictedRows).to.have.length.greaterThan(0);
      expect(openRows).to.have.length.greaterThan(0);
      expect(adminRows).to.have.length.greaterThan(0);
    });

    it("restricts exactly the functions deploy/permissions.ts applies, to the same roles", () => {
      const applied = RESTRICTED_FUNCTIONS.flatMap(({ contract, role, functions }) =>
        functions.map((f) => `${contract}.${f} ${role}`),
      );
      const documented = restrictedRows.map((r) => `${r.contract}.${r.signature} ${r.role}`);
      expect([...documented].sort()).to.deep.equal([...applied].sort());
    });

    for (const name of CONTRACTS) {
      it(`lists every state-changing function of ${name} in exactly one table, and nothing else`, () => {
        const inAbi = stateChangingFunctions(targets[name]).filter((f) => f !== "setAuthority(address)");
        const listed = [...restrictedRows, ...openRows].filter((r) => r.contract === name).map((r) => r.signature);
        expect(new Set(listed).size, "a function is listed twice").to.equal(listed.length);
        expect([...listed].sort()).to.deep.equal([...inAbi].sort());
      });
    }

    it("names only the Hejie contracts and known roles", () => {
      for (const row of [...restrictedRows, ...openRows]) {
        expect(CONTRACTS).to.include(row.contract);
      }
      for (const row of restrictedRows) expect(Roles).to.have.property(row.role);
    });
  });

  describe("restricted functions", () => {
    const expectedHolders: Partial<Record<RoleName, string[]>> = {
      REGISTRAR: ["registrar"],
      PLATFORM: ["platform"],
      RESOLVER: ["resolver"],
      ANCHORER: ["platform", "lawyer", "committee"],
      LAWYER: ["lawyer"],
      COMMITTEE: ["committee"],
    };

    for (const row of restrictedRows) {
      describe(`${row.contract}.${row.signature} → ${row.role}`, () => {
        it("is mapped to the role in the AccessManager", async () => {
          const target = await targets[row.contract].getAddress();
          expect(await h.accessManager.getTargetFunctionRole(target, selector(row.signature))).to.equal(
            Roles[row.role],
          );
        });

        it("is held by the expected fixture signers only", async () => {
          const holders: string[] = [];
          for (const [name, signer] of Object.entries(signers)) {
            const [isMember] = await h.accessManager.hasRole(Roles[row.role], signer);
            if (isMember) holders.push(name);
          }
          expect(holders.sort()).to.deep.equal([...(expectedHolders[row.role] ?? [])].sort());
        });

        it("lets every holder past the access check", async () => {
          for (const name of expectedHolders[row.role] ?? []) {
            const signer = signers[name] as HardhatEthersSigner;
            await expect(
              callAs(targets[row.contract], signer, row.signature),
              `${name} was refused`,
            ).not.to.be.revertedWithCustomError(targets[row.contract], "AccessManagedUnauthorized");
          }
        });

        it("refuses everyone else with AccessManagedUnauthorized", async () => {
          const others = Object.entries(signers).filter(([name]) => !(expectedHolders[row.role] ?? []).includes(name));
          expect(others).to.have.length.greaterThan(0);
          for (const [, signer] of others) {
            await expect(callAs(targets[row.contract], signer, row.signature))
              .to.be.revertedWithCustomError(targets[row.contract], "AccessManagedUnauthorized")
              .withArgs(signer.address);
          }
        });
      });
    }

    it("configures no other function role on chain than the documented ones", async () => {
      const events = await h.accessManager.queryFilter(h.accessManager.filters.TargetFunctionRoleUpdated(), 0);
      const configured = new Map<string, bigint>();
      for (const e of events) configured.set(`${e.args.target.toLowerCase()} ${e.args.selector}`, e.args.roleId);
      const documented = new Map<string, bigint>();
      for (const row of restrictedRows) {
        const target = (await targets[row.contract].getAddress()).toLowerCase();
        documented.set(`${target} ${selector(row.signature)}`, Roles[row.role]);
      }
      expect([...configured].sort()).to.deep.equal([...documented].sort());
    });
  });

  describe("open functions", () => {
    for (const row of openRows) {
      it(`${row.contract}.${row.signature.replace(/\(.*/, "")}: an outsider gets past the AccessManager`, async () => {
        await expect(callAs(targets[row.contract], h.outsider, row.signature)).not.to.be.revertedWithCustomError(
          targets[row.contract],
          "AccessManagedUnauthorized",
        );
      });
    }

    it("setAuthority is left to the AccessManager itself", async () => {
      for (const target of Object.values(targets)) {
        expect(await (target as Hejie["members"]).authority()).to.equal(await h.accessManager.getAddress());
        await expect((target as Hejie["members"]).connect(h.registrar).setAuthority(h.outsider))
          .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
          .withArgs(h.registrar.address);
      }
    });
  });

  describe("roles", () => {
    it("Roles.sol and protocol/roles.ts declare the same ids", () => {
      const source = readFileSync(new URL("../contracts/libraries/Roles.sol", import.meta.url), "utf8");
      const declared = Object.fromEntries(
        [...source.matchAll(/uint64 internal constant (\w+) = (\d+);/g)].map(([, name, value]) => [
          name,
          BigInt(value as string),
        ]),
      );
      expect(declared).to.deep.equal({ ...Roles });
    });

    it("labels on chain every role of protocol/roles.ts but ADMIN and BORROWER, with its name", async () => {
      const events = await h.accessManager.queryFilter(h.accessManager.filters.RoleLabel(), 0);
      // Ignition sends the labels in no fixed order: compare them sorted by role id.
      const byId = (a: [bigint, string], b: [bigint, string]) => (a[0] < b[0] ? -1 : 1);
      const labels = events.map((e): [bigint, string] => [e.args.roleId, e.args.label]).sort(byId);
      const expected = (Object.keys(Roles) as RoleName[])
        .filter((name) => name !== "ADMIN" && name !== "BORROWER")
        .map((name): [bigint, string] => [Roles[name], name])
        .sort(byId);
      expect(labels).to.deep.equal(expected);
      expect([...LABELLED_ROLES].sort()).to.deep.equal(expected.map(([, name]) => name).sort());
    });

    it("gives each role the admin of the Role administration table", async () => {
      const covered = adminRows.flatMap((r) => r.roles);
      expect([...covered].sort()).to.deep.equal(
        (Object.keys(Roles) as RoleName[]).filter((name) => name !== "BORROWER").sort(),
      );
      for (const { roles, admin } of adminRows) {
        for (const role of roles) {
          expect(await h.accessManager.getRoleAdmin(Roles[role]), role).to.equal(Roles[admin]);
        }
      }
    });

    it("the roles administered by MEMBER_REGISTRY are protocol/roles.ts's MEMBER_ROLES", () => {
      const administered = adminRows.filter((r) => r.admin === "MEMBER_REGISTRY").flatMap((r) => r.roles);
      expect([...administered].sort()).to.deep.equal([...MEMBER_ROLES].sort());
    });

    it("MEMBER_REGISTRY is held by the HejieRegistry only", async () => {
      const registry = await h.members.getAddress();
      expect((await h.accessManager.hasRole(Roles.MEMBER_REGISTRY, registry))[0]).to.equal(true);
      expect((await h.accessManager.hasRole(Roles.MEMBER_REGISTRY, h.evidence))[0]).to.equal(false);
      for (const signer of [...Object.values(signers), ...h.spare]) {
        expect((await h.accessManager.hasRole(Roles.MEMBER_REGISTRY, signer))[0]).to.equal(false);
      }
      const grants = await h.accessManager.queryFilter(h.accessManager.filters.RoleGranted(Roles.MEMBER_REGISTRY), 0);
      expect(grants.map((e) => e.args.account)).to.deep.equal([registry]);
    });

    it("RESOLVER is granted at deployment to the CaseRegistry only, which reads this HejieRegistry", async () => {
      const cases = targets.CaseRegistry as Awaited<ReturnType<typeof caseRegistryOf>>;
      const grants = await h.accessManager.queryFilter(h.accessManager.filters.RoleGranted(Roles.RESOLVER), 0);
      // The deployment's grant, then this test's grant to the `resolver` signer.
      expect(grants.map((e) => e.args.account)).to.deep.equal([await cases.getAddress(), resolver.address]);
      expect(await cases.hejieRegistry()).to.equal(await h.members.getAddress());
      expect(await cases.authority()).to.equal(await h.accessManager.getAddress());
    });

    it("the deployer holds ADMIN and REGISTRAR; borrower wallets hold no role", async () => {
      expect((await h.accessManager.hasRole(Roles.ADMIN, h.registrar))[0]).to.equal(true);
      expect((await h.accessManager.hasRole(Roles.REGISTRAR, h.registrar))[0]).to.equal(true);
      const grants = await h.accessManager.queryFilter(h.accessManager.filters.RoleGranted(), 0);
      expect(grants.map((e) => e.args.account)).not.to.include(h.borrower.address);
      expect(grants.map((e) => e.args.roleId)).not.to.include(Roles.BORROWER);
    });
  });
});
