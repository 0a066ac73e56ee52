/**
 * The toolchain is what package.json says: the Solidity compiler Hardhat is configured with is the
 * installed solc-js package (no download), the artifacts were built by it, and the running Node
 * satisfies `engines.node`.
 */
import { readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";

import { expect } from "chai";
import hre from "hardhat";

import { EVM_VERSION } from "../hardhat.config.js";
import { createConnection, deployHejie } from "./helpers/hejie.js";

const require = createRequire(import.meta.url);
const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const installedSolc = (JSON.parse(readFileSync(require.resolve("solc/package.json"), "utf8")) as { version: string })
  .version;

/** The solc version in a runtime bytecode's CBOR metadata trailer (`… 64 "solc" 43 <major minor patch> 0033`). */
function metadataSolcVersion(bytecode: string): string {
  const match = /64736f6c6343([0-9a-f]{6})0033$/.exec(bytecode.toLowerCase());
  if (match === null) throw new Error("no solc version in the metadata");
  const [major, minor, patch] = (match[1] as string).match(/../g)!.map((byte) => parseInt(byte, 16));
  return `${major}.${minor}.${patch}`;
}

/** Whether `version` (x.y.z) satisfies a `>=x.y[.z]` range. */
function satisfiesAtLeast(version: string, range: string): boolean {
  const match = /^>=(\d+)\.(\d+)(?:\.(\d+))?$/.exec(range);
  if (match === null) throw new Error(`unsupported range ${range}`);
  const wanted = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  const actual = version.split(".").map(Number);
  for (let i = 0; i < 3; ++i) {
    if ((actual[i] ?? 0) !== wanted[i]) return (actual[i] ?? 0) > (wanted[i] as number);
  }
  return true;
}

const HEJIE_CONTRACTS = ["HejieRegistry", "EvidenceRegistry", "MemberLogic", "MultisigWallet", "AccessManager"];

describe("toolchain", () => {
  describe("Solidity compiler", () => {
    it("package.json pins solc exactly, to the installed version", () => {
      expect(packageJson.devDependencies.solc).to.match(/^\d+\.\d+\.\d+$/);
      expect(packageJson.devDependencies.solc).to.equal(installedSolc);
    });

    it("every configured compiler is the installed solc-js, by version and by path", () => {
      const profiles = Object.entries(hre.config.solidity.profiles);
      expect(profiles.length).to.be.greaterThan(0);
      const soljson = realpathSync(require.resolve("solc/soljson.js"));
      for (const [name, profile] of profiles) {
        expect(profile.compilers.length, name).to.be.greaterThan(0);
        // The only overrides are the Solidity tests' own sources (compiled without the optimizer:
        // they deploy the contracts from their production artifacts), with the same compiler.
        for (const source of Object.keys(profile.overrides)) {
          expect(source, `${name} override`).to.match(/^test\/contracts\/.+\.sol$/);
        }
        for (const compiler of [...profile.compilers, ...Object.values(profile.overrides)]) {
          expect(compiler.version, name).to.equal(installedSolc);
          expect(compiler.path && realpathSync(compiler.path), name).to.equal(soljson);
        }
      }
    });

    it("the solc-js module reports the same version", () => {
      const solc = require("solc") as { version(): string };
      expect(solc.version()).to.match(new RegExp(`^${installedSolc.replaceAll(".", "\\.")}\\+commit\\.`));
    });

    for (const name of HEJIE_CONTRACTS) {
      it(`${name}'s artifact was built by it (build info, settings and bytecode metadata)`, async () => {
        const artifact = await hre.artifacts.readArtifact(name);
        const buildInfoPath = await hre.artifacts.getBuildInfoPath(artifact.buildInfoId!);
        expect(buildInfoPath).to.be.a("string");
        const buildInfo = JSON.parse(readFileSync(buildInfoPath!, "utf8")) as {
          solcVersion: string;
          solcLongVersion: string;
          input: { settings: { evmVersion: string } };
        };
        expect(buildInfo.solcVersion).to.equal(installedSolc);
        expect(buildInfo.solcLongVersion.startsWith(`${installedSolc}+commit.`)).to.equal(true);
        expect(buildInfo.input.settings.evmVersion).to.equal(EVM_VERSION);
        expect(metadataSolcVersion(artifact.deployedBytecode)).to.equal(installedSolc);
      });
    }

    it("the deployed registry's runtime code reports it too", async () => {
      const h = await deployHejie(await createConnection());
      for (const contract of [h.members, h.evidence]) {
        const code = await h.ethers.provider.getCode(await contract.getAddress());
        expect(metadataSolcVersion(code)).to.equal(installedSolc);
      }
    });
  });

  describe("Node", () => {
    it('package.json requires node ">=22.13"', () => {
      expect(packageJson.engines.node).to.equal(">=22.13");
    });

    it("the running Node satisfies engines.node", () => {
      expect(satisfiesAtLeast(process.versions.node, packageJson.engines.node), process.versions.node).to.equal(true);
    });

    it("the range check itself tells older from newer versions", () => {
      expect(satisfiesAtLeast("22.13.0", ">=22.13")).to.equal(true);
      expect(satisfiesAtLeast("22.12.9", ">=22.13")).to.equal(false);
      expect(satisfiesAtLeast("20.20.2", ">=22.13")).to.equal(false);
      expect(satisfiesAtLeast("23.0.0", ">=22.13")).to.equal(true);
    });
  });
});
