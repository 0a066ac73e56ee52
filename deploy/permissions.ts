/**
 * Which AccessManager role may call each restricted function. The Ignition module applies this
 * table; test/deploy.test.ts checks the deployed chain against the human-readable table in
 * docs/permissions.md, so the two cannot drift apart.
 */
import type { RoleName } from "../protocol/roles.js";

export type HejieContract = "HejieRegistry" | "EvidenceRegistry" | "CaseRegistry";

export interface RestrictedFunctions {
  contract: HejieContract;
  role: RoleName;
  /** Canonical signatures, from which the selectors are derived. */
  functions: readonly string[];
}

export const RESTRICTED_FUNCTIONS: readonly RestrictedFunctions[] = [
  {
    contract: "HejieRegistry",
    role: "REGISTRAR",
    functions: [
      "admitMember(uint8,uint8,bytes32,address)",
      "addKey(uint32,address,uint64)",
      "revokeKey(address)",
      "suspendAccount(uint32)",
      "reinstateAccount(uint32)",
      "bindBorrower(address,bytes32)",
    ],
  },
  { contract: "HejieRegistry", role: "PLATFORM", functions: ["bindCustomer(address,bytes32)"] },
  { contract: "HejieRegistry", role: "RESOLVER", functions: ["transition(bytes32,uint8,bytes32)"] },
  { contract: "EvidenceRegistry", role: "ANCHORER", functions: ["anchor(bytes32,bytes32,uint8,uint32)"] },
  { contract: "CaseRegistry", role: "LAWYER", functions: ["openCase(bytes32,uint16,uint32,uint32[],uint32)"] },
  {
    contract: "CaseRegistry",
    role: "COMMITTEE",
    functions: [
      "setRulebook(uint16,(uint32,uint32,uint32,uint32,uint32,uint32,uint8,uint8,uint8,uint8))",
      "appointPanel(uint256,uint32[])",
    ],
  },
];
