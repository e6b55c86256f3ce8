import { z } from "zod";
import { parseActionRequest, type ActionParse } from "../runtime/action-request";

/** The function payload that starts a reconciliation: `{"action":"reconcile","dryRun":true,"force":false}`. */
const requestSchema = z
  .object({
    action: z.literal("reconcile"),
    dryRun: z.boolean({ invalid_type_error: "dryRun must be a JSON boolean" }).optional(),
    force: z.boolean({ invalid_type_error: "force must be a JSON boolean" }).optional(),
  })
  .strict();

export type ReconcileRequest = z.infer<typeof requestSchema>;

export type RequestParse = ActionParse<ReconcileRequest>;

/** Is this body a reconcile request (an object whose action is "reconcile")? Everything else is "other". */
export function parseReconcileRequest(body: string): RequestParse {
  return parseActionRequest(body, "reconcile", requestSchema, "action, dryRun and force");
}

/**
 * The body a `reconcile` deployment receives: schedulers may send nothing at all, so an empty body (or `{}`)
 * is a plain reconcile run; anything else must be a reconcile request.
 */
export function parseScheduledRequest(body: string): Exclude<RequestParse, { kind: "other" }> {
  const trimmed = body.trim();
  if (trimmed === "" || trimmed === "{}") return { kind: "ok", request: { action: "reconcile" } };
  const parsed = parseReconcileRequest(body);
  if (parsed.kind === "other") {
    return { kind: "invalid", error: 'this function only reconciles: send an empty body or {"action":"reconcile","dryRun":…,"force":…}' };
  }
  return parsed;
}
