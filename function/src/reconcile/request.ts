import { z } from "zod";

/** The function payload that starts a reconciliation: `{"action":"reconcile","dryRun":true,"force":false}`. */
const requestSchema = z
  .object({
    action: z.literal("reconcile"),
    dryRun: z.boolean({ invalid_type_error: "dryRun must be a JSON boolean" }).optional(),
    force: z.boolean({ invalid_type_error: "force must be a JSON boolean" }).optional(),
  })
  .strict();

export type ReconcileRequest = z.infer<typeof requestSchema>;

export type RequestParse = { kind: "not_reconcile" } | { kind: "invalid"; error: string } | { kind: "ok"; request: ReconcileRequest };

/** Is this body a reconcile request (an object whose action is "reconcile")? Everything else is an event. */
export function parseReconcileRequest(body: string): RequestParse {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { kind: "not_reconcile" };
  }
  if (typeof data !== "object" || data === null || (data as { action?: unknown }).action !== "reconcile") return { kind: "not_reconcile" };
  const r = requestSchema.safeParse(data);
  if (r.success) return { kind: "ok", request: r.data };
  const issue = r.error.issues[0];
  const error =
    issue?.code === "unrecognized_keys"
      ? `unknown field(s) ${issue.keys.join(", ")}; a reconcile request takes action, dryRun and force`
      : (issue?.message ?? "invalid reconcile request");
  return { kind: "invalid", error };
}

/**
 * The body a `reconcile` deployment receives: schedulers may send nothing at all, so an empty body (or `{}`)
 * is a plain reconcile run; anything else must be a reconcile request.
 */
export function parseScheduledRequest(body: string): Exclude<RequestParse, { kind: "not_reconcile" }> {
  const trimmed = body.trim();
  if (trimmed === "" || trimmed === "{}") return { kind: "ok", request: { action: "reconcile" } };
  const parsed = parseReconcileRequest(body);
  if (parsed.kind === "not_reconcile") {
    return { kind: "invalid", error: 'this function only reconciles: send an empty body or {"action":"reconcile","dryRun":…,"force":…}' };
  }
  return parsed;
}
