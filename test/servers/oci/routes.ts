import type { IncomingMessage } from "node:http";
import type { GroupState, IdentityStore, Membership, ObjectStore, SecretStore, UserState } from "./state";

/** What a handler answers; the server adds opc-request-id and serialises json. */
export interface Reply {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  op: string;
  method: string;
  path: RegExp;
  /** Whether OCI requires the body in the signature (Object Storage PUT is exempt). */
  bodySigned: boolean;
  handle(m: RegExpMatchArray, ctx: { req: IncomingMessage; body: Buffer; url: URL }): Reply;
}

export const ociError = (status: number, code: string, message: string): Reply => ({ status, json: { code, message } });
const notAuthorizedOrNotFound = () =>
  ociError(404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.");

const SCIM_LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const USER_STATE = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User";

const scimError = (status: number, scimType: string, detail: string): Reply => ({
  status,
  json: { schemas: [SCIM_ERROR], status: String(status), scimType, detail },
});

/** The one SCIM filter form the look-up needs: `<attribute> eq "<value>"`. */
function parseEqFilter(filter: string | null, attributes: string[]): { attr: string; value: string } | Reply {
  const m = /^\s*([A-Za-z]+)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i.exec(filter ?? "");
  const attr = m ? attributes.find((a) => a.toLowerCase() === m[1].toLowerCase()) : undefined;
  if (!m || !attr) return scimError(400, "invalidFilter", `supported filters: ${attributes.join(" | ")} eq "<value>"`);
  return { attr, value: JSON.parse(m[2]) as string };
}

function listResponse(resources: unknown[]): Reply {
  return {
    status: 200,
    json: { schemas: [SCIM_LIST], totalResults: resources.length, Resources: resources, startIndex: 1, itemsPerPage: resources.length },
  };
}

/** `attributes=groups` (comma-separated, case-insensitive) asks for the request-only `groups` attribute. */
const wantsGroups = (url: URL) => (url.searchParams.get("attributes") ?? "").split(",").some((a) => a.trim().toLowerCase() === "groups");

/** A user's `groups` as an identity domain returns them: value (SCIM id), display, $ref, ocid, type. */
function scimGroupsOf(u: UserState, identity: IdentityStore, base: string): unknown[] {
  return identity.readMemberships(u.id).flatMap((m) => {
    const g = identity.groups.get(m.groupId);
    if (!g) return [];
    return [{ value: g.scimId, display: g.name, $ref: `${base}/admin/v1/Groups/${g.scimId}`, ocid: g.id, membershipOcid: m.id, type: "direct", nonUniqueDisplay: g.name }];
  });
}

function scimUser(u: UserState, base: string, groups?: unknown[]): unknown {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", USER_STATE],
    id: u.scimId,
    ocid: u.id,
    userName: u.name,
    active: u.active,
    ...(u.email ? { emails: [{ value: u.email, type: "work", primary: true }] } : {}),
    [USER_STATE]: { locked: { on: u.blocked } },
    ...(groups ? { groups } : {}),
    meta: { resourceType: "User", created: u.created.toISOString(), location: `${base}/admin/v1/Users/${u.scimId}` },
  };
}

function scimGroup(g: GroupState, base: string): unknown {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    id: g.scimId,
    ocid: g.id,
    displayName: g.name,
    meta: { resourceType: "Group", created: g.created.toISOString(), location: `${base}/admin/v1/Groups/${g.scimId}` },
  };
}

