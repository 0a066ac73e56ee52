/**
 * Calls to the gateway (same origin): JSON in and out, the session token as a bearer token. A refusal
 * becomes an `ApiError` carrying the gateway's stable code; the page turns it into a sentence
 * (errors.ts), never shows the code alone.
 */
import { session } from "./session.js";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The gateway could not be reached at all (offline, stopped). */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
}

interface Options {
  json?: unknown;
  body?: Blob | ArrayBuffer;
  contentType?: string;
  /** Send the session token (default: when signed in). */
  auth?: boolean;
}

async function send(method: string, path: string, options: Options = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = session.current()?.token;
  if (options.auth !== false && token !== undefined) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.contentType !== undefined) {
    headers["content-type"] = options.contentType;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  if (!response.ok) {
    const text = await response.text();
    let error: { code?: string; message?: string; details?: Record<string, unknown> } = {};
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
    } catch {
      // Not the gateway's error shape (a proxy in between): the status says enough.
    }
    const apiError = new ApiError(
      response.status,
      error.code ?? `HTTP_${response.status}`,
      error.message ?? text,
      error.details,
    );
    if (response.status === 401 && token !== undefined) session.expired();
    throw apiError;
  }
  return response;
}

/** A JSON request; resolves to the parsed answer (undefined for 204). */
export async function api<T>(method: string, path: string, options: Options = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A request whose answer is a file: resolves to its bytes. */
export async function download(path: string): Promise<Blob> {
  return (await send("GET", path)).blob();
}

/** Saves `blob` as `name` through the browser's download. */
export function saveAs(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
