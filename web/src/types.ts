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
