/**
 * A multi-creditor mediation case on a running system, as the mediation tests (gateway and browser)
 * start from: a second platform admitted (the `spare1` key, `spare2` its oracle), the multi-creditor
 * rulebook with a one-member panel (the deployment admits one committee member), one agreement per
 * creditor drafted in a gateway case (where written resolutions are kept) and registered, then the
 * mediation case opened by the lawyer — coordinator and mediator — with both agreements added.
 */
import { hexlify, randomBytes } from "ethers";
import type { Hex } from "viem";

import { CaseType, DEFAULT_RULEBOOKS } from "../../protocol/cases.js";
import { signIn } from "../../protocol/gateway-client.js";
import type { CaseRegistry } from "../../types/ethers-contracts/index.js";
import { caseRegistryOf } from "../helpers/cases.js";
import { DAY, admitPlatform, now, registerSettlement, settlementTerms } from "../helpers/hejie.js";
import { openCase } from "./agreements-fixture.js";
import { type System, wallets } from "./harness.js";

export interface MediationCase {
  cases: CaseRegistry;
  caseId: Hex;
  /** The gateway case the agreements were drafted in. */
  gatewayCase: Hex;
  /** The first creditor's agreement, then the second's. */
  agreements: Hex[];
  ids: { borrower: number; platform: number; platform2: number; lawyer: number; committee: number };
}

export async function openMediationCase(system: System): Promise<MediationCase> {
  const h = system.hejie;
  const cases = await caseRegistryOf(h);
  const platform2 = await admitPlatform(h, wallets.spare1.address, wallets.spare2.address, "second-creditor");
  const ids = {
    borrower: Number(h.ids.borrower),
    platform: Number(h.ids.platform),
    platform2: Number(platform2),
    lawyer: Number(h.ids.lawyer),
    committee: Number(h.ids.committee),
  };
  const rules = { ...DEFAULT_RULEBOOKS.MultiCreditor, panelSize: 1, quorum: 1 };
  await (await cases.connect(h.committee).setRulebook(CaseType.MultiCreditor, rules)).wait();

  const lawyer = await signIn(system.url, wallets.lawyer);
  const gatewayCase = await openCase(system, lawyer, wallets.borrower.address, [
    wallets.platform.address,
    wallets.spare1.address,
  ]);
  const deadline = (await now(h)) + 30n * DAY;
  const agreements = [
    (await registerSettlement(h, settlementTerms(h, { caseId: gatewayCase, deadline }))) as Hex,
    (await registerSettlement(
      h,
      settlementTerms(h, { caseId: gatewayCase, deadline, platform: wallets.spare1.address }),
      {
        platform: await h.ethers.getSigner(wallets.spare1.address),
      },
    )) as Hex,
  ];
  const caseId = hexlify(randomBytes(32)) as Hex;
  const creditors = [ids.platform, ids.platform2].sort((a, b) => a - b);
  await (
    await cases.connect(h.lawyer).openCase(caseId, CaseType.MultiCreditor, ids.borrower, creditors, ids.lawyer)
  ).wait();
  for (const id of agreements) await (await cases.connect(h.lawyer).addAgreement(caseId, id)).wait();
  return { cases, caseId, gatewayCase, agreements, ids };
}
