import type { AuditUpload } from "../audit";
import type { IamEvent } from "../events/parse";
import { parseEvent } from "../events/parse";
import type { Invocation, Reply } from "../runtime/invocation";
import { describeFailure, servicesOrFailure } from "../runtime/failure";
import type { Services } from "../runtime/services";
import { startChecked } from "../runtime/start-check";
import { parseReconcileRequest } from "../reconcile/request";
import { parseSyncRequest } from "../sync/request";
import { syncUser, type Announcement, type SyncResult } from "../sync/sync-user";

const STATUS: Record<SyncResult["outcome"], number> = {
  applied: 200,
  unchanged: 200,
  planned: 200,
  refused: 409,
  failed: 422,
};

async function audit(svc: Services, upload: AuditUpload | undefined, record: Record<string, unknown> & { eventId: string }): Promise<string | undefined> {
  if (!upload) return undefined;
  try {
    return await upload.write(record);
  } catch (err) {
    svc.log.error({ eventId: record.eventId, err: (err as Error).message }, "audit record not written");
    return "failed";
  }
}

/** What the event says happened: only compared with what IAM answers, never used to plan. */
function announcement(event: IamEvent): Announcement {
  switch (event.action) {
    case "user.deleted":
      return { kind: "deleted" };
    case "member.added":
    case "member.removed":
      return event.group ? { kind: "member", groupId: event.group.id, present: event.action === "member.added" } : { kind: "exists" };
    case "user.state":
      return event.blocked === undefined ? { kind: "exists" } : { kind: "blocked", blocked: event.blocked };
    case "user.created":
      return { kind: "exists" };
  }
}

/**
 * The provisioning function: an IAM event (or a provision-on-demand request) names one user; that user is
 * read from IAM and synced by the same syncUser reconciliation uses.
 */
export async function handleProvision(inv: Invocation): Promise<Reply> {
  const reconcileRequest = parseReconcileRequest(inv.body);
  // A reconcile asked of the provisioning function: its modules load on that first request only.
  if (reconcileRequest.kind !== "other") return (await import("../reconcile/handler")).handleReconcile(inv, reconcileRequest);
  const syncRequest = parseSyncRequest(inv.body);
  if (syncRequest.kind === "invalid") {
    return { status: 400, body: { action: "sync", outcome: "invalid", error: "invalid_request", message: syncRequest.error } };
  }
  const started = Date.now();
  const loaded = servicesOrFailure(inv);
  if ("failure" in loaded) return { status: loaded.failure.status, body: { error: loaded.failure.error, message: loaded.failure.message } };
  const { svc } = loaded;
  const { log } = svc;
  let trigger: { eventId: string; eventType?: string; action: string; eventTime?: string; userId: string; nameHint?: string; announced?: Announcement; dryRun?: boolean };
  if (syncRequest.kind === "ok") {
    const r = syncRequest.request;
    trigger = { eventId: `sync-${inv.callId}`, action: "sync", userId: r.userId, dryRun: r.dryRun };
  } else {
    const parsed = parseEvent(inv.body);
    if (parsed.kind === "invalid") {
      log.warn({ callId: inv.callId, eventId: parsed.eventId }, `event refused: ${parsed.error}`);
      return { status: 400, body: { eventId: parsed.eventId, outcome: "invalid", error: "invalid_event", message: parsed.error } };
    }
    if (parsed.kind === "ignored") {
      log.info({ callId: inv.callId, eventId: parsed.eventId, eventType: parsed.eventType }, `event ignored: ${parsed.reason}`);
      return { status: 200, body: { eventId: parsed.eventId, outcome: "ignored", reason: parsed.reason } };
    }
    const e = parsed.event;
    trigger = { eventId: e.eventId, eventType: e.eventType, action: e.action, eventTime: e.eventTime, userId: e.user.id, nameHint: e.user.name, announced: announcement(e) };
  }
  // Before the first change, not at the first invocation: an ignored or refused event makes no remote call.
  await startChecked(svc, inv.deadline);
  let upload: AuditUpload | undefined;
  // Begun once the event's IAM read has asked for its signature (RSA signatures go one at a time, in order),
  // or at the end if the event got no further.
  const beginAudit = () => (upload ??= svc.audit?.begin(trigger.eventId));
  const head = { eventId: trigger.eventId, eventType: trigger.eventType, action: trigger.action };
  const before = svc.calls();
  let body: Record<string, unknown>;
  let status: number;
  // DRY_RUN in the function config is a safety switch: a request cannot turn it off.
  const dryRun = svc.config.DRY_RUN || trigger.dryRun === true;
  try {
    const ords = await svc.ords();
    const syncing = syncUser(
      trigger.userId,
      { config: svc.config, log, ords, reader: svc.reader, roles: svc.roles },
      { deadline: inv.deadline, dryRun, announced: trigger.announced, eventTime: trigger.eventTime, nameHint: trigger.nameHint },
    );
    // After the event's first requests are on the wire: naming and signing the audit PUT can wait that long.
    setImmediate(beginAudit);
    const result = await syncing;
    status = STATUS[result.outcome];
    body = { ...head, dryRun, ...result };
  } catch (err) {
    const d = describeFailure(err);
    if (d.error === "internal") log.error({ eventId: trigger.eventId, err }, "unexpected failure");
    status = d.status;
    body = { ...head, outcome: "failed", ...d, principal: { iamUserId: trigger.userId } };
  }
  const after = svc.calls();
  body.remoteCalls = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
  body.durationMs = Date.now() - started;
  const auditObject = await audit(svc, beginAudit(), { ...body, eventId: trigger.eventId, eventTime: trigger.eventTime, callId: inv.callId });
  if (auditObject) body.audit = auditObject;
  const line = { callId: inv.callId, eventId: trigger.eventId, action: trigger.action, outcome: body.outcome, principal: body.principal, remoteCalls: body.remoteCalls, durationMs: body.durationMs, audit: auditObject };
  if (status >= 400) log.warn({ ...line, reason: body.reason ?? body.message }, "event not applied");
  else log.info({ ...line, statements: Array.isArray(body.statements) ? body.statements.length : 0 }, `event ${String(body.outcome)}`);
  return { status, body };
}
