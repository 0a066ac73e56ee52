/**
 * The whole of Hejie on one chain: the AccessManager, the HejieRegistry (members and settlements),
 * the EvidenceRegistry, the CaseRegistry (mediation cases, rulebooks, standstills, committee disputes),
 * and the role wiring.
 * One module tree for every profile (in-process tests, the local anvil chain, a Besu consortium).
 *
 * The deployer holds ADMIN_ROLE afterwards; on a consortium, hand it to the governance multisig
 * (grant ADMIN to it, then `renounceRole(0, deployer)`), as the README's deployment section describes.
 * RESOLVER goes to the CaseRegistry, the committee's executor: its decided disputes move agreements
 * through `transition`. ADMIN may grant it to others (a committee multisig) as well.
 *
 * Parameter (optional): `registrar`, the first holder of REGISTRAR; default: the deployer.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { id } from "ethers";

import { LABELLED_ROLES, MEMBER_ROLES, Roles } from "../../protocol/roles.js";
import { RESTRICTED_FUNCTIONS } from "../permissions.js";

const selector = (signature: string) => id(signature).slice(0, 10);

export default buildModule("Hejie", (m) => {
  const deployer = m.getAccount(0);
  const registrar = m.getParameter("registrar", deployer);

  const accessManager = m.contract("AccessManager", [deployer]);
  const memberLogic = m.library("MemberLogic");
  const registry = m.contract("HejieRegistry", [accessManager], { libraries: { MemberLogic: memberLogic } });
  const evidenceRegistry = m.contract("EvidenceRegistry", [accessManager]);
  const caseLogic = m.library("CaseLogic");
  const disputeLogic = m.library("DisputeLogic");
  const caseRegistry = m.contract("CaseRegistry", [accessManager, registry], {
    libraries: { CaseLogic: caseLogic, DisputeLogic: disputeLogic },
  });
  const targets = { HejieRegistry: registry, EvidenceRegistry: evidenceRegistry, CaseRegistry: caseRegistry };

  const labels = LABELLED_ROLES.map((name) =>
    m.call(accessManager, "labelRole", [Roles[name], name], { id: `label_${name}` }),
  );

  const registryRole = m.call(accessManager, "grantRole", [Roles.MEMBER_REGISTRY, registry, 0], {
    id: "grant_MEMBER_REGISTRY",
    after: labels,
  });
  const roleAdmins = MEMBER_ROLES.map((name) =>
    m.call(accessManager, "setRoleAdmin", [Roles[name], Roles.MEMBER_REGISTRY], {
      id: `admin_of_${name}`,
      after: [registryRole],
    }),
  );
  const functionRoles = RESTRICTED_FUNCTIONS.map(({ contract, role, functions }) =>
    m.call(accessManager, "setTargetFunctionRole", [targets[contract], functions.map(selector), Roles[role]], {
      id: `functions_${contract}_${role}`,
      after: labels,
    }),
  );

  const resolver = m.call(accessManager, "grantRole", [Roles.RESOLVER, caseRegistry, 0], {
    id: "grant_RESOLVER",
    after: labels,
  });

  const wired = [...roleAdmins, ...functionRoles, resolver];
  m.call(accessManager, "grantRole", [Roles.REGISTRAR, registrar, 0], { id: "grant_REGISTRAR", after: wired });

  return { accessManager, registry, evidenceRegistry, caseRegistry };
});
