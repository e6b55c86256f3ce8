import { parseEvent } from "../events/parse";
import type { Invocation, Reply } from "../runtime/invocation";
import { describeFailure, servicesOrFailure } from "../runtime/failure";
import type { Services } from "../runtime/services";
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
  const loaded = servicesOrFailure(inv);
  if ("failure" in loaded) return { status: loaded.failure.status, body: { error: loaded.failure.error, message: loaded.failure.message } };
  const { svc } = loaded;
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
    const d = describeFailure(err);
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
