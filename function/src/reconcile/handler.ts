import type { Invocation, Reply } from "../runtime/invocation";
import { describeFailure, servicesOrFailure } from "../runtime/failure";
import { startChecked } from "../runtime/start-check";
import { growHeapForRun } from "./heap-growth";
import type { RequestParse } from "./request";
import { planStatements, reconcile, type ReconcileOutcome } from "./run";
import { scimClientFor } from "./scim-source";

const STATUS: Record<ReconcileOutcome, number> = {
  applied: 200,
  unchanged: 200,
  planned: 200,
  incomplete: 200,
  partly_failed: 422,
  guard_tripped: 409,
};

/** Lists in a reply are capped: a 100k-user dry run would not fit a function response. */
const LIST_CAP = 500;

function capped<T>(list: readonly T[]): { items: T[]; omitted: number } {
  return { items: list.slice(0, LIST_CAP), omitted: Math.max(0, list.length - LIST_CAP) };
}

/** The provisioning function's reconcile payload: a full synchronisation run within this invocation. */
export async function handleReconcile(inv: Invocation, parsed: Exclude<RequestParse, { kind: "other" }>): Promise<Reply> {
  if (parsed.kind === "invalid") return { status: 400, body: { action: "reconcile", outcome: "invalid", error: "invalid_request", message: parsed.error } };
  const { request } = parsed;
  const started = Date.now();
  const loaded = servicesOrFailure(inv);
  if ("failure" in loaded) {
    const f = loaded.failure;
    return { status: f.status, body: { action: "reconcile", outcome: "failed", error: f.error, message: f.message } };
  }
  const { svc } = loaded;
  const { log } = svc;
  // DRY_RUN in the function config is a safety switch: a request cannot turn it off.
  const dryRun = svc.config.DRY_RUN || request.dryRun === true;
  await startChecked(svc, inv.deadline);
  const before = svc.calls();
  let scimCalls = 0;
  let status: number;
  let body: Record<string, unknown>;
  try {
    const scim = await scimClientFor(svc.config, svc.secrets);
    try {
      const ords = await svc.ords();
      growHeapForRun();
      const { report, plan } = await reconcile({ config: svc.config, log, ords, scim, roles: svc.roles }, { dryRun, force: request.force ?? false, deadline: inv.deadline });
      status = STATUS[report.outcome];
      const { refused, notes, applied, ...rest } = report;
      body = { action: "reconcile", ...rest, refused: capped(refused), notes: capped(notes) };
      if (applied) body.applied = { ...applied, failures: capped(applied.failures) };
      if (dryRun) body.statements = capped(planStatements(plan.work));
    } finally {
      scimCalls = scim.calls;
    }
  } catch (err) {
    const d = describeFailure(err);
    if (d.error === "internal") log.error({ callId: inv.callId, err }, "unexpected reconcile failure");
    status = d.status;
    body = { action: "reconcile", outcome: "failed", dryRun, ...d, hint: "nothing after the last checkpoint was changed; run again to continue" };
  }
  const after = svc.calls();
  body.remoteCalls = { scim: scimCalls, ...Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)])) };
  body.durationMs = Date.now() - started;
  if (svc.audit) {
    const eventId = `reconcile-${String(body.runId ?? inv.callId)}-${started}`;
    await svc.audit.write({ ...body, eventId, callId: inv.callId }).catch((e: unknown) => log.error({ err: (e as Error).message }, "audit record not written"));
  }
  const line = { callId: inv.callId, outcome: body.outcome, runId: body.runId, remoteCalls: body.remoteCalls, durationMs: body.durationMs };
  if (status >= 400) log.warn({ ...line, reason: body.reason ?? body.message }, "reconcile not applied");
  else log.info({ ...line, accountsToChange: body.accountsToChange }, `reconcile ${String(body.outcome)}`);
  return { status, body };
}
