/**
 * Brings a local chain to a usable state once: deploys the contracts with the Ignition module, admits
 * the demo members, binds the demo borrowers, has the committee set the starting rulebooks (protocol/cases.ts),
 * and records the deployment in the data directory.
 * On later starts it only checks that the recorded contracts are still on the chain.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { NetworkConnection } from "hardhat/types/network";

import { grantAnchorer } from "../anchorer.js";
import { CaseType, DEFAULT_RULEBOOKS } from "../../protocol/cases.js";
import { Roles } from "../../protocol/roles.js";
import HejieModule from "../modules/Hejie.js";
import { RELAYER_INDEX, borrowers, demoCommitment, members, registrarIndex } from "./parties.js";

export interface Deployment {
  chainId: number;
  registry: `0x${string}`;
  evidence: `0x${string}`;
  accessManager: `0x${string}`;
  caseRegistry: `0x${string}`;
  deployedAt: string;
}

export class DeploymentMissingError extends Error {
  override readonly name = "DeploymentMissingError";
}

const deploymentFile = (dataDir: string) => join(dataDir, "deployment.json");

export function readDeployment(dataDir: string): Deployment | undefined {
  const file = deploymentFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Deployment) : undefined;
}

export async function bootstrap(
  connection: NetworkConnection<"generic">,
  dataDir: string,
  log: (line: string) => void,
): Promise<Deployment> {
  const { ethers, ignition } = connection;
  const recorded = readDeployment(dataDir);
  if (recorded !== undefined) {
    if ((recorded as Partial<Deployment>).caseRegistry === undefined) {
      throw new DeploymentMissingError(
        `${deploymentFile(dataDir)} predates the CaseRegistry (no \`caseRegistry\` address): ` +
          "move the data directory away to start afresh with a deployment that has it.",
      );
    }
    const contracts = { registry: recorded.registry, evidence: recorded.evidence, caseRegistry: recorded.caseRegistry };
    for (const [name, address] of Object.entries(contracts)) {
      if ((await ethers.provider.getCode(address)) === "0x") {
        throw new DeploymentMissingError(
          `${deploymentFile(dataDir)} records the ${name} at ${address}, but the chain has no contract there: ` +
            "the chain state was lost or replaced. Restore the data directory, or move it away to start afresh.",
        );
      }
    }
    return recorded;
  }

  log("Deploying the contracts (first start on this data directory)…");
  const deploymentId = "hejie-local";
  const journal = join(process.cwd(), "deploy", "deployments", deploymentId);
  // A journal left by an interrupted first start belongs to a chain that no longer matters.
  rmSync(journal, { recursive: true, force: true });
  const deployed = await ignition.deploy(HejieModule, { deploymentId });
  rmSync(journal, { recursive: true, force: true });

  const signers = await ethers.getSigners();
  const signer = (index: number) => {
    const found = signers[index];
    if (found === undefined) throw new Error(`account ${index} missing: anvil must fund enough accounts`);
    return found;
  };
  const registry = (await ethers.getContractAt("HejieRegistry", await deployed.registry.getAddress())).connect(
    signer(registrarIndex),
  );
  for (const [label, member] of Object.entries(members)) {
    await (await registry.admitMember(member.kind, member.licence, demoCommitment(label), signer(member.key))).wait();
    if ("oracle" in member) {
      const { accountId } = await registry.getKey(signer(member.key));
      await (await registry.addKey(accountId, signer(member.oracle), Roles.ORACLE)).wait();
    }
  }
  for (const [label, borrower] of Object.entries(borrowers)) {
    await (await registry.bindBorrower(signer(borrower.key), demoCommitment(label))).wait();
  }
  // The committee sets the consortium's starting rulebooks, so that lawyers can open mediation cases.
  const caseRegistry = (await ethers.getContractAt("CaseRegistry", await deployed.caseRegistry.getAddress())).connect(
    signer(members.committee.key),
  );
  for (const [name, rules] of Object.entries(DEFAULT_RULEBOOKS)) {
    await (await caseRegistry.setRulebook(CaseType[name as keyof typeof CaseType], rules)).wait();
  }
  // The gateway's relayer anchors evidence and the audit log's head: it needs ANCHORER.
  const accessManager = (
    await ethers.getContractAt("AccessManager", await deployed.accessManager.getAddress())
  ).connect(signer(0));
  await grantAnchorer(accessManager, await signer(RELAYER_INDEX).getAddress());

  const { chainId } = await ethers.provider.getNetwork();
  const deployment: Deployment = {
    chainId: Number(chainId),
    registry: (await deployed.registry.getAddress()) as `0x${string}`,
    evidence: (await deployed.evidenceRegistry.getAddress()) as `0x${string}`,
    accessManager: (await deployed.accessManager.getAddress()) as `0x${string}`,
    caseRegistry: (await deployed.caseRegistry.getAddress()) as `0x${string}`,
    deployedAt: new Date().toISOString(),
  };
  mkdirSync(dataDir, { recursive: true });
  // Written last and atomically: a deployment is recorded only once it is complete.
  writeFileSync(`${deploymentFile(dataDir)}.tmp`, `${JSON.stringify(deployment, null, 2)}\n`);
  renameSync(`${deploymentFile(dataDir)}.tmp`, deploymentFile(dataDir));
  return deployment;
}
