import { request as httpRequest, type Agent, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { isTransientStatus, retryAfterMs, TransientError } from "./retry";

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface HttpExchangeInit {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Names the exchange in error messages ("OAuth token request"). */
  what: string;
  /** A connection agent, e.g. a CONNECT-tunnelling proxy agent; Node's keep-alive global agent otherwise. */
  agent?: Agent;
}

/**
 * One HTTP exchange with a per-request timeout. Network failures, timeouts and retryable statuses become
 * TransientError; the caller's retry loop decides whether to go again. Messages name the host and status,
 * never headers or bodies (which may carry credentials).
 */
export async function httpExchange(url: string, init: HttpExchangeInit): Promise<HttpResult> {
  const { what, ...request } = init;
  let res: NodeResponse;
  try {
    res = await nodeRequest({ ...request, url });
  } catch (err) {
    if (err instanceof NetworkError) throw new TransientError(`${what}: ${err.message}`);
    throw err;
  }
  if (isTransientStatus(res.status)) {
    const after = res.headers["retry-after"];
    throw new TransientError(`${what}: ${new URL(url).host} answered ${res.status}`, retryAfterMs(typeof after === "string" ? after : null));
  }
  return { status: res.status, headers: res.headers, text: res.body.toString("utf8") };
}

export interface NodeRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Longest the whole exchange (connect, send, read the reply) may take. */
  timeoutMs: number;
  agent?: Agent;
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
    const req = send(u, { method: r.method, headers: r.headers, ...(r.agent ? { agent: r.agent } : {}) }, (res) => {
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
