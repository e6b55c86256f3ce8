import { z } from "zod";
import { EVENT_TYPES, type EventAction, type EventTypeSpec } from "./event-types";
import { groupNameSchema, iamUserNameSchema, ocidSchema, shown } from "./identifiers";

export interface IamEvent {
  eventId: string;
  eventType: string;
  eventTime?: string;
  action: EventAction;
  user: { id: string; name?: string };
  group?: { id: string; name?: string };
  /** user.state events: true blocked, false unblocked, undefined = not in the event (look it up). */
  blocked?: boolean;
}

export type ParseOutcome =
  | { kind: "event"; event: IamEvent }
  | { kind: "ignored"; eventId?: string; eventType: string; reason: string }
  | { kind: "invalid"; eventId?: string; error: string };

/** The OCI Events envelope (CloudEvents 0.1 naming), as the Functions service delivers it. */
const envelopeSchema = z.object({
  cloudEventsVersion: z.literal("0.1", { errorMap: () => ({ message: 'must be "0.1" (OCI Events envelope)' }) }),
  eventType: z.string().min(1).max(200),
  eventID: z.string().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, "may only contain letters, digits and . _ : -"),
  eventTime: z.string().datetime({ offset: true }).optional(),
  source: z.string().optional(),
  data: z.record(z.unknown(), { invalid_type_error: "must be an object" }),
});

const keysOf = new Map<string, string[]>();

/** The value at a `$.a.b` path of event-types.ts, own properties only (an inherited `constructor` is no field). */
function valueAt(doc: unknown, path: string): unknown {
  let keys = keysOf.get(path);
  if (!keys) keysOf.set(path, (keys = path.split(".").slice(1)));
  let v = doc;
  for (const key of keys) {
    if (typeof v !== "object" || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function firstString(doc: unknown, paths: readonly string[] | undefined): { path: string; value: unknown } | undefined {
  for (const path of paths ?? []) {
    const value = valueAt(doc, path);
    if (value !== undefined && value !== null && value !== "") return { path, value };
  }
  return undefined;
}

function field<T>(doc: unknown, paths: readonly string[] | undefined, schema: z.ZodType<T>, what: string): T | undefined {
  const hit = firstString(doc, paths);
  if (!hit) return undefined;
  const r = schema.safeParse(hit.value);
  if (!r.success) throw new Error(`${what} at ${hit.path} ${r.error.issues[0]?.message ?? "is invalid"}: ${shown(hit.value)}`);
  return r.data;
}

/** Reads the many spellings of "blocked" seen in IAM payloads; undefined when none is recognisable. */
function readBlocked(doc: unknown, spec: EventTypeSpec): boolean | undefined {
  if (spec.impliesBlocked !== undefined) return spec.impliesBlocked;
  const hit = firstString(doc, spec.blocked);
  if (!hit) return undefined;
  const v = hit.value;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0; // inactiveStatus: 0 active, any flag set = inactive
  if (typeof v === "string") {
    const s = v.toUpperCase();
    if (["TRUE", "BLOCKED", "INACTIVE", "LOCKED", "SUSPENDED"].includes(s)) return true;
    if (["FALSE", "UNBLOCKED", "ACTIVE", "UNLOCKED"].includes(s)) return false;
  }
  return undefined;
}

/** Parses a request body into a typed IAM event, an explicit "ignored", or a specific error. */
export function parseEvent(body: string): ParseOutcome {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { kind: "invalid", error: `request body is not JSON (${Buffer.byteLength(body)} bytes)` };
  }
  const env = envelopeSchema.safeParse(doc);
  if (!env.success) {
    const issue = env.error.issues[0];
    return { kind: "invalid", error: `not an OCI event: ${issue?.path.join(".") || "body"} ${issue?.message ?? "is invalid"}` };
  }
  const { eventID: eventId, eventType, eventTime } = env.data;
  const spec = EVENT_TYPES[eventType.toLowerCase()];
  if (!spec) {
    return { kind: "ignored", eventId, eventType, reason: `event type ${shown(eventType)} is not one this function handles` };
  }
  try {
    const userId = field(doc, spec.userId, ocidSchema, "user id");
    if (!userId) return { kind: "invalid", eventId, error: `${eventType}: no user OCID (looked at ${spec.userId.join(", ")})` };
    const event: IamEvent = {
      eventId,
      eventType: eventType.toLowerCase(),
      eventTime,
      action: spec.action,
      user: { id: userId, name: field(doc, spec.userName, iamUserNameSchema, "user name") },
    };
    if (spec.groupId) {
      const groupId = field(doc, spec.groupId, ocidSchema, "group id");
      if (!groupId) return { kind: "invalid", eventId, error: `${eventType}: no group OCID (looked at ${spec.groupId.join(", ")})` };
      event.group = { id: groupId, name: field(doc, spec.groupName, groupNameSchema, "group name") };
    }
    if (spec.action === "user.state") event.blocked = readBlocked(doc, spec);
    return { kind: "event", event };
  } catch (err) {
    return { kind: "invalid", eventId, error: `${eventType}: ${(err as Error).message}` };
  }
}
