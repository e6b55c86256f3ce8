import { z } from "zod";
import type { Logger } from "../log/logger";
import type { RetryPolicy } from "../net/retry";
import { groupNameSchema, iamUserNameSchema } from "../naming/boundary";
import { callOci, OciRequestError } from "../oci/call";
import type { AuthenticationDetailsProvider } from "oci-common";
import { signedRequest } from "../oci/signed-request";
import { AsyncTtlCache } from "../oci/ttl-cache";
import { scimUserRecord, USER_STATE } from "./scim-user";
import { IdentityError } from "./types";
import { isJsonObject } from "../util/json-shape";

/** One IAM user as the identity domain (or IAM) says it is now: the only source a sync plans from. */
export interface IamUserRecord {
  ocid: string;
  /** Checked at the name boundary. */
  userName: string;
  /** Locked or deactivated: the database account is locked. */
  blocked: boolean;
  /** Every group the user is in (OCID and name); the mapping decides which count. */
  groups: { id: string; name: string }[];
}

export type UserRead = { kind: "found"; user: IamUserRecord } | { kind: "absent" };

export interface UserStateReader {
  read(ocid: string): Promise<UserRead>;
  /** The OCID of the user with this user name (provision on demand by name), if any. */
  findOcid(userName: string): Promise<string | undefined>;
  /** Requests sent (for the per-event report). */
  readonly calls: number;
}

const scimList = z.object({ totalResults: z.number(), Resources: z.array(z.unknown()).default([]) });

function jsonOf(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IdentityError(`${what}: reply is not JSON`, "bad_reply");
  }
}

const parsed = <T extends z.ZodTypeAny>(schema: T, text: string, what: string): z.output<T> => checked(schema, jsonOf(text, what), what);

/** scimList's rules checked by hand first (every event reads one list); zod names the fault of a bad one. */
function listReply(text: string, what: string): z.output<typeof scimList> {
  const doc = jsonOf(text, what);
  if (isJsonObject(doc) && typeof doc.totalResults === "number" && (doc.Resources === undefined || Array.isArray(doc.Resources))) {
    return { totalResults: doc.totalResults, Resources: (doc.Resources ?? []) as unknown[] };
  }
  return checked(scimList, doc, what);
}

function checked<T extends z.ZodTypeAny>(schema: T, doc: unknown, what: string): z.output<T> {
  const r = schema.safeParse(doc);
  if (r.success) return r.data as z.output<T>;
  const issue = r.error.issues[0];
  throw new IdentityError(`${what}: ${issue?.path.join(".") || "reply"} ${issue?.message ?? "is invalid"}`, "bad_reply");
}

/**
 * The identity domain's SCIM API signed with the resource principal: one GET per user, with its groups.
 * Events carry the OCID while /Users/{id} takes the SCIM id, so the user is found by a filter on `ocid`.
 */
function domainReader(o: ReaderOptions & { domainUrl: string }): UserStateReader {
  let calls = 0;
  const search = async (what: string, filter: string, attributes: string) => {
    const url = new URL(`${o.domainUrl}/admin/v1/Users`);
    url.searchParams.set("filter", filter);
    url.searchParams.set("attributes", attributes);
    const res = await callOci(
      what,
      () => {
        calls++;
        return signedRequest({ method: "GET", url: url.toString(), headers: { accept: "application/scim+json, application/json" } }, { provider: o.provider });
      },
      { log: o.log, policy: o.retry },
    );
    return listReply(res.body, what);
  };
  return {
    get calls() {
      return calls;
    },
    async findOcid(userName) {
      const name = iamUserNameSchema.parse(userName);
      const list = await search(`identity domain user ${name}`, `userName eq ${JSON.stringify(name)}`, "ocid");
      const first = list.Resources[0] as { ocid?: unknown } | undefined;
      return typeof first?.ocid === "string" ? first.ocid : undefined;
    },
    async read(ocid) {
      const what = `identity domain user ${ocid}`;
      // OCIDs are checked against their alphabet first; JSON quoting is SCIM's string syntax.
      const list = await search(what, `ocid eq ${JSON.stringify(ocid)}`, `ocid,userName,active,${USER_STATE}:locked,groups`);
      if (list.Resources.length > 1) throw new IdentityError(`${what}: ${list.Resources.length} users share this OCID`, "bad_reply");
      if (list.Resources.length === 0) return { kind: "absent" };
      const user = scimUserRecord(list.Resources[0], (detail) => new IdentityError(`${what}: ${detail}`, "bad_reply"));
      if (user.ocid !== ocid) throw new IdentityError(`${what}: the domain answered another user`, "bad_reply");
      return { kind: "found", user };
    },
  };
}

