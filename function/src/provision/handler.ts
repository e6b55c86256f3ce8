import { ConfigError } from "../config/load";
import { parseEvent } from "../events/parse";
import { createLogger } from "../log/logger";
import { TransientError } from "../net/retry";
import type { Invocation, Reply } from "../runtime/invocation";
import { servicesFor, type Services } from "../runtime/services";
import { SqlValueError } from "../sql/quote";
import { processEvent, type EventResult } from "./pipeline";
import { handleReconcile } from "../reconcile/handler";
import { parseReconcileRequest } from "../reconcile/request";

const STATUS: Record<EventResult["outcome"], number> = {
  applied: 200,
  unchanged: 200,
  planned: 200,
  ignored: 200,
  refused: 409,
  failed: 422,
};

/** Errors we know the meaning of; their messages are ours and carry no secret. Anything else is opaque. */
function describe(err: unknown): { status: number; error: string; message: string; retryable: boolean } {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof ConfigError) return { status: 500, error: "config_invalid", message: e.message, retryable: false };
  if (e instanceof SqlValueError) return { status: 409, error: "name_refused", message: e.message, retryable: false };
  if (e instanceof TransientError || (e as { transient?: boolean }).transient === true) {
    return { status: 503, error: "unavailable", message: e.message, retryable: true };
  }
  const known = ["SecretError", "OrdsError", "OraError", "TokenError", "IdentityError", "AuthError", "OciRequestError", "ZodError"];
  if (known.includes(e.name)) return { status: 502, error: e.name.replace(/Error$/, "").toLowerCase() + "_failed", message: e.message, retryable: false };
  return { status: 500, error: "internal", message: "unexpected error (see the function log)", retryable: false };
}

async function audit(svc: Services, record: Record<string, unknown> & { eventId: string }): Promise<string | undefined> {
  if (!svc.audit) return undefined;
  try {
    return await svc.audit.write(record);
  } catch (err) {
    svc.log.error({ eventId: record.eventId, err: (err as Error).message }, "audit record not written");
    return "failed";
  }
}

/** The provisioning function: one IAM event in, one shaped reply out. */
export async function handleProvision(inv: Invocation): Promise<Reply> {
  const reconcileRequest = parseReconcileRequest(inv.body);
  if (reconcileRequest.kind !== "not_reconcile") return handleReconcile(inv, reconcileRequest);
  const started = Date.now();
  let svc: Services;
  try {
    svc = servicesFor(inv.config);
  } catch (err) {
    const d = describe(err);
    createLogger("info").error({ callId: inv.callId, error: d.error }, d.message);
    return { status: d.status, body: { error: d.error, message: d.message } };
  }
  const { log } = svc;
  const parsed = parseEvent(inv.body);
  if (parsed.kind === "invalid") {
    log.warn({ callId: inv.callId, eventId: parsed.eventId }, `event refused: ${parsed.error}`);
    return { status: 400, body: { eventId: parsed.eventId, outcome: "invalid", error: "invalid_event", message: parsed.error } };
  }
  if (parsed.kind === "ignored") {
    log.info({ callId: inv.callId, eventId: parsed.eventId, eventType: parsed.eventType }, `event ignored: ${parsed.reason}`);
    return { status: 200, body: { eventId: parsed.eventId, outcome: "ignored", reason: parsed.reason } };
  }
  const event = parsed.event;
  const before = svc.calls();
  let body: Record<string, unknown>;
  let status: number;
  try {
    const result = await processEvent(event, svc, inv.deadline);
    status = STATUS[result.outcome];
    body = { eventId: event.eventId, eventType: event.eventType, action: event.action, dryRun: svc.config.DRY_RUN, ...result };
  } catch (err) {
    const d = describe(err);
    if (d.error === "internal") log.error({ eventId: event.eventId, err }, "unexpected failure");
    status = d.status;
    body = { eventId: event.eventId, eventType: event.eventType, action: event.action, outcome: "failed", ...d, principal: { iamUserId: event.user.id } };
  }
  const after = svc.calls();
  body.remoteCalls = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
  body.durationMs = Date.now() - started;
  const auditObject = await audit(svc, { ...body, eventId: event.eventId, eventTime: event.eventTime, callId: inv.callId });
  if (auditObject) body.audit = auditObject;
  const line = { callId: inv.callId, eventId: event.eventId, action: event.action, outcome: body.outcome, principal: body.principal, remoteCalls: body.remoteCalls, durationMs: body.durationMs };
  if (status >= 400) log.warn({ ...line, reason: body.reason ?? body.message }, "event not applied");
  else log.info({ ...line, statements: Array.isArray(body.statements) ? body.statements.length : 0 }, `event ${String(body.outcome)}`);
  return { status, body };
}
