import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A Microsoft Graph-like server for template previews and tests: users, groups, directory roles, subscribed
 * SKUs and directory extension definitions under /v1.0, with `$top`/`$skiptoken` paging (the next page's
 * link in `@odata.nextLink`, absent on the last page), `$select`, the `$filter`s the templates use, the
 * advanced-query rule for filters on memberOf, membership and licence writes, and Graph's error envelope.
 */

export interface GraphUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  accountEnabled: boolean;
  usageLocation?: string;
  /** Directory extension values, keyed extension_<appId without dashes>_<name>. */
  [extension: `extension_${string}`]: unknown;
}

export interface GraphGroup {
  id: string;
  displayName: string;
  description: string | null;
  /** ["Unified"] for a Microsoft 365 group, [] otherwise. */
  groupTypes: string[];
  securityEnabled: boolean;
  mailEnabled: boolean;
  members: string[];
}

export interface GraphRole {
  id: string;
  displayName: string;
  description: string;
  roleTemplateId: string;
  members: string[];
}

export interface GraphSku {
  skuId: string;
  skuPartNumber: string;
  /** prepaidUnits.enabled: how many users may hold it. */
  enabled: number;
}

/** An extensionProperty, as getAvailableExtensionProperties returns it. */
export interface GraphExtensionProperty {
  id: string;
  name: string;
  appDisplayName: string;
  dataType: "Binary" | "Boolean" | "DateTime" | "Integer" | "LargeInteger" | "String";
  isMultiValued: boolean;
  isSyncedFromOnPremises: boolean;
  targetObjects: string[];
}

export interface GraphServerOptions {
  /** The bearer token accepted, or a check of the presented one (e.g. "issued by the token server"). */
  token: string | ((token: string) => boolean);
  /** Page size when $top is absent (Graph's default is 100). */
  defaultPageSize?: number;
}

export interface GraphServer {
  url: string;
  host: string;
  /** The tenant id (subscribedSku ids are <tenant>_<skuId>). */
  tenantId: string;
  users: GraphUser[];
  groups: GraphGroup[];
  roles: GraphRole[];
  skus: GraphSku[];
  /** Licences per user id: the skuIds assigned. */
  licenses: Map<string, string[]>;
  extensionProperties: GraphExtensionProperty[];
  /** Requests served, by "METHOD /path" with ids replaced by {id}. */
  requests: Map<string, number>;
  addUser(u: Omit<GraphUser, "id" | "mail" | "accountEnabled"> & Partial<GraphUser>): GraphUser;
  /** A security group unless told otherwise (a Microsoft 365 group: groupTypes ["Unified"], mailEnabled). */
  addGroup(displayName: string, members: string[], o?: Partial<Pick<GraphGroup, "description" | "groupTypes" | "securityEnabled" | "mailEnabled">>): GraphGroup;
  addRole(displayName: string, members?: string[]): GraphRole;
  addSku(skuPartNumber: string, enabled?: number): GraphSku;
  /** Registers a directory extension on an application (name becomes extension_<appId>_<name>). */
  addExtensionProperty(appId: string, name: string, dataType: GraphExtensionProperty["dataType"], o?: Partial<Pick<GraphExtensionProperty, "isMultiValued" | "targetObjects" | "isSyncedFromOnPremises">>): GraphExtensionProperty;
  close(): Promise<void>;
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const send = (res: ServerResponse, status: number, body?: unknown) => {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/** Graph's error envelope: code, message and the innerError with request ids and a date. */
function sendError(res: ServerResponse, e: GraphError, clientRequestId: string | undefined): void {
  const requestId = randomUUID();
  res.setHeader("request-id", requestId);
  send(res, e.status, { error: { code: e.code, message: e.message, innerError: { date: new Date().toISOString().slice(0, 19), "request-id": requestId, "client-request-id": clientRequestId ?? requestId } } });
}

function select<T extends object>(o: T, fields: string | null, defaults?: (key: string) => boolean): Partial<T> {
  if (!fields) return defaults ? (Object.fromEntries(Object.entries(o).filter(([k]) => defaults(k))) as Partial<T>) : o;
  const wanted = new Set(fields.split(",").map((f) => f.trim()));
  return Object.fromEntries(Object.entries(o).filter(([k]) => wanted.has(k))) as Partial<T>;
}

/** Directory extension values come back only when $select names them, as in Graph v1.0. */
const notExtension = (k: string) => !k.startsWith("extension_");

/** The group filters the templates send: comparisons on securityEnabled/mailEnabled and the Unified lambda, and-ed. */
function groupFilter(text: string): (g: GraphGroup) => boolean {
  const tests = text.split(/\s+and\s+/i).map((clause): ((g: GraphGroup) => boolean) => {
    const flag = /^(securityEnabled|mailEnabled)\s+eq\s+(true|false)$/i.exec(clause.trim());
    if (flag) {
      const key = flag[1].toLowerCase() === "securityenabled" ? "securityEnabled" : "mailEnabled";
      const want = flag[2].toLowerCase() === "true";
      return (g) => g[key] === want;
    }
    const lambda = /^groupTypes\/any\((\w+):\1\s+eq\s+'([^']*)'\)$/i.exec(clause.trim());
    if (lambda) return (g) => g.groupTypes.includes(lambda[2]);
    throw new GraphError(400, "Request_BadRequest", `Invalid filter clause: ${clause.trim()}`);
  });
  return (g) => tests.every((t) => t(g));
}

const MAX_BODY = 1024 * 1024;
function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (size > MAX_BODY) return reject(new GraphError(413, "Request_BadRequest", "request body too large"));
      if (text.trim() === "") return resolve({});
      try {
        const v = JSON.parse(text) as unknown;
        if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."));
      }
    });
    req.on("error", reject);
  });
}

