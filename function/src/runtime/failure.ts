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
const OURS = new Set(["SecretError", "OrdsError", "OraError", "TokenError", "IdentityError", "AuthError", "OciRequestError", "ScimError", "ZodError", "RegistryShapeError"]);

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

/**
 * What a caller really receives for a handler's Reply, given how the fdk answers (fn-fdk.js): a resolved
 * value goes out as socket status 200 with the headers set on ctx (`Fn-Http-Status` among them, which an
 * HTTP gateway turns into its status); a rejection goes out as 502 `{"message":"Exception in function,
 * consult logs for details","detail":"<error text>"}` with none of ctx's headers. The Functions service
 * reports a 502 from the container as a failed invocation, which the Events service, a scheduler or an
 * SDK retry policy treats as worth retrying; a 200 is done.
 *
 * - success (status < 400): resolve, `Fn-Http-Status: 200`, body `retryable: false` (templates: as stored);
 * - permanent refusal (4xx: invalid or forged event, refused change, tripped guard) of the provisioning and
 *   reconcile roles: resolve as well, so no retrying caller loops on it; `Fn-Http-Status` carries the 4xx for
 *   HTTP-gateway callers and the body says `retryable: false` with the reason (also logged by the handler);
 * - failure (5xx: ORDS, Vault or IAM down, bad config, a bug): reject, so the service sees a failed
 *   invocation (and the function-errors alarm counts it); the detail is our JSON with `retryable`.
 * Access Governance template functions reject every 4xx too (their caller is a person validating a
 * configuration, and a 200 would be read as a template) and keep their bodies exactly as written.
 */
export type FdkAnswer =
  | { settle: "resolve"; httpStatus: number; body: Record<string, unknown> }
  | { settle: "reject"; body: Record<string, unknown> };

const ANSWERS_REFUSALS = new Set(["provision", "reconcile"]);
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export function fdkAnswer(reply: { status: number; body: Record<string, unknown> }, role: string): FdkAnswer {
  const { status } = reply;
  const ours = ANSWERS_REFUSALS.has(role);
  // Template functions answer the stored template itself: nothing may be added to it.
  if (status < 400) return { settle: "resolve", httpStatus: status, body: ours ? { ...reply.body, retryable: false } : reply.body };
  if (status < 500 && ours) {
    return { settle: "resolve", httpStatus: status, body: { ...reply.body, outcome: reply.body.outcome ?? "refused", retryable: false } };
  }
  if (!ours) return { settle: "reject", body: reply.body };
  // A handler that did not say: only "unavailable"-kind statuses are worth a retry (a bad config is not).
  return { settle: "reject", body: { ...reply.body, retryable: reply.body.retryable ?? RETRYABLE_STATUS.has(status) } };
}
