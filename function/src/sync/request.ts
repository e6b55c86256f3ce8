import { z } from "zod";
import { ocidSchema } from "../events/identifiers";
import { parseActionRequest, type ActionParse } from "../runtime/action-request";

/** Provision on demand: `{"action":"sync","userId":"ocid1.user…","dryRun":false}` syncs one user. */
const requestSchema = z
  .object({
    action: z.literal("sync"),
    userId: ocidSchema,
    dryRun: z.boolean({ invalid_type_error: "dryRun must be a JSON boolean" }).optional(),
  })
  .strict();

export type SyncRequest = z.infer<typeof requestSchema>;

export type SyncRequestParse = ActionParse<SyncRequest>;

export function parseSyncRequest(body: string): SyncRequestParse {
  return parseActionRequest(body, "sync", requestSchema, "action, userId and dryRun");
}
