/**
 * The Besu consortium profile cannot run here (no Java): these tests check its files instead — that
 * they are what `deploy/besu/profile.ts` derives from `network.json`, that the genesis encodes
 * exactly the listed validators, and that chain id and EVM version match the Hardhat configuration.
 */
import { existsSync, readFileSync } from "node:fs";

import { expect } from "chai";
import { SigningKey, computeAddress, decodeRlp, getAddress } from "ethers";
import hre from "hardhat";

import { type Network, profileFiles } from "../deploy/besu/profile.js";
import { CONSORTIUM_CHAIN_ID, EVM_VERSION } from "../hardhat.config.js";

const network = JSON.parse(readFileSync("deploy/besu/network.json", "utf8")) as Network;
const genesis = JSON.parse(readFileSync("deploy/besu/genesis.json", "utf8")) as {
  config: Record<string, unknown> & { chainId: number; qbft: Record<string, number> };
  extraData: string;
};

describe("Besu consortium profile (deploy/besu)", () => {
  it("every generated file is what network.json produces (run `npm run besu:profile` after editing it)", () => {
    for (const [path, content] of Object.entries(profileFiles(network, EVM_VERSION))) {
      expect(readFileSync(path, "utf8"), path).to.equal(content);
    }
  });

  it("the genesis is QBFT with 2-second blocks, no fees, and the chain id of the Hardhat consortium network", () => {
    expect(genesis.config.chainId).to.equal(CONSORTIUM_CHAIN_ID);
    expect((hre.config.networks.consortium as { chainId?: number }).chainId).to.equal(CONSORTIUM_CHAIN_ID);
    expect(genesis.config.qbft.blockperiodseconds).to.equal(2);
    expect(genesis.config.zeroBaseFee).to.equal(true);
  });

  it("the genesis activates exactly the forks of the EVM version the contracts are compiled for", () => {
    const compilerEvm = hre.config.solidity.profiles.default?.compilers[0]?.settings.evmVersion;
    expect(compilerEvm).to.equal(EVM_VERSION).and.to.equal("cancun");
    expect(genesis.config).to.include({ londonBlock: 0, shanghaiTime: 0, cancunTime: 0 });
    expect(genesis.config).to.not.have.any.keys("pragueTime", "osakaTime");
  });

  it("the QBFT extra data encodes exactly the listed validators (vanity, validators, no vote, round 0, no seals)", () => {
    const [vanity, validators, votes, round, seals] = decodeRlp(genesis.extraData) as [
      string,
      string[],
      [],
      string,
      [],
    ];
    expect(vanity).to.equal(`0x${"00".repeat(32)}`);
    expect(validators.map((v) => getAddress(v))).to.deep.equal(
      network.institutions.map((i) => getAddress(i.validator)),
    );
    expect([votes, round, seals]).to.deep.equal([[], "0x", []]);
  });

  it("each validator address is the address of its node's public key (QBFT validators are node keys)", () => {
    for (const institution of network.institutions) {
      const publicKey = SigningKey.computePublicKey(`0x04${institution.enodePublicKey.slice(2)}`, false);
      expect(computeAddress(publicKey), institution.name).to.equal(getAddress(institution.validator));
    }
  });

  it("every node allows exactly the consortium's nodes and accounts, and points at files that exist", () => {
    for (const institution of network.institutions) {
      const dir = `deploy/besu/nodes/${institution.name}`;
      const permissions = readFileSync(`${dir}/permissions_config.toml`, "utf8");
      for (const other of network.institutions) expect(permissions).to.contain(other.enodePublicKey.slice(2));
      for (const account of network.accounts) expect(permissions).to.contain(getAddress(account.address));
      const config = readFileSync(`${dir}/config.toml`, "utf8");
      for (const [, path] of config.matchAll(/-file="(deploy\/[^"]+)"/g))
        expect(existsSync(path!), path).to.equal(true);
      const staticNodes = JSON.parse(readFileSync(`${dir}/static-nodes.json`, "utf8")) as string[];
      expect(staticNodes).to.have.length(network.institutions.length - 1);
    }
  });
});
