import { z } from "zod";
import type { GroupRecord, ScimStore, UserInput, UserRecord } from "./store";

/** Schema URNs as identity domains spell them. */
export const URN = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  group: "urn:ietf:params:scim:schemas:core:2.0:Group",
  enterprise: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  userState: "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User",
  custom: "urn:ietf:params:scim:schemas:idcs:extension:custom:User",
  schema: "urn:ietf:params:scim:schemas:core:2.0:Schema",
  allowedValue: "urn:ietf:params:scim:schemas:oracle:idcs:AllowedValue",
  listResponse: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  searchRequest: "urn:ietf:params:scim:api:messages:2.0:SearchRequest",
  patchOp: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
  statusChanger: "urn:ietf:params:scim:schemas:oracle:idcs:UserStatusChanger",
} as const;

/** Attributes identity domains return only when asked for (`returned: request`). */
export const REQUEST_ONLY = { User: "groups", Group: "members" } as const;

const iso = (ms: number) => new Date(ms).toISOString();

/** Drops undefined members (absent attributes are omitted, as identity domains do), in place. */
function compact<T>(v: T): T {
  if (Array.isArray(v)) v.forEach(compact);
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete (v as Record<string, unknown>)[k];
      else compact(x);
    }
  }
  return v;
}

/** A user as GET /admin/v1/Users/{id} returns it; `withGroups` adds the request-only `groups` attribute. */
export function renderUser(u: UserRecord, store: ScimStore, base: string, withGroups: boolean): Record<string, unknown> {
  const custom = store.customValues.get(u.id);
  const out: Record<string, unknown> = {
    schemas: [URN.user, URN.enterprise, URN.userState, ...(custom ? [URN.custom] : [])],
    id: u.id,
    ocid: u.ocid,
    userName: u.userName,
    name: {
      givenName: u.givenName,
      familyName: u.familyName,
      formatted: [u.givenName, u.familyName].filter(Boolean).join(" ") || undefined,
    },
    displayName: u.displayName,
    title: u.title,
    userType: u.userType,
    emails: u.email ? [{ value: u.email, type: "work", primary: true }] : undefined,
    active: u.active,
    [URN.enterprise]: u.employeeNumber || u.department ? { employeeNumber: u.employeeNumber, department: u.department } : undefined,
    [URN.userState]: {
      locked: { on: u.locked, reason: u.locked ? u.lockReason : undefined, lockDate: u.locked && u.lockDate ? iso(u.lockDate) : undefined },
    },
    [URN.custom]: custom,
    meta: meta("User", u, base),
  };
  if (withGroups) {
    out.groups = [...(store.memberOf.get(u.id) ?? [])].map((gid) => {
      const g = store.groups.get(gid) as GroupRecord;
      return { value: g.id, ocid: g.ocid, display: g.displayName, $ref: `${base}/admin/v1/Groups/${g.id}`, type: "direct" };
    });
  }
  return compact(out);
}

/** A group; `withMembers` adds the request-only `members` attribute. */
export function renderGroup(g: GroupRecord, store: ScimStore, base: string, withMembers: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    schemas: [URN.group],
    id: g.id,
    ocid: g.ocid,
    displayName: g.displayName,
    description: g.description,
    meta: meta("Group", g, base),
  };
  if (withMembers) {
    out.members = [...g.members].map((uid) => {
      const u = store.users.get(uid) as UserRecord;
      return { value: u.id, ocid: u.ocid, type: "User", display: u.displayName ?? u.userName, name: u.userName, $ref: `${base}/admin/v1/Users/${u.id}` };
    });
  }
  return compact(out);
}

function meta(resourceType: string, r: { id: string; created: number; lastModified: number; version: number }, base: string) {
  return {
    resourceType,
    created: iso(r.created),
    lastModified: iso(r.lastModified),
    location: `${base}/admin/v1/${resourceType}s/${r.id}`,
    version: `W/"${r.version}"`,
  };
}

/** Keys of a JSON object looked up case-insensitively (SCIM attribute names are). */
function lowerKeys(v: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), x]));
}

const ci = <T extends z.ZodRawShape>(shape: T) => z.preprocess(lowerKeys, z.object(shape));

/** The writable part of a SCIM user body (POST, PUT, and a patched user re-read). */
const userBody = ci({
  username: z.string().trim().min(1, "userName is required").max(255),
  name: ci({ givenname: z.string().optional(), familyname: z.string().optional() }).optional(),
  displayname: z.string().optional(),
  title: z.string().optional(),
  usertype: z.enum(["Contractor", "Employee", "Intern", "Temp", "External", "Service", "Generic"]).optional(),
  emails: z.array(ci({ value: z.string().email(), primary: z.boolean().optional() })).optional(),
  active: z.boolean({ invalid_type_error: "active must be a JSON boolean" }).optional(),
  password: z.string().optional(),
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": ci({ employeenumber: z.string().optional(), department: z.string().optional() }).optional(),
  "urn:ietf:params:scim:schemas:oracle:idcs:extension:userstate:user": ci({
    locked: ci({ on: z.boolean({ invalid_type_error: "locked.on must be a JSON boolean" }).optional(), reason: z.number().int().optional() }).optional(),
  }).optional(),
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

function issueText(err: z.ZodError): string {
  const i = err.issues[0];
  return `${i.path.join(".") || "body"}: ${i.message}`;
}

export function parseUser(body: unknown): ParseResult<UserInput> {
  const r = userBody.safeParse(body);
  if (!r.success) return { ok: false, message: issueText(r.error) };
  const b = r.data;
  const ent = b["urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"];
  const state = b["urn:ietf:params:scim:schemas:oracle:idcs:extension:userstate:user"];
  const email = b.emails?.find((e) => e.primary) ?? b.emails?.[0];
  return {
    ok: true,
    value: {
      userName: b.username,
      givenName: b.name?.givenname,
      familyName: b.name?.familyname,
      displayName: b.displayname,
      title: b.title,
      userType: b.usertype,
      email: email?.value,
      active: b.active,
      employeeNumber: ent?.employeenumber,
      department: ent?.department,
      locked: state?.locked?.on,
      lockReason: state?.locked?.reason,
      lockDate: state?.locked?.on ? Date.now() : undefined,
    },
  };
}

const memberRef = ci({ value: z.string().min(1), type: z.string().optional() });

const groupBody = ci({
  displayname: z.string().trim().min(1, "displayName is required").max(255),
  description: z.string().optional(),
  members: z.array(memberRef).optional(),
});

export function parseGroup(body: unknown): ParseResult<{ displayName: string; description?: string; members?: string[] }> {
  const r = groupBody.safeParse(body);
  if (!r.success) return { ok: false, message: issueText(r.error) };
  const b = r.data;
  return { ok: true, value: { displayName: b.displayname, description: b.description, members: b.members?.map((m) => m.value) } };
}

export const memberList = z.array(memberRef);
