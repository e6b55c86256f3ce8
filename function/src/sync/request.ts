import { z } from "zod";
import { ocidSchema } from "../events/identifiers";

/** Provision on demand: `{"action":"sync","userId":"ocid1.user…","dryRun":false}` syncs one user. */
const requestSchema = z
  .object({
    action: z.literal("sync"),
    userId: ocidSchema,
    dryRun: z.boolean({ invalid_type_error: "dryRun must be a JSON boolean" }).optional(),
  })
  .strict();

export type SyncRequest = z.infer<typeof requestSchema>;

export type SyncRequestParse = { kind: "not_sync" } | { kind: "invalid"; error: string } | { kind: "ok"; request: SyncRequest };

export function parseSyncRequest(body: string): SyncRequestParse {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { kind: "not_sync" };
  }
  if (typeof data !== "object" || data === null || (data as { action?: unknown }).action !== "sync") return { kind: "not_sync" };
  const r = requestSchema.safeParse(data);
  if (r.success) return { kind: "ok", request: r.data };
  const issue = r.error.issues[0];
  const error =
    issue?.code === "unrecognized_keys"
      ? `unknown field(s) ${issue.keys.join(", ")}; a sync request takes action, userId and dryRun`
      : `${issue?.path.join(".") || "request"} ${issue?.message ?? "is invalid"}`;
  return { kind: "invalid", error };
}
