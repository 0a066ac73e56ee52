/**
 * The parties of the local profile (`npm start`) and of the demo (`npm run demo`): the two cases of the
 * seed document. Their keys are anvil's default accounts (the well-known "test … junk" mnemonic), so
 * they exist only on a local chain. Identity commitments are demo labels, not personal data.
 */
import { keccak256, toUtf8Bytes } from "ethers";

import { AccountKind, Licence } from "../../protocol/enums.js";

export const LOCAL_MNEMONIC = "test test test test test test test test test test test junk";
/** Anvil funds this many accounts of the mnemonic in the local profile. */
export const LOCAL_ACCOUNTS = 20;
/** The account that relays the gateway's transactions. */
export const RELAYER_INDEX = 19;

export interface MemberParty {
  name: string;
  kind: (typeof AccountKind)[keyof typeof AccountKind];
  licence: (typeof Licence)[keyof typeof Licence];
  /** Account index of its signing key. */
  key: number;
  /** Account index of its payment system's ORACLE key (platforms). */
  oracle?: number;
}

export interface BorrowerParty {
  name: string;
  key: number;
}

export const registrarIndex = 0;

export const members = {
  lawyer: { name: "Lawyer Wang (coordinator)", kind: AccountKind.Lawyer, licence: Licence.None, key: 1 },
  committee: { name: "Committee member Chen", kind: AccountKind.CommitteeMember, licence: Licence.None, key: 2 },
  anjia: { name: "Anjia Renovation Loans", kind: AccountKind.Platform, licence: Licence.Unlicensed, key: 5, oracle: 6 },
  xinyi: { name: "Xinyi Micro-lending", kind: AccountKind.Platform, licence: Licence.MicroLender, key: 7, oracle: 8 },
  huifeng: {
    name: "Huifeng Consumer Finance",
    kind: AccountKind.Platform,
    licence: Licence.ConsumerFinance,
    key: 9,
    oracle: 10,
  },
  kuaijie: {
    name: "Kuaijie Online Lending",
    kind: AccountKind.Platform,
    licence: Licence.Unlicensed,
    key: 11,
    oracle: 12,
  },
  mediator: { name: "Mediator Zhao (lawyer)", kind: AccountKind.Lawyer, licence: Licence.None, key: 13 },
  // The rest of the coordination committee: the multi-creditor rulebook seats a panel of five.
  committeeLiu: { name: "Committee member Liu", kind: AccountKind.CommitteeMember, licence: Licence.None, key: 14 },
  committeeZhou: { name: "Committee member Zhou", kind: AccountKind.CommitteeMember, licence: Licence.None, key: 15 },
  committeeWu: { name: "Committee member Wu", kind: AccountKind.CommitteeMember, licence: Licence.None, key: 16 },
  committeeSun: { name: "Committee member Sun", kind: AccountKind.CommitteeMember, licence: Licence.None, key: 17 },
} satisfies Record<string, MemberParty>;

export const borrowers = {
  li: { name: "Xiao Li (salaried, renovation loan)", key: 3 },
  zhang: { name: "Mr Zhang (small-business owner, three platforms)", key: 4 },
} satisfies Record<string, BorrowerParty>;

/** A demo identity commitment: a hash of a label (a real registrar salts a verified identity). */
export const demoCommitment = (label: string) => keccak256(toUtf8Bytes(`hejie-local-demo:${label}`));
