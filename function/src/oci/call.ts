import type { Logger } from "../log/logger";
import { DEFAULT_RETRY, isTransientStatus, TransientError, withRetry, type RetryPolicy } from "../net/retry";

/**
 * A permanent OCI API failure. `detail` is the HTTP status and OCI error code ("404 NotAuthorizedOrNotFound"),
 * never the request or reply body; the message is "<what>: OCI answered <detail>".
 */
export class OciRequestError extends Error {
  override name = "OciRequestError";
  constructor(
    what: string,
    readonly detail: string,
    readonly status: number,
    readonly serviceCode: string | undefined,
  ) {
    super(`${what}: OCI answered ${detail}`);
  }
}

/** A transient OCI failure (network, 429, 5xx) that outlived its retries; `detail` as for OciRequestError. */
export class OciTransientError extends TransientError {
  override name = "OciTransientError";
  constructor(
    what: string,
    readonly detail: string,
    readonly status: number | undefined,
  ) {
    super(`${what}: ${detail}`);
  }
}

/**
 * Runs one SDK operation with retries on network failures, 429 and 5xx (exponential backoff with jitter);
 * anything else fails at once as OciRequestError. `what` names the operation and its target for messages.
 */
export function callOci<T>(
  what: string,
  /** attempt: 1 for the first try; lets an operation recognise the echo of an earlier try that landed. */
  op: (attempt: number) => Promise<T>,
  o: { log: Logger; policy?: RetryPolicy },
): Promise<T> {
  return withRetry(
    async (attempt) => {
      try {
        return await op(attempt);
      } catch (err) {
        throw classify(what, err);
      }
    },
    {
      policy: o.policy ?? RETRY,
      onRetry: ({ attempt, delayMs, reason }) => o.log.warn({ attempt, delayMs, reason }, "OCI call failed; retrying"),
    },
  );
}

/** A few quick tries: the function's own deadline is usually 30-120 s. */
const RETRY: RetryPolicy = { ...DEFAULT_RETRY, attempts: 4, maxDelayMs: 2000 };

function classify(what: string, err: unknown): Error {
  const e = (err ?? {}) as { statusCode?: unknown; serviceCode?: unknown; code?: unknown };
  const status = typeof e.statusCode === "number" && e.statusCode > 0 ? e.statusCode : undefined;
  const serviceCode = typeof e.serviceCode === "string" ? e.serviceCode : undefined;
  if (status === undefined) {
    // No HTTP status: connection refused/reset, DNS, timeout, open circuit breaker.
    const code = typeof e.code === "string" ? e.code : "network error";
    return new OciTransientError(what, `OCI unreachable (${code})`, undefined);
  }
  const detail = `${status}${serviceCode ? ` ${serviceCode}` : ""}`;
  // OCI documents 500 InternalServerError as retryable, unlike a plain HTTP 500.
  if (isTransientStatus(status) || status === 500) return new OciTransientError(what, `OCI answered ${detail}`, status);
  return new OciRequestError(what, detail, status, serviceCode);
}

/** 401/403/404: OCI deliberately does not say which (NotAuthorizedOrNotFound). */
export function isNotFoundOrNotAuthorized(err: unknown): err is OciRequestError {
  return err instanceof OciRequestError && (err.status === 401 || err.status === 403 || err.status === 404);
}