const iamUser = z.object({ id: z.string(), compartmentId: z.string(), name: iamUserNameSchema, lifecycleState: z.string(), inactiveStatus: z.number().optional() });
const memberships = z.array(z.object({ groupId: z.string(), lifecycleState: z.string().optional() }));
const iamGroup = z.object({ id: z.string(), name: groupNameSchema });
/** inactiveStatus bit 2: the user exceeded the Console's failed-login limit. */
const BLOCKED_BIT = 0b100;

/**
 * The IAM API (Default domain without a domain URL): the user, then its group memberships; group names are
 * looked up by OCID and cached briefly (a group's name is not what an event announces).
 */
function iamReader(o: ReaderOptions & { endpoint: string; groupTtlMs: number }): UserStateReader {
  let calls = 0;
  const names = new AsyncTtlCache<string>(o.groupTtlMs);
  const get = async (what: string, path: string) =>
    callOci(
      what,
      () => {
        calls++;
        return signedRequest({ method: "GET", url: `${o.endpoint}${path}` }, { provider: o.provider });
      },
      { log: o.log, policy: o.retry },
    );
  return {
    get calls() {
      return calls;
    },
    findOcid() {
      // Listing users by name needs the tenancy OCID; provision on demand takes the OCID here.
      return Promise.reject(new IdentityError("without IDENTITY_DOMAIN_URL a user is named by its OCID (ocid1.user…)", "bad_ocid"));
    },
    async read(ocid) {
      let res;
      try {
        res = await get(`IAM user ${ocid}`, `/20160918/users/${encodeURIComponent(ocid)}`);
      } catch (err) {
        // 404 NotAuthorizedOrNotFound: IAM says the user does not exist (the policy is checked by the other reads).
        if (err instanceof OciRequestError && err.status === 404) return { kind: "absent" };
        throw err;
      }
      const u = parsed(iamUser, res.body, `IAM user ${ocid}`);
      const q = new URLSearchParams({ compartmentId: u.compartmentId, userId: ocid });
      const m = parsed(memberships, (await get(`IAM memberships of ${ocid}`, `/20160918/userGroupMemberships?${q.toString()}`)).body, `IAM memberships of ${ocid}`);
      const groups = await Promise.all(
        m
          .filter((x) => x.lifecycleState === undefined || x.lifecycleState === "ACTIVE")
          .map(async ({ groupId }) => {
            const name = await names.get(groupId, async () => parsed(iamGroup, (await get(`IAM group ${groupId}`, `/20160918/groups/${encodeURIComponent(groupId)}`)).body, `IAM group ${groupId}`).name).value;
            return { id: groupId, name };
          }),
      );
      return {
        kind: "found",
        user: { ocid, userName: u.name, blocked: u.lifecycleState !== "ACTIVE" || ((u.inactiveStatus ?? 0) & BLOCKED_BIT) !== 0, groups },
      };
    },
  };
}

interface ReaderOptions {
  log: Logger;
  retry?: RetryPolicy;
  /** Signing identity; the resource principal by default (a CLI passes its config-file profile). */
  provider?: AuthenticationDetailsProvider;
}

/** The reader for this deployment: the identity domain when its URL is configured, else the IAM API. */
export function createUserStateReader(o: ReaderOptions & { domainUrl?: string; iamEndpoint: string; groupTtlMs?: number }): UserStateReader {
  if (o.domainUrl) return domainReader({ ...o, domainUrl: o.domainUrl });
  return iamReader({ ...o, endpoint: o.iamEndpoint, groupTtlMs: o.groupTtlMs ?? 60_000 });
}