export async function startGraphServer(o: GraphServerOptions): Promise<GraphServer> {
  const tenantId = randomUUID();
  const users: GraphUser[] = [];
  const groups: GraphGroup[] = [];
  const roles: GraphRole[] = [];
  const skus: GraphSku[] = [];
  const licenses = new Map<string, string[]>();
  const extensionProperties: GraphExtensionProperty[] = [];
  const requests = new Map<string, number>();
  /** Skip tokens are opaque: each maps to the offset it resumes at. */
  const skipTokens = new Map<string, number>();
  const accepts = typeof o.token === "string" ? (t: string) => t === o.token : o.token;
  let base = "";

  const page = <T extends object>(res: ServerResponse, url: URL, all: T[], extra: Record<string, unknown> = {}) => {
    const top = url.searchParams.has("$top") ? Number(url.searchParams.get("$top")) : (o.defaultPageSize ?? 100);
    if (!Number.isInteger(top) || top < 1 || top > 999) throw new GraphError(400, "Request_BadRequest", "Invalid value for $top");
    const token = url.searchParams.get("$skiptoken");
    let start = 0;
    if (token) {
      const at = skipTokens.get(token);
      if (at === undefined) throw new GraphError(400, "Directory_ExpiredPageToken", "The specified page token value has expired and can no longer be included in your request.");
      start = at;
    }
    const slice = all.slice(start, start + top).map((x) => select(x, url.searchParams.get("$select"), notExtension));
    const body: Record<string, unknown> = { "@odata.context": `${base}/v1.0/$metadata`, ...extra, value: slice };
    if (start + top < all.length) {
      const next = randomUUID().replace(/-/g, "");
      skipTokens.set(next, start + top);
      // Graph writes $skiptoken literally (not %24skiptoken), which templates' split(/\$skiptoken=/) relies on.
      const query = url.search.slice(1).split("&").filter((p) => p !== "" && !/^(\$|%24)skiptoken=/i.test(p));
      body["@odata.nextLink"] = `${base}${url.pathname}?${[...query, `$skiptoken=${next}`].join("&")}`;
    }
    send(res, 200, body);
  };

  const groupView = ({ members: _m, ...g }: GraphGroup) => g;
  const roleView = ({ members: _m, ...r }: GraphRole) => r;
  const skuView = (s: GraphSku) => ({
    id: `${tenantId}_${s.skuId}`,
    accountId: tenantId,
    appliesTo: "User",
    capabilityStatus: "Enabled",
    consumedUnits: [...licenses.values()].filter((l) => l.includes(s.skuId)).length,
    prepaidUnits: { enabled: s.enabled, suspended: 0, warning: 0, lockedOut: 0 },
    servicePlans: [],
    skuId: s.skuId,
    skuPartNumber: s.skuPartNumber,
  });
  const userOr404 = (id: string) => users.find((u) => u.id === id) ?? notFound(id);
  function notFound(id: string): never {
    throw new GraphError(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  }

  /** POST …/members/$ref: the body names the new member as a directoryObjects URL. */
  const memberRef = (body: Record<string, unknown>): string => {
    const ref = body["@odata.id"];
    const m = typeof ref === "string" ? /\/directoryObjects\/([^/?#]+)$/.exec(ref) : null;
    if (!m) throw new GraphError(400, "Request_BadRequest", "Invalid URL format specified in @odata.id.");
    return userOr404(m[1]).id;
  };
  const addMember = (members: string[], body: Record<string, unknown>) => {
    const id = memberRef(body);
    if (members.includes(id)) throw new GraphError(400, "Request_BadRequest", "One or more added object references already exist for the following modified properties: 'members'.");
    members.push(id);
  };
  const removeMember = (members: string[], id: string) => {
    const at = members.indexOf(id);
    if (at < 0) notFound(id);
    members.splice(at, 1);
  };

  function assignLicense(user: GraphUser, body: Record<string, unknown>): void {
    const add = body.addLicenses;
    const remove = body.removeLicenses;
    if (!Array.isArray(add) || !Array.isArray(remove)) throw new GraphError(400, "Request_BadRequest", "addLicenses and removeLicenses are required collections.");
    const adding = add.map((a) => (a && typeof a === "object" ? (a as { skuId?: unknown }).skuId : undefined));
    for (const sku of [...adding, ...remove]) {
      if (typeof sku !== "string" || !skus.some((s) => s.skuId === sku)) {
        throw new GraphError(400, "Request_BadRequest", `License ${String(sku)} does not correspond to a valid company License.`);
      }
    }
    if (adding.length > 0 && !user.usageLocation) throw new GraphError(400, "Request_BadRequest", "License assignment cannot be done for user with invalid usage location.");
    const held = new Set(licenses.get(user.id) ?? []);
    for (const sku of remove as string[]) {
      if (!held.has(sku)) throw new GraphError(400, "Request_BadRequest", `User does not have a corresponding license ${sku}.`);
      held.delete(sku);
    }
    for (const sku of adding as string[]) {
      const s = skus.find((x) => x.skuId === sku) as GraphSku;
      if (!held.has(sku) && skuView(s).consumedUnits >= s.enabled) throw new GraphError(400, "Request_BadRequest", `Subscription for license ${sku} does not have any available licenses.`);
      held.add(sku);
    }
    licenses.set(user.id, [...held]);
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", base);
    const method = req.method ?? "GET";
    const path = url.pathname;
    const route = `${method} ${path.replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/g, "/{id}")}`;
    requests.set(route, (requests.get(route) ?? 0) + 1);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!bearer || !accepts(bearer)) throw new GraphError(401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
    const q = url.searchParams;
    let m: RegExpExecArray | null;

    if (method === "POST" && path === "/v1.0/directoryObjects/getAvailableExtensionProperties") {
      const body = await readJson(req);
      const synced = body.isSyncedFromOnPremises;
      const list = extensionProperties.filter((p) => typeof synced !== "boolean" || p.isSyncedFromOnPremises === synced);
      return send(res, 200, { "@odata.context": `${base}/v1.0/$metadata#Collection(extensionProperty)`, value: list.map((p) => ({ "@odata.type": "#microsoft.graph.extensionProperty", deletedDateTime: null, ...p })) });
    }
    if ((m = /^\/v1\.0\/(groups|directoryRoles)\/([^/]+)\/members\/\$ref$/.exec(path)) && method === "POST") {
      const target = m[1] === "groups" ? groups.find((g) => g.id === m?.[2]) : roles.find((r) => r.id === m?.[2]);
      if (!target) notFound(m[2]);
      if ("mailEnabled" in target && target.mailEnabled && !target.groupTypes.includes("Unified")) {
        throw new GraphError(400, "Request_BadRequest", "Cannot Update a mail-enabled security groups and or distribution list.");
      }
      addMember(target.members, await readJson(req));
      return send(res, 204);
    }
    if ((m = /^\/v1\.0\/(groups|directoryRoles)\/([^/]+)\/members\/([^/]+)\/\$ref$/.exec(path)) && method === "DELETE") {
      const target = m[1] === "groups" ? groups.find((g) => g.id === m?.[2]) : roles.find((r) => r.id === m?.[2]);
      if (!target) notFound(m[2]);
      removeMember(target.members, m[3]);
      return send(res, 204);
    }
    if ((m = /^\/v1\.0\/users\/([^/]+)\/assignLicense$/.exec(path)) && method === "POST") {
      const user = userOr404(m[1]);
      assignLicense(user, await readJson(req));
      return send(res, 200, { "@odata.context": `${base}/v1.0/$metadata#users/$entity`, ...select(user, null, notExtension) });
    }
    if (method !== "GET") throw new GraphError(405, "Request_BadRequest", `${method} is not served at ${path}`);

    if (path === "/v1.0/subscribedSkus") return send(res, 200, { "@odata.context": `${base}/v1.0/$metadata#subscribedSkus`, value: skus.map(skuView) });
    if (path === "/v1.0/directoryRoles") return send(res, 200, { "@odata.context": `${base}/v1.0/$metadata#directoryRoles`, value: roles.map(roleView).map((r) => select(r, q.get("$select"))) });
    if ((m = /^\/v1\.0\/directoryRoles\/([^/]+)$/.exec(path))) {
      const role = roles.find((r) => r.id === m?.[1]) ?? notFound(m[1]);
      return send(res, 200, select(roleView(role), q.get("$select")));
    }
    if ((m = /^\/v1\.0\/users\/([^/]+)\/licenseDetails$/.exec(path))) {
      const user = userOr404(m[1]);
      const held = (licenses.get(user.id) ?? []).map((sku) => skus.find((s) => s.skuId === sku) as GraphSku);
      return page(res, url, held.map((s) => ({ id: `lic-${user.id}-${s.skuId}`, skuId: s.skuId, skuPartNumber: s.skuPartNumber, servicePlans: [] })));
    }
    if ((m = /^\/v1\.0\/users\/([^/]+)\/memberOf\/microsoft\.graph\.(group|directoryRole)$/.exec(path))) {
      const user = userOr404(m[1]);
      const filter = q.get("$filter");
      const advanced = req.headers.consistencylevel === "eventual" && q.get("$count") === "true";
      // A filter on a directory-object relationship is an advanced query: ConsistencyLevel eventual and $count.
      if (filter !== null && !advanced) throw new GraphError(400, "Request_UnsupportedQuery", "Unsupported Query.");
      const list: object[] =
        m[2] === "group"
          ? groups.filter((g) => g.members.includes(user.id) && (filter === null || groupFilter(filter)(g))).map(groupView)
          : roles.filter((r) => r.members.includes(user.id)).map(roleView);
      return page(res, url, list, advanced ? { "@odata.count": list.length } : {});
    }
    if ((m = /^\/v1\.0\/(users|groups)(?:\/([^/]+))?$/.exec(path))) {
      const [, collection, id] = m;
      const filter = q.get("$filter");
      if (collection === "users") {
        if (filter !== null) throw new GraphError(400, "Request_BadRequest", "This loopback server filters groups only.");
        if (!id) return page(res, url, users);
        return send(res, 200, select(userOr404(id), q.get("$select"), notExtension));
      }
      if (!id) return page(res, url, (filter === null ? groups : groups.filter(groupFilter(filter))).map(groupView));
      return send(res, 200, select(groupView(groups.find((g) => g.id === id) ?? notFound(id)), q.get("$select")));
    }
    throw new GraphError(400, "Request_BadRequest", `Resource not found for the segment '${path.split("/").pop() ?? ""}'.`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const e = err instanceof GraphError ? err : new GraphError(500, "InternalServerError", err instanceof Error ? err.message : "failed");
      const id = req.headers["client-request-id"];
      sendError(res, e, typeof id === "string" ? id : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    host: `127.0.0.1:${port}`,
    tenantId,
    users,
    groups,
    roles,
    skus,
    licenses,
    extensionProperties,
    requests,
    addUser(u) {
      const user: GraphUser = { id: randomUUID(), mail: `${u.userPrincipalName}`, accountEnabled: true, ...u };
      users.push(user);
      return user;
    },
    addGroup(displayName, members, g = {}) {
      const unified = g.groupTypes?.includes("Unified") ?? false;
      const group: GraphGroup = { id: randomUUID(), displayName, description: null, groupTypes: [], securityEnabled: !unified, mailEnabled: unified, ...g, members };
      groups.push(group);
      return group;
    },
    addRole(displayName, members = []) {
      const role: GraphRole = { id: randomUUID(), displayName, description: `${displayName} role`, roleTemplateId: randomUUID(), members };
      roles.push(role);
      return role;
    },
    addSku(skuPartNumber, enabled = 25) {
      const sku: GraphSku = { skuId: randomUUID(), skuPartNumber, enabled };
      skus.push(sku);
      return sku;
    },
    addExtensionProperty(appId, name, dataType, p = {}) {
      const prop: GraphExtensionProperty = {
        id: randomUUID(),
        name: `extension_${appId.replace(/-/g, "")}_${name}`,
        appDisplayName: "Contoso HR",
        dataType,
        isMultiValued: false,
        isSyncedFromOnPremises: false,
        targetObjects: ["User"],
        ...p,
      };
      extensionProperties.push(prop);
      return prop;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
