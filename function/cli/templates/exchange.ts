import { httpExchange } from "../../src/net/http";
import { TransientError } from "../../src/net/retry";
import type { RenderedRequest } from "./request-renderer";

/** A target's answer to one rendered request: the parsed JSON body and the response headers. */
export interface Exchanged {
  status: number;
  document: unknown;
  /** Lower-case header names, each with its values, as the connector exposes them to `<EL>`. */
  headers: Record<string, string[]>;
}

export type Send = (request: RenderedRequest) => Promise<Exchanged>;

export class ExchangeError extends Error {
  override name = "ExchangeError";
}

/** Where a request went, without its query string (which may carry tokens or filters on personal data). */
export function describeRequest(r: RenderedRequest): string {
  const u = new URL(r.url);
  return `${r.method} ${u.origin}${u.pathname}`;
}

/**
 * Sends requests over HTTP(S) with a per-request timeout. A non-2xx answer or a non-JSON body is an error
 * naming the request and status; the answer's body is quoted briefly, request headers never.
 */
export function httpSender(timeoutMs: number): Send {
  return async (r) => {
    let res;
    try {
      res = await httpExchange(r.url, {
        method: r.method,
        headers: r.headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
        timeoutMs,
        what: describeRequest(r),
      });
    } catch (err) {
      if (err instanceof TransientError) throw new ExchangeError(err.message);
      throw err;
    }
    if (res.status < 200 || res.status > 299) {
      throw new ExchangeError(`${describeRequest(r)} answered ${res.status}: ${excerpt(res.text)}`);
    }
    let document: unknown = null;
    if (res.text.trim() !== "") {
      try {
        document = JSON.parse(res.text) as unknown;
      } catch {
        throw new ExchangeError(`${describeRequest(r)} answered ${res.status} with a body that is not JSON: ${excerpt(res.text)}`);
      }
    }
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value : [value];
    }
    return { status: res.status, document, headers };
  };
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || "(empty body)";
}
