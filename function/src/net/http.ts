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
