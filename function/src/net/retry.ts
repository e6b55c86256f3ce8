/**
 * Exponential backoff with full jitter, bounded by the invocation deadline: a retry that could not finish
 * before the deadline is not started.
 */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5000 };

/** Thrown by an attempt to say "worth another try"; anything else is permanent. */
export class TransientError extends Error {
  override name = "TransientError";
  constructor(
    message: string,
    /** Server-requested wait (Retry-After), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface RetryOptions {
  policy?: RetryPolicy;
  deadline?: Date | null;
  /** Time an attempt needs at the least; no retry starts with less than this left. */
  minAttemptMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function withRetry<T>(attempt: (n: number) => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const policy = o.policy ?? DEFAULT_RETRY;
  const random = o.random ?? Math.random;
  const sleep = o.sleep ?? realSleep;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof TransientError) || n >= policy.attempts) throw err;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      const delayMs = Math.max(err.retryAfterMs ?? 0, Math.floor(random() * backoff));
      if (o.deadline) {
        const left = o.deadline.getTime() - Date.now();
        if (left < delayMs + (o.minAttemptMs ?? 500)) {
          throw new TransientError(`${err.message} (no time left before the invocation deadline to retry)`);
        }
      }
      o.onRetry?.({ attempt: n, delayMs, reason: err.message });
      await sleep(delayMs);
    }
  }
}

/** HTTP statuses worth retrying: rate limiting and gateway/unavailability errors. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Retry-After in seconds or an HTTP date, as ms; undefined when absent or unparsable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}
