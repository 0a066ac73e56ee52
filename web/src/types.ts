/** What the gateway answers (docs/api.md, /openapi.json), as far as the portal reads it. */
export type Hex = `0x${string}`;
export type PartyRole = "borrower" | "platform" | "lawyer";

export interface CaseView {
  id: Hex;
  title: string;
  openedBy: Hex;
  openedAt: number;
  parties: { accountId: number; address: Hex; role: PartyRole }[];
}

export interface Instalment {
  dueAt: number;
  amount: string;
}

export interface DraftView {
  id: string;
  caseId: Hex;
  status: "drafted" | "partly_signed" | "expired" | "withdrawn" | "queued" | "submitted" | "registered" | "failed";
  settlementId: Hex;
  createdAt: number;
  deadline: number;
  document: { id: Hex; sha256: Hex; salt: Hex; hash: Hex };
  terms: {
    borrower: Hex;
    platform: Hex;
    lawyer: Hex;
    documentHash: Hex;
    currency: string;
    originalPrincipal: string;
    loanFormedAt: number;
    settledAmount: string;
    instalments: Instalment[];
    gracePeriod: number;
    curePeriod: number;
    contestWindow: number;
    amends: Hex;
    deadline: number;
  };
  signatures: { role: PartyRole; signer: Hex; signedAt: number }[];
  awaiting: PartyRole[];
  registration: { txHash: Hex | null; blockNumber: number | null } | null;
  failure: { error: string | null } | null;
}

export interface TypedDataReply {
  draftId: string;
  settlementId: Hex;
  typedData: {
    types: Record<string, { name: string; type: string }[]>;
    primaryType: string;
    domain: Record<string, unknown>;
    message: Record<string, unknown>;
  };
}

export interface DocumentView {
  id: Hex;
  name: string;
  kind: string;
  mediaType: string;
  size: number;
  sha256: Hex;
  uploader: Hex;
  createdAt: number;
  status: "available" | "deleted";
}

export interface EvidenceItem {
  id: string;
  documentId: Hex;
  sha256: Hex;
  state: "queued" | "anchored";
  queuedAt: number;
  anchor: { root: Hex; txHash: Hex; blockNumber: number; blockTime: number } | null;
}

export interface VerifyAnswer {
  anchored: boolean;
  sha256: Hex;
  anchors: {
    verified: boolean;
    caseId: Hex;
    root: Hex;
    txHash: Hex;
    blockNumber: number;
    anchoredAt: number;
    chainId: number;
  }[];
}

/** The indexer's instalment states (the registry's `InstalmentState`). */
export type InstalmentStateName =
  "NotYetDue" | "Due" | "PaidOnTime" | "PaidLate" | "OverdueInGrace" | "OverdueInCure" | "Defaulted";

export type StandingName = "Performing" | "OverdueInGrace" | "OverdueInCure" | "Defaulted" | "Completed";

/** `GET /agreements/:settlementId`: the indexer's read model (amounts in fen as strings, times in Unix seconds). */
export interface IndexedAgreement {
  settlementId: Hex;
  caseId: Hex;
  amends: Hex | null;
  registered: { at: number; blockNumber: number };
  periods: { grace: number; cure: number; contestWindow: number };
  asOf: number;
  compliance: {
    status: string;
    standing: StandingName;
    totalDue: string;
    paidTotal: string;
    dueToDate: string;
    arrears: string;
    daysOverdue: number;
    nextInstalment: number;
  };
  instalments: { index: number; dueAt: number; amount: string; state: InstalmentStateName; paidAt: number | null }[];
  payments: { sequence: number; amount: string; paidAt: number; txHash?: string; blockNumber?: number }[];
}

export type Bucket = "performing" | "inArrears" | "inDefault" | "completed" | "closed";

/** `GET /portfolio`: the platform's agreements by bucket. */
export interface Portfolio {
  platformId: number;
  asOf: number;
  buckets: Record<Bucket, { count: number; totalDue: string; paid: string; outstanding: string; arrears: string }>;
  agreements: {
    settlementId: Hex;
    caseId: Hex;
    bucket: Bucket;
    status: string;
    standing: StandingName;
    totalDue: string;
    paidTotal: string;
    arrears: string;
    daysOverdue: number;
  }[];
}

/** `GET /cases/:caseId/timeline`: one on-chain event of the case. */
export interface TimelineEntry {
  at: number;
  event: "SettlementRegistered" | "PaymentRecorded" | "PaymentContested" | "StatusChanged" | "Anchored" | string;
  settlementId: Hex | null;
  blockNumber: number;
  logIndex: number;
  txHash: Hex;
  details: Record<string, unknown>;
}

/** `GET /mediation/cases`: the caller's mediation cases on the CaseRegistry. */
export interface MediationCaseSummary {
  caseId: Hex;
  caseType: number;
  status: string;
  borrowerId: number;
  coordinatorId: number;
  mediatorId: number;
  openedAt: number;
  yourRoles: string[];
}

/** `GET /mediation/cases/:caseId`: the case as the chain has it, with the indexer's standstills. */
export interface MediationCaseView {
  caseId: Hex;
  caseType: number;
  status: string;
  yourRoles: string[];
  parties: { borrowerId: number; coordinatorId: number; mediatorId: number };
  creditors: {
    accountId: number;
    counselId: number | null;
    agreementCount: number;
    joinedApplication: boolean;
    standstill: { from: number; until: number } | null;
    breaches: number;
  }[];
  borrowerJoinedApplication: boolean;
  agreements: Hex[];
  times: Record<string, number | null>;
  deadlines: Record<string, number | null>;
  standstills: { creditorId: number; from?: number; until: number; txHash: Hex; blockNumber?: number }[];
}

/** `GET /deadlines`: what is due per case, per role. */
export interface DeadlinesView {
  asOf: number;
  cases: {
    caseId: Hex;
    status: string;
    yourRoles: string[];
    due: { deadline: string; action: string; dueAt: number; roles: string[]; overdue: boolean }[];
  }[];
}

/** `GET /mediation/cases/:caseId/standstills/typed-data`. */
export interface StandstillTypedData {
  domain: Record<string, unknown>;
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown>;
}

/** `GET /disputes`: one dispute of the caller's cases. */
export interface DisputeSummary {
  disputeId: string;
  caseId: Hex;
  settlementId: Hex;
  subject: string;
  state: "Open" | "Decided" | "Expired";
  openedAt: number;
  votesDueAt: number;
  panel: number[];
  voted: number[];
  yourTurn: boolean;
  /** Open with no panel yet: the committee's next step is to appoint one. */
  needsPanel: boolean;
}

/** `GET /disputes/:disputeId`. */
export interface DisputeView {
  disputeId: string;
  caseId: Hex;
  settlementId: Hex;
  yourRoles: string[];
  status: "Open" | "Decided" | "Expired";
  subject: string;
  sequence: number | null;
  openedBy: number;
  openedAt: number;
  votesDueAt: number;
  panelSize: number;
  quorum: number;
  panel: number[];
  votes: { memberId: number; vote: string | null; opinionHash: Hex | null; at: number | null; txHash: Hex | null }[];
  tally: Record<string, number>;
  outcome: string | null;
  resolutionHash: Hex | null;
  resolutionDocuments: { documentId: Hex; name: string; sha256: Hex; matches: boolean }[];
}
