import type { z } from "zod";

export type ActionParse<T> = { kind: "other" } | { kind: "invalid"; error: string } | { kind: "ok"; request: T };

/**
 * A JSON body whose `action` is `action` is parsed by `schema` (strict: unknown fields are named in the error);
 * anything else (not JSON, another action, no action) is "other", for the next parser to try.
 */
export function parseActionRequest<T>(body: string, action: string, schema: z.ZodType<T>, fields: string): ActionParse<T> {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { kind: "other" };
  }
  if (typeof data !== "object" || data === null || (data as { action?: unknown }).action !== action) return { kind: "other" };
  const r = schema.safeParse(data);
  if (r.success) return { kind: "ok", request: r.data };
  const issue = r.error.issues[0];
  const error =
    issue?.code === "unrecognized_keys"
      ? `unknown field(s) ${issue.keys.join(", ")}; a ${action} request takes ${fields}`
      : withPath(issue?.path.join(".") ?? "", issue?.message ?? `invalid ${action} request`);
  return { kind: "invalid", error };
}

/** "userId is not an OCID"; a message that already names its field ("dryRun must be …") stays as it is. */
function withPath(path: string, message: string): string {
  return path && !message.startsWith(path) ? `${path} ${message}` : message;
}
