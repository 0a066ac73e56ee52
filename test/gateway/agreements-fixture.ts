/**
 * Helpers for the agreements tests: a case with an uploaded agreement document, draft bodies, typed
 * data signed by real keys (viem, or the node's own `eth_signTypedData_v4`), and waiting for the
 * outbox without timing anything.
 */
import { randomBytes } from "node:crypto";

import type { Hex, LocalAccount } from "viem";

import { endOfDayCst } from "../../protocol/schedule.js";
import { call } from "../../protocol/gateway-client.js";
import { type System, wallets } from "./harness.js";

export const DAY = 86_400;
/** 2027-01-31 23:59:59 China Standard Time: a month-end first due date (clamped in February). */
export const FIRST_DUE = Number(endOfDayCst(2027, 1, 31));

export interface Tokens {
  lawyer: string;
  borrower: string;
  platform: string;
}

export interface TypedDataReply {
  draftId: string;
  settlementId: Hex;
  signers: { borrower: Hex; platform: Hex; lawyer: Hex };
  typedData: {
    types: Record<string, { name: string; type: string }[]>;
    primaryType: "Settlement";
    domain: { name: string; version: string; chainId: number; verifyingContract: Hex };
    message: Record<string, unknown>;
  };
}

export interface DraftReply {
  id: string;
  status: string;
  settlementId: Hex;
  deadline: number;
  document: { id: string; sha256: Hex; salt: Hex; hash: Hex };
  terms: Record<string, unknown> & { instalments: { dueAt: number; amount: string }[] };
  registrationMethod: "register" | "registerMonthly";
  signatures: { role: string; signer: Hex }[];
  awaiting: string[];
  submission: {
    txHash: Hex | null;
    nonce: number | null;
    transactions: number;
    attempts: number;
    lastError: string | null;
  } | null;
  registration: { txHash: Hex; blockNumber: number; blockHash: Hex } | null;
  failure: { error: string; args: unknown[]; message: string } | null;
}

export interface ErrorReply {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Opens a case (the lawyer's token) for `borrower` and `platforms`; returns its id. */
export async function openCase(system: System, lawyer: string, borrower: Hex, platforms: Hex[]): Promise<Hex> {
  const opened = await call<{ id: Hex }>(system.url, "POST", "/cases", {
    token: lawyer,
    json: { title: "Renovation loan", borrower, platforms },
  });
  if (opened.status !== 201) throw new Error(`open case: ${JSON.stringify(opened.body)}`);
  return opened.body.id;
}

/** Uploads an agreement document to the case through the documents API; returns its id and bytes. */
export async function uploadDocument(
  system: System,
  token: string,
  caseId: Hex,
  bytes: Buffer = randomBytes(4096),
): Promise<{ id: Hex; bytes: Buffer }> {
  const uploaded = await call<{ id: Hex; sha256: Hex }>(
    system.url,
    "POST",
    `/cases/${caseId}/documents?name=settlement-agreement.pdf&kind=agreement`,
    { token, body: bytes, contentType: "application/pdf" },
  );
  if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
  return { id: uploaded.body.id, bytes };
}

/** A draft body: 12 monthly instalments of 1,000.00 yuan from FIRST_DUE by default. */
export function draftBody(platform: Hex, documentId: string, overrides: Record<string, unknown> = {}) {
  return {
    platform,
    currency: "CNY",
    originalPrincipal: "1000000",
    loanFormedAt: FIRST_DUE - 400 * DAY,
    settledAmount: "1200000",
    monthly: { firstDueAt: FIRST_DUE, count: 12, total: "1200000" },
    gracePeriod: 5 * DAY,
    curePeriod: 30 * DAY,
    contestWindow: 14 * DAY,
    documentId,
    ...overrides,
  };
}

export async function createDraft(system: System, lawyer: string, caseId: Hex, body: unknown): Promise<DraftReply> {
  const drafted = await call<DraftReply>(system.url, "POST", `/cases/${caseId}/drafts`, { token: lawyer, json: body });
  if (drafted.status !== 201) throw new Error(`draft: ${drafted.status} ${JSON.stringify(drafted.body)}`);
  return drafted.body;
}

export async function typedDataOf(system: System, token: string, caseId: Hex, draftId: string) {
  const reply = await call<TypedDataReply>(system.url, "GET", `/cases/${caseId}/drafts/${draftId}/typed-data`, {
    token,
  });
  if (reply.status !== 200) throw new Error(`typed data: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Signs the served typed data with a viem account, exactly as served (uints as decimal strings). */
export function signServed(wallet: LocalAccount, served: TypedDataReply): Promise<Hex> {
  return wallet.signTypedData(served.typedData as never);
}

/** Signs the served typed data through the node's `eth_signTypedData_v4` (anvil holds the default keys). */
export async function signWithNode(system: System, address: Hex, served: TypedDataReply): Promise<Hex> {
  const response = await fetch(system.anvil.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_signTypedData_v4",
      params: [address, JSON.stringify(served.typedData)],
    }),
  });
  const reply = (await response.json()) as { result?: Hex; error?: unknown };
  if (reply.result === undefined) throw new Error(`eth_signTypedData_v4: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

export function postSignature(
  system: System,
  token: string,
  caseId: Hex,
  draftId: string,
  body: { role?: string; signature: string },
) {
  return call<DraftReply & ErrorReply>(system.url, "POST", `/cases/${caseId}/drafts/${draftId}/signatures`, {
    token,
    json: body,
  });
}

export async function draftStatus(system: System, token: string, caseId: Hex, draftId: string): Promise<DraftReply> {
  const reply = await call<DraftReply>(system.url, "GET", `/cases/${caseId}/drafts/${draftId}`, { token });
  if (reply.status !== 200) throw new Error(`status: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/**
 * Polls the draft until `done` holds (the outbox works in the background). Bounded by a number of
 * polls, not by a time: no assertion here depends on how fast anything runs.
 */
export async function waitForDraft(
  system: System,
  token: string,
  caseId: Hex,
  draftId: string,
  done: (draft: DraftReply) => boolean,
  polls = 600,
): Promise<DraftReply> {
  let last: DraftReply | undefined;
  for (let i = 0; i < polls; i++) {
    last = await draftStatus(system, token, caseId, draftId);
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the draft never reached the expected state; last: ${JSON.stringify(last)}`);
}

/** JSON-RPC straight to anvil (mining control, mempool). */
export async function rpc<T = unknown>(system: System, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(system.anvil.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const reply = (await response.json()) as { result: T; error?: unknown };
  if (reply.error !== undefined) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

/** How many `SettlementRegistered` events the registry emitted for this id. */
export async function registrationsOf(system: System, settlementId: Hex): Promise<number> {
  const registry = system.hejie.settlements;
  const events = await registry.queryFilter(registry.filters.SettlementRegistered(settlementId), 0, "latest");
  return events.length;
}

/** All three parties sign the draft's served typed data with their own keys; returns what they signed. */
export async function signByAll(system: System, tokens: Tokens, caseId: Hex, draftId: string) {
  const served = await typedDataOf(system, tokens.lawyer, caseId, draftId);
  for (const [role, wallet] of [
    ["borrower", wallets.borrower],
    ["platform", wallets.platform],
    ["lawyer", wallets.lawyer],
  ] as const) {
    const reply = await postSignature(system, tokens[role], caseId, draftId, {
      signature: await signServed(wallet, served),
    });
    if (reply.status !== 201) throw new Error(`${role}: ${JSON.stringify(reply.body)}`);
  }
  return served;
}
