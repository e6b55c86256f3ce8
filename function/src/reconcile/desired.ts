import { z } from "zod";
import { ScimError, type ScimClient } from "./scim-client";

function parseResource<T extends z.ZodTypeAny>(schema: T, raw: unknown, what: string): z.output<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data as z.output<T>;
  const issue = r.error.issues[0];
  const id = typeof (raw as { id?: unknown }).id === "string" ? ` ${(raw as { id: string }).id}` : "";
  throw new ScimError(`identity domain ${what}${id} is malformed: ${issue?.path.join(".") || what} ${issue?.message ?? ""}`.trim(), 200);
}

const USER_STATE = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User";

/** An IAM user as reconciliation needs it. */
export interface IamUserState {
  /** OCID: what events and the registry know the user by. */
  ocid: string;
  userName: string;
  /** Locked or deactivated in IAM: the database account is locked too (same rule as user.state events). */
  blocked: boolean;
  /** Mapping keys of the mapped groups the user is in, sorted. */
  groups: string[];
}

const groupSchema = z.object({
  id: z.string(),
  ocid: z.string().optional(),
  displayName: z.string(),
  members: z.array(z.object({ value: z.string(), type: z.string().optional() })).default([]),
});

const userSchema = z.object({
  id: z.string(),
  ocid: z.string().optional(),
  userName: z.string(),
  active: z.boolean().optional(),
  [USER_STATE]: z.object({ locked: z.object({ on: z.boolean().optional() }).optional() }).optional(),
});

/** Up to this many mapping keys are asked for by filter; a larger mapping pages through all groups. */
const FILTER_KEYS = 100;
const FILTER_CHUNK = 25;

function groupFilters(keys: readonly string[]): (string | undefined)[] {
  if (keys.length > FILTER_KEYS) return [undefined];
  const out: string[] = [];
  for (let i = 0; i < keys.length; i += FILTER_CHUNK) {
    // JSON string syntax is SCIM's string literal syntax (RFC 7644 §3.4.2.2).
    out.push(
      keys
        .slice(i, i + FILTER_CHUNK)
        .map((k) => (k.startsWith("ocid1.") ? `ocid eq ${JSON.stringify(k)}` : `displayName eq ${JSON.stringify(k)}`))
        .join(" or "),
    );
  }
  return out;
}

/**
 * SCIM user id → mapping keys of its groups, from the members of the mapped groups only. A group counts by
 * OCID when the mapping is keyed by OCID, else by display name (as for events).
 */
export async function readMemberships(
  scim: ScimClient,
  mappingKeys: readonly string[],
  deadline: Date | null,
): Promise<{ memberOf: Map<string, string[]>; groupsFound: number }> {
  const keys = new Set(mappingKeys);
  const memberOf = new Map<string, string[]>();
  let groupsFound = 0;
  if (keys.size === 0) return { memberOf, groupsFound };
  for (const filter of groupFilters([...keys])) {
    for await (const page of scim.list("Groups", { attributes: "displayName,ocid,members", filter }, deadline)) {
      for (const raw of page.resources) {
        const g = parseResource(groupSchema, raw, "group");
        const key = g.ocid && keys.has(g.ocid) ? g.ocid : keys.has(g.displayName) ? g.displayName : undefined;
        if (!key) continue;
        groupsFound++;
        for (const m of g.members) {
          if (m.type !== undefined && m.type !== "User") continue;
          const list = memberOf.get(m.value);
          if (!list) memberOf.set(m.value, [key]);
          else if (!list.includes(key)) list.push(key);
        }
      }
    }
  }
  return { memberOf, groupsFound };
}

/** All users of the domain, page by page, with their mapped groups attached. */
export async function* readUsers(
  scim: ScimClient,
  memberOf: ReadonlyMap<string, string[]>,
  deadline: Date | null,
): AsyncGenerator<{ users: IamUserState[]; total: number }> {
  const attributes = `ocid,userName,active,${USER_STATE}:locked`;
  for await (const page of scim.list("Users", { attributes }, deadline)) {
    const out: IamUserState[] = [];
    for (const raw of page.resources) {
      const u = parseResource(userSchema, raw, "user");
      // Registry rows and events name users by OCID: without one the user cannot be matched to anything.
      if (!u.ocid) throw new ScimError(`identity domain user ${u.id} (${u.userName}) has no ocid; cannot reconcile by OCID`, 200);
      out.push({
        ocid: u.ocid,
        userName: u.userName,
        blocked: u.active === false || u[USER_STATE]?.locked?.on === true,
        groups: [...(memberOf.get(u.id) ?? [])].sort(),
      });
    }
    yield { users: out, total: page.total };
  }
}
