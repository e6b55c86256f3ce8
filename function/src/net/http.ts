import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { isTransientStatus, retryAfterMs, TransientError } from "./retry";

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One HTTP exchange with a per-request timeout. Network failures, timeouts and retryable statuses become
 * TransientError; the caller's retry loop decides whether to go again. Messages name the host and status,
 * never headers or bodies (which may carry credentials).
 */
export async function httpExchange(
  url: string,
  init: RequestInit & { timeoutMs: number; what: string; fetchImpl?: typeof fetch },
): Promise<HttpResult> {
  const { timeoutMs, what, fetchImpl = fetch, ...rest } = init;
  let res: Response;
  try {
    res = await fetchImpl(url, { ...rest, signal: AbortSignal.timeout(Math.max(1, timeoutMs)) });
  } catch (err) {
    const cause = err instanceof Error ? (err.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : err.message) : "failed";
    throw new TransientError(`${what}: ${new URL(url).host} unreachable (${cause})`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    throw new TransientError(`${what}: connection to ${new URL(url).host} dropped while reading the reply`);
  }
  if (isTransientStatus(res.status)) {
    throw new TransientError(`${what}: ${new URL(url).host} answered ${res.status}`, retryAfterMs(res.headers.get("retry-after")));
  }
  return { status: res.status, headers: res.headers, text };
}

export interface NodeRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Longest the whole exchange (connect, send, read the reply) may take. */
  timeoutMs: number;
}

export interface NodeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request that got no complete HTTP reply; `code` is Node's (ECONNREFUSED, ECONNRESET…) or ETIMEDOUT. */
export class NetworkError extends Error {
  override name = "NetworkError";
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * One exchange over Node's own http/https (keep-alive global agents), without fetch: no undici dispatcher,
 * no stream adapters, and the exact request path the caller built goes on the wire (signers rely on that).
 * Resolves for every HTTP status; rejects with NetworkError when no full reply arrived within timeoutMs.
 */
export function nodeRequest(r: NodeRequest): Promise<NodeResponse> {
  const u = new URL(r.url);
  const send = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (code: string, message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new NetworkError(`${u.host} unreachable (${message})`, code));
    };
    const req = send(u, { method: r.method, headers: r.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", () => fail("ECONNRESET", "connection dropped while reading the reply"));
      res.on("aborted", () => fail("ECONNRESET", "connection dropped while reading the reply"));
      res.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    const timer = setTimeout(() => fail("ETIMEDOUT", `timed out after ${r.timeoutMs} ms`), Math.max(1, r.timeoutMs));
    req.on("error", (err: NodeJS.ErrnoException) => fail(err.code ?? "ECONNRESET", err.code ?? "connection failed"));
    req.end(r.body);
  });
}
