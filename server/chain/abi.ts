/**
 * The contracts' ABIs, read from Hardhat's compiled artifacts (one source of truth: the contracts
 * themselves). `npm start` and the tests compile first; a missing artifact is a clear start-up error.
 */
import { readFileSync } from "node:fs";

import type { Abi } from "viem";

const root = new URL("../../artifacts/", import.meta.url);

function artifactAbi(path: string): Abi {
  const file = new URL(path, root);
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { abi: Abi }).abi;
  } catch (cause) {
    throw new Error(`Cannot read the ABI at ${file.pathname}: run \`npm run compile\` first.`, { cause });
  }
}

export const registryAbi = artifactAbi("contracts/HejieRegistry.sol/HejieRegistry.json");
export const evidenceAbi = artifactAbi("contracts/EvidenceRegistry.sol/EvidenceRegistry.json");
export const caseRegistryAbi = artifactAbi("contracts/CaseRegistry.sol/CaseRegistry.json");
export const accessManagerAbi = artifactAbi(
  "@openzeppelin/contracts/access/manager/AccessManager.sol/AccessManager.json",
);