export function ociRoutes(s: { secrets: SecretStore; objects: ObjectStore; identity: IdentityStore; tenancyId: string }): Route[] {
  return [
    {
      op: "secrets.getSecretBundle",
      method: "GET",
      path: /^\/20190301\/secretbundles\/([^/?]+)$/,
      bodySigned: true,
      handle: (m) => {
        const secretId = decodeURIComponent(m[1]);
        const secret = s.secrets.get(secretId);
        if (!secret) return notAuthorizedOrNotFound();
        return {
          status: 200,
          headers: { etag: `${secretId}-${secret.version}` },
          json: {
            secretId,
            versionNumber: secret.version,
            stages: ["CURRENT", "LATEST"],
            timeCreated: new Date().toISOString(),
            secretBundleContent: { contentType: "BASE64", content: secret.content },
          },
        };
      },
    },
    {
      op: "objectstorage.getNamespace",
      method: "GET",
      path: /^\/n\/?$/,
      bodySigned: true,
      handle: () => ({ status: 200, json: s.objects.namespace }),
    },
    {
      op: "objectstorage.putObject",
      method: "PUT",
      path: /^\/n\/([^/]+)\/b\/([^/]+)\/o\/(.+)$/,
      bodySigned: false,
      handle: (m, { req, body }) => {
        const [namespace, bucketName, objectName] = [m[1], m[2], m[3]].map(decodeURIComponent);
        const bucket = namespace === s.objects.namespace ? s.objects.bucket(bucketName) : undefined;
        if (!bucket) return ociError(404, "BucketNotFound", `Either the bucket named '${bucketName}' does not exist in the namespace '${namespace}' or you are not authorized to access it`);
        const existing = bucket.get(objectName);
        const ifNoneMatch = req.headers["if-none-match"];
        if (existing && ifNoneMatch === "*") {
          return ociError(412, "IfNoneMatchFailed", `The If-None-Match header is '*' but there is an existing entity`);
        }
        const ifMatch = req.headers["if-match"];
        if (ifMatch && existing?.etag !== ifMatch) {
          return ociError(412, "IfMatchFailed", "The If-Match header does not match the current entity tag");
        }
        const obj = s.objects.put(bucketName, objectName, body, String(req.headers["content-type"] ?? "application/octet-stream"));
        return {
          status: 200,
          headers: { etag: obj.etag, "opc-content-md5": obj.md5, "last-modified": obj.timeCreated.toUTCString() },
        };
      },
    },
    {
      op: "identity.getUser",
      method: "GET",
      path: /^\/20160918\/users\/([^/?]+)$/,
      bodySigned: true,
      handle: (m) => {
        const u = s.identity.readUser(decodeURIComponent(m[1]));
        if (!u) return notAuthorizedOrNotFound();
        const inactive = !u.active || u.blocked;
        return {
          status: 200,
          headers: { etag: `${u.id}-etag` },
          json: {
            id: u.id,
            compartmentId: s.tenancyId,
            name: u.name,
            description: u.name,
            ...(u.email ? { email: u.email, emailVerified: true } : {}),
            timeCreated: u.created.toISOString(),
            lifecycleState: inactive ? "INACTIVE" : "ACTIVE",
            // Bit 2 = BLOCKED; bit 1 (DISABLED) stands for an administratively deactivated user here.
            ...(inactive ? { inactiveStatus: (u.blocked ? 4 : 0) | (u.active ? 0 : 2) } : {}),
            isMfaActivated: false,
            freeformTags: {},
            definedTags: {},
          },
        };
      },
    },
    {
      op: "identity.getGroup",
      method: "GET",
      path: /^\/20160918\/groups\/([^/?]+)$/,
      bodySigned: true,
      handle: (m) => {
        const g = s.identity.groups.get(decodeURIComponent(m[1]));
        if (!g) return notAuthorizedOrNotFound();
        return {
          status: 200,
          json: {
            id: g.id,
            compartmentId: s.tenancyId,
            name: g.name,
            description: g.name,
            timeCreated: g.created.toISOString(),
            lifecycleState: "ACTIVE",
            freeformTags: {},
            definedTags: {},
          },
        };
      },
    },
    {
      op: "domains.listUsers",
      method: "GET",
      path: /^\/admin\/v1\/Users$/,
      bodySigned: true,
      handle: (_m, { url }) => {
        const f = parseEqFilter(url.searchParams.get("filter"), ["ocid", "id", "userName"]);
        if ("status" in f) return f;
        const key = (u: UserState) => (f.attr === "ocid" ? u.id : f.attr === "id" ? u.scimId : u.name.toLowerCase());
        const want = f.attr === "userName" ? f.value.toLowerCase() : f.value;
        const hits = [...s.identity.users.values()].filter((u) => key(u) === want && s.identity.readUser(u.id));
        return listResponse(hits.map((u) => scimUser(u, url.origin, wantsGroups(url) ? scimGroupsOf(u, s.identity, url.origin) : undefined)));
      },
    },
    {
      op: "domains.getUser",
      method: "GET",
      path: /^\/admin\/v1\/Users\/([^/?]+)$/,
      bodySigned: true,
      handle: (m, { url }) => {
        // The SCIM id, as the identity domain keys /Users/{id} (an OCID there is an unknown id).
        const id = decodeURIComponent(m[1]);
        const u = [...s.identity.users.values()].find((x) => x.scimId === id);
        if (!u || !s.identity.readUser(u.id)) return { status: 404, json: { schemas: [SCIM_ERROR], status: "404", detail: `Resource ${id} not found.` } };
        return { status: 200, json: scimUser(u, url.origin, wantsGroups(url) ? scimGroupsOf(u, s.identity, url.origin) : undefined) };
      },
    },
    {
      op: "identity.listUserGroupMemberships",
      method: "GET",
      path: /^\/20160918\/userGroupMemberships\/?$/,
      bodySigned: true,
      handle: (_m, { url }) => {
        const q = url.searchParams;
        if (!q.get("compartmentId")) return ociError(400, "MissingParameter", "compartmentId is required");
        if (q.get("compartmentId") !== s.tenancyId) return notAuthorizedOrNotFound();
        const userId = q.get("userId");
        const groupId = q.get("groupId");
        if (!userId && !groupId) return ociError(400, "MissingParameter", "userId or groupId is required");
        const all: Membership[] = userId
          ? s.identity.users.has(userId) ? s.identity.readMemberships(userId) : []
          : [...s.identity.users.keys()].flatMap((uid) => s.identity.readMemberships(uid));
        const hits = all.filter((m) => !groupId || m.groupId === groupId);
        return {
          status: 200,
          json: hits.map((m) => ({ id: m.id, compartmentId: s.tenancyId, groupId: m.groupId, userId: m.userId, timeCreated: m.created.toISOString(), lifecycleState: "ACTIVE", inactiveStatus: null })),
        };
      },
    },
    {
      op: "domains.listGroups",
      method: "GET",
      path: /^\/admin\/v1\/Groups$/,
      bodySigned: true,
      handle: (_m, { url }) => {
        const f = parseEqFilter(url.searchParams.get("filter"), ["ocid", "id", "displayName"]);
        if ("status" in f) return f;
        const key = (g: GroupState) => (f.attr === "ocid" ? g.id : f.attr === "id" ? g.scimId : g.name.toLowerCase());
        const want = f.attr === "displayName" ? f.value.toLowerCase() : f.value;
        return listResponse([...s.identity.groups.values()].filter((g) => key(g) === want).map((g) => scimGroup(g, url.origin)));
      },
    },
  ];
}
