import { ConfigError } from "../config/load";
import { createLogger } from "../log/logger";
import { TransientError } from "../net/retry";
import { SqlValueError } from "../sql/quote";
import type { Invocation } from "./invocation";
import { servicesFor, type Services } from "./services";

export interface Failure {
  status: number;
  error: string;
  message: string;
  retryable: boolean;
}

/** Errors raised by our own modules: their messages were written to carry no secret. */
const OURS = new Set(["SecretError", "OrdsError", "OraError", "TokenError", "IdentityError", "AuthError", "OciRequestError", "ScimError", "ZodError"]);

/** What a thrown error means for the caller. Anything unknown is reported without its message. */
export function describeFailure(err: unknown): Failure {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof ConfigError) return { status: 500, error: "config_invalid", message: e.message, retryable: false };
  if (e instanceof SqlValueError) return { status: 409, error: "name_refused", message: e.message, retryable: false };
  if (e instanceof TransientError || (e as { transient?: boolean }).transient === true) {
    return { status: 503, error: "unavailable", message: e.message, retryable: true };
  }
  if (OURS.has(e.name)) return { status: 502, error: `${e.name.replace(/Error$/, "").toLowerCase()}_failed`, message: e.message, retryable: false };
  return { status: 500, error: "internal", message: "unexpected error (see the function log)", retryable: false };
}

/** The services for this invocation's configuration, or the failure to reply with (logged here). */
export function servicesOrFailure(inv: Invocation): { svc: Services } | { failure: Failure } {
  try {
    return { svc: servicesFor(inv.config) };
  } catch (err) {
    const failure = describeFailure(err);
    createLogger("info").error({ callId: inv.callId, error: failure.error }, failure.message);
    return { failure };
  }
}
