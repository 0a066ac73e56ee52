/** A small client of the gateway's HTTP API (tests, benchmark, demo): real requests, JSON in and out, wallet sign-in. */
import type { LocalAccount } from "viem";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    token?: string;
    json?: unknown;
    body?: RequestInit["body"];
    contentType?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.contentType !== undefined) {
    headers["content-type"] = options.contentType;
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body, duplex: "half" } as RequestInit);
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return {
    status: response.status,
    headers: response.headers,
    body: (type.includes("json") && text !== "" ? JSON.parse(text) : text) as T,
  };
}

/** Signs in with a wallet (challenge, personal_sign, sign-in) and returns the session token. */
export async function signIn(baseUrl: string, wallet: LocalAccount): Promise<string> {
  const challenge = await call<{ message: string }>(baseUrl, "POST", "/auth/challenge", {
    json: { address: wallet.address },
  });
  if (challenge.status !== 200) throw new Error(`challenge failed: ${JSON.stringify(challenge.body)}`);
  const signature = await wallet.signMessage({ message: challenge.body.message });
  const session = await call<{ token: string }>(baseUrl, "POST", "/auth/sign-in", {
    json: { message: challenge.body.message, signature },
  });
  if (session.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(session.body)}`);
  return session.body.token;
}

/** The error shape every refusal has: `{"error": {"code", "message", "details"}}`. */
export interface ErrorResponseBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** Asks for a Sign-In with Ethereum challenge for `address`; returns the message to sign. */
export async function challengeFor(baseUrl: string, address: string): Promise<string> {
  const challenge = await call<{ message: string }>(baseUrl, "POST", "/auth/challenge", { json: { address } });
  if (challenge.status !== 200) throw new Error(`challenge failed: ${JSON.stringify(challenge.body)}`);
  return challenge.body.message;
}

/** Posts a signed message to `/auth/sign-in` and returns the raw response (success or refusal). */
export function postSignIn(baseUrl: string, message: string, signature: string) {
  return call<{ token: string; address: string; expiresAt: number } & Partial<ErrorResponseBody>>(
    baseUrl,
    "POST",
    "/auth/sign-in",
    { json: { message, signature } },
  );
}
