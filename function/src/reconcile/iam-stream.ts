import { insertSorted } from "../util/short-lists";
import { ScimError, type ScimClient } from "./scim-client";

const USER_STATE = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User";

/** An IAM user as a page of the full read gives it. */
export interface StreamedUser {
  /** OCID: what events and the registry know the user by, and the merge key. */
  ocid: string;
  /** Not yet checked at the name boundary: the user's own sync refuses a bad name (one user, not the run). */
  userName: string;
  /** Locked or deactivated in IAM. */
  blocked: boolean;
  /** Mapping keys of the mapped groups the user is in, sorted. */
  groups: string[];
}

/** Up to this many mapping keys are asked for by filter; a larger mapping pages through all groups. */
const FILTER_KEYS = 100;
const FILTER_CHUNK = 25;
/**
 * Most groups per page of the membership read (RECONCILE_PAGE if smaller): a page's members are parsed at once,
 * and a thousand groups' worth (40,000 members at 100k users) outlived V8's young generation and was copied
 * into the old one (100k users: peak RSS 230 → 185 MB with 100). It also keeps a page further from the
 * identity domain's limit of 10,000 members per reply.
 */
const GROUPS_PER_PAGE = 100;

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

const malformed = (what: string, raw: Record<string, unknown>, field: string) =>
  new ScimError(`identity domain ${what}${typeof raw.id === "string" ? ` ${raw.id}` : ""} is malformed: ${field}`, 200);
const str = (v: unknown): v is string => typeof v === "string";

/**
 * SCIM user id → mapping keys of its groups, from the members of the mapped groups only. A group counts by
 * OCID when the mapping is keyed by OCID, else by display name (as for events). Rows are checked by hand:
 * this runs over every membership of every mapped group.
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
    for await (const page of scim.list("Groups", { attributes: "displayName,ocid,members", filter, maxCount: GROUPS_PER_PAGE }, deadline)) {
      for (const g of page.resources) {
        if (!str(g.id)) throw malformed("group", g, "id is not a string");
        if (!str(g.displayName)) throw malformed("group", g, "displayName is not a string");
        if (g.ocid !== undefined && !str(g.ocid)) throw malformed("group", g, "ocid is not a string");
        const key = str(g.ocid) && keys.has(g.ocid) ? g.ocid : keys.has(g.displayName) ? g.displayName : undefined;
        if (!key) continue;
        groupsFound++;
        const members = g.members ?? [];
        if (!Array.isArray(members)) throw malformed("group", g, "members is not an array");
        for (const m of members as Record<string, unknown>[]) {
          if (typeof m !== "object" || m === null || !str(m.value)) throw malformed("group", g, "members.value is not a string");
          if (m.type !== undefined && m.type !== "User") continue;
          const list = memberOf.get(m.value);
          if (!list) memberOf.set(m.value, [key]);
          else insertSorted(list, key);
        }
      }
    }
  }
  return { memberOf, groupsFound };
}

/**
 * All users of the domain in ascending OCID order (SCIM sortBy, RFC 7644 §3.4.2.3), page by page, with their
 * mapped groups attached. The order is checked, not trusted: a page out of order stops the read with an
 * error (the merge with the registry would otherwise take present users for gone ones).
 */
export async function* usersByOcid(
  scim: ScimClient,
  memberOf: ReadonlyMap<string, string[]>,
  deadline: Date | null,
): AsyncGenerator<StreamedUser[]> {
  const attributes = `ocid,userName,active,${USER_STATE}:locked`;
  let last = "";
  for await (const page of scim.list("Users", { attributes, sortBy: "ocid" }, deadline)) {
    const out: StreamedUser[] = [];
    for (const u of page.resources) {
      if (!str(u.id)) throw malformed("user", u, "id is not a string");
      if (!str(u.userName)) throw malformed("user", u, "userName is not a string");
      // Registry rows and events name users by OCID: without one the user cannot be matched to anything.
      if (!str(u.ocid)) throw new ScimError(`identity domain user ${u.id} (${u.userName}) has no ocid; cannot reconcile by OCID`, 200);
      if (u.ocid <= last) throw new ScimError(`identity domain listed user ${u.ocid} after ${last}: not in ascending ocid order (sortBy=ocid); nothing was changed`, 200);
      last = u.ocid;
      const state = u[USER_STATE] as { locked?: { on?: unknown } } | undefined;
      out.push({
        ocid: u.ocid,
        userName: u.userName,
        blocked: u.active === false || state?.locked?.on === true,
        groups: memberOf.get(u.id) ?? [],
      });
    }
    yield out;
  }
}
